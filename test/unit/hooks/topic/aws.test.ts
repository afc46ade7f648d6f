/**
 * The Topic kind's SNS I/O against a fake SNS: the two calls of a drift check on a derived ARN,
 * tags at creation, one SetTopicAttributes per attribute, and a delete that waits while
 * confirmed subscriptions remain (pending ones do not count) unless spec.force says otherwise.
 */
import t from 'tap';
import { SNSClient } from '@aws-sdk/client-sns';
import type { AwsClients } from '../../../../hooks/core/aws-clients.js';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import { WaitError } from '../../../../hooks/core/errors.js';
import type { KindContext } from '../../../../hooks/core/kind.js';
import type { Logger } from '../../../../hooks/core/logger.js';
import { ownerTags } from '../../../../hooks/core/ownership.js';
import type { Owner } from '../../../../hooks/core/types.js';
import { topicManager } from '../../../../hooks/topic/aws.js';
import type { TopicDelta, TopicObserved } from '../../../../hooks/topic/delta.js';
import type { TopicDesired } from '../../../../hooks/topic/desired.js';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const NAME = 'awshooks-shop-events';
const ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:${NAME}`;
const owner: Owner = { cluster: 'default', namespace: 'shop', name: 'events', uid: 'uid-1', kind: 'Topic' };
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function awsError(name: string): Error {
  return Object.assign(new Error(`${name}: simulated`), { name, Code: name, $fault: 'client', $metadata: { httpStatusCode: 404 } });
}

interface Tag {
  Key: string;
  Value: string;
}

/** An SNS holding topics by ARN; records every call with its input. */
class FakeSns {
  topics = new Map<string, { attributes: Record<string, string>; tags: Record<string, string>; subscriptions: string[] }>();
  calls: { op: string; input: Record<string, unknown> }[] = [];
  fail: Record<string, Error> = {};

  ops(): string[] {
    return this.calls.map((c) => c.op);
  }

  private topic(arn: unknown) {
    const topic = this.topics.get(String(arn));
    if (!topic) throw awsError('NotFound');
    return topic;
  }

  send = async (cmd: { input: Record<string, unknown>; constructor: { name: string } }): Promise<unknown> => {
    const op = cmd.constructor.name.replace(/Command$/, '');
    const input = cmd.input;
    this.calls.push({ op, input });
    const fail = this.fail[op];
    if (fail) throw fail;
    switch (op) {
      case 'GetTopicAttributes':
        return { Attributes: { ...this.topic(input.TopicArn).attributes } };
      case 'ListTagsForResource':
        return { Tags: Object.entries(this.topic(input.ResourceArn).tags).map(([Key, Value]) => ({ Key, Value })) };
      case 'CreateTopic': {
        const arn = `arn:aws:sns:${REGION}:${ACCOUNT}:${String(input.Name)}`;
        const tags = Object.fromEntries((input.Tags as Tag[]).map((x) => [x.Key, x.Value]));
        this.topics.set(arn, { attributes: { TopicArn: arn, ...(input.Attributes as Record<string, string>) }, tags, subscriptions: [] });
        return { TopicArn: arn };
      }
      case 'SetTopicAttributes':
        this.topic(input.TopicArn).attributes[String(input.AttributeName)] = String(input.AttributeValue);
        return {};
      case 'TagResource':
        for (const x of input.Tags as Tag[]) this.topic(input.ResourceArn).tags[x.Key] = x.Value;
        return {};
      case 'UntagResource': {
        const topic = this.topic(input.ResourceArn);
        topic.tags = Object.fromEntries(Object.entries(topic.tags).filter(([k]) => !(input.TagKeys as string[]).includes(k)));
        return {};
      }
      case 'ListSubscriptionsByTopic': {
        // Two subscriptions a page, as a paginated API would answer.
        const all = this.topic(input.TopicArn).subscriptions;
        const start = Number(input.NextToken ?? 0);
        const page = all.slice(start, start + 2).map((s) => {
          const [protocol = '', endpoint = '', arn = ''] = s.split('|');
          return { Protocol: protocol, Endpoint: endpoint, SubscriptionArn: arn };
        });
        return { Subscriptions: page, ...(start + 2 < all.length ? { NextToken: String(start + 2) } : {}) };
      }
      case 'DeleteTopic':
        this.topic(input.TopicArn);
        this.topics.delete(String(input.TopicArn));
        return {};
      default:
        throw new Error(`fake SNS: ${op} not implemented`);
    }
  };
}

function setup() {
  const fake = new FakeSns();
  // A real SNSClient (the SDK's paginators check the class) whose send is the fake's.
  const sns = Object.assign(new SNSClient({ region: REGION }), { send: fake.send });
  const ctx: KindContext = {
    config: { ...DEFAULT_HOOKS_CONFIG, accountId: ACCOUNT },
    aws: { sns: () => sns } as unknown as AwsClients,
    now: () => new Date('2026-06-01T00:00:00Z'),
    log: silent,
    owner,
  };
  return { fake, manager: topicManager(ctx) };
}

function desired(overrides: Partial<TopicDesired> = {}): TopicDesired {
  return {
    region: REGION,
    topicName: NAME,
    fifo: false,
    attributes: { DisplayName: 'Events' },
    tags: { team: 'shop' },
    ownerTags: ownerTags(owner),
    adopt: false,
    deletionPolicy: 'Delete',
    force: false,
    ...overrides,
  };
}

t.test('readOne: two calls on the ARN derived from the configured account; absent is undefined', async (t) => {
  const { fake, manager } = setup();
  t.equal(await manager.readOne(desired(), undefined), undefined, 'no topic');
  t.same(fake.ops(), ['GetTopicAttributes'], 'no tags read for a topic that is not there');
  t.equal(fake.calls[0]?.input.TopicArn, ARN, 'no lookup by name, no STS call: the ARN is derived');

  fake.topics.set(ARN, { attributes: { TopicArn: ARN, DisplayName: 'Events' }, tags: ownerTags(owner), subscriptions: [] });
  fake.calls = [];
  const seen = await manager.readOne(desired(), undefined);
  t.same(fake.ops(), ['GetTopicAttributes', 'ListTagsForResource'], 'a drift check: attributes and tags');
  t.same(seen, { arn: ARN, attributes: { TopicArn: ARN, DisplayName: 'Events' }, tags: ownerTags(owner) });

  fake.fail.ListTagsForResource = awsError('ResourceNotFound');
  t.equal(await manager.readOne(desired(), undefined), undefined, 'deleted between the two reads: absent');
  fake.fail.GetTopicAttributes = awsError('AuthorizationError');
  await t.rejects(manager.readOne(desired(), undefined), { name: 'AuthorizationError' }, 'other errors propagate');
});

t.test('create: attributes and every tag in the CreateTopic call itself', async (t) => {
  const { fake, manager } = setup();
  const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sns:Publish', Resource: '*' }] };
  const deliveryPolicy = { http: { defaultHealthyRetryPolicy: { numRetries: 3 } } };
  const made = await manager.create(desired({ fifo: true, topicName: `${NAME}.fifo`, policy, deliveryPolicy }), undefined);
  t.same(fake.ops(), ['CreateTopic', 'GetTopicAttributes'], 'create, then read what SNS made');
  const input = fake.calls[0]?.input ?? {};
  t.same(input.Attributes, { DisplayName: 'Events', FifoTopic: 'true', Policy: JSON.stringify(policy), DeliveryPolicy: JSON.stringify(deliveryPolicy) });
  t.same(
    Object.fromEntries((input.Tags as Tag[]).map((x) => [x.Key, x.Value])),
    { team: 'shop', ...ownerTags(owner) },
    'owner tags at creation: never a topic without them',
  );
  t.equal(made.arn, `${ARN}.fifo`);
  t.same(made.tags, { team: 'shop', ...ownerTags(owner) });
});

t.test('update: one SetTopicAttributes per attribute, then tags; only what the delta names', async (t) => {
  const { fake, manager } = setup();
  fake.topics.set(ARN, { attributes: { TopicArn: ARN }, tags: { ...ownerTags(owner), old: 'x' }, subscriptions: [] });
  const observed: TopicObserved = { arn: ARN, attributes: { TopicArn: ARN }, tags: { ...ownerTags(owner), old: 'x' } };
  const none: TopicDelta = { paths: [], attributes: {}, tagsToAdd: {}, tagsToRemove: [] };
  await manager.update(desired(), observed, none, undefined);
  t.same(fake.ops(), [], 'an empty delta makes no call');

  const delta: TopicDelta = { paths: ['x'], attributes: { DisplayName: 'Events', Policy: '{}' }, tagsToAdd: { team: 'shop' }, tagsToRemove: ['old'] };
  const after = await manager.update(desired(), observed, delta, undefined);
  t.same(fake.ops(), ['SetTopicAttributes', 'SetTopicAttributes', 'TagResource', 'UntagResource']);
  t.same(
    fake.calls.slice(0, 2).map((c) => c.input.AttributeName),
    ['DisplayName', 'Policy'],
  );
  t.same(after.attributes, { TopicArn: ARN, DisplayName: 'Events', Policy: '{}' });
  t.same(after.tags, { ...ownerTags(owner), team: 'shop' });
  t.same(fake.topics.get(ARN)?.tags, after.tags, 'what SNS holds is what update returns');
});

t.test('delete: waits while confirmed subscriptions remain, unless forced; gone counts as deleted', async (t) => {
  const { fake, manager } = setup();
  const subs = [
    'sqs|arn:aws:sqs:eu-west-1:123456789012:a|arn:s:1',
    'https|https://example.com/hook|PendingConfirmation',
    'email|ops@example.com|arn:s:2',
    'sqs|arn:aws:sqs:eu-west-1:123456789012:b|arn:s:3',
    'sqs|arn:aws:sqs:eu-west-1:123456789012:c|arn:s:4',
  ];
  fake.topics.set(ARN, { attributes: {}, tags: ownerTags(owner), subscriptions: subs });
  const observed: TopicObserved = { arn: ARN, attributes: {}, tags: ownerTags(owner) };
  const err = await manager.delete(desired(), observed, undefined).catch((e: unknown) => e);
  t.ok(err instanceof WaitError, 'a wait, not a failure');
  t.equal((err as WaitError).reason, 'TopicHasSubscriptions');
  t.equal((err as WaitError).afterSeconds, 15);
  t.match(
    (err as WaitError).message,
    /still has 4 confirmed subscription\(s\) \(sqs:arn:aws:sqs:eu-west-1:123456789012:a, email:ops@example.com, sqs:\S+:b, and 1 more\)/,
  );
  t.same(fake.ops(), ['ListSubscriptionsByTopic', 'ListSubscriptionsByTopic', 'ListSubscriptionsByTopic'], 'every page read; the pending one not counted');
  t.ok(fake.topics.has(ARN), 'not deleted');

  fake.calls = [];
  t.equal(await manager.delete(desired({ force: true }), observed, undefined), 'deleted');
  t.same(fake.ops(), ['DeleteTopic'], 'force: no listing, deleted with its subscriptions');

  fake.calls = [];
  t.equal(await manager.delete(desired({ force: true }), observed, undefined), 'deleted', "already gone: DeleteTopic's NotFound is success");
  fake.fail.DeleteTopic = awsError('AuthorizationError');
  fake.topics.set(ARN, { attributes: {}, tags: {}, subscriptions: ['sqs|x|PendingConfirmation'] });
  await t.rejects(manager.delete(desired(), observed, undefined), { name: 'AuthorizationError' }, 'other errors propagate');

  // Gone between the read and the delete (by hand, or another replica): nothing left to wait for.
  fake.topics.delete(ARN);
  fake.calls = [];
  t.equal(await manager.delete(desired(), observed, undefined), 'deleted', 'the listing says NotFound: deleted');
  t.same(fake.ops(), ['ListSubscriptionsByTopic']);
});
