/**
 * The `Table` kind (dynamodb.awshooks.dev/v1alpha1): spec and status schemas.
 *
 * Seed 004's example works as written: `hashAttribute`/`rangeAttribute` with `name` and `type`,
 * `readCapacityUnits`/`writeCapacityUnits`. The bounds of the DynamoDB API are here as schema
 * constraints and CEL rules; what a structural schema cannot say (an attribute declared with two
 * types, duplicate names, the 100 projected attributes of all indexes together) is checked by the
 * hook before any AWS call (hooks/table/desired.ts).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Adopt, BaseStatusProperties, DeletionPolicy, StringEnum, Tags, immutableFields } from './common.js';

/** DynamoDB table and index names: 3-255 characters of [a-zA-Z0-9_.-]. */
export const DYNAMODB_NAME_PATTERN = '^[a-zA-Z0-9_.-]{3,255}$';

/** A key attribute: its name and scalar type (DynamoDB keys are S, N or B). */
export const KeyAttributeSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 255, description: 'Attribute name, 1-255 characters.' }),
    type: StringEnum(['S', 'N', 'B'] as const, { description: 'S (string), N (number) or B (binary).' }),
  },
  { additionalProperties: false, description: 'A key attribute: name and type (S, N or B).' },
);
export type KeyAttribute = Static<typeof KeyAttributeSchema>;

/** Provisioned capacity units: DynamoDB's minimum is 1. */
const Capacity = (what: string) => Type.Integer({ minimum: 1, description: `${what} capacity units (at least 1). Only with billingMode PROVISIONED.` });

/** Which attributes an index carries besides its keys. */
export const ProjectionSchema = Type.Object(
  {
    type: StringEnum(['ALL', 'KEYS_ONLY', 'INCLUDE'] as const, { default: 'ALL', description: 'ALL, KEYS_ONLY, or INCLUDE (the keys plus nonKeyAttributes).' }),
    nonKeyAttributes: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 255 }), {
        minItems: 1,
        maxItems: 100,
        'x-kubernetes-list-type': 'set',
        description: 'INCLUDE only: the other attributes to project. At most 100 over all indexes of the table.',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'The attributes projected into the index (default: ALL). Changing it replaces the index.',
    'x-kubernetes-validations': [
      {
        rule: "self.type == 'INCLUDE' ? has(self.nonKeyAttributes) : !has(self.nonKeyAttributes)",
        message: 'nonKeyAttributes is required with type INCLUDE and refused otherwise',
      },
    ],
  },
);

/** A global secondary index. */
export const GlobalSecondaryIndexSchema = Type.Object(
  {
    name: Type.String({ minLength: 3, maxLength: 255, pattern: DYNAMODB_NAME_PATTERN, description: 'Index name, 3-255 characters of [a-zA-Z0-9_.-].' }),
    hashAttribute: KeyAttributeSchema,
    rangeAttribute: Type.Optional(KeyAttributeSchema),
    projection: Type.Optional(ProjectionSchema),
    readCapacityUnits: Type.Optional(Capacity('Read')),
    writeCapacityUnits: Type.Optional(Capacity('Write')),
  },
  {
    additionalProperties: false,
    description: 'A global secondary index. Changing its keys or projection replaces it (delete, then create); capacity is updated in place.',
    'x-kubernetes-validations': [
      { rule: 'has(self.readCapacityUnits) == has(self.writeCapacityUnits)', message: 'set both readCapacityUnits and writeCapacityUnits, or neither' },
      {
        rule: '!has(self.rangeAttribute) || self.rangeAttribute.name != self.hashAttribute.name',
        message: 'the range attribute must differ from the hash attribute',
      },
    ],
  },
);
export type GlobalSecondaryIndexSpec = Static<typeof GlobalSecondaryIndexSchema>;

/** Time to live. */
export const TimeToLiveSchema = Type.Object(
  {
    attributeName: Type.String({ minLength: 1, maxLength: 255, description: "The attribute holding each item's expiry time (epoch seconds)." }),
    enabled: Type.Boolean({ default: true, description: 'false turns TTL off.' }),
  },
  { additionalProperties: false, description: 'Time to live (UpdateTimeToLive). Unset: left as it is in AWS.' },
);

/** Point-in-time recovery. */
export const PointInTimeRecoverySchema = Type.Object(
  {
    enabled: Type.Boolean({ default: true, description: 'false turns point-in-time recovery off.' }),
    recoveryPeriodInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 35, description: 'Days of recovery history, 1-35 (AWS default 35).' })),
  },
  {
    additionalProperties: false,
    description: 'Point-in-time recovery (UpdateContinuousBackups). Unset: left as it is in AWS.',
    'x-kubernetes-validations': [{ rule: 'self.enabled || !has(self.recoveryPeriodInDays)', message: 'recoveryPeriodInDays needs enabled: true' }],
  },
);

/** DynamoDB Streams. */
export const StreamSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: true, description: 'false turns the stream off.' }),
    viewType: Type.Optional(
      StringEnum(['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES'] as const, {
        description: 'What each stream record carries. Required when enabled.',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: "The table's stream. Changing the view type turns the stream off, then on again (a new stream ARN). Unset: left as it is in AWS.",
    'x-kubernetes-validations': [{ rule: '!self.enabled || has(self.viewType)', message: 'viewType is required when the stream is enabled' }],
  },
);

/** Encryption at rest. */
export const TableEncryptionSchema = Type.Object(
  {
    keyType: StringEnum(['AWS_OWNED', 'AWS_MANAGED', 'CUSTOMER_MANAGED'] as const, {
      description: "AWS_OWNED (DynamoDB's own key, no KMS charge), AWS_MANAGED (the aws/dynamodb KMS key of the account) or CUSTOMER_MANAGED (kmsKeyId).",
    }),
    kmsKeyId: Type.Optional(
      Type.String({
        // NOTE: DynamoDB reports the key ARN; an alias could only be compared through KMS, so only key IDs and key ARNs.
        pattern: '^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/)?(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$',
        description: 'CUSTOMER_MANAGED only: the KMS key ID or key ARN (not an alias).',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'Encryption at rest. Unset: left as it is in AWS (AWS_OWNED at creation).',
    'x-kubernetes-validations': [
      {
        rule: "self.keyType == 'CUSTOMER_MANAGED' ? has(self.kmsKeyId) : !has(self.kmsKeyId)",
        message: 'kmsKeyId is required with keyType CUSTOMER_MANAGED and refused otherwise',
      },
    ],
  },
);

/** Table spec. */
export const TableSpecSchema = Type.Object(
  {
    region: Type.Optional(
      Type.String({
        maxLength: 32,
        pattern: '^[a-z]{2}(-[a-z]+)+-\\d$',
        description:
          "AWS region of the table, for example eu-west-1. Default: the service's AWS_REGION, recorded in status.region at creation. Immutable once set.",
      }),
    ),
    tableName: Type.Optional(
      Type.String({
        minLength: 3,
        maxLength: 255,
        pattern: DYNAMODB_NAME_PATTERN,
        description:
          'AWS table name, 3-255 characters of [a-zA-Z0-9_.-]. Default: <prefix>-<namespace>-<name>. A custom name must start with <prefix>-<namespace>-. Immutable.',
      }),
    ),
    hashAttribute: Type.Object(
      { name: KeyAttributeSchema.properties.name, type: KeyAttributeSchema.properties.type },
      {
        additionalProperties: false,
        description: 'The partition key: name and type (S, N or B). Immutable.',
      },
    ),
    rangeAttribute: Type.Optional(
      Type.Object(
        { name: KeyAttributeSchema.properties.name, type: KeyAttributeSchema.properties.type },
        {
          additionalProperties: false,
          description: 'The sort key, if any: name and type (S, N or B). Immutable, and cannot be added or removed.',
        },
      ),
    ),
    billingMode: StringEnum(['PROVISIONED', 'PAY_PER_REQUEST'] as const, {
      default: 'PROVISIONED',
      description: 'PROVISIONED (read/write capacity units required) or PAY_PER_REQUEST (on demand, no capacities).',
    }),
    readCapacityUnits: Type.Optional(Capacity('Read')),
    writeCapacityUnits: Type.Optional(Capacity('Write')),
    globalSecondaryIndexes: Type.Optional(
      Type.Array(GlobalSecondaryIndexSchema, {
        maxItems: 20,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        description: 'Global secondary indexes, at most 20. AWS creates or deletes one per UpdateTable: awshooks applies them one at a time.',
      }),
    ),
    timeToLive: Type.Optional(TimeToLiveSchema),
    pointInTimeRecovery: Type.Optional(PointInTimeRecoverySchema),
    stream: Type.Optional(StreamSchema),
    encryption: Type.Optional(TableEncryptionSchema),
    deletionProtection: Type.Optional(
      Type.Boolean({
        description: 'DynamoDB deletion protection. While on, finalize waits (DeletionProtected) unless this is set to false. Unset: left as it is in AWS.',
      }),
    ),
    tableClass: Type.Optional(
      StringEnum(['STANDARD', 'STANDARD_INFREQUENT_ACCESS'] as const, { description: 'Table class. Unset: left as it is in AWS (STANDARD at creation).' }),
    ),
    tags: Type.Optional(Tags),
    deletionPolicy: DeletionPolicy,
    adopt: Adopt,
  },
  {
    additionalProperties: false,
    description: 'The desired DynamoDB table. See the README, "Table". Fields left unset are left as they are in AWS.',
  },
);
export type TableSpec = Static<typeof TableSpecSchema>;

/**
 * CEL rules on the whole spec: key schema immutability for the optional sort key (added or
 * removed), custom names and regions once set, and capacities that match the billing mode.
 */
export const TABLE_SPEC_VALIDATIONS = [
  ...immutableFields({
    region: 'region is immutable: it cannot be set, changed or removed after creation',
    tableName: 'tableName is immutable: it cannot be set, changed or removed after creation',
    hashAttribute: 'hashAttribute is immutable (the key schema of a table cannot change)',
    rangeAttribute: 'rangeAttribute is immutable: it cannot be added, changed or removed (the key schema of a table cannot change)',
  }),
  {
    rule: "self.billingMode == 'PROVISIONED' ? (has(self.readCapacityUnits) && has(self.writeCapacityUnits)) : (!has(self.readCapacityUnits) && !has(self.writeCapacityUnits))",
    message: 'readCapacityUnits and writeCapacityUnits are required with billingMode PROVISIONED and refused with PAY_PER_REQUEST',
  },
  {
    rule: "!has(self.globalSecondaryIndexes) || self.globalSecondaryIndexes.all(i, self.billingMode == 'PROVISIONED' ? has(i.readCapacityUnits) : !has(i.readCapacityUnits))",
    message: 'each global secondary index needs readCapacityUnits and writeCapacityUnits with billingMode PROVISIONED, and none with PAY_PER_REQUEST',
  },
  {
    rule: '!has(self.rangeAttribute) || self.rangeAttribute.name != self.hashAttribute.name',
    message: 'the range attribute must differ from the hash attribute',
  },
];

/** One global secondary index as DynamoDB reports it. */
export const IndexStatusSchema = Type.Object({
  name: Type.String(),
  status: Type.String({ description: 'CREATING, ACTIVE, UPDATING or DELETING.' }),
});

/** Table status. */
export const TableStatusSchema = Type.Object(
  {
    ...BaseStatusProperties,
    tableName: Type.Optional(Type.String({ description: 'The DynamoDB table name.' })),
    tableArn: Type.Optional(Type.String({ description: 'The table ARN.' })),
    region: Type.Optional(Type.String({ description: 'The region the table lives in.' })),
    tableStatus: Type.Optional(
      Type.String({ description: 'What DynamoDB reports: CREATING, UPDATING, ACTIVE, DELETING, INACCESSIBLE_ENCRYPTION_CREDENTIALS, ...' }),
    ),
    billingMode: Type.Optional(Type.String({ description: 'PROVISIONED or PAY_PER_REQUEST, as DynamoDB reports it.' })),
    streamArn: Type.Optional(Type.String({ description: 'The stream ARN, while the stream is enabled.' })),
    globalSecondaryIndexes: Type.Optional(Type.Array(IndexStatusSchema, { description: 'The global secondary indexes and their status.' })),
    timeToLiveStatus: Type.Optional(Type.String({ description: 'ENABLED, ENABLING, DISABLED or DISABLING (only when spec.timeToLive is set).' })),
    pointInTimeRecoveryStatus: Type.Optional(Type.String({ description: 'ENABLED or DISABLED (only when spec.pointInTimeRecovery is set).' })),
    managedIndexNames: Type.Optional(Type.Array(Type.String(), { description: 'Global secondary indexes awshooks manages; only these are ever deleted.' })),
    customerKmsKeyArn: Type.Optional(
      Type.String({ description: 'The customer managed KMS key the table was last seen encrypted with (spec.encryption CUSTOMER_MANAGED).' }),
    ),
    managedTagKeys: Type.Optional(Type.Array(Type.String(), { description: 'User tag keys awshooks applied; only these are ever removed.' })),
  },
  { additionalProperties: true },
);
export type TableStatus = Static<typeof TableStatusSchema>;
