/** Pure: a Queue's spec (plus related Queues and config) → the desired SQS queue. */
import { InvalidSpecError, WaitError } from '../core/errors.js';
import { checkChildNames } from '../core/child-names.js';
import type { DesiredInput } from '../core/kind.js';
import { allowedByAdmin, parseArn, type NameChoice } from '../core/name-scope.js';
import { ownerTags } from '../core/ownership.js';
import { validateUserTags } from '../shared/tags.js';
import { validatePolicyDocument } from '../shared/policy-validation.js';
import type { KubeObject } from '../core/types.js';
import type { QueueSpec, QueueStatus } from '../../schemas/queue.js';
import { FIFO_SUFFIX, inNamespaceQueueNames, QUEUE_RELATED_KEY, queueNameFor } from '../shared/sqs-names.js';
import { queueWouldBeChildren } from './status.js';
import { checkReservedSids, snsSourcesFor, type SnsSource } from './sns-sources.js';

// The SQS naming rules live in hooks/shared (the SNS kinds derive queue names too).
export { defaultQueueName, inNamespaceQueueNames, legacyQueueName, QUEUE_RELATED_KEY, queueNameFor, SQS_NAME_MAX, sqsNameScheme } from '../shared/sqs-names.js';

/** SQS policy quota: a queue access policy holds at most 8,192 bytes. */
export const SQS_POLICY_MAX_CHARS = 8192;
/** SQS policy quota: a queue access policy holds at most 20 statements. */
export const SQS_POLICY_MAX_STATEMENTS = 20;

/** The redrive policy we want, with the dead-letter ARN resolved. */
export interface DesiredRedrive {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
  /**
   * The target is neither in this namespace's names nor allowed by the administrator: it is
   * written only after its owner tags show a Queue of this namespace (a queue created before
   * the namespace token existed).
   */
  verifyOwner?: boolean;
}

/** The desired SQS queue. */
export interface QueueDesired {
  region: string;
  /** The name read first and the only one ever created (`name.name`). */
  queueName: string;
  /** How the queue name may be used (own, kept only while ours, legacy fallback). */
  name: NameChoice;
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

/**
 * A dead-letter target ARN, checked like every name a spec gives (DESIGN.md §3.4): an SQS ARN
 * in this queue's region (SQS redrives only within a region and account), and a queue of this
 * namespace's names or one the administrator allowed. Any other target is written only after
 * its owner tags show a Queue of this namespace (`verifyOwner`).
 */
function redriveTarget(arn: string, field: string, input: DesiredInput<QueueSpec, QueueStatus>, fifo: boolean, maxReceiveCount: number): DesiredRedrive {
  const { config, owner, spec } = input;
  const parts = parseArn(arn);
  if (parts?.service !== 'sqs' || !/^[A-Za-z0-9_-]+(\.fifo)?$/.test(parts.resource)) {
    throw new InvalidSpecError(`${field}: "${arn}" is not an SQS queue ARN`);
  }
  if (parts.region !== spec.region) {
    throw new InvalidSpecError(
      `${field}: the dead-letter queue is in ${parts.region || 'no region'}, this queue in ${spec.region}; SQS redrives only within a region`,
    );
  }
  if (parts.resource.endsWith(FIFO_SUFFIX) !== fifo) {
    throw new InvalidSpecError(`${field}: the dead-letter queue of a FIFO queue must be FIFO, and of a standard queue standard`);
  }
  const own = inNamespaceQueueNames(parts.resource, config.namePrefix, owner.namespace);
  const allowed = allowedByAdmin(config.allowedAwsNames, owner.namespace, arn, parts.resource);
  return { deadLetterTargetArn: arn, maxReceiveCount, ...(own || allowed ? {} : { verifyOwner: true }) };
}

function resolveDeadLetter(input: DesiredInput<QueueSpec, QueueStatus>, fifo: boolean): DesiredRedrive | undefined {
  const dl = input.spec.deadLetter;
  if (!dl) return undefined;
  const { queueRef: ref, targetArn } = dl;
  if ((ref === undefined) === (targetArn === undefined)) throw new InvalidSpecError('spec.deadLetter: set exactly one of queueRef and targetArn');
  if (targetArn !== undefined) return redriveTarget(targetArn, 'spec.deadLetter.targetArn', input, fifo, dl.maxReceiveCount);
  if (ref === undefined) return undefined; // excluded above; the type system cannot tell
  // Deleting needs no redrive target: never block a finalize on a dead-letter queue that may
  // already be gone (both queues deleted together).
  if (input.finalizing) return undefined;
  if (ref === input.parent.metadata.name) throw new InvalidSpecError('spec.deadLetter.queueRef: a queue cannot be its own dead-letter queue');
  const namespace = input.owner.namespace;
  const target = input.related[QUEUE_RELATED_KEY]?.[`${namespace}/${ref}`];
  if (!target || ((target.metadata as KubeObject['metadata'] | undefined)?.namespace !== undefined && target.metadata.namespace !== namespace)) {
    throw new WaitError('DependencyNotReady', `waiting for dead-letter Queue "${ref}" in namespace "${namespace}" to exist`, 15);
  }
  // The related object's spec and status are read defensively: status is written by whoever may
  // write queues/status, and its ARN is only a claim, checked below like any targetArn.
  const targetSpec = (target.spec ?? {}) as { fifo?: unknown };
  const targetStatus = (target.status ?? {}) as { queueArn?: unknown; conditions?: unknown };
  const targetFifo = targetSpec.fifo === true;
  if (targetFifo !== fifo) {
    throw new InvalidSpecError(
      `spec.deadLetter.queueRef: Queue "${ref}" is ${targetFifo ? 'FIFO' : 'standard'} but this queue is ${fifo ? 'FIFO' : 'standard'}; they must match`,
    );
  }
  const arn = typeof targetStatus.queueArn === 'string' ? targetStatus.queueArn : undefined;
  const ready =
    Array.isArray(targetStatus.conditions) &&
    targetStatus.conditions.some((c: unknown) => (c as { type?: unknown } | null)?.type === 'Ready' && (c as { status?: unknown }).status === 'True');
  if (!arn || !ready) {
    throw new WaitError('DependencyNotReady', `waiting for dead-letter Queue "${ref}" to be Ready`, 15);
  }
  return redriveTarget(arn, `spec.deadLetter.queueRef (Queue "${ref}" reports ${arn})`, input, fifo, dl.maxReceiveCount);
}

/** Pure: the desired queue. Throws InvalidSpecError or WaitError (no AWS call is made then). */
export function desiredQueue(input: DesiredInput<QueueSpec, QueueStatus>): QueueDesired {
  const { spec, config, owner } = input;
  const name = queueNameFor(spec, config, owner);
  if (!input.finalizing) {
    checkChildNames(queueWouldBeChildren(input.parent.metadata.name), input.parent, input.children, input.related, 'rename this Queue or the other object');
  }
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
  // NOTE: SQS's policy quotas (8,192 bytes, 20 statements); SetQueueAttributes refuses more.
  if (spec.policy !== undefined)
    validatePolicyDocument(spec.policy, 'spec.policy', { kind: 'resource', maxChars: SQS_POLICY_MAX_CHARS, maxStatements: SQS_POLICY_MAX_STATEMENTS });
  if (!input.finalizing) checkReservedSids(spec.policy);
  const snsSources = input.finalizing ? [] : snsSourcesFor(input.parent.metadata.name, owner.namespace, input.related, config);
  return {
    region: spec.region,
    queueName: name.name,
    name,
    fifo: spec.fifo,
    attributes,
    ...(spec.policy ? { policy: spec.policy } : {}),
    ...(spec.deadLetter && !input.finalizing ? { redrive: resolveDeadLetter(input, spec.fifo) } : {}),
    ...(snsSources.length > 0 ? { snsSources } : {}),
    tags: validateUserTags(spec.tags),
    ownerTags: ownerTags(owner),
    // Adoption only ever takes a name of the parent's own (DESIGN.md §3.3).
    adopt: spec.adopt && name.claimable,
    deletionPolicy: spec.deletionPolicy,
  };
}
