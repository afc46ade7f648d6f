/**
 * The Subscription kind's declaration: what its customize hook asks for (the named Topic and
 * Queues of its own namespace only, and every Subscription of the namespace).
 */
import t from 'tap';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import type { Parent } from '../../../../hooks/core/types.js';
import { subscriptionKind } from '../../../../hooks/subscription/index.js';
import type { SubscriptionSpec, SubscriptionStatus } from '../../../../schemas/subscription.js';

const parentOf = (spec: Record<string, unknown>, namespace = 'shop') =>
  ({
    apiVersion: 'sns.awshooks.dev/v1alpha1',
    kind: 'Subscription',
    metadata: { name: 'orders-events', namespace },
    spec,
  }) as unknown as Parent<SubscriptionSpec, SubscriptionStatus>;

const subscriptions = (namespace: string) => ({ apiVersion: 'sns.awshooks.dev/v1alpha1', resource: 'subscriptions', namespace });

t.test("customize: the named Topic and Queues of the parent's namespace, and its Subscriptions", async (t) => {
  const customize = (parent: Parent<SubscriptionSpec, SubscriptionStatus>, config: typeof DEFAULT_HOOKS_CONFIG) => subscriptionKind.customize!(parent, config);
  t.same(customize(parentOf({ topicRef: 'events', queueRef: 'orders', deadLetter: { queueRef: 'orders-dlq' } }), DEFAULT_HOOKS_CONFIG), [
    subscriptions('shop'),
    { apiVersion: 'sns.awshooks.dev/v1alpha1', resource: 'topics', namespace: 'shop', names: ['events'] },
    { apiVersion: 'sqs.awshooks.dev/v1alpha1', resource: 'queues', namespace: 'shop', names: ['orders', 'orders-dlq'] },
  ]);
  t.same(
    customize(parentOf({ topicRef: 'events', queueRef: 'orders', deadLetter: { queueRef: 'orders' } }), DEFAULT_HOOKS_CONFIG)[2],
    { apiVersion: 'sqs.awshooks.dev/v1alpha1', resource: 'queues', namespace: 'shop', names: ['orders'] },
    'a queue named twice is asked for once',
  );
  t.same(
    customize(
      parentOf({ topicArn: 'arn:aws:sns:eu-west-1:123456789012:t', protocol: 'https', endpoint: 'https://example.com/h' }, 'team-a'),
      DEFAULT_HOOKS_CONFIG,
    ),
    [subscriptions('team-a')],
    'by ARN to an https endpoint: no Topic, no Queue; still the namespace’s Subscriptions',
  );
});
