import t from 'tap';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import type { KubeObject, ObjectMap } from '../../../../hooks/core/types.js';
import { checkReservedSids, snsSourcesFor, wantedQueuePolicy } from '../../../../hooks/queue/sns-sources.js';
import { snsSendStatement } from '../../../../hooks/sns-common/queue-access.js';

const NS = 'shop';
const o = (kind: string, apiVersion: string, name: string, spec: Record<string, unknown>, namespace = NS): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, namespace },
  spec,
});
function related(...objects: KubeObject[]): ObjectMap {
  const out: ObjectMap = {};
  for (const x of objects) (out[`${x.kind}.${x.apiVersion}`] ??= {})[`${x.metadata.namespace}/${x.metadata.name}`] = x;
  return out;
}
const topic = (name: string, spec: Record<string, unknown> = {}, ns = NS) =>
  o('Topic', 'sns.awshooks.dev/v1alpha1', name, { region: 'eu-west-1', ...spec }, ns);
const sub = (name: string, spec: Record<string, unknown>, ns = NS) => o('Subscription', 'sns.awshooks.dev/v1alpha1', name, spec, ns);

const queueArn = 'arn:aws:sqs:eu-west-1:123456789012:awshooks-shop-worker';
const orders = 'arn:aws:sns:eu-west-1:123456789012:awshooks-shop-orders';

t.test("the topics allowed to send: from the namespace's Subscriptions that deliver here", async (t) => {
  const rel = related(
    topic('orders'),
    topic('events', { fifo: true, region: 'us-east-1' }),
    sub('a', { topicRef: 'orders', queueRef: 'worker' }),
    sub('b', { topicRef: 'orders', queueRef: 'worker', filterPolicy: { x: ['1'] } }), // same topic: one statement
    sub('c', { topicRef: 'events', queueRef: 'other', deadLetter: { queueRef: 'worker' } }), // dead-letter queue: also needs it
    sub('d', { topicArn: 'arn:aws:sns:eu-west-1:123456789012:awshooks-shop-legacy', queueRef: 'worker' }),
    sub('e', { topicArn: 'arn:aws:sns:eu-west-1:123456789012:awshooks-other-secret', queueRef: 'worker' }), // outside the namespace: ignored
    sub('f', { topicRef: 'missing', queueRef: 'worker' }), // no Topic: nothing to derive
    sub('g', { topicRef: 'orders', queueRef: 'elsewhere' }), // not this queue
    sub('h', { topicRef: 'orders', queueRef: 'worker' }, 'other'), // another namespace
  );
  t.same(snsSourcesFor('worker', NS, rel, DEFAULT_HOOKS_CONFIG), [
    { topicArn: 'arn:aws:sns:eu-west-1:123456789012:awshooks-shop-legacy' },
    { region: 'eu-west-1', topicName: 'awshooks-shop-orders' },
    { region: 'us-east-1', topicName: 'awshooks-shop-events.fifo' },
  ]);
  t.same(snsSourcesFor('worker', NS, {}, DEFAULT_HOOKS_CONFIG), []);
});

t.test("the policy: spec.policy plus ours, or others' statements kept plus ours", async (t) => {
  const ours = snsSendStatement(queueArn, orders);
  const mine = { Sid: 'App', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:role/app' }, Action: 'sqs:SendMessage', Resource: queueArn };
  const attrs = (policy?: unknown) => ({ attributes: { QueueArn: queueArn, ...(policy ? { Policy: JSON.stringify(policy) } : {}) } });
  const sources = [{ region: 'eu-west-1', topicName: 'awshooks-shop-orders' }];

  t.same(JSON.parse(wantedQueuePolicy({ snsSources: sources }, attrs())!), { Version: '2012-10-17', Statement: [ours] }, 'no policy yet: ours');
  t.equal(wantedQueuePolicy({ snsSources: sources }, attrs({ Version: '2012-10-17', Statement: [ours] })), undefined, 'converged');
  t.same(
    JSON.parse(wantedQueuePolicy({ snsSources: sources }, attrs({ Version: '2012-10-17', Id: 'x', Statement: [mine] }))!),
    { Version: '2012-10-17', Id: 'x', Statement: [mine, ours] },
    "others' statements kept",
  );
  t.equal(wantedQueuePolicy({}, attrs({ Version: '2012-10-17', Statement: [ours] })), '', 'no subscription left: ours removed, the policy cleared');
  t.same(JSON.parse(wantedQueuePolicy({}, attrs({ Version: '2012-10-17', Statement: [mine, ours] }))!).Statement, [mine], 'only ours removed');
  t.equal(wantedQueuePolicy({}, attrs({ Version: '2012-10-17', Statement: [mine] })), undefined, 'nothing of ours: left alone');
  t.equal(wantedQueuePolicy({}, attrs()), undefined);

  const spec = { Version: '2012-10-17', Statement: [mine] };
  t.same(
    JSON.parse(
      wantedQueuePolicy(
        { policy: spec, snsSources: sources },
        attrs({ Version: '2012-10-17', Statement: [{ Sid: 'Drift', Effect: 'Deny', Principal: '*', Action: '*' }] }),
      )!,
    ),
    { Version: '2012-10-17', Statement: [mine, ours] },
    "spec.policy: the whole policy, others' statements replaced",
  );
  t.equal(
    wantedQueuePolicy({ policy: spec, snsSources: sources }, attrs({ Statement: [ours, { ...mine, Action: ['sqs:SendMessage'] }], Version: '2012-10-17' })),
    undefined,
    'compared by meaning',
  );
  t.same(
    JSON.parse(wantedQueuePolicy({ policy: spec }, attrs({ Version: '2012-10-17', Statement: [mine, ours] }))!).Statement,
    [mine],
    'spec.policy and no subscription: ours dropped',
  );
  t.equal(wantedQueuePolicy({ snsSources: [{ topicArn: orders }] }, { attributes: {} }), undefined, 'no QueueArn: nothing can be built');
});

t.test('spec.policy may not take our Sids', async (t) => {
  t.throws(
    () => {
      checkReservedSids({ Statement: [{ Sid: 'AwshooksSnsX', Effect: 'Allow' }] });
    },
    { reason: 'InvalidSpec', message: /spec\.policy\.Statement\[0\]\.Sid: Sids starting with AwshooksSns are reserved/ },
  );
  t.doesNotThrow(() => {
    checkReservedSids({ Statement: [{ Sid: 'Mine' }] });
  });
  t.doesNotThrow(() => {
    checkReservedSids(undefined);
  });
});
