/**
 * The pure parts of the in-database work (hooks/dbinstance/database.ts): the drivers' TLS
 * options, where to connect, how driver errors become condition reasons without passwords, and
 * MySQL account names. The SQL itself runs against real PostgreSQL and MariaDB in
 * test/integration/rds-databases.test.ts.
 */
import t from 'tap';
import { classifyDbError, mysqlAccount, resolveTarget, tlsOptions, type DbWork } from '../../../../hooks/dbinstance/database.js';

const work: DbWork = {
  engine: 'postgres',
  host: 'db.example',
  port: 5432,
  masterUsername: 'awshooks',
  masterPassword: 'Master-pw-0123456789',
  users: [{ name: 'app', roles: [], password: 'App-pw-abcdefghijkl' }],
  lockUsers: [],
  databases: [],
  managedUsers: ['app'],
  connectTimeoutMs: 5000,
};

t.test('TLS options per DB_TLS mode; verify-full checks the RDS name whatever the mapping', async (t) => {
  t.equal(tlsOptions('disable', 'db.x.rds.amazonaws.com'), undefined, 'disable: plain TCP');
  t.same(tlsOptions('require', 'db.x.rds.amazonaws.com', 'CA'), { rejectUnauthorized: false }, 'require: encrypted, not verified, no CA used');
  t.same(tlsOptions('verify-full', 'db.x.rds.amazonaws.com', 'CA'), { rejectUnauthorized: true, ca: 'CA', servername: 'db.x.rds.amazonaws.com' });
  t.same(tlsOptions('verify-full', 'db.x.rds.amazonaws.com'), { rejectUnauthorized: true, servername: 'db.x.rds.amazonaws.com' }, 'no CA: the system roots');
});

t.test('where to connect: the host entry, then host:port, then *, else the endpoint', async (t) => {
  const map = { 'a.rds': 'proxy-a:6432', 'b.rds:3306': 'proxy-b', '*': 'fallback:7000' };
  t.same(resolveTarget('a.rds', 5432, map), { host: 'proxy-a', port: 6432 });
  t.same(resolveTarget('b.rds', 3306, map), { host: 'proxy-b', port: 3306 }, 'no port in the entry: the instance port');
  t.same(resolveTarget('c.rds', 5432, map), { host: 'fallback', port: 7000 }, 'anything else: *');
  t.same(resolveTarget('c.rds', 5432, { 'c.rds': 'proxy:notaport' }), { host: 'proxy', port: 5432 }, 'a bad port keeps the instance port');
  t.same(resolveTarget('c.rds', 5432, { 'c.rds': 'proxy:0' }), { host: 'proxy', port: 5432 });
  t.same(resolveTarget('c.rds', 5432, {}), { host: 'c.rds', port: 5432 });
});

t.test('driver errors become a reason and a message without any password', async (t) => {
  const cases: [string, unknown, string][] = [
    ['postgres: wrong password', Object.assign(new Error('password authentication failed'), { code: '28P01' }), 'AuthenticationFailed'],
    ['postgres: no pg_hba entry', Object.assign(new Error('no entry'), { code: '28000' }), 'AuthenticationFailed'],
    ['mysql: access denied', Object.assign(new Error('Access denied'), { code: 'ER_ACCESS_DENIED_ERROR' }), 'AuthenticationFailed'],
    ['mysql: errno 1045', Object.assign(new Error('Access denied'), { errno: 1045 }), 'AuthenticationFailed'],
    ['refused', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'ConnectionFailed'],
    ['no such host', Object.assign(new Error('getaddrinfo'), { code: 'ENOTFOUND' }), 'ConnectionFailed'],
    ['mysql: lost', Object.assign(new Error('lost'), { code: 'PROTOCOL_CONNECTION_LOST' }), 'ConnectionFailed'],
    ['a timeout in the message', new Error('Connection terminated due to connection timeout'), 'ConnectionFailed'],
    ['SQL', Object.assign(new Error('syntax error'), { code: '42601' }), 'SQLError'],
    ['null thrown', null, 'SQLError'],
  ];
  for (const [what, err, reason] of cases) t.equal(classifyDbError(err, work).reason, reason, what);
  t.equal(
    classifyDbError(Object.assign(new Error('syntax error at "x"'), { code: '42601' }), work).message,
    '42601: syntax error at "x"',
    'the SQL state first',
  );

  const leaky = new Error(`role "app" password ${work.users[0]?.password ?? ''} and ${work.masterPassword}\n  rejected`);
  const message = classifyDbError(leaky, work).message;
  t.notMatch(message, work.masterPassword, 'no master password');
  t.notMatch(message, 'App-pw-abcdefghijkl', 'no user password');
  t.equal(message, 'role "app" password *** and *** rejected', 'passwords masked, whitespace folded');
  t.equal(classifyDbError(new Error('x'.repeat(1000)), work).message.length, 300, 'cut to 300 characters');
});

t.test('MySQL accounts: the quoted user at any host', async (t) => {
  t.equal(mysqlAccount('app'), "`app`@'%'");
  t.equal(mysqlAccount('app_rw'), "`app_rw`@'%'");
});
