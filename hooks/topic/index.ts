/** The `Topic` kind: an SNS topic plus a ConfigMap publishers read with envFrom. */
import { childNameRules } from '../core/child-names.js';
import { kindNames, type KindDefinition } from '../core/kind.js';
import { AGE_COLUMN, CONDITION_COLUMNS } from '../../schemas/printer-columns.js';
import { topicKey, topicOrphanCandidates } from './candidates.js';
import { SNS_TERMINAL_CODES } from '../sns-common/codes.js';
import { TOPIC_RELATED_KEY } from '../sns-common/names.js';
import { TOPIC_SPEC_VALIDATIONS, TopicSpecSchema, TopicStatusSchema, type TopicSpec, type TopicStatus } from '../../schemas/topic.js';
import { topicManager } from './aws.js';
import { topicDelta, type TopicObserved } from './delta.js';
import { desiredTopic, type TopicDesired } from './desired.js';
import { topicChildren, topicStatus, topicWouldBeChildren } from './status.js';

export { TOPIC_RELATED_KEY };

/** The Topic kind definition. */
export const topicKind: KindDefinition<TopicSpec, TopicDesired, TopicObserved, TopicStatus> = {
  names: kindNames({ kind: 'Topic', group: 'sns.awshooks.dev', version: 'v1alpha1', shortNames: ['snstopic'] }),
  specValidations: TOPIC_SPEC_VALIDATIONS,
  driftCheckIntervalSeconds: 30,
  specSchema: TopicSpecSchema,
  statusSchema: TopicStatusSchema,
  printerColumns: [
    { name: 'ARN', type: 'string', jsonPath: '.status.topicArn', description: 'The topic ARN' },
    { name: 'Subscriptions', type: 'integer', jsonPath: '.status.subscriptionsConfirmed', description: 'Confirmed subscriptions (as of the last drift check)' },
    ...CONDITION_COLUMNS,
    AGE_COLUMN,
  ],
  childResources: [{ apiVersion: 'v1', resource: 'configmaps', kind: 'ConfigMap', updateStrategy: 'InPlace' }],
  // ConfigMaps by name, to see whether another object already holds a child's name.
  relatedResources: [{ apiVersion: 'v1', resource: 'configmaps' }],
  customize: (parent) => childNameRules(parent, topicWouldBeChildren(parent.metadata.name)),
  terminalCodes: SNS_TERMINAL_CODES,

  desired: desiredTopic,
  resource: topicManager,
  tagsOf: (observed) => observed.tags,
  delta: (desired, observed, previous) => topicDelta(desired, observed, previous?.managedTagKeys ?? []),
  status: (desired, observed) => topicStatus(desired, observed),
  children: topicChildren,
  existsPerStatus: (status) => Boolean(status?.topicArn),
  orphanCandidates: topicOrphanCandidates,
  resourceKey: topicKey,
};
