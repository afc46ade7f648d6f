/** The `Subscription` kind (sns.awshooks.dev/v1alpha1): spec and status schemas. */
import { Type, type Static } from '@sinclair/typebox';
import { Adopt, BaseStatusProperties, DeletionPolicy, FreeObject, StringEnum, immutableFields } from './common.js';

const K8S_NAME = { minLength: 1, maxLength: 253, pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' };
const TOPIC_ARN = '^arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?$';
const QUEUE_ARN = '^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,80}(\\.fifo)?$';

/** The protocols a Subscription may use besides a Queue reference. */
export const SUBSCRIPTION_PROTOCOLS = ['https', 'email', 'lambda'] as const;

/** Dead-letter queue of the subscription (SNS's redrive policy). */
export const SubscriptionDeadLetterSchema = Type.Object(
  {
    queueRef: Type.Optional(
      Type.String({ ...K8S_NAME, description: 'A Queue of the same namespace (same region as the topic); its policy gets a statement for the topic.' }),
    ),
    targetArn: Type.Optional(
      Type.String({
        maxLength: 2048,
        pattern: QUEUE_ARN,
        description:
          "ARN of an SQS queue in the same account and region: one of the namespace's own queues, or allowed by the administrator (ALLOWED_SQS_QUEUE_ARNS). Its policy must let the topic send.",
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'Where SNS puts messages it could not deliver. Exactly one of queueRef and targetArn.',
    'x-kubernetes-validations': [{ rule: 'has(self.queueRef) != has(self.targetArn)', message: 'set exactly one of queueRef and targetArn' }],
  },
);

/** Subscription spec. */
export const SubscriptionSpecSchema = Type.Object(
  {
    topicRef: Type.Optional(Type.String({ ...K8S_NAME, description: 'A Topic of the same namespace. Immutable.' })),
    topicArn: Type.Optional(
      Type.String({
        maxLength: 2048,
        pattern: TOPIC_ARN,
        description:
          "ARN of an existing topic: one of the namespace's own (<prefix>-<namespace>-...), or allowed by the administrator (ALLOWED_SNS_TOPIC_ARNS). Immutable.",
      }),
    ),
    queueRef: Type.Optional(
      Type.String({
        ...K8S_NAME,
        description: 'Deliver to this Queue of the same namespace (protocol sqs). The Queue adds the policy statement that lets the topic send. Immutable.',
      }),
    ),
    protocol: Type.Optional(
      StringEnum(SUBSCRIPTION_PROTOCOLS, { description: 'Deliver to an endpoint instead of a Queue: https, email or lambda. Immutable.' }),
    ),
    endpoint: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 2048,
        description: 'With protocol: an https:// URL (no credentials in it), an email address, or a Lambda function ARN. Immutable.',
      }),
    ),
    rawMessageDelivery: Type.Boolean({ default: false, description: 'Deliver the raw message instead of the SNS JSON envelope (Queue and https only).' }),
    filterPolicy: Type.Optional(
      FreeObject({ description: 'Filter policy as an object: only matching messages are delivered. At most 5 keys, 150 value combinations, 256 KiB.' }),
    ),
    filterPolicyScope: StringEnum(['MessageAttributes', 'MessageBody'] as const, {
      default: 'MessageAttributes',
      description: 'What the filter policy matches: the message attributes (default) or the JSON message body.',
    }),
    deadLetter: Type.Optional(SubscriptionDeadLetterSchema),
    deletionPolicy: DeletionPolicy,
    adopt: Adopt,
  },
  {
    additionalProperties: false,
    description: 'An SNS subscription of a topic (topicRef or topicArn) to a Queue (queueRef) or an endpoint (protocol + endpoint).',
    'x-kubernetes-validations': [
      { rule: 'has(self.topicRef) != has(self.topicArn)', message: 'set exactly one of topicRef and topicArn' },
      { rule: 'has(self.queueRef) != has(self.protocol)', message: 'set exactly one of queueRef and protocol' },
      { rule: 'has(self.protocol) == has(self.endpoint)', message: 'protocol and endpoint go together' },
      {
        rule: "!has(self.rawMessageDelivery) || !self.rawMessageDelivery || !has(self.protocol) || self.protocol == 'https'",
        message: 'rawMessageDelivery is for Queue and https subscriptions only',
      },
    ],
  },
);
export type SubscriptionSpec = Static<typeof SubscriptionSpecSchema>;

/**
 * CEL rules on the whole spec: what a subscription is (its topic and endpoint) cannot change,
 * and optional fields cannot be added or removed to change it either. SNS has no way to move a
 * subscription: make a new Subscription instead.
 */
export const SUBSCRIPTION_SPEC_VALIDATIONS = immutableFields(
  Object.fromEntries(
    ['topicRef', 'topicArn', 'queueRef', 'protocol', 'endpoint'].map((f) => [
      f,
      `${f} is immutable: a subscription cannot move to another topic or endpoint (create a new Subscription)`,
    ]),
  ),
);

/** Subscription status. */
export const SubscriptionStatusSchema = Type.Object(
  {
    ...BaseStatusProperties,
    subscriptionArn: Type.Optional(Type.String({ description: 'The subscription ARN (a lookup hint: every use is re-checked in SNS).' })),
    topicArn: Type.Optional(Type.String({ description: 'The topic ARN.' })),
    protocol: Type.Optional(Type.String({ description: 'sqs, https, email or lambda.' })),
    endpoint: Type.Optional(Type.String({ description: 'The queue ARN, URL, email address or function ARN.' })),
    pendingConfirmation: Type.Optional(Type.Boolean({ description: 'True until the endpoint confirms (email, https).' })),
  },
  { additionalProperties: true },
);
export type SubscriptionStatus = Static<typeof SubscriptionStatusSchema>;
