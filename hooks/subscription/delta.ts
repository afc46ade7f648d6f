/** Pure: what differs between a desired and an observed subscription. */
import type { Delta } from '../core/kind.js';
import { sameJson } from '../sns-common/queue-access.js';
import type { Protocol, SubscriptionDesired } from './desired.js';

/** The ARNs this sync resolved (they need the account ID, which only the I/O code has). */
export interface SubscriptionTargets {
  topicArn: string;
  protocol: Protocol;
  endpoint: string;
  /** The RedrivePolicy JSON we want, or undefined for none. */
  redrivePolicy?: string;
  /** For messages: the Queue object delivered to. */
  queueRef?: string;
}

/** A subscription as read from SNS, with what proves who owns it. */
export interface SubscriptionObserved {
  /** Undefined for an unconfirmed subscription found by listing (SNS hides its ARN there). */
  arn?: string;
  /** GetSubscriptionAttributes' map, values as SNS returns them (strings). */
  attributes: Record<string, string>;
  targets: SubscriptionTargets;
  /** Tags that stand for the ownership verdict (see ownership.ts). */
  ownerTags: Record<string, string>;
  /** sqs: whether the queue exists and its policy lets the topic send. */
  queue?: { exists: boolean; allowsTopic: boolean };
}

/** Attribute changes, in the order they must be made. */
export interface SubscriptionDelta extends Delta {
  /** [name, value] pairs: one SetSubscriptionAttributes call each. */
  attributes: [string, string][];
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isEmptyPolicy(text: string | undefined): boolean {
  const v = parseJson(text);
  return text === undefined || text === '' || (v !== null && typeof v === 'object' && Object.keys(v).length === 0);
}

/** The RedrivePolicy attribute value for a dead-letter queue ARN. */
export function redrivePolicyJson(deadLetterTargetArn: string): string {
  return JSON.stringify({ deadLetterTargetArn });
}

/**
 * Compare by meaning. A Subscription's spec is the whole truth about its subscription: a filter
 * policy or dead-letter queue removed from the spec is removed in SNS (""), unlike the Queue and
 * Topic kinds, which leave unset attributes to AWS — the subscription exists only through its
 * object.
 *
 * NOTE: SNS validates a FilterPolicy against the FilterPolicyScope in force, so the scope goes
 * first when moving to MessageBody (whose policies may nest) and last when moving back to
 * MessageAttributes (a nested policy would be refused under it).
 */
export function subscriptionDelta(desired: SubscriptionDesired, observed: SubscriptionObserved): SubscriptionDelta {
  const a = observed.attributes;
  const out: [string, string][] = [];
  const raw = String(desired.rawMessageDelivery);
  if ((a.RawMessageDelivery ?? 'false').toLowerCase() !== raw) out.push(['RawMessageDelivery', raw]);

  const filter: [string, string][] = [];
  if (desired.filterPolicy) {
    if (!sameJson(parseJson(a.FilterPolicy), desired.filterPolicy)) filter.push(['FilterPolicy', JSON.stringify(desired.filterPolicy)]);
    if ((a.FilterPolicyScope ?? 'MessageAttributes') !== desired.filterPolicyScope) {
      if (desired.filterPolicyScope === 'MessageBody') filter.unshift(['FilterPolicyScope', desired.filterPolicyScope]);
      else filter.push(['FilterPolicyScope', desired.filterPolicyScope]);
    }
  } else if (!isEmptyPolicy(a.FilterPolicy)) {
    filter.push(['FilterPolicy', '']);
  }
  out.push(...filter);

  const want = observed.targets.redrivePolicy;
  if (want !== undefined) {
    const have = parseJson(a.RedrivePolicy) as { deadLetterTargetArn?: string } | undefined;
    if (have?.deadLetterTargetArn !== (JSON.parse(want) as { deadLetterTargetArn: string }).deadLetterTargetArn) out.push(['RedrivePolicy', want]);
  } else if (a.RedrivePolicy) {
    out.push(['RedrivePolicy', '']);
  }
  return { paths: out.map(([k]) => `attributes.${k}`), attributes: out };
}
