/**
 * hooks/table/aws.ts through the real reconcile loop, against a fake DynamoDB that behaves as
 * AWS does where moto does not: tables and indexes CREATING / UPDATING / DELETING, one
 * UpdateTable at a time, TTL changes that take an hour, backups unavailable right after
 * creation, deletion protection, encryption and table class updates.
 */
import t from 'tap';
import type { GlobalSecondaryIndexDescription, TableDescription } from '@aws-sdk/client-dynamodb';
import type { AwsClients } from '../../../../hooks/core/aws-clients.js';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import type { Logger } from '../../../../hooks/core/logger.js';
import { reconcile } from '../../../../hooks/core/reconcile.js';
import type { ObjectMap, Parent, SyncResponse } from '../../../../hooks/core/types.js';
import { tableKind } from '../../../../hooks/table/index.js';
import { SEED_004_SPEC, tableParent } from '../../../helpers/table.js';

const NAME = 'awshooks-shop-orders';
const ARN = `arn:aws:dynamodb:us-east-1:123456789012:table/${NAME}`;

function awsError(name: string, message = `${name}: simulated`): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

type Input = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A DynamoDB holding one table, asynchronous the way AWS is: `settle()` finishes what is under way. */
class FakeDynamo {
  table: TableDescription | undefined;
  tags: Record<string, string> = {};
  ttl: { TimeToLiveStatus: string; AttributeName?: string } = { TimeToLiveStatus: 'DISABLED' };
  pitr = { PointInTimeRecoveryStatus: 'DISABLED', RecoveryPeriodInDays: undefined as number | undefined };
  backupsAvailable = true;
  calls: { op: string; input: Input }[] = [];
  failNext: Record<string, Error> = {};

  async send(cmd: { input: Input; constructor: { name: string } }): Promise<unknown> {
    const op = cmd.constructor.name.replace(/Command$/, '');
    const input = cmd.input;
    this.calls.push({ op, input });
    const fail = this.failNext[op];
    if (fail) {
      delete this.failNext[op];
      throw fail;
    }
    const need = () => {
      if (!this.table) throw awsError('ResourceNotFoundException', 'Requested resource not found');
      return this.table;
    };
    switch (op) {
      case 'DescribeTable':
        return { Table: structuredClone(need()) };
      case 'ListTagsOfResource':
        need();
        return { Tags: Object.entries(this.tags).map(([Key, Value]) => ({ Key, Value })) };
      case 'DescribeTimeToLive':
        need();
        return { TimeToLiveDescription: { ...this.ttl } };
      case 'DescribeContinuousBackups':
        need();
        return { ContinuousBackupsDescription: { ContinuousBackupsStatus: 'ENABLED', PointInTimeRecoveryDescription: { ...this.pitr } } };
      case 'CreateTable': {
        if (this.table) throw awsError('ResourceInUseException', 'Table already exists');
        this.table = {
          TableName: input.TableName,
          TableArn: ARN,
          TableStatus: 'CREATING',
          KeySchema: input.KeySchema,
          AttributeDefinitions: input.AttributeDefinitions,
          ProvisionedThroughput: input.ProvisionedThroughput ?? { ReadCapacityUnits: 0, WriteCapacityUnits: 0 },
          ...(input.BillingMode === 'PAY_PER_REQUEST' ? { BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' } } : {}),
          ...(input.GlobalSecondaryIndexes
            ? { GlobalSecondaryIndexes: input.GlobalSecondaryIndexes.map((g: GlobalSecondaryIndexDescription) => ({ ...g, IndexStatus: 'CREATING' })) }
            : {}),
          ...(input.StreamSpecification ? { StreamSpecification: input.StreamSpecification, LatestStreamArn: `${ARN}/stream/1` } : {}),
          DeletionProtectionEnabled: input.DeletionProtectionEnabled ?? false,
        };
        this.tags = Object.fromEntries((input.Tags ?? []).map((x: { Key: string; Value: string }) => [x.Key, x.Value]));
        return { TableDescription: structuredClone(this.table) };
      }
      case 'UpdateTable': {
        const table = need();
        if (table.TableStatus !== 'ACTIVE')
          throw awsError('ResourceInUseException', `Attempt to change a resource which is still in use: Table is being ${table.TableStatus?.toLowerCase()}`);
        const creates = (input.GlobalSecondaryIndexUpdates ?? []).filter((u: Input) => u.Create ?? u.Delete);
        if (creates.length > 1) throw awsError('ValidationException', 'Only one global secondary index can be created or deleted per UpdateTable');
        let busy = false;
        if (input.DeletionProtectionEnabled !== undefined) table.DeletionProtectionEnabled = input.DeletionProtectionEnabled;
        if (input.BillingMode) {
          table.BillingModeSummary = { BillingMode: input.BillingMode };
          busy = true;
        }
        if (input.ProvisionedThroughput) {
          table.ProvisionedThroughput = { ...input.ProvisionedThroughput };
          busy = true;
        }
        if (input.AttributeDefinitions) table.AttributeDefinitions = input.AttributeDefinitions;
        for (const u of input.GlobalSecondaryIndexUpdates ?? []) {
          const list = (table.GlobalSecondaryIndexes ??= []);
          if (u.Create) list.push({ ...u.Create, IndexStatus: 'CREATING', Backfilling: true });
          if (u.Delete) list.find((g) => g.IndexName === u.Delete.IndexName)!.IndexStatus = 'DELETING';
          if (u.Update)
            Object.assign(
              list.find((g) => g.IndexName === u.Update.IndexName)!,
              { ProvisionedThroughput: u.Update.ProvisionedThroughput, IndexStatus: 'UPDATING' },
            );
          busy = true;
        }
        if (input.StreamSpecification) {
          if (input.StreamSpecification.StreamEnabled && table.StreamSpecification?.StreamEnabled)
            throw awsError('ValidationException', 'Table already has an enabled stream');
          table.StreamSpecification = input.StreamSpecification;
          if (input.StreamSpecification.StreamEnabled) table.LatestStreamArn = `${ARN}/stream/${this.calls.length}`;
          busy = true;
        }
        if (input.SSESpecification) {
          table.SSEDescription = input.SSESpecification.Enabled
            ? {
                Status: 'UPDATING',
                SSEType: 'KMS',
                KMSMasterKeyArn: input.SSESpecification.KMSMasterKeyId
                  ? `arn:aws:kms:us-east-1:123456789012:key/${input.SSESpecification.KMSMasterKeyId}`
                  : 'arn:aws:kms:us-east-1:123456789012:key/aws-dynamodb-key',
              }
            : { Status: 'DISABLING' };
          busy = true;
        }
        if (input.TableClass) {
          table.TableClassSummary = { TableClass: input.TableClass };
          busy = true;
        }
        if (busy) table.TableStatus = 'UPDATING';
        return { TableDescription: structuredClone(table) };
      }
      case 'TagResource':
        need();
        for (const x of input.Tags) this.tags[x.Key] = x.Value;
        return {};
      case 'UntagResource':
        need();
        for (const k of input.TagKeys) delete this.tags[k];
        return {};
      case 'UpdateTimeToLive': {
        need();
        const s = this.ttl.TimeToLiveStatus;
        if (s === 'ENABLING' || s === 'DISABLING')
          throw awsError('ValidationException', 'Time to live has been modified multiple times within a fixed interval');
        if (input.TimeToLiveSpecification.Enabled && s === 'ENABLED') throw awsError('ValidationException', 'TimeToLive is already enabled');
        this.ttl = {
          TimeToLiveStatus: input.TimeToLiveSpecification.Enabled ? 'ENABLING' : 'DISABLING',
          AttributeName: input.TimeToLiveSpecification.AttributeName,
        };
        return { TimeToLiveSpecification: input.TimeToLiveSpecification };
      }
      case 'UpdateContinuousBackups': {
        need();
        if (!this.backupsAvailable) throw awsError('ContinuousBackupsUnavailableException', 'Backups are being enabled for the table');
        const spec = input.PointInTimeRecoverySpecification;
        this.pitr = {
          PointInTimeRecoveryStatus: spec.PointInTimeRecoveryEnabled ? 'ENABLED' : 'DISABLED',
          RecoveryPeriodInDays: spec.PointInTimeRecoveryEnabled ? (spec.RecoveryPeriodInDays ?? 35) : undefined,
        };
        return { ContinuousBackupsDescription: { ContinuousBackupsStatus: 'ENABLED', PointInTimeRecoveryDescription: { ...this.pitr } } };
      }
      case 'DeleteTable': {
        const table = need();
        if (table.DeletionProtectionEnabled) throw awsError('ValidationException', 'Resource cannot be deleted as it is currently protected against deletion');
        if (table.TableStatus !== 'ACTIVE') throw awsError('ResourceInUseException', 'Table is in use');
        table.TableStatus = 'DELETING';
        return { TableDescription: structuredClone(table) };
      }
      default:
        throw new Error(`unexpected ${op}`);
    }
  }

  /** DynamoDB finishes everything under way. */
  settle(): void {
    const table = this.table;
    if (table?.TableStatus === 'DELETING') {
      this.table = undefined;
      return;
    }
    if (table) {
      table.TableStatus = 'ACTIVE';
      table.GlobalSecondaryIndexes = (table.GlobalSecondaryIndexes ?? [])
        .filter((g) => g.IndexStatus !== 'DELETING')
        .map((g) => ({ ...g, IndexStatus: 'ACTIVE', Backfilling: false }));
      if (table.SSEDescription?.Status === 'UPDATING') table.SSEDescription.Status = 'ENABLED';
      if (table.SSEDescription?.Status === 'DISABLING') delete table.SSEDescription;
    }
    if (this.ttl.TimeToLiveStatus === 'ENABLING') this.ttl.TimeToLiveStatus = 'ENABLED';
    if (this.ttl.TimeToLiveStatus === 'DISABLING') this.ttl = { TimeToLiveStatus: 'DISABLED' };
  }

  ops(): string[] {
    return this.calls.map((c) => c.op);
  }

  writes(): { op: string; input: Input }[] {
    return this.calls.filter((c) => !/^(Describe|List)/.test(c.op));
  }
}

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const cond = (r: SyncResponse, type: string) =>
  (r.status.conditions as { type: string; status: string; reason: string; message: string }[]).find((c) => c.type === type)!;

/** A little Metacontroller: keeps the parent and observed children, feeds answers back. */
function harness(spec: Record<string, unknown>) {
  const ddb = new FakeDynamo();
  const aws = { dynamodb: () => ddb } as unknown as AwsClients;
  let now = Date.parse('2026-03-01T10:00:00Z');
  let parent: Parent = tableParent(spec);
  let children: ObjectMap = { 'ConfigMap.v1': {} };
  return {
    ddb,
    get parent() {
      return parent;
    },
    advance(s: number) {
      now += s * 1000;
    },
    setSpec(s: Record<string, unknown>) {
      parent = { ...parent, spec: s, metadata: { ...parent.metadata, generation: (parent.metadata.generation ?? 1) + 1 } };
    },
    async sync(finalizing = false): Promise<SyncResponse> {
      const { response } = await reconcile(
        tableKind,
        { controller: { apiVersion: 'v1', kind: 'CompositeController', metadata: { name: 'c' } }, parent, children, finalizing },
        { config: DEFAULT_HOOKS_CONFIG, aws, log: silent, now: () => new Date(now) },
      );
      parent = { ...parent, status: response.status };
      const next: ObjectMap = { 'ConfigMap.v1': {} };
      for (const c of response.children)
        next[`${c.kind}.${c.apiVersion}`]![`shop/${c.metadata.name}`] = { ...c, metadata: { ...c.metadata, namespace: 'shop' } };
      children = next;
      return response;
    },
  };
}

/** Create the table and bring it to Ready. */
async function converged(spec: Record<string, unknown>) {
  const h = harness(spec);
  for (let i = 0; i < 6; i++) {
    const r = await h.sync();
    if (cond(r, 'Ready').status === 'True') return h;
    h.ddb.settle();
  }
  throw new Error(`not Ready: ${JSON.stringify(h.parent.status)}`);
}

t.test('create: CREATING waits with a requeue and no write; TTL and backups follow once ACTIVE', async (t) => {
  const h = harness({ ...SEED_004_SPEC, timeToLive: { attributeName: 'ttl' }, pointInTimeRecovery: { recoveryPeriodInDays: 7 } });
  const first = await h.sync();
  t.same(h.ddb.ops(), ['DescribeTable', 'CreateTable']);
  t.equal(cond(first, 'Ready').reason, 'Creating');
  t.equal(first.resyncAfterSeconds, 10);
  t.same(
    first.children.map((c) => c.metadata.name),
    ['orders-table'],
    'the ConfigMap as soon as the ARN is known',
  );
  h.ddb.calls = [];
  const waiting = await h.sync();
  t.equal(cond(waiting, 'Ready').reason, 'Creating');
  t.match(cond(waiting, 'Ready').message, /waiting to apply changes to timeToLive, pointInTimeRecovery/);
  t.same(h.ddb.writes(), [], 'nothing sent to a table being created');
  h.ddb.settle();
  h.ddb.calls = [];
  const ready = await h.sync();
  t.same(
    h.ddb.writes().map((c) => c.op),
    ['UpdateTimeToLive', 'UpdateContinuousBackups'],
  );
  t.equal(cond(ready, 'Ready').status, 'True');
  t.equal(ready.status.timeToLiveStatus, 'ENABLING');
  t.equal(ready.status.pointInTimeRecoveryStatus, 'ENABLED');
  t.equal(h.ddb.pitr.RecoveryPeriodInDays, 7);
});

t.test('point-in-time recovery not offered yet right after creation: a wait, not an error', async (t) => {
  const h = harness({ ...SEED_004_SPEC, pointInTimeRecovery: {} });
  await h.sync();
  h.ddb.settle();
  h.ddb.backupsAvailable = false;
  const r = await h.sync();
  t.equal(cond(r, 'Ready').reason, 'BackupsUnavailable');
  t.equal(cond(r, 'Synced').status, 'True');
  t.equal(r.resyncAfterSeconds, 30);
  h.ddb.backupsAvailable = true;
  t.equal(cond(await h.sync(), 'Ready').status, 'True');
});

t.test('indexes are created and deleted one UpdateTable at a time, never while UPDATING', async (t) => {
  const h = await converged(SEED_004_SPEC);
  const gsi = (name: string, attr: string) => ({ name, hashAttribute: { name: attr, type: 'S' }, readCapacityUnits: 1, writeCapacityUnits: 1 });
  h.setSpec({ ...SEED_004_SPEC, globalSecondaryIndexes: [gsi('by-a', 'a'), gsi('by-b', 'b')] });
  h.ddb.calls = [];
  const first = await h.sync();
  t.same(
    h.ddb.writes().map((c) => c.input.GlobalSecondaryIndexUpdates),
    [
      [
        {
          Create: {
            IndexName: 'by-a',
            KeySchema: [{ AttributeName: 'a', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'ALL' },
            ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
          },
        },
      ],
    ],
    'one creation',
  );
  t.equal(cond(first, 'Ready').reason, 'Updating');
  t.equal(cond(first, 'Ready').status, 'False');
  for (let i = 0; i < 2; i++) {
    h.ddb.calls = [];
    const busy = await h.sync();
    t.same(h.ddb.writes(), [], 'nothing sent while the table is UPDATING');
    t.equal(cond(busy, 'Ready').reason, 'Updating');
    t.match(cond(busy, 'Ready').message, /waiting to apply changes to createIndex:by-b/);
  }
  h.ddb.settle();
  h.ddb.calls = [];
  await h.sync();
  t.same(
    h.ddb.writes().map((c) => c.input.GlobalSecondaryIndexUpdates[0].Create.IndexName),
    ['by-b'],
    'the second creation, on the next sync',
  );
  h.ddb.settle();
  const done = await h.sync();
  t.equal(cond(done, 'Ready').status, 'True');
  t.same(done.status.managedIndexNames, ['by-a', 'by-b']);
  t.same(done.status.globalSecondaryIndexes, [
    { name: 'by-a', status: 'ACTIVE' },
    { name: 'by-b', status: 'ACTIVE' },
  ]);

  // An index someone else adds is never deleted; ours are, one per call.
  h.ddb.table!.GlobalSecondaryIndexes!.push({
    IndexName: 'theirs',
    KeySchema: [{ AttributeName: 'a', KeyType: 'HASH' }],
    Projection: { ProjectionType: 'KEYS_ONLY' },
    IndexStatus: 'ACTIVE',
    ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
  });
  h.setSpec(SEED_004_SPEC);
  h.ddb.calls = [];
  const removing = await h.sync();
  t.same(
    h.ddb.writes().map((c) => c.input.GlobalSecondaryIndexUpdates),
    [[{ Delete: { IndexName: 'by-a' } }]],
  );
  t.equal(cond(removing, 'Ready').status, 'False');
  h.ddb.table!.TableStatus = 'ACTIVE'; // the table is ACTIVE again while the index is still DELETING
  h.ddb.calls = [];
  const deleting = await h.sync();
  t.same(h.ddb.writes(), [], 'nothing sent while an index is still being deleted');
  t.equal(cond(deleting, 'Ready').reason, 'IndexDeleting');
  t.match(cond(deleting, 'Ready').message, /global secondary index by-a \(DELETING\)/);
  h.ddb.settle();
  h.ddb.calls = [];
  await h.sync();
  t.same(
    h.ddb.writes().map((c) => c.input.GlobalSecondaryIndexUpdates),
    [[{ Delete: { IndexName: 'by-b' } }]],
    'then the next deletion',
  );
  h.ddb.settle();
  const gone = await h.sync();
  t.equal(cond(gone, 'Ready').status, 'True');
  t.same(
    h.ddb.table!.GlobalSecondaryIndexes!.map((g) => g.IndexName),
    ['theirs'],
  );
  t.same(gone.status.managedIndexNames, undefined, 'nothing managed any more');
});

t.test('a capacity change is sent once, even while DynamoDB is still applying it', async (t) => {
  const h = await converged(SEED_004_SPEC);
  h.setSpec({ ...SEED_004_SPEC, readCapacityUnits: 20 });
  h.ddb.calls = [];
  const sent = await h.sync();
  t.same(h.ddb.writes(), [{ op: 'UpdateTable', input: { TableName: NAME, ProvisionedThroughput: { ReadCapacityUnits: 20, WriteCapacityUnits: 5 } } }]);
  t.equal(cond(sent, 'Ready').reason, 'Updating');
  h.ddb.calls = [];
  const again = await h.sync();
  t.same(h.ddb.writes(), [], 'not sent again');
  t.equal(again.resyncAfterSeconds, 10);
  h.ddb.settle();
  t.equal(cond(await h.sync(), 'Ready').status, 'True');
});

t.test('several changes: one UpdateTable per sync, in order, Ready only at the end', async (t) => {
  const h = await converged(SEED_004_SPEC);
  h.setSpec({
    ...SEED_004_SPEC,
    readCapacityUnits: 6,
    deletionProtection: true,
    stream: { viewType: 'NEW_IMAGE' },
    encryption: { keyType: 'AWS_MANAGED' },
    tableClass: 'STANDARD_INFREQUENT_ACCESS',
  });
  const order: string[] = [];
  for (let i = 0; i < 10; i++) {
    h.ddb.calls = [];
    const r = await h.sync();
    const writes = h.ddb.writes();
    t.ok(writes.length <= 1, 'at most one write per sync');
    order.push(
      ...writes.map((w) =>
        Object.keys(w.input)
          .filter((k) => k !== 'TableName')
          .join('+'),
      ),
    );
    if (cond(r, 'Ready').status === 'True') break;
    h.ddb.settle();
  }
  t.same(order, ['DeletionProtectionEnabled', 'ProvisionedThroughput', 'StreamSpecification', 'SSESpecification', 'TableClass']);
  t.equal((h.parent.status as Record<string, unknown>).streamArn, h.ddb.table!.LatestStreamArn);
});

t.test('the stream view type changes off, then on: a new stream ARN in the ConfigMap', async (t) => {
  const h = await converged({ ...SEED_004_SPEC, stream: { viewType: 'NEW_IMAGE' } });
  const before = (h.parent.status as Record<string, unknown>).streamArn as string;
  t.ok(before);
  h.setSpec({ ...SEED_004_SPEC, stream: { viewType: 'KEYS_ONLY' } });
  h.ddb.calls = [];
  const off = await h.sync();
  t.same(
    h.ddb.writes().map((c) => c.input.StreamSpecification),
    [{ StreamEnabled: false }],
  );
  t.equal(off.status.streamArn, undefined, 'no stream ARN while off');
  t.notOk((off.children[0] as unknown as { data: Record<string, string> }).data.STREAM_ARN, 'nor in the ConfigMap');
  h.ddb.settle();
  h.ddb.calls = [];
  const on = await h.sync();
  t.same(
    h.ddb.writes().map((c) => c.input.StreamSpecification),
    [{ StreamEnabled: true, StreamViewType: 'KEYS_ONLY' }],
  );
  h.ddb.settle();
  const ready = await h.sync();
  t.equal(cond(ready, 'Ready').status, 'True', JSON.stringify(on.status.conditions));
  t.not(ready.status.streamArn, before);
  t.equal((ready.children[0] as unknown as { data: Record<string, string> }).data.STREAM_ARN, ready.status.streamArn);
});

t.test('a TTL attribute change: off, wait for DynamoDB (no call), then on', async (t) => {
  const h = await converged({ ...SEED_004_SPEC, timeToLive: { attributeName: 'old' } });
  h.ddb.settle();
  h.setSpec({ ...SEED_004_SPEC, timeToLive: { attributeName: 'expires' } });
  h.ddb.calls = [];
  const off = await h.sync();
  t.same(
    h.ddb.writes().map((c) => c.input.TimeToLiveSpecification),
    [{ Enabled: false, AttributeName: 'old' }],
  );
  t.equal(cond(off, 'Ready').reason, 'TimeToLivePending');
  t.equal(off.resyncAfterSeconds, 300);
  h.ddb.calls = [];
  const waiting = await h.sync();
  t.same(h.ddb.writes(), [], 'no call while DynamoDB is disabling');
  t.equal(cond(waiting, 'Ready').reason, 'TimeToLivePending');
  t.match(cond(waiting, 'Ready').message, /still disabling time to live on "old".*"expires" follows/);
  h.ddb.settle();
  h.ddb.calls = [];
  const on = await h.sync();
  t.same(
    h.ddb.writes().map((c) => c.input.TimeToLiveSpecification),
    [{ Enabled: true, AttributeName: 'expires' }],
  );
  t.equal(cond(on, 'Ready').status, 'True');

  // DynamoDB's own refusal (a change within the hour) is a wait too.
  h.setSpec({ ...SEED_004_SPEC, timeToLive: { attributeName: 'expires', enabled: false } });
  h.ddb.ttl = { TimeToLiveStatus: 'ENABLED', AttributeName: 'expires' };
  h.ddb.failNext.UpdateTimeToLive = Object.assign(new Error('Time to live has been modified multiple times within a fixed interval'), {
    name: 'ValidationException',
    $fault: 'client',
  });
  const refused = await h.sync();
  t.equal(cond(refused, 'Ready').reason, 'TimeToLivePending');
  t.equal(cond(refused, 'Synced').status, 'True', 'not an error');
});

t.test("a table busy with someone else's change: a short wait, not an error", async (t) => {
  const h = await converged(SEED_004_SPEC);
  h.setSpec({ ...SEED_004_SPEC, writeCapacityUnits: 9 });
  h.ddb.failNext.UpdateTable = awsError('ResourceInUseException', 'Attempt to change a resource which is still in use');
  const r = await h.sync();
  t.equal(cond(r, 'Ready').status, 'False');
  t.equal(cond(r, 'Synced').status, 'True');
  t.equal(r.resyncAfterSeconds, 5);
  h.ddb.calls = [];
  await h.sync();
  t.same(
    h.ddb.writes().map((c) => c.op),
    ['UpdateTable'],
    'sent on the next sync',
  );
});

t.test('encryption: a switch from a customer key to the AWS managed key is applied', async (t) => {
  const KEY = '1234abcd-12ab-34cd-56ef-1234567890ab';
  const h = await converged({ ...SEED_004_SPEC, encryption: { keyType: 'CUSTOMER_MANAGED', kmsKeyId: KEY } });
  h.ddb.settle();
  h.ddb.calls = [];
  h.advance(31);
  const steady = await h.sync();
  t.equal(steady.status.customerKmsKeyArn, `arn:aws:kms:us-east-1:123456789012:key/${KEY}`);
  t.same(h.ddb.writes(), [], 'converged on the customer key');
  h.setSpec({ ...SEED_004_SPEC, encryption: { keyType: 'AWS_MANAGED' } });
  h.ddb.calls = [];
  await h.sync();
  t.same(
    h.ddb.writes().map((c) => c.input.SSESpecification),
    [{ Enabled: true, SSEType: 'KMS' }],
  );
  h.ddb.settle();
  const done = await h.sync();
  t.equal(cond(done, 'Ready').status, 'True');
  t.equal(done.status.customerKmsKeyArn, undefined);
  h.advance(31);
  h.ddb.calls = [];
  await h.sync();
  t.same(h.ddb.writes(), [], 'and not sent again');
});

t.test('a table DynamoDB cannot decrypt needs a person: a slow requeue', async (t) => {
  const h = await converged(SEED_004_SPEC);
  h.ddb.table!.TableStatus = 'INACCESSIBLE_ENCRYPTION_CREDENTIALS';
  h.advance(31);
  const r = await h.sync();
  t.equal(cond(r, 'Ready').reason, 'InaccessibleEncryptionCredentials');
  t.match(cond(r, 'Ready').message, /restore access to the key/);
  t.equal(r.resyncAfterSeconds, 300);
  t.same(
    r.children.map((c) => c.metadata.name),
    ['orders-table'],
    'children kept',
  );
});

t.test('a table whose tags are not readable yet while CREATING: wait, judge ownership later', async (t) => {
  const h = harness(SEED_004_SPEC);
  h.ddb.table = { TableName: NAME, TableArn: ARN, TableStatus: 'CREATING' };
  h.ddb.failNext.ListTagsOfResource = awsError('ResourceNotFoundException');
  const r = await h.sync();
  t.equal(cond(r, 'Ready').reason, 'Creating');
  t.same(h.ddb.writes(), []);
});

t.test('finalize: deletion protection waits with a clear condition; lifted only when the spec says false', async (t) => {
  const h = await converged({ ...SEED_004_SPEC, deletionProtection: true });
  h.ddb.settle();
  h.ddb.calls = [];
  const protectedAnswer = await h.sync(true);
  t.equal(protectedAnswer.finalized, false);
  t.equal(cond(protectedAnswer, 'Ready').reason, 'DeletionProtected');
  t.match(cond(protectedAnswer, 'Ready').message, /set spec.deletionProtection: false .* or deletionPolicy: Retain/);
  t.equal(protectedAnswer.resyncAfterSeconds, 60);
  t.same(h.ddb.writes(), [], 'protection not lifted, no delete');
  t.same(h.ddb.ops(), ['DescribeTable', 'ListTagsOfResource'], 'finalize reads only the table and its tags');

  // Protection on in AWS with the spec silent about it: still waits.
  h.setSpec(SEED_004_SPEC);
  h.ddb.calls = [];
  t.equal(cond(await h.sync(true), 'Ready').reason, 'DeletionProtected');
  t.same(h.ddb.writes(), []);

  h.setSpec({ ...SEED_004_SPEC, deletionProtection: false });
  h.ddb.calls = [];
  const deleting = await h.sync(true);
  t.same(
    h.ddb.writes().map((c) => c.op),
    ['UpdateTable', 'DeleteTable'],
  );
  t.same(h.ddb.writes()[0]!.input, { TableName: NAME, DeletionProtectionEnabled: false });
  t.equal(deleting.finalized, false, 'DynamoDB still DELETING: not finalized');
  t.equal(cond(deleting, 'Ready').reason, 'Deleting');
  t.equal(deleting.resyncAfterSeconds, 10);
  h.ddb.calls = [];
  const still = await h.sync(true);
  t.equal(still.finalized, false);
  t.same(h.ddb.writes(), [], 'the delete is not sent again');
  h.ddb.settle();
  const done = await h.sync(true);
  t.equal(done.finalized, true, 'finalized once a read says the table is gone');
  t.equal(cond(done, 'Ready').reason, 'Deleted');
});

t.test('finalize waits while the table is UPDATING', async (t) => {
  const h = await converged(SEED_004_SPEC);
  h.ddb.table!.TableStatus = 'UPDATING';
  const r = await h.sync(true);
  t.equal(r.finalized, false);
  t.equal(cond(r, 'Ready').reason, 'Updating');
  t.notOk(h.ddb.ops().includes('DeleteTable'));
});
