import t from 'tap';
import { ownerTags } from '../../../../hooks/core/ownership.js';
import { defaultQueueName, desiredQueue, QUEUE_RELATED_KEY } from '../../../../hooks/queue/desired.js';
import { queueOwner as owner, queueInput as input } from '../../../helpers/queue.js';

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
