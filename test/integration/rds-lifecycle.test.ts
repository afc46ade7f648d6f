/**
 * DBInstance against moto (RDS) and the test PostgreSQL (in-database work, through
 * RDS_ENDPOINT_MAP): create → available → Service → converged with no writes → drift checks
 * (AWS call counts) → finalize under Snapshot, Delete and Retain.
 */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DescribeDBInstancesCommand, DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import { testApp } from '../helpers/app.js';
import { DBInstanceDriver } from '../helpers/dbinstance.js';
import { condition, serviceEnv } from '../helpers/integration.js';
import { motoEndpoint, resetMoto } from '../helpers/moto.js';
import type { SyncResponse } from '../../hooks/core/types.js';

const PG_URL = serviceEnv('TEST_PG_URL');
const pgUrl = new URL(PG_URL);
const ADMIN = decodeURIComponent(pgUrl.username);
const ADMIN_PW = decodeURIComponent(pgUrl.password);
const sfx = randomBytes(3).toString('hex');

const endpoint = motoEndpoint();
const rds = new RDSClient({ region: 'us-east-1', endpoint });

const reason = (a: SyncResponse) => condition(a, 'Ready')?.reason;

async function instanceExists(id: string): Promise<boolean> {
  try {
    await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
    return true;
  } catch (err) {
    if ((err as { name?: string }).name?.startsWith('DBInstanceNotFound')) return false;
    throw err;
  }
}

async function snapshotIds(id: string): Promise<string[]> {
  const out = await rds.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: id }));
  return (out.DBSnapshots ?? []).map((s) => s.DBSnapshotIdentifier ?? '');
}

const createdDatabases: string[] = [];
const createdUsers: string[] = [];
t.teardown(async () => {
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  for (const db of createdDatabases) await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
  for (const u of createdUsers) await admin.query(`DROP ROLE IF EXISTS "${u}"`);
  await admin.end();
  rds.destroy();
});

t.before(async () => {
  await resetMoto();
});

t.test('lifecycle: Secret first, create, Service, converge with no writes, drift check = 2 calls (backup.every 24h by default)', async (t) => {
  const app = await testApp({ rdsEndpointMap: { '*': `${pgUrl.hostname}:${pgUrl.port}` }, driftCheckIntervalSeconds: 300 });
  t.teardown(() => app.close());
  const user = `app_${sfx}`;
  const db = `orders_${sfx}`;
  createdUsers.push(user);
  createdDatabases.push(db);
  const d = new DBInstanceDriver(app, 'orders', { masterUsername: ADMIN, users: { [user]: [] }, databases: { [db]: [user] }, tags: { team: 'a' } });

  const first = await d.counted();
  t.equal(first.calls, 0, 'first sync: zero AWS calls');
  t.equal(reason(first.answer), 'WaitingForSecret');
  t.same(
    first.answer.children.map((c) => c.metadata.name),
    ['orders-master', `orders-user-app-${sfx}`],
  );

  d.setMasterPassword(ADMIN_PW);
  const created = await d.counted();
  t.ok(created.calls >= 2, 'DescribeDBInstances + CreateDBInstance');
  t.equal(condition(created.answer, 'Ready')?.status, 'True', 'moto: available at once');
  t.equal(condition(created.answer, 'Connectable')?.status, 'True');
  t.match(created.answer.status, {
    dbInstanceIdentifier: 'awshooks-team01a-orders',
    dbInstanceStatus: 'available',
    engine: 'postgres',
    port: 5432,
    endpoint: /rds\.amazonaws\.com$/,
    masterPasswordHash: /^[0-9a-f]{16}$/,
    finalSnapshotIdentifier: /^awshooks-team01a-orders-final-[0-9a-f]{8}$/,
  });
  const svc = created.answer.children.find((c) => c.kind === 'Service');
  t.match(svc, { spec: { type: 'ExternalName', externalName: created.answer.status.endpoint } });
  t.notOk(JSON.stringify(created.answer.status).includes(ADMIN_PW), 'no password in status');

  const described = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'awshooks-team01a-orders' }))).DBInstances![0]!;
  const tags = Object.fromEntries((described.TagList ?? []).map((x) => [x.Key, x.Value]));
  t.match(tags, { team: 'a', 'awshooks.dev/namespace': 'team-a', 'awshooks.dev/name': 'orders', 'awshooks.dev/kind': 'DBInstance' });
  t.match(described, { Engine: 'postgres', DBInstanceClass: 'db.t3.micro', AllocatedStorage: 10, MasterUsername: ADMIN, StorageEncrypted: true });

  const steady = await d.counted();
  t.equal(steady.calls, 0, 'converged sync: zero AWS calls');
  t.equal(reason(steady.answer), 'Available');
  t.same(steady.answer.children, created.answer.children, 'same children');

  app.clock.advance(301);
  const drift = await d.counted();
  t.equal(drift.calls, 2, 'drift check: DescribeDBInstances + DescribeDBSnapshots (backup.every defaults to 24h, seed 003)');
  t.equal(reason(drift.answer), 'Available');

  // A spec change: only what changed is written.
  d.parent = { ...d.parent, spec: { ...d.parent.spec, storageGB: 20, tags: { team: 'b' } }, metadata: { ...d.parent.metadata, generation: 2 } };
  const changed = await d.counted();
  t.equal(changed.calls, 4, 'Describe + Modify (storage) + AddTagsToResource + DescribeDBSnapshots (backup.every)');
  const after = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'awshooks-team01a-orders' }))).DBInstances![0]!;
  t.equal(after.AllocatedStorage, 20);
  t.equal(changed.answer.status.storageGB, 20);
  const again = await d.counted();
  t.equal(again.calls, 0, 'converged again');

  // Rotation of the master password through the Secret: one ModifyDBInstance, then steady.
  d.parent = { ...d.parent, spec: { ...d.parent.spec, storageGB: 10 } };
  const decrease = await d.counted();
  t.equal(reason(decrease.answer), 'InvalidSpec', 'storage decrease refused');
  t.equal(decrease.calls, 0);
});

t.test('backup.every off: drift check = 1 call (DescribeDBInstances)', async (t) => {
  const app = await testApp({ rdsEndpointMap: { '*': `${pgUrl.hostname}:${pgUrl.port}` }, driftCheckIntervalSeconds: 300 });
  t.teardown(() => app.close());
  const d = new DBInstanceDriver(app, 'nobackup', { masterUsername: ADMIN, backup: { every: 'off' } });
  t.equal(condition(await d.bringUp(ADMIN_PW), 'Ready')?.status, 'True');
  t.same(
    (await snapshotIds('awshooks-team01a-nobackup')).filter((s) => !s.startsWith('rds:')),
    [],
    "no manual snapshot of awshooks' (only moto's automated one)",
  );
  app.clock.advance(301);
  t.equal((await d.counted()).calls, 1, 'drift check: exactly one AWS call');
});

t.test('backup.every: drift check = 2 calls; a snapshot when due, tagged, ours only', async (t) => {
  const app = await testApp({ rdsEndpointMap: { '*': `${pgUrl.hostname}:${pgUrl.port}` }, driftCheckIntervalSeconds: 300 });
  t.teardown(() => app.close());
  // moto stamps snapshots with the real time: run the clock from now.
  app.clock.ms = Date.now();
  const d = new DBInstanceDriver(app, 'backed', { masterUsername: ADMIN, backup: { every: '24h', retentionDays: 3 } });
  const up = await d.bringUp(ADMIN_PW);
  t.equal(condition(up, 'Ready')?.status, 'True');
  const ids = await snapshotIds('awshooks-team01a-backed');
  t.equal(ids.filter((s) => s.startsWith('awshooks-team01a-backed-awshooks-')).length, 1, 'first snapshot taken');
  t.match(up.status.lastSnapshotIdentifier, /^awshooks-team01a-backed-awshooks-\d{12}$/);

  t.equal((await d.counted()).calls, 0, 'converged: zero calls');
  app.clock.advance(301);
  const drift = await d.counted();
  t.equal(drift.calls, 2, 'drift check with backup.every: DescribeDBInstances + DescribeDBSnapshots');
  t.equal((await snapshotIds('awshooks-team01a-backed')).length, ids.length, 'no new snapshot before `every`');
});

t.test('finalize: Snapshot takes a final snapshot; finalized only once RDS says not found', async (t) => {
  const app = await testApp({ rdsEndpointMap: { '*': `${pgUrl.hostname}:${pgUrl.port}` } });
  t.teardown(() => app.close());
  const d = new DBInstanceDriver(app, 'snap', { masterUsername: ADMIN });
  await d.bringUp(ADMIN_PW);
  const uidShort = d.parent.metadata.uid!.slice(0, 8);
  const first = await d.sync('finalize');
  t.equal(first.finalized, false, 'delete requested: confirm on the next poll');
  t.equal(first.status.finalSnapshotIdentifier, `awshooks-team01a-snap-final-${uidShort}`);
  t.equal(first.resyncAfterSeconds, 30);
  t.ok(
    first.children.some((c) => c.metadata.name === 'snap-master'),
    'children kept while finalizing',
  );
  const second = await d.sync('finalize');
  t.equal(second.finalized, true);
  t.equal(second.status.finalSnapshotIdentifier, `awshooks-team01a-snap-final-${uidShort}`, 'status shows the final snapshot');
  t.notOk(await instanceExists('awshooks-team01a-snap'));
  const snaps = await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: `awshooks-team01a-snap-final-${uidShort}` }));
  t.equal(snaps.DBSnapshots?.length, 1, 'the final snapshot exists');
});

t.test('finalize: Delete skips the snapshot; Retain leaves the instance', async (t) => {
  const app = await testApp({ rdsEndpointMap: { '*': `${pgUrl.hostname}:${pgUrl.port}` } });
  t.teardown(() => app.close());
  const del = new DBInstanceDriver(app, 'gone', { masterUsername: ADMIN, deletionPolicy: 'Delete' });
  await del.bringUp(ADMIN_PW);
  t.equal((await del.sync('finalize')).finalized, false);
  const done = await del.sync('finalize');
  t.equal(done.finalized, true);
  t.notOk(done.status.finalSnapshotIdentifier);
  t.notOk(await instanceExists('awshooks-team01a-gone'));
  t.same(
    (await snapshotIds('awshooks-team01a-gone')).filter((s) => s.includes('-final-')),
    [],
    'no final snapshot',
  );

  const keep = new DBInstanceDriver(app, 'kept', { masterUsername: ADMIN, deletionPolicy: 'Retain' });
  await keep.bringUp(ADMIN_PW);
  const { answer, calls } = await keep.counted('finalize');
  t.equal(answer.finalized, true);
  t.equal(calls, 0, 'Retain: no AWS call');
  t.ok(await instanceExists('awshooks-team01a-kept'), 'the instance is still there');

  const prot = new DBInstanceDriver(app, 'prot', { masterUsername: ADMIN, deletionProtection: true });
  await prot.bringUp(ADMIN_PW);
  const refused = await prot.sync('finalize');
  t.equal(refused.finalized, false);
  t.equal(reason(refused), 'DeletionProtected');
  t.ok(await instanceExists('awshooks-team01a-prot'));
  prot.parent = { ...prot.parent, spec: { ...prot.parent.spec, deletionProtection: false } };
  let last = refused;
  for (let i = 0; i < 4 && !last.finalized; i++) last = await prot.sync('finalize');
  t.equal(last.finalized, true, 'protection lifted, then deleted');
  t.notOk(await instanceExists('awshooks-team01a-prot'));
});
