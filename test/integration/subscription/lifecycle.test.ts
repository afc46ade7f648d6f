/** The Subscription kind against the moto server: ownership, drift, finalize. */
import t from 'tap';
import {
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  SetSubscriptionAttributesCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { motoEndpoint, resetMoto } from '../../helpers/moto.js';
import { testApp, type TestApp } from '../../helpers/app.js';
import { condition, MiniCluster } from '../../helpers/cluster.js';

const region = 'eu-west-1';
const sns = () => new SNSClient({ region, endpoint: motoEndpoint() });
const sqs = () => new SQSClient({ region, endpoint: motoEndpoint() });
const ACCOUNT = '123456789012';

const topic = (name: string, spec: Record<string, unknown> = {}, namespace = 'shop') => ({
  apiVersion: 'sns.awshooks.dev/v1alpha1',
  kind: 'Topic',
  metadata: { name, namespace },
  spec: { region, ...spec },
});
const queue = (name: string, spec: Record<string, unknown> = {}, namespace = 'shop') => ({
  apiVersion: 'sqs.awshooks.dev/v1alpha1',
  kind: 'Queue',
  metadata: { name, namespace },
  spec: { region, ...spec },
});
const subscription = (name: string, spec: Record<string, unknown>, namespace = 'shop') => ({
  apiVersion: 'sns.awshooks.dev/v1alpha1',
  kind: 'Subscription',
  metadata: { name, namespace },
  spec,
});

const subscriptionsOf = async (topicArn: string) => (await sns().send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions ?? [];
const attributesOf = async (arn: string) => (await sns().send(new GetSubscriptionAttributesCommand({ SubscriptionArn: arn }))).Attributes!;

async function writes(app: TestApp): Promise<number> {
  const values = (await app.metrics.awsCalls.get()).values.filter((v) =>
    /^(Set|Tag|Untag|Create|Delete|Subscribe|Unsubscribe)/.test(String(v.labels.operation)),
  );
  return values.reduce((n, v) => n + v.value, 0);
}

/** AWS calls of one drift check of `key` (its last AWS read made long ago). */
async function driftCheck(app: TestApp, cluster: MiniCluster, key: string): Promise<number> {
  app.clock.advance(31);
  const before = await app.awsCalls();
  const answer = await cluster.sync(key);
  if (condition(answer, 'Ready')?.status !== 'True') throw new Error(`not Ready: ${JSON.stringify(answer.status)}`);
  return (await app.awsCalls()) - before;
}

t.beforeEach(async () => {
  await resetMoto();
});

t.test('https, email and lambda endpoints; drift checks cost 2 reads (3 with a Queue); drift is repaired', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const cluster = new MiniCluster(app);
  const tk = cluster.apply(topic('orders'));
  const qk = cluster.apply(queue('worker'));
  const hk = cluster.apply(
    subscription('hook', {
      topicRef: 'orders',
      protocol: 'https',
      endpoint: 'https://example.com/hook',
      rawMessageDelivery: true,
      filterPolicy: { type: ['placed'] },
    }),
  );
  const ek = cluster.apply(subscription('mail', { topicRef: 'orders', protocol: 'email', endpoint: 'ops@example.com' }));
  const lk = cluster.apply(subscription('fn', { topicRef: 'orders', protocol: 'lambda', endpoint: `arn:aws:lambda:${region}:${ACCOUNT}:function:on-order` }));
  const sk = cluster.apply(subscription('worker', { topicRef: 'orders', queueRef: 'worker' }));
  const answers = await cluster.syncAll(1);
  for (const k of [tk, qk, hk, ek, lk, sk]) t.equal(condition(answers.get(k)!, 'Ready')?.status, 'True', `${k} Ready`);
  const topicArn = cluster.status(tk).topicArn as string;
  t.same((await subscriptionsOf(topicArn)).map((s) => `${s.Protocol}:${s.Endpoint}`).sort(), [
    'email:ops@example.com',
    'https:https://example.com/hook',
    `lambda:arn:aws:lambda:${region}:${ACCOUNT}:function:on-order`,
    `sqs:arn:aws:sqs:${region}:${ACCOUNT}:awshooks-shop-worker`,
  ]);
  const hookArn = cluster.status(hk).subscriptionArn as string;
  const a = await attributesOf(hookArn);
  t.equal(a.RawMessageDelivery, 'true');
  t.same(JSON.parse(a.FilterPolicy!), { type: ['placed'] });

  t.equal(await driftCheck(app, cluster, hk), 2, 'https: GetSubscriptionAttributes + ListTagsForResource');
  t.equal(await driftCheck(app, cluster, sk), 3, 'Queue endpoint: + GetQueueAttributes (the policy still lets the topic send)');

  const client = sns();
  await client.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: hookArn, AttributeName: 'RawMessageDelivery', AttributeValue: 'false' }));
  await client.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: hookArn, AttributeName: 'FilterPolicy', AttributeValue: '{"type":["anything"]}' }));
  app.clock.advance(31);
  await cluster.sync(hk);
  const fixed = await attributesOf(hookArn);
  t.equal(fixed.RawMessageDelivery, 'true', 'raw delivery set back');
  t.same(JSON.parse(fixed.FilterPolicy!), { type: ['placed'] }, 'filter set back');
  const w = await writes(app);
  await driftCheck(app, cluster, hk);
  t.equal((await writes(app)) - w, 0, 'converged: no write');

  // The spec is the whole truth: the filter removed from the spec is removed in SNS.
  cluster.apply(subscription('hook', { topicRef: 'orders', protocol: 'https', endpoint: 'https://example.com/hook', rawMessageDelivery: true }));
  await cluster.sync(hk);
  t.notOk((await attributesOf(hookArn)).FilterPolicy, 'filter policy removed');
});

t.test('a dead-letter Queue: the redrive policy points at it and its policy lets the topic send', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const cluster = new MiniCluster(app);
  cluster.apply(topic('orders'));
  const dk = cluster.apply(queue('dlq'));
  cluster.apply(queue('worker'));
  const sk = cluster.apply(subscription('worker', { topicRef: 'orders', queueRef: 'worker', deadLetter: { queueRef: 'dlq' } }));
  const answers = await cluster.syncAll(1);
  t.equal(condition(answers.get(sk)!, 'Ready')?.status, 'True', JSON.stringify(condition(answers.get(sk)!, 'Ready')));
  const dlqArn = cluster.status(dk).queueArn as string;
  t.same(JSON.parse((await attributesOf(cluster.status(sk).subscriptionArn as string)).RedrivePolicy!), { deadLetterTargetArn: dlqArn });
  const policy = JSON.parse(
    (await sqs().send(new GetQueueAttributesCommand({ QueueUrl: cluster.status(dk).queueUrl as string, AttributeNames: ['Policy'] }))).Attributes!.Policy!,
  );
  t.same(
    policy.Statement[0].Condition,
    { ArnEquals: { 'aws:SourceArn': `arn:aws:sns:${region}:${ACCOUNT}:awshooks-shop-orders` } },
    'the dead-letter queue accepts the topic too',
  );
  cluster.apply(subscription('worker', { topicRef: 'orders', queueRef: 'worker' }));
  await cluster.sync(sk);
  t.notOk((await attributesOf(cluster.status(sk).subscriptionArn as string)).RedrivePolicy, 'dead-letter queue removed from the spec: removed in SNS');
});

t.test('ownership: a topic of another namespace is a Conflict, never subscribed; an untagged one needs adopt', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const client = sns();
  // A topic whose name looks like this namespace's but whose owner tags say otherwise.
  const foreign = (
    await client.send(
      new CreateTopicCommand({
        Name: 'awshooks-shop-x',
        Tags: [
          { Key: 'awshooks.dev/cluster', Value: 'default' },
          { Key: 'awshooks.dev/namespace', Value: 'shop-x' },
          { Key: 'awshooks.dev/name', Value: 'y' },
          { Key: 'awshooks.dev/kind', Value: 'Topic' },
        ],
      }),
    )
  ).TopicArn!;
  const cluster = new MiniCluster(app);
  cluster.apply(queue('worker'));
  const fk = cluster.apply(subscription('steal', { topicArn: foreign, protocol: 'https', endpoint: 'https://evil.example/x' }));
  const answers = await cluster.syncAll(1);
  t.equal(condition(answers.get(fk)!, 'Ready')?.reason, 'Conflict');
  t.match(condition(answers.get(fk)!, 'Ready')?.message, /belongs to Topic shop-x\/y/);
  t.same(await subscriptionsOf(foreign), [], 'never subscribed');
  // Someone subscribed that endpoint by hand: still not ours, never unsubscribed.
  await client.send(new SubscribeCommand({ TopicArn: foreign, Protocol: 'https', Endpoint: 'https://evil.example/x' }));
  app.clock.advance(400);
  t.equal(condition(await cluster.sync(fk), 'Ready')?.reason, 'Conflict');
  cluster.markDeleted(fk);
  const fin = await cluster.sync(fk);
  t.equal(fin.finalized, true);
  t.equal(condition(fin, 'Ready')?.reason, 'NotOwned');
  t.equal((await subscriptionsOf(foreign)).length, 1, 'left in place');

  const untagged = (await client.send(new CreateTopicCommand({ Name: 'awshooks-shop-legacy' }))).TopicArn!;
  const uk = cluster.apply(subscription('legacy', { topicArn: untagged, protocol: 'https', endpoint: 'https://example.com/legacy' }));
  const refused = await cluster.sync(uk);
  t.equal(condition(refused, 'Ready')?.reason, 'Conflict');
  t.match(condition(refused, 'Ready')?.message, /could not be proven to be this namespace's; set spec.adopt: true/);
  t.same(await subscriptionsOf(untagged), [], 'nothing created without adopt');
  cluster.apply(subscription('legacy', { topicArn: untagged, protocol: 'https', endpoint: 'https://example.com/legacy', adopt: true }));
  t.equal(condition(await cluster.sync(uk), 'Ready')?.status, 'True', 'adopt: created and managed');
});

t.test("a topic shared by the administrator's allow-list: the namespace's Queue proves ownership (4 reads per drift check)", async (t) => {
  const app = await testApp({ allowedSnsTopicArns: [`arn:aws:sns:${region}:${ACCOUNT}:platform-*`] });
  t.teardown(() => app.close());
  const shared = (
    await sns().send(
      new CreateTopicCommand({
        Name: 'platform-events',
        Tags: [
          { Key: 'awshooks.dev/cluster', Value: 'default' },
          { Key: 'awshooks.dev/namespace', Value: 'platform' },
          { Key: 'awshooks.dev/name', Value: 'events' },
        ],
      }),
    )
  ).TopicArn!;
  const cluster = new MiniCluster(app);
  const qk = cluster.apply(queue('inbox'));
  const sk = cluster.apply(subscription('events', { topicArn: shared, queueRef: 'inbox' }));
  const answers = await cluster.syncAll(2);
  t.equal(condition(answers.get(sk)!, 'Ready')?.status, 'True', JSON.stringify(condition(answers.get(sk)!, 'Ready')));
  const policy = JSON.parse(
    (await sqs().send(new GetQueueAttributesCommand({ QueueUrl: cluster.status(qk).queueUrl as string, AttributeNames: ['Policy'] }))).Attributes!.Policy!,
  );
  t.same(policy.Statement[0].Condition.ArnEquals['aws:SourceArn'], shared, 'the allowed ARN, as the spec gives it');
  t.equal(await driftCheck(app, cluster, sk), 4, 'GetSubscriptionAttributes, ListTagsForResource, GetQueueAttributes, ListQueueTags');
  const other = cluster.apply(subscription('mail', { topicArn: shared, protocol: 'email', endpoint: 'a@example.com' }));
  const mail = await cluster.sync(other);
  t.equal(condition(mail, 'Ready')?.reason, 'InvalidSpec', 'an email endpoint proves nothing: adopt required up front');
  t.equal((await subscriptionsOf(shared)).length, 1, 'and nothing was created');
});

t.test("a Queue whose queue is someone else's: never subscribed, its policy never allows the topic", async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  // The Queue object's queue exists without owner tags (the Queue is in Conflict), the topic is ours.
  await sqs().send(new CreateQueueCommand({ QueueName: 'awshooks-shop-worker' }));
  const cluster = new MiniCluster(app);
  const tk = cluster.apply(topic('orders'));
  const qk = cluster.apply(queue('worker'));
  const sk = cluster.apply(subscription('worker', { topicRef: 'orders', queueRef: 'worker' }));
  const answers = await cluster.syncAll(1);
  t.equal(condition(answers.get(qk)!, 'Ready')?.reason, 'Conflict', 'the Queue will not touch a queue that is not ours');
  t.equal(condition(answers.get(sk)!, 'Ready')?.reason, 'QueuePolicyPending', 'so its policy never lets the topic send: nothing is subscribed');
  t.same(await subscriptionsOf(cluster.status(tk).topicArn as string), []);
});

t.test('finalize: unsubscribe confirmed by a re-read; Retain; hand-over between two objects; Topic gone first', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const cluster = new MiniCluster(app);
  const tk = cluster.apply(topic('orders'));
  cluster.apply(queue('worker'));
  const a = cluster.apply(subscription('a-hook', { topicRef: 'orders', protocol: 'https', endpoint: 'https://example.com/a' }));
  const keep = cluster.apply(subscription('keep', { topicRef: 'orders', protocol: 'https', endpoint: 'https://example.com/keep', deletionPolicy: 'Retain' }));
  await cluster.syncAll(1);
  const topicArn = cluster.status(tk).topicArn as string;
  t.equal((await subscriptionsOf(topicArn)).length, 2);

  cluster.markDeleted(a);
  const fin = await cluster.sync(a);
  t.equal(fin.finalized, true);
  t.equal(condition(fin, 'Ready')?.reason, 'Deleted');
  t.same(
    (await subscriptionsOf(topicArn)).map((s) => s.Endpoint),
    ['https://example.com/keep'],
  );

  cluster.markDeleted(keep);
  const calls = await app.awsCalls();
  t.equal((await cluster.sync(keep)).finalized, true);
  t.equal((await app.awsCalls()) - calls, 0, 'Retain: no AWS call');
  t.equal((await subscriptionsOf(topicArn)).length, 1, 'left in place');

  // Two objects naming one AWS subscription: the younger is refused; deleting the older hands over.
  const first = cluster.apply(subscription('first', { topicRef: 'orders', queueRef: 'worker' }));
  const second = cluster.apply(subscription('second', { topicArn, queueRef: 'worker' }));
  const answers = await cluster.syncAll(2);
  t.equal(condition(answers.get(first)!, 'Ready')?.status, 'True');
  t.equal(condition(answers.get(second)!, 'Ready')?.reason, 'Conflict');
  t.match(condition(answers.get(second)!, 'Ready')?.message, /Subscription "first" of this namespace already subscribes/);
  cluster.markDeleted(first);
  const handed = await cluster.sync(first);
  t.equal(handed.finalized, true, 'deleted without unsubscribing');
  const subArn = (await subscriptionsOf(topicArn)).find((s) => s.Protocol === 'sqs')?.SubscriptionArn;
  t.ok(subArn, 'the AWS subscription stays for "second"');
  app.clock.advance(400);
  const takeover = await cluster.sync(second);
  t.equal(condition(takeover, 'Ready')?.status, 'True', 'the survivor takes it over');
  t.equal(takeover.status.subscriptionArn, subArn, 'the same subscription');

  // The Topic object and its topic go first (force): the Subscription's finalize finds nothing left.
  cluster.apply(topic('orders', { force: true }));
  cluster.markDeleted(tk);
  t.equal((await cluster.sync(tk)).finalized, true);
  cluster.markDeleted(second);
  const orphan = await cluster.sync(second);
  t.equal(orphan.finalized, true, 'the topic took its subscriptions with it');
});

t.test('the Topic waits for the Subscriptions deleted with it, then goes', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const cluster = new MiniCluster(app);
  const tk = cluster.apply(topic('orders'));
  const qk = cluster.apply(queue('worker'));
  const sk = cluster.apply(subscription('worker', { topicRef: 'orders', queueRef: 'worker' }));
  await cluster.syncAll(1);
  const topicArn = cluster.status(tk).topicArn as string;
  // Namespace deletion: everything is being deleted at once, the Topic is synced first.
  for (const k of [tk, qk, sk]) cluster.markDeleted(k);
  const held = await cluster.sync(tk);
  t.equal(held.finalized, false);
  t.equal(condition(held, 'Ready')?.reason, 'TopicHasSubscriptions');
  t.equal((await cluster.sync(qk)).finalized, true, 'the queue goes');
  const sub = await cluster.sync(sk);
  t.equal(
    sub.finalized,
    true,
    "the Subscription finds its topic and queue objects being deleted and still unsubscribes (status hints, proven by the topic's tags)",
  );
  t.same(await subscriptionsOf(topicArn), []);
  t.equal((await cluster.sync(tk)).finalized, true, 'then the topic goes');
});

t.test('status is a lookup hint only: a forged subscription ARN is checked and ignored', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const cluster = new MiniCluster(app);
  const tk = cluster.apply(topic('orders'));
  const a = cluster.apply(subscription('a', { topicRef: 'orders', protocol: 'https', endpoint: 'https://example.com/a' }));
  const b = cluster.apply(subscription('b', { topicRef: 'orders', protocol: 'https', endpoint: 'https://example.com/b' }));
  await cluster.syncAll(1);
  const arnA = cluster.status(a).subscriptionArn as string;
  const arnB = cluster.status(b).subscriptionArn as string;
  // b's status is edited to name a's subscription; then b is deleted.
  const forged = cluster.get(b);
  cluster.parents.set(b, { ...forged, status: { ...forged.status, subscriptionArn: arnA, lastSyncTime: '2000-01-01T00:00:00Z' } } as typeof forged);
  cluster.markDeleted(b);
  t.equal((await cluster.sync(b)).finalized, true);
  const left = (await subscriptionsOf(cluster.status(tk).topicArn as string)).map((s) => s.SubscriptionArn);
  t.same(left, [arnA], "a's subscription untouched; b's own (found by its endpoint) removed");
  t.not(arnA, arnB);
});
