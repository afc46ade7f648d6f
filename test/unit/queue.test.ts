import t from 'tap';
import { DEFAULT_HOOKS_CONFIG } from '../../hooks/core/config.js';
import { validateSpec } from '../../hooks/core/spec-validation.js';
import { ownerTags } from '../../hooks/core/ownership.js';
import type { DesiredInput } from '../../hooks/core/kind.js';
import type { Owner, Parent } from '../../hooks/core/types.js';
import { defaultQueueName, desiredQueue, QUEUE_RELATED_KEY } from '../../hooks/queue/desired.js';
import { queueDelta } from '../../hooks/queue/delta.js';
import { queueChildren, queueStatus } from '../../hooks/queue/status.js';
import { QueueSpecSchema, type QueueSpec, type QueueStatus } from '../../schemas/queue.js';

const owner: Owner = { cluster: 'default', namespace: 'shop', name: 'orders', uid: 'uid-1', kind: 'Queue' };

function input(spec: Record<string, unknown>, related: DesiredInput<QueueSpec, QueueStatus>['related'] = {}): DesiredInput<QueueSpec, QueueStatus> {
  const full = validateSpec<QueueSpec>(QueueSpecSchema, spec);
  const parent = {
    apiVersion: 'sqs.awshooks.dev/v1alpha1',
    kind: 'Queue',
    metadata: { name: 'orders', namespace: 'shop', uid: 'uid-1' },
    spec: full,
  } as Parent<QueueSpec, QueueStatus>;
  return { parent, spec: full, children: {}, related, config: DEFAULT_HOOKS_CONFIG, owner, finalizing: false, now: new Date() };
}

t.test('queue names', async (t) => {
  t.equal(defaultQueueName('awshooks', 'shop', 'orders', false), 'awshooks-shop-orders');
  t.equal(defaultQueueName('awshooks', 'shop', 'orders', true), 'awshooks-shop-orders.fifo');
  const long = defaultQueueName('awshooks', 'a-very-long-namespace-name-for-a-team', 'an-even-longer-queue-name-that-keeps-going', true);
  t.equal(long.length, 80);
  t.ok(long.endsWith('.fifo'));
  t.match(long, /^[A-Za-z0-9_-]+\.fifo$/);
  const cases: [Record<string, unknown>, string | RegExp][] = [
    [{ region: 'eu-west-1' }, 'awshooks-shop-orders'],
    [{ region: 'eu-west-1', fifo: true }, 'awshooks-shop-orders.fifo'],
    [{ region: 'eu-west-1', queueName: 'awshooks-custom' }, 'awshooks-custom'],
    [{ region: 'eu-west-1', queueName: 'awshooks-custom', fifo: true }, 'awshooks-custom.fifo'],
    [{ region: 'eu-west-1', queueName: 'other-custom' }, /must start with "awshooks-"/],
    [{ region: 'eu-west-1', queueName: 'awshooks-x.fifo' }, /ends in \.fifo but spec\.fifo is false/],
  ];
  for (const [spec, want] of cases) {
    if (typeof want === 'string') t.equal(desiredQueue(input(spec)).queueName, want, JSON.stringify(spec));
    else t.throws(() => desiredQueue(input(spec)), { reason: 'InvalidSpec', message: want }, JSON.stringify(spec));
  }
});

t.test('desired attributes: only what the spec sets, as SQS strings', async (t) => {
  const d = desiredQueue(
    input({
      region: 'eu-west-1',
      delaySeconds: 5,
      visibilityTimeout: 60,
      maximumMessageSize: 2048,
      messageRetentionPeriod: 3600,
      receiveMessageWaitTimeSeconds: 20,
    }),
  );
  t.same(d.attributes, {
    DelaySeconds: '5',
    MaximumMessageSize: '2048',
    MessageRetentionPeriod: '3600',
    ReceiveMessageWaitTimeSeconds: '20',
    VisibilityTimeout: '60',
  });
  t.same(desiredQueue(input({ region: 'eu-west-1' })).attributes, {}, 'unset attributes are left to AWS');
  t.same(desiredQueue(input({ region: 'eu-west-1', encryption: { sqsManagedSse: true } })).attributes, { SqsManagedSseEnabled: 'true' });
  t.same(desiredQueue(input({ region: 'eu-west-1', encryption: { kmsMasterKeyId: 'alias/x', kmsDataKeyReusePeriodSeconds: 300 } })).attributes, {
    KmsMasterKeyId: 'alias/x',
    KmsDataKeyReusePeriodSeconds: '300',
  });
  t.same(desiredQueue(input({ region: 'eu-west-1', fifo: true, contentBasedDeduplication: true })).attributes, { ContentBasedDeduplication: 'true' });
  const invalid: [Record<string, unknown>, RegExp][] = [
    [{ region: 'eu-west-1', contentBasedDeduplication: true }, /only FIFO queues/],
    [{ region: 'eu-west-1', encryption: { sqsManagedSse: true, kmsMasterKeyId: 'k' } }, /either sqsManagedSse or kmsMasterKeyId/],
    [{ region: 'eu-west-1', encryption: { kmsDataKeyReusePeriodSeconds: 300 } }, /needs kmsMasterKeyId/],
    [{ region: 'eu-west-1', tags: { 'awshooks.dev/namespace': 'x' } }, /reserved/],
    [{ region: 'eu-west-1', policy: { Version: '2012-10-17' } }, /Statement/],
    [{ region: 'eu-west-1', deadLetter: { maxReceiveCount: 3 } }, /exactly one of queueRef and targetArn/],
    [{ region: 'eu-west-1', deadLetter: { queueRef: 'orders' } }, /its own dead-letter queue/],
    [{ region: 'eu-west-1', deadLetter: { targetArn: 'arn:aws:sqs:eu-west-1:123456789012:x.fifo' } }, /must be FIFO/],
  ];
  for (const [spec, message] of invalid) t.throws(() => desiredQueue(input(spec)), { reason: 'InvalidSpec', message }, JSON.stringify(spec));
  const d2 = desiredQueue(input({ region: 'eu-west-1', tags: { team: 'a' } }));
  t.same(d2.tags, { team: 'a' });
  t.same(d2.ownerTags, ownerTags(owner));
});

t.test('dead-letter queueRef resolves through related and waits until Ready', async (t) => {
  const spec = { region: 'eu-west-1', deadLetter: { queueRef: 'orders-dlq', maxReceiveCount: 4 } };
  t.throws(() => desiredQueue(input(spec)), { reason: 'DependencyNotReady', afterSeconds: 15, message: /orders-dlq.*to exist/ }, 'absent: wait');
  const dlq = (status: Record<string, unknown>, fifo = false) => ({
    [QUEUE_RELATED_KEY]: {
      'shop/orders-dlq': {
        apiVersion: 'sqs.awshooks.dev/v1alpha1',
        kind: 'Queue',
        metadata: { name: 'orders-dlq', namespace: 'shop' },
        spec: { fifo },
        status,
      },
    },
  });
  t.throws(() => desiredQueue(input(spec, dlq({}))), { reason: 'DependencyNotReady', message: /to be Ready/ }, 'not ready: wait');
  const ready = {
    queueArn: 'arn:aws:sqs:eu-west-1:123456789012:awshooks-shop-orders-dlq',
    conditions: [{ type: 'Ready', status: 'True', reason: 'Available', message: '', lastTransitionTime: 'x' }],
  };
  t.same(desiredQueue(input(spec, dlq(ready))).redrive, { deadLetterTargetArn: ready.queueArn, maxReceiveCount: 4 });
  t.throws(() => desiredQueue(input(spec, dlq(ready, true))), { reason: 'InvalidSpec', message: /must match/ }, 'FIFO-ness must match');
  const otherNs = {
    [QUEUE_RELATED_KEY]: {
      'other/orders-dlq': {
        apiVersion: 'sqs.awshooks.dev/v1alpha1',
        kind: 'Queue',
        metadata: { name: 'orders-dlq', namespace: 'other' },
        spec: {},
        status: ready,
      },
    },
  };
  t.throws(() => desiredQueue(input(spec, otherNs)), { reason: 'DependencyNotReady', message: /to exist/ }, 'a Queue of another namespace is never used');
  const finalizing = { ...input(spec), finalizing: true };
  t.equal(desiredQueue(finalizing).redrive, undefined, 'finalize never waits for the dead-letter queue (it may be gone already)');
});

t.test('delta compares by meaning and only touches what differs', async (t) => {
  const d = desiredQueue(
    input({
      region: 'eu-west-1',
      visibilityTimeout: 60,
      deadLetter: { targetArn: 'arn:aws:sqs:eu-west-1:123456789012:dlq', maxReceiveCount: 3 },
      policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: '*' }] },
      tags: { team: 'a' },
    }),
  );
  const converged = {
    url: 'u',
    attributes: {
      VisibilityTimeout: '60',
      DelaySeconds: '0',
      RedrivePolicy: '{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:123456789012:dlq","maxReceiveCount":"3"}',
      Policy: JSON.stringify({ Statement: { Resource: ['*'], Action: ['sqs:SendMessage'], Principal: '*', Effect: 'Allow' }, Version: '2012-10-17' }),
    },
    tags: { ...d.tags, ...d.ownerTags, other: 'theirs' },
  };
  const none = queueDelta(d, converged, ['team']);
  t.same(none.paths, [], 'converged: no write (string counts, reordered policy, tags set by others)');
  const drifted = queueDelta(
    d,
    { ...converged, attributes: { ...converged.attributes, VisibilityTimeout: '30', Policy: '' }, tags: { team: 'b', other: 'theirs' } },
    ['team', 'old'],
  );
  t.same(drifted.paths.sort(), ['attributes.Policy', 'attributes.VisibilityTimeout', 'tags']);
  t.equal(drifted.attributes.VisibilityTimeout, '60');
  t.same(JSON.parse(drifted.attributes.Policy!), d.policy);
  t.same(drifted.tagsToAdd, { team: 'a', ...d.ownerTags }, 'owner tags put back');
  t.same(drifted.tagsToRemove, [], 'a previously managed key that is absent needs no removal');
  const removed = queueDelta(d, { ...converged, tags: { ...converged.tags, old: 'x' } }, ['team', 'old']);
  t.same(removed.tagsToRemove, ['old'], 'a tag we set before and the spec dropped is removed');
  const redrive = queueDelta(
    d,
    {
      ...converged,
      attributes: { ...converged.attributes, RedrivePolicy: '{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:123456789012:dlq","maxReceiveCount":5}' },
    },
    ['team'],
  );
  t.same(redrive.paths, ['attributes.RedrivePolicy']);
});

t.test('status and children are computed from status only, deterministically', async (t) => {
  const d = desiredQueue(input({ region: 'eu-west-1', tags: { b: '1', a: '2' } }));
  const observed = {
    url: 'https://sqs/q',
    attributes: { QueueArn: 'arn:q', ApproximateNumberOfMessages: '7', ApproximateNumberOfMessagesNotVisible: '2', ApproximateNumberOfMessagesDelayed: '1' },
    tags: {},
  };
  const status = queueStatus(d, observed);
  t.same(status, {
    queueUrl: 'https://sqs/q',
    queueArn: 'arn:q',
    queueName: 'awshooks-shop-orders',
    region: 'eu-west-1',
    messages: 7,
    messagesInFlight: 2,
    messagesDelayed: 1,
    managedTagKeys: ['a', 'b'],
  });
  const inp = input({ region: 'eu-west-1' });
  const children = queueChildren({ parent: inp.parent, spec: inp.spec, status, desired: d, children: {}, config: DEFAULT_HOOKS_CONFIG, now: new Date() });
  t.equal(children.length, 1);
  t.same(children[0]!.metadata.name, 'orders-queue');
  t.same(children[0]!.data, { QUEUE_URL: 'https://sqs/q', QUEUE_ARN: 'arn:q', QUEUE_NAME: 'awshooks-shop-orders', AWS_REGION: 'eu-west-1' });
  t.same(
    queueChildren({ parent: inp.parent, spec: undefined, status: {}, desired: undefined, children: {}, config: DEFAULT_HOOKS_CONFIG, now: new Date() }),
    [],
    'no queue yet: no ConfigMap (and no throw without a spec)',
  );
});
