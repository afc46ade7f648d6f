/** The Topic kind against the moto server: what crosses the wire. */
import t from 'tap';
import {
  CreateTopicCommand,
  GetTopicAttributesCommand,
  ListTagsForResourceCommand,
  SetTopicAttributesCommand,
  SNSClient,
  SubscribeCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-sns';
import { motoEndpoint, resetMoto } from '../../helpers/moto.js';
import { applyAnswer, testApp, type TestApp } from '../../helpers/app.js';
import { condition } from '../../helpers/cluster.js';
import type { Parent, SyncResponse } from '../../../hooks/core/types.js';

const region = 'eu-west-1';
const sns = () => new SNSClient({ region, endpoint: motoEndpoint() });
const CM = 'ConfigMap.v1';
const ARN = 'arn:aws:sns:eu-west-1:123456789012:awshooks-shop-orders';

const topicParent = (name: string, spec: Record<string, unknown>, namespace = 'shop'): Parent => ({
  apiVersion: 'sns.awshooks.dev/v1alpha1',
  kind: 'Topic',
  metadata: { name, namespace, uid: `uid-${namespace}-${name}`, generation: 1 },
  spec: { region, ...spec },
});

async function tagsOf(arn: string): Promise<Record<string, string>> {
  const out = await sns().send(new ListTagsForResourceCommand({ ResourceArn: arn }));
  return Object.fromEntries((out.Tags ?? []).map((x) => [x.Key!, x.Value!]));
}
const attributesOf = async (arn: string) => (await sns().send(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes!;

/** Writes made so far, from the service's own metric. */
async function writes(app: TestApp): Promise<number> {
  const values = (await app.metrics.awsCalls.get()).values.filter((v) =>
    /^(Set|Tag|Untag|Create|Delete|Subscribe|Unsubscribe)/.test(String(v.labels.operation)),
  );
  return values.reduce((n, v) => n + v.value, 0);
}

async function converge(app: TestApp, parent: Parent): Promise<{ answer: SyncResponse; parent: Parent; children: Record<string, Record<string, never>> }> {
  const answer = await app.sync('topics', { parent, children: { [CM]: {} } });
  return { answer, ...(applyAnswer(parent, answer, [CM]) as { parent: Parent; children: Record<string, Record<string, never>> }) };
}

t.beforeEach(async () => {
  await resetMoto();
});

t.test('create with owner tags and the ConfigMap; converged syncs cost nothing; a drift check costs two reads', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const first = await converge(app, topicParent('orders', { displayName: 'Orders', tags: { team: 'payments' } }));
  t.equal(condition(first.answer, 'Ready')?.status, 'True');
  t.equal(first.answer.status.topicArn, ARN);
  t.same(first.answer.children, [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'orders-topic',
        labels: { 'app.kubernetes.io/managed-by': 'awshooks', 'awshooks.dev/owner-kind': 'Topic', 'awshooks.dev/owner-name': 'orders' },
      },
      data: { TOPIC_ARN: ARN, AWS_REGION: region },
    },
  ]);
  t.same(
    await tagsOf(ARN),
    {
      team: 'payments',
      'awshooks.dev/cluster': 'default',
      'awshooks.dev/namespace': 'shop',
      'awshooks.dev/name': 'orders',
      'awshooks.dev/uid': 'uid-shop-orders',
      'awshooks.dev/kind': 'Topic',
    },
    'owner tags set at creation',
  );
  t.equal((await attributesOf(ARN)).DisplayName, 'Orders');

  let calls = await app.awsCalls();
  app.clock.advance(5);
  const steady = await app.sync('topics', { parent: first.parent, children: first.children });
  t.equal((await app.awsCalls()) - calls, 0, 'inside the drift interval: zero AWS calls');
  t.same(steady.status, first.answer.status, 'deterministic status');
  t.same(steady.children, first.answer.children);

  app.clock.advance(30);
  calls = await app.awsCalls();
  const w = await writes(app);
  const check = await app.sync('topics', { parent: first.parent, children: first.children });
  t.equal((await app.awsCalls()) - calls, 2, 'a drift check: GetTopicAttributes + ListTagsForResource');
  t.equal((await writes(app)) - w, 0, 'and no write');
  t.equal(condition(check, 'Ready')?.status, 'True');
});

t.test('drift is set back; tags set by others are left alone; attributes the spec leaves out too', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const policy = {
    Version: '2012-10-17',
    Statement: [{ Sid: 'Pub', Effect: 'Allow', Principal: { AWS: '123456789012' }, Action: 'sns:Publish', Resource: ARN }],
  };
  const deliveryPolicy = { http: { defaultHealthyRetryPolicy: { numRetries: 5, minDelayTarget: 1, maxDelayTarget: 10 } } };
  const first = await converge(app, topicParent('orders', { displayName: 'Orders', policy, deliveryPolicy, tags: { team: 'payments' } }));
  t.equal(condition(first.answer, 'Ready')?.status, 'True');
  const client = sns();
  await client.send(new SetTopicAttributesCommand({ TopicArn: ARN, AttributeName: 'DisplayName', AttributeValue: 'Hijacked' }));
  await client.send(
    new SetTopicAttributesCommand({
      TopicArn: ARN,
      AttributeName: 'Policy',
      AttributeValue: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sns:*', Resource: '*' }] }),
    }),
  );
  await client.send(new SetTopicAttributesCommand({ TopicArn: ARN, AttributeName: 'DeliveryPolicy', AttributeValue: '{"http":{}}' }));
  await client.send(
    new TagResourceCommand({
      ResourceArn: ARN,
      Tags: [
        { Key: 'team', Value: 'hijacked' },
        { Key: 'cost-center', Value: 'x' },
      ],
    }),
  );
  await client.send(new UntagResourceCommand({ ResourceArn: ARN, TagKeys: ['awshooks.dev/uid'] }));
  app.clock.advance(31);
  const fixed = await app.sync('topics', { parent: first.parent, children: first.children });
  t.equal(condition(fixed, 'Ready')?.status, 'True');
  const attrs = await attributesOf(ARN);
  t.equal(attrs.DisplayName, 'Orders');
  t.same(JSON.parse(attrs.Policy!).Statement[0].Sid, 'Pub', 'access policy set back');
  t.same(JSON.parse(attrs.DeliveryPolicy!), deliveryPolicy, 'delivery policy set back');
  const tags = await tagsOf(ARN);
  t.equal(tags.team, 'payments');
  t.equal(tags['awshooks.dev/uid'], 'uid-shop-orders', 'owner tag put back');
  t.equal(tags['cost-center'], 'x', 'a tag set by someone else stays');
  const again = applyAnswer(first.parent, fixed, [CM]);
  app.clock.advance(31);
  const w = await writes(app);
  await app.sync('topics', { parent: again.parent, children: again.children });
  t.equal((await writes(app)) - w, 0, 'converged: the policies compare by meaning, nothing is rewritten');

  // Unmanaged attributes are left alone.
  const plain = await converge(app, topicParent('plain', {}));
  const plainArn = plain.answer.status.topicArn as string;
  await client.send(new SetTopicAttributesCommand({ TopicArn: plainArn, AttributeName: 'DisplayName', AttributeValue: 'set by hand' }));
  app.clock.advance(31);
  await app.sync('topics', { parent: plain.parent, children: plain.children });
  t.equal((await attributesOf(plainArn)).DisplayName, 'set by hand');
});

t.test('spec changes are applied; a tag we set and removed from the spec is removed', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const first = await converge(app, topicParent('orders', { displayName: 'Orders', tags: { team: 'payments', tier: 'gold' } }));
  const changed = {
    ...first.parent,
    metadata: { ...first.parent.metadata, generation: 2 },
    spec: { region, displayName: 'Orders v2', kmsMasterKeyId: 'alias/aws/sns', tags: { team: 'payments' } },
  } as Parent;
  const answer = await app.sync('topics', { parent: changed, children: first.children });
  t.equal(answer.status.observedGeneration, 2);
  const attrs = await attributesOf(ARN);
  t.equal(attrs.DisplayName, 'Orders v2');
  t.equal(attrs.KmsMasterKeyId, 'alias/aws/sns');
  const tags = await tagsOf(ARN);
  t.notOk('tier' in tags, 'tier removed');
  t.equal(tags.team, 'payments');
});

t.test('a foreign topic is a Conflict and is never touched; adopt takes over an unowned one', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const client = sns();
  await client.send(
    new CreateTopicCommand({
      Name: 'awshooks-shop-orders',
      Attributes: { DisplayName: 'Theirs' },
      Tags: [
        { Key: 'awshooks.dev/cluster', Value: 'default' },
        { Key: 'awshooks.dev/namespace', Value: 'shop-orders' },
        { Key: 'awshooks.dev/name', Value: 'x' },
        { Key: 'awshooks.dev/kind', Value: 'Topic' },
      ],
    }),
  );
  const parent = topicParent('orders', { displayName: 'Mine', adopt: true });
  const conflict = await app.sync('topics', { parent, children: { [CM]: {} } });
  t.equal(condition(conflict, 'Ready')?.reason, 'Conflict');
  t.match(condition(conflict, 'Ready')?.message, /belongs to Topic shop-orders\/x/);
  t.same(conflict.children, [], "no ConfigMap pointing at someone else's topic");
  t.equal((await attributesOf(ARN)).DisplayName, 'Theirs', 'not modified, even with adopt');
  const fin = await app.sync('topics', { parent: { ...parent, status: conflict.status }, children: { [CM]: {} }, finalizing: true }, 'finalize');
  t.equal(fin.finalized, true, 'finalize leaves it alone');
  t.equal(condition(fin, 'Ready')?.reason, 'NotOwned');
  t.ok(await attributesOf(ARN), 'never deleted');

  await client.send(new CreateTopicCommand({ Name: 'awshooks-shop-legacy', Attributes: { DisplayName: 'Legacy' } }));
  const legacy = topicParent('legacy', { displayName: 'Adopted' });
  const refused = await app.sync('topics', { parent: legacy, children: { [CM]: {} } });
  t.equal(condition(refused, 'Ready')?.reason, 'Conflict');
  t.match(condition(refused, 'Ready')?.message, /adopt/);
  const adopted = await app.sync('topics', { parent: { ...legacy, spec: { ...legacy.spec, adopt: true } }, children: { [CM]: {} } });
  t.equal(condition(adopted, 'Ready')?.status, 'True');
  const legacyArn = 'arn:aws:sns:eu-west-1:123456789012:awshooks-shop-legacy';
  t.equal((await tagsOf(legacyArn))['awshooks.dev/name'], 'legacy', 'tagged as ours');
  t.equal((await attributesOf(legacyArn)).DisplayName, 'Adopted');
});

t.test('finalize: Delete confirms the topic is gone; Retain makes no call; subscriptions hold the deletion unless force', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const client = sns();
  const del = await converge(app, topicParent('orders', {}));
  const fin = await app.sync('topics', { parent: del.parent, children: del.children, finalizing: true }, 'finalize');
  t.equal(fin.finalized, true);
  t.equal(condition(fin, 'Ready')?.reason, 'Deleted');
  await t.rejects(attributesOf(ARN), { name: 'NotFoundException' }, 'gone in SNS');
  t.equal((await app.sync('topics', { parent: del.parent, children: del.children, finalizing: true }, 'finalize')).finalized, true, 'idempotent');

  const keep = await converge(app, topicParent('audit', { deletionPolicy: 'Retain' }));
  const calls = await app.awsCalls();
  const kept = await app.sync('topics', { parent: keep.parent, children: keep.children, finalizing: true }, 'finalize');
  t.equal(kept.finalized, true);
  t.equal((await app.awsCalls()) - calls, 0, 'Retain makes no AWS call');
  t.ok(await attributesOf(keep.answer.status.topicArn as string), 'still there');

  const busy = await converge(app, topicParent('busy', {}));
  const busyArn = busy.answer.status.topicArn as string;
  await client.send(new SubscribeCommand({ TopicArn: busyArn, Protocol: 'https', Endpoint: 'https://example.com/other-team' }));
  const held = await app.sync('topics', { parent: busy.parent, children: busy.children, finalizing: true }, 'finalize');
  t.equal(held.finalized, false, 'not finalized while a subscription remains');
  t.equal(condition(held, 'Ready')?.reason, 'TopicHasSubscriptions');
  t.match(condition(held, 'Ready')?.message, /1 confirmed subscription\(s\) \(https:https:\/\/example\.com\/other-team\).*spec\.force: true.*Retain/);
  t.equal(held.resyncAfterSeconds, 15);
  t.same(
    held.children.map((c) => c.metadata.name),
    ['busy-topic'],
    'the ConfigMap is kept while waiting',
  );
  t.ok(await attributesOf(busyArn), 'the topic is still there');
  const forced = { ...busy.parent, spec: { ...busy.parent.spec, force: true } } as Parent;
  const done = await app.sync('topics', { parent: forced, children: busy.children, finalizing: true }, 'finalize');
  t.equal(done.finalized, true, 'force: deleted with its subscriptions');
  await t.rejects(attributesOf(busyArn), { name: 'NotFoundException' });
});

t.test('FIFO topic: name, FifoTopic and content-based deduplication', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const fifo = await converge(app, topicParent('events', { fifo: true, contentBasedDeduplication: false }));
  t.equal(condition(fifo.answer, 'Ready')?.status, 'True');
  t.equal(fifo.answer.status.topicName, 'awshooks-shop-events.fifo');
  const arn = fifo.answer.status.topicArn as string;
  let attrs = await attributesOf(arn);
  t.equal(attrs.FifoTopic, 'true');
  t.equal(attrs.ContentBasedDeduplication?.toLowerCase(), 'false');
  const on = { ...fifo.parent, metadata: { ...fifo.parent.metadata, generation: 2 }, spec: { ...fifo.parent.spec, contentBasedDeduplication: true } } as Parent;
  const answer = await app.sync('topics', { parent: on, children: fifo.children });
  t.equal(condition(answer, 'Ready')?.status, 'True');
  attrs = await attributesOf(arn);
  t.equal(attrs.ContentBasedDeduplication?.toLowerCase(), 'true', 'switched on in place');
});
