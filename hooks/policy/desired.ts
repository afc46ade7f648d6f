/** Pure: a Policy's spec → the desired IAM managed policy. */
import { InvalidSpecError } from '../core/errors.js';
import type { DesiredInput } from '../core/kind.js';
import { ownerTags } from '../core/ownership.js';
import { validateUserTags } from '../shared/tags.js';
import { chooseName, type NameChoice } from '../core/name-scope.js';
import { iamNamespacePrefix, iamPath, legacyPolicyName, policyNameFor } from '../iam-common/names.js';
import { checkPolicyDocument } from '../iam-common/documents.js';
import type { PolicyDocument, PolicySpec, PolicyStatus } from '../../schemas/policy.js';

/** IAM's limit on a managed policy document: 6,144 characters, whitespace not counted. */
export const MANAGED_POLICY_MAX_CHARS = 6144;

/** The desired IAM managed policy. */
export interface PolicyDesired {
  /** The derived policy name (`name.name`): the only one ever created. */
  policyName: string;
  /** How names are used: the derived one, and the legacy one a policy created before the namespace token keeps. */
  name: NameChoice;
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
  const name = chooseName({
    derived: policyNameFor(config.namePrefix, owner.namespace, owner.name),
    legacy: legacyPolicyName(config.namePrefix, owner.namespace, owner.name),
    ownPrefix: iamNamespacePrefix(config.namePrefix, owner.namespace),
    namespace: owner.namespace,
    allow: config.allowedAwsNames,
  });
  return {
    policyName: name.name,
    name,
    path: iamPath(config.namePrefix),
    document: spec.document,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    tags: checks ? validateUserTags(spec.tags) : { ...(spec.tags ?? {}) },
    ownerTags: ownerTags(owner),
    adopt: spec.adopt,
    deletionPolicy: spec.deletionPolicy,
  };
}
