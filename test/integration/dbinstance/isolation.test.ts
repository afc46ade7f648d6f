/**
 * Tenant isolation for DBInstances against moto (issue 8 §1): a custom instanceIdentifier never
 * adopts another namespace's database, derived identifiers never collide across namespaces, and
 * instances created before the namespace token keep their identifier.
 */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { CreateDBInstanceCommand, DescribeDBInstancesCommand, DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import { applyAnswer, testApp, type TestApp } from '../../helpers/app.js';
import { motoEndpoint, resetMoto } from '../../helpers/moto.js';
import { ownerTags } from '../../../hooks/core/ownership.js';
import type { ObjectMap, Parent, SyncResponse } from '../../../hooks/core/types.js';

const PG_URL = process.env.TEST_PG_URL;
if (!PG_URL) throw new Error('TEST_PG_URL is not set: run integration tests with `npm test`');
const pgUrl = new URL(PG_URL);
const ADMIN = decodeURIComponent(pgUrl.username);
const ADMIN_PW = decodeURIComponent(pgUrl.password);
const TYPES = ['Secret.v1', 'Service.v1'];
const rds = new RDSClient({ region: 'us-east-1', endpoint: motoEndpoint() });
const ready = (a: SyncResponse) =>
  (a.status.conditions as { type: string; status: string; reason: string; message: string }[]).find((c) => c.type === 'Ready')!;

class Driver {
  parent: Parent;
  children: ObjectMap = { 'Secret.v1': {}, 'Service.v1': {} };
  constructor(
    readonly app: TestApp,
    namespace: string,
    name: string,
    spec: Record<string, unknown>,
  ) {
    this.parent = {
      apiVersion: 'rds.awshooks.dev/v1alpha1',
      kind: 'DBInstance',
      metadata: { name, namespace, uid: `${randomBytes(4).toString('hex')}-0000-4000-8000-000000000000`, generation: 1 },
      spec: { masterUsername: ADMIN, ...spec },
    };
  }
  async sync(hook: 'sync' | 'finalize' = 'sync'): Promise<SyncResponse> {
    const answer = await this.app.sync(
      'dbinstances',
      { parent: this.parent, children: this.children, ...(hook === 'finalize' ? { finalizing: true } : {}) },
      hook,
    );
    const fed = applyAnswer(this.parent, answer, TYPES);
    this.parent = fed.parent;
    this.children = fed.children;
    return answer;
  }
  async bringUp(): Promise<SyncResponse> {
    await this.sync();
    const s = this.children['Secret.v1']![`${this.parent.metadata.namespace}/${this.parent.metadata.name}-master`]!;
    (s.data as Record<string, string>).password = Buffer.from(ADMIN_PW).toString('base64');
    return this.sync();
  }
}

async function describe(id: string) {
  try {
    return (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances![0]!;
  } catch (err) {
    if ((err as { name?: string }).name?.startsWith('DBInstanceNotFound')) return undefined;
    throw err;
  }
}
const tagsOf = async (id: string) => Object.fromEntries(((await describe(id))?.TagList ?? []).map((x) => [x.Key, x.Value]));
const allIds = async () => ((await rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? []).map((i) => i.DBInstanceIdentifier!).sort();
const writes = async (app: TestApp) =>
  (await app.metrics.awsCalls.get()).values
    .filter((v) => /^(Create|Modify|Delete|Add|Remove)/.test(String(v.labels.operation)))
    .reduce((n, v) => n + v.value, 0);

const createUntagged = (id: string, tags: Record<string, string> = {}) =>
  rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: id,
      Engine: 'postgres',
      EngineVersion: '16.3',
      DBInstanceClass: 'db.t3.micro',
      AllocatedStorage: 10,
      MasterUsername: ADMIN,
      MasterUserPassword: 'Their-own-pw-123',
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    }),
  );

t.beforeEach(async () => {
  await resetMoto();
});
t.teardown(() => {
  rds.destroy();
});

t.test("adopt across namespaces: team-a can never take over, re-password or delete team-d's database", async (t) => {
  const app = await testApp({ rdsEndpointMap: { '*': `${pgUrl.hostname}:${pgUrl.port}` } });
  t.teardown(() => app.close());
  // team-d's instance, untagged (created outside awshooks, or before adoption): the default
  // identifier of DBInstance team-d/ledger in the old scheme.
  await createUntagged('awshooks-team-d-ledger');
  const thief = new Driver(app, 'team-a', 'ledger', { instanceIdentifier: 'awshooks-team-d-ledger', adopt: true, deletionPolicy: 'Delete' });
  const answer = await thief.bringUp();
  t.equal(ready(answer).status, 'False');
  t.equal(ready(answer).reason, 'NameNotAllowed');
  t.match(
    ready(answer).message,
    /spec\.instanceIdentifier: "awshooks-team-d-ledger" is outside this namespace's names \(names starting with "awshooks-team01a-"\)/,
  );
  t.equal(await writes(app), 0, 'no CreateDBInstance, no ModifyDBInstance (master password), no tags');
  t.same(await tagsOf('awshooks-team-d-ledger'), {}, "not tagged as team-a's");
  const fin = await thief.sync('finalize');
  t.equal(fin.finalized, true, 'finalize completes');
  t.ok(await describe('awshooks-team-d-ledger'), "and team-d's database is still there");
  t.equal(await writes(app), 0, 'no DeleteDBInstance');
});

t.test('names collide across namespaces: dev-x/app and dev/x-app each get their own instance', async (t) => {
  const app = await testApp({ rdsEndpointMap: { '*': `${pgUrl.hostname}:${pgUrl.port}` } });
  t.teardown(() => app.close());
  const a = await new Driver(app, 'dev-x', 'app', {}).bringUp();
  const b = await new Driver(app, 'dev', 'x-app', {}).bringUp();
  t.equal(ready(a).status, 'True', ready(a).message);
  t.equal(ready(b).status, 'True', `not stuck in Conflict: ${ready(b).message}`);
  t.same(await allIds(), ['awshooks-dev-x-app', 'awshooks-dev01x-app']);
  t.equal((await tagsOf(a.status.dbInstanceIdentifier as string))['awshooks.dev/namespace'], 'dev-x');
  t.equal((await tagsOf(b.status.dbInstanceIdentifier as string))['awshooks.dev/namespace'], 'dev');
});

t.test('an instance created before the namespace token keeps its identifier; snapshots and deletion follow it', async (t) => {
  const app = await testApp({ rdsEndpointMap: { '*': `${pgUrl.hostname}:${pgUrl.port}` } });
  t.teardown(() => app.close());
  const d = new Driver(app, 'team-a', 'orders', { deletionPolicy: 'Snapshot' });
  await createUntagged('awshooks-team-a-orders', ownerTags({ cluster: 'default', namespace: 'team-a', name: 'orders', uid: 'old-uid', kind: 'DBInstance' }));
  const reset = await d.bringUp();
  t.equal(ready(reset).reason, 'ResettingMasterPassword', "the found instance gets the Secret's master password first");
  const up = await d.sync();
  t.equal(ready(up).status, 'True', ready(up).message);
  t.equal(up.status.dbInstanceIdentifier, 'awshooks-team-a-orders', 'the existing instance, found by its owner tags');
  t.same(await allIds(), ['awshooks-team-a-orders'], 'no second, empty instance');
  t.match(up.status.finalSnapshotIdentifier, /^awshooks-team-a-orders-final-[0-9a-f]{8}$/);
  let last = await d.sync('finalize');
  for (let i = 0; i < 3 && !last.finalized; i++) last = await d.sync('finalize');
  t.equal(last.finalized, true);
  t.same(await allIds(), [], 'deleted');
  const snaps = (await rds.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: 'awshooks-team-a-orders' }))).DBSnapshots ?? [];
  t.ok(
    snaps.some((s) => s.DBSnapshotIdentifier === up.status.finalSnapshotIdentifier),
    'with its final snapshot',
  );
});
