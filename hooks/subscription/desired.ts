/** Pure: a Subscription's spec (plus related Topics, Queues, Subscriptions and config) → the desired SNS subscription. */
import type { HooksConfig } from '../core/config.js';
import { InvalidSpecError, TerminalError, WaitError } from '../core/errors.js';
import type { DesiredInput } from '../core/kind.js';
import type { KubeObject, ObjectMap } from '../core/types.js';
import { checkSpecArn, type ArnScope } from '../sns-common/isolation.js';
import { checkedArn, defaultTopicName, FIFO_SUFFIX, parseArn, SUBSCRIPTION_RELATED_KEY } from '../sns-common/names.js';
import { queueSourceOf, topicSourceOf, type QueueSource, type TopicSource } from '../sns-common/references.js';
import type { SubscriptionSpec, SubscriptionStatus } from '../../schemas/subscription.js';
import { checkFilterPolicy } from './filter-policy.js';

/** The delivery protocols awshooks manages. */
export type Protocol = 'sqs' | 'https' | 'email' | 'lambda';

/** The dead-letter queue: a Queue of the namespace, or an ARN (with its isolation scope). */
export type DeadLetterTarget = { queue: QueueSource; arn?: undefined; scope?: undefined } | { queue?: undefined; arn: string; scope: ArnScope };

/** The desired SNS subscription. ARNs that need the account ID are resolved by the I/O code. */
export interface SubscriptionDesired {
  /** Undefined only while finalizing after the Topic object is gone (status hints are used then). */
  topic?: TopicSource;
  protocol: Protocol;
  /** https/email/lambda: the endpoint. sqs: derived from `queue` once the account is known. */
  endpoint?: string;
  /** The Queue delivered to (sqs); undefined while finalizing after the Queue object is gone. */
  queue?: QueueSource;
  rawMessageDelivery: boolean;
  filterPolicy?: Record<string, unknown>;
  filterPolicyScope: 'MessageAttributes' | 'MessageBody';
  deadLetter?: DeadLetterTarget;
  /**
   * Set while finalizing when a living Subscription of the namespace names the same topic and
   * endpoint: SNS keeps one subscription per (topic, protocol, endpoint), so it is that object's
   * now, and this one leaves it in place (deletionPolicy becomes Retain).
   */
  handedOverTo?: string;
  /**
   * Finalize only, when the Topic or Queue object is gone: where status says the subscription
   * was. Only lookup hints: the I/O code takes a topic ARN only if its name is one `topicNames`
   * allows and its account is awshooks' own, re-reads the subscription in SNS, and proves
   * ownership from owner tags in AWS.
   */
  hints?: { topicArn?: string; endpoint?: string; topicNames: string[] };
  /** Set while finalizing (the I/O code never blocks a deletion on a spec problem then). */
  finalizing?: true;
  adopt: boolean;
  deletionPolicy: 'Delete' | 'Retain';
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:(\$LATEST|[A-Za-z0-9_-]{1,128}))?$/;

/** Check an endpoint against its protocol's shape. @throws InvalidSpecError. */
export function checkEndpoint(protocol: Exclude<Protocol, 'sqs'>, endpoint: string): void {
  if (protocol === 'https') {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new InvalidSpecError(`spec.endpoint: "${endpoint}" is not a URL`);
    }
    if (url.protocol !== 'https:' || !url.hostname) throw new InvalidSpecError('spec.endpoint: an https subscription needs an https:// URL with a host');
    // Credentials in the URL would end up in status and in SNS's own listings in clear text.
    if (url.username || url.password)
      throw new InvalidSpecError(
        'spec.endpoint: credentials in the URL are not supported (they would be shown in status); authenticate the endpoint another way',
      );
  } else if (protocol === 'email') {
    if (endpoint.length > 254 || !EMAIL.test(endpoint)) throw new InvalidSpecError(`spec.endpoint: "${endpoint}" is not an email address`);
  } else if (!LAMBDA_ARN.test(endpoint)) {
    throw new InvalidSpecError(`spec.endpoint: "${endpoint}" is not a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>])`);
  }
}

/** What identifies an AWS subscription for duplicate detection: (topic, endpoint) as the specs say it. */
function identity(spec: Partial<SubscriptionSpec>, namespace: string, config: HooksConfig, topicFifo: boolean): string | undefined {
  let topic: string | undefined;
  if (spec.topicArn) {
    const p = parseArn(spec.topicArn);
    topic = p ? p.resource : undefined;
  } else if (spec.topicRef) {
    topic = defaultTopicName(config.namePrefix, namespace, spec.topicRef, topicFifo);
  }
  const endpoint = spec.queueRef ? `sqs:${spec.queueRef}` : spec.protocol && spec.endpoint ? `${spec.protocol}:${spec.endpoint}` : undefined;
  return topic && endpoint ? `${topic}|${endpoint}` : undefined;
}

/** Older first: creation time, then name (deterministic). */
function older(a: KubeObject, b: KubeObject): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  return ta === tb ? a.metadata.name.localeCompare(b.metadata.name) : ta.localeCompare(tb);
}

/**
 * The other Subscriptions of the namespace that name the same topic and endpoint. SNS has one
 * subscription per (topic, protocol, endpoint): two objects naming it would share it, and
 * deleting one would cut the other's deliveries. Topics are compared by AWS name (a reference
 * and an ARN of the same topic match), endpoints by Queue reference or protocol + endpoint.
 */
export function sameTargetSubscriptions(self: KubeObject, spec: SubscriptionSpec, topicFifo: boolean, related: ObjectMap, config: HooksConfig): KubeObject[] {
  const namespace = self.metadata.namespace ?? '';
  const mine = identity(spec, namespace, config, topicFifo);
  if (!mine) return [];
  return Object.values(related[SUBSCRIPTION_RELATED_KEY] ?? {}).filter((other) => {
    if (other.metadata.name === self.metadata.name || (other.metadata.namespace ?? namespace) !== namespace) return false;
    return identity((other as KubeObject & { spec?: Partial<SubscriptionSpec> }).spec ?? {}, namespace, config, topicFifo) === mine;
  });
}

function deadLetterOf(spec: SubscriptionSpec, topic: TopicSource, namespace: string, related: ObjectMap, config: HooksConfig): DeadLetterTarget | undefined {
  const dl = spec.deadLetter;
  if (!dl) return undefined;
  const kind = topic.fifo ? 'FIFO' : 'standard';
  if (dl.targetArn !== undefined) {
    const scope = checkSpecArn(dl.targetArn, 'spec.deadLetter.targetArn', 'sqs', namespace, config);
    const p = checkedArn(dl.targetArn);
    // NOTE: SNS requires the dead-letter queue in the subscription's account and region, FIFO for FIFO topics.
    if (p.region !== topic.region) throw new InvalidSpecError(`spec.deadLetter.targetArn: the dead-letter queue must be in the topic's region ${topic.region}`);
    if (p.resource.endsWith(FIFO_SUFFIX) !== topic.fifo)
      throw new InvalidSpecError(`spec.deadLetter.targetArn: the topic is ${kind}, so the dead-letter queue must be ${kind} too`);
    return { arn: dl.targetArn, scope };
  }
  // complete() has checked that exactly one of the two is set.
  if (dl.queueRef === undefined) throw new InvalidSpecError('spec.deadLetter: set exactly one of queueRef and targetArn');
  const queue = queueSourceOf(dl.queueRef, namespace, related, config, 'dead-letter');
  if (queue.region !== topic.region)
    throw new InvalidSpecError(
      `spec.deadLetter.queueRef: Queue "${queue.ref}" is in ${queue.region}; the dead-letter queue must be in the topic's region ${topic.region}`,
    );
  if (queue.fifo !== topic.fifo) throw new InvalidSpecError(`spec.deadLetter.queueRef: the topic is ${kind}, so the dead-letter Queue must be ${kind} too`);
  return { queue };
}

/** Everything: throws InvalidSpecError or WaitError before any AWS call. */
function complete(input: DesiredInput<SubscriptionSpec, SubscriptionStatus>): SubscriptionDesired {
  const { spec, config, parent, related } = input;
  const namespace = input.owner.namespace;
  // What the spec alone can tell comes first: a bad spec is reported at once, not after waiting
  // for a Topic or Queue object.
  if ((spec.topicRef === undefined) === (spec.topicArn === undefined)) throw new InvalidSpecError('spec: set exactly one of topicRef and topicArn');
  if ((spec.queueRef === undefined) === (spec.protocol === undefined) || (spec.protocol === undefined) !== (spec.endpoint === undefined)) {
    throw new InvalidSpecError('spec: set exactly one of queueRef and protocol (with endpoint)');
  }
  const protocol: Protocol = spec.protocol ?? 'sqs';
  if (spec.protocol !== undefined && spec.endpoint !== undefined) checkEndpoint(spec.protocol, spec.endpoint);
  if (spec.rawMessageDelivery && protocol !== 'sqs' && protocol !== 'https') {
    throw new InvalidSpecError(`spec.rawMessageDelivery: only Queue and https subscriptions support raw delivery, not ${protocol}`);
  }
  if (spec.filterPolicy !== undefined) checkFilterPolicy(spec.filterPolicy, spec.filterPolicyScope);
  if (spec.deadLetter && (spec.deadLetter.queueRef === undefined) === (spec.deadLetter.targetArn === undefined)) {
    throw new InvalidSpecError('spec.deadLetter: set exactly one of queueRef and targetArn');
  }
  if (spec.deadLetter?.targetArn !== undefined) checkSpecArn(spec.deadLetter.targetArn, 'spec.deadLetter.targetArn', 'sqs', namespace, config);

  const topic = topicSourceOf(spec, namespace, related, config);
  // Ownership of a subscription on a topic that is not the namespace's can only come from its
  // endpoint being the namespace's Queue. With any other endpoint nothing in AWS can prove it:
  // say so before anything is created, instead of creating it and calling it a Conflict after.
  if (topic.scope && !topic.scope.ownName && protocol !== 'sqs' && !spec.adopt) {
    throw new InvalidSpecError(
      'spec.adopt: the topic is outside this namespace (allowed by the administrator) and a ' +
        protocol +
        " endpoint carries no owner tags, so awshooks cannot prove this subscription is this namespace's; set adopt: true to manage (and on deletion remove) it anyway",
    );
  }
  // NOTE: FIFO topics deliver to SQS queues only.
  if (topic.fifo && protocol !== 'sqs') throw new InvalidSpecError(`spec.protocol: a FIFO topic delivers to SQS queues only, not to ${protocol} endpoints`);
  let queue: QueueSource | undefined;
  if (spec.queueRef !== undefined) {
    queue = queueSourceOf(spec.queueRef, namespace, related, config, 'endpoint');
    // NOTE: SNS refuses FIFO queues on standard topics; FIFO topics deliver to both kinds of queue.
    if (queue.fifo && !topic.fifo) throw new InvalidSpecError(`spec.queueRef: Queue "${queue.ref}" is FIFO; a FIFO queue can only subscribe to a FIFO topic`);
  }
  const endpoint = spec.endpoint;
  const twins = sameTargetSubscriptions(parent, spec, topic.fifo, related, config).filter((o) => !o.metadata.deletionTimestamp);
  const first = [...twins, parent].sort(older)[0] ?? parent;
  if (first !== parent) {
    throw new TerminalError(
      'Conflict',
      `Subscription "${first.metadata.name}" of this namespace already subscribes this endpoint to this topic; SNS keeps one subscription per topic, protocol and endpoint, so this object would share and fight over it`,
    );
  }
  return {
    topic,
    protocol,
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(queue ? { queue } : {}),
    rawMessageDelivery: spec.rawMessageDelivery,
    ...(spec.filterPolicy !== undefined ? { filterPolicy: spec.filterPolicy } : {}),
    filterPolicyScope: spec.filterPolicyScope,
    ...(spec.deadLetter ? { deadLetter: deadLetterOf(spec, topic, namespace, related, config) } : {}),
    adopt: spec.adopt,
    deletionPolicy: spec.deletionPolicy,
  };
}

/**
 * Pure: the desired subscription. Throws InvalidSpecError, TerminalError(Conflict: another
 * Subscription of the namespace names the same topic and endpoint) or WaitError(DependencyNotReady);
 * no AWS call is made then.
 *
 * While finalizing, nothing may block the deletion: when the Topic or Queue object is already
 * gone, the topic ARN and endpoint recorded in status serve as lookup hints (the I/O code checks
 * them against SNS and proves ownership from the topic's or queue's owner tags, never from
 * status). When a living Subscription of the namespace names the same topic and endpoint, the
 * AWS subscription is left to it.
 */
export function desiredSubscription(input: DesiredInput<SubscriptionSpec, SubscriptionStatus>): SubscriptionDesired {
  if (!input.finalizing) return complete(input);
  const { spec, parent, related, config } = input;
  let desired: SubscriptionDesired;
  try {
    desired = complete({ ...input, related: withoutTwins(input) });
  } catch (err) {
    if (!(err instanceof TerminalError || err instanceof WaitError)) throw err;
    const status = parent.status;
    const protocol: Protocol = spec.queueRef !== undefined ? 'sqs' : (spec.protocol ?? 'https');
    let topic: TopicSource | undefined;
    let queue: QueueSource | undefined;
    try {
      topic = topicSourceOf(spec, input.owner.namespace, related, config);
    } catch {
      topic = undefined;
    }
    try {
      queue = spec.queueRef !== undefined ? queueSourceOf(spec.queueRef, input.owner.namespace, related, config, 'endpoint') : undefined;
    } catch {
      queue = undefined;
    }
    desired = {
      ...(topic ? { topic } : {}),
      protocol,
      ...(spec.endpoint !== undefined ? { endpoint: spec.endpoint } : {}),
      ...(queue ? { queue } : {}),
      rawMessageDelivery: spec.rawMessageDelivery,
      filterPolicyScope: spec.filterPolicyScope,
      hints: {
        ...(typeof status?.topicArn === 'string' ? { topicArn: status.topicArn } : {}),
        ...(typeof status?.endpoint === 'string' ? { endpoint: status.endpoint } : {}),
        topicNames: hintTopicNames(spec, input.owner.namespace, config),
      },
      adopt: spec.adopt,
      deletionPolicy: spec.deletionPolicy,
    };
  }
  const fifo = desired.topic?.fifo ?? spec.topicArn?.endsWith(FIFO_SUFFIX) ?? false;
  const heir = sameTargetSubscriptions(parent, spec, fifo, related, config)
    .filter((o) => !o.metadata.deletionTimestamp)
    .sort(older)[0];
  if (heir) return { ...desired, finalizing: true, handedOverTo: heir.metadata.name, deletionPolicy: 'Retain' };
  return { ...desired, finalizing: true };
}

/** The topic names a status hint may carry: what this spec could have resolved to. */
function hintTopicNames(spec: SubscriptionSpec, namespace: string, config: HooksConfig): string[] {
  if (spec.topicArn !== undefined) {
    const p = parseArn(spec.topicArn);
    return p ? [p.resource] : [];
  }
  const ref = spec.topicRef;
  if (ref === undefined) return [];
  return [false, true].map((fifo) => defaultTopicName(config.namePrefix, namespace, ref, fifo));
}

/** While finalizing, the duplicate check is the hand-over's business, not an error. */
function withoutTwins(input: DesiredInput<SubscriptionSpec, SubscriptionStatus>): ObjectMap {
  const { [SUBSCRIPTION_RELATED_KEY]: _subs, ...rest } = input.related;
  return rest;
}
