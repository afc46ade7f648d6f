/**
 * Pure: the IAM role a Role may own, found without a valid spec (finalize of a spec that no
 * longer validates). Its name is derived from namespace and name alone. Finalize deletes it only
 * when its owner tags name the parent.
 */
import type { OrphanInput } from '../core/kind.js';
import { ownerTags } from '../core/ownership.js';
import { iamPath, legacyRoleName, roleNameFor } from '../iam-common/names.js';
import type { RoleStatus } from '../../schemas/role.js';
import type { RoleDesired } from './desired.js';

/** A role's identity in AWS (role names are unique in an account, whatever the path). */
export function roleKey(desired: Pick<RoleDesired, 'roleName'>): string {
  return desired.roleName;
}

/** The derived role: enough of a desired state for readOne and delete. */
export function roleOrphanCandidates(input: OrphanInput<RoleStatus>): RoleDesired[] {
  const { config, owner } = input;
  const roleName = roleNameFor(config.namePrefix, owner.namespace, owner.name);
  const legacy = legacyRoleName(config.namePrefix, owner.namespace, owner.name);
  return [
    {
      roleName,
      // Read first the derived name, then the pre-token one; deleted only when the owner tags name this parent.
      name: { name: roleName, claimable: false, ...(legacy !== roleName ? { legacy } : {}) },
      path: iamPath(config.namePrefix),
      namespace: owner.namespace,
      serviceAccountName: owner.name,
      manageServiceAccount: false,
      maxSessionDuration: 3600,
      managedPolicyArns: [],
      managedPolicyArnsToVerify: [],
      policyRefs: [],
      inlinePolicies: {},
      inlinePolicyHashes: {},
      databaseAccess: [],
      tags: {},
      ownerTags: ownerTags(owner),
      adopt: false,
      deletionPolicy: input.deletionPolicy === 'Retain' ? 'Retain' : 'Delete',
    },
  ];
}
