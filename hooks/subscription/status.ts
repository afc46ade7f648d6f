/** Pure: a Subscription's status fields and readiness. */
import type { Readiness } from '../core/kind.js';
import type { SubscriptionStatus } from '../../schemas/subscription.js';
import type { SubscriptionObserved } from './delta.js';

/** How often an unconfirmed subscription is looked at again. */
export const CONFIRMATION_POLL_SECONDS = 60;
/** How often a Subscription waiting for its queue's policy looks again. */
export const QUEUE_POLICY_POLL_SECONDS = 10;

/** True while the endpoint has not confirmed. */
export function isPending(observed: SubscriptionObserved): boolean {
  return observed.arn === undefined || (observed.attributes.PendingConfirmation ?? 'false').toLowerCase() === 'true';
}

/** The kind's status fields from what SNS reported. */
export function subscriptionStatus(observed: SubscriptionObserved): SubscriptionStatus {
  return {
    ...(observed.arn ? { subscriptionArn: observed.arn } : {}),
    topicArn: observed.targets.topicArn,
    protocol: observed.targets.protocol,
    endpoint: observed.targets.endpoint,
    pendingConfirmation: isPending(observed),
  };
}

/**
 * Ready means "messages are delivered": the endpoint confirmed, and a queue's policy lets the
 * topic send (the Queue kind adds that statement; until it has, delivery would be refused).
 */
export function subscriptionReadiness(observed: SubscriptionObserved): Readiness {
  if (isPending(observed)) {
    const how =
      observed.targets.protocol === 'email'
        ? 'the recipient follows the link in the confirmation email'
        : 'the endpoint confirms (it must visit the SubscribeURL SNS sends it)';
    return { ready: false, reason: 'PendingConfirmation', message: `waiting until ${how}`, requeueSeconds: CONFIRMATION_POLL_SECONDS };
  }
  if (observed.queue && !observed.queue.exists) {
    return {
      ready: false,
      reason: 'QueueNotFound',
      message: `the endpoint queue ${observed.targets.endpoint} does not exist`,
      requeueSeconds: QUEUE_POLICY_POLL_SECONDS,
      acceptsUpdates: true,
    };
  }
  if (observed.queue && !observed.queue.allowsTopic) {
    return {
      ready: false,
      reason: 'QueuePolicyPending',
      message: `the access policy of Queue "${observed.targets.queueRef ?? observed.targets.endpoint}" does not let topic ${observed.targets.topicArn} send to it yet (the Queue adds that statement itself once it sees this Subscription)`,
      requeueSeconds: QUEUE_POLICY_POLL_SECONDS,
      acceptsUpdates: true,
    };
  }
  return { ready: true };
}
