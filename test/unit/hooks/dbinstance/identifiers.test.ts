import t from 'tap';
import {
  masterSecretName,
  sqlUserProblem,
  userSecretName,
  userSecretNameProblem,
  defaultInstanceIdentifier,
  finalSnapshotIdentifier,
  manualSnapshotIdentifier,
  quoteMysqlGrantDatabase,
  quoteMysqlIdent,
  quotePgIdent,
  rdsIdentifierProblem,
  sanitizeRdsIdentifier,
  sqlDatabaseProblem,
} from '../../../../hooks/dbinstance/identifiers.js';
import { desiredDBInstance } from '../../../../hooks/dbinstance/desired.js';
import { resolveTarget, pgRoleAttributes } from '../../../../hooks/dbinstance/database.js';
import { dbOwner as owner, dbInstanceInput as input } from '../../../helpers/dbinstance.js';

t.test('child Secret names are unambiguous across DBInstances once the risky user names are refused', async (t) => {
  // All parent names and user names over a small alphabet that contains the risky words.
  const words = ['shop', 'user', 'master', 'app', 'u'];
  const parents = new Set<string>();
  for (const a of words) {
    parents.add(a);
    for (const b of words) {
      parents.add(`${a}-${b}`);
      for (const c of words) parents.add(`${a}-${b}-${c}`);
    }
  }
  const users = new Set<string>();
  for (const a of words) {
    users.add(a);
    for (const b of words) {
      users.add(`${a}_${b}`);
      for (const c of words) users.add(`${a}_${b}_${c}`);
    }
  }
  const accepted = [...users].filter((u) => !sqlUserProblem(u, 'postgres') && !userSecretNameProblem(u));
  const refused = [...users].filter((u) => userSecretNameProblem(u));
  t.ok(
    refused.includes('app_master') && refused.includes('master') && refused.includes('user_app') && refused.includes('app_user_shop'),
    'the risky names are refused',
  );
  t.ok(accepted.includes('app') && accepted.includes('app_shop'), 'ordinary names are not');
  const owner = new Map<string, string>();
  let clashes = 0;
  for (const p of parents) {
    for (const name of [masterSecretName(p), ...accepted.map((u) => userSecretName(p, u))]) {
      const before = owner.get(name);
      if (before !== undefined && before !== p) clashes++;
      owner.set(name, p);
    }
  }
  t.equal(clashes, 0, `${parents.size} DBInstances × ${accepted.length} users: no Secret name shared`);
  // Without the rule, the example collides.
  t.equal(userSecretName('shop', 'app_master'), masterSecretName('shop-user-app'));
});

t.test('RDS instance identifier rules', async (t) => {
  const cases: [string, string | undefined][] = [
    ['a', undefined],
    ['awshooks-team-a-orders', undefined],
    ['a'.repeat(63), undefined],
    ['a'.repeat(64), 'must be 1-63 characters'],
    ['', 'must be 1-63 characters'],
    ['1abc', 'must start with a lower-case letter'],
    ['-abc', 'must start with a lower-case letter'],
    ['Abc', 'must start with a lower-case letter'],
    ['ab_c', 'may contain only lower-case letters, digits and hyphens'],
    ['aB', 'may contain only lower-case letters, digits and hyphens'],
    ['a--b', 'must not contain two consecutive hyphens'],
    ['ab-', 'must not end with a hyphen'],
  ];
  for (const [id, want] of cases) t.equal(rdsIdentifierProblem(id), want, JSON.stringify(id));

  const derived: [string, string, string][] = [
    ['awshooks', 'team-a', 'orders'],
    ['awshooks', 'Team_A', 'Orders.DB'],
    ['', '9ns', 'x'],
    ['awshooks', 'a-very-long-namespace-name-for-some-team', 'an-even-longer-database-name-that-keeps-going'],
    ['awshooks', 'ns--x', 'name-'],
    ['awshooks', 'a'.repeat(40), 'b'.repeat(40)],
  ];
  for (const [prefix, ns, name] of derived) {
    const id = defaultInstanceIdentifier(prefix, ns, name);
    t.equal(rdsIdentifierProblem(id), undefined, `${prefix}/${ns}/${name} → ${id} is valid`);
    t.equal(defaultInstanceIdentifier(prefix, ns, name), id, 'deterministic');
  }
  t.equal(defaultInstanceIdentifier('awshooks', 'team-a', 'orders'), 'awshooks-team01a-orders');
  const a = defaultInstanceIdentifier('awshooks', 'a'.repeat(40), 'b'.repeat(40) + '1');
  const b = defaultInstanceIdentifier('awshooks', 'a'.repeat(40), 'b'.repeat(40) + '2');
  t.not(a, b, 'long names that share a beginning differ by their hash suffix');
  t.equal(a.length, 63);
  t.equal(sanitizeRdsIdentifier('--9Foo__bar--'), 'foo-bar');
  t.equal(sanitizeRdsIdentifier('123'), 'db');

  t.equal(finalSnapshotIdentifier('awshooks-team-a-orders', owner.uid), 'awshooks-team-a-orders-final-1234abcd');
  t.equal(rdsIdentifierProblem(finalSnapshotIdentifier('x', ''), 255), undefined, 'no uid still gives a valid name');
  t.equal(manualSnapshotIdentifier('db1', new Date('2026-01-02T03:04:05Z')), 'db1-awshooks-202601020304');
  t.equal(userSecretName('orders', 'app_rw'), 'orders-user-app-rw');

  t.throws(() => desiredDBInstance(input({ instanceIdentifier: 'other-db' })), { message: /must start with "awshooks-"/ });
  t.equal(desiredDBInstance(input({ instanceIdentifier: 'awshooks-custom' })).identifier, 'awshooks-custom');
  t.throws(() => desiredDBInstance(input({ instanceIdentifier: 'awshooks--x' })), { message: /two consecutive hyphens/ });
});

t.test('SQL identifier validation and quoting', async (t) => {
  const users: [string, 'postgres' | 'mysql', string | undefined][] = [
    ['app', 'postgres', undefined],
    ['app_rw2', 'mysql', undefined],
    ['a'.repeat(32), 'postgres', undefined],
    ['a'.repeat(33), 'postgres', 'must be a lower-case letter followed by up to 31 lower-case letters, digits or _'],
    ['App', 'postgres', 'must be a lower-case letter followed by up to 31 lower-case letters, digits or _'],
    ['1app', 'postgres', 'must be a lower-case letter followed by up to 31 lower-case letters, digits or _'],
    ['app-rw', 'postgres', 'must be a lower-case letter followed by up to 31 lower-case letters, digits or _'],
    ['x"; DROP DATABASE orders; --', 'postgres', 'must be a lower-case letter followed by up to 31 lower-case letters, digits or _'],
    ["x'@'%", 'mysql', 'must be a lower-case letter followed by up to 31 lower-case letters, digits or _'],
    ['x`; DROP DATABASE a; --', 'mysql', 'must be a lower-case letter followed by up to 31 lower-case letters, digits or _'],
    ['postgres', 'postgres', 'is reserved by postgres or RDS'],
    ['pg_monitor', 'postgres', 'is reserved by postgres or RDS'],
    ['rds_superuser', 'postgres', 'is reserved by postgres or RDS'],
    ['rdsadmin', 'mysql', 'is reserved by mysql or RDS'],
    ['root', 'mysql', 'is reserved by mysql or RDS'],
    ['root', 'postgres', undefined],
  ];
  for (const [name, engine, want] of users) t.equal(sqlUserProblem(name, engine), want, `user ${JSON.stringify(name)} on ${engine}`);
  t.equal(sqlUserProblem('sysadmin', 'postgres', 'sysadmin'), 'is the master user');
  const dbs: [string, 'postgres' | 'mysql', string | undefined][] = [
    ['orders', 'postgres', undefined],
    ['a'.repeat(63), 'postgres', undefined],
    ['a'.repeat(64), 'postgres', 'must be a lower-case letter followed by up to 62 lower-case letters, digits or _'],
    ['template1', 'postgres', 'is reserved by postgres or RDS'],
    ['postgres', 'postgres', 'is reserved by postgres or RDS'],
    ['mysql', 'mysql', 'is reserved by mysql or RDS'],
    ['information_schema', 'mysql', 'is reserved by mysql or RDS'],
    ['x; DROP', 'mysql', 'must be a lower-case letter followed by up to 62 lower-case letters, digits or _'],
  ];
  for (const [name, engine, want] of dbs) t.equal(sqlDatabaseProblem(name, engine), want, `database ${JSON.stringify(name)} on ${engine}`);

  const quoting: [string, string, string][] = [
    ['orders', '"orders"', '`orders`'],
    ['a"b', '"a""b"', '`a"b`'],
    ['a`b', '"a`b"', '`a``b`'],
    ['x"; DROP DATABASE orders; --', '"x""; DROP DATABASE orders; --"', '`x"; DROP DATABASE orders; --`'],
    ['x`; DROP DATABASE a; --', '"x`; DROP DATABASE a; --"', '`x``; DROP DATABASE a; --`'],
    ["it's", '"it\'s"', "`it's`"],
  ];
  for (const [name, pgq, myq] of quoting) {
    t.equal(quotePgIdent(name), pgq, `pg ${name}`);
    t.equal(quoteMysqlIdent(name), myq, `mysql ${name}`);
  }
  t.throws(() => quotePgIdent('a\0b'));
  t.throws(() => quoteMysqlIdent('a\0b'));
  t.equal(quoteMysqlGrantDatabase('my_db'), '`my\\_db`', 'GRANT ON `my_db`.* would match myXdb: _ is escaped');
  t.equal(quoteMysqlGrantDatabase('a%b'), '`a\\%b`');

  t.throws(() => desiredDBInstance(input({ users: { Bad: [] } })), { reason: 'InvalidSpec', message: /spec.users: "Bad"/ });
  t.throws(() => desiredDBInstance(input({ users: { sysadmin: [] } })), { reason: 'InvalidSpec', message: /master user/ });
  t.throws(() => desiredDBInstance(input({ users: { a: [] }, databases: { orders: ['b'] } })), {
    reason: 'InvalidSpec',
    message: /user "b" is not in spec.users/,
  });
  t.throws(() => desiredDBInstance(input({ databases: { template0: [] } })), { reason: 'InvalidSpec', message: /reserved/ });
  t.throws(() => desiredDBInstance(input({ masterUsername: 'rdsadmin' })), { reason: 'InvalidSpec', message: /reserved/ });

  t.same(pgRoleAttributes([]), ['LOGIN', 'NOCREATEDB', 'NOCREATEROLE']);
  t.same(pgRoleAttributes(['createdb']), ['LOGIN', 'CREATEDB', 'NOCREATEROLE']);
  t.same(pgRoleAttributes(['superuser']), ['LOGIN', 'CREATEDB', 'CREATEROLE'], 'never SUPERUSER');
  t.same(resolveTarget('db.x.rds.amazonaws.com', 5432, {}), { host: 'db.x.rds.amazonaws.com', port: 5432 });
  t.same(resolveTarget('db.x.rds.amazonaws.com', 5432, { '*': '127.0.0.1:55432' }), { host: '127.0.0.1', port: 55432 });
  t.same(resolveTarget('db.x', 5432, { 'db.x': 'tunnel:6000', '*': '127.0.0.1:1' }), { host: 'tunnel', port: 6000 });
});
