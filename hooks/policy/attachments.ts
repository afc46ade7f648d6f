/** Pure: what finalize may detach, and what blocks the deletion of a policy. */
import { OWNER_TAGS } from '../core/ownership.js';

/** Who a policy is attached to (ListEntitiesForPolicy), with each role's tags. */
export interface PolicyAttachments {
  roles: { roleName: string; tags: Record<string, string> }[];
  users: string[];
  groups: string[];
}

/** The finalize plan. */
export interface DetachPlan {
  /** Roles we own: detach the policy from them. */
  detachFromRoles: string[];
  /** Attachments we must not touch, described for the condition message. */
  blockers: string[];
}

/**
 * A role is ours to detach from when its owner tags name a Role of our cluster: whatever
 * the namespace, since the Role CR that uses this Policy lives in the Policy's namespace.
 * Users, groups and other roles are somebody else's: they block the deletion.
 */
export function planDetach(attachments: PolicyAttachments, clusterName: string): DetachPlan {
  const detachFromRoles: string[] = [];
  const blockers: string[] = [];
  for (const role of [...attachments.roles].sort((a, b) => a.roleName.localeCompare(b.roleName))) {
    const ours = role.tags[OWNER_TAGS.cluster] === clusterName && role.tags[OWNER_TAGS.kind] === 'Role';
    if (ours) detachFromRoles.push(role.roleName);
    else blockers.push(`role ${role.roleName}`);
  }
  for (const user of [...attachments.users].sort()) blockers.push(`user ${user}`);
  for (const group of [...attachments.groups].sort()) blockers.push(`group ${group}`);
  return { detachFromRoles, blockers };
}
