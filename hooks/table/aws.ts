/** The Table kind's only AWS I/O: DynamoDB calls behind ACK's four verbs. */
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ListTagsOfResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type CreateTableInput,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { isAwsError, WaitError } from '../core/errors.js';
import type { KindContext, ResourceManager } from '../core/kind.js';
import type { TableStatus } from '../../schemas/table.js';
import {
  keySchema,
  projectionOf,
  TTL_WAIT_SECONDS,
  type Blocked,
  type ObservedPointInTimeRecovery,
  type ObservedTimeToLive,
  type TableDelta,
  type TableObserved,
} from './delta.js';
import type { TableDesired } from './desired.js';
import { BUSY_REQUEUE_SECONDS } from './status.js';
import { withoutKeys } from '../shared/tags.js';

const NOT_FOUND = ['ResourceNotFoundException', 'TableNotFoundException'];
/** How long a fresh table's backups take to become available for point-in-time recovery. */
const BACKUPS_WAIT_SECONDS = 30;

async function describe(ddb: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await ddb.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (err) {
    if (isAwsError(err, ...NOT_FOUND)) return undefined;
    throw err;
  }
}

/** Every tag of a table. NOTE: ListTagsOfResource pages by NextToken; the SDK has no paginator for it. */
async function listTags(ddb: DynamoDBClient, arn: string): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  let token: string | undefined;
  do {
    const out = await ddb.send(new ListTagsOfResourceCommand({ ResourceArn: arn, ...(token ? { NextToken: token } : {}) }));
    for (const t of out.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
    token = out.NextToken;
  } while (token);
  return tags;
}

async function readTimeToLive(ddb: DynamoDBClient, tableName: string): Promise<ObservedTimeToLive> {
  const d = (await ddb.send(new DescribeTimeToLiveCommand({ TableName: tableName }))).TimeToLiveDescription;
  return { status: d?.TimeToLiveStatus ?? 'DISABLED', ...(d?.AttributeName ? { attributeName: d.AttributeName } : {}) };
}

async function readPointInTimeRecovery(ddb: DynamoDBClient, tableName: string): Promise<ObservedPointInTimeRecovery> {
  const d = (await ddb.send(new DescribeContinuousBackupsCommand({ TableName: tableName }))).ContinuousBackupsDescription?.PointInTimeRecoveryDescription;
  return {
    status: d?.PointInTimeRecoveryStatus ?? 'DISABLED',
    ...(d?.RecoveryPeriodInDays !== undefined ? { recoveryPeriodInDays: d.RecoveryPeriodInDays } : {}),
  };
}

/** CreateTable's input: everything CreateTable can set, owner tags included. */
export function createTableInput(desired: TableDesired): CreateTableInput {
  const throughput = (t: { read: number; write: number }) => ({ ReadCapacityUnits: t.read, WriteCapacityUnits: t.write });
  const enc = desired.encryption;
  return {
    TableName: desired.tableName,
    KeySchema: keySchema(desired.hash, desired.range),
    AttributeDefinitions: Object.entries(desired.attributes).map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
    BillingMode: desired.billingMode,
    ...(desired.throughput ? { ProvisionedThroughput: throughput(desired.throughput) } : {}),
    ...(desired.indexes.length
      ? {
          GlobalSecondaryIndexes: desired.indexes.map((i) => ({
            IndexName: i.name,
            KeySchema: keySchema(i.hash, i.range),
            Projection: projectionOf(i),
            ...(i.throughput ? { ProvisionedThroughput: throughput(i.throughput) } : {}),
          })),
        }
      : {}),
    ...(desired.stream?.enabled ? { StreamSpecification: { StreamEnabled: true, StreamViewType: desired.stream.viewType } } : {}),
    ...(enc && enc.keyType !== 'AWS_OWNED'
      ? { SSESpecification: { Enabled: true, SSEType: 'KMS' as const, ...(enc.kmsKeyId ? { KMSMasterKeyId: enc.kmsKeyId } : {}) } }
      : {}),
    ...(desired.tableClass ? { TableClass: desired.tableClass } : {}),
    ...(desired.deletionProtection !== undefined ? { DeletionProtectionEnabled: desired.deletionProtection } : {}),
    // Tags at creation, so the table is never seen without its owner tags.
    Tags: Object.entries({ ...desired.tags, ...desired.ownerTags }).map(([Key, Value]) => ({ Key, Value })),
  };
}

/**
 * DynamoDB I/O. A drift check reads DescribeTable and ListTagsOfResource, plus
 * DescribeTimeToLive only when the spec sets timeToLive and DescribeContinuousBackups only when
 * it sets pointInTimeRecovery (otherwise those settings are left to AWS and need no look).
 */
export function tableManager(ctx: KindContext): ResourceManager<TableDesired, TableObserved, TableStatus> {
  return {
    async readOne(desired) {
      const ddb = ctx.aws.dynamodb(desired.region);
      const table = await describe(ddb, desired.tableName);
      if (!table) return undefined;
      let tags: Record<string, string>;
      try {
        tags = await listTags(ddb, table.TableArn ?? '');
      } catch (err) {
        // NOTE: a table still being created (or deleted) may not answer ListTagsOfResource yet;
        // without its tags its owner is unknown, so nothing is done until it answers.
        if (isAwsError(err, ...NOT_FOUND) && (table.TableStatus === 'CREATING' || table.TableStatus === 'DELETING')) {
          const doing = table.TableStatus === 'CREATING' ? 'creating' : 'deleting';
          throw new WaitError(table.TableStatus === 'CREATING' ? 'Creating' : 'Deleting', `DynamoDB is ${doing} the table`, BUSY_REQUEUE_SECONDS);
        }
        throw err;
      }
      const observed: TableObserved = { table, tags };
      if (!desired.finalizing && table.TableStatus !== 'DELETING') {
        if (desired.timeToLive) observed.timeToLive = await readTimeToLive(ddb, desired.tableName);
        if (desired.pointInTimeRecovery) observed.pointInTimeRecovery = await readPointInTimeRecovery(ddb, desired.tableName);
      }
      return observed;
    },

    async create(desired) {
      const ddb = ctx.aws.dynamodb(desired.region);
      const out = await ddb.send(new CreateTableCommand(createTableInput(desired)));
      const table = out.TableDescription ?? {};
      // TTL and point-in-time recovery have no CreateTable parameter: they follow on the next
      // sync, once the table is ACTIVE.
      const pending = [...(desired.timeToLive?.enabled ? ['timeToLive'] : []), ...(desired.pointInTimeRecovery?.enabled ? ['pointInTimeRecovery'] : [])];
      return { table, tags: { ...desired.tags, ...desired.ownerTags }, ...(pending.length ? { pending } : {}) };
    },

    async update(desired, observed, delta) {
      const ddb = ctx.aws.dynamodb(desired.region);
      const d = delta as TableDelta;
      const arn = observed.table.TableArn ?? '';
      const next: TableObserved = { ...observed, tags: { ...observed.tags } };
      let blocked: Blocked | undefined;

      // Tags first: an adopted table gets its owner tags before anything else changes.
      if (Object.keys(d.tagsToAdd).length > 0) {
        await ddb.send(new TagResourceCommand({ ResourceArn: arn, Tags: Object.entries(d.tagsToAdd).map(([Key, Value]) => ({ Key, Value })) }));
        Object.assign(next.tags, d.tagsToAdd);
      }
      if (d.tagsToRemove.length > 0) {
        await ddb.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: d.tagsToRemove }));
        next.tags = withoutKeys(next.tags, d.tagsToRemove);
      }

      if (d.timeToLive && 'blocked' in d.timeToLive) {
        blocked = d.timeToLive.blocked;
      } else if (d.timeToLive) {
        const { enabled, attributeName } = d.timeToLive;
        try {
          await ddb.send(
            new UpdateTimeToLiveCommand({ TableName: desired.tableName, TimeToLiveSpecification: { Enabled: enabled, AttributeName: attributeName } }),
          );
          next.timeToLive = { status: enabled ? 'ENABLING' : 'DISABLING', attributeName };
          // An attribute change is off-then-on: the "on" waits for DynamoDB to finish the "off".
          if (!enabled && desired.timeToLive?.enabled) {
            blocked = {
              reason: 'TimeToLivePending',
              message: `time to live is being turned off on "${attributeName}" to move it to "${desired.timeToLive.attributeName}"; DynamoDB allows the next change once this one is processed (up to an hour)`,
              seconds: TTL_WAIT_SECONDS,
            };
          }
        } catch (err) {
          // NOTE: DynamoDB answers a second TTL change within about an hour with a ValidationException.
          if (!isAwsError(err, 'ValidationException') || !/multiple times|already (being )?(enabled|disabled)|in progress/i.test((err as Error).message))
            throw err;
          blocked = {
            reason: 'TimeToLivePending',
            message: `DynamoDB does not accept another time to live change yet: ${(err as Error).message}`,
            seconds: TTL_WAIT_SECONDS,
          };
        }
      }

      if (d.pointInTimeRecovery) {
        const { enabled, recoveryPeriodInDays } = d.pointInTimeRecovery;
        try {
          const out = await ddb.send(
            new UpdateContinuousBackupsCommand({
              TableName: desired.tableName,
              PointInTimeRecoverySpecification: {
                PointInTimeRecoveryEnabled: enabled,
                ...(recoveryPeriodInDays !== undefined ? { RecoveryPeriodInDays: recoveryPeriodInDays } : {}),
              },
            }),
          );
          const p = out.ContinuousBackupsDescription?.PointInTimeRecoveryDescription;
          next.pointInTimeRecovery = {
            status: p?.PointInTimeRecoveryStatus ?? (enabled ? 'ENABLED' : 'DISABLED'),
            ...(p?.RecoveryPeriodInDays !== undefined ? { recoveryPeriodInDays: p.RecoveryPeriodInDays } : {}),
          };
        } catch (err) {
          // NOTE: right after CreateTable, DynamoDB refuses point-in-time recovery for a while.
          if (!isAwsError(err, 'ContinuousBackupsUnavailableException')) throw err;
          blocked ??= {
            reason: 'BackupsUnavailable',
            message: 'DynamoDB does not offer point-in-time recovery for this table yet (it was just created); retrying',
            seconds: BACKUPS_WAIT_SECONDS,
          };
        }
      }

      // One UpdateTable per sync: DynamoDB takes one at a time (and turns the table UPDATING).
      const [first, ...rest] = d.tableUpdates;
      if (first) {
        try {
          const out = await ddb.send(new UpdateTableCommand({ TableName: desired.tableName, ...first.input }));
          if (out.TableDescription) next.table = out.TableDescription;
          ctx.log.info({ event: 'table_update', step: first.step, remaining: rest.map((u) => u.step) }, 'UpdateTable sent');
        } catch (err) {
          // Someone else's change (or a console edit) made the table busy since our read: wait.
          if (!isAwsError(err, 'ResourceInUseException')) throw err;
          blocked ??= {
            reason: 'Updating',
            message: `DynamoDB is busy with another change of the table; ${first.step} follows`,
            seconds: BUSY_REQUEUE_SECONDS,
          };
          rest.unshift(first);
        }
      }
      if (rest.length) next.pending = rest.map((u) => u.step);
      else delete next.pending;
      if (blocked) next.blocked = blocked;
      return next;
    },

    async delete(desired, observed) {
      const ddb = ctx.aws.dynamodb(desired.region);
      const status = observed.table.TableStatus;
      if (status === 'DELETING') return 'pending';
      if (status === 'CREATING' || status === 'UPDATING') {
        throw new WaitError(
          status === 'CREATING' ? 'Creating' : 'Updating',
          `DynamoDB reports the table ${status}; it is deleted once DynamoDB is done`,
          BUSY_REQUEUE_SECONDS,
        );
      }
      if (observed.table.DeletionProtectionEnabled) {
        if (desired.deletionProtection !== false) {
          throw new WaitError(
            'DeletionProtected',
            `table ${desired.tableName} has deletion protection on: set spec.deletionProtection: false to let awshooks lift it and delete the table, or deletionPolicy: Retain to keep it`,
            60,
          );
        }
        // The spec says no protection: lift it (what a drift check would do), then delete.
        await ddb.send(new UpdateTableCommand({ TableName: desired.tableName, DeletionProtectionEnabled: false }));
      }
      try {
        await ddb.send(new DeleteTableCommand({ TableName: desired.tableName }));
      } catch (err) {
        if (isAwsError(err, ...NOT_FOUND)) return 'deleted';
        if (isAwsError(err, 'ResourceInUseException')) return 'pending';
        throw err;
      }
      // The core reads again: DynamoDB deletes asynchronously, so this usually shows DELETING.
      return 'deleted';
    },
  };
}
