/** The `Topic` kind (sns.awshooks.dev/v1alpha1): spec and status schemas. */
import { Type, type Static } from '@sinclair/typebox';
import { Adopt, BaseStatusProperties, DeletionPolicy, FreeObject, Region, Tags, immutableFields } from './common.js';

/** Immutable Topic fields: one rule each on the spec, refusing set, change and removal after creation. */
export const TOPIC_SPEC_VALIDATIONS = immutableFields({ region: 'region is immutable', fifo: 'fifo is immutable' });

/** Topic spec. */
export const TopicSpecSchema = Type.Object(
  {
    region: Region,
    fifo: Type.Boolean({
      default: false,
      description: 'A FIFO topic (strict ordering, deduplication; delivers to SQS queues only); its name ends in .fifo. Immutable.',
    }),
    displayName: Type.Optional(
      Type.String({
        maxLength: 100,
        pattern: '^[^\\x00-\\x08\\x0A-\\x1F\\x7F]*$',
        description: 'Display name (the From of email notifications, the prefix of SMS): at most 100 characters, tabs allowed, no other control characters.',
      }),
    ),
    kmsMasterKeyId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 2048,
        description: 'Server-side encryption with this KMS key: a key ID, key ARN, alias name (alias/...) or alias ARN.',
      }),
    ),
    contentBasedDeduplication: Type.Optional(Type.Boolean({ description: 'FIFO only: deduplicate by a SHA-256 hash of the message body.' })),
    policy: Type.Optional(
      FreeObject({
        description: "The topic's access policy, an IAM resource policy document (with Principal) as an object; at most 30720 characters. Compared by meaning.",
      }),
    ),
    deliveryPolicy: Type.Optional(
      FreeObject({
        description:
          'How SNS retries deliveries to HTTP/S endpoints (the DeliveryPolicy JSON as an object, e.g. {http: {defaultHealthyRetryPolicy: {...}}}). Compared by content.',
      }),
    ),
    tags: Type.Optional(Tags),
    deletionPolicy: DeletionPolicy,
    force: Type.Boolean({
      default: false,
      description:
        'With deletionPolicy Delete: delete the topic even while it still has confirmed subscriptions (SNS deletes them with it). By default deletion waits until they are gone.',
    }),
    adopt: Adopt,
  },
  {
    additionalProperties: false,
    description: 'The desired SNS topic, named <prefix>-<namespace>-<name> (.fifo for FIFO). Attributes left unset are left to AWS.',
    'x-kubernetes-validations': [
      { rule: '!has(self.contentBasedDeduplication) || (has(self.fifo) && self.fifo)', message: 'contentBasedDeduplication needs fifo: true' },
    ],
  },
);
export type TopicSpec = Static<typeof TopicSpecSchema>;

/** Topic status. */
export const TopicStatusSchema = Type.Object(
  {
    ...BaseStatusProperties,
    topicArn: Type.Optional(Type.String({ description: 'The topic ARN.' })),
    topicName: Type.Optional(Type.String({ description: 'The AWS topic name.' })),
    region: Type.Optional(Type.String()),
    subscriptionsConfirmed: Type.Optional(Type.Integer({ description: 'Confirmed subscriptions, as SNS counts them (refreshed at each drift check).' })),
    subscriptionsPending: Type.Optional(Type.Integer({ description: 'Subscriptions pending confirmation (refreshed at each drift check).' })),
    managedTagKeys: Type.Optional(Type.Array(Type.String(), { description: 'User tag keys awshooks applied; only these are ever removed.' })),
  },
  { additionalProperties: true },
);
export type TopicStatus = Static<typeof TopicStatusSchema>;
