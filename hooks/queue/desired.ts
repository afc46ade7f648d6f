/** Pure: a Queue's spec (plus related Queues and config) → the desired SQS queue. */
import type { HooksConfig } from '../core/config.js';
import { InvalidSpecError, WaitError } from '../core/errors.js';
import { isTrue } from '../core/conditions.js';
import type { DesiredInput } from '../core/kind.js';
import { deriveName } from '../core/naming.js';
import { ownerTags, RESERVED_TAG_PREFIX } from '../core/ownership.js';
import type { Owner } from '../core/types.js';
import type { QueueSpec, QueueStatus } from '../../schemas/queue.js';
import { checkReservedSids, snsSourcesFor, type SnsSource } from './sns-sources.js';

/** SQS queue names: 80 characters of [A-Za-z0-9_-], `.fifo` included for FIFO queues. */
export const SQS_NAME_MAX = 80;
const FIFO_SUFFIX = '.fifo';

/** Related-object key of Queues (Metacontroller's "<Kind>.<group>/<version>"). */
export const QUEUE_RELATED_KEY = 'Queue.sqs.awshooks.dev/v1alpha1';

/** The redrive policy we want, with the dead-letter ARN resolved. */
export interface DesiredRedrive {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

/** The desired SQS queue. */
export interface QueueDesired {
  region: string;
  queueName: string;
  fifo: boolean;
  /** Plain attributes, as the strings SQS stores. Only attributes set in the spec. */
  attributes: Record<string, string>;
  policy?: Record<string, unknown>;
  redrive?: DesiredRedrive;
  /** SNS topics of the namespace's Subscriptions that deliver here: one policy statement each (sns-sources.ts). */
  snsSources?: SnsSource[];
  /** User tags. */
  tags: Record<string, string>;
  /** Owner tags (DESIGN.md §3.3). */
  ownerTags: Record<string, string>;
  adopt: boolean;
  deletionPolicy: 'Delete' | 'Retain';
}

/** The default AWS name of a Queue: <prefix>-<namespace>-<name>, cut with a hash suffix. */
export function defaultQueueName(prefix: string, namespace: string, name: string, fifo: boolean): string {
  return deriveName([prefix, namespace, name], { maxLength: SQS_NAME_MAX, invalidChars: /[^A-Za-z0-9_-]/g, suffix: fifo ? FIFO_SUFFIX : '' });
}

/** The AWS name a Queue spec asks for, validated against SQS's rules and our prefix. */
export function queueNameFor(spec: QueueSpec, config: HooksConfig, owner: Owner): string {
  if (spec.queueName === undefined) return defaultQueueName(config.namePrefix, owner.namespace, owner.name, spec.fifo);
  let name = spec.queueName;
  if (spec.fifo && !name.endsWith(FIFO_SUFFIX)) name += FIFO_SUFFIX;
  if (!spec.fifo && name.endsWith(FIFO_SUFFIX)) throw new InvalidSpecError('spec.queueName: ends in .fifo but spec.fifo is false');
  if (name.length > SQS_NAME_MAX) throw new InvalidSpecError(`spec.queueName: "${name}" is longer than ${SQS_NAME_MAX} characters`);
  if (!/^[A-Za-z0-9_-]+$/.test(name.replace(/\.fifo$/, ''))) throw new InvalidSpecError('spec.queueName: only letters, digits, - and _ are allowed');
  if (!name.startsWith(`${config.namePrefix}-`)) {
    throw new InvalidSpecError(`spec.queueName: must start with "${config.namePrefix}-" (the service may only manage queues under its prefix)`);
  }
  return name;
}

/** Check user tags: no reserved keys. */
export function validateUserTags(tags: Record<string, string> | undefined, field = 'spec.tags'): Record<string, string> {
  const out = { ...(tags ?? {}) };
  for (const key of Object.keys(out)) {
    if (key.startsWith(RESERVED_TAG_PREFIX)) throw new InvalidSpecError(`${field}: key "${key}" is reserved for awshooks owner tags`);
    if (key.length === 0 || key.length > 128) throw new InvalidSpecError(`${field}: key "${key}" must be 1-128 characters`);
  }
  return out;
}

function resolveDeadLetter(input: DesiredInput<QueueSpec, QueueStatus>, fifo: boolean): DesiredRedrive | undefined {
  const dl = input.spec.deadLetter;
  if (!dl) return undefined;
  const hasRef = dl.queueRef !== undefined;
  const hasArn = dl.targetArn !== undefined;
  if (hasRef === hasArn) throw new InvalidSpecError('spec.deadLetter: set exactly one of queueRef and targetArn');
  if (hasArn) {
    if (dl.targetArn!.endsWith(FIFO_SUFFIX) !== fifo) {
      throw new InvalidSpecError('spec.deadLetter.targetArn: the dead-letter queue of a FIFO queue must be FIFO, and of a standard queue standard');
    }
    return { deadLetterTargetArn: dl.targetArn!, maxReceiveCount: dl.maxReceiveCount };
  }
  const ref = dl.queueRef!;
  // Deleting needs no redrive target: never block a finalize on a dead-letter queue that may
  // already be gone (both queues deleted together).
  if (input.finalizing) return undefined;
  if (ref === input.parent.metadata.name) throw new InvalidSpecError('spec.deadLetter.queueRef: a queue cannot be its own dead-letter queue');
  const namespace = input.parent.metadata.namespace ?? '';
  const target = input.related[QUEUE_RELATED_KEY]?.[`${namespace}/${ref}`] as
    | { spec?: { fifo?: boolean }; status?: QueueStatus }
    | undefined;
  if (!target) {
    throw new WaitError('DependencyNotReady', `waiting for dead-letter Queue "${ref}" in namespace "${namespace}" to exist`, 15);
  }
  if ((target.spec?.fifo ?? false) !== fifo) {
    throw new InvalidSpecError(`spec.deadLetter.queueRef: Queue "${ref}" is ${target.spec?.fifo ? 'FIFO' : 'standard'} but this queue is ${fifo ? 'FIFO' : 'standard'}; they must match`);
  }
  const arn = target.status?.queueArn;
  if (!arn || !isTrue(target.status?.conditions, 'Ready')) {
    throw new WaitError('DependencyNotReady', `waiting for dead-letter Queue "${ref}" to be Ready`, 15);
  }
  return { deadLetterTargetArn: arn, maxReceiveCount: dl.maxReceiveCount };
}

/** Pure: the desired queue. Throws InvalidSpecError or WaitError (no AWS call is made then). */
export function desiredQueue(input: DesiredInput<QueueSpec, QueueStatus>): QueueDesired {
  const { spec, config, owner } = input;
  const queueName = queueNameFor(spec, config, owner);
  const attributes: Record<string, string> = {};
  const set = (key: string, value: number | boolean | string | undefined) => {
    if (value !== undefined) attributes[key] = String(value);
  };
  set('DelaySeconds', spec.delaySeconds);
  set('MaximumMessageSize', spec.maximumMessageSize);
  set('MessageRetentionPeriod', spec.messageRetentionPeriod);
  set('ReceiveMessageWaitTimeSeconds', spec.receiveMessageWaitTimeSeconds);
  set('VisibilityTimeout', spec.visibilityTimeout);
  if (spec.contentBasedDeduplication !== undefined) {
    if (!spec.fifo) throw new InvalidSpecError('spec.contentBasedDeduplication: only FIFO queues (spec.fifo: true) support it');
    set('ContentBasedDeduplication', spec.contentBasedDeduplication);
  }
  const enc = spec.encryption;
  if (enc) {
    if (enc.kmsMasterKeyId !== undefined && enc.sqsManagedSse === true) {
      throw new InvalidSpecError('spec.encryption: use either sqsManagedSse or kmsMasterKeyId, not both');
    }
    if (enc.kmsMasterKeyId !== undefined) {
      set('KmsMasterKeyId', enc.kmsMasterKeyId);
      set('KmsDataKeyReusePeriodSeconds', enc.kmsDataKeyReusePeriodSeconds);
    } else {
      if (enc.kmsDataKeyReusePeriodSeconds !== undefined) throw new InvalidSpecError('spec.encryption.kmsDataKeyReusePeriodSeconds: needs kmsMasterKeyId');
      set('SqsManagedSseEnabled', enc.sqsManagedSse);
    }
  }
  if (spec.policy !== undefined && (typeof spec.policy !== 'object' || !('Statement' in spec.policy))) {
    throw new InvalidSpecError('spec.policy: must be an IAM policy document with a Statement');
  }
  if (!input.finalizing) checkReservedSids(spec.policy);
  const snsSources = input.finalizing ? [] : snsSourcesFor(input.parent.metadata.name, owner.namespace, input.related, config);
  return {
    region: spec.region,
    queueName,
    fifo: spec.fifo,
    attributes,
    ...(spec.policy ? { policy: spec.policy } : {}),
    ...(spec.deadLetter && !input.finalizing ? { redrive: resolveDeadLetter(input, spec.fifo) } : {}),
    ...(snsSources.length > 0 ? { snsSources } : {}),
    tags: validateUserTags(spec.tags),
    ownerTags: ownerTags(owner),
    adopt: spec.adopt,
    deletionPolicy: spec.deletionPolicy,
  };
}
