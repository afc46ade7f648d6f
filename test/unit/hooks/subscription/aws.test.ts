/**
 * The Subscription kind's SNS and SQS I/O against a fake: the calls of a drift check (the ARN in
 * status as a hint, re-checked), ownership proven before the first write (the topic's tags, else
 * the queue's), waiting for the topic, the queue and the queue's policy instead of subscribing
 * into refusals, one SetSubscriptionAttributes per changed attribute, and an idempotent delete.
 */
import t from 'tap';
import { SNSClient } from '@aws-sdk/client-sns';
import type { AwsClients } from '../../../../hooks/core/aws-clients.js';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import { TerminalError, WaitError } from '../../../../hooks/core/errors.js';
import type { KindContext } from '../../../../hooks/core/kind.js';
import type { Logger } from '../../../../hooks/core/logger.js';
import { ownerTags } from '../../../../hooks/core/ownership.js';
import type { Owner } from '../../../../hooks/core/types.js';
import { snsSendStatement } from '../../../../hooks/sns-common/queue-access.js';
import { subscriptionManager } from '../../../../hooks/subscription/aws.js';
import type { SubscriptionDelta, SubscriptionObserved } from '../../../../hooks/subscription/delta.js';
import type { SubscriptionDesired } from '../../../../hooks/subscription/desired.js';
import type { SubscriptionStatus } from '../../../../schemas/subscription.js';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const TOPIC = 'awshooks-shop-events';
const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:${TOPIC}`;
const QUEUE = 'awshooks-shop-orders';
const QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:${QUEUE}`;
const QUEUE_URL = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${QUEUE}`;
const SUB_ARN = `${TOPIC_ARN}:1111-2222`;
const owner: Owner = { cluster: 'default', namespace: 'shop', name: 'orders-events', uid: 'uid-1', kind: 'Subscription' };
const topicOwner: Owner = { ...owner, name: 'events', kind: 'Topic' };
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function awsError(name: string): Error {
  return Object.assign(new Error(`${name}: simulated`), { name, Code: name, $fault: 'client', $metadata: { httpStatusCode: 404 } });
}

interface FakeSubscription {
  arn: string;
  protocol: string;
  endpoint: string;
  attributes: Record<string, string>;
}

/** One SNS topic (or none) with its subscriptions, and one SQS queue (or none); every call recorded. */
class FakeAws {
  topicTags: Record<string, string> | undefined = ownerTags(topicOwner);
  subscriptions: FakeSubscription[] = [];
  queue: { policy?: string; tags: Record<string, string> } | undefined = {
    policy: JSON.stringify({ Version: '2012-10-17', Statement: [snsSendStatement(QUEUE_ARN, TOPIC_ARN)] }),
    tags: ownerTags({ ...owner, name: 'orders', kind: 'Queue' }),
  };
  calls: { op: string; input: Record<string, unknown> }[] = [];
  private next = 0;

  ops(): string[] {
    return this.calls.map((c) => c.op);
  }

  private topic(arn: unknown): Record<string, string> {
    if (arn !== TOPIC_ARN || !this.topicTags) throw awsError('NotFound');
    return this.topicTags;
  }

  send = async (cmd: { input: Record<string, unknown>; constructor: { name: string } }): Promise<unknown> => {
    const op = cmd.constructor.name.replace(/Command$/, '');
    const i = cmd.input;
    this.calls.push({ op, input: i });
    switch (op) {
      case 'ListTagsForResource':
        return { Tags: Object.entries(this.topic(i.ResourceArn)).map(([Key, Value]) => ({ Key, Value })) };
      case 'ListSubscriptionsByTopic':
        this.topic(i.TopicArn);
        return {
          Subscriptions: this.subscriptions.map((s) => ({ SubscriptionArn: s.arn, TopicArn: TOPIC_ARN, Protocol: s.protocol, Endpoint: s.endpoint })),
        };
      case 'GetSubscriptionAttributes': {
        const s = this.subscriptions.find((x) => x.arn === i.SubscriptionArn);
        if (!s) throw awsError('NotFound');
        return { Attributes: { ...s.attributes, SubscriptionArn: s.arn, TopicArn: TOPIC_ARN, Protocol: s.protocol, Endpoint: s.endpoint } };
      }
      case 'Subscribe': {
        this.topic(i.TopicArn);
        const found = this.subscriptions.find((x) => x.protocol === i.Protocol && x.endpoint === i.Endpoint);
        if (found) return { SubscriptionArn: found.arn };
        const arn = `${TOPIC_ARN}:sub-${++this.next}`;
        this.subscriptions.push({
          arn,
          protocol: String(i.Protocol),
          endpoint: String(i.Endpoint),
          attributes: { ...(i.Attributes as Record<string, string>) },
        });
        return { SubscriptionArn: arn };
      }
      case 'SetSubscriptionAttributes': {
        const s = this.subscriptions.find((x) => x.arn === i.SubscriptionArn);
        if (!s) throw awsError('NotFound');
        s.attributes[String(i.AttributeName)] = String(i.AttributeValue);
        return {};
      }
      case 'Unsubscribe': {
        const before = this.subscriptions.length;
        this.subscriptions = this.subscriptions.filter((x) => x.arn !== i.SubscriptionArn);
        if (this.subscriptions.length === before) throw awsError('NotFound');
        return {};
      }
      case 'GetQueueAttributes':
        if (i.QueueUrl !== QUEUE_URL || !this.queue) throw awsError('QueueDoesNotExist');
        return { Attributes: this.queue.policy ? { Policy: this.queue.policy } : {} };
      case 'ListQueueTags':
        if (i.QueueUrl !== QUEUE_URL || !this.queue) throw awsError('QueueDoesNotExist');
        return { Tags: { ...this.queue.tags } };
      default:
        throw new Error(`fake AWS: ${op} not implemented`);
    }
  };
}

function setup() {
  const fake = new FakeAws();
  // A real SNSClient (the SDK's paginators check the class) whose send is the fake's.
  const sns = Object.assign(new SNSClient({ region: REGION }), { send: fake.send });
  const ctx: KindContext = {
    config: { ...DEFAULT_HOOKS_CONFIG, accountId: ACCOUNT },
    aws: { sns: () => sns, sqs: () => ({ send: fake.send }) } as unknown as AwsClients,
    now: () => new Date('2026-06-01T00:00:00Z'),
    log: silent,
    owner,
  };
  // A manager per hook call, as the engine makes one: the topic's and queue's state is read once per call.
  return { fake, manager: () => subscriptionManager(ctx) };
}

function desired(overrides: Partial<SubscriptionDesired> = {}): SubscriptionDesired {
  return {
    topic: { ref: 'events', topicName: TOPIC, region: REGION, fifo: false },
    protocol: 'sqs',
    queue: { ref: 'orders', queueName: QUEUE, region: REGION, fifo: false },
    rawMessageDelivery: true,
    filterPolicy: { kind: ['order'] },
    filterPolicyScope: 'MessageAttributes',
    adopt: false,
    deletionPolicy: 'Delete',
    ...overrides,
  };
}

const status = (subscriptionArn: string) => ({ subscriptionArn }) as SubscriptionStatus;

t.test("create: ownership and the queue's policy first, then one Subscribe with every attribute", async (t) => {
  const { fake, manager } = setup();
  const made = await manager().create(desired(), undefined);
  t.same(
    fake.ops(),
    ['ListTagsForResource', 'GetQueueAttributes', 'Subscribe', 'GetSubscriptionAttributes'],
    "the namespace's topic proves ownership: no queue tags read",
  );
  const input = fake.calls[2]?.input ?? {};
  t.match(input, { TopicArn: TOPIC_ARN, Protocol: 'sqs', Endpoint: QUEUE_ARN, ReturnSubscriptionArn: true });
  t.same(input.Attributes, { RawMessageDelivery: 'true', FilterPolicyScope: 'MessageAttributes', FilterPolicy: '{"kind":["order"]}' });
  t.equal(made.arn, `${TOPIC_ARN}:sub-1`);
  t.same(made.ownerTags, ownerTags(owner), 'ours');
  t.same(made.queue, { exists: true, allowsTopic: true });
});

t.test('create: waits for the topic, the queue and the policy; refuses a foreign or unproven topic', async (t) => {
  const cases: [string, (f: FakeAws) => void, Partial<SubscriptionDesired>, string, string][] = [
    ['no topic yet', (f) => (f.topicTags = undefined), {}, 'WaitError', 'TopicNotFound'],
    ['no queue yet', (f) => (f.queue = undefined), {}, 'WaitError', 'QueueNotFound'],
    ['the queue does not let the topic send yet', (f) => f.queue && delete f.queue.policy, {}, 'WaitError', 'QueuePolicyPending'],
    [
      "another namespace's topic, a queue that does not prove otherwise",
      (f) => {
        f.topicTags = ownerTags({ ...topicOwner, namespace: 'other' });
        if (f.queue) f.queue.tags = {};
      },
      {},
      'TerminalError',
      'Conflict',
    ],
    [
      'an untagged topic, an untagged queue',
      (f) => {
        f.topicTags = {};
        if (f.queue) f.queue.tags = {};
      },
      {},
      'TerminalError',
      'Conflict',
    ],
  ];
  for (const [what, arrange, overrides, name, reason] of cases) {
    const { fake, manager } = setup();
    arrange(fake);
    const err = await manager()
      .create(desired(overrides), undefined)
      .catch((e: unknown) => e);
    t.ok(err instanceof (name === 'WaitError' ? WaitError : TerminalError), `${what}: ${name}`);
    t.equal((err as WaitError | TerminalError).reason, reason, `${what}: ${reason}`);
    t.notOk(fake.ops().includes('Subscribe'), `${what}: no Subscribe`);
  }

  const { fake, manager } = setup();
  fake.topicTags = {};
  const adopted = await manager().create(desired(), undefined);
  t.same(
    fake.ops(),
    ['ListTagsForResource', 'GetQueueAttributes', 'ListQueueTags', 'Subscribe', 'GetSubscriptionAttributes'],
    "an untagged topic: the queue's tags prove it",
  );
  t.same(adopted.ownerTags, ownerTags(owner));
});

t.test('readOne: the status ARN is a hint, re-checked; else the topic is listed', async (t) => {
  const { fake, manager } = setup();
  fake.subscriptions.push({ arn: SUB_ARN, protocol: 'sqs', endpoint: QUEUE_ARN, attributes: { RawMessageDelivery: 'true' } });
  const seen = await manager().readOne(desired(), status(SUB_ARN));
  t.same(fake.ops(), ['GetSubscriptionAttributes', 'ListTagsForResource', 'GetQueueAttributes'], 'a drift check of a Queue subscription: three calls');
  t.equal(seen?.arn, SUB_ARN);
  t.equal(seen?.attributes.RawMessageDelivery, 'true');

  fake.calls = [];
  fake.subscriptions.push({ arn: `${TOPIC_ARN}:other`, protocol: 'https', endpoint: 'https://example.com/x', attributes: {} });
  await manager().readOne(desired(), status(`${TOPIC_ARN}:other`));
  t.same(
    fake.ops().slice(0, 3),
    ['GetSubscriptionAttributes', 'ListSubscriptionsByTopic', 'GetSubscriptionAttributes'],
    'a hint naming another endpoint is not taken',
  );

  fake.calls = [];
  await manager().readOne(desired(), status('not-an-arn'));
  t.same(fake.ops().slice(0, 1), ['ListSubscriptionsByTopic'], 'a hint that is no SNS ARN is not even read');

  fake.calls = [];
  fake.subscriptions = [{ arn: 'PendingConfirmation', protocol: 'sqs', endpoint: QUEUE_ARN, attributes: {} }];
  const pending = await manager().readOne(desired(), undefined);
  t.equal(pending?.arn, undefined, 'unconfirmed: no ARN');
  t.equal(pending?.attributes.PendingConfirmation, 'true');

  fake.subscriptions = [];
  t.equal(await manager().readOne(desired(), undefined), undefined, 'none');
  fake.topicTags = undefined;
  t.equal(await manager().readOne(desired(), status(SUB_ARN)), undefined, 'no topic: no subscription');
});

t.test('update: one SetSubscriptionAttributes per attribute, in order; an empty value clears', async (t) => {
  const { fake, manager } = setup();
  fake.subscriptions.push({ arn: SUB_ARN, protocol: 'sqs', endpoint: QUEUE_ARN, attributes: { RawMessageDelivery: 'false', FilterPolicy: '{}' } });
  const observed: SubscriptionObserved = {
    arn: SUB_ARN,
    attributes: { RawMessageDelivery: 'false', FilterPolicy: '{}' },
    targets: { topicArn: TOPIC_ARN, protocol: 'sqs', endpoint: QUEUE_ARN },
    ownerTags: ownerTags(owner),
  };
  const delta: SubscriptionDelta = {
    paths: ['spec.rawMessageDelivery', 'spec.filterPolicy'],
    attributes: [
      ['RawMessageDelivery', 'true'],
      ['FilterPolicy', ''],
    ],
  };
  const after = await manager().update(desired(), observed, delta, undefined);
  t.same(fake.ops(), ['SetSubscriptionAttributes', 'SetSubscriptionAttributes']);
  t.same(
    fake.calls.map((c) => [c.input.AttributeName, c.input.AttributeValue]),
    delta.attributes,
  );
  t.same(after.attributes, { RawMessageDelivery: 'true' }, 'the cleared attribute is left out');
  t.same(observed.attributes, { RawMessageDelivery: 'false', FilterPolicy: '{}' }, 'the observed object is not changed');

  const err = await manager()
    .update(desired(), { ...observed, arn: undefined }, delta, undefined)
    .catch((e: unknown) => e);
  t.ok(err instanceof WaitError && err.reason === 'PendingConfirmation', 'nothing to set before confirmation');
});

t.test('delete: Unsubscribe; gone counts as deleted; a lost ARN is learnt again', async (t) => {
  const { fake, manager } = setup();
  fake.subscriptions.push({ arn: SUB_ARN, protocol: 'sqs', endpoint: QUEUE_ARN, attributes: {} });
  const observed: SubscriptionObserved = {
    arn: SUB_ARN,
    attributes: {},
    targets: { topicArn: TOPIC_ARN, protocol: 'sqs', endpoint: QUEUE_ARN },
    ownerTags: {},
  };
  t.equal(await manager().delete(desired(), observed, undefined), 'deleted');
  t.same(fake.ops(), ['Unsubscribe']);
  t.same(fake.subscriptions, []);
  t.equal(await manager().delete(desired(), observed, undefined), 'deleted', 'already gone');

  fake.calls = [];
  fake.subscriptions.push({ arn: SUB_ARN, protocol: 'email', endpoint: 'ops@example.com', attributes: {} });
  const emailTargets = { topicArn: TOPIC_ARN, protocol: 'email' as const, endpoint: 'ops@example.com' };
  await manager().delete(desired(), { attributes: {}, targets: emailTargets, ownerTags: {} }, undefined);
  t.same(fake.ops(), ['Subscribe', 'Unsubscribe'], 'no ARN: Subscribe returns it, then Unsubscribe');
  t.same(fake.subscriptions, []);
});
