/** Pure: a Role's spec (plus related Policies and config) → the desired IAM role. */
import { checkChildNames } from '../core/child-names.js';
import { InvalidSpecError, WaitError } from '../core/errors.js';
import { hashOf } from '../core/hash.js';
import type { DesiredInput } from '../core/kind.js';
import { allowedByAdmin, chooseName, parseArn, type NameChoice } from '../core/name-scope.js';
import { ownerTags } from '../core/ownership.js';
import type { HooksConfig } from '../core/config.js';
import type { KubeObject } from '../core/types.js';
import { validateUserTags } from '../shared/tags.js';
import { defaultInstanceIdentifier } from '../shared/rds-names.js';
import { checkPolicyDocument, documentSize } from '../iam-common/documents.js';
import {
  iamNamespacePrefix,
  iamPath,
  IAM_NAME_PATTERN,
  isAllowedManagedPolicy,
  legacyPolicyName,
  legacyRoleName,
  policyArn,
  policyNameFor,
  roleNameFor,
} from '../iam-common/names.js';
import type { PolicyDocument } from '../../schemas/policy.js';
import type { RoleSpec, RoleStatus } from '../../schemas/role.js';
import { roleWouldBeChildren } from './status.js';
import { trustPolicy } from './trust.js';

/** Related-object key of Policies (Metacontroller's "<Kind>.<group>/<version>"). */
export const POLICY_RELATED_KEY = 'Policy.iam.awshooks.dev/v1alpha1';
/** Key of related DBInstances (spec.databaseAccess). */
export const DBINSTANCE_RELATED_KEY = 'DBInstance.rds.awshooks.dev/v1alpha1';
/** The inline policy that carries spec.databaseAccess. */
export const DATABASE_ACCESS_POLICY = 'awshooks-database-access';

/** One DBInstance user the role may log in as with an IAM token. */
export interface DatabaseAccess {
  dbInstance: string;
  user: string;
  /** The instance identifier read in RDS (its owner tags must name the DBInstance). */
  identifier: string;
  region: string;
}

/**
 * Pure: spec.databaseAccess against the related DBInstances of the namespace. A DBInstance not
 * seen yet is a wait; a user that is not an iamAuth user of it is InvalidSpec.
 */
export function resolveDatabaseAccess(input: DesiredInput<RoleSpec, RoleStatus>): DatabaseAccess[] {
  const { spec, config, owner, related } = input;
  const out = new Map<string, DatabaseAccess>();
  for (const [i, item] of (spec.databaseAccess ?? []).entries()) {
    const obj = related[DBINSTANCE_RELATED_KEY]?.[`${owner.namespace}/${item.dbInstanceRef}`] as
      { spec?: { region?: unknown; instanceIdentifier?: unknown; users?: Record<string, unknown> } } | undefined;
    if (!obj) {
      throw new WaitError(
        'DependencyNotReady',
        `spec.databaseAccess[${i}]: DBInstance "${item.dbInstanceRef}" in namespace "${owner.namespace}" not found yet`,
        DEPENDENCY_WAIT_SECONDS,
      );
    }
    const roles = obj.spec?.users?.[item.user];
    if (!Array.isArray(roles) || !roles.includes('iamAuth')) {
      throw new InvalidSpecError(`spec.databaseAccess[${i}]: "${item.user}" is not an iamAuth user of DBInstance "${item.dbInstanceRef}"`);
    }
    const region = typeof obj.spec?.region === 'string' ? obj.spec.region : config.defaultRegion;
    const custom = obj.spec?.instanceIdentifier;
    // A custom identifier from the DBInstance's spec is only a hint: aws.ts checks the owner tags.
    const identifier = typeof custom === 'string' ? custom : defaultInstanceIdentifier(config.namePrefix, owner.namespace, item.dbInstanceRef);
    out.set(`${item.dbInstanceRef}/${item.user}`, { dbInstance: item.dbInstanceRef, user: item.user, identifier, region });
  }
  return [...out.values()].sort((a, b) => `${a.dbInstance}/${a.user}`.localeCompare(`${b.dbInstance}/${b.user}`));
}
/** IAM's limit on the inline policies of a role, together, whitespace not counted. */
export const INLINE_POLICIES_MAX_CHARS = 10240;
/** IAM's hard limit of managed policies per role (the default quota is 10). */
export const MAX_ATTACHED_POLICIES = 20;
/** How often a Role waiting for a Policy looks again (related changes also re-trigger sync). */
export const DEPENDENCY_WAIT_SECONDS = 15;
/** Kubernetes object names (DNS subdomain). */
const K8S_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * A Policy of the Role's namespace to attach, by its IAM name under our path. The ARN is derived
 * (account of the role + path + name), never read from the Policy's status (DESIGN.md §3.4).
 */
export interface PolicyRef {
  /** The Policy object's name. */
  ref: string;
  /** Its IAM policy name: the derived one, or the legacy one its status reports. */
  policyName: string;
  /**
   * The legacy name (which another namespace's object may have derived too): attached only once
   * the IAM policy's owner tags name this Policy.
   */
  verifyOwner: boolean;
}

/** The desired IAM role. */
export interface RoleDesired {
  /** The derived role name (`name.name`): the only one ever created. */
  roleName: string;
  /** How names are used: the derived one, and the legacy one a role created before the namespace token keeps. */
  name: NameChoice;
  /** The IAM path, `/<prefix>/`. */
  path: string;
  namespace: string;
  serviceAccountName: string;
  manageServiceAccount: boolean;
  /** Undefined only while finalizing without an OIDC configuration (not needed to delete). */
  trustPolicy?: Record<string, unknown>;
  maxSessionDuration: number;
  description?: string;
  permissionsBoundaryArn?: string;
  /** spec.managedPolicyArns: ARNs the admin allowed, sorted, unique. */
  managedPolicyArns: string[];
  /**
   * Those of managedPolicyArns under our IAM path but outside this namespace's names (and not
   * allowed by ALLOWED_AWS_NAMES): attached only once their owner tags name a Policy of this namespace.
   */
  managedPolicyArnsToVerify: string[];
  /** spec.policies: this namespace's Policies. */
  policyRefs: PolicyRef[];
  inlinePolicies: Record<string, PolicyDocument>;
  /** Hash of each inline document, kept in status to tell which ones were applied. */
  inlinePolicyHashes: Record<string, string>;
  /**
   * spec.databaseAccess: DBInstance users of this namespace. Their `rds-db:connect` statement needs
   * the instance's resource ID, which only RDS tells: aws.ts adds it to `inlinePolicies` under
   * {@link DATABASE_ACCESS_POLICY} once it has read the instance and checked its owner tags.
   */
  databaseAccess: DatabaseAccess[];
  tags: Record<string, string>;
  ownerTags: Record<string, string>;
  adopt: boolean;
  deletionPolicy: 'Delete' | 'Retain';
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The Policies a Role's spec.policies name, from related objects of its own namespace only. The
 * related Policy is read for one thing: whether it is Ready (and so created); its status — which
 * anyone who may write policies/status can set — never supplies an ARN. The IAM name is derived;
 * only a legacy name (a policy created before the namespace token) is taken from status, and is
 * then verified against the IAM policy's owner tags before it is attached.
 */
export function resolvePolicyRefs(
  names: readonly string[],
  namespace: string,
  related: DesiredInput<unknown, RoleStatus>['related'],
  config: HooksConfig,
): PolicyRef[] {
  const byKey = related[POLICY_RELATED_KEY] ?? {};
  return names.map((name, i) => {
    if (name.includes('/')) {
      throw new InvalidSpecError(`spec.policies[${i}]: "${name}" names another namespace; a Role may only use Policies of its own namespace "${namespace}"`);
    }
    if (!K8S_NAME.test(name)) throw new InvalidSpecError(`spec.policies[${i}]: "${name}" is not a valid object name`);
    // Only the Role's own namespace is looked at, whatever else `related` holds.
    const policy = byKey[`${namespace}/${name}`];
    if (!policy || ((policy.metadata as KubeObject['metadata'] | undefined)?.namespace !== undefined && policy.metadata.namespace !== namespace)) {
      throw new WaitError('DependencyNotReady', `waiting for Policy "${name}" in namespace "${namespace}" to exist`, DEPENDENCY_WAIT_SECONDS);
    }
    if (policy.metadata.deletionTimestamp) {
      throw new WaitError('DependencyNotReady', `Policy "${name}" is being deleted`, DEPENDENCY_WAIT_SECONDS);
    }
    const status = isObject(policy.status) ? policy.status : {};
    const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isObject) : [];
    const ready = conditions.find((c) => c.type === 'Ready');
    if (typeof status.arn !== 'string' || ready?.status !== 'True') {
      const why = ready && ready.status !== 'True' ? ` (it is ${String(ready.reason)}: ${String(ready.message)})` : '';
      throw new WaitError('DependencyNotReady', `waiting for Policy "${name}" to be Ready${why}`, DEPENDENCY_WAIT_SECONDS);
    }
    const derived = policyNameFor(config.namePrefix, namespace, name);
    const legacy = legacyPolicyName(config.namePrefix, namespace, name);
    if (legacy !== derived && status.policyName === legacy) return { ref: name, policyName: legacy, verifyOwner: true };
    return { ref: name, policyName: derived, verifyOwner: false };
  });
}

/**
 * Check the spec's managed policy ARNs: each must match the admin's allow-list
 * (ALLOWED_MANAGED_POLICY_ARNS), and one under awshooks' own IAM path — a Policy of some
 * namespace — must be in this namespace's names or allowed for it by ALLOWED_AWS_NAMES; any
 * other is returned, to be attached only once its owner tags show a Policy of this namespace.
 * No allow-list pattern can hand a namespace another namespace's Policy.
 */
export function checkManagedPolicyArns(arns: readonly string[], config: HooksConfig, namespace: string): { toVerify: string[] } {
  const allowList = config.allowedManagedPolicyArns;
  const ourPath = `:policy${iamPath(config.namePrefix)}`;
  const toVerify: string[] = [];
  arns.forEach((arn, i) => {
    if (!isAllowedManagedPolicy(arn, allowList)) {
      const allowed = allowList.length ? allowList.join(', ') : 'none (ALLOWED_MANAGED_POLICY_ARNS is empty)';
      throw new InvalidSpecError(`spec.managedPolicyArns[${i}]: "${arn}" is not allowed by the cluster admin; allowed patterns: ${allowed}`);
    }
    const at = arn.indexOf(ourPath);
    if (at < 0) return;
    const policyName = arn.slice(at + ourPath.length);
    const own = policyName.startsWith(iamNamespacePrefix(config.namePrefix, namespace));
    if (!own && !allowedByAdmin(config.allowedAwsNames, namespace, arn, policyName)) toVerify.push(arn);
  });
  return { toVerify: [...new Set(toVerify)].sort() };
}

/** Every ARN a desired role attaches, for a role in `partition`/`account` (from its own ARN). */
export function attachedArnsFor(desired: Pick<RoleDesired, 'managedPolicyArns' | 'policyRefs' | 'path'>, roleArn: string): string[] {
  const parts = parseArn(roleArn);
  if (!parts) throw new Error(`not a role ARN: ${roleArn}`);
  const refs = desired.policyRefs.map((r) => policyArn(parts.partition, parts.account, desired.path, r.policyName));
  return [...new Set([...refs, ...desired.managedPolicyArns])].sort();
}

/**
 * Pure: the desired role. Throws InvalidSpecError, TerminalError(NotConfigured) or
 * WaitError(DependencyNotReady); no AWS call is made then.
 *
 * While finalizing only the role's name matters: a missing dependency, an invalid reference or
 * a missing configuration never blocks the deletion. This holds even when status shows no role:
 * CreateRole may have succeeded before an attachment failed (the status then keeps no ARN), and
 * skipping AWS would leave that role behind. It costs one GetRole for a Role never created.
 */
export function desiredRole(input: DesiredInput<RoleSpec, RoleStatus>): RoleDesired {
  if (!input.finalizing) {
    const base = baseOf(input, false);
    checkChildNames(
      roleWouldBeChildren(base.serviceAccountName, base.manageServiceAccount),
      input.parent,
      input.children,
      input.related,
      'choose another serviceAccountName, or set serviceAccount.manage: false and annotate the existing ServiceAccount yourself',
    );
    return complete(input, base);
  }
  const base = baseOf(input, true);
  try {
    // Deleting needs no database access: never wait for (or fail on) a DBInstance then.
    return { ...complete({ ...input, spec: { ...input.spec, databaseAccess: [] } }, base), databaseAccess: [] };
  } catch {
    return { ...base, managedPolicyArns: [], managedPolicyArnsToVerify: [], policyRefs: [], inlinePolicies: {}, inlinePolicyHashes: {}, databaseAccess: [] };
  }
}

type RoleBase = Omit<
  RoleDesired,
  'trustPolicy' | 'managedPolicyArns' | 'managedPolicyArnsToVerify' | 'policyRefs' | 'inlinePolicies' | 'inlinePolicyHashes' | 'databaseAccess'
>;

/** The names and settings that need neither related objects nor the OIDC configuration. */
function baseOf(input: DesiredInput<RoleSpec, RoleStatus>, finalizing: boolean): RoleBase {
  const { spec, config, owner, parent } = input;
  const namespace = owner.namespace;
  const serviceAccountName = spec.serviceAccountName ?? parent.metadata.name;
  if (!finalizing && (!K8S_NAME.test(serviceAccountName) || serviceAccountName.length > 253)) {
    throw new InvalidSpecError(`spec.serviceAccountName: "${serviceAccountName}" is not a valid ServiceAccount name (no ':' or '/')`);
  }
  const name = chooseName({
    derived: roleNameFor(config.namePrefix, namespace, owner.name),
    legacy: legacyRoleName(config.namePrefix, namespace, owner.name),
    ownPrefix: iamNamespacePrefix(config.namePrefix, namespace),
    namespace,
    allow: config.allowedAwsNames,
  });
  return {
    roleName: name.name,
    name,
    path: iamPath(config.namePrefix),
    namespace,
    serviceAccountName,
    manageServiceAccount: spec.serviceAccount.manage,
    maxSessionDuration: spec.maxSessionDuration,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    ...(config.permissionsBoundaryArn ? { permissionsBoundaryArn: config.permissionsBoundaryArn } : {}),
    tags: finalizing ? { ...(spec.tags ?? {}) } : validateUserTags(spec.tags),
    ownerTags: ownerTags(owner),
    adopt: spec.adopt,
    deletionPolicy: spec.deletionPolicy,
  };
}

/** Everything else: the allow-list, inline documents, the trust policy, the Policies' ARNs. */
function complete(input: DesiredInput<RoleSpec, RoleStatus>, base: RoleBase): RoleDesired {
  const { spec, config } = input;
  const namespace = base.namespace;
  const { toVerify } = checkManagedPolicyArns(spec.managedPolicyArns ?? [], config, namespace);
  const inlinePolicies = spec.inlinePolicies ?? {};
  const inlinePolicyHashes: Record<string, string> = {};
  for (const [name, document] of Object.entries(inlinePolicies)) {
    if (!IAM_NAME_PATTERN.test(name)) {
      throw new InvalidSpecError(`spec.inlinePolicies: "${name}" is not a valid policy name (1-128 of letters, digits and +=,.@_-)`);
    }
    checkPolicyDocument(document, `spec.inlinePolicies.${name}`, INLINE_POLICIES_MAX_CHARS);
    inlinePolicyHashes[name] = hashOf(document);
  }
  const inlineSize = Object.values(inlinePolicies).reduce((n, d) => n + documentSize(d), 0);
  if (inlineSize > INLINE_POLICIES_MAX_CHARS) {
    throw new InvalidSpecError(`spec.inlinePolicies: together ${inlineSize} characters; IAM allows ${INLINE_POLICIES_MAX_CHARS} per role`);
  }
  if (DATABASE_ACCESS_POLICY in inlinePolicies) {
    throw new InvalidSpecError(`spec.inlinePolicies: "${DATABASE_ACCESS_POLICY}" is awshooks' own policy for spec.databaseAccess`);
  }
  const databaseAccess = resolveDatabaseAccess(input);
  const trust = trustPolicy(config, namespace, base.serviceAccountName);
  const managedPolicyArns = [...new Set(spec.managedPolicyArns ?? [])].sort();
  const policyRefs = [...new Map(resolvePolicyRefs(spec.policies ?? [], namespace, input.related, config).map((r) => [r.ref, r])).values()].sort((a, b) =>
    a.ref.localeCompare(b.ref),
  );
  const count = policyRefs.length + managedPolicyArns.length;
  if (count > MAX_ATTACHED_POLICIES) {
    throw new InvalidSpecError(`spec.policies + spec.managedPolicyArns: ${count} policies; IAM attaches at most ${MAX_ATTACHED_POLICIES} to a role`);
  }
  return {
    ...base,
    trustPolicy: trust,
    managedPolicyArns,
    managedPolicyArnsToVerify: toVerify,
    policyRefs,
    // Copies: aws.ts adds the database-access policy to these.
    inlinePolicies: { ...inlinePolicies },
    inlinePolicyHashes,
    databaseAccess,
  };
}
