/**
 * The steady state over time (issue 10): a converged, idle parent's status answer is byte-identical
 * on every sync, across several drift intervals, so Metacontroller writes no status; AWS is read
 * once per interval; message counts are written at most once per volatile interval; a cold
 * replica spreads its first checks; the rate limiter defers drift checks without touching status.
 */
import t from 'tap';
import { AwsRateLimiter, budgetScope } from '../../../../hooks/core/aws-budget.js';
import { DEFAULT_HOOKS_CONFIG, type HooksConfig } from '../../../../hooks/core/config.js';
import { DriftSchedule } from '../../../../hooks/core/drift-schedule.js';
import type { Logger } from '../../../../hooks/core/logger.js';
import { reconcile } from '../../../../hooks/core/reconcile.js';
import { SpecCache } from '../../../../hooks/core/spec-cache.js';
import type { ObjectMap, Parent, SyncResponse } from '../../../../hooks/core/types.js';
import { queueKind } from '../../../../hooks/queue/index.js';
import { FakeSqs } from '../../../helpers/fake-sqs.js';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

const INTERVAL = 30;

/** A tiny Metacontroller for one Queue: feeds answers back, counts status writes. */
function harness(opts: { config?: Partial<HooksConfig>; limiter?: AwsRateLimiter; uid?: string } = {}) {
  const sqs = new FakeSqs(opts.limiter);
  const aws = sqs.clients();
  const config: HooksConfig = { ...DEFAULT_HOOKS_CONFIG, driftCheckIntervals: { queue: INTERVAL }, ...opts.config };
  const drift = new DriftSchedule();
  const specs = new SpecCache();
  let now = Date.parse('2026-11-23T10:00:00.000Z');
  let parent: Parent = {
    apiVersion: 'sqs.awshooks.dev/v1alpha1',
    kind: 'Queue',
    metadata: { name: 'orders', namespace: 'shop', uid: opts.uid ?? 'uid-orders', generation: 1 },
    spec: { region: 'eu-west-1', visibilityTimeout: 60, tags: { team: 'shop' } },
  };
  let children: ObjectMap = { 'ConfigMap.v1': {} };
  let statusWrites = 0;
  const h = {
    sqs,
    drift,
    advance(seconds: number) {
      now += seconds * 1000;
    },
    get parent() {
      return parent;
    },
    set parent(p: Parent) {
      parent = p;
    },
    get statusWrites() {
      return statusWrites;
    },
    async sync(): Promise<{ response: SyncResponse; outcome: string; statusJson: string }> {
      // Metacontroller sends what the API server stored: a JSON round trip.
      const request = JSON.parse(JSON.stringify({ controller: {}, parent, children })) as { controller: never; parent: Parent; children: ObjectMap };
      const { response, outcome } = await reconcile(queueKind, request, { config, aws, log: silent, now: () => new Date(now), drift, specs });
      const statusJson = JSON.stringify(response.status);
      if (statusJson !== JSON.stringify(parent.status ?? {})) statusWrites++;
      parent = { ...parent, status: JSON.parse(statusJson) as Record<string, unknown> };
      const next: ObjectMap = { 'ConfigMap.v1': {} };
      for (const c of response.children) next['ConfigMap.v1']![`shop/${c.metadata.name}`] = { ...c, metadata: { ...c.metadata, namespace: 'shop' } };
      children = next;
      return { response, outcome, statusJson };
    },
  };
  return h;
}

async function converged(opts: Parameters<typeof harness>[0] = {}) {
  const h = harness(opts);
  const first = await h.sync();
  t.equal(first.outcome, 'changed', 'created');
  return h;
}

t.test('a converged idle parent: byte-identical status over several drift intervals, one AWS read per interval', async (t) => {
  const h = await converged();
  const { statusJson: baseline } = await h.sync(); // the first answer fed back: nothing new
  t.notMatch(baseline, /lastSyncTime/, 'no timestamp that moves by itself');
  const writesAfterConverge = h.statusWrites;
  let drifts = 0;
  const outcomes: string[] = [];
  // Metacontroller visits every 10 s (its resync period and our resyncAfterSeconds) for 5 intervals.
  for (let step = 0; step < (5 * INTERVAL) / 10; step++) {
    h.advance(10);
    const before = h.sqs.calls.length;
    const { statusJson, outcome, response } = await h.sync();
    outcomes.push(outcome);
    t.equal(statusJson, baseline, `step ${step}: the status answer is byte-identical`);
    t.ok(response.resyncAfterSeconds! >= 1 && response.resyncAfterSeconds! <= INTERVAL, 'asks for the next visit');
    if (outcome === 'converged') {
      drifts++;
      t.same(h.sqs.calls.slice(before), ['GetQueueAttributes', 'ListQueueTags'], 'a drift check costs two reads');
    } else {
      t.equal(outcome, 'steady');
      t.equal(h.sqs.calls.length, before, 'zero AWS calls between drift checks');
    }
  }
  t.equal(h.statusWrites, writesAfterConverge, 'zero status writes over five drift intervals');
  t.equal(drifts, 5, `one drift check per interval (${outcomes.join(' ')})`);
});

t.test('a drift check that finds something new writes status once', async (t) => {
  const h = await converged();
  await h.sync();
  const writes = h.statusWrites;
  h.advance(INTERVAL);
  const queue = [...h.sqs.queues.values()][0]!;
  queue.attributes.QueueArn = 'arn:aws:sqs:eu-west-1:123456789012:renamed'; // not drift we repair, but reported
  const { outcome } = await h.sync();
  t.equal(outcome, 'converged');
  t.equal(h.statusWrites, writes + 1, 'the change is written');
  h.advance(10);
  await h.sync();
  t.equal(h.statusWrites, writes + 1, 'and only once');
});

t.test('message counts: written only when they changed, at most once per volatile interval', async (t) => {
  const h = await converged({ config: { volatileStatusIntervalSeconds: 120 } });
  await h.sync();
  const queue = [...h.sqs.queues.values()][0]!;
  const writes = h.statusWrites;
  // Idle: counts unchanged over many checks, no write.
  for (let i = 0; i < 4; i++) {
    h.advance(INTERVAL);
    await h.sync();
  }
  t.equal(h.statusWrites, writes, 'an idle queue writes nothing');
  // Busy: the count changes at every check; written at most once per 120 s.
  const written: number[] = [];
  for (let i = 1; i <= 12; i++) {
    queue.attributes.ApproximateNumberOfMessages = String(i * 7);
    h.advance(INTERVAL);
    const before = h.statusWrites;
    const { response } = await h.sync();
    if (h.statusWrites > before) written.push(response.status.messages as number);
  }
  t.ok(written.length >= 2 && written.length <= 3, `6 minutes of a busy queue: ${written.length} writes (${written.join(', ')})`);
  t.equal(written[0], 7, 'the first change is written at once (nothing written in the last interval)');
});

t.test('a cold replica spreads the first checks of many parents over the interval', async (t) => {
  const drift = new DriftSchedule();
  const now = Date.parse('2026-11-23T10:00:00.000Z');
  const buckets = new Array<number>(10).fill(0);
  for (let i = 0; i < 10_000; i++) {
    const d = drift.decide(`uid-${i}`, 'h', now, INTERVAL * 1000);
    if (d.due) throw new Error('a miss with room is never due at once');
    buckets[Math.min(9, Math.floor(d.inMs / (INTERVAL * 100)))]!++;
  }
  t.ok(Math.min(...buckets) > 800 && Math.max(...buckets) < 1200, `first checks spread evenly over the interval: ${buckets.join(' ')}`);
});

t.test('after a restart (memory lost) a converged parent keeps its status and is checked within one interval', async (t) => {
  const h = await converged();
  const { statusJson } = await h.sync();
  const fresh = harness();
  fresh.sqs.queues = h.sqs.queues;
  fresh.parent = h.parent;
  let checkedAfter: number | undefined;
  for (let s = 1; s <= INTERVAL + 1; s++) {
    fresh.advance(1);
    const r = await fresh.sync();
    t.equal(r.statusJson, statusJson, 'status unchanged');
    if (r.outcome === 'converged') {
      checkedAfter = s;
      break;
    }
  }
  t.ok(checkedAfter !== undefined && checkedAfter <= INTERVAL, `first check ${checkedAfter ?? 'never'} s after the restart`);
});

t.test('the rate limiter defers a drift check: status unchanged, no AWS call, backing off', async (t) => {
  let clock = 0;
  const limiter = new AwsRateLimiter({ limits: { sqs: { ratePerSecond: 0.001, burst: 4 } }, now: () => clock });
  const h = await converged({ limiter }); // GetQueueUrl, CreateQueue, GetQueueAttributes: 3 of the 4 tokens
  const { statusJson } = await h.sync();
  h.advance(INTERVAL);
  const calls = h.sqs.calls.length;
  const first = await h.sync(); // 1 token left: the first read passes, the second would wait too long
  t.equal(first.outcome, 'deferred', 'a check refused before it wrote anything is deferred');
  t.equal(first.statusJson, statusJson, 'status unchanged');
  t.equal(h.sqs.calls.length, calls + 1, 'only the admitted read was made');
  h.advance(first.response.resyncAfterSeconds!);
  const deferred = await h.sync();
  t.equal(deferred.outcome, 'deferred', 'no token for the first read: deferred');
  t.equal(deferred.statusJson, statusJson, 'status unchanged');
  t.equal(h.sqs.calls.length, calls + 1, 'no AWS call');
  t.equal(deferred.response.resyncAfterSeconds! >= 5, true, 'retry later');
  clock += 10_000_000; // tokens again
  h.advance(deferred.response.resyncAfterSeconds!);
  const later = await h.sync();
  t.equal(later.outcome, 'converged', 'checked once the budget allows');
  t.equal(later.statusJson, statusJson);
});

t.test('the limiter: a drift check never waits for its first call; other calls wait at most maxWaitMs', async (t) => {
  let clock = 0;
  const limiter = new AwsRateLimiter({ limits: { iam: { ratePerSecond: 10, burst: 1 } }, maxWaitMs: 150, now: () => clock });
  await limiter.admit('iam', 'us-east-1', 'GetRole');
  await t.rejects(
    budgetScope.run({ drift: true, calls: 0, wrote: false }, () => limiter.admit('iam', 'us-east-1', 'GetRole')),
    { name: 'WaitError', reason: 'RateLimited' },
  );
  const started = performance.now();
  await limiter.admit('iam', 'us-east-1', 'CreateRole'); // 100 ms in line
  t.ok(performance.now() - started >= 90, 'waited for its token');
  clock = 0;
  await t.rejects(limiter.admit('iam', 'us-east-1', 'CreateRole'), { name: 'WaitError', reason: 'RateLimited' }, 'a longer wait than maxWaitMs is refused');
  const scope = { drift: true, calls: 0, wrote: false };
  clock = 10_000;
  await budgetScope.run(scope, async () => {
    await limiter.admit('iam', 'us-east-1', 'GetRole');
    await limiter.admit('iam', 'us-east-1', 'UpdateRole');
  });
  t.same(scope, { drift: true, calls: 2, wrote: true }, 'the scope knows a write was admitted');
});
