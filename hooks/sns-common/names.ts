/** Pure: SNS topic names and the ARNs the SNS kinds derive (never read from status). */
import { scopedName, underscoreNamespaceToken, type NameScheme } from '../core/naming.js';

/** SNS topic names: 1-256 characters of [A-Za-z0-9_-], `.fifo` included for FIFO topics. */
export const SNS_TOPIC_NAME_MAX = 256;
/** The suffix of FIFO topic (and FIFO queue) names. */
export const FIFO_SUFFIX = '.fifo';

/** Related-object key of Topics (Metacontroller's "<Kind>.<group>/<version>"). */
export const TOPIC_RELATED_KEY = 'Topic.sns.awshooks.dev/v1alpha1';
/** Related-object key of Subscriptions. */
export const SUBSCRIPTION_RELATED_KEY = 'Subscription.sns.awshooks.dev/v1alpha1';

/** The AWS name of a Topic: <prefix>-<namespace>-<name>, cut to 256 with a hash suffix, `.fifo` for FIFO. */
export function defaultTopicName(prefix: string, namespace: string, name: string, fifo: boolean): string {
  return scopedName(prefix, namespace, name, snsTopicNameScheme(fifo));
}

/**
 * How SNS writes the topic names awshooks derives: it allows `_`, which no Kubernetes namespace
 * holds, so the namespace token is the namespace with `-` written `_` (core/naming.ts), as for
 * SQS; a `.` of an object name becomes `_` with a hash suffix; FIFO topics end in `.fifo`.
 */
export function snsTopicNameScheme(fifo: boolean): NameScheme {
  return {
    maxLength: SNS_TOPIC_NAME_MAX,
    ...(fifo ? { suffix: FIFO_SUFFIX } : {}),
    namespaceToken: underscoreNamespaceToken,
    objectPart: (name) => {
      const text = name.replace(/[^A-Za-z0-9_-]/g, '_');
      return { text, lossless: text === name };
    },
  };
}

/** The parts of an ARN the SNS kinds read. */
export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  account: string;
  /** Everything after the account: the topic or queue name for SNS and SQS. */
  resource: string;
}

/** Split an ARN; undefined when it is not one. */
export function parseArn(arn: string | undefined): ParsedArn | undefined {
  const m = arn?.match(/^arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|):(.+)$/);
  if (!m) return undefined;
  const [, partition = '', svc = '', region = '', account = '', resource = ''] = m;
  return { partition, service: svc, region, account, resource };
}

/** Split an ARN that the isolation rules already accepted; one that is not an ARN is a bug. */
export function checkedArn(arn: string): ParsedArn {
  const parsed = parseArn(arn);
  if (!parsed) throw new Error(`not an ARN: ${arn}`);
  return parsed;
}

/** The ARN of a topic. */
export function topicArnOf(partition: string, region: string, account: string, topicName: string): string {
  return `arn:${partition}:sns:${region}:${account}:${topicName}`;
}

/** The ARN of a queue. */
export function queueArnOf(partition: string, region: string, account: string, queueName: string): string {
  return `arn:${partition}:sqs:${region}:${account}:${queueName}`;
}

/**
 * The URL of a queue, built rather than read from anyone's status: the SQS client sends each
 * request to the host of its QueueUrl (when no endpoint is configured), so a URL taken from a
 * status could point awshooks at any host. With AWS_ENDPOINT_URL set (the emulator) the client
 * uses that endpoint and only the path, /<account>/<name>, matters.
 */
export function queueUrlOf(partition: string, region: string, account: string, queueName: string): string {
  const suffix = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sqs.${region}.${suffix}/${account}/${queueName}`;
}
