/** The Table hooks through fastify.inject, AWS unreachable: the contract on every path that needs no AWS. */
import t from 'tap';
import { testApp, TEST_TOKEN } from '../helpers/app.js';
import type { SyncResponse } from '../../hooks/core/types.js';
import { hashOf } from '../../hooks/core/hash.js';
import { desiredTable } from '../../hooks/table/desired.js';
import type { TableStatus } from '../../schemas/table.js';
import { SEED_004_SPEC, tableInput, tableParent } from '../helpers/table.js';

process.env.AWS_ACCESS_KEY_ID ??= 'testing';
process.env.AWS_SECRET_ACCESS_KEY ??= 'testing';

/** Nothing listens here: every AWS call fails with ECONNREFUSED. */
const CLOSED = 'http://127.0.0.1:1';
const ARN = 'arn:aws:dynamodb:eu-west-1:123456789012:table/awshooks-shop-orders';
const CM = 'ConfigMap.v1';
const reason = (answer: SyncResponse) => (answer.status.conditions as { type: string; reason: string }[]).find((c) => c.type === 'Ready')?.reason;

/** A Table that converged at the test clock's start, with its observed ConfigMap. */
function converged(spec: Record<string, unknown> = { ...SEED_004_SPEC, region: 'eu-west-1' }) {
  const at = '2026-11-22T10:00:00.000Z';
  const status: TableStatus = {
    tableName: 'awshooks-shop-orders',
    tableArn: ARN,
    region: 'eu-west-1',
    tableStatus: 'ACTIVE',
    billingMode: 'PROVISIONED',
    managedTagKeys: [],
    conditions: [
      { type: 'Ready', status: 'True', reason: 'Available', message: 'Table is ready', lastTransitionTime: at },
      { type: 'Synced', status: 'True', reason: 'Synced', message: 'AWS matches the spec', lastTransitionTime: at },
    ],
    observedGeneration: 1,
  };
  // What the last successful sync converged on, as the core hashes it.
  const inputHash = hashOf(desiredTable(tableInput(spec, { status })));
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'orders-table',
      namespace: 'shop',
      labels: { 'app.kubernetes.io/managed-by': 'awshooks', 'awshooks.dev/owner-kind': 'Table', 'awshooks.dev/owner-name': 'orders' },
    },
    data: { TABLE_NAME: 'awshooks-shop-orders', TABLE_ARN: ARN, AWS_REGION: 'eu-west-1' },
  };
  return { parent: tableParent(spec, { ...status, inputHash }), children: { [CM]: { 'shop/orders-table': configMap } } };
}

t.test('the routes exist and require the bearer token', async (t) => {
  const app = await testApp({}, { awsEndpointUrl: CLOSED });
  t.teardown(() => app.close());
  for (const hook of ['sync', 'finalize', 'customize']) {
    const res = await app.hooks.inject({
      method: 'POST',
      url: `/hooks/tables/${hook}`,
      payload: { controller: {}, parent: tableParent(SEED_004_SPEC), children: {} },
    });
    t.equal(res.statusCode, 401, `${hook} without a token`);
  }
  const customize = await app.hooks.inject({
    method: 'POST',
    url: '/hooks/tables/customize',
    headers: { authorization: `Bearer ${TEST_TOKEN}` },
    payload: { controller: {}, parent: tableParent(SEED_004_SPEC) },
  });
  t.equal(customize.statusCode, 200);
  t.same(
    customize.json(),
    { relatedResources: [{ apiVersion: 'v1', resource: 'configmaps', namespace: 'shop', names: ['orders-table'] }] },
    'a Table relates only its ConfigMap name (child-name conflict check)',
  );
  const wrong = await app.hooks.inject({
    method: 'POST',
    url: '/hooks/tables/sync',
    headers: { authorization: `Bearer ${TEST_TOKEN}` },
    payload: { controller: {}, parent: { ...tableParent(SEED_004_SPEC), kind: 'Queue' }, children: {} },
  });
  t.equal(wrong.statusCode, 400, 'a parent of another kind');
});

t.test('converged inside the drift interval: zero AWS calls, the same answer twice', async (t) => {
  const app = await testApp({}, { awsEndpointUrl: CLOSED });
  t.teardown(() => app.close());
  const { parent, children } = converged();
  app.clock.advance(10);
  const a = await app.sync('tables', { parent, children });
  const b = await app.sync('tables', { parent, children });
  t.equal(await app.awsCalls(), 0);
  t.equal(JSON.stringify(a), JSON.stringify(b), 'byte-identical');
  t.same(a.status, parent.status, 'status unchanged: no status write');
  // A replica that has not checked this parent yet spreads its first check over the interval.
  t.ok(a.resyncAfterSeconds! >= 1 && a.resyncAfterSeconds! <= 300, 'until the next drift check');
  t.same(
    a.children.map((c) => c.metadata.name),
    ['orders-table'],
  );
});

t.test('AWS down at a drift check: the ConfigMap is kept, Ready=False with the error, backoff', async (t) => {
  const app = await testApp({}, { awsEndpointUrl: CLOSED });
  t.teardown(() => app.close());
  const { parent, children } = converged();
  // A status that no longer matches the spec's hash: AWS must be read.
  const stale = { ...parent, status: { ...parent.status, inputHash: 'stale' } };
  const answer = await app.sync('tables', { parent: stale, children });
  t.equal(reason(answer), 'ECONNREFUSED');
  t.equal(answer.resyncAfterSeconds, 5);
  t.same(
    answer.children.map((c) => c.metadata.name),
    ['orders-table'],
    'children kept',
  );
  t.same((answer.children[0] as unknown as { data: unknown }).data, children[CM]['shop/orders-table'].data);
  t.equal(answer.status.tableArn, ARN, 'the previous status is kept');
});

t.test('invalid specs: 200 InvalidSpec naming the field, no AWS call, children kept', async (t) => {
  const app = await testApp({}, { awsEndpointUrl: CLOSED });
  t.teardown(() => app.close());
  const { parent, children } = converged();
  const cases: [Record<string, unknown>, RegExp, string?][] = [
    [{ ...SEED_004_SPEC, region: 'eu-west-1', billingMode: 'PAY_PER_REQUEST' }, /refused with billingMode PAY_PER_REQUEST/],
    [{ ...SEED_004_SPEC, region: 'us-west-2' }, /spec.region: the table was created in eu-west-1/],
    [{ ...SEED_004_SPEC, region: 'eu-west-1', tableName: 'awshooks-prod-orders' }, /names starting with "awshooks-shop-"/, 'NameNotAllowed'],
    [
      {
        ...SEED_004_SPEC,
        region: 'eu-west-1',
        globalSecondaryIndexes: Array.from({ length: 21 }, (_, i) => ({
          name: `index-${i}`,
          hashAttribute: { name: 'g', type: 'S' },
          readCapacityUnits: 1,
          writeCapacityUnits: 1,
        })),
      },
      /more than 20 items/,
    ],
  ];
  for (const [spec, message, wanted] of cases) {
    const answer = await app.sync('tables', { parent: { ...parent, spec, metadata: { ...parent.metadata, generation: 2 } }, children });
    t.equal(reason(answer), wanted ?? 'InvalidSpec');
    t.match((answer.status.conditions as { message: string }[])[0]!.message, message);
    t.same(
      answer.children.map((c) => c.metadata.name),
      ['orders-table'],
      'children kept',
    );
    t.equal(answer.resyncAfterSeconds, 300);
  }
  t.equal(await app.awsCalls(), 0, 'no AWS call at all');
});

t.test('finalize without AWS: Retain completes, even with a spec that no longer validates', async (t) => {
  const app = await testApp({}, { awsEndpointUrl: CLOSED });
  t.teardown(() => app.close());
  const { parent, children } = converged({ ...SEED_004_SPEC, region: 'eu-west-1', deletionPolicy: 'Retain' });
  const kept = await app.sync('tables', { parent, children, finalizing: true }, 'finalize');
  t.equal(kept.finalized, true);
  t.equal(reason(kept), 'Retained');
  const broken = await app.sync(
    'tables',
    { parent: { ...parent, spec: { deletionPolicy: 'Retain', readCapacityUnits: -1 } }, children, finalizing: true },
    'finalize',
  );
  t.equal(broken.finalized, true, 'a stuck deletion can always be released with Retain');
  t.equal(await app.awsCalls(), 0);
  const del = converged();
  const failing = await app.sync('tables', { parent: del.parent, children: del.children, finalizing: true }, 'finalize');
  t.equal(failing.finalized, false, 'Delete with AWS down: never finalized without AWS confirming');
  t.equal(reason(failing), 'ECONNREFUSED');
});
