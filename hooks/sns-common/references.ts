/**
 * Pure: the Topics and Queues a Subscription names, resolved from the related objects of its own
 * namespace (never another's) and from their specs — never from their status, which whoever may
 * write the status subresource can set (DESIGN.md §3.4). Not even a related Queue's URL is taken
 * from its status: the SQS client sends requests to the host of the QueueUrl it is given, so a
 * forged URL would make awshooks call an arbitrary host; the I/O code builds the URL itself.
 */
import type { HooksConfig } from '../core/config.js';
import { InvalidSpecError, WaitError } from '../core/errors.js';
import { validateSpec } from '../core/spec-validation.js';
import type { ObjectMap } from '../core/types.js';
import { queueNameFor, QUEUE_RELATED_KEY } from '../shared/sqs-names.js';
import { QueueSpecSchema, type QueueSpec } from '../../schemas/queue.js';
import { checkSpecArn, type ArnScope } from './isolation.js';
import { checkedArn, defaultTopicName, FIFO_SUFFIX, TOPIC_RELATED_KEY } from './names.js';
import { fieldsOf, relatedObject } from './related.js';

/** How often a Subscription waiting for a Topic or Queue object looks again (their changes also re-trigger sync). */
export const DEPENDENCY_WAIT_SECONDS = 15;

/** A topic as a Subscription names it: by reference to a Topic object, or by ARN. */
export type TopicSource = {
  topicName: string;
  region: string;
  fifo: boolean;
} & (
  | {
      /** The Topic object's name, when named by reference. */
      ref: string;
      arn?: undefined;
      scope?: undefined;
    }
  | {
      ref?: undefined;
      /** The spec's ARN, when named by ARN. */
      arn: string;
      /** Isolation scope of a spec ARN. */
      scope: ArnScope;
    }
);

/** A Queue object of the namespace, resolved. */
export interface QueueSource {
  ref: string;
  queueName: string;
  region: string;
  fifo: boolean;
}

/**
 * The topic of a Subscription spec. A Topic reference must be a Topic of the same namespace,
 * present and not being deleted (subscribing would hold up its deletion); its AWS name is derived
 * like the Topic kind derives it. An ARN must pass the isolation rules.
 * @throws WaitError (DependencyNotReady) or InvalidSpecError.
 */
export function topicSourceOf(spec: { topicRef?: string; topicArn?: string }, namespace: string, related: ObjectMap, config: HooksConfig): TopicSource {
  if (spec.topicArn !== undefined) {
    const scope = checkSpecArn(spec.topicArn, 'spec.topicArn', 'sns', namespace, config);
    const parsed = checkedArn(spec.topicArn);
    return { arn: spec.topicArn, scope, topicName: parsed.resource, region: parsed.region, fifo: parsed.resource.endsWith(FIFO_SUFFIX) };
  }
  const ref = spec.topicRef;
  if (ref === undefined) throw new InvalidSpecError('spec: set exactly one of topicRef and topicArn');
  const topic = relatedObject(related, TOPIC_RELATED_KEY, namespace, ref);
  if (!topic) throw new WaitError('DependencyNotReady', `waiting for Topic "${ref}" in namespace "${namespace}" to exist`, DEPENDENCY_WAIT_SECONDS);
  if (topic.metadata.deletionTimestamp) throw new WaitError('DependencyNotReady', `Topic "${ref}" is being deleted`, DEPENDENCY_WAIT_SECONDS);
  const topicSpec = fieldsOf(topic.spec);
  const region = topicSpec.region;
  if (typeof region !== 'string' || region === '')
    throw new WaitError('DependencyNotReady', `Topic "${ref}" has no region in its spec`, DEPENDENCY_WAIT_SECONDS);
  const fifo = topicSpec.fifo === true;
  return { ref, topicName: defaultTopicName(config.namePrefix, namespace, ref, fifo), region, fifo };
}

/**
 * A Queue of the same namespace: present, not being deleted, with a valid spec; its AWS name is
 * derived exactly as the Queue kind derives it. @throws WaitError (DependencyNotReady).
 */
export function queueSourceOf(ref: string, namespace: string, related: ObjectMap, config: HooksConfig, what: string): QueueSource {
  const queue = relatedObject(related, QUEUE_RELATED_KEY, namespace, ref);
  if (!queue) throw new WaitError('DependencyNotReady', `waiting for ${what} Queue "${ref}" in namespace "${namespace}" to exist`, DEPENDENCY_WAIT_SECONDS);
  if (queue.metadata.deletionTimestamp) throw new WaitError('DependencyNotReady', `${what} Queue "${ref}" is being deleted`, DEPENDENCY_WAIT_SECONDS);
  let spec: QueueSpec;
  let queueName: string;
  try {
    spec = validateSpec<QueueSpec>(QueueSpecSchema, queue.spec);
    queueName = queueNameFor(spec, config, { cluster: config.clusterName, namespace, name: ref, uid: '', kind: 'Queue' }).name;
  } catch (err) {
    if (err instanceof InvalidSpecError) throw new WaitError('DependencyNotReady', `${what} Queue "${ref}" has an invalid spec`, DEPENDENCY_WAIT_SECONDS);
    throw err;
  }
  return { ref, queueName, region: spec.region, fifo: spec.fifo };
}
