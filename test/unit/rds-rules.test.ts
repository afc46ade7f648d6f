/** Tables for the DBInstance kind's pure rules: names, passwords, states, durations, SQL quoting, delta. */
import t from 'tap';
import { DEFAULT_HOOKS_CONFIG } from '../../hooks/core/config.js';
import type { DesiredInput } from '../../hooks/core/kind.js';
import type { ObjectMap, Owner, Parent } from '../../hooks/core/types.js';
import { validateSpec } from '../../hooks/core/spec-validation.js';
import {
  defaultInstanceIdentifier,
  finalSnapshotIdentifier,
  manualSnapshotIdentifier,
  quoteMysqlGrantDatabase,
  quoteMysqlIdent,
  quotePgIdent,
  rdsIdentifierProblem,
  sanitizeRdsIdentifier,
  sqlDatabaseProblem,
  sqlUserProblem,
  userSecretName,
} from '../../hooks/dbinstance/identifiers.js';
import { connectionUrl, generatePassword, PASSWORD_ALPHABET, passwordHash, passwordProblem } from '../../hooks/dbinstance/passwords.js';
import { instanceReadiness, parseDuration, reasonOf } from '../../hooks/dbinstance/state.js';
import { dbInstanceDelta, engineVersionChange, majorVersion, versionSatisfies } from '../../hooks/dbinstance/delta.js';
import { desiredDBInstance, dbInstanceFingerprint, type DBInstanceDesired } from '../../hooks/dbinstance/desired.js';
import { planSnapshots } from '../../hooks/dbinstance/aws.js';
import { resolveTarget, pgRoleAttributes } from '../../hooks/dbinstance/database.js';
import { dbInstanceChildren, secretData } from '../../hooks/dbinstance/status.js';
import { DBInstanceSpecSchema, type DBInstanceSpec, type DBInstanceStatus } from '../../schemas/dbinstance.js';

const owner: Owner = { cluster: 'default', namespace: 'team-a', name: 'orders', uid: '1234abcd-0000-4000-8000-000000000001', kind: 'DBInstance' };
const b64 = (s: string) => Buffer.from(s).toString('base64');

function masterSecret(password: string): ObjectMap {
  return {
    'Secret.v1': {
      'team-a/orders-master': { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'orders-master', namespace: 'team-a' }, data: { password: b64(password) } },
    },
  };
}

function input(
  spec: Record<string, unknown>,
  children: ObjectMap = masterSecret('Sup3r-secret-pw'),
  status?: DBInstanceStatus,
  finalizing = false,
): DesiredInput<DBInstanceSpec, DBInstanceStatus> {
  const full = validateSpec<DBInstanceSpec>(DBInstanceSpecSchema, spec);
  const parent = {
    apiVersion: 'rds.awshooks.dev/v1alpha1',
    kind: 'DBInstance',
    metadata: { name: 'orders', namespace: 'team-a', uid: owner.uid },
    spec: full,
    ...(status ? { status } : {}),
  } as Parent<DBInstanceSpec, DBInstanceStatus>;
  return { parent, spec: full, children, related: {}, config: DEFAULT_HOOKS_CONFIG, owner, finalizing, now: new Date() };
}

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

t.test('password rules', async (t) => {
  for (let i = 0; i < 200; i++) {
    const p = generatePassword();
    t.equal(passwordProblem(p), undefined, 'generated passwords follow the rules');
    if (i === 0) t.equal(p.length, 32);
  }
  for (const ch of '/"@ \'\\') t.notOk(PASSWORD_ALPHABET.includes(ch), `alphabet excludes ${JSON.stringify(ch)}`);
  t.not(generatePassword(), generatePassword(), 'random');
  // rejection sampling: a byte stream of only rejected values then valid ones still yields the length
  const bytes = [255, 255, 0, 1, 2];
  let k = 0;
  t.equal(
    generatePassword(3, (n) => Buffer.from(Array.from({ length: n }, () => bytes[k++ % bytes.length]!))),
    'ABC',
  );

  const cases: [string, string | undefined][] = [
    ['abcdefgh', undefined],
    ['a'.repeat(41), undefined],
    ['abcdefg', 'must be 8-41 characters'],
    ['a'.repeat(42), 'must be 8-41 characters'],
    ['abcd/efgh', 'must not contain /, ", @ or a space'],
    ['abcd"efgh', 'must not contain /, ", @ or a space'],
    ['abcd@efgh', 'must not contain /, ", @ or a space'],
    ['abcd efgh', 'must not contain /, ", @ or a space'],
    ["abc'def\\gh", undefined],
    ['abcdéfgh', 'must contain only printable ASCII characters'],
    ['abcd\nefgh', 'must contain only printable ASCII characters'],
  ];
  for (const [p, want] of cases) t.equal(passwordProblem(p), want, JSON.stringify(p));

  t.equal(passwordHash('pw', 'uid1'), passwordHash('pw', 'uid1'));
  t.not(passwordHash('pw', 'uid1'), passwordHash('pw', 'uid2'), 'salted with the uid');
  t.match(passwordHash('pw', 'uid1'), /^[0-9a-f]{16}$/);
  t.equal(connectionUrl('postgres', 'u', 'p%:#?', 'h', '5432', 'db'), 'postgresql://u:p%25%3A%23%3F@h:5432/db');
  t.equal(connectionUrl('mysql', 'u', 'p', '', '', ''), '', 'no host yet → empty url');
});

t.test('AWS status state machine', async (t) => {
  const cases: [string | undefined, boolean, string?, number?, boolean?][] = [
    ['available', true],
    ['creating', false, 'Creating', 30],
    ['modifying', false, 'Modifying', 30],
    ['backing-up', false, 'BackingUp', 30],
    ['configuring-enhanced-monitoring', false, 'ConfiguringEnhancedMonitoring', 30],
    ['upgrading', false, 'Upgrading', 30],
    ['rebooting', false, 'Rebooting', 30],
    ['renaming', false, 'Renaming', 30],
    ['resetting-master-credentials', false, 'ResettingMasterCredentials', 30],
    ['starting', false, 'Starting', 30],
    ['storage-optimization', false, 'StorageOptimization', 30],
    ['maintenance', false, 'Maintenance', 30],
    ['deleting', false, 'Deleting', 30],
    ['failed', false, 'Failed', 300],
    ['incompatible-parameters', false, 'IncompatibleParameters', 300],
    ['incompatible-network', false, 'IncompatibleNetwork', 300],
    ['inaccessible-encryption-credentials', false, 'InaccessibleEncryptionCredentials', 300],
    ['storage-full', false, 'StorageFull', 300, true],
    ['stopped', false, 'Stopped', 300],
    ['something-new', false, 'SomethingNew', 60],
    [undefined, false, 'Unknown', 60],
  ];
  for (const [status, ready, reason, requeue, acceptsUpdates] of cases) {
    const r = instanceReadiness(status);
    t.equal(r.ready, ready, `${status} ready`);
    if (!r.ready) {
      t.equal(r.reason, reason, `${status} reason`);
      t.equal(r.requeueSeconds, requeue, `${status} requeue`);
      t.equal(r.acceptsUpdates ?? false, acceptsUpdates ?? false, `${status} accepts updates`);
    }
  }
  t.match((instanceReadiness('storage-full') as { message: string }).message, /raise spec.storageGB/);
  t.equal(reasonOf('a--b'), 'AB');
});

t.test('backup durations and snapshot plans', async (t) => {
  const cases: [string, number | undefined][] = [
    ['30m', 1800],
    ['24h', 86400],
    ['7d', 604800],
    ['1h', 3600],
    ['0h', undefined],
    ['24', undefined],
    ['1w', undefined],
    ['-1h', undefined],
    ['1.5h', undefined],
    ['', undefined],
  ];
  for (const [text, want] of cases) t.equal(parseDuration(text), want, text);
  t.throws(() => desiredDBInstance(input({ backup: { every: '10m' } })), { reason: 'InvalidSpec', message: /at least 30m/ });
  t.throws(() => desiredDBInstance(input({ backup: { every: '1h', retentionDays: 0 } })), { reason: 'InvalidSpec', message: /./ });
  t.equal(desiredDBInstance(input({ backup: { every: '24h' } })).backupEverySeconds, 86400);

  const now = new Date('2026-06-10T00:00:00Z');
  const day = (d: number) => new Date(now.getTime() - d * 86400_000);
  const snap = (id: string, age: number, owned = true, status = 'available') => ({ id, createdAt: day(age), status, owned });
  t.same(planSnapshots([], 86400, 7, now), { take: true, toDelete: [] });
  t.match(planSnapshots([snap('a', 0.5)], 86400, 7, now), { take: false, toDelete: [] });
  t.match(planSnapshots([snap('a', 1)], 86400, 7, now), { take: true });
  t.match(
    planSnapshots([snap('a', 2), snap('b', 8), snap('c', 9, false), snap('d', 10, true, 'creating')], 86400, 7, now),
    { take: false, toDelete: ['b'] },
    'a snapshot in progress blocks a new one; only owned, available, expired ones go',
  );
  t.match(planSnapshots([snap('old', 30)], 86400, 7, now), { take: true, toDelete: [] }, 'the newest is never deleted');
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

t.test('desired: secrets first, spec checks, fingerprint without passwords', async (t) => {
  t.throws(() => desiredDBInstance(input({}, {})), { reason: 'WaitingForSecret', message: /./ }, 'no master Secret observed → wait');
  const noPw = masterSecret('');
  t.throws(() => desiredDBInstance(input({}, noPw)), { reason: 'WaitingForSecret', message: /./ }, 'an empty password is filled in by children(), then used');
  t.throws(() => desiredDBInstance(input({}, masterSecret('short'))), { reason: 'InvalidSecret', message: /8-41/ });
  t.doesNotThrow(() => desiredDBInstance(input({}, {}, undefined, true)), 'finalizing needs no Secret');

  const d = desiredDBInstance(input({ users: { app: ['createdb'] }, databases: { orders: ['app'] } }));
  t.match(d, {
    engine: 'postgres',
    engineVersion: '16',
    instanceClass: 'db.t3.micro',
    storageGB: 10,
    masterUsername: 'sysadmin',
    storageEncrypted: true,
    publiclyAccessible: false,
    deletionPolicy: 'Snapshot',
    backupRetentionDays: 7,
  });
  t.equal(d.masterPassword, 'Sup3r-secret-pw');
  t.same(d.users, [{ name: 'app', roles: ['createdb'], secretName: 'orders-user-app' }], 'no user Secret yet → no password');
  t.notOk(JSON.stringify(dbInstanceFingerprint(d)).includes('Sup3r-secret-pw'), 'the fingerprint holds hashes, not passwords');
  t.equal(desiredDBInstance(input({ engine: 'mysql' })).engineVersion, '8.0');

  t.throws(() => desiredDBInstance(input({ storageGB: 20 }, masterSecret('Sup3r-secret-pw'), { storageGB: 50 })), {
    reason: 'InvalidSpec',
    message: /spec.storageGB: 20 is smaller than the 50 GiB allocated/,
  });
  t.doesNotThrow(() => desiredDBInstance(input({ storageGB: 50 }, masterSecret('Sup3r-secret-pw'), { storageGB: 50 })));
  t.throws(() => desiredDBInstance(input({ storageEncrypted: false, kmsKeyId: 'k' })), { reason: 'InvalidSpec', message: /./ });
  t.throws(() => validateSpec(DBInstanceSpecSchema, { engine: 'oracle' }), { reason: 'InvalidSpec', message: /./ });
  t.throws(() => validateSpec(DBInstanceSpecSchema, { users: { app: ['root'] } }), { reason: 'InvalidSpec', message: /./ });
  t.throws(() => validateSpec(DBInstanceSpecSchema, { backup: { every: '1 day' } }), { reason: 'InvalidSpec', message: /./ });
  t.same(validateSpec<DBInstanceSpec>(DBInstanceSpecSchema, {}).backup, { retentionDays: 7 }, 'nested defaults');
});

t.test('children: Secrets reuse observed passwords, Service only once available', async (t) => {
  const spec = validateSpec<DBInstanceSpec>(DBInstanceSpecSchema, { users: { app_rw: [] }, databases: { orders: ['app_rw'] } });
  const parent = {
    apiVersion: 'rds.awshooks.dev/v1alpha1',
    kind: 'DBInstance',
    metadata: { name: 'orders', namespace: 'team-a', uid: owner.uid },
    spec,
  } as Parent<DBInstanceSpec, DBInstanceStatus>;
  let n = 0;
  const gen = () => `Generated-pw-${++n}xx`;
  const first = dbInstanceChildren({ parent, spec, status: {}, desired: undefined, children: {}, config: DEFAULT_HOOKS_CONFIG, now: new Date() }, gen);
  t.same(
    first.map((c) => `${c.kind}/${c.metadata.name}`),
    ['Secret/orders-master', 'Secret/orders-user-app-rw'],
  );
  const data = first[0]!.data as Record<string, string>;
  t.same(Object.keys(data).sort(), ['dbname', 'engine', 'host', 'password', 'port', 'url', 'username']);
  t.equal(Buffer.from(data.password!, 'base64').toString(), 'Generated-pw-1xx');
  t.equal(Buffer.from(data.host!, 'base64').toString(), '', 'host empty until known');
  t.equal(Buffer.from((first[1]!.data as Record<string, string>).dbname!, 'base64').toString(), 'orders', 'a user Secret names its first granted database');

  const observed: ObjectMap = {
    'Secret.v1': Object.fromEntries(first.map((c) => [`team-a/${c.metadata.name}`, { ...c, metadata: { ...c.metadata, namespace: 'team-a' } }])),
    'Service.v1': {},
  };
  const status: DBInstanceStatus = { endpoint: 'db.example', port: 5432, dbInstanceStatus: 'creating' };
  const again = dbInstanceChildren({ parent, spec, status, desired: undefined, children: observed, config: DEFAULT_HOOKS_CONFIG, now: new Date() }, gen);
  t.equal(Buffer.from((again[0]!.data as Record<string, string>).password!, 'base64').toString(), 'Generated-pw-1xx', 'never regenerated');
  t.equal(again.length, 2, 'no Service before available');
  const avail = dbInstanceChildren(
    {
      parent,
      spec,
      status: { ...status, dbInstanceStatus: 'available' },
      desired: undefined,
      children: observed,
      config: DEFAULT_HOOKS_CONFIG,
      now: new Date(),
    },
    gen,
  );
  t.match(avail[2], { kind: 'Service', metadata: { name: 'orders' }, spec: { type: 'ExternalName', externalName: 'db.example' } });
  t.equal(Buffer.from((avail[0]!.data as Record<string, string>).url!, 'base64').toString(), 'postgresql://sysadmin:Generated-pw-1xx@db.example:5432/postgres');
  observed['Service.v1'] = { 'team-a/orders': avail[2]! };
  const modifying = dbInstanceChildren(
    {
      parent,
      spec,
      status: { ...status, dbInstanceStatus: 'modifying' },
      desired: undefined,
      children: observed,
      config: DEFAULT_HOOKS_CONFIG,
      now: new Date(),
    },
    gen,
  );
  t.equal(modifying.length, 3, 'the Service stays while modifying');
  t.same(
    dbInstanceChildren({ parent, spec: undefined, status: {}, desired: undefined, children: observed, config: DEFAULT_HOOKS_CONFIG, now: new Date() }),
    [],
    'invalid spec: nothing computed (the core keeps observed children)',
  );
  t.equal(Object.keys(secretData({ engine: 'mysql', username: 'u', password: 'p', host: '', port: '', dbname: '' })).length, 7);
});

t.test('delta: only what changed, pending values count as done, versions', async (t) => {
  const d: DBInstanceDesired = desiredDBInstance(
    input({ engineVersion: '16', storageGB: 20, tags: { team: 'a' }, securityGroupIds: ['sg-0123456789abcdef0'] }),
  );
  const base = {
    Engine: 'postgres',
    EngineVersion: '16.3',
    DBInstanceClass: 'db.t3.micro',
    AllocatedStorage: 20,
    MultiAZ: false,
    BackupRetentionPeriod: 7,
    DeletionProtection: false,
    PubliclyAccessible: false,
    VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-0123456789abcdef0' }],
  };
  const tags = { ...d.tags, ...d.ownerTags };
  const prev: DBInstanceStatus = { masterPasswordHash: d.masterPasswordHash!, managedTagKeys: ['team'] };
  t.same(dbInstanceDelta(d, { instance: base, tags }, prev).paths, [], 'converged');
  t.same(dbInstanceDelta(d, { instance: { ...base, AllocatedStorage: 30 }, tags }, prev).paths, [], 'larger storage (autoscaling) is not shrunk');
  const grow = dbInstanceDelta({ ...d, storageGB: 40, instanceClass: 'db.t3.small' }, { instance: base, tags }, prev);
  t.same(grow.paths, ['instanceClass', 'storageGB']);
  t.same(grow.modify, { DBInstanceClass: 'db.t3.small', AllocatedStorage: 40 });
  t.same(
    dbInstanceDelta(
      { ...d, storageGB: 40, instanceClass: 'db.t3.small' },
      { instance: { ...base, PendingModifiedValues: { AllocatedStorage: 40, DBInstanceClass: 'db.t3.small' } }, tags },
      prev,
    ).paths,
    [],
    'pending values are not sent again',
  );
  const rotate = dbInstanceDelta(d, { instance: base, tags }, { ...prev, masterPasswordHash: 'old' });
  t.same(rotate.paths, ['masterPassword']);
  t.equal(rotate.modify.MasterUserPassword, 'Sup3r-secret-pw');
  t.same(
    dbInstanceDelta(d, { instance: base, tags: { ...tags, team: 'b', other: 'x' } }, prev),
    { paths: ['tags'], modify: {}, tagsToAdd: { team: 'a' }, tagsToRemove: [] },
    'foreign tag keys are left alone',
  );
  t.same(dbInstanceDelta({ ...d, tags: {} }, { instance: base, tags }, prev).tagsToRemove, ['team'], 'a tag we set and the user removed goes');
  t.same(dbInstanceDelta(d, { instance: { ...base, VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-1111111111111111a' }] }, tags }, prev).modify, {
    VpcSecurityGroupIds: ['sg-0123456789abcdef0'],
  });
  t.throws(() => dbInstanceDelta(d, { instance: { ...base, Engine: 'mysql' }, tags }, prev), { reason: 'EngineMismatch', message: /./ });

  t.equal(majorVersion('postgres', '16.3'), '16');
  t.equal(majorVersion('postgres', '9.6.20'), '9.6');
  t.equal(majorVersion('mysql', '8.0.35'), '8.0');
  t.ok(versionSatisfies('16', '16.3'));
  t.notOk(versionSatisfies('16', '161.0'));
  t.equal(engineVersionChange({ ...d, engineVersion: '16.4' }, '16.3', undefined), '16.4', 'minor upgrade');
  t.equal(engineVersionChange({ ...d, engineVersion: '16.2' }, '16.3', undefined), undefined, 'an older minor (RDS auto-upgraded) is left');
  t.equal(engineVersionChange({ ...d, engineVersion: '16.4' }, '16.3', '16.4'), undefined, 'pending');
  t.throws(() => engineVersionChange({ ...d, engineVersion: '17' }, '16.3', undefined), { reason: 'MajorVersionUpgradeNotAllowed', message: /./ });
  t.equal(engineVersionChange({ ...d, engineVersion: '17', allowMajorVersionUpgrade: true }, '16.3', undefined), '17');
  t.throws(() => engineVersionChange({ ...d, engineVersion: '15' }, '16.3', undefined), { reason: 'EngineVersionDowngrade', message: /./ });
  const major = dbInstanceDelta({ ...d, engineVersion: '17', allowMajorVersionUpgrade: true }, { instance: base, tags }, prev);
  t.same(major.modify, { EngineVersion: '17', AllowMajorVersionUpgrade: true });
});

t.test('samples are valid specs', async (t) => {
  const { readFileSync } = await import('node:fs');
  const { parseAllDocuments } = await import('yaml');
  for (const file of ['dbinstance-postgres.yaml', 'dbinstance-mysql.yaml']) {
    // The sample creates its namespace first (kubectl apply -f manifests/samples/ on a fresh cluster).
    const docs = parseAllDocuments(readFileSync(new URL(`../../manifests/samples/${file}`, import.meta.url), 'utf8')).map(
      (d) => d.toJS() as { kind: string; spec: Record<string, unknown> },
    );
    const doc = docs.find((d) => d.kind !== 'Namespace')!;
    t.equal(doc.kind, 'DBInstance', file);
    const d = desiredDBInstance(input(doc.spec));
    t.ok(d.identifier, `${file}: desired computed`);
  }
});
