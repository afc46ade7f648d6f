/** The service's own Prometheus metrics: one prom-client Registry per app instance. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DriftSchedule } from '../hooks/core/drift-schedule.js';
import type { AnswerMemo } from './answer-memo.js';
import { COUNTED, DEFAULT_PARENT_MEMORY_ENTRIES, ParentMemory, READY } from '../hooks/core/parent-memory.js';
import type { ResourceTracker } from '../hooks/core/reconcile.js';

/** Parents not seen for this long drop out of the managed-resources gauge. */
const TRACKER_TTL_MS = 10 * 60 * 1000;

/**
 * Remembers the readiness of every parent this replica synced recently. A stateless service
 * has no list of its resources; this is the replica's view (sum over replicas in PromQL with
 * max by (kind, ready) when several replicas serve the same parents).
 *
 * Kept in the replica's {@link ParentMemory}, beside the drift schedule (one record per parent,
 * bounded, LRU): kind, readiness and when last seen. Its counts by kind and readiness are kept
 * as parents come and go, so that neither a sync nor a scrape walks every parent; a scrape
 * uncounts the parents not seen for 10 minutes, oldest first, and stops at the first recent one.
 */
export class MemoryTracker implements ResourceTracker {
  private readonly memory: ParentMemory;
  private readonly kinds: string[] = [];
  private readonly kindIndex = new Map<string, number>();
  private readonly byKind: { ready: number; notReady: number }[] = [];
  private counted = 0;

  /** A tracker in `memory` (shared with the drift schedule), or in its own of this size. */
  constructor(
    private readonly now: () => number = Date.now,
    memory: ParentMemory | number = DEFAULT_PARENT_MEMORY_ENTRIES,
  ) {
    this.memory = typeof memory === 'number' ? new ParentMemory(memory) : memory;
    this.memory.onRelease((slot) => {
      this.uncount(slot);
    });
  }

  private kindOf(kind: string): number {
    let i = this.kindIndex.get(kind);
    if (i === undefined) {
      if (this.kinds.length > 255) throw new Error('more than 256 kinds tracked');
      i = this.kinds.push(kind) - 1;
      this.kindIndex.set(kind, i);
      this.byKind.push({ ready: 0, notReady: 0 });
    }
    return i;
  }

  private add(slot: number, delta: number): void {
    const c = this.byKind[this.memory.kind[slot] ?? 0];
    if (!c) return;
    if ((this.memory.flags[slot] ?? 0) & READY) c.ready += delta;
    else c.notReady += delta;
    this.counted += delta;
  }

  private uncount(slot: number): void {
    const f = this.memory.flags[slot] ?? 0;
    if (!(f & COUNTED)) return;
    this.add(slot, -1);
    this.memory.flags[slot] = f & ~COUNTED;
  }

  observe(uid: string, kind: string, ready: boolean): void {
    if (!uid) return;
    const m = this.memory;
    const slot = m.slotOrAdd(uid);
    this.uncount(slot);
    m.kind[slot] = this.kindOf(kind);
    m.flags[slot] = ((m.flags[slot] ?? 0) & ~READY) | (ready ? READY : 0) | COUNTED;
    this.add(slot, 1);
    m.seenAt[slot] = this.now();
  }

  forget(uid: string): void {
    this.memory.delete(uid);
  }

  /** Parents counted. */
  get size(): number {
    return this.counted;
  }

  /** Counts by kind and readiness. */
  counts(): Map<string, { ready: number; notReady: number }> {
    const cutoff = this.now() - TRACKER_TTL_MS;
    for (const slot of this.memory.oldestFirst()) {
      if ((this.memory.seenAt[slot] ?? 0) >= cutoff) break;
      this.uncount(slot);
    }
    return new Map(this.kinds.map((kind, i) => [kind, { ...(this.byKind[i] ?? { ready: 0, notReady: 0 }) }]));
  }
}

/** The metrics, registered on their own registry. */
export class Metrics {
  readonly registry = new Registry();
  readonly hookDuration: Histogram<'kind' | 'hook' | 'outcome'>;
  readonly awsCalls: Counter<'service' | 'operation' | 'outcome'>;
  readonly hooksInFlight: Gauge;
  readonly rejected: Counter<'hook' | 'reason'>;
  readonly rateLimited: Counter<'service' | 'region'>;
  /** Hook calls in flight (read by the gauge at scrape time: nothing to update per call). */
  inFlight = 0;
  /** The histogram's children by kind, hook and outcome: labels are resolved once, not per call. */
  private readonly timers = new Map<string, (seconds: number) => void>();

  constructor(
    readonly tracker: MemoryTracker,
    options: { defaultMetrics?: boolean; drift?: DriftSchedule; memo?: AnswerMemo } = {},
  ) {
    this.hookDuration = new Histogram({
      name: 'awshooks_hook_duration_seconds',
      help: 'Duration of hook calls by kind, hook (sync, finalize, customize) and outcome.',
      labelNames: ['kind', 'hook', 'outcome'],
      // 7.5 and 9: resolution near Metacontroller's 10 s hook timeout, which the latency alert
      // watches (with only 5 and 10, any p99 above 5 s would read as about 10 s).
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 7.5, 9, 10],
      registers: [this.registry],
    });
    this.awsCalls = new Counter({
      name: 'awshooks_aws_api_calls_total',
      help: 'AWS API calls by service, operation and outcome (success, throttled, client_error, server_error, network_error).',
      labelNames: ['service', 'operation', 'outcome'],
      registers: [this.registry],
    });
    const inFlightNow = () => this.inFlight;
    this.hooksInFlight = new Gauge({
      name: 'awshooks_hooks_in_flight',
      help: 'Hook calls being processed.',
      registers: [this.registry],
      collect() {
        this.set(inFlightNow());
      },
    });
    this.rateLimited = new Counter({
      name: 'awshooks_aws_rate_limited_total',
      help: 'AWS calls refused by the client-side rate limit (AWS_RATE_LIMITS), by service and region; a refused drift check is deferred.',
      labelNames: ['service', 'region'],
      registers: [this.registry],
    });
    const drift = options.drift;
    if (drift) {
      new Gauge({
        name: 'awshooks_drift_schedule_entries',
        help: 'Parents this replica remembers (last drift check, readiness; at most DRIFT_SCHEDULE_MAX_ENTRIES).',
        registers: [this.registry],
        collect() {
          this.set(drift.size);
        },
      });
      new Gauge({
        name: 'awshooks_drift_schedule_evictions',
        help: "Parents the replica's memory dropped because it was full: raise DRIFT_SCHEDULE_MAX_ENTRIES when this grows.",
        registers: [this.registry],
        collect() {
          this.set(drift.evictions);
        },
      });
    }
    const memo = options.memo;
    if (memo) {
      new Counter({
        name: 'awshooks_answer_memo_lookups_total',
        help: 'Sync calls looked up in the answer memo (ANSWER_MEMO_MAX_BYTES) by result: unparsed (the same bytes as a steady answer, found without parsing them), parsed (found after parsing), miss.',
        labelNames: ['result'],
        registers: [this.registry],
        collect() {
          this.reset();
          for (const [result, n] of Object.entries(memo.lookups)) this.inc({ result }, n);
        },
      });
    }
    this.rejected = new Counter({
      name: 'awshooks_hook_rejected_total',
      help: 'Hook calls refused before reconciling, by hook (sync, finalize, customize, unknown) and reason (unauthorized, overloaded, bad_request).',
      labelNames: ['hook', 'reason'],
      registers: [this.registry],
    });
    new Gauge({
      name: 'awshooks_managed_resources',
      help: 'Parents this replica synced in the last 10 minutes, by kind and readiness.',
      labelNames: ['kind', 'ready'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [kind, c] of tracker.counts()) {
          this.set({ kind, ready: 'true' }, c.ready);
          this.set({ kind, ready: 'false' }, c.notReady);
        }
      },
    });
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'awshooks_' });
  }

  /** Record one finished hook call. */
  observeHook(kind: string, hook: string, outcome: string, seconds: number): void {
    const key = `${kind}\0${hook}\0${outcome}`;
    let observe = this.timers.get(key);
    if (!observe) {
      const child = this.hookDuration.labels(kind, hook, outcome);
      observe = (seconds: number) => {
        child.observe(seconds);
      };
      this.timers.set(key, observe);
    }
    observe(seconds);
  }

  /** Total AWS calls so far (for tests and the benchmark). */
  async awsCallCount(): Promise<number> {
    const m = await this.awsCalls.get();
    return m.values.reduce((sum, v) => sum + v.value, 0);
  }
}
