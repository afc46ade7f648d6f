/** The `Bucket` kind: an S3 bucket plus a ConfigMap apps read with envFrom. */
import { childNameRules } from '../core/child-names.js';
import { kindNames, type KindDefinition } from '../core/kind.js';
import { AGE_COLUMN, CONDITION_COLUMNS } from '../../schemas/printer-columns.js';
import { bucketKey, bucketOrphanCandidates } from './candidates.js';
import { BUCKET_SPEC_VALIDATIONS, BucketSpecSchema, BucketStatusSchema, type BucketSpec, type BucketStatus } from '../../schemas/bucket.js';
import { bucketManager, type S3Like } from './aws.js';
import { bucketDelta, type BucketObserved } from './delta.js';
import { bucketFingerprint, desiredBucket, type BucketDesired } from './desired.js';
import { bucketChildren, bucketStatus, bucketWouldBeChildren } from './status.js';

/** S3 error codes that need the user (or the admin) to act; everything else is retried. */
const TERMINAL_CODES = new Set([
  'AccessDenied',
  'InvalidArgument',
  'InvalidBucketName',
  'InvalidBucketState',
  'InvalidLocationConstraint',
  'IllegalLocationConstraintException',
  'InvalidRequest',
  'InvalidTag',
  'MalformedPolicy',
  'MalformedXML',
  'InvalidEncryptionAlgorithmError',
  'KMS.NotFoundException',
  'TooManyBuckets',
]);

/** Test seam: the S3 client factory (unit tests pass a fake). */
export interface BucketKindOptions {
  s3?: (region: string) => S3Like;
}

/** Build the Bucket kind (tests inject a fake S3). */
export function makeBucketKind(options: BucketKindOptions = {}): KindDefinition<BucketSpec, BucketDesired, BucketObserved, BucketStatus> {
  return {
    names: kindNames({ kind: 'Bucket', group: 's3.awshooks.dev', version: 'v1alpha1', shortNames: ['s3bucket'] }),
    specSchema: BucketSpecSchema,
    statusSchema: BucketStatusSchema,
    specValidations: BUCKET_SPEC_VALIDATIONS,
    // Seed 000's 30 s, like a Queue: S3 and ECR reads are cheap and settings are often changed by hand.
    driftCheckIntervalSeconds: 30,
    printerColumns: [
      { name: 'Bucket', type: 'string', jsonPath: '.status.bucketName', description: 'The S3 bucket name' },
      { name: 'Region', type: 'string', jsonPath: '.status.region' },
      { name: 'Versioning', type: 'string', jsonPath: '.status.versioning', priority: 1 },
      ...CONDITION_COLUMNS,
      AGE_COLUMN,
    ],
    childResources: [{ apiVersion: 'v1', resource: 'configmaps', kind: 'ConfigMap', updateStrategy: 'InPlace' }],
    // ConfigMaps by name, to see whether another object already holds a child's name.
    relatedResources: [{ apiVersion: 'v1', resource: 'configmaps' }],
    customize: (parent) => childNameRules(parent, bucketWouldBeChildren(parent.metadata.name)),
    terminalCodes: TERMINAL_CODES,
    desired: desiredBucket,
    fingerprint: bucketFingerprint,
    resource: (ctx) => bucketManager(ctx, options.s3),
    tagsOf: (observed) => observed.tags,
    delta: bucketDelta,
    status: (desired, observed) => bucketStatus(desired, observed),
    children: bucketChildren,
    existsPerStatus: (status) => Boolean(status?.bucketArn),
    orphanCandidates: bucketOrphanCandidates,
    resourceKey: bucketKey,
    // A bucket that is not empty is polled by the WaitError's own interval; a delete is immediate.
    deletePollSeconds: 5,
  };
}

/** The Bucket kind definition. */
export const bucketKind = makeBucketKind();
