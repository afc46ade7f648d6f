/** The Table kind against moto: owner-tag Conflict and adopt, finalize with Delete, Retain and deletion protection. */
import t from 'tap';
import { CreateTableCommand, DescribeTableCommand, ListTagsOfResourceCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { resetMoto } from '../../helpers/moto.js';
import { testApp } from '../../helpers/app.js';
import { SEED_004_SPEC, tableParent } from '../../helpers/table.js';
import { callsByOperation, CM, cond, diffCalls, dynamo, syncUntilReady, withSpec } from '../../helpers/table-moto.js';

const exists = async (name: string) => {
  try {
    return (await dynamo().send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (err) {
    if ((err as Error).name === 'ResourceNotFoundException') return undefined;
    throw err;
  }
};

async function createOutside(name: string, tags: Record<string, string> = {}, extra: Record<string, unknown> = {}): Promise<void> {
  await dynamo().send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: [
        { AttributeName: 'name', KeyType: 'HASH' },
        { AttributeName: 'created_at', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'name', AttributeType: 'S' },
        { AttributeName: 'created_at', AttributeType: 'S' },
      ],
      ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      ...extra,
    }),
  );
}

t.beforeEach(async () => {
  await resetMoto();
});

t.test('a table owned by another Table is a Conflict, never touched, even with adopt; finalize leaves it', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  await createOutside('awshooks-shop-orders', {
    'awshooks.dev/cluster': 'default',
    'awshooks.dev/namespace': 'other',
    'awshooks.dev/name': 'orders',
    'awshooks.dev/kind': 'Table',
  });
  const parent = tableParent({ ...SEED_004_SPEC, adopt: true });
  const before = await callsByOperation(app);
  const conflict = await app.sync('tables', { parent, children: { [CM]: {} } });
  t.equal(cond(conflict, 'Ready').reason, 'Conflict');
  t.match(cond(conflict, 'Ready').message, /belongs to Table other\/orders in cluster default/);
  t.same(diffCalls(await callsByOperation(app), before), { DescribeTable: 1, ListTagsOfResource: 1 }, 'reads only');
  t.same(conflict.children, [], 'no ConfigMap for a table that is not ours');
  t.equal((await exists('awshooks-shop-orders'))?.ProvisionedThroughput?.ReadCapacityUnits, 1, 'not modified');
  const fin = await app.sync('tables', { parent: { ...parent, status: conflict.status }, children: { [CM]: {} }, finalizing: true }, 'finalize');
  t.equal(fin.finalized, true);
  t.equal(cond(fin, 'Ready').reason, 'NotOwned');
  t.ok(await exists('awshooks-shop-orders'), 'never deleted');
});

t.test('a table without owner tags: Conflict until adopt, then tagged, set to the spec, managed', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  await createOutside('awshooks-shop-legacy', { team: 'old' });
  const parent = tableParent({ ...SEED_004_SPEC, tags: { team: 'payments' } }, undefined, 'legacy');
  const refused = await app.sync('tables', { parent, children: { [CM]: {} } });
  t.equal(cond(refused, 'Ready').reason, 'Conflict');
  t.match(cond(refused, 'Ready').message, /set spec.adopt: true/);
  const adopted = await syncUntilReady(app, withSpec(parent, { ...SEED_004_SPEC, tags: { team: 'payments' }, adopt: true }));
  const table = (await exists('awshooks-shop-legacy'))!;
  t.same([table.ProvisionedThroughput?.ReadCapacityUnits, table.ProvisionedThroughput?.WriteCapacityUnits], [5, 5], 'capacity set to the spec');
  const tags = Object.fromEntries(
    ((await dynamo().send(new ListTagsOfResourceCommand({ ResourceArn: table.TableArn! }))).Tags ?? []).map((x) => [x.Key, x.Value]),
  );
  t.match(tags, { team: 'payments', 'awshooks.dev/name': 'legacy', 'awshooks.dev/namespace': 'shop', 'awshooks.dev/kind': 'Table' });
  t.equal(adopted.answer.status.tableArn, table.TableArn);
});

t.test('an adopted table with another key schema is refused (KeySchemaMismatch), unchanged', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  await dynamo().send(
    new CreateTableCommand({
      TableName: 'awshooks-shop-orders',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const answer = await app.sync('tables', { parent: tableParent({ ...SEED_004_SPEC, adopt: true }), children: { [CM]: {} } });
  t.equal(cond(answer, 'Ready').reason, 'KeySchemaMismatch');
  t.match(cond(answer, 'Ready').message, /key schema is id \(N\) but the spec says name \(S\), created_at \(S\)/);
  const tags = (await dynamo().send(new ListTagsOfResourceCommand({ ResourceArn: (await exists('awshooks-shop-orders'))!.TableArn! }))).Tags ?? [];
  t.same(tags, [], 'not even tagged');
});

t.test('finalize Delete: deleted, confirmed by a read, idempotent; Retain: no AWS call', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const del = await syncUntilReady(app, tableParent(SEED_004_SPEC));
  const before = await callsByOperation(app);
  const fin = await app.sync('tables', { parent: del.parent, children: del.children, finalizing: true }, 'finalize');
  t.same(diffCalls(await callsByOperation(app), before), { DescribeTable: 2, ListTagsOfResource: 1, DeleteTable: 1 }, 'read, delete, read again');
  t.equal(fin.finalized, true);
  t.equal(cond(fin, 'Ready').reason, 'Deleted');
  t.equal(await exists('awshooks-shop-orders'), undefined, 'gone');
  const again = await app.sync('tables', { parent: del.parent, children: del.children, finalizing: true }, 'finalize');
  t.equal(again.finalized, true, 'idempotent');

  const keep = await syncUntilReady(app, tableParent({ ...SEED_004_SPEC, deletionPolicy: 'Retain' }, undefined, 'audit'));
  const calls = await app.awsCalls();
  const kept = await app.sync('tables', { parent: keep.parent, children: keep.children, finalizing: true }, 'finalize');
  t.equal(kept.finalized, true);
  t.equal(cond(kept, 'Ready').reason, 'Retained');
  t.equal((await app.awsCalls()) - calls, 0, 'Retain makes no AWS call');
  t.ok(await exists('awshooks-shop-audit'), 'still there');
});

t.test('finalize with deletion protection on: waits with DeletionProtected; deletes once the spec says false', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const ready = await syncUntilReady(app, tableParent({ ...SEED_004_SPEC, deletionProtection: true }));
  let before = await callsByOperation(app);
  const waiting = await app.sync('tables', { parent: ready.parent, children: ready.children, finalizing: true }, 'finalize');
  t.equal(waiting.finalized, false);
  t.equal(cond(waiting, 'Ready').reason, 'DeletionProtected');
  t.match(cond(waiting, 'Ready').message, /deletion protection on: set spec.deletionProtection: false/);
  t.equal(waiting.resyncAfterSeconds, 60);
  t.same(waiting.children, ready.answer.children, 'children kept while waiting');
  t.same(diffCalls(await callsByOperation(app), before), { DescribeTable: 1, ListTagsOfResource: 1 }, 'protection not lifted by awshooks');
  t.ok(await exists('awshooks-shop-orders'));

  // Protection switched on outside while the spec says nothing: still waits.
  const silent = await app.sync('tables', { parent: withSpec(ready.parent, SEED_004_SPEC), children: ready.children, finalizing: true }, 'finalize');
  t.equal(cond(silent, 'Ready').reason, 'DeletionProtected');

  before = await callsByOperation(app);
  const done = await app.sync(
    'tables',
    { parent: withSpec(ready.parent, { ...SEED_004_SPEC, deletionProtection: false }), children: ready.children, finalizing: true },
    'finalize',
  );
  t.same(diffCalls(await callsByOperation(app), before), { DescribeTable: 2, ListTagsOfResource: 1, UpdateTable: 1, DeleteTable: 1 });
  t.equal(done.finalized, true);
  t.equal(await exists('awshooks-shop-orders'), undefined);
});

t.test('finalize of a table deleted outside, or never created: finalized', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const ready = await syncUntilReady(app, tableParent(SEED_004_SPEC));
  await dynamo().send(new UpdateTableCommand({ TableName: 'awshooks-shop-orders', DeletionProtectionEnabled: false }));
  const { DeleteTableCommand } = await import('@aws-sdk/client-dynamodb');
  await dynamo().send(new DeleteTableCommand({ TableName: 'awshooks-shop-orders' }));
  const fin = await app.sync('tables', { parent: ready.parent, children: ready.children, finalizing: true }, 'finalize');
  t.equal(fin.finalized, true);
  const never = await app.sync(
    'tables',
    { parent: tableParent({ hashAttribute: { name: 'id', type: 'S' } }, undefined, 'broken'), children: { [CM]: {} }, finalizing: true },
    'finalize',
  );
  t.equal(never.finalized, true, 'an invalid spec that never created anything finalizes');
});
