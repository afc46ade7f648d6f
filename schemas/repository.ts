/** The `Repository` kind (ecr.awshooks.dev/v1alpha1): spec and status schemas. */
import { Type, type Static } from '@sinclair/typebox';
import { Adopt, BaseStatusProperties, DeletionPolicy, Region, StringEnum, Tags, immutableFields } from './common.js';
import { ResourcePolicyDocumentSchema } from './resource-policy.js';

/** ECR's repository name pattern (components of lower-case letters and digits, separated by . _ - and /). */
export const ECR_NAME_PATTERN = '^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$';

/** An image tag prefix or pattern of a lifecycle rule (image tags are at most 128 characters). */
const TagFilter = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.*-]+$' });

/** Which images a lifecycle rule selects. */
export const LifecycleSelectionSchema = Type.Object(
  {
    tagStatus: StringEnum(['tagged', 'untagged', 'any'] as const, { description: 'tagged (needs tagPrefixList or tagPatternList), untagged, or any.' }),
    tagPrefixList: Type.Optional(
      Type.Array(TagFilter, { minItems: 1, maxItems: 100, description: 'tagged only: images with a tag starting with one of these.' }),
    ),
    tagPatternList: Type.Optional(
      Type.Array(TagFilter, {
        minItems: 1,
        maxItems: 100,
        description: 'tagged only: images with a tag matching one of these (* wildcards, at most 4 per pattern).',
      }),
    ),
    countType: StringEnum(['imageCountMoreThan', 'sinceImagePushed'] as const, {
      description: 'imageCountMoreThan: keep the newest countNumber images; sinceImagePushed: expire images older than countNumber days.',
    }),
    countUnit: Type.Optional(StringEnum(['days'] as const, { description: 'sinceImagePushed only: days.' })),
    countNumber: Type.Integer({ minimum: 1, maximum: 2147483647, description: 'How many images, or how many days.' }),
  },
  {
    additionalProperties: false,
    description: 'The images the rule applies to.',
    'x-kubernetes-validations': [
      {
        rule: "self.tagStatus == 'tagged' ? (has(self.tagPrefixList) != has(self.tagPatternList)) : !(has(self.tagPrefixList) || has(self.tagPatternList))",
        message: 'tagged needs exactly one of tagPrefixList and tagPatternList; untagged and any take neither',
      },
      {
        rule: "self.countType == 'sinceImagePushed' ? has(self.countUnit) : !has(self.countUnit)",
        message: 'countUnit is required with sinceImagePushed and not allowed with imageCountMoreThan',
      },
    ],
  },
);

/** One lifecycle policy rule. */
export const LifecyclePolicyRuleSchema = Type.Object(
  {
    rulePriority: Type.Integer({
      minimum: 1,
      maximum: 1000000,
      description: 'Evaluation order, lowest first; unique. A tagStatus any rule must have the highest.',
    }),
    description: Type.Optional(Type.String({ maxLength: 256, description: 'What the rule is for.' })),
    selection: LifecycleSelectionSchema,
    action: Type.Object(
      { type: StringEnum(['expire'] as const, { description: 'expire: delete the selected images.' }) },
      { additionalProperties: false, description: 'What happens to the selected images.' },
    ),
  },
  { additionalProperties: false, description: 'A lifecycle policy rule.' },
);
/** One rule of a Repository's lifecycle policy. */
export type LifecyclePolicyRule = Static<typeof LifecyclePolicyRuleSchema>;

/** Repository encryption, fixed at creation. */
export const RepositoryEncryptionSchema = Type.Object(
  {
    type: StringEnum(['AES256', 'KMS'] as const, { default: 'AES256', description: 'AES256 (S3-managed keys) or KMS.' }),
    kmsKey: Type.Optional(
      Type.String({ minLength: 1, maxLength: 2048, description: 'KMS only: key ID, key ARN or alias. Default: the AWS-managed key aws/ecr.' }),
    ),
  },
  {
    additionalProperties: false,
    description: 'Encryption at rest. ECR cannot change it after creation: immutable.',
    'x-kubernetes-validations': [{ rule: "!has(self.kmsKey) || self.type == 'KMS'", message: 'kmsKey needs type KMS' }],
  },
);

/** Repository spec. */
export const RepositorySpecSchema = Type.Object(
  {
    region: Region,
    repositoryName: Type.Optional(
      Type.String({
        minLength: 2,
        maxLength: 256,
        pattern: ECR_NAME_PATTERN,
        description: 'ECR repository name. Default: <prefix>/<namespace>/<name>. Must start with <prefix>/<namespace>/. Immutable.',
      }),
    ),
    imageTagMutability: StringEnum(['MUTABLE', 'IMMUTABLE'] as const, {
      default: 'MUTABLE',
      description: 'IMMUTABLE refuses pushing a tag that already exists.',
    }),
    scanOnPush: Type.Boolean({ default: false, description: 'Scan every image for vulnerabilities when it is pushed.' }),
    encryption: Type.Optional(RepositoryEncryptionSchema),
    lifecyclePolicy: Type.Optional(
      Type.Object(
        { rules: Type.Array(LifecyclePolicyRuleSchema, { minItems: 1, maxItems: 100, description: 'The rules.' }) },
        {
          additionalProperties: false,
          description: "The lifecycle policy (ECR's JSON document as an object). Compared by meaning. Removing it deletes the policy awshooks applied.",
        },
      ),
    ),
    policy: Type.Optional(
      ResourcePolicyDocumentSchema(
        'The repository policy, an IAM resource policy document (statements need Principal; actions ecr:...; Resource is implied). Compared by meaning. Removing it deletes the policy awshooks applied.',
      ),
    ),
    tags: Type.Optional(Tags),
    force: Type.Boolean({
      default: false,
      description: 'On delete: remove the repository with the images it holds. Without it, deletion waits until the repository is empty.',
    }),
    deletionPolicy: DeletionPolicy,
    adopt: Adopt,
  },
  { additionalProperties: false, description: 'The desired ECR repository.' },
);
/** A Repository's spec. */
export type RepositorySpec = Static<typeof RepositorySpecSchema>;

/** CEL rules on the whole Repository spec (field rules do not fire when an optional field is added or removed). */
export const REPOSITORY_SPEC_VALIDATIONS = immutableFields({
  region: 'region is immutable',
  repositoryName: 'repositoryName is immutable: it cannot be set, changed or removed after creation',
  encryption: 'encryption is immutable: ECR cannot change it after creation',
});

/** Repository status. */
export const RepositoryStatusSchema = Type.Object(
  {
    ...BaseStatusProperties,
    repositoryName: Type.Optional(Type.String({ description: 'The ECR repository name.' })),
    repositoryArn: Type.Optional(Type.String({ description: 'The repository ARN.' })),
    repositoryUri: Type.Optional(Type.String({ description: 'The URI to push to and pull from.' })),
    region: Type.Optional(Type.String({ description: 'The repository region.' })),
    managedTagKeys: Type.Optional(Type.Array(Type.String(), { description: 'User tag keys awshooks applied; only these are ever removed.' })),
    managedConfigurations: Type.Optional(
      Type.Array(Type.String(), {
        description: 'Optional configurations awshooks applied (lifecycle, policy): removing one from the spec removes it from the repository.',
      }),
    ),
  },
  { additionalProperties: true },
);
/** A Repository's status. */
export type RepositoryStatus = Static<typeof RepositoryStatusSchema>;
