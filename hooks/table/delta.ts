/**
 * Pure: what differs between a desired and an observed table, as the writes that would fix it.
 *
 * NOTE: DynamoDB accepts no UpdateTable while the table is UPDATING, and creates or deletes at
 * most one global secondary index per UpdateTable. So the table's changes are a list of
 * UpdateTable calls in a fixed order; each sync makes only the first, and the next sync (once
 * the table is ACTIVE again) recomputes the list from what DynamoDB then reports. Tags, TTL and
 * point-in-time recovery have their own calls and are made in the same sync.
 */
import type { GlobalSecondaryIndexDescription, TableDescription, UpdateTableInput } from '@aws-sdk/client-dynamodb';
import { TerminalError } from '../core/errors.js';
import type { Delta } from '../core/kind.js';
import { tagDelta } from '../core/ownership.js';
import type { TableStatus } from '../../schemas/table.js';
import type { DesiredIndex, TableDesired } from './desired.js';

/** Time to live as DescribeTimeToLive reports it. */
export interface ObservedTimeToLive {
  status: string;
  attributeName?: string;
}

/** Point-in-time recovery as DescribeContinuousBackups reports it. */
export interface ObservedPointInTimeRecovery {
  status: string;
  recoveryPeriodInDays?: number;
}

/** Something AWS does not accept yet; the sync waits and looks again. */
export interface Blocked {
  reason: string;
  message: string;
  seconds: number;
}

/** A table as read from DynamoDB (plus what this sync's writes left to do). */
export interface TableObserved {
  table: TableDescription;
  tags: Record<string, string>;
  /** Only read when the spec sets timeToLive. */
  timeToLive?: ObservedTimeToLive;
  /** Only read when the spec sets pointInTimeRecovery. */
  pointInTimeRecovery?: ObservedPointInTimeRecovery;
  /** Changes still to make after this sync's writes (one UpdateTable per sync). */
  pending?: string[];
  /** A change AWS does not accept yet. */
  blocked?: Blocked;
}

/** One UpdateTable call. */
export interface TableUpdate {
  /** What it changes, for logs and conditions: `capacity`, `createIndex:<name>`, ... */
  step: string;
  input: Omit<UpdateTableInput, 'TableName'>;
}

/** What to change. */
export interface TableDelta extends Delta {
  tagsToAdd: Record<string, string>;
  tagsToRemove: string[];
  /** UpdateTimeToLive to make, or a wait because DynamoDB still processes the last TTL change. */
  timeToLive?: { enabled: boolean; attributeName: string } | { blocked: Blocked };
  /** UpdateContinuousBackups to make. */
  pointInTimeRecovery?: { enabled: boolean; recoveryPeriodInDays?: number };
  /** UpdateTable calls, in order; only the first is made in a sync. */
  tableUpdates: TableUpdate[];
}

/** How often a TTL change that DynamoDB still processes is looked at again (it can take an hour). */
export const TTL_WAIT_SECONDS = 300;

/** NOTE: DescribeTable omits BillingModeSummary for tables created PROVISIONED that never switched. */
export function observedBillingMode(table: TableDescription): 'PROVISIONED' | 'PAY_PER_REQUEST' {
  return table.BillingModeSummary?.BillingMode === 'PAY_PER_REQUEST' ? 'PAY_PER_REQUEST' : 'PROVISIONED';
}

/** NOTE: DescribeTable omits TableClassSummary for tables that were always STANDARD. */
export function observedTableClass(table: TableDescription): string {
  return table.TableClassSummary?.TableClass ?? 'STANDARD';
}

/** The KMS key of a table encrypted with KMS, or undefined for DynamoDB's own (AWS owned) key. */
export function observedKmsKeyArn(table: TableDescription): string | undefined {
  const sse = table.SSEDescription;
  if (!sse || sse.Status === 'DISABLED' || sse.Status === 'DISABLING') return undefined;
  return sse.KMSMasterKeyArn ?? '';
}

/** Whether a key ID or key ARN from the spec names the key ARN DynamoDB reports. */
export function sameKmsKey(reportedArn: string, specKey: string): boolean {
  return reportedArn === specKey || reportedArn.endsWith(`:key/${specKey}`);
}

/** The stream ARN apps may read, only while the stream is enabled. */
export function streamArnOf(table: TableDescription): string | undefined {
  // NOTE: LatestStreamArn stays in DescribeTable after the stream is disabled (the old stream is
  // readable for 24 hours); only StreamSpecification says whether a stream is on.
  return table.StreamSpecification?.StreamEnabled === true ? table.LatestStreamArn : undefined;
}

function keySchemaOf(keySchema: { AttributeName?: string; KeyType?: string }[] | undefined): { hash?: string; range?: string } {
  const out: { hash?: string; range?: string } = {};
  for (const k of keySchema ?? []) {
    if (k.KeyType === 'HASH') out.hash = k.AttributeName;
    if (k.KeyType === 'RANGE') out.range = k.AttributeName;
  }
  return out;
}

function attributeTypes(table: TableDescription): Record<string, string> {
  return Object.fromEntries((table.AttributeDefinitions ?? []).map((a) => [a.AttributeName ?? '', a.AttributeType ?? '']));
}

/** The KeySchema of a key pair. */
export function keySchema(hash: { name: string }, range?: { name: string }): { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[] {
  return [{ AttributeName: hash.name, KeyType: 'HASH' }, ...(range ? [{ AttributeName: range.name, KeyType: 'RANGE' as const }] : [])];
}

/** The Projection of a desired index. */
export function projectionOf(index: DesiredIndex): { ProjectionType: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; NonKeyAttributes?: string[] } {
  return { ProjectionType: index.projection.type, ...(index.projection.nonKeyAttributes ? { NonKeyAttributes: [...index.projection.nonKeyAttributes] } : {}) };
}

/**
 * The table's key schema must be the spec's: it cannot change (the CRD refuses the edit; this
 * catches an adopted table, or a table made outside with the same name).
 */
export function checkKeySchema(desired: TableDesired, table: TableDescription): void {
  const keys = keySchemaOf(table.KeySchema);
  const types = attributeTypes(table);
  const show = (h?: string, ht?: string, r?: string, rt?: string) => `${h ?? '?'} (${ht ?? '?'})${r ? `, ${r} (${rt ?? '?'})` : ''}`;
  const same =
    keys.hash === desired.hash.name &&
    types[desired.hash.name] === desired.hash.type &&
    keys.range === desired.range?.name &&
    (desired.range === undefined || types[desired.range.name] === desired.range.type);
  if (!same) {
    throw new TerminalError(
      'KeySchemaMismatch',
      `the table's key schema is ${show(keys.hash, keys.hash ? types[keys.hash] : undefined, keys.range, keys.range ? types[keys.range] : undefined)} but the spec says ${show(desired.hash.name, desired.hash.type, desired.range?.name, desired.range?.type)}; the key schema of a table cannot change`,
    );
  }
}

/** Whether an existing index has the desired keys, key types and projection (else it is replaced). */
export function sameIndexShape(desired: DesiredIndex, observed: GlobalSecondaryIndexDescription, types: Record<string, string>): boolean {
  const keys = keySchemaOf(observed.KeySchema);
  if (keys.hash !== desired.hash.name || keys.range !== desired.range?.name) return false;
  if (types[desired.hash.name] !== undefined && types[desired.hash.name] !== desired.hash.type) return false;
  if (desired.range && types[desired.range.name] !== undefined && types[desired.range.name] !== desired.range.type) return false;
  const p = observed.Projection;
  if ((p?.ProjectionType ?? 'ALL') !== desired.projection.type) return false;
  const nonKey = [...(p?.NonKeyAttributes ?? [])].sort();
  return JSON.stringify(nonKey) === JSON.stringify(desired.projection.nonKeyAttributes ?? []);
}

function sameThroughput(want: { read: number; write: number }, have: { ReadCapacityUnits?: number; WriteCapacityUnits?: number } | undefined): boolean {
  return Number(have?.ReadCapacityUnits) === want.read && Number(have?.WriteCapacityUnits) === want.write;
}

const throughputInput = (t: { read: number; write: number }) => ({ ReadCapacityUnits: t.read, WriteCapacityUnits: t.write });

/** The UpdateTable calls that bring the table to the desired state, in the order they are to be made. */
export function tableUpdates(desired: TableDesired, table: TableDescription, previous: TableStatus | undefined): TableUpdate[] {
  const updates: TableUpdate[] = [];
  const types = attributeTypes(table);
  // An index DynamoDB is deleting is gone as far as changes go: never delete it twice.
  const live = (table.GlobalSecondaryIndexes ?? []).filter((g) => g.IndexStatus !== 'DELETING');
  const liveByName = new Map(live.map((g) => [g.IndexName ?? '', g]));
  const wanted = new Map(desired.indexes.map((i) => [i.name, i]));
  const managed = new Set(previous?.managedIndexNames ?? []);

  // 1. Deletion protection first: turning it on should not wait behind slow index work.
  if (desired.deletionProtection !== undefined && desired.deletionProtection !== (table.DeletionProtectionEnabled ?? false)) {
    updates.push({ step: 'deletionProtection', input: { DeletionProtectionEnabled: desired.deletionProtection } });
  }

  // 2. Index deletions: indexes awshooks managed that left the spec, and indexes whose keys or
  //    projection changed (DynamoDB cannot change those: the index is replaced). Never an index
  //    someone else made that the spec never named.
  const replaced = new Set<string>();
  for (const g of live) {
    const name = g.IndexName ?? '';
    const want = wanted.get(name);
    if (want && !sameIndexShape(want, g, types)) replaced.add(name);
    if ((!want && managed.has(name)) || replaced.has(name)) {
      updates.push({ step: `deleteIndex:${name}`, input: { GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: name } }] } });
    }
  }

  // 3. Billing mode and capacities (table and kept indexes) in one call.
  const kept = desired.indexes.filter((i) => liveByName.has(i.name) && !replaced.has(i.name));
  const billing = observedBillingMode(table);
  if (desired.billingMode === 'PAY_PER_REQUEST') {
    if (billing !== 'PAY_PER_REQUEST') updates.push({ step: 'billingMode', input: { BillingMode: 'PAY_PER_REQUEST' } });
  } else if (desired.throughput) {
    // NOTE: switching to PROVISIONED needs the capacity of the table and of every index at once.
    const switching = billing !== 'PROVISIONED';
    const indexUpdates = kept.flatMap((i) =>
      i.throughput && (switching || !sameThroughput(i.throughput, liveByName.get(i.name)?.ProvisionedThroughput))
        ? [{ Update: { IndexName: i.name, ProvisionedThroughput: throughputInput(i.throughput) } }]
        : [],
    );
    const tableChanged = switching || !sameThroughput(desired.throughput, table.ProvisionedThroughput);
    if (tableChanged || indexUpdates.length > 0) {
      updates.push({
        step: switching ? 'billingMode' : 'capacity',
        input: {
          ...(switching ? { BillingMode: 'PROVISIONED' as const } : {}),
          ...(tableChanged ? { ProvisionedThroughput: throughputInput(desired.throughput) } : {}),
          ...(indexUpdates.length ? { GlobalSecondaryIndexUpdates: indexUpdates } : {}),
        },
      });
    }
  }

  // 4. Index creations, one per call, with the definitions of the key attributes they add.
  for (const index of desired.indexes) {
    if (liveByName.has(index.name) && !replaced.has(index.name)) continue;
    const definitions = { ...types };
    definitions[index.hash.name] = index.hash.type;
    if (index.range) definitions[index.range.name] = index.range.type;
    updates.push({
      step: `createIndex:${index.name}`,
      input: {
        AttributeDefinitions: Object.entries(definitions)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType: AttributeType as 'S' | 'N' | 'B' })),
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: index.name,
              KeySchema: keySchema(index.hash, index.range),
              Projection: projectionOf(index),
              ...(index.throughput ? { ProvisionedThroughput: throughputInput(index.throughput) } : {}),
            },
          },
        ],
      },
    });
  }

  // 5. Stream. NOTE: a stream's view type cannot change: it is turned off, then on again.
  if (desired.stream) {
    const on = table.StreamSpecification?.StreamEnabled === true;
    const viewType = table.StreamSpecification?.StreamViewType;
    if (desired.stream.enabled && !on) {
      updates.push({ step: 'stream', input: { StreamSpecification: { StreamEnabled: true, StreamViewType: desired.stream.viewType } } });
    } else if (on && (!desired.stream.enabled || viewType !== desired.stream.viewType)) {
      updates.push({ step: desired.stream.enabled ? 'stream:off-to-change-view-type' : 'stream', input: { StreamSpecification: { StreamEnabled: false } } });
    }
  }

  // 6. Encryption at rest.
  if (desired.encryption) {
    const arn = observedKmsKeyArn(table);
    const { keyType, kmsKeyId } = desired.encryption;
    let wrong: boolean;
    if (keyType === 'AWS_OWNED') wrong = arn !== undefined;
    else if (keyType === 'CUSTOMER_MANAGED') wrong = arn === undefined || kmsKeyId === undefined || !sameKmsKey(arn, kmsKeyId);
    // NOTE: DynamoDB reports the AWS managed key (aws/dynamodb) by its key ARN, like any other
    // key: only the customer key awshooks last saw (status.customerKmsKeyArn) tells them apart.
    else wrong = arn === undefined || (previous?.customerKmsKeyArn !== undefined && arn === previous.customerKmsKeyArn);
    if (wrong) {
      const sse =
        keyType === 'AWS_OWNED'
          ? { Enabled: false }
          : { Enabled: true, SSEType: 'KMS' as const, ...(keyType === 'CUSTOMER_MANAGED' ? { KMSMasterKeyId: kmsKeyId } : {}) };
      updates.push({ step: 'encryption', input: { SSESpecification: sse } });
    }
  }

  // 7. Table class.
  if (desired.tableClass !== undefined && desired.tableClass !== observedTableClass(table)) {
    updates.push({ step: 'tableClass', input: { TableClass: desired.tableClass } });
  }
  return updates;
}

/**
 * The TTL change to make. NOTE: DynamoDB refuses to enable TTL while it is enabled (on another
 * attribute) and accepts one change per table about every hour, so an attribute change is
 * "off, then on once DynamoDB is done", and a change still being processed is waited for.
 */
export function timeToLiveDelta(desired: TableDesired['timeToLive'], observed: ObservedTimeToLive | undefined): TableDelta['timeToLive'] {
  if (!desired || !observed) return undefined;
  const { status, attributeName } = observed;
  const wait = (message: string): TableDelta['timeToLive'] => ({ blocked: { reason: 'TimeToLivePending', message, seconds: TTL_WAIT_SECONDS } });
  if (desired.enabled) {
    if ((status === 'ENABLED' || status === 'ENABLING') && attributeName === desired.attributeName) return undefined;
    if (status === 'DISABLED') return { enabled: true, attributeName: desired.attributeName };
    if (status === 'ENABLED') return { enabled: false, attributeName: attributeName ?? desired.attributeName };
    return wait(
      `DynamoDB is still ${status === 'DISABLING' ? 'disabling' : 'enabling'} time to live${attributeName ? ` on "${attributeName}"` : ''} (this can take an hour); time to live on "${desired.attributeName}" follows`,
    );
  }
  if (status === 'DISABLED' || status === 'DISABLING') return undefined;
  if (status === 'ENABLED') return { enabled: false, attributeName: attributeName ?? desired.attributeName };
  return wait('DynamoDB is still enabling time to live (this can take an hour); it is disabled afterwards');
}

/** The point-in-time recovery change to make. */
export function pointInTimeRecoveryDelta(
  desired: TableDesired['pointInTimeRecovery'],
  observed: ObservedPointInTimeRecovery | undefined,
): TableDelta['pointInTimeRecovery'] {
  if (!desired || !observed) return undefined;
  const on = observed.status === 'ENABLED';
  if (desired.enabled !== on) return desired;
  if (desired.enabled && desired.recoveryPeriodInDays !== undefined && observed.recoveryPeriodInDays !== desired.recoveryPeriodInDays) return desired;
  return undefined;
}

/**
 * Compare by meaning: key schema (must match), UpdateTable changes, TTL, point-in-time
 * recovery and tags (only keys we set, or set before: `managedTagKeys`).
 * @throws TerminalError when the table's key schema is not the spec's.
 */
export function tableDelta(desired: TableDesired, observed: TableObserved, previous: TableStatus | undefined): TableDelta {
  checkKeySchema(desired, observed.table);
  const updates = tableUpdates(desired, observed.table, previous);
  const ttl = timeToLiveDelta(desired.timeToLive, observed.timeToLive);
  const pitr = pointInTimeRecoveryDelta(desired.pointInTimeRecovery, observed.pointInTimeRecovery);
  const { toAdd, toRemove } = tagDelta({ ...desired.tags, ...desired.ownerTags }, observed.tags, previous?.managedTagKeys ?? []);
  const paths = [
    ...(Object.keys(toAdd).length || toRemove.length ? ['tags'] : []),
    ...(ttl ? ['timeToLive'] : []),
    ...(pitr ? ['pointInTimeRecovery'] : []),
    ...updates.map((u) => u.step),
  ];
  return {
    paths,
    tagsToAdd: toAdd,
    tagsToRemove: toRemove,
    ...(ttl ? { timeToLive: ttl } : {}),
    ...(pitr ? { pointInTimeRecovery: pitr } : {}),
    tableUpdates: updates,
  };
}
