/** Pure: a Queue's status fields and its children. */
import { withoutForeignChildren, type WouldBeChild } from '../core/child-names.js';
import type { ChildrenInput } from '../core/kind.js';
import type { KubeObject } from '../core/types.js';
import { childLabels } from '../shared/child-labels.js';
import type { QueueSpec, QueueStatus } from '../../schemas/queue.js';
import type { QueueObserved } from './delta.js';
import type { QueueDesired } from './desired.js';

function count(value: string | undefined): number {
  const n = Number(value ?? 0);
  return Number.isFinite(n) ? Math.trunc(n) : 0;
}

/** The kind's status fields from what SQS reported. */
export function queueStatus(desired: QueueDesired, observed: QueueObserved): QueueStatus {
  return {
    queueUrl: observed.url,
    queueArn: observed.attributes.QueueArn ?? '',
    queueName: observed.name ?? desired.queueName,
    region: desired.region,
    messages: count(observed.attributes.ApproximateNumberOfMessages),
    messagesInFlight: count(observed.attributes.ApproximateNumberOfMessagesNotVisible),
    messagesDelayed: count(observed.attributes.ApproximateNumberOfMessagesDelayed),
    managedTagKeys: Object.keys(desired.tags).sort(),
  };
}

/** The ConfigMap child's name. */
export function configMapName(parentName: string): string {
  return `${parentName}-queue`;
}

/** The children a Queue answers (by name), for the customize hook and the collision check. */
export function queueWouldBeChildren(parentName: string): WouldBeChild[] {
  return [{ apiVersion: 'v1', resource: 'configmaps', kind: 'ConfigMap', name: configMapName(parentName) }];
}

/**
 * The ConfigMap apps read with `envFrom`. Computed from status only, so the same children
 * come back on every path; absent until the queue exists.
 */
export function queueChildren(input: ChildrenInput<QueueSpec, QueueStatus, QueueDesired>): KubeObject[] {
  const { status, parent } = input;
  if (!status.queueUrl) return [];
  // A ConfigMap another object holds is left out (desired() reports the Conflict).
  return withoutForeignChildren(
    [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: configMapName(parent.metadata.name), labels: childLabels('Queue', parent.metadata.name) },
        data: {
          QUEUE_URL: status.queueUrl,
          QUEUE_ARN: status.queueArn ?? '',
          QUEUE_NAME: status.queueName ?? '',
          AWS_REGION: status.region ?? input.spec?.region ?? '',
        },
      },
    ],
    parent,
    input.children,
    input.related,
  );
}
