import t from 'tap';
import { validateSpec } from '../../../../hooks/core/spec-validation.js';
import { desiredDBInstance, dbInstanceFingerprint } from '../../../../hooks/dbinstance/desired.js';
import { DBInstanceSpecSchema, type DBInstanceSpec } from '../../../../schemas/dbinstance.js';
import { masterSecret, dbInstanceInput as input } from '../../../helpers/dbinstance.js';

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

t.test('samples are valid specs', async (t) => {
  const { readFileSync } = await import('node:fs');
  const { parseAllDocuments } = await import('yaml');
  for (const file of ['dbinstance-postgres.yaml', 'dbinstance-mysql.yaml']) {
    // The sample creates its namespace first (kubectl apply -f manifests/samples/ on a fresh cluster).
    const docs = parseAllDocuments(readFileSync(new URL(`../../../../manifests/samples/${file}`, import.meta.url), 'utf8')).map(
      (d) => d.toJS() as { kind: string; spec: Record<string, unknown> },
    );
    const doc = docs.find((d) => d.kind !== 'Namespace')!;
    t.equal(doc.kind, 'DBInstance', file);
    const d = desiredDBInstance(input(doc.spec));
    t.ok(d.identifier, `${file}: desired computed`);
  }
});
