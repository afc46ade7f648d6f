/**
 * Pure: the SNS subscription a Subscription may own, found without a valid spec (finalize of a
 * spec that no longer validates). SNS subscriptions carry no tags: the topic ARN and endpoint that
 * status recorded are only lookup hints, as when the Topic or Queue object is gone (desired.ts).
 * The I/O code takes a hint only for a topic of our account whose name this spec could have
 * resolved to, re-reads the subscription in SNS and proves ownership from the topic's or the
 * queue's owner tags (ownership.ts): status never is proof.
 */
import type { OrphanInput } from '../core/kind.js';
import { isRegion, plainString } from '../shared/candidates.js';
import { defaultTopicName, parseArn } from '../sns-common/names.js';
import type { SubscriptionStatus } from '../../schemas/subscription.js';
import type { Protocol, SubscriptionDesired } from './desired.js';

const PROTOCOLS: readonly Protocol[] = ['sqs', 'https', 'email', 'lambda'];

function isProtocol(value: string | undefined): value is Protocol {
  return (PROTOCOLS as readonly string[]).includes(value ?? '');
}

/** The topic names a hint may carry: what the raw spec's topicRef or topicArn could resolve to. */
function topicNames(input: OrphanInput<SubscriptionStatus>): string[] {
  const { rawSpec, config, owner } = input;
  const names: string[] = [];
  const arn = parseArn(plainString(rawSpec, 'topicArn'));
  if (arn?.service === 'sns') names.push(arn.resource);
  const ref = plainString(rawSpec, 'topicRef');
  if (ref !== undefined && ref !== '') {
    for (const fifo of [false, true]) {
      try {
        names.push(defaultTopicName(config.namePrefix, owner.namespace, ref, fifo));
      } catch {
        // No name derivable from this ref: nothing to look for under it.
      }
    }
  }
  return names;
}

/**
 * The one subscription status points at, when it records a topic ARN and the protocol (from
 * status, else the raw spec) is one awshooks manages; none otherwise (then finalize of an invalid
 * spec ends only under Retain, as for a kind without candidates).
 */
export function subscriptionOrphanCandidates(input: OrphanInput<SubscriptionStatus>): SubscriptionDesired[] {
  const { rawSpec, status } = input;
  const topicArn = plainString(status, 'topicArn');
  if (topicArn === undefined) return [];
  const fromSpec = plainString(rawSpec, 'queueRef') !== undefined ? 'sqs' : plainString(rawSpec, 'protocol');
  const statusProtocol = plainString(status, 'protocol');
  const protocol = isProtocol(statusProtocol) ? statusProtocol : fromSpec;
  if (!isProtocol(protocol)) return [];
  const endpoint = plainString(status, 'endpoint') ?? (protocol === 'sqs' ? undefined : plainString(rawSpec, 'endpoint'));
  if (endpoint === undefined) return [];
  if (!isRegion(parseArn(topicArn)?.region)) return [];
  return [
    {
      protocol,
      // sqs endpoints are resolved from the hint (an SQS ARN of our account); others are used as they are.
      ...(protocol === 'sqs' ? {} : { endpoint }),
      rawMessageDelivery: false,
      filterPolicyScope: 'MessageAttributes',
      hints: { topicArn, endpoint, topicNames: topicNames(input) },
      finalizing: true,
      adopt: false,
      deletionPolicy: input.deletionPolicy === 'Retain' ? 'Retain' : 'Delete',
    },
  ];
}
