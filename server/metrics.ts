/** The service's own Prometheus metrics: one prom-client Registry per app instance. */
import { LRUCache } from 'lru-cache';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DriftSchedule } from '../hooks/core/drift-schedule.js';
import type { ResourceTracker } from '../hooks/core/reconcile.js';

/** Parents not seen for this long drop out of the managed-resources gauge. */
const TRACKER_TTL_MS = 10 * 60 * 1000;

/** Default bound of the tracker: as many parents as the drift schedule remembers. */
const DEFAULT_TRACKER_ENTRIES = 200_000;

interface Seen {
  kind: string;
  ready: boolean;
  at: number;
}

/**
 * Remembers the readiness of every parent this replica synced recently. A stateless service
 * has no list of its resources; this is the replica's view (sum over replicas in PromQL with
 * max by (kind, ready) when several replicas serve the same parents).
 *
 * Bounded: an LRU of at most `maxEntries` parents, whose counts by kind and readiness are kept
 * as parents come and go, so that neither a sync nor a scrape walks every parent; a scrape
 * drops the parents not seen for 10 minutes, oldest first, and stops at the first recent one.
 */
export class MemoryTracker implements ResourceTracker {
  private readonly seen: LRUCache<string, Seen>;
  private readonly byKind = new Map<string, { ready: number; notReady: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    maxEntries: number = DEFAULT_TRACKER_ENTRIES,
  ) {
    this.seen = new LRUCache<string, Seen>({
      max: maxEntries,
      dispose: (entry) => {
        this.count(entry, -1);
      },
    });
  }

  private count(entry: Seen, delta: number): void {
    let c = this.byKind.get(entry.kind);
    if (!c) this.byKind.set(entry.kind, (c = { ready: 0, notReady: 0 }));
    if (entry.ready) c.ready += delta;
    else c.notReady += delta;
  }

  observe(uid: string, kind: string, ready: boolean): void {
    if (!uid) return;
    const entry = this.seen.get(uid);
    if (!entry) {
      const added = { kind, ready, at: this.now() };
      this.seen.set(uid, added);
      this.count(added, 1);
      return;
    }
    if (entry.kind !== kind || entry.ready !== ready) {
      this.count(entry, -1);
      entry.kind = kind;
      entry.ready = ready;
      this.count(entry, 1);
    }
    entry.at = this.now();
  }

  forget(uid: string): void {
    this.seen.delete(uid);
  }

  /** Parents tracked. */
  get size(): number {
    return this.seen.size;
  }

  /** Counts by kind and readiness. */
  counts(): Map<string, { ready: number; notReady: number }> {
    const cutoff = this.now() - TRACKER_TTL_MS;
    const stale: string[] = [];
    for (const uid of this.seen.rkeys()) {
      if ((this.seen.peek(uid)?.at ?? 0) >= cutoff) break;
      stale.push(uid);
    }
    for (const uid of stale) this.seen.delete(uid);
    return new Map([...this.byKind].map(([kind, c]) => [kind, { ...c }]));
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
    options: { defaultMetrics?: boolean; drift?: DriftSchedule } = {},
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
        help: 'Parents whose last drift check this replica remembers (at most DRIFT_SCHEDULE_MAX_ENTRIES).',
        registers: [this.registry],
        collect() {
          this.set(drift.size);
        },
      });
      new Gauge({
        name: 'awshooks_drift_schedule_evictions',
        help: 'Entries the drift schedule dropped because it was full: raise DRIFT_SCHEDULE_MAX_ENTRIES when this grows.',
        registers: [this.registry],
        collect() {
          this.set(drift.evictions);
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
