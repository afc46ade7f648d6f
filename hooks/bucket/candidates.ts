/**
 * Pure: the S3 buckets a Bucket may own, found without a valid spec (finalize of a spec that no
 * longer validates). Finalize reads each (tags only, with our account as ExpectedBucketOwner) and
 * deletes only those whose owner tags name the parent; it never deletes objects.
 */
import type { OrphanInput } from '../core/kind.js';
import { ownerTags } from '../core/ownership.js';
import { candidatesByName, plainString, underPrefix } from '../shared/candidates.js';
import type { BucketStatus } from '../../schemas/bucket.js';
import type { BucketDesired } from './desired.js';
import { bucketArn, defaultBucketName, partitionOfRegion, s3NameProblem } from './names.js';

/** A bucket's identity in AWS (names are global; the region only says where to ask). */
export function bucketKey(desired: Pick<BucketDesired, 'region' | 'bucketName'>): string {
  return `${desired.region}/${desired.bucketName}`;
}

/** The derived name, or undefined when none can be derived (a NAME_PREFIX S3 reserves). */
function derivedName(input: OrphanInput<BucketStatus>): string | undefined {
  try {
    return defaultBucketName(input.config.namePrefix, input.owner.namespace, input.owner.name);
  } catch {
    return undefined;
  }
}

/**
 * The bucket status names, when it names one under our prefix; otherwise the raw spec's
 * `bucketName` (when valid and under our prefix) and the derived name, in the status's, the raw
 * spec's or the default region. Only what finalize needs: name, region, owner tags, policy.
 */
export function bucketOrphanCandidates(input: OrphanInput<BucketStatus>): BucketDesired[] {
  const { rawSpec, config, owner } = input;
  const usable = (name: string | undefined): name is string => underPrefix(name, config) && s3NameProblem(name) === undefined;
  const make = (region: string, bucketName: string): BucketDesired => {
    const partition = partitionOfRegion(region);
    return {
      region,
      bucketName,
      bucketArn: bucketArn(partition, bucketName),
      partition,
      publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
      tags: {},
      ownerTags: ownerTags(owner),
      adopt: false,
      deletionPolicy: input.deletionPolicy === 'Retain' ? 'Retain' : 'Delete',
      finalizing: true,
    };
  };
  return candidatesByName(input, 'bucketName', usable, [plainString(rawSpec, 'bucketName'), derivedName(input)], make);
}
