/** Pure: what differs between a desired and an observed queue. */
import type { Delta } from '../core/kind.js';
import { tagDelta } from '../core/ownership.js';
import type { QueueDesired } from './desired.js';
import { wantedQueuePolicy } from './sns-sources.js';

/** A queue as read from SQS. */
export interface QueueObserved {
  url: string;
  /**
   * The queue's name, when it may differ from the desired one (readOne sets it: the legacy name
   * a queue created before the namespace token keeps).
   */
  name?: string;
  attributes: Record<string, string>;
  tags: Record<string, string>;
}

/** Attribute and tag changes to make. */
export interface QueueDelta extends Delta {
  /** Attributes to set with one SetQueueAttributes call. */
  attributes: Record<string, string>;
  tagsToAdd: Record<string, string>;
  tagsToRemove: string[];
}

/** The RedrivePolicy attribute value we want. */
export function redrivePolicyJson(redrive: { deadLetterTargetArn: string; maxReceiveCount: number }): string {
  return JSON.stringify({ deadLetterTargetArn: redrive.deadLetterTargetArn, maxReceiveCount: redrive.maxReceiveCount });
}

function sameRedrive(observed: string | undefined, desired: { deadLetterTargetArn: string; maxReceiveCount: number }): boolean {
  if (!observed) return false;
  try {
    const o = JSON.parse(observed) as { deadLetterTargetArn?: string; maxReceiveCount?: number | string };
    // NOTE: SQS returns maxReceiveCount as a number; some emulators return a string.
    return o.deadLetterTargetArn === desired.deadLetterTargetArn && Number(o.maxReceiveCount) === desired.maxReceiveCount;
  } catch {
    return false;
  }
}

/**
 * Compare by meaning: attributes as SQS's strings, the policy as an IAM document (with the SNS
 * statements the queue's Subscriptions need), the redrive
 * policy by its two fields, tags only for keys we set (or set before: `managedTagKeys`).
 */
export function queueDelta(desired: QueueDesired, observed: QueueObserved, managedTagKeys: readonly string[] = []): QueueDelta {
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(desired.attributes)) {
    if (observed.attributes[key] !== value) attributes[key] = value;
  }
  // spec.policy plus one statement per SNS topic that delivers here (sns-sources.ts).
  const policy = wantedQueuePolicy(desired, observed);
  if (policy !== undefined) attributes.Policy = policy;
  if (desired.redrive && !sameRedrive(observed.attributes.RedrivePolicy, desired.redrive)) {
    attributes.RedrivePolicy = redrivePolicyJson(desired.redrive);
  }
  const { toAdd, toRemove } = tagDelta({ ...desired.tags, ...desired.ownerTags }, observed.tags, managedTagKeys);
  const paths = [...Object.keys(attributes).map((k) => `attributes.${k}`), ...(Object.keys(toAdd).length || toRemove.length ? ['tags'] : [])];
  return { paths, attributes, tagsToAdd: toAdd, tagsToRemove: toRemove };
}
