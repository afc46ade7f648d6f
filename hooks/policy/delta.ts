/** Pure: what differs between a desired and an observed IAM policy. */
import type { Delta } from '../core/kind.js';
import { tagDelta } from '../core/ownership.js';
import { samePolicyDocument } from '../shared/policy-document.js';
import type { PolicyDesired } from './desired.js';

/** An IAM managed policy as read (GetPolicy + GetPolicyVersion of the default version). */
export interface PolicyObserved {
  arn: string;
  policyName: string;
  path: string;
  defaultVersionId: string;
  attachmentCount: number;
  /** The default version's document, parsed (URL-decoded). */
  document: unknown;
  description?: string;
  tags: Record<string, string>;
}

/** The changes to make. */
export interface PolicyDelta extends Delta {
  /** A new default version is needed. */
  document: boolean;
  tagsToAdd: Record<string, string>;
  tagsToRemove: string[];
}

/**
 * Compare by meaning: the document as an IAM document (statement order, string vs list, key
 * order ignored), tags only for keys we set (or set before: `managedTagKeys`). The description
 * is immutable in IAM and not compared.
 */
export function policyDelta(desired: PolicyDesired, observed: PolicyObserved, managedTagKeys: readonly string[] = []): PolicyDelta {
  const document = !samePolicyDocument(desired.document, observed.document);
  const { toAdd, toRemove } = tagDelta({ ...desired.tags, ...desired.ownerTags }, observed.tags, managedTagKeys);
  const paths = [...(document ? ['document'] : []), ...(Object.keys(toAdd).length || toRemove.length ? ['tags'] : [])];
  return { paths, document, tagsToAdd: toAdd, tagsToRemove: toRemove };
}
