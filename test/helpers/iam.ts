/** IAM fixtures shared by the IAM tests. */

/** Seed 002's policy document: read one S3 bucket. */
export const s3Read = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AllowExampleBucket',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:ListBucket', 's3:GetObjectVersion'],
      Resource: ['arn:aws:s3:::example-bucket/*', 'arn:aws:s3:::example-bucket'],
    },
  ],
};

import { DEFAULT_HOOKS_CONFIG, type HooksConfig } from '../../hooks/core/config.js';
import type { DesiredInput } from '../../hooks/core/kind.js';
import { validateSpec } from '../../hooks/core/spec-validation.js';
import type { ObjectMap, Owner, Parent } from '../../hooks/core/types.js';
import { POLICY_RELATED_KEY } from '../../hooks/role/desired.js';
import { PolicySpecSchema, type PolicySpec, type PolicyStatus } from '../../schemas/policy.js';
import { RoleSpecSchema, type RoleSpec, type RoleStatus } from '../../schemas/role.js';

/** The cluster's OIDC issuer. */
export const OIDC_ISSUER = 'oidc.eks.eu-west-1.amazonaws.com/id/ABC123';

/** The cluster's OIDC provider. */
export const OIDC_ARN = `arn:aws:iam::123456789012:oidc-provider/${OIDC_ISSUER}`;

/** Hooks configuration with an OIDC provider and a managed-policy allow-list. */
export const iamConfig: HooksConfig = {
  ...DEFAULT_HOOKS_CONFIG,
  oidcProviderArn: OIDC_ARN,
  oidcIssuer: OIDC_ISSUER,
  allowedManagedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::123456789012:policy/shared/*'],
};

/** A one-statement policy document. */
export const policyDoc = (action: string | string[] = 's3:GetObject', resource: string | string[] = '*') => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: action, Resource: resource }],
});

/** Catch what a function throws (tap's t.throws typing does not take our error fields). */
export function thrown(fn: () => unknown): (Error & { reason?: string }) | undefined {
  try {
    fn();
  } catch (err) {
    return err as Error & { reason?: string };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------- Policy
export const policyOwner: Owner = { cluster: 'default', namespace: 'default', name: 'ddd', uid: 'uid-ddd', kind: 'Policy' };

/** The desired-state input of a Policy spec (schema defaults applied, as the core does). */
export function policyInput(spec: Record<string, unknown>): DesiredInput<PolicySpec, PolicyStatus> {
  const full = validateSpec<PolicySpec>(PolicySpecSchema, spec);
  const parent = {
    apiVersion: 'iam.awshooks.dev/v1alpha1',
    kind: 'Policy',
    metadata: { name: 'ddd', namespace: 'default', uid: 'uid-ddd' },
    spec: full,
  } as Parent<PolicySpec, PolicyStatus>;
  return { parent, spec: full, children: {}, related: {}, config: iamConfig, owner: policyOwner, finalizing: false, now: new Date() };
}

// ------------------------------------------------------------------------------------ Role
export const roleOwner: Owner = { cluster: 'default', namespace: 'default', name: 'fff', uid: 'uid-fff', kind: 'Role' };

/** A Policy object that is Ready, as customize hands it to a Role. */
export const readyPolicy = (name: string, namespace = 'default', status: Record<string, unknown> = {}) => ({
  apiVersion: 'iam.awshooks.dev/v1alpha1',
  kind: 'Policy',
  metadata: { name, namespace },
  spec: {},
  status: {
    arn: `arn:aws:iam::123456789012:policy/awshooks/awshooks-${namespace}-${name}`,
    conditions: [{ type: 'Ready', status: 'True', reason: 'Available', message: 'Policy is ready', lastTransitionTime: '2026-01-01T00:00:00Z' }],
    ...status,
  },
});

/** Related objects holding these Policies, keyed as customize does. */
export const relatedPolicies = (...policies: ReturnType<typeof readyPolicy>[]): ObjectMap => ({
  [POLICY_RELATED_KEY]: Object.fromEntries(policies.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p])),
});

/** The desired-state input of a Role spec (schema defaults applied, as the core does). */
export function roleInput(
  spec: Record<string, unknown>,
  rel: ObjectMap = {},
  cfg: HooksConfig = iamConfig,
  finalizing = false,
): DesiredInput<RoleSpec, RoleStatus> {
  const full = validateSpec<RoleSpec>(RoleSpecSchema, spec);
  const parent = {
    apiVersion: 'iam.awshooks.dev/v1alpha1',
    kind: 'Role',
    metadata: { name: 'fff', namespace: 'default', uid: 'uid-fff' },
    spec: full,
  } as Parent<RoleSpec, RoleStatus>;
  return { parent, spec: full, children: {}, related: rel, config: cfg, owner: roleOwner, finalizing, now: new Date() };
}
