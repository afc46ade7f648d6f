/** Pure: a Role's spec (plus related Policies and config) → the desired IAM role. */
import { isTrue } from '../core/conditions.js';
import { InvalidSpecError, WaitError } from '../core/errors.js';
import { hashOf } from '../core/hash.js';
import type { DesiredInput } from '../core/kind.js';
import { ownerTags } from '../core/ownership.js';
import { validateUserTags } from '../shared/tags.js';
import { checkPolicyDocument, documentSize } from '../iam-common/documents.js';
import { iamPath, IAM_NAME_PATTERN, isAllowedManagedPolicy, roleNameFor } from '../iam-common/names.js';
import type { PolicyDocument, PolicyStatus } from '../../schemas/policy.js';
import type { RoleSpec, RoleStatus } from '../../schemas/role.js';
import { trustPolicy } from './trust.js';

/** Related-object key of Policies (Metacontroller's "<Kind>.<group>/<version>"). */
export const POLICY_RELATED_KEY = 'Policy.iam.awshooks.dev/v1alpha1';
/** IAM's limit on the inline policies of a role, together, whitespace not counted. */
export const INLINE_POLICIES_MAX_CHARS = 10240;
/** IAM's hard limit of managed policies per role (the default quota is 10). */
export const MAX_ATTACHED_POLICIES = 20;
/** How often a Role waiting for a Policy looks again (related changes also re-trigger sync). */
export const DEPENDENCY_WAIT_SECONDS = 15;
/** Kubernetes object names (DNS subdomain). */
const K8S_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** The desired IAM role. */
export interface RoleDesired {
  roleName: string;
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
  /** Every managed policy to attach (Policies' ARNs and allowed ARNs), sorted, unique. */
  managedPolicyArns: string[];
  inlinePolicies: Record<string, PolicyDocument>;
  /** Hash of each inline document, kept in status to tell which ones were applied. */
  inlinePolicyHashes: Record<string, string>;
  tags: Record<string, string>;
  ownerTags: Record<string, string>;
  adopt: boolean;
  deletionPolicy: 'Delete' | 'Retain';
}

/** The Policy ARNs a Role's spec.policies name, read from related objects of its own namespace only. */
export function resolvePolicies(names: readonly string[], namespace: string, related: DesiredInput<unknown, RoleStatus>['related']): string[] {
  const byKey = related[POLICY_RELATED_KEY] ?? {};
  return names.map((name, i) => {
    if (name.includes('/')) {
      throw new InvalidSpecError(`spec.policies[${i}]: "${name}" names another namespace; a Role may only use Policies of its own namespace "${namespace}"`);
    }
    if (!K8S_NAME.test(name)) throw new InvalidSpecError(`spec.policies[${i}]: "${name}" is not a valid object name`);
    // Only the Role's own namespace is looked at, whatever else `related` holds.
    const policy = byKey[`${namespace}/${name}`];
    if (!policy || (policy.metadata.namespace !== undefined && policy.metadata.namespace !== namespace)) {
      throw new WaitError('DependencyNotReady', `waiting for Policy "${name}" in namespace "${namespace}" to exist`, DEPENDENCY_WAIT_SECONDS);
    }
    if (policy.metadata.deletionTimestamp) {
      throw new WaitError('DependencyNotReady', `Policy "${name}" is being deleted`, DEPENDENCY_WAIT_SECONDS);
    }
    const policyStatus = policy.status as PolicyStatus | undefined;
    const arn = policyStatus?.arn;
    if (!arn || !isTrue(policyStatus.conditions, 'Ready')) {
      const ready = policyStatus?.conditions?.find((c) => c.type === 'Ready');
      const why = ready && ready.status !== 'True' ? ` (it is ${ready.reason}: ${ready.message})` : '';
      throw new WaitError('DependencyNotReady', `waiting for Policy "${name}" to be Ready${why}`, DEPENDENCY_WAIT_SECONDS);
    }
    return arn;
  });
}

/** Check the spec's managed policy ARNs against the admin's allow-list. */
export function checkManagedPolicyArns(arns: readonly string[], allowList: readonly string[]): void {
  arns.forEach((arn, i) => {
    if (!isAllowedManagedPolicy(arn, allowList)) {
      const allowed = allowList.length ? allowList.join(', ') : 'none (ALLOWED_MANAGED_POLICY_ARNS is empty)';
      throw new InvalidSpecError(`spec.managedPolicyArns[${i}]: "${arn}" is not allowed by the cluster admin; allowed patterns: ${allowed}`);
    }
  });
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
  if (!input.finalizing) return complete(input, baseOf(input, false));
  const base = baseOf(input, true);
  try {
    return complete(input, base);
  } catch {
    return { ...base, managedPolicyArns: [], inlinePolicies: {}, inlinePolicyHashes: {} };
  }
}

type RoleBase = Omit<RoleDesired, 'trustPolicy' | 'managedPolicyArns' | 'inlinePolicies' | 'inlinePolicyHashes'>;

/** The names and settings that need neither related objects nor the OIDC configuration. */
function baseOf(input: DesiredInput<RoleSpec, RoleStatus>, finalizing: boolean): RoleBase {
  const { spec, config, owner, parent } = input;
  const namespace = owner.namespace;
  const serviceAccountName = spec.serviceAccountName ?? parent.metadata.name;
  if (!finalizing && (!K8S_NAME.test(serviceAccountName) || serviceAccountName.length > 253)) {
    throw new InvalidSpecError(`spec.serviceAccountName: "${serviceAccountName}" is not a valid ServiceAccount name (no ':' or '/')`);
  }
  return {
    roleName: roleNameFor(config.namePrefix, namespace, owner.name),
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
  checkManagedPolicyArns(spec.managedPolicyArns ?? [], config.allowedManagedPolicyArns);
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
  const trust = trustPolicy(config, namespace, base.serviceAccountName);
  const managedPolicyArns = [...new Set([...resolvePolicies(spec.policies ?? [], namespace, input.related), ...(spec.managedPolicyArns ?? [])])].sort();
  if (managedPolicyArns.length > MAX_ATTACHED_POLICIES) {
    throw new InvalidSpecError(`spec.policies + spec.managedPolicyArns: ${managedPolicyArns.length} policies; IAM attaches at most ${MAX_ATTACHED_POLICIES} to a role`);
  }
  return { ...base, trustPolicy: trust, managedPolicyArns, inlinePolicies, inlinePolicyHashes };
}
