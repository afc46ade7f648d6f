/** The Table kind against moto: create, converged syncs, the drift-check budget, drift repaired. */
import t from 'tap';
import {
  DescribeTableCommand,
  ListTagsOfResourceCommand,
  PutItemCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { resetMoto } from '../../helpers/moto.js';
import { applyAnswer, testApp } from '../../helpers/app.js';
import { SEED_004_SPEC, tableParent } from '../../helpers/table.js';
import { callsByOperation, CM, cond, configMapData, diffCalls, dynamo, syncUntilReady, withSpec } from '../../helpers/table-moto.js';

const NAME = 'awshooks-shop-orders';

t.beforeEach(async () => {
  await resetMoto();
});

t.test("seed 004's table: created as written, Ready, ConfigMap for apps, owner tags at creation", async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const first = await app.sync('tables', { parent: tableParent(SEED_004_SPEC), children: { [CM]: {} } });
  t.equal(cond(first, 'Ready').status, 'True', 'moto creates tables ACTIVE: Ready at once');
  t.equal(first.status.tableName, NAME);
  t.equal(first.status.tableArn, `arn:aws:dynamodb:us-east-1:123456789012:table/${NAME}`);
  t.equal(first.status.tableStatus, 'ACTIVE');
  t.equal(first.status.billingMode, 'PROVISIONED');
  t.equal(first.status.region, 'us-east-1', 'no region in the spec: the service default');
  t.same(
    first.children.map((c) => [c.kind, c.metadata.name]),
    [['ConfigMap', 'orders-table']],
  );
  t.same(configMapData(first), { TABLE_NAME: NAME, TABLE_ARN: first.status.tableArn, AWS_REGION: 'us-east-1' }, 'no STREAM_ARN without a stream');

  const table = (await dynamo().send(new DescribeTableCommand({ TableName: NAME }))).Table!;
  t.same(table.KeySchema, [
    { AttributeName: 'name', KeyType: 'HASH' },
    { AttributeName: 'created_at', KeyType: 'RANGE' },
  ]);
  t.same(table.ProvisionedThroughput && [table.ProvisionedThroughput.ReadCapacityUnits, table.ProvisionedThroughput.WriteCapacityUnits], [5, 5]);
  const tags = Object.fromEntries(
    ((await dynamo().send(new ListTagsOfResourceCommand({ ResourceArn: table.TableArn! }))).Tags ?? []).map((x) => [x.Key, x.Value]),
  );
  t.same(tags, {
    'awshooks.dev/cluster': 'default',
    'awshooks.dev/namespace': 'shop',
    'awshooks.dev/name': 'orders',
    'awshooks.dev/uid': 'uid-shop-orders',
    'awshooks.dev/kind': 'Table',
  });
  // The table is usable the way the seed's app uses it.
  await dynamo().send(new PutItemCommand({ TableName: NAME, Item: { name: { S: 'ada' }, created_at: { S: '2026-11-22T10:00:00Z' } } }));
});

t.test('converged: 0 AWS calls inside the interval; a drift check costs 2 reads, 4 with TTL and PITR in the spec', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const ready = await syncUntilReady(app, tableParent({ ...SEED_004_SPEC, tags: { team: 'payments' } }));
  let before = await app.awsCalls();
  app.clock.advance(5);
  const steady = await app.sync('tables', { parent: ready.parent, children: ready.children });
  t.equal((await app.awsCalls()) - before, 0, 'converged sync inside the interval: zero AWS calls');
  t.same(steady.status, ready.answer.status, 'the same status: no status write');
  t.same(steady.children, ready.answer.children);

  app.clock.advance(30);
  let ops = await callsByOperation(app);
  const check = await app.sync('tables', { parent: ready.parent, children: ready.children });
  t.same(
    diffCalls(await callsByOperation(app), ops),
    { DescribeTable: 1, ListTagsOfResource: 1 },
    'a drift check: DescribeTable + ListTagsOfResource, no write',
  );
  t.equal(cond(check, 'Ready').status, 'True');

  // With TTL and point-in-time recovery in the spec, each adds its one read.
  const full = await syncUntilReady(app, tableParent({ ...SEED_004_SPEC, timeToLive: { attributeName: 'ttl' }, pointInTimeRecovery: {} }, undefined, 'audit'));
  before = await app.awsCalls();
  app.clock.advance(5);
  await app.sync('tables', { parent: full.parent, children: full.children });
  t.equal((await app.awsCalls()) - before, 0, 'zero calls converged');
  app.clock.advance(31);
  ops = await callsByOperation(app);
  const again = applyAnswer(full.parent, await app.sync('tables', { parent: full.parent, children: full.children }), [CM]);
  t.same(
    diffCalls(await callsByOperation(app), ops),
    { DescribeTable: 1, ListTagsOfResource: 1, DescribeTimeToLive: 1, DescribeContinuousBackups: 1 },
    'four reads, no write',
  );
  t.match(again.parent.status, { timeToLiveStatus: 'ENABLED', pointInTimeRecoveryStatus: 'ENABLED' });
});

t.test("drift: capacity changed and tags touched behind our back are repaired; others' tags left alone", async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const ready = await syncUntilReady(app, tableParent({ ...SEED_004_SPEC, tags: { team: 'payments' } }));
  const arn = ready.answer.status.tableArn as string;
  await dynamo().send(new UpdateTableCommand({ TableName: NAME, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 2 } }));
  await dynamo().send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['team', 'awshooks.dev/uid'] }));
  await dynamo().send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'cost-center', Value: 'x' }] }));
  app.clock.advance(31);
  const before = await callsByOperation(app);
  const fixed = await app.sync('tables', { parent: ready.parent, children: ready.children });
  const writes = diffCalls(await callsByOperation(app), before);
  t.same(writes, { DescribeTable: 1, ListTagsOfResource: 1, TagResource: 1, UpdateTable: 1 }, 'one tag call, one UpdateTable');
  t.equal(cond(fixed, 'Ready').status, 'True');
  const table = (await dynamo().send(new DescribeTableCommand({ TableName: NAME }))).Table!;
  t.same([table.ProvisionedThroughput?.ReadCapacityUnits, table.ProvisionedThroughput?.WriteCapacityUnits], [5, 5], 'capacity set back');
  const tags = Object.fromEntries(((await dynamo().send(new ListTagsOfResourceCommand({ ResourceArn: arn }))).Tags ?? []).map((x) => [x.Key, x.Value]));
  t.equal(tags.team, 'payments', 'our tag set back');
  t.equal(tags['awshooks.dev/uid'], 'uid-shop-orders', 'owner tag set back');
  t.equal(tags['cost-center'], 'x', 'a tag set outside is left alone');

  // The next drift check finds nothing to do.
  const next = applyAnswer(ready.parent, fixed, [CM]);
  app.clock.advance(31);
  const quiet = await callsByOperation(app);
  await app.sync('tables', { parent: next.parent, children: next.children });
  t.same(diffCalls(await callsByOperation(app), quiet), { DescribeTable: 1, ListTagsOfResource: 1 }, 'no write repeated');
});

t.test('spec changes: capacity, billing mode both ways, a removed tag; only what differs is sent', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const ready = await syncUntilReady(app, tableParent({ ...SEED_004_SPEC, tags: { team: 'payments', tier: 'gold' } }));
  let before = await callsByOperation(app);
  const bigger = await syncUntilReady(app, withSpec(ready.parent, { ...SEED_004_SPEC, readCapacityUnits: 10, tags: { team: 'payments' } }), 6, ready.children);
  t.same(diffCalls(await callsByOperation(app), before), { DescribeTable: 1, ListTagsOfResource: 1, UntagResource: 1, UpdateTable: 1 });
  t.equal(bigger.answer.status.observedGeneration, 2);
  let table = (await dynamo().send(new DescribeTableCommand({ TableName: NAME }))).Table!;
  t.equal(table.ProvisionedThroughput?.ReadCapacityUnits, 10);

  const { readCapacityUnits: _r, writeCapacityUnits: _w, ...keys } = SEED_004_SPEC;
  const ondemand = await syncUntilReady(
    app,
    withSpec(bigger.parent, { ...keys, billingMode: 'PAY_PER_REQUEST', tags: { team: 'payments' } }),
    6,
    bigger.children,
  );
  t.equal(ondemand.answer.status.billingMode, 'PAY_PER_REQUEST');
  table = (await dynamo().send(new DescribeTableCommand({ TableName: NAME }))).Table!;
  t.equal(table.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST');

  before = await callsByOperation(app);
  const back = await syncUntilReady(
    app,
    withSpec(ondemand.parent, { ...SEED_004_SPEC, readCapacityUnits: 3, writeCapacityUnits: 4, tags: { team: 'payments' } }),
    6,
    ondemand.children,
  );
  t.same(diffCalls(await callsByOperation(app), before), { DescribeTable: 1, ListTagsOfResource: 1, UpdateTable: 1 }, 'back to provisioned in one call');
  t.equal(back.answer.status.billingMode, 'PROVISIONED');
  table = (await dynamo().send(new DescribeTableCommand({ TableName: NAME }))).Table!;
  t.same([table.ProvisionedThroughput?.ReadCapacityUnits, table.ProvisionedThroughput?.WriteCapacityUnits], [3, 4]);
});

t.test('an invalid spec: InvalidSpec naming the field, no AWS call, children kept', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const ready = await syncUntilReady(app, tableParent(SEED_004_SPEC));
  const before = await app.awsCalls();
  const bad = await app.sync('tables', {
    parent: withSpec(ready.parent, {
      ...SEED_004_SPEC,
      globalSecondaryIndexes: [{ name: 'by-name', hashAttribute: { name: 'name', type: 'N' }, readCapacityUnits: 1, writeCapacityUnits: 1 }],
    }),
    children: ready.children,
  });
  t.equal(cond(bad, 'Ready').reason, 'InvalidSpec');
  t.match(cond(bad, 'Ready').message, /spec.globalSecondaryIndexes\[0\].hashAttribute: attribute "name" is declared as N here and as S elsewhere/);
  t.equal((await app.awsCalls()) - before, 0, 'no AWS call');
  t.same(bad.children, ready.answer.children, 'the ConfigMap is kept');
});
