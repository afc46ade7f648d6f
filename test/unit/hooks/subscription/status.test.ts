import t from 'tap';
import type { SubscriptionObserved } from '../../../../hooks/subscription/delta.js';
import { isPending, subscriptionReadiness, subscriptionStatus } from '../../../../hooks/subscription/status.js';

const topicArn = 'arn:aws:sns:eu-west-1:123456789012:awshooks-shop-orders';
const queueArn = 'arn:aws:sqs:eu-west-1:123456789012:awshooks-shop-worker';
const obs = (over: Partial<SubscriptionObserved> = {}, attributes: Record<string, string> = { PendingConfirmation: 'false' }): SubscriptionObserved => ({
  arn: `${topicArn}:abc`,
  attributes,
  targets: { topicArn, protocol: 'sqs', endpoint: queueArn, queueRef: 'worker' },
  ownerTags: {},
  queue: { exists: true, allowsTopic: true },
  ...over,
});

t.test('status', async (t) => {
  t.same(subscriptionStatus(obs()), { subscriptionArn: `${topicArn}:abc`, topicArn, protocol: 'sqs', endpoint: queueArn, pendingConfirmation: false });
  const { arn: _arn, ...noArn } = obs();
  t.same(subscriptionStatus(noArn), { topicArn, protocol: 'sqs', endpoint: queueArn, pendingConfirmation: true }, 'listed unconfirmed: no ARN');
});

t.test('Ready means messages are delivered', async (t) => {
  t.same(subscriptionReadiness(obs()), { ready: true });
  const pending = subscriptionReadiness(
    obs({ targets: { topicArn, protocol: 'email', endpoint: 'ops@example.com' }, queue: undefined }, { PendingConfirmation: 'true' }),
  );
  t.match(pending, { ready: false, reason: 'PendingConfirmation', message: /confirmation email/, requeueSeconds: 60 });
  t.notOk((pending as { acceptsUpdates?: boolean }).acceptsUpdates, 'SNS takes no attribute changes before confirmation');
  t.ok(isPending(obs({}, { PendingConfirmation: 'true' })));
  t.match(subscriptionReadiness(obs({ targets: { topicArn, protocol: 'https', endpoint: 'https://x' }, queue: undefined }, { PendingConfirmation: 'true' })), {
    reason: 'PendingConfirmation',
    message: /SubscribeURL/,
  });
  t.match(subscriptionReadiness(obs({ queue: { exists: true, allowsTopic: false } })), {
    ready: false,
    reason: 'QueuePolicyPending',
    message: /Queue "worker" does not let topic .*awshooks-shop-orders send/,
    requeueSeconds: 10,
    acceptsUpdates: true,
  });
  t.match(subscriptionReadiness(obs({ queue: { exists: false, allowsTopic: false } })), { ready: false, reason: 'QueueNotFound' });
});
