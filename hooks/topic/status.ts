/** Pure: a Topic's status fields and its children. */
import type { ChildrenInput } from '../core/kind.js';
import type { KubeObject } from '../core/types.js';
import { withoutForeignChildren, type WouldBeChild } from '../core/child-names.js';
import { childLabels } from '../shared/child-labels.js';
import type { TopicSpec, TopicStatus } from '../../schemas/topic.js';
import type { TopicObserved } from './delta.js';
import type { TopicDesired } from './desired.js';

function count(value: string | undefined): number {
  const n = Number(value ?? 0);
  return Number.isFinite(n) ? Math.trunc(n) : 0;
}

/** The kind's status fields from what SNS reported. */
export function topicStatus(desired: TopicDesired, observed: TopicObserved): TopicStatus {
  return {
    topicArn: observed.arn,
    topicName: desired.topicName,
    region: desired.region,
    subscriptionsConfirmed: count(observed.attributes.SubscriptionsConfirmed),
    subscriptionsPending: count(observed.attributes.SubscriptionsPending),
    managedTagKeys: Object.keys(desired.tags).sort(),
  };
}

/** The ConfigMap child's name. */
export function topicConfigMapName(parentName: string): string {
  return `${parentName}-topic`;
}

/** The children a Topic answers (by name), for the customize hook and the child-name conflict check. */
export function topicWouldBeChildren(parentName: string): WouldBeChild[] {
  return [{ apiVersion: 'v1', resource: 'configmaps', kind: 'ConfigMap', name: topicConfigMapName(parentName) }];
}

/**
 * The ConfigMap apps read with `envFrom` (publishers need the ARN and the region). Computed
 * from status only, so the same children come back on every path; absent until the topic exists.
 */
export function topicChildren(input: ChildrenInput<TopicSpec, TopicStatus, TopicDesired>): KubeObject[] {
  const { status, parent } = input;
  if (!status.topicArn) return [];
  // A ConfigMap another object holds is left out (desired() reports the Conflict).
  return withoutForeignChildren(
    [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: topicConfigMapName(parent.metadata.name), labels: childLabels('Topic', parent.metadata.name) },
        data: {
          TOPIC_ARN: status.topicArn,
          AWS_REGION: status.region ?? input.spec?.region ?? '',
        },
      },
    ],
    parent,
    input.children,
    input.related,
  );
}
