/** The HTTP contract of the SNS kinds, through fastify.inject, with no AWS reachable. */
import t, { type Test } from 'tap';
import { AwsClients } from '../../hooks/core/aws-clients.js';
import { buildApp } from '../../server/app.js';
import { testApp, testConfig, TEST_TOKEN } from '../helpers/app.js';
import type { Parent, SyncResponse } from '../../hooks/core/types.js';

const topicArn = 'arn:aws:sns:eu-west-1:123456789012:awshooks-shop-orders';
const ready = [
  { type: 'Ready', status: 'True', reason: 'Available', message: 'ready', lastTransitionTime: '2026-11-22T09:00:00.000Z' },
  { type: 'Synced', status: 'True', reason: 'Synced', message: 'AWS matches the spec', lastTransitionTime: '2026-11-22T09:00:00.000Z' },
];
const topic = (spec: Record<string, unknown>, status?: Record<string, unknown>): Parent => ({
  apiVersion: 'sns.awshooks.dev/v1alpha1',
  kind: 'Topic',
  metadata: { name: 'orders', namespace: 'shop', uid: 'u-t', generation: 2 },
  spec,
  ...(status ? { status } : {}),
});
const subscription = (spec: Record<string, unknown>, status?: Record<string, unknown>): Parent => ({
  apiVersion: 'sns.awshooks.dev/v1alpha1',
  kind: 'Subscription',
  metadata: { name: 'worker', namespace: 'shop', uid: 'u-s', generation: 2, creationTimestamp: '2026-01-02T00:00:00Z' },
  spec,
  ...(status ? { status } : {}),
});
const topicConfigMap = {
  'ConfigMap.v1': {
    'shop/orders-topic': {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'orders-topic', namespace: 'shop' },
      data: { TOPIC_ARN: topicArn, AWS_REGION: 'eu-west-1' },
    },
  },
};

/** AWS clients pointed at a closed port: every call fails at once with ECONNREFUSED. */
const unreachableAws = () => new AwsClients({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
const cond = (answer: SyncResponse, type: string) =>
  (answer.status.conditions as { type: string; status: string; reason: string; message: string }[]).find((c) => c.type === type)!;

async function downApp(t: Test) {
  const app = await buildApp({ config: testConfig(), aws: unreachableAws(), logger: false, defaultMetrics: false });
  t.teardown(() => app.close());
  const post = async (plural: string, hook: string, payload: Record<string, unknown>) => {
    const res = await app.hooks.inject({
      method: 'POST',
      url: `/hooks/${plural}/${hook}`,
      headers: { authorization: `Bearer ${TEST_TOKEN}` },
      payload: { controller: {}, children: {}, ...payload },
    });
    t.equal(res.statusCode, 200, `${plural}/${hook} answers 200`);
    return res.json<SyncResponse>();
  };
  return { app, post };
}

t.test("customize: the Subscription asks for its own namespace's Topic, Queues and Subscriptions only", async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const customize = async (plural: string, parent: Parent) =>
    (
      await app.hooks.inject({
        method: 'POST',
        url: `/hooks/${plural}/customize`,
        headers: { authorization: `Bearer ${TEST_TOKEN}` },
        payload: { controller: {}, parent },
      })
    ).json();
  t.same(await customize('subscriptions', subscription({ topicRef: 'orders', queueRef: 'worker', deadLetter: { queueRef: 'dlq' } })), {
    relatedResources: [
      { apiVersion: 'sns.awshooks.dev/v1alpha1', resource: 'subscriptions', namespace: 'shop' },
      { apiVersion: 'sns.awshooks.dev/v1alpha1', resource: 'topics', namespace: 'shop', names: ['orders'] },
      { apiVersion: 'sqs.awshooks.dev/v1alpha1', resource: 'queues', namespace: 'shop', names: ['worker', 'dlq'] },
    ],
  });
  t.same(await customize('subscriptions', subscription({ topicArn: topicArn, protocol: 'email', endpoint: 'a@b.co' })), {
    relatedResources: [{ apiVersion: 'sns.awshooks.dev/v1alpha1', resource: 'subscriptions', namespace: 'shop' }],
  });
  t.same(await customize('subscriptions', subscription({ topicRef: 'Not A Name' })), { relatedResources: [] }, 'an invalid spec relates nothing');
  t.same(
    await customize('topics', topic({ region: 'eu-west-1' })),
    { relatedResources: [{ apiVersion: 'v1', resource: 'configmaps', namespace: 'shop', names: ['orders-topic'] }] },
    'a Topic needs only its ConfigMap name (child-name conflict check)',
  );
  t.equal(await app.awsCalls(), 0);
});

t.test('bad input: 200 InvalidSpec naming the field, children kept, no AWS call', async (t) => {
  const { app, post } = await downApp(t);
  const bad = await post('topics', 'sync', {
    parent: topic({ region: 'eu-west-1', contentBasedDeduplication: true }, { topicArn, region: 'eu-west-1', conditions: ready }),
    children: topicConfigMap,
  });
  t.equal(cond(bad, 'Ready').reason, 'InvalidSpec');
  t.match(cond(bad, 'Ready').message, /spec\.contentBasedDeduplication: only FIFO topics/);
  t.same(
    bad.children.map((c) => c.metadata.name),
    ['orders-topic'],
    'the ConfigMap is kept',
  );
  const sub = await post('subscriptions', 'sync', { parent: subscription({ topicRef: 'orders', protocol: 'https', endpoint: 'http://plain.example' }) });
  t.equal(cond(sub, 'Ready').reason, 'InvalidSpec');
  t.match(cond(sub, 'Ready').message, /spec\.endpoint: an https subscription needs an https:\/\/ URL/);
  const both = await post('subscriptions', 'sync', { parent: subscription({ topicRef: 'orders', topicArn, queueRef: 'w' }) });
  t.match(cond(both, 'Ready').message, /spec: set exactly one of topicRef and topicArn/);
  t.equal(await app.metrics.awsCallCount(), 0, 'no AWS call for any of them');
});

t.test('a Subscription waiting for its Topic object: DependencyNotReady, no AWS call', async (t) => {
  const { app, post } = await downApp(t);
  const answer = await post('subscriptions', 'sync', { parent: subscription({ topicRef: 'orders', queueRef: 'worker' }), related: {} });
  t.equal(cond(answer, 'Ready').reason, 'DependencyNotReady');
  t.equal(answer.resyncAfterSeconds, 15);
  t.same(answer.children, []);
  t.equal(await app.metrics.awsCallCount(), 0);
});

t.test('AWS unreachable: the Topic keeps its ConfigMap and backs off', async (t) => {
  const { post } = await downApp(t);
  const answer = await post('topics', 'sync', {
    parent: topic({ region: 'eu-west-1' }, { topicArn, region: 'eu-west-1', conditions: ready, lastSyncTime: '2020-01-01T00:00:00.000Z' }),
    children: topicConfigMap,
  });
  t.equal(cond(answer, 'Ready').status, 'False');
  t.equal(cond(answer, 'Ready').reason, 'ECONNREFUSED');
  t.same(
    answer.children.map((c) => c.metadata.name),
    ['orders-topic'],
  );
  t.equal(answer.resyncAfterSeconds, 5);
  const again = await post('topics', 'sync', { parent: topic({ region: 'eu-west-1' }, answer.status), children: topicConfigMap });
  t.same(again.status, answer.status, 'the same failure gives the same status');
});

t.test('finalize without AWS', async (t) => {
  const { app, post } = await downApp(t);
  const retained = await post('topics', 'finalize', {
    parent: topic({ region: 'eu-west-1', deletionPolicy: 'Retain' }, { topicArn, conditions: ready }),
    children: topicConfigMap,
    finalizing: true,
  });
  t.equal(retained.finalized, true, 'Retain: at once');
  const subRetained = await post('subscriptions', 'finalize', {
    parent: subscription({ topicRef: 'orders', queueRef: 'w', deletionPolicy: 'Retain' }, { subscriptionArn: `${topicArn}:1` }),
    finalizing: true,
  });
  t.equal(subRetained.finalized, true);
  const twin = {
    apiVersion: 'sns.awshooks.dev/v1alpha1',
    kind: 'Subscription',
    metadata: { name: 'worker-2', namespace: 'shop', creationTimestamp: '2026-01-03T00:00:00Z' },
    spec: { topicRef: 'orders', queueRef: 'w' },
  };
  const handed = await post('subscriptions', 'finalize', {
    parent: subscription({ topicRef: 'orders', queueRef: 'w' }, { subscriptionArn: `${topicArn}:1` }),
    related: { 'Subscription.sns.awshooks.dev/v1alpha1': { 'shop/worker-2': twin } },
    finalizing: true,
  });
  t.equal(handed.finalized, true, 'another living object names the same subscription: handed over, nothing deleted');
  t.equal(await app.metrics.awsCallCount(), 0, 'none of these called AWS');
  const down = await post('subscriptions', 'finalize', {
    parent: subscription(
      { topicRef: 'orders', queueRef: 'w' },
      { subscriptionArn: `${topicArn}:1`, topicArn, endpoint: 'arn:aws:sqs:eu-west-1:123456789012:awshooks-shop-w' },
    ),
    finalizing: true,
  });
  t.equal(down.finalized, false, 'a subscription may exist and AWS cannot confirm: never claim it is gone');
  const before = await app.metrics.awsCallCount();
  const neverCreated = await post('subscriptions', 'finalize', {
    parent: subscription({ topicRef: 'orders', queueRef: 'w', filterPolicy: { a: 'b' } }),
    finalizing: true,
  });
  t.equal(neverCreated.finalized, true, 'invalid, no Topic or Queue object, nothing in status: nothing to look for');
  t.equal((await app.metrics.awsCallCount()) - before, 0, 'and no AWS call to find that out');
});
