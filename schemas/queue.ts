/** The `Queue` kind (sqs.awshooks.dev/v1alpha1): spec and status schemas. */
import { Type, type Static } from '@sinclair/typebox';
import { Adopt, DeletionPolicy, FreeObject, KindStatusSchema, ManagedTagKeys, Region, Tags, immutableFields } from './common.js';

/** Dead-letter queue: a Queue of the same namespace, or an ARN. */
export const DeadLetterSchema = Type.Object(
  {
    queueRef: Type.Optional(
      Type.String({ minLength: 1, maxLength: 253, description: 'Name of a Queue in the same namespace; awshooks waits until it is Ready.' }),
    ),
    targetArn: Type.Optional(Type.String({ pattern: '^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_.-]+$', description: 'ARN of an existing queue.' })),
    maxReceiveCount: Type.Integer({ minimum: 1, maximum: 1000, default: 5, description: 'Receives before a message moves to the dead-letter queue.' }),
  },
  {
    additionalProperties: false,
    description: 'Where messages go after maxReceiveCount failed receives. Exactly one of queueRef and targetArn.',
    'x-kubernetes-validations': [
      { rule: '(has(self.queueRef) ? 1 : 0) + (has(self.targetArn) ? 1 : 0) == 1', message: 'set exactly one of queueRef and targetArn' },
    ],
  },
);

/** Server-side encryption. */
export const EncryptionSchema = Type.Object(
  {
    sqsManagedSse: Type.Optional(Type.Boolean({ description: 'Encrypt with SQS-owned keys (SSE-SQS).' })),
    kmsMasterKeyId: Type.Optional(Type.String({ minLength: 1, maxLength: 2048, description: 'KMS key ID, alias or ARN (SSE-KMS).' })),
    kmsDataKeyReusePeriodSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 86400, description: 'How long SQS reuses a data key (SSE-KMS only).' })),
  },
  {
    additionalProperties: false,
    description: 'Server-side encryption: sqsManagedSse: true, or kmsMasterKeyId.',
    'x-kubernetes-validations': [
      { rule: '!(has(self.kmsMasterKeyId) && has(self.sqsManagedSse) && self.sqsManagedSse)', message: 'use either sqsManagedSse or kmsMasterKeyId, not both' },
    ],
  },
);

/** Queue spec. */
export const QueueSpecSchema = Type.Object(
  {
    region: Region,
    queueName: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 80,
        pattern: '^[A-Za-z0-9_-]+(\\.fifo)?$',
        description:
          'AWS queue name. Default: <prefix>-<namespace>-<name> (cut to 80 characters with a hash suffix). Must start with the service prefix. Immutable: it cannot be set, changed or removed after creation.',
      }),
    ),
    fifo: Type.Boolean({ default: false, description: 'A FIFO queue; its name ends in .fifo. Immutable.' }),
    contentBasedDeduplication: Type.Optional(Type.Boolean({ description: 'FIFO only: deduplicate by a hash of the message body.' })),
    delaySeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 900, description: 'Delivery delay of every message, 0-900 s.' })),
    maximumMessageSize: Type.Optional(Type.Integer({ minimum: 1024, maximum: 1048576, description: 'Largest message in bytes, 1024-1048576.' })),
    messageRetentionPeriod: Type.Optional(Type.Integer({ minimum: 60, maximum: 1209600, description: 'How long messages are kept, 60-1209600 s.' })),
    receiveMessageWaitTimeSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 20, description: 'Long-polling wait of ReceiveMessage, 0-20 s.' })),
    visibilityTimeout: Type.Optional(Type.Integer({ minimum: 0, maximum: 43200, description: 'Visibility timeout, 0-43200 s.' })),
    deadLetter: Type.Optional(DeadLetterSchema),
    encryption: Type.Optional(EncryptionSchema),
    policy: Type.Optional(FreeObject({ description: "The queue's access policy, an IAM policy document as an object. Compared by meaning." })),
    tags: Type.Optional(Tags),
    deletionPolicy: DeletionPolicy,
    adopt: Adopt,
  },
  { additionalProperties: false, description: 'The desired SQS queue. Attributes left unset are left to AWS.' },
);
export type QueueSpec = Static<typeof QueueSpecSchema>;

/** CEL rules on the whole Queue spec: the fields AWS cannot change on an existing queue. */
export const QUEUE_SPEC_VALIDATIONS = immutableFields({
  region: 'region is immutable',
  queueName: 'queueName is immutable: it cannot be set, changed or removed after creation',
  fifo: 'fifo is immutable',
});

/** Queue status. */
export const QueueStatusSchema = KindStatusSchema({
  queueUrl: Type.Optional(Type.String({ description: 'The queue URL.' })),
  queueArn: Type.Optional(Type.String({ description: 'The queue ARN.' })),
  queueName: Type.Optional(Type.String({ description: 'The AWS queue name.' })),
  region: Type.Optional(Type.String()),
  messages: Type.Optional(Type.Integer({ description: 'Approximate number of visible messages (refreshed at each drift check).' })),
  messagesInFlight: Type.Optional(Type.Integer({ description: 'Approximate number of messages received but not deleted.' })),
  messagesDelayed: Type.Optional(Type.Integer({ description: 'Approximate number of delayed messages.' })),
  managedTagKeys: ManagedTagKeys,
});
export type QueueStatus = Static<typeof QueueStatusSchema>;
