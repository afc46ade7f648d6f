/**
 * Pure: the IAM policy a Policy may own, found without a valid spec (finalize of a spec that no
 * longer validates). Its name is derived from namespace and name alone; the ARN in status is only
 * a hint readOne checks. Finalize deletes it only when its owner tags name the parent.
 */
import type { OrphanInput } from '../core/kind.js';
import { ownerTags } from '../core/ownership.js';
import { iamPath, legacyPolicyName, policyNameFor } from '../iam-common/names.js';
import type { PolicyStatus } from '../../schemas/policy.js';
import type { PolicyDesired } from './desired.js';

/** A policy's identity in AWS. */
export function policyKey(desired: Pick<PolicyDesired, 'path' | 'policyName'>): string {
  return `${desired.path}${desired.policyName}`;
}

/** The derived policy: enough of a desired state for readOne and delete. */
export function policyOrphanCandidates(input: OrphanInput<PolicyStatus>): PolicyDesired[] {
  const { config, owner } = input;
  const policyName = policyNameFor(config.namePrefix, owner.namespace, owner.name);
  const legacy = legacyPolicyName(config.namePrefix, owner.namespace, owner.name);
  return [
    {
      policyName,
      // Read first the derived name, then the pre-token one; deleted only when the owner tags name this parent.
      name: { name: policyName, claimable: false, ...(legacy !== policyName ? { legacy } : {}) },
      path: iamPath(config.namePrefix),
      document: { Version: '2012-10-17', Statement: [] },
      tags: {},
      ownerTags: ownerTags(owner),
      adopt: false,
      deletionPolicy: input.deletionPolicy === 'Retain' ? 'Retain' : 'Delete',
    },
  ];
}
