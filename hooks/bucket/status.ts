/** Pure: a Bucket's status fields and its children. */
import type { ChildrenInput } from '../core/kind.js';
import type { KubeObject } from '../core/types.js';
import { withoutForeignChildren, type WouldBeChild } from '../core/child-names.js';
import { childLabels } from '../shared/child-labels.js';
import type { BucketSpec, BucketStatus } from '../../schemas/bucket.js';
import { managedConfigurations, type BucketObserved } from './delta.js';
import type { BucketDesired } from './desired.js';

/**
 * The kind's status fields. `versioning` is shown only while the spec manages it (it is read
 * only then); the key is written as undefined otherwise so that a stale value does not linger.
 */
export function bucketStatus(desired: BucketDesired, observed: BucketObserved): BucketStatus {
  const configurations = managedConfigurations(desired);
  return {
    bucketName: desired.bucketName,
    bucketArn: desired.bucketArn,
    region: desired.region,
    versioning: observed.versioning,
    managedTagKeys: Object.keys(desired.tags).sort(),
    managedConfigurations: configurations.length ? configurations : undefined,
  };
}

/** The ConfigMap child's name. */
export function configMapName(parentName: string): string {
  return `${parentName}-bucket`;
}

/** The children a Bucket answers (by name), for the customize hook and the child-name conflict check. */
export function bucketWouldBeChildren(parentName: string): WouldBeChild[] {
  return [{ apiVersion: 'v1', resource: 'configmaps', kind: 'ConfigMap', name: configMapName(parentName) }];
}

/**
 * The ConfigMap apps read with `envFrom`. Computed from status only, so the same children
 * come back on every path; absent until the bucket exists.
 */
export function bucketChildren(input: ChildrenInput<BucketSpec, BucketStatus, BucketDesired>): KubeObject[] {
  const { status, parent } = input;
  if (!status.bucketName) return [];
  // A ConfigMap another object holds is left out (desired() reports the Conflict).
  return withoutForeignChildren(
    [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: configMapName(parent.metadata.name), labels: childLabels('Bucket', parent.metadata.name) },
        data: {
          BUCKET_NAME: status.bucketName,
          BUCKET_ARN: status.bucketArn ?? '',
          AWS_REGION: status.region ?? input.spec?.region ?? '',
        },
      },
    ],
    parent,
    input.children,
    input.related,
  );
}
