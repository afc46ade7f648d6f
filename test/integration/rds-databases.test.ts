/**
 * In-database users, databases and grants on real PostgreSQL and MariaDB (through moto's RDS
 * instance and RDS_ENDPOINT_MAP): log in as each created user and check what it may and may not do.
 */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { testApp } from '../helpers/app.js';
import { DBInstanceDriver } from '../helpers/dbinstance.js';
import { condition, serviceEnv } from '../helpers/integration.js';
import { motoEndpoint, resetMoto } from '../helpers/moto.js';

const PG_URL = serviceEnv('TEST_PG_URL');
const MYSQL_URL = serviceEnv('TEST_MYSQL_URL');
motoEndpoint();
const sfx = randomBytes(3).toString('hex');

/** The error code of a failed attempt, or 'ok'. */
async function attempt(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
    return 'ok';
  } catch (err) {
    const e = err as { code?: string; errno?: number };
    return String(e.code ?? e.errno ?? 'error');
  }
}

t.before(async () => {
  await resetMoto();
});

t.test('PostgreSQL: users, databases, grants; removed users cannot log in; databases never dropped', async (t) => {
  const url = new URL(PG_URL);
  const admin = { user: decodeURIComponent(url.username), password: decodeURIComponent(url.password), host: url.hostname, port: Number(url.port) };
  const [app, rep, gone] = [`app_${sfx}`, `rep_${sfx}`, `gone_${sfx}`];
  const [orders, other, created] = [`orders_${sfx}`, `other_${sfx}`, `made_by_app_${sfx}`];
  const adminClient = new pg.Client({ ...admin, database: 'postgres' });
  await adminClient.connect();
  t.teardown(async () => {
    for (const db of [created, orders, other]) await adminClient.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
    for (const u of [app, rep, gone]) await adminClient.query(`DROP ROLE IF EXISTS "${u}"`);
    await adminClient.end();
  });
  const login = async (user: string, password: string, database: string, sql?: string) => {
    const c = new pg.Client({ host: admin.host, port: admin.port, user, password, database, connectionTimeoutMillis: 3000 });
    c.on('error', () => undefined);
    await c.connect();
    try {
      if (sql) return await c.query(sql);
    } finally {
      await c.end();
    }
    return undefined;
  };

  const hooks = await testApp({ rdsEndpointMap: { '*': `${admin.host}:${admin.port}` } });
  t.teardown(() => hooks.close());
  const d = new DBInstanceDriver(hooks, 'pgdb', {
    masterUsername: admin.user,
    users: { [app]: ['createdb'], [rep]: [], [gone]: [] },
    databases: { [orders]: [app, rep, gone], [other]: [app] },
  });
  await d.bringUp(admin.password);
  const up = await d.sync(); // steady
  t.equal(condition(up, 'Ready')?.status, 'True');
  t.match(condition(up, 'Connectable'), { status: 'True', reason: 'Connected' });

  const appPw = d.password(app);
  const repPw = d.password(rep);
  t.equal(
    await attempt(() => login(app, appPw, orders, `CREATE TABLE app_table (x int); INSERT INTO app_table VALUES (1)`)),
    'ok',
    'app creates a table in its database',
  );
  t.equal(await attempt(() => login(app, appPw, other, 'CREATE TABLE t2 (x int)')), 'ok', 'app works in its second database');
  t.equal(await attempt(() => login(rep, repPw, orders, 'SELECT 1')), 'ok', 'rep connects to its database');
  t.equal(await attempt(() => login(rep, repPw, orders, 'SELECT * FROM app_table')), '42501', "rep cannot read app's table");
  t.equal(await attempt(() => login(rep, repPw, other)), '42501', 'rep cannot connect to a database it was not granted');
  t.equal(await attempt(() => login(rep, 'wrong-password', orders)), '28P01', 'wrong password refused');
  t.equal(await attempt(() => login(app, appPw, 'postgres', `CREATE DATABASE "${created}"`)), 'ok', 'createdb: app may create a database');
  t.equal(await attempt(() => login(rep, repPw, 'postgres', `CREATE DATABASE "x_${sfx}"`)), '42501', 'rep may not');
  const attrs = await adminClient.query('SELECT rolname, rolsuper, rolcreatedb, rolcanlogin FROM pg_roles WHERE rolname = ANY($1) ORDER BY rolname', [
    [app, rep, gone],
  ]);
  t.notOk(
    attrs.rows.some((r: { rolsuper: boolean }) => r.rolsuper),
    'nobody is SUPERUSER',
  );
  t.equal(await attempt(() => login(gone, d.password(gone), orders, 'SELECT 1')), 'ok', 'gone can log in while in the spec');

  // Remove `gone` and the `other` database from the spec.
  d.setSpec({ masterUsername: admin.user, users: { [app]: ['createdb'], [rep]: [] }, databases: { [orders]: [app, rep] } });
  const goneSecret = d.password(gone);
  const after = await d.sync();
  t.equal(condition(after, 'Ready')?.status, 'True');
  t.same(after.status.lockedUsers, [gone]);
  t.equal(await attempt(() => login(gone, goneSecret, orders)), '28000', 'a removed user cannot log in');
  t.equal((await adminClient.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [gone])).rowCount, 1, 'the role is kept, not dropped');
  t.equal((await adminClient.query('SELECT 1 FROM pg_database WHERE datname = $1', [other])).rowCount, 1, 'a database removed from the spec is never dropped');
  t.notOk(d.secret(`pgdb-user-gone-${sfx}`), "the removed user's Secret is no longer returned");

  // Rotation: delete rep's Secret → a new password, applied once the new Secret is observed.
  delete d.children['Secret.v1']![`team-a/pgdb-user-rep-${sfx}`];
  const waiting = await d.sync();
  t.equal(condition(waiting, 'Ready')?.reason, 'WaitingForSecret');
  const newPw = d.password(rep);
  t.not(newPw, repPw);
  const rotated = await d.sync();
  t.equal(condition(rotated, 'Ready')?.status, 'True');
  t.equal(await attempt(() => login(rep, repPw, orders)), '28P01', 'the old password no longer works');
  t.equal(await attempt(() => login(rep, newPw, orders, 'SELECT 1')), 'ok', 'the new one does');
});

t.test('MariaDB: users, databases, grants; locked users; `_` in database names is not a wildcard', async (t) => {
  const url = new URL(MYSQL_URL);
  const admin = { user: decodeURIComponent(url.username), password: decodeURIComponent(url.password), host: url.hostname, port: Number(url.port) };
  const [app, rep, gone] = [`app_${sfx}`, `rep_${sfx}`, `gone_${sfx}`];
  const [orders, other, lookalike, created] = [`orders_${sfx}`, `other_${sfx}`, `otherx${sfx}`, `made_${sfx}`];
  const adminConn = await mysql.createConnection({ ...admin });
  t.teardown(async () => {
    for (const db of [orders, other, lookalike, created]) await adminConn.query(`DROP DATABASE IF EXISTS \`${db}\``);
    for (const u of [app, rep, gone]) await adminConn.query(`DROP USER IF EXISTS \`${u}\`@'%'`);
    await adminConn.end();
  });
  await adminConn.query(`CREATE DATABASE \`${lookalike}\``);
  const login = async (user: string, password: string, database: string | undefined, sql?: string) => {
    const c = await mysql.createConnection({ host: admin.host, port: admin.port, user, password, ...(database ? { database } : {}), connectTimeout: 3000 });
    try {
      if (sql)
        for (const s of sql
          .split(';')
          .map((x) => x.trim())
          .filter(Boolean))
          await c.query(s);
    } finally {
      await c.end();
    }
  };

  const hooks = await testApp({ rdsEndpointMap: { '*': `${admin.host}:${admin.port}` } });
  t.teardown(() => hooks.close());
  const d = new DBInstanceDriver(hooks, 'mydb', {
    engine: 'mysql',
    masterUsername: admin.user,
    users: { [app]: ['createdb'], [rep]: [], [gone]: [] },
    databases: { [orders]: [app, gone], [other]: [app, rep] },
  });
  await d.bringUp(admin.password);
  const up = await d.sync(); // steady
  t.equal(condition(up, 'Ready')?.status, 'True');
  t.match(condition(up, 'Connectable'), { status: 'True', reason: 'Connected' });
  t.equal(up.status.engine, 'mysql');

  const appPw = d.password(app);
  const repPw = d.password(rep);
  t.match(d.secret(`mydb-user-app-${sfx}`)!.url, /^mysql:\/\//);
  t.equal(
    await attempt(() => login(app, appPw, orders, 'CREATE TABLE app_table (x int); INSERT INTO app_table VALUES (1)')),
    'ok',
    'app creates a table in its database',
  );
  t.equal(await attempt(() => login(rep, repPw, orders)), 'ER_DBACCESS_DENIED_ERROR', 'rep cannot use a database it was not granted');
  t.equal(
    await attempt(() => login(rep, repPw, undefined, `SELECT * FROM \`${orders}\`.app_table`)),
    'ER_TABLEACCESS_DENIED_ERROR',
    "rep cannot read app's table",
  );
  t.equal(await attempt(() => login(rep, repPw, other, 'CREATE TABLE t (x int)')), 'ok', 'rep works in its database');
  t.equal(await attempt(() => login(rep, repPw, lookalike)), 'ER_DBACCESS_DENIED_ERROR', `a grant on ${other} does not match ${lookalike}`);
  t.equal(await attempt(() => login(app, appPw, undefined, `CREATE DATABASE \`${created}\``)), 'ok', 'createdb: app may create a database');
  t.equal(await attempt(() => login(rep, repPw, undefined, `CREATE DATABASE \`x_${sfx}\``)), 'ER_DBACCESS_DENIED_ERROR', 'rep may not');
  t.equal(await attempt(() => login(rep, 'wrong-password', other)), 'ER_ACCESS_DENIED_ERROR', 'wrong password refused');
  const goneSecret = d.password(gone);
  t.equal(await attempt(() => login(gone, goneSecret, orders)), 'ok');

  d.setSpec({ engine: 'mysql', masterUsername: admin.user, users: { [app]: ['createdb'], [rep]: [] }, databases: { [orders]: [app], [other]: [app] } });
  const after = await d.sync();
  t.equal(condition(after, 'Ready')?.status, 'True');
  t.not(await attempt(() => login(gone, goneSecret, orders)), 'ok', 'a removed user cannot log in (account locked)');
  const [rows] = await adminConn.query('SELECT User FROM mysql.user WHERE User = ?', [gone]);
  t.equal((rows as unknown[]).length, 1, 'the user is kept, not dropped');
  t.equal(await attempt(() => login(rep, repPw, other)), 'ER_DBACCESS_DENIED_ERROR', 'a grant removed from the spec is revoked');

  d.setSpec({ engine: 'mysql', masterUsername: admin.user, users: { [app]: ['createdb'], [rep]: [] }, databases: { [orders]: [app] } });
  t.equal(condition(await d.sync(), 'Ready')?.status, 'True');
  const [dbs] = await adminConn.query('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [other]);
  t.equal((dbs as unknown[]).length, 1, 'a database removed from the spec is never dropped');
});
