/** The `Queue` kind: an SQS queue plus a ConfigMap apps read with envFrom. */
import { childNameRules } from '../core/child-names.js';
import { kindNames, type KindDefinition } from '../core/kind.js';
import { AGE_COLUMN, CONDITION_COLUMNS } from '../../schemas/printer-columns.js';
import { QUEUE_SPEC_VALIDATIONS, QueueSpecSchema, QueueStatusSchema, type QueueSpec, type QueueStatus } from '../../schemas/queue.js';
import { queueManager } from './aws.js';
import { queueKey, queueOrphanCandidates } from './candidates.js';
import { queueDelta, type QueueObserved } from './delta.js';
import { desiredQueue, QUEUE_RELATED_KEY, type QueueDesired } from './desired.js';
import { queueChildren, queueStatus, queueWouldBeChildren } from './status.js';

export { QUEUE_RELATED_KEY };

/** SQS error codes that need the user (or the admin) to act; everything else is retried. */
const TERMINAL_CODES = new Set([
  'InvalidAttributeName',
  'InvalidAttributeValue',
  'InvalidParameterValue',
  'InvalidParameterValueException',
  'QueueAlreadyExists',
  'QueueNameExists',
  'AWS.SimpleQueueService.QueueNameExists',
  'AccessDenied',
  'AccessDeniedException',
  'KmsAccessDenied',
  'InvalidSecurity',
  'UnsupportedOperation',
]);

/** The Queue kind definition. */
export const queueKind: KindDefinition<QueueSpec, QueueDesired, QueueObserved, QueueStatus> = {
  names: kindNames({ kind: 'Queue', group: 'sqs.awshooks.dev', version: 'v1alpha1', shortNames: ['sqs'] }),
  specSchema: QueueSpecSchema,
  specValidations: QUEUE_SPEC_VALIDATIONS,
  statusSchema: QueueStatusSchema,
  printerColumns: [
    { name: 'URL', type: 'string', jsonPath: '.status.queueUrl', description: 'The queue URL' },
    { name: 'Messages', type: 'integer', jsonPath: '.status.messages', description: 'Approximate number of visible messages' },
    ...CONDITION_COLUMNS,
    AGE_COLUMN,
  ],
  childResources: [{ apiVersion: 'v1', resource: 'configmaps', kind: 'ConfigMap', updateStrategy: 'InPlace' }],
  relatedResources: [
    { apiVersion: 'sqs.awshooks.dev/v1alpha1', resource: 'queues' },
    { apiVersion: 'v1', resource: 'configmaps' },
    { apiVersion: 'sns.awshooks.dev/v1alpha1', resource: 'subscriptions' },
    { apiVersion: 'sns.awshooks.dev/v1alpha1', resource: 'topics' },
  ],
  terminalCodes: TERMINAL_CODES,
  // Seed 000 polls its queues every 30 seconds; SQS documents no control-plane limit.
  driftCheckIntervalSeconds: 30,
  // The message counts change by themselves; `kubectl get sqs` shows them (seed 000).
  volatileStatus: ['messages', 'messagesInFlight', 'messagesDelayed'],

  customize(parent) {
    const namespace = parent.metadata.namespace ?? '';
    const ref = parent.spec.deadLetter?.queueRef;
    return [
      ...(ref ? [{ apiVersion: 'sqs.awshooks.dev/v1alpha1', resource: 'queues', namespace, names: [ref] }] : []),
      // The namespace's Subscriptions (those delivering here get a policy statement for their
      // topic) and its Topics (to derive those topics' ARNs): see sns-sources.ts.
      { apiVersion: 'sns.awshooks.dev/v1alpha1', resource: 'subscriptions', namespace },
      { apiVersion: 'sns.awshooks.dev/v1alpha1', resource: 'topics', namespace },
      // The ConfigMap's name, to see whether another object already holds it.
      ...childNameRules(parent, queueWouldBeChildren(parent.metadata.name)),
    ];
  },
  desired: desiredQueue,
  resource: queueManager,
  tagsOf: (observed) => observed.tags,
  delta: (desired, observed, previous) => queueDelta(desired, observed, previous?.managedTagKeys ?? []),
  status: (desired, observed) => queueStatus(desired, observed),
  children: queueChildren,
  existsPerStatus: (status) => Boolean(status?.queueUrl),
  orphanCandidates: queueOrphanCandidates,
  resourceKey: queueKey,
  // NOTE: CreateQueue of an existing name with the same attributes returns its URL; with other
  // attributes SQS says QueueNameExists (QueueAlreadyExists in the JSON protocol).
  alreadyExistsCodes: new Set(['QueueAlreadyExists', 'QueueNameExists', 'AWS.SimpleQueueService.QueueNameExists']),
};
