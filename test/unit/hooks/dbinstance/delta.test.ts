import t from 'tap';
import { dbInstanceDelta, engineVersionChange, majorVersion, versionSatisfies } from '../../../../hooks/dbinstance/delta.js';
import { desiredDBInstance, type DBInstanceDesired } from '../../../../hooks/dbinstance/desired.js';
import { type DBInstanceStatus } from '../../../../schemas/dbinstance.js';
import { dbInstanceInput as input } from '../../../helpers/dbinstance.js';

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
