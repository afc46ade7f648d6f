/** Pure desired state of a DBInstance: seed 003's backup.every default and the mariadb engine. */
import t from 'tap';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import type { DesiredInput } from '../../../../hooks/core/kind.js';
import { validateSpec } from '../../../../hooks/core/spec-validation.js';
import type { ObjectMap, Owner } from '../../../../hooks/core/types.js';
import { dbInstanceDelta } from '../../../../hooks/dbinstance/delta.js';
import { desiredDBInstance } from '../../../../hooks/dbinstance/desired.js';
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
