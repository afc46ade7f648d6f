/** Pure: what differs between a desired and an observed IAM role. */
import type { Delta } from '../core/kind.js';
import { tagDelta } from '../core/ownership.js';
import { samePolicyDocument } from '../shared/policy-document.js';
import { attachedArnsFor, type RoleDesired } from './desired.js';

/** An IAM role as read: GetRole + ListAttachedRolePolicies + ListRolePolicies. */
export interface RoleObserved {
  arn: string;
  roleName: string;
  path: string;
  /** The trust policy, parsed (IAM returns it URL-encoded). */
  trustPolicy: unknown;
  maxSessionDuration: number;
  description?: string;
  permissionsBoundaryArn?: string;
  tags: Record<string, string>;
  attachedPolicyArns: string[];
  inlinePolicyNames: string[];
}

/** The changes to make, by sub-resource. */
export interface RoleDelta extends Delta {
  trustPolicy: boolean;
  /** UpdateRole: max session duration and/or description. */
  roleSettings: boolean;
  /** PutRolePermissionsBoundary. */
  permissionsBoundary: boolean;
  policiesToAttach: string[];
  policiesToDetach: string[];
  inlineToPut: string[];
  inlineToDelete: string[];
  tagsToAdd: Record<string, string>;
  tagsToRemove: string[];
}

/**
 * Compare by meaning. The trust policy is compared after URL-decoding what IAM returns, so an
 * update is never repeated endlessly. Managed attachments and inline policy names are synced
 * both ways (the role is ours; extra grants are removed). Inline documents cannot be read in
 * the drift check's three calls: one is (re)written when it is missing or when its hash
 * differs from the one status recorded when awshooks last wrote it. The boundary is put back
 * when configured, never removed. Tags: only keys we set (or set before).
 */
export function roleDelta(
  desired: RoleDesired,
  observed: RoleObserved,
  previous: { managedTagKeys?: string[]; inlinePolicyHashes?: Record<string, string> } | undefined,
): RoleDelta {
  const trust = desired.trustPolicy !== undefined && !samePolicyDocument(observed.trustPolicy, desired.trustPolicy);
  const roleSettings =
    observed.maxSessionDuration !== desired.maxSessionDuration || (desired.description !== undefined && (observed.description ?? '') !== desired.description);
  const permissionsBoundary = desired.permissionsBoundaryArn !== undefined && observed.permissionsBoundaryArn !== desired.permissionsBoundaryArn;
  const attached = new Set(observed.attachedPolicyArns);
  // Policies of this namespace are attached by ARN derived in the role's own account.
  const wantedArns = attachedArnsFor(desired, observed.arn);
  const wanted = new Set(wantedArns);
  const policiesToAttach = wantedArns.filter((a) => !attached.has(a));
  const policiesToDetach = [...attached].filter((a) => !wanted.has(a)).sort();
  const inlineNames = new Set(observed.inlinePolicyNames);
  const applied = previous?.inlinePolicyHashes ?? {};
  const inlineToPut = Object.keys(desired.inlinePolicies)
    .filter((name) => !inlineNames.has(name) || applied[name] !== desired.inlinePolicyHashes[name])
    .sort();
  const inlineToDelete = observed.inlinePolicyNames.filter((name) => !(name in desired.inlinePolicies)).sort();
  const { toAdd, toRemove } = tagDelta({ ...desired.tags, ...desired.ownerTags }, observed.tags, previous?.managedTagKeys ?? []);
  const paths = [
    ...(trust ? ['trustPolicy'] : []),
    ...(roleSettings ? ['maxSessionDuration/description'] : []),
    ...(permissionsBoundary ? ['permissionsBoundary'] : []),
    ...(policiesToAttach.length || policiesToDetach.length ? ['managedPolicies'] : []),
    ...(inlineToPut.length || inlineToDelete.length ? ['inlinePolicies'] : []),
    ...(Object.keys(toAdd).length || toRemove.length ? ['tags'] : []),
  ];
  return {
    paths,
    trustPolicy: trust,
    roleSettings,
    permissionsBoundary,
    policiesToAttach,
    policiesToDetach,
    inlineToPut,
    inlineToDelete,
    tagsToAdd: toAdd,
    tagsToRemove: toRemove,
  };
}
