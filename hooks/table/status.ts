/** Pure: a Table's readiness, status fields and ConfigMap child. */
import type { ChildrenInput, Readiness } from '../core/kind.js';
import type { KubeObject } from '../core/types.js';
import { withoutForeignChildren, type WouldBeChild } from '../core/child-names.js';
import { childLabels } from '../shared/child-labels.js';
import type { TableSpec, TableStatus } from '../../schemas/table.js';
import { observedBillingMode, observedKmsKeyArn, streamArnOf, type TableObserved } from './delta.js';
import type { TableDesired } from './desired.js';

/** How often a table DynamoDB is working on is looked at again. */
export const BUSY_REQUEUE_SECONDS = 10;
/** How soon the next UpdateTable of a sequence is made once the last one is accepted. */
export const NEXT_STEP_REQUEUE_SECONDS = 5;
/** How often a table that needs a person (lost KMS access, archived) is looked at again. */
export const STUCK_REQUEUE_SECONDS = 300;

/** "INACCESSIBLE_ENCRYPTION_CREDENTIALS" → "InaccessibleEncryptionCredentials", a condition reason. */
export function camelCase(status: string): string {
  return status
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/**
 * Whether the table is usable and DynamoDB is done with it: the table ACTIVE, every index
 * ACTIVE, encryption settled, and no change of this sync left to make. Anything else waits,
 * and the engine sends no write meanwhile (DynamoDB refuses UpdateTable while UPDATING).
 */
export function tableReadiness(observed: TableObserved): Readiness {
  const table = observed.table;
  const status = table.TableStatus ?? 'UNKNOWN';
  if (status === 'CREATING' || status === 'UPDATING' || status === 'DELETING') {
    return { ready: false, reason: camelCase(status), message: `DynamoDB reports the table ${status}`, requeueSeconds: BUSY_REQUEUE_SECONDS };
  }
  if (status !== 'ACTIVE') {
    const why =
      status === 'INACCESSIBLE_ENCRYPTION_CREDENTIALS'
        ? "DynamoDB cannot use the table's KMS key: restore access to the key (or re-enable it)"
        : `DynamoDB reports the table ${status}`;
    return { ready: false, reason: camelCase(status), message: why, requeueSeconds: STUCK_REQUEUE_SECONDS };
  }
  if (observed.pending?.length) {
    return {
      ready: false,
      reason: 'Updating',
      message: `DynamoDB takes one table change at a time; still to do: ${observed.pending.join(', ')}`,
      requeueSeconds: NEXT_STEP_REQUEUE_SECONDS,
    };
  }
  if (observed.blocked) {
    return { ready: false, reason: observed.blocked.reason, message: observed.blocked.message, requeueSeconds: observed.blocked.seconds };
  }
  const busy = (table.GlobalSecondaryIndexes ?? []).filter((g) => g.IndexStatus !== undefined && g.IndexStatus !== 'ACTIVE');
  const first = busy[0];
  if (first) {
    return {
      ready: false,
      reason: `Index${camelCase(first.IndexStatus ?? 'Updating')}`,
      message: `DynamoDB is working on global secondary index${busy.length > 1 ? 'es' : ''} ${busy.map((g) => `${g.IndexName} (${g.IndexStatus}${g.Backfilling ? ', backfilling' : ''})`).join(', ')}`,
      requeueSeconds: BUSY_REQUEUE_SECONDS,
    };
  }
  const sse = table.SSEDescription?.Status;
  if (sse === 'ENABLING' || sse === 'DISABLING' || sse === 'UPDATING') {
    return { ready: false, reason: 'EncryptionUpdating', message: `DynamoDB reports encryption at rest ${sse}`, requeueSeconds: BUSY_REQUEUE_SECONDS };
  }
  return { ready: true };
}

/**
 * The kind's status fields. Every key is present (undefined when absent), so that something
 * gone from AWS (a disabled stream's ARN) does not linger from the previous status.
 */
export function tableStatus(desired: TableDesired, observed: TableObserved, previous: TableStatus | undefined): TableStatus {
  const table = observed.table;
  const names = (table.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName ?? '').filter((n) => n);
  const present = new Set(names);
  // Indexes of the spec, plus those awshooks managed before that still exist (a removal under
  // way): only these are ever deleted.
  const managed = [...new Set([...desired.indexes.map((i) => i.name), ...(previous?.managedIndexNames ?? []).filter((n) => present.has(n))])].sort();
  const arn = observedKmsKeyArn(table);
  const customerKmsKeyArn = desired.encryption?.keyType === 'CUSTOMER_MANAGED' && arn ? arn : arn && arn === previous?.customerKmsKeyArn ? arn : undefined;
  const indexes = (table.GlobalSecondaryIndexes ?? [])
    .map((g) => ({ name: g.IndexName ?? '', status: g.IndexStatus ?? 'ACTIVE' }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return {
    tableName: table.TableName ?? desired.tableName,
    tableArn: table.TableArn,
    region: desired.region,
    tableStatus: table.TableStatus,
    billingMode: observedBillingMode(table),
    streamArn: streamArnOf(table),
    globalSecondaryIndexes: indexes.length ? indexes : undefined,
    timeToLiveStatus: observed.timeToLive?.status ?? (desired.timeToLive ? previous?.timeToLiveStatus : undefined),
    pointInTimeRecoveryStatus: observed.pointInTimeRecovery?.status ?? (desired.pointInTimeRecovery ? previous?.pointInTimeRecoveryStatus : undefined),
    managedIndexNames: managed.length ? managed : undefined,
    customerKmsKeyArn,
    managedTagKeys: Object.keys(desired.tags).sort(),
  };
}

/** The ConfigMap child's name. */
export function configMapName(parentName: string): string {
  return `${parentName}-table`;
}

/** The children a Table answers (by name), for the customize hook and the child-name conflict check. */
export function tableWouldBeChildren(parentName: string): WouldBeChild[] {
  return [{ apiVersion: 'v1', resource: 'configmaps', kind: 'ConfigMap', name: configMapName(parentName) }];
}

/**
 * The ConfigMap apps read with `envFrom`: TABLE_NAME, TABLE_ARN, STREAM_ARN (while the stream
 * is enabled) and AWS_REGION. Computed from status only, so the same child comes back on every
 * path (errors included); absent until the table exists.
 */
export function tableChildren(input: ChildrenInput<TableSpec, TableStatus, TableDesired>): KubeObject[] {
  const { status, parent } = input;
  if (!status.tableArn || !status.tableName) return [];
  // A ConfigMap another object holds is left out (desired() reports the Conflict).
  return withoutForeignChildren(
    [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: configMapName(parent.metadata.name), labels: childLabels('Table', parent.metadata.name) },
        data: {
          TABLE_NAME: status.tableName,
          TABLE_ARN: status.tableArn,
          ...(status.streamArn ? { STREAM_ARN: status.streamArn } : {}),
          AWS_REGION: status.region ?? '',
        },
      },
    ],
    parent,
    input.children,
    input.related,
  );
}
