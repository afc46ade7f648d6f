/** Throttling and server errors through a fault-injecting proxy in front of moto. */
import t from 'tap';
import { AwsClients } from '../../hooks/core/aws-clients.js';
import { buildApp } from '../../server/app.js';
import { applyAnswer, testConfig, TestClock, TEST_TOKEN } from '../helpers/app.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { condition, resetMotoBeforeEach } from '../helpers/integration.js';
import { motoEndpoint } from '../helpers/moto.js';
import type { Parent, SyncResponse } from '../../hooks/core/types.js';

const parent = {
  apiVersion: 'sqs.awshooks.dev/v1alpha1',
  kind: 'Queue',
  metadata: { name: 'orders', namespace: 'shop', uid: 'u1', generation: 1 },
  spec: { region: 'eu-west-1', visibilityTimeout: 45 },
} as Parent;
const ready = (a: SyncResponse) => condition(a, 'Ready')!;

resetMotoBeforeEach();

t.test('throttling: the SDK retries with backoff; past its retries the sync backs off and keeps children', async (t) => {
  const proxy = await startFaultProxy(motoEndpoint());
  const clock = new TestClock();
  const app = await buildApp({
    config: testConfig(),
    aws: new AwsClients({ endpoint: proxy.url, maxAttempts: 3, onCall: () => {} }),
    now: clock.now,
    logger: false,
    defaultMetrics: false,
  });
  t.teardown(async () => {
    await app.close();
    await proxy.close();
  });
  const sync = async (p: Parent, children = {}) => {
    const res = await app.hooks.inject({
      method: 'POST',
      url: '/hooks/queues/sync',
      headers: { authorization: `Bearer ${TEST_TOKEN}` },
      payload: { controller: {}, parent: p, children },
    });
    t.equal(res.statusCode, 200);
    return res.json<SyncResponse>();
  };

  // One throttled CreateQueue: absorbed by the SDK's retry.
  proxy.faults.push({ operation: 'CreateQueue', failures: 1, status: 400, code: 'ThrottlingException' });
  const created = await sync(parent, { 'ConfigMap.v1': {} });
  t.equal(ready(created).status, 'True', 'one throttle is retried by the SDK');
  t.equal(proxy.calls.get('CreateQueue'), 2, 'exactly one retry');

  // Persistent throttling on the drift check's read: the sync answers 200, keeps the ConfigMap.
  const state = applyAnswer(parent, created, ['ConfigMap.v1']);
  const stale = state.parent;
  clock.advance(31); // past the drift-check interval
  proxy.faults.push({ operation: 'GetQueueAttributes', failures: 100, status: 400, code: 'ThrottlingException' });
  const before = proxy.calls.get('GetQueueAttributes') ?? 0;
  const throttled = await sync(stale, state.children);
  t.equal(ready(throttled).status, 'False');
  t.equal(ready(throttled).reason, 'ThrottlingException');
  t.equal((proxy.calls.get('GetQueueAttributes') ?? 0) - before, 3, "three attempts in all (the SDK's standard retry), not more");
  t.same(
    throttled.children.map((c) => c.metadata.name),
    ['orders-queue'],
    'children kept',
  );
  t.equal(throttled.resyncAfterSeconds, 5, 'first backoff');
  t.equal(throttled.status.queueUrl, created.status.queueUrl, 'status fields kept');

  // AWS recovers: the next sync converges again.
  proxy.faults.length = 0;
  const recovered = await sync({ ...stale, status: throttled.status }, state.children);
  t.equal(ready(recovered).status, 'True');
});

t.test('server errors (500) are recoverable too', async (t) => {
  const proxy = await startFaultProxy(motoEndpoint(), [
    { operation: 'GetQueueUrl', failures: 100, status: 500, code: 'InternalError', message: 'We encountered an internal error' },
  ]);
  const app = await buildApp({ config: testConfig(), aws: new AwsClients({ endpoint: proxy.url, maxAttempts: 2 }), logger: false, defaultMetrics: false });
  t.teardown(async () => {
    await app.close();
    await proxy.close();
  });
  const res = await app.hooks.inject({
    method: 'POST',
    url: '/hooks/queues/sync',
    headers: { authorization: `Bearer ${TEST_TOKEN}` },
    payload: { controller: {}, parent, children: { 'ConfigMap.v1': {} } },
  });
  t.equal(res.statusCode, 200, 'not a 5xx: Metacontroller gets status and children');
  t.equal(ready(res.json()).reason, 'InternalError');
  t.same(res.json().children, []);
});
