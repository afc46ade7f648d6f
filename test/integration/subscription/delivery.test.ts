/**
 * Done means delivery works: a Topic, a Queue and a Subscription of the Queue, driven through the
 * hooks like Metacontroller drives them; then a message published to the topic is received from
 * the queue (moto delivers SNS → SQS in-process).
 */
import t from 'tap';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ListSubscriptionsByTopicCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { motoEndpoint, resetMoto } from '../../helpers/moto.js';
import { testApp } from '../../helpers/app.js';
import { condition, MiniCluster } from '../../helpers/cluster.js';

const region = 'eu-west-1';
const sns = () => new SNSClient({ region, endpoint: motoEndpoint() });
const sqs = () => new SQSClient({ region, endpoint: motoEndpoint() });

const topic = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'sns.awshooks.dev/v1alpha1',
  kind: 'Topic',
  metadata: { name, namespace: 'shop' },
  spec: { region, ...spec },
});
const queue = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'sqs.awshooks.dev/v1alpha1',
  kind: 'Queue',
  metadata: { name, namespace: 'shop' },
  spec: { region, ...spec },
});
const subscription = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'sns.awshooks.dev/v1alpha1',
  kind: 'Subscription',
  metadata: { name, namespace: 'shop' },
  spec,
});

async function receive(url: string): Promise<{ Body?: string; MessageAttributes?: Record<string, { StringValue?: string }> }[]> {
  const out = await sqs().send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }));
  return out.Messages ?? [];
}

t.beforeEach(async () => {
  await resetMoto();
});

t.test('a Queue subscribed to a Topic receives what is published, with the queue policy allowing exactly that topic', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const cluster = new MiniCluster(app);
  const tk = cluster.apply(topic('orders', { displayName: 'Orders' }));
  const qk = cluster.apply(queue('worker'));
  const sk = cluster.apply(subscription('worker-orders', { topicRef: 'orders', queueRef: 'worker' }));
  const answers = await cluster.syncAll(1);
  t.equal(condition(answers.get(tk)!, 'Ready')?.status, 'True', 'Topic Ready');
  t.equal(condition(answers.get(qk)!, 'Ready')?.status, 'True', 'Queue Ready');
  t.equal(
    condition(answers.get(sk)!, 'Ready')?.status,
    'True',
    `Subscription Ready in the same round: ${JSON.stringify(condition(answers.get(sk)!, 'Ready'))}`,
  );

  const topicArn = answers.get(tk)!.status.topicArn as string;
  const queueArn = answers.get(qk)!.status.queueArn as string;
  const queueUrl = answers.get(qk)!.status.queueUrl as string;
  t.equal(topicArn, 'arn:aws:sns:eu-west-1:123456789012:awshooks-shop-orders');
  const sub = answers.get(sk)!.status;
  t.match(sub.subscriptionArn, new RegExp(`^${topicArn}:`));
  t.same([sub.topicArn, sub.protocol, sub.endpoint, sub.pendingConfirmation], [topicArn, 'sqs', queueArn, false]);

  const policy = JSON.parse((await sqs().send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['Policy'] }))).Attributes!.Policy!);
  t.same(
    policy.Statement.map((s: Record<string, unknown>) => [s.Effect, s.Principal, s.Action, s.Resource, s.Condition]),
    [['Allow', { Service: 'sns.amazonaws.com' }, 'sqs:SendMessage', queueArn, { ArnEquals: { 'aws:SourceArn': topicArn } }]],
    'one statement: the topic may send to this queue, nothing more',
  );

  await sns().send(
    new PublishCommand({ TopicArn: topicArn, Message: 'order 42 placed', MessageAttributes: { type: { DataType: 'String', StringValue: 'placed' } } }),
  );
  const messages = await receive(queueUrl);
  t.equal(messages.length, 1, 'the message arrived in the queue');
  const envelope = JSON.parse(messages[0]!.Body!);
  t.equal(envelope.Message, 'order 42 placed');
  t.equal(envelope.TopicArn, topicArn);
  t.equal(envelope.Type, 'Notification');

  // Converged: another round is answered from status, with no AWS call at all.
  const before = await app.awsCalls();
  const again = await cluster.syncAll(1);
  t.equal((await app.awsCalls()) - before, 0, 'zero AWS calls for three converged parents');
  t.same(again.get(sk)!.status, answers.get(sk)!.status, 'status unchanged');
});

t.test('the Subscription waits (no Subscribe) until the Queue has added the statement for its topic', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const cluster = new MiniCluster(app);
  const tk = cluster.apply(topic('orders'));
  const qk = cluster.apply(queue('worker'));
  await cluster.syncAll(1);
  const sk = cluster.apply(subscription('worker-orders', { topicRef: 'orders', queueRef: 'worker' }));
  const waiting = await cluster.sync(sk);
  t.equal(condition(waiting, 'Ready')?.reason, 'QueuePolicyPending');
  t.match(condition(waiting, 'Ready')?.message, /access policy of Queue "worker" lets topic .*awshooks-shop-orders send/);
  t.equal(waiting.resyncAfterSeconds, 10, 'looks again soon');
  const topicArn = cluster.status(tk).topicArn as string;
  t.same(
    (await sns().send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions,
    [],
    'nothing subscribed while delivery would be refused',
  );

  const q = await cluster.sync(qk);
  t.equal(condition(q, 'Ready')?.status, 'True', 'the Queue sees the new Subscription and adds the statement');
  const ready = await cluster.sync(sk);
  t.equal(condition(ready, 'Ready')?.status, 'True', 'then the Subscription subscribes');
  await sns().send(new PublishCommand({ TopicArn: topicArn, Message: 'hello' }));
  t.equal((await receive(cluster.status(qk).queueUrl as string)).length, 1, 'delivered');

  // The Subscription goes: the Queue drops the statement it added (and only that one).
  cluster.markDeleted(sk);
  const fin = await cluster.sync(sk);
  t.equal(fin.finalized, true, 'unsubscribed, confirmed by a re-read');
  t.same((await sns().send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions, [], 'gone in SNS');
  app.clock.advance(60);
  await cluster.sync(qk);
  const attrs = (await sqs().send(new GetQueueAttributesCommand({ QueueUrl: cluster.status(qk).queueUrl as string, AttributeNames: ['All'] }))).Attributes!;
  t.notOk(attrs.Policy, 'the policy held only our statement: cleared');
});

t.test('raw delivery and a filter policy on the message body', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const cluster = new MiniCluster(app);
  const tk = cluster.apply(topic('orders'));
  const qk = cluster.apply(queue('big-orders'));
  const sk = cluster.apply(
    subscription('big-orders', {
      topicRef: 'orders',
      queueRef: 'big-orders',
      rawMessageDelivery: true,
      filterPolicyScope: 'MessageBody',
      filterPolicy: { order: { size: ['big'] } },
    }),
  );
  const answers = await cluster.syncAll(1);
  t.equal(condition(answers.get(sk)!, 'Ready')?.status, 'True', JSON.stringify(condition(answers.get(sk)!, 'Ready')));
  const topicArn = answers.get(tk)!.status.topicArn as string;
  await sns().send(new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify({ order: { size: 'small' } }) }));
  await sns().send(new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify({ order: { size: 'big' } }) }));
  const messages = await receive(answers.get(qk)!.status.queueUrl as string);
  t.same(
    messages.map((m) => m.Body),
    [JSON.stringify({ order: { size: 'big' } })],
    'only the matching message, raw (no SNS envelope)',
  );
});

t.test('FIFO: a FIFO queue on a FIFO topic keeps order and deduplicates by content', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const cluster = new MiniCluster(app);
  const tk = cluster.apply(topic('events', { fifo: true, contentBasedDeduplication: true }));
  // NOTE: moto does not pass the topic's content-based deduplication ID on to the queue (AWS
  // does), so the queue deduplicates by content itself here.
  const qk = cluster.apply(queue('events', { fifo: true, contentBasedDeduplication: true }));
  const sk = cluster.apply(subscription('events', { topicRef: 'events', queueRef: 'events', rawMessageDelivery: true }));
  const answers = await cluster.syncAll(1);
  t.equal(condition(answers.get(sk)!, 'Ready')?.status, 'True', JSON.stringify(condition(answers.get(sk)!, 'Ready')));
  const topicArn = answers.get(tk)!.status.topicArn as string;
  t.match(topicArn, /awshooks-shop-events\.fifo$/);
  for (const body of ['one', 'two', 'two', 'three']) await sns().send(new PublishCommand({ TopicArn: topicArn, Message: body, MessageGroupId: 'g' }));
  const messages = await receive(answers.get(qk)!.status.queueUrl as string);
  t.same(
    messages.map((m) => m.Body),
    ['one', 'two', 'three'],
    'in order, the duplicate dropped',
  );
});
