/** Pure: what differs between a desired and an observed topic. */
import type { Delta } from '../core/kind.js';
import { tagDelta } from '../core/ownership.js';
import { parsePolicyDocument, samePolicyDocument } from '../shared/policy-document.js';
import { sameJson } from '../sns-common/queue-access.js';
import type { TopicDesired } from './desired.js';

/** A topic as read from SNS. */
export interface TopicObserved {
  arn: string;
  /** GetTopicAttributes' map, values as SNS returns them (strings). */
  attributes: Record<string, string>;
  tags: Record<string, string>;
}

/** Attribute and tag changes to make. */
export interface TopicDelta extends Delta {
  /** Attributes to set, one SetTopicAttributes call each (SNS sets one at a time). */
  attributes: Record<string, string>;
  tagsToAdd: Record<string, string>;
  tagsToRemove: string[];
}

/** NOTE: SNS (and moto) return booleans as "true"/"false"; compare them case-insensitively. */
function sameValue(key: string, observed: string | undefined, desired: string): boolean {
  if (key === 'ContentBasedDeduplication') return (observed ?? 'false').toLowerCase() === desired.toLowerCase();
  return (observed ?? '') === desired;
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Compare by meaning: plain attributes as SNS's strings, the access policy as an IAM document,
 * the delivery policy as JSON content, tags only for keys we set (or set before).
 */
export function topicDelta(desired: TopicDesired, observed: TopicObserved, managedTagKeys: readonly string[] = []): TopicDelta {
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(desired.attributes)) {
    if (!sameValue(key, observed.attributes[key], value)) attributes[key] = value;
  }
  if (desired.policy && !samePolicyDocument(parsePolicyDocument(observed.attributes.Policy), desired.policy)) {
    attributes.Policy = JSON.stringify(desired.policy);
  }
  if (desired.deliveryPolicy && !sameJson(parseJson(observed.attributes.DeliveryPolicy), desired.deliveryPolicy)) {
    attributes.DeliveryPolicy = JSON.stringify(desired.deliveryPolicy);
  }
  const { toAdd, toRemove } = tagDelta({ ...desired.tags, ...desired.ownerTags }, observed.tags, managedTagKeys);
  const paths = [...Object.keys(attributes).map((k) => `attributes.${k}`), ...(Object.keys(toAdd).length || toRemove.length ? ['tags'] : [])];
  return { paths, attributes, tagsToAdd: toAdd, tagsToRemove: toRemove };
}
