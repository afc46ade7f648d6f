/**
 * When a converged parent's next drift check is due, decided without writing status (issue 10,
 * DESIGN.md §1: status changes only when something changed).
 *
 * Each replica remembers, per parent, when it last read AWS for the parent's current inputs. The
 * memory is a bounded LRU and may be lost at any time (a restart, another replica, an eviction):
 *
 * - a hit younger than the interval: no AWS call, resync when the interval is up;
 * - a miss while the memory has room (a restart, or another replica converged the parent): the
 *   parent is taken as checked a deterministic part of an interval ago (a hash of its uid), so
 *   that after a restart thousands of parents spread their first checks over one interval
 *   instead of all reading AWS at once. A miss costs one drift check, spread over time;
 * - a miss while the memory is full (more parents than entries): checked at once, because an
 *   LRU that evicts in a round-robin would otherwise never remember a check and never check.
 *   The rate limiter bounds what that costs; `evictions` shows it happening.
 */
import { LRUCache } from 'lru-cache';

/** Default size: one entry per parent this replica serves (about 200 bytes each). */
export const DEFAULT_DRIFT_SCHEDULE_ENTRIES = 200_000;

/** First retry after a drift check was deferred by the rate limiter; doubles up to the interval. */
const FIRST_DEFERRAL_MS = 5_000;

interface Entry {
  /** The inputs the check was made for: a new hash is a new parent as far as checks go. */
  inputHash: string;
  /** When AWS was last read (ms), or the synthetic time given on a miss. */
  checkedAt: number;
  /** When the kind's volatile status values (message counts) were last written (ms). */
  volatileAt: number | undefined;
  /** Drift checks deferred in a row by the rate limiter (backoff). */
  deferrals: number;
}

/** Whether a drift check is due, and if not, in how many ms it will be. */
export type DriftDecision = { due: true } | { due: false; inMs: number };

/**
 * A deterministic fraction in [0, 1) of a parent's key (FNV-1a, 32 bits): its place in the
 * interval after a miss, the same on every replica.
 */
export function offsetFraction(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 0x1_0000_0000;
}

/** The per-replica memory of drift checks. */
export class DriftSchedule {
  private readonly entries: LRUCache<string, Entry>;
  /** Entries dropped because the memory was full (exported as a metric). */
  evictions = 0;

  constructor(readonly maxEntries: number = DEFAULT_DRIFT_SCHEDULE_ENTRIES) {
    this.entries = new LRUCache<string, Entry>({
      max: maxEntries,
      dispose: (_value, _key, reason) => {
        if (reason === 'evict') this.evictions++;
      },
    });
  }

  /** Entries held. */
  get size(): number {
    return this.entries.size;
  }

  /** Is a drift check of this converged parent due at `now` (ms)? Records a miss as described above. */
  decide(key: string, inputHash: string, now: number, intervalMs: number): DriftDecision {
    const entry = this.entries.get(key);
    if (entry?.inputHash === inputHash) {
      const age = now - entry.checkedAt;
      // A clock that went back: count from now rather than wait for it to catch up.
      if (age < 0) entry.checkedAt = now;
      return age < intervalMs ? { due: false, inMs: intervalMs - Math.max(0, age) } : { due: true };
    }
    if (this.entries.size >= this.maxEntries) return { due: true };
    const checkedAt = now - Math.floor(offsetFraction(key) * intervalMs);
    this.entries.set(key, { inputHash, checkedAt, volatileAt: entry?.volatileAt, deferrals: 0 });
    return { due: false, inMs: intervalMs - (now - checkedAt) };
  }

  /** AWS was read for these inputs at `now`. */
  checked(key: string, inputHash: string, now: number): void {
    const entry = this.entries.get(key);
    if (entry) {
      entry.inputHash = inputHash;
      entry.checkedAt = now;
      entry.deferrals = 0;
    } else {
      this.entries.set(key, { inputHash, checkedAt: now, volatileAt: undefined, deferrals: 0 });
    }
  }

  /**
   * A due check was deferred by the rate limiter: ms until the next attempt, doubling with each
   * deferral in a row (5 s, 10 s, ...) up to the interval, so that an over-budget install
   * degrades to slower checks instead of retrying every parent every few seconds.
   */
  deferred(key: string, intervalMs: number): number {
    const entry = this.entries.get(key);
    const n = entry ? ++entry.deferrals : 1;
    return Math.min(intervalMs, FIRST_DEFERRAL_MS * 2 ** Math.min(n - 1, 20));
  }

  /** May volatile status values be rewritten now (none written in the last `intervalMs`)? */
  volatileDue(key: string, now: number, intervalMs: number): boolean {
    const at = this.entries.get(key)?.volatileAt;
    return at === undefined || now - at >= intervalMs || now < at;
  }

  /** Volatile status values were written at `now`. */
  volatileWritten(key: string, now: number): void {
    const entry = this.entries.get(key);
    if (entry) entry.volatileAt = now;
  }

  /** The parent is gone (finalized). */
  forget(key: string): void {
    this.entries.delete(key);
  }
}
