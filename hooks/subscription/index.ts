/** The `Subscription` kind: an SNS subscription of a topic to a Queue or an https/email/lambda endpoint. */
import { kindNames, type KindDefinition } from '../core/kind.js';
import { AGE_COLUMN, CONDITION_COLUMNS } from '../../schemas/printer-columns.js';
import { subscriptionOrphanCandidates } from './candidates.js';
import type { RelatedResourceRule } from '../core/types.js';
import { SNS_TERMINAL_CODES } from '../sns-common/codes.js';
import { SUBSCRIPTION_RELATED_KEY } from '../sns-common/names.js';
import {
  SUBSCRIPTION_SPEC_VALIDATIONS,
  SubscriptionSpecSchema,
  SubscriptionStatusSchema,
  type SubscriptionSpec,
  type SubscriptionStatus,
} from '../../schemas/subscription.js';
import { subscriptionManager } from './aws.js';
import { subscriptionDelta, type SubscriptionObserved } from './delta.js';
import { desiredSubscription, type SubscriptionDesired } from './desired.js';
import { subscriptionReadiness, subscriptionStatus } from './status.js';

export { SUBSCRIPTION_RELATED_KEY };

/** The Subscription kind definition. */
export const subscriptionKind: KindDefinition<SubscriptionSpec, SubscriptionDesired, SubscriptionObserved, SubscriptionStatus> = {
  names: kindNames({ kind: 'Subscription', group: 'sns.awshooks.dev', version: 'v1alpha1', shortNames: ['snssub'] }),
  specSchema: SubscriptionSpecSchema,
  statusSchema: SubscriptionStatusSchema,
  specValidations: SUBSCRIPTION_SPEC_VALIDATIONS,
  // Seed 000's 30 s, like a Queue: SNS reads are cheap.
  driftCheckIntervalSeconds: 30,
  printerColumns: [
    { name: 'Topic', type: 'string', jsonPath: '.status.topicArn', description: 'The topic ARN' },
    { name: 'Protocol', type: 'string', jsonPath: '.status.protocol', description: 'sqs, https, email or lambda' },
    { name: 'Endpoint', type: 'string', jsonPath: '.status.endpoint', description: 'Where messages are delivered', priority: 1 },
    ...CONDITION_COLUMNS,
    AGE_COLUMN,
  ],
  // Apps need nothing from a subscription: they read the Queue's ConfigMap (or are the endpoint).
  childResources: [],
  relatedResources: [
    { apiVersion: 'sns.awshooks.dev/v1alpha1', resource: 'topics' },
    { apiVersion: 'sqs.awshooks.dev/v1alpha1', resource: 'queues' },
    { apiVersion: 'sns.awshooks.dev/v1alpha1', resource: 'subscriptions' },
  ],
  terminalCodes: SNS_TERMINAL_CODES,

  /**
   * The named Topic and Queues of the same namespace only (DESIGN.md §3.4), and every
   * Subscription of the namespace: two objects naming the same topic and endpoint would share one
   * AWS subscription (see desired.ts).
   */
  customize(parent) {
    const namespace = parent.metadata.namespace ?? '';
    const rules: RelatedResourceRule[] = [{ apiVersion: 'sns.awshooks.dev/v1alpha1', resource: 'subscriptions', namespace }];
    if (parent.spec.topicRef) rules.push({ apiVersion: 'sns.awshooks.dev/v1alpha1', resource: 'topics', namespace, names: [parent.spec.topicRef] });
    const queues = [...new Set([parent.spec.queueRef, parent.spec.deadLetter?.queueRef].filter((q): q is string => !!q))];
    if (queues.length) rules.push({ apiVersion: 'sqs.awshooks.dev/v1alpha1', resource: 'queues', namespace, names: queues });
    return rules;
  },
  desired: desiredSubscription,
  resource: subscriptionManager,
  tagsOf: (observed) => observed.ownerTags,
  delta: (desired, observed) => subscriptionDelta(desired, observed),
  status: (_desired, observed) => subscriptionStatus(observed),
  readiness: subscriptionReadiness,
  children: () => [],
  existsPerStatus: (status) => Boolean(status?.subscriptionArn),
  orphanCandidates: subscriptionOrphanCandidates,
};
