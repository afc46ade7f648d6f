/** Pure: a Bucket's spec (plus config) → the desired S3 bucket. */
import { checkChildNames } from '../core/child-names.js';
import { bucketWouldBeChildren } from './status.js';
import { InvalidSpecError } from '../core/errors.js';
import type { DesiredInput } from '../core/kind.js';
import { ownerTags } from '../core/ownership.js';
import { checkResourcePolicy, grantsPublicAccess } from '../shared/resource-policy.js';
import { validateUserTags } from '../shared/tags.js';
import type { ResourcePolicyDocument } from '../../schemas/resource-policy.js';
import type { BucketSpec, BucketStatus, LifecycleRule } from '../../schemas/bucket.js';
import { checkLifecycleRules } from './lifecycle.js';
import { bucketArn, bucketNameFor, partitionOfRegion } from './names.js';

/** Largest bucket policy S3 accepts (20 KB). */
export const BUCKET_POLICY_MAX_CHARS = 20 * 1024;

/** The four public access block flags, as S3 names them. */
export interface PublicAccessBlock {
  BlockPublicAcls: boolean;
  IgnorePublicAcls: boolean;
  BlockPublicPolicy: boolean;
  RestrictPublicBuckets: boolean;
}

/** Default encryption as we manage it. */
export interface DesiredEncryption {
  algorithm: 'AES256' | 'aws:kms';
  kmsKeyId?: string;
  bucketKeyEnabled?: boolean;
}

/** The desired S3 bucket. Optional parts are managed only when set. */
export interface BucketDesired {
  region: string;
  bucketName: string;
  bucketArn: string;
  partition: string;
  versioning?: 'Enabled' | 'Suspended';
  encryption?: DesiredEncryption;
  publicAccessBlock: PublicAccessBlock;
  /** The complete rule set ([] = none); undefined = not managed. */
  lifecycleRules?: LifecycleRule[];
  policy?: ResourcePolicyDocument;
  tags: Record<string, string>;
  ownerTags: Record<string, string>;
  adopt: boolean;
  deletionPolicy: 'Delete' | 'Retain';
  /** Finalize reads only what deletion needs (the tags). */
  finalizing: boolean;
}

/** S3 only accepts policy resources of the bucket itself and its objects. */
function bucketResourceCheck(arn: string): (resource: string) => string | undefined {
  return (resource) => (resource === arn || resource.startsWith(`${arn}/`) ? undefined : `is not this bucket (${arn}) or its objects (${arn}/...)`);
}

function desiredEncryption(spec: BucketSpec): DesiredEncryption | undefined {
  const enc = spec.encryption;
  if (!enc) return undefined;
  if (enc.algorithm !== 'aws:kms' && enc.kmsKeyId !== undefined) throw new InvalidSpecError('spec.encryption.kmsKeyId: needs algorithm aws:kms');
  if (enc.algorithm !== 'aws:kms' && enc.bucketKeyEnabled !== undefined)
    throw new InvalidSpecError('spec.encryption.bucketKeyEnabled: needs algorithm aws:kms');
  return {
    algorithm: enc.algorithm,
    ...(enc.kmsKeyId !== undefined ? { kmsKeyId: enc.kmsKeyId } : {}),
    ...(enc.bucketKeyEnabled !== undefined ? { bucketKeyEnabled: enc.bucketKeyEnabled } : {}),
  };
}

/** Pure: the desired bucket. Throws InvalidSpecError (no AWS call is made then). */
export function desiredBucket(input: DesiredInput<BucketSpec, BucketStatus>): BucketDesired {
  const { spec, config, owner } = input;
  const bucketName = bucketNameFor(spec, config, owner);
  if (!input.finalizing)
    checkChildNames(bucketWouldBeChildren(input.parent.metadata.name), input.parent, input.children, input.related, 'rename this Bucket or the other object');
  const partition = partitionOfRegion(spec.region);
  const arn = bucketArn(partition, bucketName);
  const pab = spec.publicAccessBlock;
  const publicAccessBlock: PublicAccessBlock = {
    BlockPublicAcls: pab.blockPublicAcls,
    IgnorePublicAcls: pab.ignorePublicAcls,
    BlockPublicPolicy: pab.blockPublicPolicy,
    RestrictPublicBuckets: pab.restrictPublicBuckets,
  };
  if (spec.policy) {
    checkResourcePolicy(spec.policy, 'spec.policy', {
      actionPrefix: 's3',
      resourceRequired: true,
      checkResource: bucketResourceCheck(arn),
      maxChars: BUCKET_POLICY_MAX_CHARS,
    });
    const i = spec.policy.Statement.findIndex(grantsPublicAccess);
    if (i >= 0 && publicAccessBlock.BlockPublicPolicy) {
      throw new InvalidSpecError(
        `spec.policy.Statement[${i}]: grants public access, which S3 refuses while spec.publicAccessBlock.blockPublicPolicy is true; narrow the Principal or add a Condition, or turn blockPublicPolicy off`,
      );
    }
  }
  if (spec.lifecycleRules) checkLifecycleRules(spec.lifecycleRules);
  const tags = validateUserTags(spec.tags);
  return {
    region: spec.region,
    bucketName,
    bucketArn: arn,
    partition,
    ...(spec.versioning ? { versioning: spec.versioning } : {}),
    ...(spec.encryption ? { encryption: desiredEncryption(spec) } : {}),
    publicAccessBlock,
    ...(spec.lifecycleRules ? { lifecycleRules: spec.lifecycleRules } : {}),
    ...(spec.policy ? { policy: spec.policy } : {}),
    tags,
    ownerTags: ownerTags(owner),
    adopt: spec.adopt,
    deletionPolicy: spec.deletionPolicy,
    finalizing: input.finalizing,
  };
}

/** What decides whether AWS must be visited: everything but the finalize flag. */
export function bucketFingerprint(desired: BucketDesired): unknown {
  const { finalizing: _finalizing, ...rest } = desired;
  return rest;
}
