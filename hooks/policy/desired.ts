/** Pure: a Policy's spec → the desired IAM managed policy. */
import { InvalidSpecError } from '../core/errors.js';
import type { DesiredInput } from '../core/kind.js';
import { ownerTags } from '../core/ownership.js';
import { validateUserTags } from '../shared/tags.js';
import { iamPath, policyNameFor } from '../iam-common/names.js';
import { checkPolicyDocument } from '../iam-common/documents.js';
import type { PolicyDocument, PolicySpec, PolicyStatus } from '../../schemas/policy.js';

/** IAM's limit on a managed policy document: 6,144 characters, whitespace not counted. */
export const MANAGED_POLICY_MAX_CHARS = 6144;

/** The desired IAM managed policy. */
export interface PolicyDesired {
  policyName: string;
  /** The IAM path, `/<prefix>/`. */
  path: string;
  document: PolicyDocument;
  description?: string;
  /** User tags. */
  tags: Record<string, string>;
  /** Owner tags (DESIGN.md §3.3). */
  ownerTags: Record<string, string>;
  adopt: boolean;
  deletionPolicy: 'Delete' | 'Retain';
}

/** Pure: the desired policy. Throws InvalidSpecError (no AWS call is made then). */
export function desiredPolicy(input: DesiredInput<PolicySpec, PolicyStatus>): PolicyDesired {
  const { spec, config, owner, finalizing } = input;
  // While finalizing a policy that may exist, a spec made invalid since must not block deletion.
  const checks = !(finalizing && input.parent.status?.arn);
  if (checks) {
    checkPolicyDocument(spec.document, 'spec.document', MANAGED_POLICY_MAX_CHARS);
    if (spec.description !== undefined && /[^\t\n\r\x20-\x7E\xA1-\xFF]/.test(spec.description)) {
      throw new InvalidSpecError('spec.description: only printable ASCII and Latin-1 characters are allowed by IAM');
    }
  }
  return {
    policyName: policyNameFor(config.namePrefix, owner.namespace, owner.name),
    path: iamPath(config.namePrefix),
    document: spec.document,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    tags: checks ? validateUserTags(spec.tags) : { ...(spec.tags ?? {}) },
    ownerTags: ownerTags(owner),
    adopt: spec.adopt,
    deletionPolicy: spec.deletionPolicy,
  };
}
