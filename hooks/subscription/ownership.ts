/**
 * Who owns an SNS subscription.
 *
 * SNS subscriptions carry no tags, and a subscription ARN recorded in status is no proof either:
 * status can be written by whoever may write the status subresource (DESIGN.md §3.4), and even a
 * genuine ARN only says that *some* sync once created *some* subscription. What can be proven, in
 * AWS, at every sync:
 *
 * 1. SNS keeps one subscription per (topic, protocol, endpoint). The subscription of this object
 *    is the one whose triple is exactly the one its spec resolves to; the status ARN is only a
 *    lookup hint, re-read and compared with that triple.
 * 2. The topic's owner tags name this cluster and namespace: the topic is this namespace's, and so
 *    are the subscriptions on it that its own Subscription objects name (any Topic object of the
 *    namespace, not only the one named: subscriptions belong to the namespace, like the topic).
 * 3. Failing that, the endpoint is a queue whose owner tags name this cluster and namespace: the
 *    deliveries land in the namespace's own queue (a topic shared by the administrator's
 *    allow-list, subscribed by a Queue).
 * 4. A topic whose owner tags name another namespace or cluster, and which the administrator did
 *    not allow-list, is someone else's: never subscribed to, never changed, never unsubscribed.
 * 5. Anything else (a topic without owner tags, or an allow-listed topic with an https, email or
 *    lambda endpoint) cannot be proven: it is `unowned`, and only `spec.adopt: true` lets awshooks
 *    manage it — including removing it on deletion.
 *
 * Two Subscription objects of one namespace naming the same triple would share one AWS
 * subscription; desired.ts refuses the younger one (Conflict) and hands the subscription over on
 * deletion, so one namespace never cuts its own deliveries either.
 */
import { OWNER_TAGS, ownerTags } from '../core/ownership.js';
import type { Owner } from '../core/types.js';

/** What AWS says about the topic and the endpoint queue. */
export interface OwnershipEvidence {
  /** The topic's tags. */
  topicTags: Record<string, string>;
  /** The endpoint queue's tags, when read (sqs endpoints whose topic is not the namespace's). */
  queueTags?: Record<string, string>;
  /** The topic ARN came from the spec and the administrator's allow-list names it. */
  topicAllowListed: boolean;
}

/** The verdict, and tags the core's ownership check reads the same way. */
export interface SubscriptionOwnership {
  verdict: 'ours' | 'unowned' | 'foreign';
  /**
   * `ours`: this parent's owner tags; `foreign`: the topic's (naming its owner); `unowned`: none.
   * The core's generic check (hooks/core/ownership.ts) then decides exactly as for tagged kinds.
   */
  tags: Record<string, string>;
}

function namesNamespace(tags: Record<string, string> | undefined, owner: Owner): boolean {
  return !!tags && tags[OWNER_TAGS.cluster] === owner.cluster && tags[OWNER_TAGS.namespace] === owner.namespace;
}

function hasOwnerTags(tags: Record<string, string> | undefined): boolean {
  return !!tags && Object.values(OWNER_TAGS).some((k) => tags[k] !== undefined);
}

/** Pure: the ownership of a subscription found with the exact (topic, protocol, endpoint). */
export function subscriptionOwnership(evidence: OwnershipEvidence, owner: Owner): SubscriptionOwnership {
  if (namesNamespace(evidence.topicTags, owner) || namesNamespace(evidence.queueTags, owner)) {
    return { verdict: 'ours', tags: ownerTags(owner) };
  }
  if (hasOwnerTags(evidence.topicTags) && !evidence.topicAllowListed) return { verdict: 'foreign', tags: evidence.topicTags };
  return { verdict: 'unowned', tags: {} };
}

/** True when the topic's tags prove it is the namespace's (no need to read the queue's tags). */
export function topicIsNamespaces(topicTags: Record<string, string>, owner: Owner): boolean {
  return namesNamespace(topicTags, owner);
}
