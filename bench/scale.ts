/**
 * The scale runs of `npm run bench` (issue 10):
 *
 * - {@link scaleRun}: N parents of mixed kinds (Queues, Policies, Roles) converged against the
 *   emulator, then driven for a bounded time the way Metacontroller drives them (5 workers, a
 *   full resync every resyncPeriodSeconds, each parent again after its resyncAfterSeconds, at
 *   once after a status write) against a freshly started service (a cold replica: its first
 *   drift checks are spread over each kind's interval). Reports AWS calls/s, status changes/s,
 *   the service's CPU and RSS.
 * - {@link distinctParents}: N distinct converged parents synced once each: the service's RSS.
 */
import { DEFAULT_RATE_LIMITS } from '../hooks/core/aws-budget.js';
import { DEFAULT_HOOKS_CONFIG } from '../hooks/core/config.js';
import { driftIntervalSecondsOf } from '../hooks/core/kind.js';
import type { Logger } from '../hooks/core/logger.js';
import { inputHashOf } from '../hooks/core/reconcile.js';
import type { KubeObject, ObjectMap, Parent, SyncResponse } from '../hooks/core/types.js';
import { queueKind } from '../hooks/queue/index.js';
import { KINDS } from '../hooks/registry.js';
import { log, post, readService, startService, type Service } from './processes.js';

/** Metacontroller's defaults: 5 workers; our CompositeControllers' resyncPeriodSeconds. */
const WORKERS = 5;
const RESYNC_PERIOD_SECONDS = 60;

interface Tracked {
  plural: string;
  parent: Parent;
  children: ObjectMap;
  statusJson: string;
}

const ready = (a: SyncResponse) =>
  (a.status.conditions as { type: string; status: string }[] | undefined)?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

function feed(t: Tracked, answer: SyncResponse): boolean {
  const statusJson = JSON.stringify(answer.status);
  const changed = statusJson !== t.statusJson;
  t.statusJson = statusJson;
  t.parent = { ...t.parent, status: answer.status };
  const ns = t.parent.metadata.namespace ?? '';
  const children: ObjectMap = Object.fromEntries(Object.keys(t.children).map((k) => [k, {}]));
  for (const c of answer.children)
    (children[`${c.kind}.${c.apiVersion}`] ??= {})[`${ns}/${c.metadata.name}`] = { ...c, metadata: { ...c.metadata, namespace: ns } };
  t.children = children;
  return changed;
}

const document = (i: number) => ({
  Version: '2012-10-17',
  Statement: [{ Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::scale-${i}/*`] }],
});

/** The mixed fleet: 70% Queues, 15% Policies, 15% Roles. */
function fleet(n: number): Tracked[] {
  const out: Tracked[] = [];
  for (let i = 0; i < n; i++) {
    const r = i % 20;
    const meta = (kind: string) => ({ name: `${kind}-${i}`, namespace: 'scale', uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, generation: 1 });
    if (r < 14) {
      out.push({
        plural: 'queues',
        parent: {
          apiVersion: 'sqs.awshooks.dev/v1alpha1',
          kind: 'Queue',
          metadata: meta('q'),
          spec: { region: 'us-east-1', visibilityTimeout: 60, tags: { team: 'scale' } },
        },
        children: { 'ConfigMap.v1': {} },
        statusJson: '{}',
      });
    } else if (r < 17) {
      out.push({
        plural: 'policies',
        parent: { apiVersion: 'iam.awshooks.dev/v1alpha1', kind: 'Policy', metadata: meta('p'), spec: { document: document(i), tags: { team: 'scale' } } },
        children: {},
        statusJson: '{}',
      });
    } else {
      out.push({
        plural: 'roles',
        parent: {
          apiVersion: 'iam.awshooks.dev/v1alpha1',
          kind: 'Role',
          metadata: meta('r'),
          spec: { inlinePolicies: { read: document(i) }, tags: { team: 'scale' } },
        },
        children: { 'ServiceAccount.v1': {} },
        statusJson: '{}',
      });
    }
  }
  return out;
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** Converge every parent through `service` (feeding answers back until Ready). */
async function converge(service: Service, parents: Tracked[]): Promise<void> {
  let done = 0;
  await pool(parents, 16, async (t) => {
    for (let attempt = 0; ; attempt++) {
      const answer = await post<SyncResponse>(service.url, `/hooks/${t.plural}/sync`, { controller: {}, parent: t.parent, children: t.children, related: {} });
      feed(t, answer);
      if (ready(answer)) break;
      if (attempt > 8) throw new Error(`${t.parent.metadata.name} did not converge: ${t.statusJson}`);
      await new Promise((r) => setTimeout(r, Math.min(2000, (answer.resyncAfterSeconds ?? 1) * 1000)));
    }
    if (++done % 1000 === 0) log(`  ${done}/${parents.length} converged`);
  });
}

/** Figures of a scale run. */
export interface ScaleFigures {
  parents: number;
  seconds: number;
  syncsPerS: number;
  awsCallsPerS: number;
  /** What the configured intervals ask for, before the rate limits. */
  awsCallsPerSDemand: number;
  /** The client-side budget of the services the fleet uses (the defaults of AWS_RATE_LIMITS). */
  awsCallsPerSBudget: number;
  rateLimitedPerS: number;
  statusChangesPerS: number;
  statusWritesPerParentHour: number;
  cpuPercent: number;
  rssMb: number;
  seedSeconds: number;
}

/**
 * Converge `parents` parents (through a seeding service with no rate limit, so that the
 * emulator is the only bound), then drive them for `seconds` against a fresh production service.
 */
export async function scaleRun(opts: { parents: number; seconds: number; port: number }): Promise<ScaleFigures> {
  const parents = fleet(opts.parents);
  const t0 = performance.now();
  const seeder = await startService('scale-seed', opts.port + 10, { AWS_RATE_LIMITS: 'sqs=100000,iam=100000,sts=100000' });
  try {
    await converge(seeder, parents);
  } finally {
    await seeder.stop();
  }
  const seedSeconds = (performance.now() - t0) / 1000;
  log(`scale: ${parents.length} parents converged in ${seedSeconds.toFixed(1)} s; driving them for ${opts.seconds} s`);

  const service = await startService('scale', opts.port, {});
  try {
    // Metacontroller: a work queue (each parent at most once), a timer per parent, 5 workers.
    const queue: number[] = [];
    const queued = new Uint8Array(parents.length);
    const enqueue = (i: number) => {
      if (!queued[i]) {
        queued[i] = 1;
        queue.push(i);
      }
    };
    const timers = new Map<number, number[]>(); // second → parents due then
    const startMs = performance.now();
    const second = () => Math.floor((performance.now() - startMs) / 1000);
    const later = (i: number, seconds: number) => {
      const at = second() + Math.max(1, Math.round(seconds));
      let list = timers.get(at);
      if (!list) timers.set(at, (list = []));
      list.push(i);
    };
    let syncs = 0;
    let changes = 0;
    const before = await readService(service);
    const endMs = startMs + opts.seconds * 1000;
    for (let i = 0; i < parents.length; i++) enqueue(i); // the informer's initial list
    let lastSecond = 0;
    let lastFull = 0;
    const ticker = setInterval(() => {
      const now = second();
      for (let s = lastSecond + 1; s <= now; s++) {
        for (const i of timers.get(s) ?? []) enqueue(i);
        timers.delete(s);
      }
      lastSecond = now;
      if (now - lastFull >= RESYNC_PERIOD_SECONDS) {
        lastFull = now;
        for (let i = 0; i < parents.length; i++) enqueue(i);
      }
    }, 100);
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        while (performance.now() < endMs) {
          const i = queue.shift();
          if (i === undefined) {
            await new Promise((r) => setTimeout(r, 20));
            continue;
          }
          queued[i] = 0;
          const t = parents[i]!;
          const answer = await post<SyncResponse>(service.url, `/hooks/${t.plural}/sync`, {
            controller: {},
            parent: t.parent,
            children: t.children,
            related: {},
          });
          syncs++;
          // A status write is an update event: Metacontroller syncs the parent again at once.
          if (feed(t, answer)) {
            changes++;
            enqueue(i);
          }
          if (answer.resyncAfterSeconds) later(i, answer.resyncAfterSeconds);
        }
      }),
    );
    clearInterval(ticker);
    const elapsed = (performance.now() - startMs) / 1000;
    const after = await readService(service);
    const config = { ...DEFAULT_HOOKS_CONFIG };
    const demand = parents.reduce((sum, t) => {
      const kind = KINDS.find((k) => k.names.plural === t.plural)!;
      const calls = t.plural === 'roles' ? 3 : 2;
      return sum + calls / driftIntervalSecondsOf(kind, config);
    }, 0);
    // The fleet calls SQS in one region and IAM (global): their default budgets, plus the buckets'
    // bursts spread over the run.
    const budgets = [DEFAULT_RATE_LIMITS.sqs!, DEFAULT_RATE_LIMITS.iam!];
    const budget = budgets.reduce((sum, b) => sum + b.ratePerSecond, 0);
    const allowed = budget + budgets.reduce((sum, b) => sum + b.burst, 0) / elapsed;
    const figures: ScaleFigures = {
      parents: parents.length,
      seconds: Math.round(elapsed),
      syncsPerS: round(syncs / elapsed, 1),
      awsCallsPerS: round((after.awsCalls - before.awsCalls) / elapsed, 2),
      awsCallsPerSDemand: round(demand, 1),
      awsCallsPerSBudget: budget,
      rateLimitedPerS: round((after.rateLimited - before.rateLimited) / elapsed, 2),
      statusChangesPerS: round(changes / elapsed, 3),
      statusWritesPerParentHour: round((changes / parents.length) * (3600 / elapsed), 3),
      cpuPercent: round(((after.cpuSeconds - before.cpuSeconds) / elapsed) * 100, 1),
      rssMb: round(after.rssBytes / 1024 / 1024, 1),
      seedSeconds: round(seedSeconds, 1),
    };
    log(`scale: ${JSON.stringify(figures)}`);
    if (figures.awsCallsPerS > allowed)
      throw new Error(`scale: ${figures.awsCallsPerS} AWS calls/s, over the budget of ${budget}/s (bursts included: ${round(allowed, 1)})`);
    if (changes > 0) throw new Error(`scale: ${changes} status changes of converged parents`);
    return figures;
  } finally {
    await service.stop();
  }
}

/** The status a converged Queue carries, with the inputHash the service computes. */
export function convergedQueueForBench(i: number): Parent {
  return convergedQueue(i);
}

function convergedQueue(i: number): Parent {
  const parent: Parent = {
    apiVersion: 'sqs.awshooks.dev/v1alpha1',
    kind: 'Queue',
    metadata: {
      name: `many-${i}`,
      namespace: `team-${i % 100}`,
      uid: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      generation: 1,
      resourceVersion: String(1000 + i),
    },
    spec: { region: 'us-east-1', visibilityTimeout: 60, tags: { team: 'many' } },
  };
  const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
  const inputHash = inputHashOf(
    queueKind,
    { controller: {} as KubeObject, parent, children: {} },
    { config: DEFAULT_HOOKS_CONFIG, aws: undefined as never, log: silent },
  );
  const name = `awshooks-team-${i % 100}-many-${i}`;
  const at = '2026-11-23T10:00:00.000Z';
  return {
    ...parent,
    status: {
      queueUrl: `http://127.0.0.1/123456789012/${name}`,
      queueArn: `arn:aws:sqs:us-east-1:123456789012:${name}`,
      queueName: name,
      region: 'us-east-1',
      messages: 0,
      messagesInFlight: 0,
      messagesDelayed: 0,
      managedTagKeys: ['team'],
      conditions: [
        { type: 'Ready', status: 'True', reason: 'Available', message: 'Queue is ready', lastTransitionTime: at },
        { type: 'Synced', status: 'True', reason: 'Synced', message: 'AWS matches the spec', lastTransitionTime: at },
      ],
      observedGeneration: 1,
      inputHash,
    } as Parent['status'],
  };
}

/** Sync `n` distinct converged Queues once each through a fresh service; its RSS after. */
export async function distinctParents(opts: { parents: number; port: number }): Promise<{ rssMb: number; awsCalls: number; seconds: number }> {
  const service = await startService('distinct', opts.port, {});
  try {
    const t0 = performance.now();
    const indexes = Array.from({ length: opts.parents }, (_, i) => i);
    let steady = 0;
    await pool(indexes, 16, async (i) => {
      const parent = convergedQueue(i);
      const answer = await post<SyncResponse>(service.url, '/hooks/queues/sync', { controller: {}, parent, children: { 'ConfigMap.v1': {} } });
      if (JSON.stringify(answer.status) === JSON.stringify(parent.status)) steady++;
    });
    const seconds = (performance.now() - t0) / 1000;
    if (steady !== opts.parents) throw new Error(`${opts.parents - steady} of ${opts.parents} answers changed the status`);
    // Let the collector settle, as a long-running replica's would.
    await new Promise((r) => setTimeout(r, 2000));
    const reading = await readService(service);
    const figures = { rssMb: round(reading.rssBytes / 1024 / 1024, 1), awsCalls: reading.awsCalls, seconds: round(seconds, 1) };
    log(`${opts.parents} distinct parents: ${JSON.stringify(figures)}`);
    return figures;
  } finally {
    await service.stop();
  }
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
