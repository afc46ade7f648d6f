/**
 * IAM database authentication against moto and the real PostgreSQL and MariaDB of the tests: an
 * `iamAuth` user is created with rds_iam (PostgreSQL) and no password, gets a ConfigMap instead of
 * a Secret, and the instance gets EnableIAMDatabaseAuthentication.
 *
 * NOTE: the test PostgreSQL lacks RDS's rds_iam role: the test creates it, as RDS has it. The test
 * MariaDB lacks RDS's AWSAuthenticationPlugin: there only the clear refusal is checked.
 */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { testApp } from '../../helpers/app.js';
import { DBInstanceDriver } from '../../helpers/dbinstance.js';
import { condition, serviceEnv } from '../../helpers/integration.js';
import { motoEndpoint, resetMoto } from '../../helpers/moto.js';

const PG_URL = new URL(serviceEnv('TEST_PG_URL'));
const MY_URL = new URL(serviceEnv('TEST_MYSQL_URL'));
const rds = new RDSClient({ region: 'us-east-1', endpoint: motoEndpoint() });
const sfx = randomBytes(3).toString('hex');
const adminOf = (url: URL) => ({
  user: decodeURIComponent(url.username),
  password: decodeURIComponent(url.password),
  host: url.hostname,
  port: Number(url.port),
});

t.before(async () => {
  await resetMoto();
});
t.teardown(() => {
  rds.destroy();
});

t.test('PostgreSQL: an iamAuth user has rds_iam, no password, a ConfigMap; the instance has IAM authentication', async (t) => {
  const admin = adminOf(PG_URL);
  const [tok, app, db] = [`tok_${sfx}`, `app_${sfx}`, `iamdb_${sfx}`];
  const c = new pg.Client({ ...admin, database: 'postgres' });
  await c.connect();
  await c.query(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rds_iam') THEN CREATE ROLE rds_iam; END IF; END $$`);
  t.teardown(async () => {
    await c.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
    for (const u of [tok, app]) await c.query(`DROP ROLE IF EXISTS "${u}"`);
    await c.end();
  });
  const hooks = await testApp({ rdsEndpointMap: { '*': `${admin.host}:${admin.port}` } });
  t.teardown(() => hooks.close());
  const d = new DBInstanceDriver(hooks, 'iampg', { masterUsername: admin.user, users: { [tok]: ['iamAuth'], [app]: [] }, databases: { [db]: [tok, app] } });
  await d.bringUp(admin.password);
  const up = await d.sync();
  t.equal(condition(up, 'Ready')?.status, 'True', condition(up, 'Ready')?.message ?? '');
  t.equal(condition(up, 'Connectable')?.status, 'True');

  const described = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'awshooks-team01a-iampg' }))).DBInstances![0]!;
  t.equal(described.IAMDatabaseAuthenticationEnabled, true, 'moto: IAM database authentication enabled');

  const member = await c.query(
    'SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE r.rolname = $1 AND u.rolname = $2',
    ['rds_iam', tok],
  );
  t.equal(member.rowCount, 1, 'the IAM user is a member of rds_iam');
  const pw = await c.query('SELECT rolpassword IS NULL AS nopw, rolcanlogin FROM pg_authid WHERE rolname = $1', [tok]);
  t.same(pw.rows[0], { nopw: true, rolcanlogin: true }, 'it can log in, with no password');
  const grant = await c.query('SELECT has_database_privilege($1, $2, $3) AS ok', [tok, db, 'CONNECT']);
  t.equal(grant.rows[0].ok, true, 'granted on its database');

  const cm = up.children.find((x) => x.kind === 'ConfigMap');
  t.match(cm, {
    metadata: { name: `iampg-user-tok-${sfx}` },
    data: { username: tok, host: up.status.endpoint, port: '5432', region: 'us-east-1', engine: 'postgres', dbname: db, authentication: 'iam' },
  });
  t.notOk(
    up.children.some((x) => x.kind === 'Secret' && x.metadata.name === `iampg-user-tok-${sfx}`),
    'no password Secret for the IAM user',
  );
  t.ok(d.secret(`iampg-user-app-${sfx}`)?.password, 'the password user keeps its Secret');
  t.equal((await d.counted()).calls, 0, 'converged: zero AWS calls');

  // Back to a password: the Secret comes, rds_iam goes.
  d.setSpec({ masterUsername: admin.user, users: { [tok]: [], [app]: [] }, databases: { [db]: [tok, app] } });
  await d.sync();
  const back = await d.sync();
  t.equal(condition(back, 'Ready')?.status, 'True', condition(back, 'Ready')?.message ?? '');
  const again = await c.query(
    'SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE r.rolname = $1 AND u.rolname = $2',
    ['rds_iam', tok],
  );
  t.equal(again.rowCount, 0, 'rds_iam revoked');
  const off = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'awshooks-team01a-iampg' }))).DBInstances![0]!;
  t.equal(off.IAMDatabaseAuthenticationEnabled, false, 'IAM authentication turned off with the last IAM user');
});

t.test('MariaDB: no AWSAuthenticationPlugin outside RDS: a clear refusal, no password user', async (t) => {
  const admin = adminOf(MY_URL);
  const tok = `tok_${sfx}`;
  const conn = await mysql.createConnection(admin);
  t.teardown(async () => {
    await conn.query(`DROP USER IF EXISTS \`${tok}\`@'%'`);
    await conn.end();
  });
  const hooks = await testApp({ rdsEndpointMap: { '*': `${admin.host}:${admin.port}` } });
  t.teardown(() => hooks.close());
  const d = new DBInstanceDriver(hooks, 'iammy', { engine: 'mariadb', masterUsername: admin.user, users: { [tok]: ['iamAuth'] } });
  await d.bringUp(admin.password);
  const up = await d.sync();
  t.match(condition(up, 'Connectable'), { status: 'False', reason: 'SQLError', message: /AWSAuthenticationPlugin \(IAM database authentication needs RDS\)/ });
  t.equal(condition(up, 'Ready')?.reason, 'NotConnectable');
  const described = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'awshooks-team01a-iammy' }))).DBInstances![0]!;
  t.equal(described.IAMDatabaseAuthenticationEnabled, true, 'moto: IAM database authentication enabled');
  t.equal(described.Engine, 'mariadb');
  const [rows] = await conn.query('SELECT User FROM mysql.user WHERE User = ?', [tok]);
  t.equal((rows as unknown[]).length, 0, 'no user with a password was created instead');
  t.ok(
    up.children.some((x) => x.kind === 'ConfigMap' && x.metadata.name === `iammy-user-tok-${sfx}`),
    'its ConfigMap is answered',
  );
});
