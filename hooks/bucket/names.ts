/**
 * Pure: S3 bucket names. Bucket names are global across every AWS account and DNS-shaped; a
 * derived name must satisfy every S3 rule, and a custom one must stay inside the parent's
 * namespace's names (DESIGN.md §3.3).
 */
import type { HooksConfig } from '../core/config.js';
import { InvalidSpecError } from '../core/errors.js';
import { digitEscapedNamespaceToken, inNamespaceNames, namespaceNamePrefix, scopedName, type NameScheme } from '../core/naming.js';
import { allowedByAdmin } from '../core/name-scope.js';
import type { Owner } from '../core/types.js';

/** S3's length limits of general purpose bucket names. */
export const S3_NAME_MIN = 3;
/** Longest bucket name. */
export const S3_NAME_MAX = 63;

/** Prefixes and suffixes S3 reserves (access point aliases, directory and table buckets, examples). */
const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '--x-s3', '--table-s3', '.mrap'];

/**
 * What is wrong with a bucket name under S3's rules for general purpose buckets, or undefined.
 * We also refuse dots (allowed by S3): they break TLS with virtual-hosted addressing.
 */
export function s3NameProblem(name: string): string | undefined {
  if (name.length < S3_NAME_MIN || name.length > S3_NAME_MAX) return `must be ${S3_NAME_MIN}-${S3_NAME_MAX} characters`;
  if (!/^[a-z0-9-]+$/.test(name)) return 'may only contain lower-case letters, digits and hyphens';
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return 'must begin and end with a letter or a digit';
  const prefix = RESERVED_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) return `must not begin with "${prefix}" (reserved by S3)`;
  const suffix = RESERVED_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix) return `must not end with "${suffix}" (reserved by S3)`;
  return undefined;
}

/**
 * How S3 writes the names awshooks derives: only lower-case letters, digits, `-` and `.` (dots
 * refused here, see s3NameProblem), so the namespace token escapes with digits like RDS's
 * (`team-a` → `team01a`, core/naming.ts). An object name with a dot, or one that would end in a
 * suffix S3 reserves (`-s3alias`), is not written as it is: it gets a hash suffix (a hash ends in
 * a hex digit, which no reserved suffix does).
 */
export const S3_NAME_SCHEME: NameScheme = {
  maxLength: S3_NAME_MAX,
  namespaceToken: digitEscapedNamespaceToken,
  objectPart: (name) => {
    const text = name.replace(/[^a-z0-9-]/g, '-');
    return { text, lossless: text === name && !RESERVED_SUFFIXES.some((suffix) => text.endsWith(suffix)) };
  },
};

/**
 * The default bucket name: `<prefix>-<namespace token>-<name>`, cut to 63 characters with a hash
 * suffix (core/naming.ts).
 * @throws InvalidSpecError when no valid name can be derived (a NAME_PREFIX S3 reserves).
 */
export function defaultBucketName(prefix: string, namespace: string, name: string): string {
  const bucket = scopedName(prefix, namespace, name, S3_NAME_SCHEME);
  const problem = s3NameProblem(bucket);
  if (problem)
    throw new InvalidSpecError(`the derived bucket name "${bucket}" ${problem}; set spec.bucketName, or ask the administrator to change NAME_PREFIX`);
  return bucket;
}

/**
 * Whether a custom bucket name stays inside the parent's namespace's names
 * (`<prefix>-<namespace token>-…`, as derived names are) or the administrator allowed it for the
 * namespace (ALLOWED_AWS_NAMES, by name or ARN), so that a namespace can neither reach another
 * namespace's buckets nor take the names they derive. The one place this rule lives for buckets.
 */
export function bucketNameInNamespace(bucketName: string, config: HooksConfig, owner: Owner): string | undefined {
  if (inNamespaceNames(bucketName, config.namePrefix, owner.namespace, S3_NAME_SCHEME)) return undefined;
  if (allowedByAdmin(config.allowedAwsNames, owner.namespace, bucketName, bucketArn('aws', bucketName))) return undefined;
  const required = namespaceNamePrefix(config.namePrefix, owner.namespace, S3_NAME_SCHEME);
  return `must start with "${required}" (a Bucket may only use its own namespace's names unless the administrator allowed it in ALLOWED_AWS_NAMES)`;
}

/** The bucket name a spec asks for, checked against S3's rules and the namespace rule. */
export function bucketNameFor(spec: { bucketName?: string | undefined }, config: HooksConfig, owner: Owner): string {
  if (spec.bucketName === undefined) return defaultBucketName(config.namePrefix, owner.namespace, owner.name);
  const problem = s3NameProblem(spec.bucketName) ?? bucketNameInNamespace(spec.bucketName, config, owner);
  if (problem) throw new InvalidSpecError(`spec.bucketName: "${spec.bucketName}" ${problem}`);
  return spec.bucketName;
}

/** The AWS partition of a region (bucket ARNs carry no region or account, only the partition). */
export function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** The bucket's ARN. */
export function bucketArn(partition: string, bucketName: string): string {
  return `arn:${partition}:s3:::${bucketName}`;
}
