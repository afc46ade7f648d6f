/** Pure: what differs between a desired and an observed bucket, sub-resource by sub-resource. */
import type { LifecycleRule as S3LifecycleRule } from '@aws-sdk/client-s3';
import type { Delta } from '../core/kind.js';
import { sameKmsKey } from '../shared/kms.js';
import { tagDelta } from '../core/ownership.js';
import { withoutKeys } from '../shared/tags.js';
import { sameResourcePolicy } from '../shared/resource-policy.js';
import type { BucketStatus } from '../../schemas/bucket.js';
import type { BucketDesired, DesiredEncryption, PublicAccessBlock } from './desired.js';
import { sameLifecycleRules } from './lifecycle.js';

/** Optional configurations awshooks removes again when they leave the spec. */
export type ManagedConfiguration = 'lifecycle' | 'policy';

/**
 * A bucket as read from S3. S3 has one call per sub-resource, so only some are read at a drift
 * check (see `subresourcesToRead`): a field is undefined when it was not read, `null` when S3
 * says there is none.
 */
export interface BucketObserved {
  tags: Record<string, string>;
  /** `Off`: versioning was never enabled. */
  versioning?: 'Enabled' | 'Suspended' | 'Off';
  encryption?: DesiredEncryption | null;
  publicAccessBlock?: PublicAccessBlock;
  lifecycleRules?: S3LifecycleRule[];
  policy?: unknown;
}

/** Writes to make, one S3 call each. */
export interface BucketDelta extends Delta {
  /** The complete tag set to put (S3 replaces the whole set): foreign tags kept. */
  tagSet?: Record<string, string>;
  versioning?: 'Enabled' | 'Suspended';
  encryption?: DesiredEncryption;
  publicAccessBlock?: PublicAccessBlock;
  lifecycle?: 'put' | 'delete';
  policy?: 'put' | 'delete';
}

/** Which sub-resources a sync reads: the ones the spec manages, plus the ones it managed before. */
export interface SubresourceReads {
  versioning: boolean;
  encryption: boolean;
  publicAccessBlock: boolean;
  lifecycle: boolean;
  policy: boolean;
}

/**
 * The reads of a drift check. Tags are always read (existence and ownership before any write);
 * the public access block is always managed (on by default); the others only when the spec
 * sets them, or when awshooks applied them before and must remove them.
 */
export function subresourcesToRead(desired: BucketDesired, previous: BucketStatus | undefined): SubresourceReads {
  const before = previous?.bucketName === desired.bucketName ? (previous.managedConfigurations ?? []) : [];
  return {
    versioning: desired.versioning !== undefined,
    encryption: desired.encryption !== undefined,
    publicAccessBlock: true,
    lifecycle: desired.lifecycleRules !== undefined || before.includes('lifecycle'),
    policy: desired.policy !== undefined || before.includes('policy'),
  };
}

/** The optional configurations this desired state applies. */
export function managedConfigurations(desired: BucketDesired): ManagedConfiguration[] {
  return [...(desired.lifecycleRules !== undefined ? (['lifecycle'] as const) : []), ...(desired.policy !== undefined ? (['policy'] as const) : [])];
}

function sameEncryption(desired: DesiredEncryption, observed: DesiredEncryption | null | undefined): boolean {
  if (!observed) return false;
  if (desired.algorithm !== observed.algorithm) return false;
  if (desired.algorithm === 'aws:kms' && !sameKmsKey(desired.kmsKeyId, observed.kmsKeyId)) return false;
  // NOTE: S3 omits BucketKeyEnabled when false.
  if (desired.bucketKeyEnabled !== undefined && desired.bucketKeyEnabled !== (observed.bucketKeyEnabled ?? false)) return false;
  return true;
}

function samePublicAccessBlock(a: PublicAccessBlock, b: PublicAccessBlock | undefined): boolean {
  return b !== undefined && (Object.keys(a) as (keyof PublicAccessBlock)[]).every((k) => a[k] === b[k]);
}

/**
 * Compare by meaning, only what was read: tags for keys we set (or set before), versioning
 * (never-enabled counts as Suspended), encryption, the public access block, lifecycle rules and
 * the policy (IAM-document semantics). Configurations awshooks applied before and that left
 * the spec are removed.
 */
export function bucketDelta(desired: BucketDesired, observed: BucketObserved, previous: BucketStatus | undefined): BucketDelta {
  const delta: BucketDelta = { paths: [] };
  const managedKeys = previous?.bucketName === desired.bucketName ? (previous.managedTagKeys ?? []) : [];
  const { toAdd, toRemove } = tagDelta({ ...desired.tags, ...desired.ownerTags }, observed.tags, managedKeys);
  if (Object.keys(toAdd).length > 0 || toRemove.length > 0) {
    delta.tagSet = withoutKeys({ ...observed.tags, ...toAdd }, toRemove);
    delta.paths.push('tags');
  }
  if (desired.versioning && observed.versioning !== undefined) {
    const current = observed.versioning === 'Off' ? 'Suspended' : observed.versioning;
    if (current !== desired.versioning) {
      delta.versioning = desired.versioning;
      delta.paths.push('versioning');
    }
  }
  if (desired.encryption && observed.encryption !== undefined && !sameEncryption(desired.encryption, observed.encryption)) {
    delta.encryption = desired.encryption;
    delta.paths.push('encryption');
  }
  if (observed.publicAccessBlock !== undefined && !samePublicAccessBlock(desired.publicAccessBlock, observed.publicAccessBlock)) {
    delta.publicAccessBlock = desired.publicAccessBlock;
    delta.paths.push('publicAccessBlock');
  }
  if (observed.lifecycleRules !== undefined) {
    if (desired.lifecycleRules === undefined || desired.lifecycleRules.length === 0) {
      if (observed.lifecycleRules.length > 0) delta.lifecycle = 'delete';
    } else if (!sameLifecycleRules(desired.lifecycleRules, observed.lifecycleRules)) {
      delta.lifecycle = 'put';
    }
    if (delta.lifecycle) delta.paths.push('lifecycleRules');
  }
  if (observed.policy !== undefined) {
    if (desired.policy === undefined) {
      if (observed.policy !== null) delta.policy = 'delete';
    } else if (!sameResourcePolicy(desired.policy, observed.policy, desired.partition)) {
      delta.policy = 'put';
    }
    if (delta.policy) delta.paths.push('policy');
  }
  return delta;
}
