/** The service's own Prometheus metrics: one prom-client Registry per app instance. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ResourceTracker } from '../hooks/core/reconcile.js';

/** Parents not seen for this long drop out of the managed-resources gauge. */
const TRACKER_TTL_MS = 10 * 60 * 1000;

/**
 * Remembers the readiness of every parent this replica synced recently. A stateless service
 * has no list of its resources; this is the replica's view (sum over replicas in PromQL with
 * max by (kind, ready) when several replicas serve the same parents).
 */
export class MemoryTracker implements ResourceTracker {
  private readonly seen = new Map<string, { kind: string; ready: boolean; at: number }>();
  constructor(private readonly now: () => number = Date.now) {}
  observe(uid: string, kind: string, ready: boolean): void {
    if (uid) this.seen.set(uid, { kind, ready, at: this.now() });
  }
  forget(uid: string): void {
    this.seen.delete(uid);
  }
  /** Counts by kind and readiness. */
  counts(): Map<string, { ready: number; notReady: number }> {
    const out = new Map<string, { ready: number; notReady: number }>();
    const cutoff = this.now() - TRACKER_TTL_MS;
    for (const [uid, entry] of this.seen) {
      if (entry.at < cutoff) {
        this.seen.delete(uid);
        continue;
      }
      const c = out.get(entry.kind) ?? { ready: 0, notReady: 0 };
      if (entry.ready) c.ready++;
      else c.notReady++;
      out.set(entry.kind, c);
    }
    return out;
  }
}

/** The metrics, registered on their own registry. */
export class Metrics {
  readonly registry = new Registry();
  readonly hookDuration: Histogram<'kind' | 'hook' | 'outcome'>;
  readonly awsCalls: Counter<'service' | 'operation' | 'outcome'>;
  readonly hooksInFlight: Gauge;
  readonly rejected: Counter<'hook' | 'reason'>;

  constructor(readonly tracker: MemoryTracker, options: { defaultMetrics?: boolean } = {}) {
    this.hookDuration = new Histogram({
      name: 'awshooks_hook_duration_seconds',
      help: 'Duration of hook calls by kind, hook (sync, finalize, customize) and outcome.',
      labelNames: ['kind', 'hook', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.awsCalls = new Counter({
      name: 'awshooks_aws_api_calls_total',
      help: 'AWS API calls by service, operation and outcome (success, throttled, client_error, server_error, network_error).',
      labelNames: ['service', 'operation', 'outcome'],
      registers: [this.registry],
    });
    this.hooksInFlight = new Gauge({ name: 'awshooks_hooks_in_flight', help: 'Hook calls being processed.', registers: [this.registry] });
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

  /** Total AWS calls so far (for tests and the benchmark). */
  async awsCallCount(): Promise<number> {
    const m = await this.awsCalls.get();
    return m.values.reduce((sum, v) => sum + v.value, 0);
  }
}
