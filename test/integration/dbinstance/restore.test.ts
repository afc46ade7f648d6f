/**
 * spec.restoreFrom against moto (RDS) and the real PostgreSQL and MariaDB of the tests:
 * delete with a final snapshot → a new DBInstance (new uid, new Secrets) restores it → the master
 * password is reset to the new Secret's, every user logs in with its new Secret's password and
 * the old ones are refused; nothing is dropped. Also the scope rules of restore sources.
 *
 * NOTE: moto is RDS's control plane only: its instances have no engine. A proxy in front of it
 * plays RDS's part for the test database that stands in for every endpoint (RDS_ENDPOINT_MAP):
 * the master user RDS is given (CreateDBInstance) and every master password RDS accepts
 * (ModifyDBInstance) are applied to the engine, as RDS does. A restore keeps the engine's data
 * (here: the same server), old passwords included, which is exactly what a snapshot holds.
 */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { CreateDBInstanceCommand, CreateDBSnapshotCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { testApp, type TestApp } from '../../helpers/app.js';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy.js';
import { DBInstanceDriver } from '../../helpers/dbinstance.js';
import { condition, serviceEnv } from '../../helpers/integration.js';
import { motoEndpoint, resetMoto } from '../../helpers/moto.js';
import { masterSecretName, userSecretName } from '../../../hooks/dbinstance/identifiers.js';
import type { SyncResponse } from '../../../hooks/core/types.js';

const PG_URL = new URL(serviceEnv('TEST_PG_URL'));
const MY_URL = new URL(serviceEnv('TEST_MYSQL_URL'));
const endpoint = motoEndpoint();
const rds = new RDSClient({ region: 'us-east-1', endpoint });
const sfx = randomBytes(3).toString('hex');
const reason = (a: SyncResponse) => condition(a, 'Ready')?.reason;

type Engine = 'postgres' | 'mysql' | 'mariadb';
const adminOf = (url: URL) => ({
  user: decodeURIComponent(url.username),
  password: decodeURIComponent(url.password),
  host: url.hostname,
  port: Number(url.port),
});

/** The engine side of RDS: what the proxy saw, applied to the test database. */
class EngineStandIn {
  /** Master user of each instance identifier. */
  masters = new Map<string, string>();
  restores: URLSearchParams[] = [];
  constructor(readonly engine: Engine) {}

  async setMaster(user: string, password: string): Promise<void> {
    if (this.engine === 'postgres') {
      const c = new pg.Client({ ...adminOf(PG_URL), database: 'postgres' });
      await c.connect();
      try {
        const q = `"${user.replace(/"/g, '""')}"`;
        const exists = ((await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [user])).rowCount ?? 0) > 0;
        await c.query(`${exists ? 'ALTER' : 'CREATE'} ROLE ${q} WITH LOGIN CREATEDB CREATEROLE PASSWORD ${c.escapeLiteral(password)}`);
      } finally {
        await c.end();
      }
    } else {
      const c = await mysql.createConnection(adminOf(MY_URL));
      try {
        await c.query("CREATE USER IF NOT EXISTS ?@'%' IDENTIFIED BY ?", [user, password]);
        await c.query("ALTER USER ?@'%' IDENTIFIED BY ?", [user, password]);
        await c.query("GRANT ALL PRIVILEGES ON *.* TO ?@'%' WITH GRANT OPTION", [user]);
      } finally {
        await c.end();
      }
    }
  }

  observe = async (operation: string, body: string, status: number): Promise<void> => {
    const form = new URLSearchParams(body);
    // NOTE: moto may answer a restore with DBSnapshotAlreadyExists after registering the instance
    // (its automated snapshot's name is taken): the request is what counts here.
    if (operation === 'RestoreDBInstanceFromDBSnapshot' || operation === 'RestoreDBInstanceToPointInTime') this.restores.push(form);
    if (status !== 200) return;
    const id = form.get('DBInstanceIdentifier') ?? form.get('TargetDBInstanceIdentifier') ?? '';
    if (operation === 'CreateDBInstance' && form.get('MasterUsername')) this.masters.set(id, form.get('MasterUsername')!);
    const password = form.get('MasterUserPassword');
    const user = this.masters.get(id);
    if ((operation === 'CreateDBInstance' || operation === 'ModifyDBInstance') && password && user) await this.setMaster(user, password);
  };
}

/** Log in as `user`; 'ok' or the error code. */
async function login(engine: Engine, user: string, password: string, database: string, sql?: string): Promise<string> {
  try {
    if (engine === 'postgres') {
      const c = new pg.Client({ host: PG_URL.hostname, port: Number(PG_URL.port), user, password, database, connectionTimeoutMillis: 3000 });
      c.on('error', () => undefined);
      await c.connect();
      try {
        if (sql) {
          const r = await c.query(sql);
          return r.rows.length ? `ok:${JSON.stringify(r.rows)}` : 'ok';
        }
      } finally {
        await c.end();
      }
      return 'ok';
    }
    const c = await mysql.createConnection({ host: MY_URL.hostname, port: Number(MY_URL.port), user, password, database, connectTimeout: 3000 });
    try {
      if (sql) {
        const [rows] = await c.query(sql);
        return Array.isArray(rows) && rows.length ? `ok:${JSON.stringify(rows)}` : 'ok';
      }
    } finally {
      await c.end();
    }
    return 'ok';
  } catch (err) {
    const e = err as { code?: string; errno?: number };
    return String(e.code ?? e.errno ?? 'error');
  }
}

/** Sync until Ready is True (at most `max` syncs); the reasons seen on the way. */
async function syncUntilReady(d: DBInstanceDriver, max = 6): Promise<{ answer: SyncResponse; reasons: string[] }> {
  const reasons: string[] = [];
  let answer = await d.sync();
  for (let i = 1; i < max && condition(answer, 'Ready')?.status !== 'True'; i++) {
    reasons.push(reason(answer) ?? '?');
    answer = await d.sync();
  }
  return { answer, reasons };
}

async function appWith(
  t: { teardown: (fn: () => Promise<void>) => void },
  engine: Engine,
  hooks: Record<string, unknown> = {},
): Promise<{ app: TestApp; proxy: FaultProxy; stand: EngineStandIn }> {
  const stand = new EngineStandIn(engine);
  const proxy = await startFaultProxy(endpoint, [], { observe: stand.observe });
  const url = engine === 'postgres' ? PG_URL : MY_URL;
  const app = await testApp({ rdsEndpointMap: { '*': `${url.hostname}:${url.port}` }, ...hooks }, { awsEndpointUrl: proxy.url });
  t.teardown(async () => {
    await app.close();
    await proxy.close();
  });
  return { app, proxy, stand };
}

t.before(async () => {
  await resetMoto();
});
t.teardown(() => {
  rds.destroy();
});

// mysql and mariadb both run against the test MariaDB: the RDS engine differs, the dialect not.
for (const engine of ['postgres', 'mysql', 'mariadb'] as const) {
  t.test(`${engine}: delete with Snapshot, create again with restoreFrom → same data, new Secrets, old passwords refused`, async (t) => {
    const { app, proxy, stand } = await appWith(t, engine);
    const name = `shop${engine.slice(0, 3)}`;
    const e = engine.slice(0, 3);
    const [master, appUser, rep, orders] = [`m_${e}_${sfx}`, `app_${e}_${sfx}`, `rep_${e}_${sfx}`, `orders_${e}_${sfx}`];
    const identifier = `awshooks-team01a-${name}`;
    t.teardown(async () => {
      if (engine === 'postgres') {
        const c = new pg.Client({ ...adminOf(PG_URL), database: 'postgres' });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS "${orders}" WITH (FORCE)`);
        for (const u of [appUser, rep, master]) await c.query(`DROP ROLE IF EXISTS "${u}"`);
        await c.end();
      } else {
        const c = await mysql.createConnection(adminOf(MY_URL));
        await c.query(`DROP DATABASE IF EXISTS \`${orders}\``);
        for (const u of [appUser, rep, master]) await c.query(`DROP USER IF EXISTS \`${u}\`@'%'`);
        await c.end();
      }
    });
    const spec = { engine, masterUsername: master, users: { [appUser]: [], [rep]: [] }, databases: { [orders]: [appUser, rep] } };

    // The first DBInstance: created, its users log in, the app writes data.
    const first = new DBInstanceDriver(app, name, spec);
    const up = await syncUntilReady(first);
    t.equal(condition(up.answer, 'Ready')?.status, 'True', 'first instance ready');
    const oldMaster = first.secret(masterSecretName(name))!.password!;
    const oldApp = first.password(appUser);
    const oldRep = first.password(rep);
    const dbOfMaster = engine === 'postgres' ? 'postgres' : orders;
    t.equal(await login(engine, master, oldMaster, dbOfMaster), 'ok', 'master logs in with the first Secret');
    t.equal(await login(engine, appUser, oldApp, orders, 'CREATE TABLE kept (x int)'), 'ok');
    t.equal(await login(engine, appUser, oldApp, orders, 'INSERT INTO kept VALUES (42)'), 'ok', 'the app writes data');

    // Delete with a final snapshot (the default deletionPolicy).
    let fin = await first.sync('finalize');
    for (let i = 0; i < 3 && !fin.finalized; i++) fin = await first.sync('finalize');
    t.equal(fin.finalized, true, 'finalized once RDS says the instance is gone');
    const snapshot = String(fin.status.finalSnapshotIdentifier);
    t.match(snapshot, new RegExp(`^${identifier}-final-[0-9a-f]{8}$`));

    // Created again (a new uid: Metacontroller's children, the Secrets, went with the old parent).
    const again = new DBInstanceDriver(app, name, { ...spec, restoreFrom: { snapshotIdentifier: snapshot } });
    const creates = proxy.calls.get('CreateDBInstance') ?? 0;
    const secretsFirst = await again.counted();
    t.equal(secretsFirst.calls, 0, 'Secrets first: no AWS call before the new Secrets are persisted');
    t.equal(reason(secretsFirst.answer), 'WaitingForSecret');
    const restored = await again.sync();
    t.equal(reason(restored), 'ResettingMasterPassword', 'restored; the master password is set next');
    t.equal(restored.status.restoredFrom, `snapshot/${snapshot}`);
    t.notOk(restored.status.masterPasswordHash, 'no master password hash until the Secret’s is set');
    t.equal(proxy.calls.get('CreateDBInstance') ?? 0, creates, 'not created empty');
    t.equal(stand.restores.length, 1, 'one RestoreDBInstanceFromDBSnapshot');
    t.equal(stand.restores[0]!.get('DBSnapshotIdentifier'), snapshot, '...from the final snapshot');
    t.equal(stand.restores[0]!.get('DBInstanceIdentifier'), identifier);
    t.notOk(stand.restores[0]!.has('MasterUserPassword'), 'a restore carries no password');
    const described = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }))).DBInstances![0]!;
    const tags = Object.fromEntries((described.TagList ?? []).map((x) => [x.Key, x.Value]));
    t.equal(described.MasterUsername, master, 'moto: the instance holds the snapshot’s master user');
    t.equal(described.Engine, engine, `moto: a ${engine} instance`);
    t.equal(tags['awshooks.dev/uid'], again.parent.metadata.uid, 'moto: tagged with the new owner');

    stand.masters.set(identifier, master);
    const reset = await again.sync();
    t.equal(reason(reset), 'ResettingMasterPassword', 'ModifyDBInstance with the new master password; in-database work waits');
    t.match(reset.status.masterPasswordHash, /^[0-9a-f]{16}$/);
    const done = await syncUntilReady(again);
    t.equal(condition(done.answer, 'Ready')?.status, 'True', 'restored instance ready');
    t.equal(condition(done.answer, 'Connectable')?.status, 'True');

    const newMaster = again.secret(masterSecretName(name))!.password!;
    const newApp = again.password(appUser);
    const newRep = again.password(rep);
    t.not(newMaster, oldMaster, 'a new master Secret');
    t.not(newApp, oldApp, 'a new user Secret');
    t.ok(again.secret(userSecretName(name, rep)), 'every user has a Secret');
    t.equal(await login(engine, master, newMaster, dbOfMaster), 'ok', "master logs in with the new Secret's password");
    t.not(await login(engine, master, oldMaster, dbOfMaster), 'ok', 'the old master password is refused');
    t.equal(
      await login(engine, appUser, newApp, orders, 'SELECT x FROM kept'),
      'ok:[{"x":42}]',
      "app logs in with its new Secret's password and finds its data",
    );
    t.not(await login(engine, appUser, oldApp, orders), 'ok', "app's old password is refused");
    t.equal(await login(engine, rep, newRep, orders), 'ok', "rep logs in with its new Secret's password (grant re-applied)");
    t.not(await login(engine, rep, oldRep, orders), 'ok', "rep's old password is refused");
    t.notOk(JSON.stringify(done.answer.status).includes(newMaster), 'no password in status');

    // Steady: zero AWS calls; restoreFrom is not read again.
    const steady = await again.counted();
    t.equal(steady.calls, 0, 'converged: zero AWS calls');
    t.equal(steady.answer.status.restoredFrom, `snapshot/${snapshot}`, 'status keeps what it was restored from');
    t.equal(stand.restores.length, 1, 'restored once');
  });
}

t.test('restore sources: another namespace’s or an untagged snapshot is refused before any restore; the allow-list opens one', async (t) => {
  const { app, stand } = await appWith(t, 'postgres');
  const admin = adminOf(PG_URL);
  // Snapshots made outside awshooks: one with another namespace's owner tags, one untagged.
  await rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: 'outside-src',
      Engine: 'postgres',
      DBInstanceClass: 'db.t3.micro',
      AllocatedStorage: 10,
      MasterUsername: admin.user,
      MasterUserPassword: admin.password,
      StorageEncrypted: true,
    }),
  );
  const foreignTags = [
    { Key: 'awshooks.dev/cluster', Value: 'default' },
    { Key: 'awshooks.dev/namespace', Value: 'team-b' },
    { Key: 'awshooks.dev/name', Value: 'theirs' },
    { Key: 'awshooks.dev/kind', Value: 'DBInstance' },
  ];
  await rds.send(
    new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'outside-src', DBSnapshotIdentifier: 'awshooks-team01a-x-final-12345678', Tags: foreignTags }),
  );
  await rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'outside-src', DBSnapshotIdentifier: 'shared-golden' }));

  const spec = (snapshotIdentifier: string) => ({ masterUsername: admin.user, restoreFrom: { snapshotIdentifier } });
  const foreign = new DBInstanceDriver(app, 'steal', spec('awshooks-team01a-x-final-12345678'));
  await foreign.sync();
  foreign.setMasterPassword(admin.password);
  const refused = await foreign.sync();
  t.equal(reason(refused), 'RestoreSourceNotAllowed', 'named like ours but tagged for team-b: refused');
  t.match(condition(refused, 'Ready')?.message, /namespace team-b/);

  const untagged = new DBInstanceDriver(app, 'golden', spec('shared-golden'));
  await untagged.sync();
  untagged.setMasterPassword(admin.password);
  t.equal(reason(await untagged.sync()), 'RestoreSourceNotAllowed', 'untagged and not our naming: refused');
  t.equal(stand.restores.length, 0, 'no restore call');

  const bad = new DBInstanceDriver(app, 'bad', spec('Not_An_Id'));
  const invalid = await bad.counted();
  t.equal(reason(invalid.answer), 'InvalidSpec');
  t.equal(invalid.calls, 0, 'InvalidSpec before any AWS call');

  const { app: allowing, stand: allowingStand } = await appWith(t, 'postgres', { rdsRestoreAllowedSnapshots: ['shared-*'] });
  const allowed = new DBInstanceDriver(allowing, 'golden', spec('shared-golden'));
  await allowed.sync();
  allowed.setMasterPassword(admin.password);
  const restored = await allowed.sync();
  t.equal(restored.status.restoredFrom, 'snapshot/shared-golden', 'RDS_RESTORE_ALLOWED_SNAPSHOTS lets the administrator open one');
  t.equal(allowingStand.restores.length, 1);
});

t.test('point in time: from another DBInstance of the namespace (its owner tags checked in AWS)', async (t) => {
  const { app, stand } = await appWith(t, 'postgres');
  const admin = adminOf(PG_URL);
  const src = new DBInstanceDriver(app, 'pitsrc', { masterUsername: admin.user });
  await src.bringUp(admin.password);
  const copy = new DBInstanceDriver(app, 'pitcopy', { masterUsername: admin.user, restoreFrom: { pointInTime: { dbInstance: 'pitsrc' } } });
  await copy.sync();
  copy.setMasterPassword(admin.password);
  const restored = await copy.sync();
  t.equal(restored.status.restoredFrom, 'pointInTime/awshooks-team01a-pitsrc@latest');
  t.equal(stand.restores.length, 1);
  t.equal(stand.restores[0]!.get('SourceDBInstanceIdentifier'), 'awshooks-team01a-pitsrc');
  t.equal(stand.restores[0]!.get('UseLatestRestorableTime'), 'true');
  const described = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'awshooks-team01a-pitcopy' }))).DBInstances![0]!;
  t.equal(described.DBInstanceStatus, 'available', 'moto: the point-in-time copy exists');

  const missing = new DBInstanceDriver(app, 'pitnone', { masterUsername: admin.user, restoreFrom: { pointInTime: { dbInstance: 'nosuch' } } });
  await missing.sync();
  missing.setMasterPassword(admin.password);
  t.equal(reason(await missing.sync()), 'RestoreSourceNotFound');
});
