/**
 * Pure: S3 bucket names. Bucket names are global across every AWS account and DNS-shaped; a
 * derived name must satisfy every S3 rule, and a custom one must stay inside the parent's
 * namespace's names (DESIGN.md §3.3).
 */
import type { HooksConfig } from '../core/config.js';
import { InvalidSpecError } from '../core/errors.js';
import { shortHash } from '../core/hash.js';
import { deriveName } from '../core/naming.js';
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
 * The default bucket name: <prefix>-<namespace>-<name>, cut to 63 characters with a hash suffix.
 * Kubernetes names may hold dots and end in a suffix S3 reserves (`-s3alias`): a name with a
 * replaced character, or one that would break an S3 rule, gets the hash suffix too (a hash
 * ends in a hex digit, which no reserved suffix does).
 * @throws InvalidSpecError when no valid name can be derived (a NAME_PREFIX S3 reserves).
 */
export function defaultBucketName(prefix: string, namespace: string, name: string): string {
  const parts = [prefix, namespace, name];
  let bucket = deriveName(parts, { maxLength: S3_NAME_MAX, invalidChars: /[^a-z0-9-]/g });
  // A replaced character (a dot) would make "a.b" and "a-b" the same bucket: hash those too.
  const replaced = parts.some((p) => /[^a-z0-9-]/.test(p));
  if (replaced || s3NameProblem(bucket) !== undefined) {
    const hash = shortHash(parts.join('/'), 8);
    const joined = parts.filter((p) => p.length > 0).join('-').replace(/[^a-z0-9-]/g, '-');
    bucket = `${joined.slice(0, S3_NAME_MAX - hash.length - 1).replace(/-+$/, '')}-${hash}`;
  }
  const problem = s3NameProblem(bucket);
  if (problem) throw new InvalidSpecError(`the derived bucket name "${bucket}" ${problem}; set spec.bucketName, or ask the administrator to change NAME_PREFIX`);
  return bucket;
}

/**
 * Whether a custom bucket name stays inside the parent's namespace's names: it must start with
 * `<prefix>-<namespace>-`, as derived names do, so that a namespace can neither reach another
 * namespace's buckets nor take the names they derive. The one place this rule lives for buckets.
 */
export function bucketNameInNamespace(bucketName: string, config: HooksConfig, owner: Owner): string | undefined {
  const required = `${config.namePrefix}-${owner.namespace}-`;
  return bucketName.startsWith(required) ? undefined : `must start with "${required}" (a Bucket may only use its own namespace's names)`;
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
