/** Pure desired state of a DBInstance: seed 003's backup.every default and the mariadb engine. */
import t from 'tap';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import type { DesiredInput } from '../../../../hooks/core/kind.js';
import { validateSpec } from '../../../../hooks/core/spec-validation.js';
import type { ObjectMap, Owner } from '../../../../hooks/core/types.js';
import { dbInstanceDelta } from '../../../../hooks/dbinstance/delta.js';
import { dbInstanceWouldBeChildren, desiredDBInstance } from '../../../../hooks/dbinstance/desired.js';
import { planDatabaseWork } from '../../../../hooks/dbinstance/after-converge.js';
import { dbInstanceChildren } from '../../../../hooks/dbinstance/status.js';
import { engineFamily, engineMatches } from '../../../../hooks/dbinstance/identifiers.js';
import { connectionUrl } from '../../../../hooks/dbinstance/passwords.js';
import { DBInstanceSpecSchema, type DBInstanceSpec, type DBInstanceStatus } from '../../../../schemas/dbinstance.js';

const owner: Owner = { cluster: 'default', namespace: 'team-a', name: 'orders', uid: '1234abcd-0000-4000-8000-000000000001', kind: 'DBInstance' };
const children: ObjectMap = {
  'Secret.v1': {
    'team-a/orders-master': {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'orders-master', namespace: 'team-a' },
      data: { password: Buffer.from('Sup3r-secret-pw').toString('base64') },
    },
  },
};

function input(spec: Record<string, unknown>): DesiredInput<DBInstanceSpec, DBInstanceStatus> {
  const full = validateSpec<DBInstanceSpec>(DBInstanceSpecSchema, spec);
  const parent = { apiVersion: 'rds.awshooks.dev/v1alpha1', kind: 'DBInstance', metadata: { name: 'orders', namespace: 'team-a', uid: owner.uid }, spec: full };
  return {
    parent,
    spec: full,
    children,
    related: {},
    config: DEFAULT_HOOKS_CONFIG,
    owner,
    finalizing: false,
    now: new Date(),
  };
}

t.test('backup.every: 24h by default (seed 003), off with "off" or without retention; explicit values as before', async (t) => {
  const cases: [Record<string, unknown>, number | undefined][] = [
    [{}, 86400],
    [{ backup: { retentionDays: 3 } }, 86400],
    [{ backup: { retentionDays: 0 } }, undefined],
    [{ backup: { every: 'off' } }, undefined],
    [{ backup: { every: '6h' } }, 21600],
    [{ backup: { every: '7d', retentionDays: 14 } }, 7 * 86400],
  ];
  for (const [spec, want] of cases) t.equal(desiredDBInstance(input(spec)).backupEverySeconds, want, JSON.stringify(spec));
  t.throws(() => desiredDBInstance(input({ backup: { every: '24h', retentionDays: 0 } })), { reason: 'InvalidSpec', message: /retentionDays of at least 1/ });
  t.throws(() => desiredDBInstance(input({ backup: { every: '10m' } })), { reason: 'InvalidSpec', message: /at least 30m/ });
  t.throws(() => validateSpec(DBInstanceSpecSchema, { backup: { every: 'never' } }), { reason: 'InvalidSpec', message: /./ });
});

t.test('engine mariadb: its own engine and version, MySQL dialect and driver', async (t) => {
  const d = desiredDBInstance(input({ engine: 'mariadb', users: { app: [] } }));
  t.equal(d.engine, 'mariadb');
  t.equal(d.engineVersion, '10.11', 'default major version');
  t.equal(engineFamily('mariadb'), 'mysql');
  t.equal(engineFamily('postgres'), 'postgres');
  t.throws(
    () => desiredDBInstance(input({ engine: 'mariadb', users: { mysql_x: [] } })),
    { reason: 'InvalidSpec', message: /reserved by mysql/ },
    'MySQL reserved names',
  );
  t.throws(() => desiredDBInstance(input({ engine: 'mariadb', users: { mariadb_sys: [] } })), { reason: 'InvalidSpec', message: /reserved/ });
  t.match(connectionUrl('mariadb', 'app', 'pw', 'h', '3306', 'db'), /^mysql:\/\/app:pw@h:3306\/db$/);
  const matches: [Parameters<typeof engineMatches>[0], string, boolean][] = [
    ['postgres', 'postgres', true],
    ['postgres', 'mysql', false],
    ['mysql', 'mysql', true],
    ['mysql', 'mariadb', true], // instances created as mysql before mariadb was an engine of its own
    ['mariadb', 'mariadb', true],
    ['mariadb', 'mysql', false],
    ['mariadb', 'postgres', false],
  ];
  for (const [want, have, ok] of matches) t.equal(engineMatches(want, have), ok, `${want} vs ${have}`);
  const instance = { Engine: 'mysql', DBInstanceClass: 'db.t3.micro', AllocatedStorage: 10, EngineVersion: '8.0.35' };
  t.throws(
    () => dbInstanceDelta(d, { instance, tags: {} }, undefined),
    { reason: 'EngineMismatch', message: /runs mysql/ },
    'a mysql instance is not a mariadb one',
  );
});

t.test('iamAuth users: no password, no Secret (a ConfigMap), ready at once, IAM authentication on the instance', async (t) => {
  const d = desiredDBInstance(input({ users: { tok: ['iamAuth'], app: [] }, databases: { db: ['tok', 'app'] } }));
  t.same(
    d.users.find((u) => u.name === 'tok'),
    { name: 'tok', roles: [], secretName: 'orders-user-tok', iamAuth: true },
    'no password, iamAuth not a role',
  );
  t.equal(d.iamDatabaseAuth, true);
  t.equal(desiredDBInstance(input({ users: { app: [] } })).iamDatabaseAuth, false);
  const instance = { Engine: 'postgres', DBInstanceClass: 'db.t3.micro', AllocatedStorage: 10, EngineVersion: '16.3', BackupRetentionPeriod: 7 };
  t.match(dbInstanceDelta(d, { instance, tags: {} }, undefined).modify, { EnableIAMDatabaseAuthentication: true });
  t.notOk(
    'EnableIAMDatabaseAuthentication' in dbInstanceDelta(d, { instance: { ...instance, IAMDatabaseAuthenticationEnabled: true }, tags: {} }, undefined).modify,
  );

  const plan = planDatabaseWork(DEFAULT_HOOKS_CONFIG, { ...d, masterPassword: 'Sup3r-secret-pw' }, 'db.example', 5432, undefined);
  t.same(plan.pendingUsers, ['app'], 'the password user waits for its Secret; the IAM user does not');
  t.same(plan.work.users, [{ name: 'tok', roles: [], iamAuth: true }]);
  t.same(plan.work.databases, [{ name: 'db', users: ['tok'] }]);

  const kids = dbInstanceChildren({
    spec: input({ users: { tok: ['iamAuth'], app: [] } }).spec,
    status: { endpoint: 'db.example', port: 5432, region: 'eu-west-1', dbInstanceStatus: 'available' },
    parent: input({}).parent,
    children,
    related: {},
  } as unknown as Parameters<typeof dbInstanceChildren>[0]);
  t.same(
    kids.map((k) => `${k.kind}/${k.metadata.name}`),
    ['Secret/orders-master', 'Secret/orders-user-app', 'ConfigMap/orders-user-tok', 'Service/orders'],
  );
  t.same(kids.find((k) => k.kind === 'ConfigMap')?.data, {
    dbname: 'postgres',
    engine: 'postgres',
    host: 'db.example',
    port: '5432',
    region: 'eu-west-1',
    username: 'tok',
    authentication: 'iam',
  });
  t.same(
    dbInstanceWouldBeChildren('orders', ['app', 'tok'], ['tok']).map((c) => `${c.kind}/${c.name}`),
    ['Secret/orders-master', 'Secret/orders-user-app', 'ConfigMap/orders-user-tok', 'Service/orders'],
  );
});

t.test('optional settings: checked, sent only when set, compared by meaning', async (t) => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ maxAllocatedStorage: 10 }, /spec\.maxAllocatedStorage: 10 must be above storageGB \(10\)/],
    [{ preferredBackupWindow: '03:00-03:20' }, /preferredBackupWindow: must be at least 30 minutes/],
    [{ preferredMaintenanceWindow: 'sun:05:00-sun:05:10' }, /preferredMaintenanceWindow: must be at least 30 minutes/],
    [{ enableCloudwatchLogsExports: ['slowquery'] }, /"slowquery" is not a log of postgres/],
    [{ performanceInsights: { enabled: true, retentionDays: 30 } }, /retentionDays: 30 must be 7, a multiple of 31/],
  ];
  for (const [spec, message] of bad) t.throws(() => desiredDBInstance(input(spec)), { reason: 'InvalidSpec', message }, JSON.stringify(spec));
  t.throws(() => validateSpec(DBInstanceSpecSchema, { preferredBackupWindow: '3:00-3:30' }), { reason: 'InvalidSpec', message: /./ });

  const plain = desiredDBInstance(input({}));
  const instance = {
    Engine: 'postgres',
    DBInstanceClass: 'db.t3.micro',
    AllocatedStorage: 10,
    EngineVersion: '16.3',
    BackupRetentionPeriod: 7,
    MaxAllocatedStorage: 99,
    PreferredBackupWindow: '01:00-01:30',
    PreferredMaintenanceWindow: 'Wed:02:40-Wed:03:10',
    EnabledCloudwatchLogsExports: ['upgrade'],
    CACertificateIdentifier: 'rds-ca-default',
    PerformanceInsightsEnabled: true,
  };
  const applied = { masterPasswordHash: plain.masterPasswordHash };
  t.same(dbInstanceDelta(plain, { instance, tags: {} }, applied).modify, {}, 'unset settings are left alone');

  const tuned = desiredDBInstance(
    input({
      maxAllocatedStorage: 0,
      preferredBackupWindow: '03:00-03:30',
      preferredMaintenanceWindow: 'wed:02:40-wed:03:10',
      enableCloudwatchLogsExports: ['postgresql', 'postgresql'],
      performanceInsights: { enabled: true, retentionDays: 731 },
      caCertificateIdentifier: 'rds-ca-rsa2048-g1',
    }),
  );
  const delta = dbInstanceDelta(tuned, { instance, tags: {} }, applied);
  t.same(delta.modify, {
    MaxAllocatedStorage: 0,
    PreferredBackupWindow: '03:00-03:30',
    CloudwatchLogsExportConfiguration: { EnableLogTypes: ['postgresql'], DisableLogTypes: ['upgrade'] },
    EnablePerformanceInsights: true,
    PerformanceInsightsRetentionPeriod: 731,
    CACertificateIdentifier: 'rds-ca-rsa2048-g1',
  });
  t.notOk(delta.paths.includes('preferredMaintenanceWindow'), 'the maintenance window compares case-insensitively');
  const pending = dbInstanceDelta(
    tuned,
    { instance: { ...instance, PendingModifiedValues: { CACertificateIdentifier: 'rds-ca-rsa2048-g1' } }, tags: {} },
    undefined,
  );
  t.notOk('CACertificateIdentifier' in pending.modify, 'a pending CA change is not sent again');
});
