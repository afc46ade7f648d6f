/** The HTTP contract with Metacontroller, through fastify.inject (DESIGN.md §1). */
import t from 'tap';
import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { AwsClients } from '../../hooks/core/aws-clients.js';
import { queueKind } from '../../hooks/queue/index.js';
import { buildApp } from '../../server/app.js';
import { testApp, testConfig, TEST_TOKEN } from '../helpers/app.js';
import type { Parent } from '../../hooks/core/types.js';
import type { QueueSpec, QueueStatus } from '../../schemas/queue.js';

const queue = (spec: Record<string, unknown> = { region: 'eu-west-1' }, status?: Record<string, unknown>): Parent => ({
  apiVersion: 'sqs.awshooks.dev/v1alpha1',
  kind: 'Queue',
  metadata: { name: 'orders', namespace: 'shop', uid: 'uid-1', generation: 3 },
  spec,
  ...(status ? { status } : {}),
});

const readyStatus = {
  queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/awshooks-shop-orders',
  queueArn: 'arn:aws:sqs:eu-west-1:123456789012:awshooks-shop-orders',
  queueName: 'awshooks-shop-orders',
  region: 'eu-west-1',
  messages: 0,
  conditions: [
    { type: 'Ready', status: 'True', reason: 'Available', message: 'Queue is ready', lastTransitionTime: '2026-11-22T09:00:00.000Z' },
    { type: 'Synced', status: 'True', reason: 'Synced', message: 'AWS matches the spec', lastTransitionTime: '2026-11-22T09:00:00.000Z' },
  ],
};

const observedConfigMap = {
  'ConfigMap.v1': {
    'shop/orders-queue': {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'orders-queue', namespace: 'shop', resourceVersion: '12' },
      data: { QUEUE_URL: readyStatus.queueUrl },
    },
  },
};

/** AWS clients pointed at a closed port: every call fails at once with ECONNREFUSED. */
const unreachableAws = () => new AwsClients({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });

t.test('hook routes require the bearer token', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const body = { controller: {}, parent: queue({ region: 'eu-west-1', deletionPolicy: 'Retain' }), children: {}, finalizing: true };
  const none = await app.hooks.inject({ method: 'POST', url: '/hooks/queues/finalize', payload: body });
  t.equal(none.statusCode, 401, 'no token');
  const wrong = await app.hooks.inject({
    method: 'POST',
    url: '/hooks/queues/finalize',
    payload: body,
    headers: { authorization: 'Bearer wrong-token-0123456789' },
  });
  t.equal(wrong.statusCode, 401, 'wrong token');
  const basic = await app.hooks.inject({ method: 'POST', url: '/hooks/queues/finalize', payload: body, headers: { authorization: `Basic ${TEST_TOKEN}` } });
  t.equal(basic.statusCode, 401, 'wrong scheme');
  const ok = await app.hooks.inject({ method: 'POST', url: '/hooks/queues/finalize', payload: body, headers: { authorization: `Bearer ${TEST_TOKEN}` } });
  t.equal(ok.statusCode, 200, 'right token');
  t.equal(ok.json().finalized, true);
});

t.test('auth can only be turned off explicitly', async (t) => {
  const app = await buildApp({ config: testConfig({}, { authDisabled: true, hookTokens: [] }), logger: false, defaultMetrics: false });
  t.teardown(() => app.close());
  const res = await app.hooks.inject({ method: 'POST', url: '/hooks/queues/customize', payload: { controller: {}, parent: queue() } });
  t.equal(res.statusCode, 200);
});

t.test('malformed requests get 400 with a useful message and no AWS call', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const post = (url: string, payload: unknown) =>
    app.hooks.inject({ method: 'POST', url, payload: payload as object, headers: { authorization: `Bearer ${TEST_TOKEN}` } });
  const cases: [string, unknown, RegExp][] = [
    ['/hooks/queues/sync', { controller: {}, children: {} }, /parent/],
    ['/hooks/queues/sync', { parent: queue(), children: [] }, /children/],
    ['/hooks/queues/sync', { parent: { ...queue(), metadata: { name: 'x' } }, children: {} }, /namespace/],
    ['/hooks/queues/sync', { parent: queue(), children: {}, finalizing: 'yes' }, /finalizing/],
    ['/hooks/queues/sync', { parent: { ...queue(), kind: 'Role', apiVersion: 'iam.awshooks.dev/v1alpha1' }, children: {} }, /serves Queue/],
    ['/hooks/queues/customize', { controller: {} }, /parent/],
  ];
  for (const [url, payload, message] of cases) {
    const res = await post(url, payload);
    t.equal(res.statusCode, 400, `${url} ${JSON.stringify(payload).slice(0, 60)}`);
    t.match(res.json().message, message);
  }
  const text = await app.hooks.inject({
    method: 'POST',
    url: '/hooks/queues/sync',
    payload: 'not json',
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
  });
  t.equal(text.statusCode, 400, 'unparsable JSON');
  t.equal(await app.awsCalls(), 0, 'no AWS call for any of them');
  const unknown = await post('/hooks/widgets/sync', { parent: queue(), children: {} });
  t.equal(unknown.statusCode, 404, 'unknown kind');
});

t.test('an invalid spec answers 200 InvalidSpec, keeps the children, calls no AWS', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const answer = await app.sync('queues', { parent: queue({ region: 'eu-west-1', delaySeconds: 5000 }, readyStatus), children: observedConfigMap });
  const ready = (answer.status.conditions as { type: string; status: string; reason: string; message: string }[]).find((c) => c.type === 'Ready')!;
  t.equal(ready.status, 'False');
  t.equal(ready.reason, 'InvalidSpec');
  t.match(ready.message, /spec\.delaySeconds/);
  t.equal(answer.children.length, 1, 'the ConfigMap is kept');
  t.equal(answer.children[0]!.metadata.name, 'orders-queue');
  t.equal(answer.status.queueUrl, readyStatus.queueUrl, 'status fields kept');
  t.equal(answer.resyncAfterSeconds, 300);
  t.equal(await app.awsCalls(), 0);
});

t.test('a transient AWS error keeps every child and backs off', async (t) => {
  const app = await buildApp({ config: testConfig(), aws: unreachableAws(), logger: false, defaultMetrics: false });
  t.teardown(() => app.close());
  const post = async (parent: Parent) => {
    const res = await app.hooks.inject({
      method: 'POST',
      url: '/hooks/queues/sync',
      headers: { authorization: `Bearer ${TEST_TOKEN}` },
      payload: { controller: {}, parent, children: observedConfigMap },
    });
    t.equal(res.statusCode, 200, 'AWS errors are answered 200, not 5xx');
    return res.json();
  };
  // A status without inputHash: the steady-state shortcut does not apply, AWS must be read.
  const first = await post(queue({ region: 'eu-west-1' }, { ...readyStatus, lastSyncTime: '2020-01-01T00:00:00.000Z' }));
  const ready = first.status.conditions.find((c: { type: string }) => c.type === 'Ready');
  t.equal(ready.status, 'False');
  t.equal(ready.reason, 'ECONNREFUSED');
  t.same(
    first.children.map((c: { metadata: { name: string } }) => c.metadata.name),
    ['orders-queue'],
    'the ConfigMap is still there',
  );
  t.equal(first.children[0].data.QUEUE_URL, readyStatus.queueUrl);
  t.equal(first.resyncAfterSeconds, 5, 'first retry soon');
  const second = await post(queue({ region: 'eu-west-1' }, first.status));
  t.same(second.status, first.status, 'the same failure gives the same status: no write, no hot loop');
});

t.test('a brand-new queue with AWS down: no children, no crash', async (t) => {
  const app = await buildApp({ config: testConfig(), aws: unreachableAws(), logger: false, defaultMetrics: false });
  t.teardown(() => app.close());
  const res = await app.hooks.inject({
    method: 'POST',
    url: '/hooks/queues/sync',
    headers: { authorization: `Bearer ${TEST_TOKEN}` },
    payload: { controller: {}, parent: queue(), children: { 'ConfigMap.v1': {} } },
  });
  t.equal(res.statusCode, 200);
  t.same(res.json().children, []);
});

t.test('a converged parent inside the drift interval answers from status with zero AWS calls', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  // Build the status the service itself would have written, via a fake-free path: compute the
  // input hash by asking once with an unreachable AWS is not possible, so take it from a real
  // answer shape: a Ready status with the same inputHash the service computes.
  const { hashOf } = await import('../../hooks/core/hash.js');
  const { validateSpec } = await import('../../hooks/core/spec-validation.js');
  const spec = validateSpec<QueueSpec>(queueKind.specSchema, { region: 'eu-west-1' });
  const parent = queue({ region: 'eu-west-1' }) as Parent<QueueSpec, QueueStatus>;
  const desired = queueKind.desired({
    parent,
    spec,
    children: {},
    related: {},
    config: testConfig().hooks,
    owner: { cluster: 'default', namespace: 'shop', name: 'orders', uid: 'uid-1', kind: 'Queue' },
    finalizing: false,
    now: app.clock.now(),
  });
  const status = { ...readyStatus, inputHash: hashOf(desired), observedGeneration: 3 };
  app.clock.advance(10);
  const answer = await app.sync('queues', { parent: queue({ region: 'eu-west-1' }, status), children: observedConfigMap });
  t.same(answer.status, status, 'status unchanged');
  // A new replica has not checked this parent: its first check is spread over the interval.
  t.ok(answer.resyncAfterSeconds! >= 1 && answer.resyncAfterSeconds! <= 30, 'come back when the drift check is due');
  t.equal(answer.children.length, 1);
  t.equal(await app.awsCalls(), 0, 'zero AWS calls');
});

t.test('finalize semantics without AWS', async (t) => {
  const app = await buildApp({ config: testConfig(), aws: unreachableAws(), logger: false, defaultMetrics: false });
  t.teardown(() => app.close());
  const post = async (parent: Parent) =>
    (
      await app.hooks.inject({
        method: 'POST',
        url: '/hooks/queues/finalize',
        headers: { authorization: `Bearer ${TEST_TOKEN}` },
        payload: { controller: {}, parent, children: observedConfigMap, finalizing: true },
      })
    ).json();
  const retained = await post(queue({ region: 'eu-west-1', deletionPolicy: 'Retain' }, readyStatus));
  t.equal(retained.finalized, true, 'Retain: finalized at once');
  t.equal(await app.metrics.awsCallCount(), 0, 'Retain makes no AWS call');
  const neverCreated = await post(queue({ region: 'eu-west-1', delaySeconds: -1 }));
  // Status proves nothing (the create's answer may have been lost): AWS is asked, and it is unreachable here.
  t.equal(neverCreated.finalized, false, 'invalid spec and nothing in status: not finalized before AWS confirms nothing of ours exists');
  const invalidButCreated = await post(queue({ region: 'eu-west-1', delaySeconds: -1 }, readyStatus));
  t.equal(invalidButCreated.finalized, false, 'invalid spec but a queue exists: never claim it is gone');
  const invalidRetained = await post(queue({ region: 'eu-west-1', delaySeconds: -1, deletionPolicy: 'Retain' }, readyStatus));
  t.equal(invalidRetained.finalized, true, 'invalid spec with deletionPolicy Retain: the way out of a stuck deletion');
  const down = await post(queue({ region: 'eu-west-1' }, readyStatus));
  t.equal(down.finalized, false, 'AWS unreachable: not finalized');
  t.equal(down.children.length, 1, 'children kept while finalizing');
  t.ok(down.resyncAfterSeconds >= 5);
});

t.test('customize asks for the dead-letter Queue of the same namespace only', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const res = await app.hooks.inject({
    method: 'POST',
    url: '/hooks/queues/customize',
    headers: { authorization: `Bearer ${TEST_TOKEN}` },
    payload: { controller: {}, parent: queue({ region: 'eu-west-1', deadLetter: { queueRef: 'orders-dlq' } }) },
  });
  t.equal(res.statusCode, 200);
  // Plus the namespace's Subscriptions and Topics: the queue's policy lets the topics of the
  // Subscriptions delivering to it send (hooks/queue/sns-sources.ts).
  const sns = [
    { apiVersion: 'sns.awshooks.dev/v1alpha1', resource: 'subscriptions', namespace: 'shop' },
    { apiVersion: 'sns.awshooks.dev/v1alpha1', resource: 'topics', namespace: 'shop' },
  ];
  const configMap = { apiVersion: 'v1', resource: 'configmaps', namespace: 'shop', names: ['orders-queue'] };
  t.same(res.json(), {
    relatedResources: [{ apiVersion: 'sqs.awshooks.dev/v1alpha1', resource: 'queues', namespace: 'shop', names: ['orders-dlq'] }, ...sns, configMap],
  });
  const none = await app.hooks.inject({
    method: 'POST',
    url: '/hooks/queues/customize',
    headers: { authorization: `Bearer ${TEST_TOKEN}` },
    payload: { controller: {}, parent: queue() },
  });
  t.same(none.json(), { relatedResources: [...sns, configMap] }, 'no dead-letter Queue: the SNS objects and the ConfigMap name (child collision check)');
});

t.test('a bug answers 500 without details, so Metacontroller writes nothing', async (t) => {
  const buggy = {
    ...queueKind,
    desired: () => {
      throw new TypeError('cannot read x of undefined');
    },
  };
  const app = await buildApp({ config: testConfig(), kinds: [buggy], logger: false, defaultMetrics: false });
  t.teardown(() => app.close());
  const res = await app.hooks.inject({
    method: 'POST',
    url: '/hooks/queues/sync',
    headers: { authorization: `Bearer ${TEST_TOKEN}` },
    payload: { controller: {}, parent: queue(), children: {} },
  });
  t.equal(res.statusCode, 500);
  t.notMatch(res.body, /cannot read/, 'no internals in the answer');
  const metric = await app.metrics.hookDuration.get();
  t.ok(
    metric.values.some((v) => v.labels.outcome === 'error'),
    'counted as an error',
  );
});

t.test('overload answers 429 with Retry-After', async (t) => {
  // An "AWS" that holds every request until released.
  const held: (() => void)[] = [];
  const server: Server = createServer((_req, res) => {
    held.push(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const app = await buildApp({
    config: testConfig({}, { maxConcurrentHooks: 1 }),
    aws: new AwsClients({ endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1 }),
    logger: false,
    defaultMetrics: false,
  });
  t.teardown(async () => {
    await app.close();
    server.close();
  });
  const request = () =>
    app.hooks.inject({
      method: 'POST',
      url: '/hooks/queues/sync',
      headers: { authorization: `Bearer ${TEST_TOKEN}` },
      payload: { controller: {}, parent: queue(), children: {} },
    });
  const first = request();
  while (held.length === 0) await new Promise((r) => setTimeout(r, 10));
  const second = await request();
  t.equal(second.statusCode, 429);
  t.equal(second.headers['retry-after'], '2');
  held.forEach((release) => {
    release();
  });
  t.equal((await first).statusCode, 200, 'the admitted call completes');
});

t.test('health, readiness and metrics on the ops server', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  t.equal((await app.ops.inject({ url: '/healthz' })).statusCode, 200);
  t.equal((await app.ops.inject({ url: '/readyz' })).statusCode, 200);
  await app.sync('queues', { parent: queue({ region: 'eu-west-1', deletionPolicy: 'Retain' }), finalizing: true }, 'finalize');
  const metrics = (await app.ops.inject({ url: '/metrics' })).body;
  t.match(metrics, /awshooks_hook_duration_seconds_count\{kind="Queue",hook="finalize",outcome="finalized"\} 1/);
  t.match(metrics, /awshooks_aws_api_calls_total/);
  t.match(metrics, /awshooks_managed_resources/);
  app.drain();
  t.equal((await app.ops.inject({ url: '/readyz' })).statusCode, 503, 'draining: not ready');
});

t.test('logs carry the parent identity and never the token', async (t) => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const app = await buildApp({ config: testConfig(), aws: unreachableAws(), logger: { level: 'info', stream }, defaultMetrics: false });
  t.teardown(() => app.close());
  await app.hooks.inject({
    method: 'POST',
    url: '/hooks/queues/sync',
    headers: { authorization: 'Bearer not-the-token-but-secret-looking' },
    payload: { controller: {}, parent: queue(), children: {} },
  });
  await app.hooks.inject({
    method: 'POST',
    url: '/hooks/queues/sync',
    headers: { authorization: `Bearer ${TEST_TOKEN}` },
    payload: { controller: {}, parent: queue({ region: 'eu-west-1' }, { ...readyStatus, lastSyncTime: '2020-01-01T00:00:00.000Z' }), children: {} },
  });
  const all = lines.join('');
  t.notMatch(all, /not-the-token-but-secret-looking/);
  t.notMatch(all, new RegExp(TEST_TOKEN));
  const entry = lines.map((l) => JSON.parse(l)).find((l) => l.event === 'not_synced');
  t.ok(entry, 'the failed sync is logged');
  t.equal(entry.namespace, 'shop');
  t.equal(entry.name, 'orders');
  t.equal(entry.generation, 3);
  t.equal(entry.kind, 'Queue');
});

t.test('a hung AWS endpoint times out and becomes a condition, not a hung hook', async (t) => {
  const server: Server = createServer(() => {
    /* never answers */
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const app = await buildApp({
    config: testConfig(),
    aws: new AwsClients({ endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1, requestTimeoutMs: 300 }),
    logger: false,
    defaultMetrics: false,
  });
  t.teardown(async () => {
    await app.close();
    server.closeAllConnections();
    server.close();
  });
  const res = await app.hooks.inject({
    method: 'POST',
    url: '/hooks/queues/sync',
    headers: { authorization: `Bearer ${TEST_TOKEN}` },
    payload: {
      controller: {},
      parent: queue({ region: 'eu-west-1' }, { ...readyStatus, lastSyncTime: '2020-01-01T00:00:00.000Z' }),
      children: observedConfigMap,
    },
  });
  t.equal(res.statusCode, 200);
  const ready = res.json().status.conditions.find((c: { type: string }) => c.type === 'Ready');
  t.equal(ready.status, 'False');
  t.match(ready.reason, /TIMEDOUT|Timeout/i, 'a timeout reason');
  t.equal(res.json().children.length, 1, 'children kept');
});
