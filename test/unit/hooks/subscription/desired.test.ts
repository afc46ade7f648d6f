import t from 'tap';
import { DEFAULT_HOOKS_CONFIG, type HooksConfig } from '../../../../hooks/core/config.js';
import { validateSpec } from '../../../../hooks/core/spec-validation.js';
import type { DesiredInput } from '../../../../hooks/core/kind.js';
import type { KubeObject, ObjectMap, Owner, Parent } from '../../../../hooks/core/types.js';
import { desiredSubscription, sameTargetSubscriptions } from '../../../../hooks/subscription/desired.js';
import { SubscriptionSpecSchema, type SubscriptionSpec, type SubscriptionStatus } from '../../../../schemas/subscription.js';

const NS = 'shop';
const owner: Owner = { cluster: 'default', namespace: NS, name: 'sub', uid: 'uid-sub', kind: 'Subscription' };
const TOPIC = 'Topic.sns.awshooks.dev/v1alpha1';
const QUEUE = 'Queue.sqs.awshooks.dev/v1alpha1';
const SUB = 'Subscription.sns.awshooks.dev/v1alpha1';

const obj = (
  kind: string,
  apiVersion: string,
  name: string,
  spec: Record<string, unknown>,
  meta: Record<string, unknown> = {},
  namespace = NS,
): KubeObject => ({ apiVersion, kind, metadata: { name, namespace, creationTimestamp: '2026-01-01T00:00:00Z', ...meta }, spec });
const topic = (name: string, spec: Record<string, unknown> = {}, meta = {}) =>
  obj('Topic', 'sns.awshooks.dev/v1alpha1', name, { region: 'eu-west-1', fifo: false, ...spec }, meta);
const queue = (name: string, spec: Record<string, unknown> = {}, meta = {}) =>
  obj('Queue', 'sqs.awshooks.dev/v1alpha1', name, { region: 'eu-west-1', ...spec }, meta);
const sub = (name: string, spec: Record<string, unknown>, meta = {}) => obj('Subscription', 'sns.awshooks.dev/v1alpha1', name, spec, meta);

function related(...objects: KubeObject[]): ObjectMap {
  const out: ObjectMap = { [TOPIC]: {}, [QUEUE]: {}, [SUB]: {} };
  for (const o of objects) out[`${o.kind}.${o.apiVersion}`]![`${o.metadata.namespace}/${o.metadata.name}`] = o;
  return out;
}

const world = () =>
  related(
    topic('orders'),
    topic('events', { fifo: true }),
    queue('worker'),
    queue('fifo-worker', { fifo: true }),
    queue('dlq'),
    queue('custom', { queueName: 'awshooks-custom' }),
  );

function input(
  spec: Record<string, unknown>,
  rel: ObjectMap = world(),
  opts: { finalizing?: boolean; config?: Partial<HooksConfig>; status?: SubscriptionStatus; created?: string } = {},
): DesiredInput<SubscriptionSpec, SubscriptionStatus> {
  const full = validateSpec<SubscriptionSpec>(SubscriptionSpecSchema, spec);
  const parent = {
    apiVersion: 'sns.awshooks.dev/v1alpha1',
    kind: 'Subscription',
    metadata: { name: 'sub', namespace: NS, uid: 'uid-sub', creationTimestamp: opts.created ?? '2026-01-02T00:00:00Z' },
    spec: full,
    ...(opts.status ? { status: opts.status } : {}),
  } as Parent<SubscriptionSpec, SubscriptionStatus>;
  return {
    parent,
    spec: full,
    children: {},
    related: rel,
    config: { ...DEFAULT_HOOKS_CONFIG, ...opts.config },
    owner,
    finalizing: opts.finalizing ?? false,
    now: new Date(),
  };
}

t.test("references resolve from the specs of the namespace's own objects", async (t) => {
  const d = desiredSubscription(input({ topicRef: 'orders', queueRef: 'worker', filterPolicy: { a: ['1'] }, deadLetter: { queueRef: 'dlq' } }));
  t.same(d, {
    topic: { ref: 'orders', topicName: 'awshooks-shop-orders', region: 'eu-west-1', fifo: false },
    protocol: 'sqs',
    queue: { ref: 'worker', queueName: 'awshooks-shop-worker', region: 'eu-west-1', fifo: false },
    rawMessageDelivery: false,
    filterPolicy: { a: ['1'] },
    filterPolicyScope: 'MessageAttributes',
    deadLetter: { queue: { ref: 'dlq', queueName: 'awshooks-shop-dlq', region: 'eu-west-1', fifo: false } },
    adopt: false,
    deletionPolicy: 'Delete',
  });
  t.equal(
    desiredSubscription(input({ topicRef: 'orders', queueRef: 'custom' })).queue?.queueName,
    'awshooks-custom',
    'a custom queue name, as the Queue derives it',
  );
  t.equal(desiredSubscription(input({ topicRef: 'events', queueRef: 'fifo-worker' })).topic?.topicName, 'awshooks-shop-events.fifo');
  t.same(desiredSubscription(input({ topicRef: 'orders', protocol: 'email', endpoint: 'ops@example.com' })).endpoint, 'ops@example.com');
});

t.test('missing or departing dependencies: wait (DependencyNotReady), no AWS call', async (t) => {
  const cases: [Record<string, unknown>, ObjectMap, RegExp][] = [
    [{ topicRef: 'nope', queueRef: 'worker' }, world(), /waiting for Topic "nope" in namespace "shop" to exist/],
    [{ topicRef: 'orders', queueRef: 'nope' }, world(), /waiting for endpoint Queue "nope"/],
    [
      { topicRef: 'orders', queueRef: 'worker' },
      related(topic('orders', {}, { deletionTimestamp: '2026-01-03T00:00:00Z' }), queue('worker')),
      /Topic "orders" is being deleted/,
    ],
    [
      { topicRef: 'orders', queueRef: 'worker' },
      related(topic('orders'), queue('worker', {}, { deletionTimestamp: 'x' })),
      /endpoint Queue "worker" is being deleted/,
    ],
    [
      { topicRef: 'orders', queueRef: 'worker' },
      related(topic('orders'), queue('worker', { queueName: 'not-our-prefix' })),
      /endpoint Queue "worker" has an invalid spec/,
    ],
    [{ topicRef: 'orders', queueRef: 'worker', deadLetter: { queueRef: 'gone' } }, world(), /waiting for dead-letter Queue "gone"/],
  ];
  for (const [spec, rel, message] of cases)
    t.throws(() => desiredSubscription(input(spec, rel)), { name: 'WaitError', reason: 'DependencyNotReady', message }, JSON.stringify(spec));
  // A Topic or Queue of the same name in another namespace is not this one's.
  const elsewhere: ObjectMap = {
    [TOPIC]: { 'other/orders': obj('Topic', 'sns.awshooks.dev/v1alpha1', 'orders', { region: 'eu-west-1' }, {}, 'other') },
    [QUEUE]: { [`${NS}/worker`]: queue('worker') },
  };
  t.throws(
    () => desiredSubscription(input({ topicRef: 'orders', queueRef: 'worker' }, elsewhere)),
    { reason: 'DependencyNotReady', message: /waiting for Topic "orders" in namespace "shop"/ },
    "another namespace's Topic is never used",
  );
  const smuggled: ObjectMap = {
    [TOPIC]: { [`${NS}/orders`]: obj('Topic', 'sns.awshooks.dev/v1alpha1', 'orders', { region: 'eu-west-1' }, {}, 'other') },
    [QUEUE]: { [`${NS}/worker`]: queue('worker') },
  };
  t.throws(
    () => desiredSubscription(input({ topicRef: 'orders', queueRef: 'worker' }, smuggled)),
    { reason: 'DependencyNotReady', message: /waiting for Topic "orders"/ },
    "nor one filed under this namespace's key",
  );
});

t.test('bad input: InvalidSpec naming the field, before any AWS call', async (t) => {
  const allow = { allowedSnsTopicArns: ['arn:aws:sns:*:999988887777:*'], allowedSqsQueueArns: ['arn:aws:sqs:*:999988887777:*'] };
  const cases: [Record<string, unknown>, RegExp, Partial<HooksConfig>?][] = [
    [{ topicRef: 'orders', protocol: 'https', endpoint: 'http://example.com/x' }, /spec\.endpoint: an https subscription needs an https:\/\/ URL/],
    [{ topicRef: 'orders', protocol: 'https', endpoint: 'not a url' }, /spec\.endpoint: "not a url" is not a URL/],
    [{ topicRef: 'orders', protocol: 'https', endpoint: 'https://user:pw@example.com/x' }, /credentials in the URL are not supported/],
    [{ topicRef: 'orders', protocol: 'email', endpoint: 'not-an-address' }, /spec\.endpoint: "not-an-address" is not an email address/],
    [{ topicRef: 'orders', protocol: 'lambda', endpoint: 'arn:aws:lambda:eu-west-1:123456789012:layer:x' }, /not a Lambda function ARN/],
    [{ topicRef: 'orders', queueRef: 'fifo-worker' }, /Queue "fifo-worker" is FIFO; a FIFO queue can only subscribe to a FIFO topic/],
    [{ topicRef: 'events', protocol: 'https', endpoint: 'https://example.com' }, /a FIFO topic delivers to SQS queues only/],
    [{ topicRef: 'orders', protocol: 'email', endpoint: 'a@b.co', rawMessageDelivery: true }, /only Queue and https subscriptions support raw delivery/],
    [{ topicRef: 'orders', queueRef: 'worker', filterPolicy: { a: 'b' } }, /spec\.filterPolicy\.a: must be a list/],
    [{ topicRef: 'orders', queueRef: 'worker', filterPolicy: { o: { a: ['1'] } } }, /nested objects need filterPolicyScope: MessageBody/],
    [{ topicArn: 'arn:aws:sns:eu-west-1:123456789012:awshooks-other-orders', queueRef: 'worker' }, /spec\.topicArn: .* is outside namespace "shop"/],
    [
      { topicArn: 'arn:aws:sns:eu-west-1:999988887777:shared', protocol: 'https', endpoint: 'https://example.com' },
      /spec\.adopt: the topic is outside this namespace .* set adopt: true/,
      allow,
    ],
    [
      { topicRef: 'orders', queueRef: 'worker', deadLetter: { targetArn: 'arn:aws:sqs:eu-west-1:123456789012:awshooks-other-dlq' } },
      /spec\.deadLetter\.targetArn: .* is outside namespace "shop"/,
    ],
    [
      { topicRef: 'orders', queueRef: 'worker', deadLetter: { targetArn: 'arn:aws:sqs:us-east-1:999988887777:dlq' } },
      /must be in the topic's region eu-west-1/,
      allow,
    ],
    [
      { topicRef: 'orders', queueRef: 'worker', deadLetter: { targetArn: 'arn:aws:sqs:eu-west-1:999988887777:dlq.fifo' } },
      /the topic is standard, so the dead-letter queue must be standard too/,
      allow,
    ],
    [{ topicRef: 'events', queueRef: 'fifo-worker', deadLetter: { queueRef: 'dlq' } }, /the topic is FIFO, so the dead-letter Queue must be FIFO too/],
  ];
  for (const [spec, message, config] of cases) {
    t.throws(() => desiredSubscription(input(spec, world(), config ? { config } : {})), { reason: 'InvalidSpec', message }, JSON.stringify(spec));
  }
  const rel = related(topic('orders'), queue('worker'), queue('far-dlq', { region: 'us-east-1' }));
  t.throws(() => desiredSubscription(input({ topicRef: 'orders', queueRef: 'worker', deadLetter: { queueRef: 'far-dlq' } }, rel)), {
    reason: 'InvalidSpec',
    message: /Queue "far-dlq" is in us-east-1; the dead-letter queue must be in the topic's region/,
  });
});

t.test('topic ARNs: own names, or allowed; a shared topic with a non-queue endpoint needs adopt', async (t) => {
  const own = desiredSubscription(input({ topicArn: 'arn:aws:sns:eu-west-1:123456789012:awshooks-shop-legacy.fifo', queueRef: 'fifo-worker' }));
  t.same(own.topic, {
    arn: 'arn:aws:sns:eu-west-1:123456789012:awshooks-shop-legacy.fifo',
    scope: { ownName: true, allowListed: false },
    topicName: 'awshooks-shop-legacy.fifo',
    region: 'eu-west-1',
    fifo: true,
  });
  const config = { allowedSnsTopicArns: ['arn:aws:sns:*:999988887777:*'] };
  const shared = 'arn:aws:sns:eu-west-1:999988887777:shared';
  t.equal(
    desiredSubscription(input({ topicArn: shared, queueRef: 'worker' }, world(), { config })).topic?.scope?.allowListed,
    true,
    'a Queue endpoint can prove ownership',
  );
  t.equal(
    desiredSubscription(input({ topicArn: shared, protocol: 'https', endpoint: 'https://example.com', adopt: true }, world(), { config })).adopt,
    true,
    'with adopt: accepted',
  );
});

t.test('two Subscriptions naming one AWS subscription: the older keeps it', async (t) => {
  const older = sub('first', { topicRef: 'orders', queueRef: 'worker' }, { creationTimestamp: '2026-01-01T00:00:00Z' });
  const asArn = sub(
    'by-arn',
    { topicArn: 'arn:aws:sns:eu-west-1:123456789012:awshooks-shop-orders', queueRef: 'worker' },
    { creationTimestamp: '2026-01-01T00:00:00Z' },
  );
  const otherEndpoint = sub('other', { topicRef: 'orders', queueRef: 'dlq' }, { creationTimestamp: '2026-01-01T00:00:00Z' });
  const spec = { topicRef: 'orders', queueRef: 'worker' };
  t.throws(() => desiredSubscription(input(spec, related(topic('orders'), queue('worker'), older))), {
    reason: 'Conflict',
    message: /Subscription "first" of this namespace already subscribes this endpoint to this topic/,
  });
  t.throws(
    () => desiredSubscription(input(spec, related(topic('orders'), queue('worker'), asArn))),
    { reason: 'Conflict', message: /Subscription "by-arn"/ },
    'a reference and an ARN of the same topic are the same',
  );
  t.doesNotThrow(
    () => desiredSubscription(input(spec, related(topic('orders'), queue('worker'), queue('dlq'), otherEndpoint))),
    'another endpoint is another subscription',
  );
  t.doesNotThrow(
    () => desiredSubscription(input(spec, related(topic('orders'), queue('worker'), older), { created: '2025-12-31T00:00:00Z' })),
    'the older one is not refused',
  );
  const leaving = sub('first', spec, { creationTimestamp: '2026-01-01T00:00:00Z', deletionTimestamp: '2026-01-05T00:00:00Z' });
  t.doesNotThrow(() => desiredSubscription(input(spec, related(topic('orders'), queue('worker'), leaving))), 'one being deleted hands over');
  const self = { metadata: { name: 'sub', namespace: NS } } as KubeObject;
  t.same(
    sameTargetSubscriptions(
      self,
      { topicRef: 'orders', protocol: 'email', endpoint: 'a@b.co' } as SubscriptionSpec,
      false,
      related(sub('x', { topicRef: 'orders', protocol: 'email', endpoint: 'A@b.co' })),
      DEFAULT_HOOKS_CONFIG,
    ),
    [],
    'endpoints compare exactly',
  );
});

t.test('finalize never blocks: hand-over, and status hints when the Topic or Queue is gone', async (t) => {
  const spec = { topicRef: 'orders', queueRef: 'worker' };
  const twin = sub('second', spec, { creationTimestamp: '2026-01-09T00:00:00Z' });
  const handed = desiredSubscription(input(spec, related(topic('orders'), queue('worker'), twin), { finalizing: true }));
  t.equal(handed.handedOverTo, 'second');
  t.equal(handed.deletionPolicy, 'Retain', 'the AWS subscription stays for the object still using it');
  const status = {
    topicArn: 'arn:aws:sns:eu-west-1:123456789012:awshooks-shop-orders',
    endpoint: 'arn:aws:sqs:eu-west-1:123456789012:awshooks-shop-worker',
    subscriptionArn: 'x',
  };
  const gone = desiredSubscription(input({ ...spec, filterPolicy: { a: 'not a list' } }, related(), { finalizing: true, status }));
  t.same(
    gone,
    {
      protocol: 'sqs',
      rawMessageDelivery: false,
      filterPolicyScope: 'MessageAttributes',
      adopt: false,
      deletionPolicy: 'Delete',
      finalizing: true,
      hints: { topicArn: status.topicArn, endpoint: status.endpoint, topicNames: ['awshooks-shop-orders', 'awshooks-shop-orders.fifo'] },
    },
    'no Topic, no Queue, an invalid filter: the lookup hints and nothing else',
  );
  const present = desiredSubscription(input(spec, world(), { finalizing: true }));
  t.equal(present.finalizing, true);
  t.equal(present.topic?.topicName, 'awshooks-shop-orders');
});
