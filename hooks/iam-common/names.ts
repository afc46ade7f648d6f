/** Pure: IAM names, paths and ARNs derived from the configuration and the parent. */
import type { HooksConfig } from '../core/config.js';
import { globMatch } from '../core/name-scope.js';
import { deriveName, namespaceNamePrefix, scopedName, underscoreNamespaceToken, type NameScheme } from '../core/naming.js';

/** IAM managed policy names: at most 128 characters of [\w+=,.@-]. */
export const POLICY_NAME_MAX = 128;
/** IAM role names: at most 64 characters of [\w+=,.@-]. */
export const ROLE_NAME_MAX = 64;
/** Characters IAM does not allow in role and policy names (and inline policy names). */
export const IAM_INVALID_NAME_CHARS = /[^\w+=,.@-]/g;
/** The name rule of inline policy names. */
export const IAM_NAME_PATTERN = /^[\w+=,.@-]{1,128}$/;

/** The IAM path every role and policy we create lives under: `/<prefix>/`. */
export function iamPath(prefix: string): string {
  return `/${prefix}/`;
}

/**
 * How IAM writes names: the namespace with `-` as `_` (no Kubernetes name has `_`), the object
 * name as it is (IAM allows `.`), cut to `maxLength` with a hash suffix.
 */
export function iamNameScheme(maxLength: number): NameScheme {
  return {
    maxLength,
    namespaceToken: underscoreNamespaceToken,
    objectPart: (name) => {
      const text = name.replace(IAM_INVALID_NAME_CHARS, '-');
      return { text, lossless: text === name };
    },
  };
}

/** The IAM policy name of a Policy: `<prefix>-<namespace token>-<name>`, cut to 128 with a hash suffix. */
export function policyNameFor(prefix: string, namespace: string, name: string): string {
  return scopedName(prefix, namespace, name, iamNameScheme(POLICY_NAME_MAX));
}

/** The IAM role name of a Role: `<prefix>-<namespace token>-<name>`, cut to 64 with a hash suffix. */
export function roleNameFor(prefix: string, namespace: string, name: string): string {
  return scopedName(prefix, namespace, name, iamNameScheme(ROLE_NAME_MAX));
}

/** The policy name the pre-token scheme derived (ambiguous); kept for migration. */
export function legacyPolicyName(prefix: string, namespace: string, name: string): string {
  return deriveName([prefix, namespace, name], { maxLength: POLICY_NAME_MAX, invalidChars: IAM_INVALID_NAME_CHARS });
}

/** The role name the pre-token scheme derived (ambiguous); kept for migration. */
export function legacyRoleName(prefix: string, namespace: string, name: string): string {
  return deriveName([prefix, namespace, name], { maxLength: ROLE_NAME_MAX, invalidChars: IAM_INVALID_NAME_CHARS });
}

/** Where a namespace's IAM names start: `<prefix>-<namespace token>-`. */
export function iamNamespacePrefix(prefix: string, namespace: string): string {
  return namespaceNamePrefix(prefix, namespace, iamNameScheme(POLICY_NAME_MAX));
}

/** The partition of an ARN (`aws`, `aws-cn`, `aws-us-gov`), or undefined. */
export function partitionOfArn(arn: string | undefined): string | undefined {
  return arn?.match(/^arn:(aws[a-z-]*):/)?.[1];
}

/**
 * The partition to build ARNs in, from the configured ARNs (the OIDC provider and the
 * boundary live in the cluster's own partition); `aws` when none is configured.
 */
export function configuredPartition(config: HooksConfig): string {
  return partitionOfArn(config.oidcProviderArn) ?? partitionOfArn(config.permissionsBoundaryArn) ?? 'aws';
}

/** The ARN of a customer-managed policy. */
export function policyArn(partition: string, accountId: string, path: string, policyName: string): string {
  return `arn:${partition}:iam::${accountId}:policy${path}${policyName}`;
}

/**
 * Glob match of an ARN against the admin's allow-list: `*` matches any run of characters
 * (slashes included), every other character matches itself.
 */
export function globMatches(pattern: string, value: string): boolean {
  return globMatch(pattern, value);
}

/** True when `arn` matches one of the allow-list patterns. An empty list allows nothing. */
export function isAllowedManagedPolicy(arn: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => globMatches(p, arn));
}
