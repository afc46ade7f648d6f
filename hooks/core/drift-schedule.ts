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
import { DEFAULT_PARENT_MEMORY_ENTRIES, HAS_CHECK, ParentMemory } from './parent-memory.js';

/** Default size: one entry per parent this replica serves. */
export const DEFAULT_DRIFT_SCHEDULE_ENTRIES = DEFAULT_PARENT_MEMORY_ENTRIES;

/** First retry after a drift check was deferred by the rate limiter; doubles up to the interval. */
const FIRST_DEFERRAL_MS = 5_000;

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

/**
 * The per-replica memory of drift checks, kept in the replica's {@link ParentMemory} (per parent:
 * the inputs the check was made for, when AWS was last read, when volatile status values were
 * last written, and the deferrals in a row).
 */
export class DriftSchedule {
  readonly memory: ParentMemory;

  /** A schedule in `memory` (shared with the managed-resources tracker), or in its own of this size. */
  constructor(memory: ParentMemory | number = DEFAULT_DRIFT_SCHEDULE_ENTRIES) {
    this.memory = typeof memory === 'number' ? new ParentMemory(memory) : memory;
  }

  /** At most this many parents are remembered. */
  get maxEntries(): number {
    return this.memory.maxEntries;
  }

  /** Parents remembered. */
  get size(): number {
    return this.memory.size;
  }

  /** Parents dropped because the memory was full (exported as a metric). */
  get evictions(): number {
    return this.memory.evictions;
  }

  /** Is a drift check of this converged parent due at `now` (ms)? Records a miss as described above. */
  decide(key: string, inputHash: string, now: number, intervalMs: number): DriftDecision {
    const m = this.memory;
    let slot = m.slot(key);
    if (slot !== undefined && m.hashIs(slot, inputHash)) {
      const age = now - (m.checkedAt[slot] ?? 0);
      // A clock that went back: count from now rather than wait for it to catch up.
      if (age < 0) m.checkedAt[slot] = now;
      return age < intervalMs ? { due: false, inMs: intervalMs - Math.max(0, age) } : { due: true };
    }
    if (slot === undefined) {
      if (m.full) return { due: true };
      slot = m.slotOrAdd(key);
    }
    const checkedAt = now - Math.floor(offsetFraction(key) * intervalMs);
    m.setHash(slot, inputHash);
    m.checkedAt[slot] = checkedAt;
    m.deferrals[slot] = 0;
    return { due: false, inMs: intervalMs - (now - checkedAt) };
  }

  /** AWS was read for these inputs at `now`. */
  checked(key: string, inputHash: string, now: number): void {
    const m = this.memory;
    const slot = m.slotOrAdd(key);
    m.setHash(slot, inputHash);
    m.checkedAt[slot] = now;
    m.deferrals[slot] = 0;
  }

  /**
   * A due check was deferred by the rate limiter: ms until the next attempt, doubling with each
   * deferral in a row (5 s, 10 s, ...) up to the interval, so that an over-budget install
   * degrades to slower checks instead of retrying every parent every few seconds.
   */
  deferred(key: string, intervalMs: number): number {
    const m = this.memory;
    const slot = m.slot(key);
    let n = 1;
    if (slot !== undefined && (m.flags[slot] ?? 0) & HAS_CHECK) {
      n = Math.min(255, (m.deferrals[slot] ?? 0) + 1);
      m.deferrals[slot] = n;
    }
    return Math.min(intervalMs, FIRST_DEFERRAL_MS * 2 ** Math.min(n - 1, 20));
  }

  /** May volatile status values be rewritten now (none written in the last `intervalMs`)? */
  volatileDue(key: string, now: number, intervalMs: number): boolean {
    const slot = this.memory.slot(key);
    const at = slot === undefined ? NaN : (this.memory.volatileAt[slot] ?? NaN);
    return Number.isNaN(at) || now - at >= intervalMs || now < at;
  }

  /** Volatile status values were written at `now`. */
  volatileWritten(key: string, now: number): void {
    const slot = this.memory.slot(key);
    if (slot !== undefined) this.memory.volatileAt[slot] = now;
  }

  /** The parent is gone (finalized). */
  forget(key: string): void {
    this.memory.delete(key);
  }
}
