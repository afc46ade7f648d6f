/**
 * Pure: SQS queue names, shared by the Queue kind and the SNS kinds (a Subscription derives the
 * ARN of a Queue of its namespace): the namespace token scheme, the derived and legacy names, and
 * the rule that keeps a spec's queue name inside its namespace's names.
 */
import type { HooksConfig } from '../core/config.js';
import { InvalidSpecError } from '../core/errors.js';
import { chooseName, type NameChoice } from '../core/name-scope.js';
import { deriveName, inNamespaceNames, namespaceNamePrefix, scopedName, underscoreNamespaceToken, type NameScheme } from '../core/naming.js';
import type { Owner } from '../core/types.js';
import type { QueueSpec } from '../../schemas/queue.js';

/** SQS queue names: 80 characters of [A-Za-z0-9_-], `.fifo` included for FIFO queues. */
export const SQS_NAME_MAX = 80;
/** The suffix of FIFO queue names. */
export const FIFO_SUFFIX = '.fifo';

/** Related-object key of Queues (Metacontroller's "<Kind>.<group>/<version>"). */
export const QUEUE_RELATED_KEY = 'Queue.sqs.awshooks.dev/v1alpha1';

/**
 * How SQS writes names: the namespace with `-` as `_` (no Kubernetes name has `_`), the object
 * name with `.` as `_` (lossless), `.fifo` for FIFO queues.
 */
export function sqsNameScheme(fifo: boolean): NameScheme {
  return {
    maxLength: SQS_NAME_MAX,
    ...(fifo ? { suffix: FIFO_SUFFIX } : {}),
    namespaceToken: underscoreNamespaceToken,
    objectPart: (name) => {
      const text = name.replace(/\./g, '_').replace(/[^A-Za-z0-9_-]/g, '-');
      return { text, lossless: /^[a-z0-9.-]*$/.test(name) };
    },
  };
}

/** The default AWS name of a Queue: `<prefix>-<namespace token>-<name>` (see core/naming.ts). */
export function defaultQueueName(prefix: string, namespace: string, name: string, fifo: boolean): string {
  return scopedName(prefix, namespace, name, sqsNameScheme(fifo));
}

/** The name the pre-token scheme derived (`<prefix>-<namespace>-<name>`, ambiguous); kept for migration. */
export function legacyQueueName(prefix: string, namespace: string, name: string, fifo: boolean): string {
  return deriveName([prefix, namespace, name], { maxLength: SQS_NAME_MAX, invalidChars: /[^A-Za-z0-9_-]/g, suffix: fifo ? FIFO_SUFFIX : '' });
}

/** True when a queue name lies in the namespace's own names. */
export function inNamespaceQueueNames(queueName: string, prefix: string, namespace: string): boolean {
  return inNamespaceNames(queueName, prefix, namespace, sqsNameScheme(queueName.endsWith(FIFO_SUFFIX)));
}

/**
 * The AWS name a Queue spec asks for, validated against SQS's rules and our prefix, and how it
 * may be used: its own namespace's names (or names the administrator allowed) are created and
 * adoptable; any other name is used only for a queue whose owner tags already name this Queue.
 */
export function queueNameFor(spec: QueueSpec, config: HooksConfig, owner: Owner): NameChoice {
  const derived = defaultQueueName(config.namePrefix, owner.namespace, owner.name, spec.fifo);
  const legacy = legacyQueueName(config.namePrefix, owner.namespace, owner.name, spec.fifo);
  const ownPrefix = namespaceNamePrefix(config.namePrefix, owner.namespace, sqsNameScheme(spec.fifo));
  const base = { derived, legacy, ownPrefix, namespace: owner.namespace, allow: config.allowedAwsNames };
  if (spec.queueName === undefined) return chooseName(base);
  let name = spec.queueName;
  if (spec.fifo && !name.endsWith(FIFO_SUFFIX)) name += FIFO_SUFFIX;
  if (!spec.fifo && name.endsWith(FIFO_SUFFIX)) throw new InvalidSpecError('spec.queueName: ends in .fifo but spec.fifo is false');
  if (name.length > SQS_NAME_MAX) throw new InvalidSpecError(`spec.queueName: "${name}" is longer than ${SQS_NAME_MAX} characters`);
  if (!/^[A-Za-z0-9_-]+$/.test(name.replace(/\.fifo$/, ''))) throw new InvalidSpecError('spec.queueName: only letters, digits, - and _ are allowed');
  if (!name.startsWith(`${config.namePrefix}-`)) {
    throw new InvalidSpecError(
      `spec.queueName: must start with "${config.namePrefix}-" (the service may only manage queues under its prefix); this namespace's queues start with "${ownPrefix}"`,
    );
  }
  return chooseName({ ...base, explicit: name });
}
