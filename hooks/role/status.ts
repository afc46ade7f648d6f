/** Pure: a Role's status fields and its ServiceAccount child. */
import { withoutForeignChildren, type WouldBeChild } from '../core/child-names.js';
import type { ChildrenInput } from '../core/kind.js';
import type { KubeObject } from '../core/types.js';
import { childLabels } from '../shared/child-labels.js';
import type { RoleSpec, RoleStatus } from '../../schemas/role.js';
import type { RoleObserved } from './delta.js';
import type { RoleDesired } from './desired.js';

/** The annotation EKS's pod identity webhook reads. */
export const ROLE_ARN_ANNOTATION = 'eks.amazonaws.com/role-arn';

/** The kind's status fields from what IAM reported (after any update). */
export function roleStatus(desired: RoleDesired, observed: RoleObserved): RoleStatus {
  const names = new Set(observed.inlinePolicyNames);
  // Only hashes of documents present on the role: those awshooks wrote (or confirmed by hash).
  const inlinePolicyHashes = Object.fromEntries(Object.entries(desired.inlinePolicyHashes).filter(([name]) => names.has(name)));
  return {
    roleArn: observed.arn,
    roleName: observed.roleName,
    attachedPolicyArns: [...observed.attachedPolicyArns].sort(),
    inlinePolicyNames: [...observed.inlinePolicyNames].sort(),
    inlinePolicyHashes,
    serviceAccountName: desired.serviceAccountName,
    serviceAccountAnnotation: `${ROLE_ARN_ANNOTATION}: ${observed.arn}`,
    // Present even when undefined, so that a boundary gone from IAM does not linger from the previous status.
    permissionsBoundaryArn: observed.permissionsBoundaryArn,
    managedTagKeys: Object.keys(desired.tags).sort(),
  };
}

/** Whether the ServiceAccount is the Role's child: unless spec.serviceAccount.manage is false. */
function managesServiceAccount(spec: Partial<RoleSpec> | undefined): boolean {
  return spec?.serviceAccount?.manage !== false;
}

/** The children a Role answers (by name), for the customize hook and the collision check. */
export function roleWouldBeChildren(serviceAccountName: string, manage: boolean): WouldBeChild[] {
  return manage ? [{ apiVersion: 'v1', resource: 'serviceaccounts', kind: 'ServiceAccount', name: serviceAccountName }] : [];
}

/**
 * The ServiceAccount, annotated with the role ARN, once the ARN is known and when
 * spec.serviceAccount.manage is true. Computed from status and spec only: never throws.
 */
export function roleChildren(input: ChildrenInput<RoleSpec, RoleStatus, RoleDesired>): KubeObject[] {
  const { status, parent, spec } = input;
  // Without a valid spec, the raw one: anything may be there.
  const manage = managesServiceAccount(spec ?? parent.spec);
  if (!manage || !status.roleArn) return [];
  const name = status.serviceAccountName ?? spec?.serviceAccountName ?? parent.metadata.name;
  // A ServiceAccount another object holds (another Role, a Helm chart) is left out: desired()
  // reports the Conflict, and Metacontroller could never create it anyway.
  return withoutForeignChildren(
    [
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name, labels: childLabels('Role', parent.metadata.name), annotations: { [ROLE_ARN_ANNOTATION]: status.roleArn } },
      },
    ],
    parent,
    input.children,
    input.related,
  );
}
