/**
 * What a replica remembers of each parent it serves, packed (issue 10: RSS at 100,000 parents).
 *
 * Two readers share one record per parent: the drift schedule (when AWS was last read, for which
 * inputs; drift-schedule.ts) and the managed-resources tracker (kind and readiness;
 * server/metrics.ts). One key and one LRU slot serve both, and the fields live in typed-array
 * columns indexed by slot instead of an object per parent: about 110 bytes per parent, where an
 * object per reader cost about 350 (two keys, two map entries, two objects, boxed timestamps
 * and a hash string).
 *
 * The LRU itself is lru-cache's (key → slot). The columns grow by doubling up to `maxEntries`;
 * a slot freed by an eviction or a delete is reused.
 */
import { LRUCache } from 'lru-cache';

/** Default size: one record per parent this replica serves. */
export const DEFAULT_PARENT_MEMORY_ENTRIES = 200_000;

/** Flags of a record. */
export const HAS_CHECK = 1;
const HASH_PACKED = 2;
export const COUNTED = 4;
export const READY = 8;

const FIRST_CAPACITY = 1024;

/** The value of 8 lowercase hex digits of `s` from `from`, or -1 when they are not that. */
function hexWord(s: string, from: number): number {
  let v = 0;
  for (let i = from; i < from + 8; i++) {
    const c = s.charCodeAt(i);
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

/** The packed records, by key. */
export class ParentMemory {
  private readonly index: LRUCache<string, number>;
  private readonly free: number[] = [];
  private next = 0;
  private capacity = 0;
  /** Inputs hashes that are not 16 lowercase hex digits (hashOf's), by slot. */
  private readonly otherHashes = new Map<number, string>();
  private readonly releaseListeners: ((slot: number) => void)[] = [];
  /** Records dropped because the memory was full (exported as a metric). */
  evictions = 0;

  /** When AWS was last read (ms), or the synthetic time given on a miss. */
  checkedAt = new Float64Array(0);
  /** When the kind's volatile status values were last written (ms); NaN: never. */
  volatileAt = new Float64Array(0);
  /** When the tracker last saw the parent (ms). */
  seenAt = new Float64Array(0);
  private hashHi = new Uint32Array(0);
  private hashLo = new Uint32Array(0);
  /** Drift checks deferred in a row by the rate limiter (saturates at 255). */
  deferrals = new Uint8Array(0);
  /** The parent's kind, as an index into the tracker's kind table. */
  kind = new Uint8Array(0);
  /** HAS_CHECK, COUNTED, READY and the hash's packing. */
  flags = new Uint8Array(0);

  constructor(readonly maxEntries: number = DEFAULT_PARENT_MEMORY_ENTRIES) {
    this.index = new LRUCache<string, number>({
      max: maxEntries,
      dispose: (slot, _key, reason) => {
        if (reason === 'evict') this.evictions++;
        this.release(slot);
      },
    });
  }

  /** Records held. */
  get size(): number {
    return this.index.size;
  }

  /** Is every record in use (a new key would evict the least recently used)? */
  get full(): boolean {
    return this.index.size >= this.maxEntries;
  }

  /** Called with a record's slot just before the record is dropped (evicted or deleted). */
  onRelease(listener: (slot: number) => void): void {
    this.releaseListeners.push(listener);
  }

  /** The record of `key` (now the most recently used), if any. */
  slot(key: string): number | undefined {
    return this.index.get(key);
  }

  /** The record of `key`, created empty when absent (evicting the least recently used when full). */
  slotOrAdd(key: string): number {
    const found = this.index.get(key);
    if (found !== undefined) return found;
    if (this.full) this.index.pop();
    const slot = this.free.pop() ?? this.grow();
    this.checkedAt[slot] = 0;
    this.volatileAt[slot] = NaN;
    this.seenAt[slot] = 0;
    this.deferrals[slot] = 0;
    this.kind[slot] = 0;
    this.flags[slot] = 0;
    this.index.set(key, slot);
    return slot;
  }

  /** Drop the record of `key`. */
  delete(key: string): void {
    this.index.delete(key);
  }

  /** Slots from the least recently used on, for as long as the caller iterates. */
  *oldestFirst(): Generator<number> {
    for (const slot of this.index.rvalues()) if (slot !== undefined) yield slot;
  }

  /** Does the record hold this inputs hash? */
  hashIs(slot: number, hash: string): boolean {
    const f = this.flags[slot] ?? 0;
    if (!(f & HAS_CHECK)) return false;
    if (!(f & HASH_PACKED)) return this.otherHashes.get(slot) === hash;
    return hash.length === 16 && this.hashHi[slot] === hexWord(hash, 0) && this.hashLo[slot] === hexWord(hash, 8);
  }

  /** Store an inputs hash in the record. */
  setHash(slot: number, hash: string): void {
    let f = (this.flags[slot] ?? 0) | HAS_CHECK;
    const hi = hash.length === 16 ? hexWord(hash, 0) : -1;
    const lo = hi < 0 ? -1 : hexWord(hash, 8);
    if (lo >= 0) {
      this.hashHi[slot] = hi;
      this.hashLo[slot] = lo;
      this.otherHashes.delete(slot);
      f |= HASH_PACKED;
    } else {
      this.otherHashes.set(slot, hash);
      f &= ~HASH_PACKED;
    }
    this.flags[slot] = f;
  }

  private release(slot: number): void {
    for (const listener of this.releaseListeners) listener(slot);
    this.otherHashes.delete(slot);
    this.flags[slot] = 0;
    this.free.push(slot);
  }

  /** A never-used slot, growing the columns (doubling, up to maxEntries) when they are used up. */
  private grow(): number {
    if (this.next >= this.capacity) {
      this.capacity = Math.min(this.maxEntries, Math.max(FIRST_CAPACITY, this.capacity * 2));
      this.checkedAt = resized(this.checkedAt, this.capacity);
      this.volatileAt = resized(this.volatileAt, this.capacity);
      this.seenAt = resized(this.seenAt, this.capacity);
      this.hashHi = resized(this.hashHi, this.capacity);
      this.hashLo = resized(this.hashLo, this.capacity);
      this.deferrals = resized(this.deferrals, this.capacity);
      this.kind = resized(this.kind, this.capacity);
      this.flags = resized(this.flags, this.capacity);
    }
    return this.next++;
  }
}

type Column = Float64Array | Uint32Array | Uint8Array;

function resized<C extends Column>(column: C, length: number): C {
  const bigger = new (column.constructor as new (n: number) => C)(length);
  bigger.set(column);
  return bigger;
}
