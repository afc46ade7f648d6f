/** The `Role` kind: an IAM role for one service account of the Role's namespace (IRSA). */
import { childNameRules } from '../core/child-names.js';
import { kindNames, type KindDefinition } from '../core/kind.js';
import { AGE_COLUMN, CONDITION_COLUMNS } from '../../schemas/printer-columns.js';
import { IAM_TERMINAL_CODES } from '../iam-common/codes.js';
import { RoleSpecSchema, RoleStatusSchema, type RoleSpec, type RoleStatus } from '../../schemas/role.js';
import { roleManager } from './aws.js';
import { roleKey, roleOrphanCandidates } from './candidates.js';
import { roleDelta, type RoleObserved } from './delta.js';
import { desiredRole, POLICY_RELATED_KEY, type RoleDesired } from './desired.js';
import { roleChildren, roleStatus, roleWouldBeChildren } from './status.js';

export { POLICY_RELATED_KEY };

/**
 * IAM codes that need the user to act for a Role. NoSuchEntity outside readOne means an
 * ARN in spec.managedPolicyArns does not exist.
 */
const ROLE_TERMINAL_CODES: ReadonlySet<string> = new Set([...IAM_TERMINAL_CODES, 'NoSuchEntity']);

/** The Role kind definition. */
export const roleKind: KindDefinition<RoleSpec, RoleDesired, RoleObserved, RoleStatus> = {
  names: kindNames({ kind: 'Role', group: 'iam.awshooks.dev', version: 'v1alpha1', shortNames: ['iamrole', 'iamroles'] }),
  specSchema: RoleSpecSchema,
  statusSchema: RoleStatusSchema,
  printerColumns: [
    { name: 'ARN', type: 'string', jsonPath: '.status.roleArn', description: 'The role ARN' },
    { name: 'ServiceAccount', type: 'string', jsonPath: '.status.serviceAccountName', description: 'The service account that may assume the role' },
    ...CONDITION_COLUMNS,
    AGE_COLUMN,
  ],
  childResources: [{ apiVersion: 'v1', resource: 'serviceaccounts', kind: 'ServiceAccount', updateStrategy: 'InPlace' }],
  relatedResources: [
    { apiVersion: 'iam.awshooks.dev/v1alpha1', resource: 'policies' },
    { apiVersion: 'v1', resource: 'serviceaccounts' },
    { apiVersion: 'rds.awshooks.dev/v1alpha1', resource: 'dbinstances' },
  ],
  terminalCodes: ROLE_TERMINAL_CODES,
  // NOTE: IAM throttles account-wide at fixed rates that cannot be raised; a Role check costs 3 calls
  // (+1 DescribeDBInstances per DBInstance of spec.databaseAccess).
  driftCheckIntervalSeconds: 600,

  customize(parent) {
    const names = [...new Set(parent.spec.policies ?? [])].filter((n) => !n.includes('/'));
    const serviceAccountName = parent.spec.serviceAccountName ?? parent.metadata.name;
    const dbInstances = [...new Set((parent.spec.databaseAccess ?? []).map((a) => a.dbInstanceRef))].sort();
    return [
      // spec.databaseAccess: DBInstances of the Role's own namespace only.
      ...(dbInstances.length > 0
        ? [{ apiVersion: 'rds.awshooks.dev/v1alpha1', resource: 'dbinstances', namespace: parent.metadata.namespace ?? '', names: dbInstances }]
        : []),
      // Only the Role's own namespace (DESIGN.md §3.4).
      ...(names.length > 0 ? [{ apiVersion: 'iam.awshooks.dev/v1alpha1', resource: 'policies', namespace: parent.metadata.namespace ?? '', names }] : []),
      // The ServiceAccount's name, to see whether another object already holds it.
      ...childNameRules(parent, roleWouldBeChildren(serviceAccountName, (parent.spec.serviceAccount as { manage?: boolean } | undefined)?.manage ?? true)),
    ];
  },
  desired: desiredRole,
  resource: roleManager,
  tagsOf: (observed) => observed.tags,
  delta: (desired, observed, previous) => roleDelta(desired, observed, previous),
  status: (desired, observed) => roleStatus(desired, observed),
  children: roleChildren,
  existsPerStatus: (status) => Boolean(status?.roleArn),
  orphanCandidates: roleOrphanCandidates,
  resourceKey: roleKey,
  alreadyExistsCodes: new Set(['EntityAlreadyExists']),
};
