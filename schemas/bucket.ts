/** The `Bucket` kind (s3.awshooks.dev/v1alpha1): spec and status schemas. */
import { Type, type Static } from '@sinclair/typebox';
import { Adopt, BaseStatusProperties, DeletionPolicy, Region, StringEnum, StringMap, Tags, immutableFields } from './common.js';
import { ResourcePolicyDocumentSchema } from './resource-policy.js';

/** S3 storage classes a lifecycle transition may move objects to, in S3's waterfall order. */
export const TRANSITION_STORAGE_CLASSES = ['STANDARD_IA', 'INTELLIGENT_TIERING', 'ONEZONE_IA', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'] as const;
/** A storage class a lifecycle transition may target. */
export type TransitionStorageClass = (typeof TRANSITION_STORAGE_CLASSES)[number];

/** Days as S3 counts them (a 32-bit integer). */
const MAX_DAYS = 2147483647;

/** One lifecycle transition of current object versions. */
export const TransitionSchema = Type.Object(
  {
    days: Type.Integer({ minimum: 0, maximum: MAX_DAYS, description: 'Days after object creation (STANDARD_IA and ONEZONE_IA: at least 30).' }),
    storageClass: StringEnum(TRANSITION_STORAGE_CLASSES, { description: 'Storage class to move objects to.' }),
  },
  { additionalProperties: false, description: 'Move current object versions to another storage class.' },
);

/** One lifecycle transition of noncurrent object versions. */
export const NoncurrentTransitionSchema = Type.Object(
  {
    noncurrentDays: Type.Integer({
      minimum: 1,
      maximum: MAX_DAYS,
      description: 'Days after a version became noncurrent (STANDARD_IA and ONEZONE_IA: at least 30).',
    }),
    storageClass: StringEnum(TRANSITION_STORAGE_CLASSES, { description: 'Storage class to move noncurrent versions to.' }),
  },
  { additionalProperties: false, description: 'Move noncurrent object versions to another storage class.' },
);

/** One lifecycle rule. */
export const LifecycleRuleSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 255, description: 'Rule ID, unique in the bucket.' }),
    enabled: Type.Boolean({ default: true, description: 'Whether S3 applies the rule.' }),
    prefix: Type.Optional(Type.String({ maxLength: 1024, description: 'Filter: only keys starting with this prefix. Default: every object.' })),
    tags: Type.Optional(StringMap(Type.String({ maxLength: 256 }), { maxProperties: 10, description: 'Filter: only objects with all these tags.' })),
    expirationDays: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_DAYS, description: 'Expire current versions this many days after creation.' })),
    expiredObjectDeleteMarker: Type.Optional(
      Type.Boolean({ description: 'Remove delete markers with no noncurrent versions left (versioned buckets). Not with expirationDays or a tags filter.' }),
    ),
    noncurrentVersionExpirationDays: Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_DAYS, description: 'Permanently delete versions this many days after they became noncurrent.' }),
    ),
    transitions: Type.Optional(Type.Array(TransitionSchema, { maxItems: 6, description: 'Storage class transitions of current versions.' })),
    noncurrentVersionTransitions: Type.Optional(
      Type.Array(NoncurrentTransitionSchema, { maxItems: 6, description: 'Storage class transitions of noncurrent versions.' }),
    ),
    abortIncompleteMultipartUploadDays: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_DAYS,
        description: 'Abort multipart uploads not completed this many days after they started. Not with a tags filter.',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'A lifecycle rule: a filter (prefix, tags) and at least one action.',
    'x-kubernetes-validations': [
      {
        rule: 'has(self.expirationDays) || has(self.expiredObjectDeleteMarker) || has(self.noncurrentVersionExpirationDays) || has(self.transitions) || has(self.noncurrentVersionTransitions) || has(self.abortIncompleteMultipartUploadDays)',
        message: 'a lifecycle rule needs at least one action',
      },
      {
        rule: '!(has(self.expirationDays) && has(self.expiredObjectDeleteMarker))',
        message: 'expiredObjectDeleteMarker cannot be combined with expirationDays',
      },
    ],
  },
);
/** One lifecycle rule of a Bucket spec. */
export type LifecycleRule = Static<typeof LifecycleRuleSchema>;

/** Default encryption of new objects. */
export const BucketEncryptionSchema = Type.Object(
  {
    algorithm: StringEnum(['AES256', 'aws:kms'] as const, { default: 'AES256', description: 'AES256 (SSE-S3, S3-managed keys) or aws:kms (SSE-KMS).' }),
    kmsKeyId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 2048, description: 'aws:kms only: the KMS key ID, key ARN or alias ARN. Default: the AWS-managed key aws/s3.' }),
    ),
    bucketKeyEnabled: Type.Optional(Type.Boolean({ description: 'aws:kms only: use an S3 Bucket Key to cut KMS requests.' })),
  },
  {
    additionalProperties: false,
    description: 'Default server-side encryption of new objects.',
    'x-kubernetes-validations': [
      { rule: "!has(self.kmsKeyId) || self.algorithm == 'aws:kms'", message: 'kmsKeyId needs algorithm aws:kms' },
      { rule: "!has(self.bucketKeyEnabled) || self.algorithm == 'aws:kms'", message: 'bucketKeyEnabled needs algorithm aws:kms' },
    ],
  },
);

/** The bucket's public access block. */
export const PublicAccessBlockSchema = Type.Object(
  {
    blockPublicAcls: Type.Boolean({ default: true, description: 'Refuse requests that set public ACLs.' }),
    ignorePublicAcls: Type.Boolean({ default: true, description: 'Ignore public ACLs on the bucket and its objects.' }),
    blockPublicPolicy: Type.Boolean({ default: true, description: 'Refuse bucket policies that grant public access.' }),
    restrictPublicBuckets: Type.Boolean({
      default: true,
      description: 'Restrict access to a bucket with a public policy to AWS services and the owner account.',
    }),
  },
  { additionalProperties: false, default: {}, description: 'S3 Block Public Access for the bucket. All four are on unless turned off here.' },
);

/** S3 general purpose bucket names we accept: 3-63 lower-case letters, digits and hyphens. */
export const BUCKET_NAME_PATTERN = '^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$';

/** Bucket spec. */
export const BucketSpecSchema = Type.Object(
  {
    region: Region,
    bucketName: Type.Optional(
      Type.String({
        minLength: 3,
        maxLength: 63,
        pattern: BUCKET_NAME_PATTERN,
        description:
          'S3 bucket name. Default: <prefix>-<namespace>-<name> (cut to 63 characters with a hash suffix). Must start with <prefix>-<namespace>-. Lower-case letters, digits and hyphens. Bucket names are global across all AWS accounts. Immutable.',
      }),
    ),
    versioning: Type.Optional(
      StringEnum(['Enabled', 'Suspended'] as const, {
        description:
          'Object versioning. Unset: left as it is. S3 cannot return a bucket to unversioned once versioning was enabled: Suspended is the way back.',
      }),
    ),
    encryption: Type.Optional(BucketEncryptionSchema),
    publicAccessBlock: PublicAccessBlockSchema,
    lifecycleRules: Type.Optional(
      Type.Array(LifecycleRuleSchema, {
        maxItems: 1000,
        description:
          'Lifecycle rules: the complete set (S3 replaces the configuration as a whole). [] removes every rule; unset leaves the configuration alone.',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['id'],
      }),
    ),
    policy: Type.Optional(
      ResourcePolicyDocumentSchema(
        'The bucket policy, an IAM resource policy document (statements need Principal and Resource, actions s3:...). Compared by meaning. Removing it deletes the policy awshooks applied.',
      ),
    ),
    tags: Type.Optional(Tags),
    deletionPolicy: DeletionPolicy,
    adopt: Adopt,
  },
  {
    additionalProperties: false,
    description: 'The desired S3 bucket. awshooks never deletes objects: a bucket is deleted only once it is empty.',
  },
);
/** A Bucket's spec. */
export type BucketSpec = Static<typeof BucketSpecSchema>;

/** CEL rules on the whole Bucket spec (field rules do not fire when an optional field is added or removed). */
export const BUCKET_SPEC_VALIDATIONS = immutableFields({
  region: 'region is immutable',
  bucketName: 'bucketName is immutable: it cannot be set, changed or removed after creation',
});

/** Bucket status. */
export const BucketStatusSchema = Type.Object(
  {
    ...BaseStatusProperties,
    bucketName: Type.Optional(Type.String({ description: 'The S3 bucket name.' })),
    bucketArn: Type.Optional(Type.String({ description: 'The bucket ARN.' })),
    region: Type.Optional(Type.String({ description: 'The bucket region.' })),
    versioning: Type.Optional(Type.String({ description: 'Versioning as S3 reports it: Enabled, Suspended, or Off (never enabled).' })),
    managedTagKeys: Type.Optional(Type.Array(Type.String(), { description: 'User tag keys awshooks applied; only these are ever removed.' })),
    managedConfigurations: Type.Optional(
      Type.Array(Type.String(), {
        description: 'Optional configurations awshooks applied (lifecycle, policy): removing one from the spec removes it from the bucket.',
      }),
    ),
  },
  { additionalProperties: true },
);
/** A Bucket's status. */
export type BucketStatus = Static<typeof BucketStatusSchema>;
