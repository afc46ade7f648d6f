/** spec.restoreFrom: the pure rules (which sources a namespace may use) and the restore I/O against a fake RDS client. */
import t from 'tap';
import type { DBInstance, DBSnapshot } from '@aws-sdk/client-rds';
import { DEFAULT_HOOKS_CONFIG, type HooksConfig } from '../../../../hooks/core/config.js';
import { TerminalError, WaitError } from '../../../../hooks/core/errors.js';
import type { KindContext } from '../../../../hooks/core/kind.js';
import type { Logger } from '../../../../hooks/core/logger.js';
import { ownerTags } from '../../../../hooks/core/ownership.js';
import { AwsClients } from '../../../../hooks/core/aws-clients.js';
import { dbInstanceAfterConverge } from '../../../../hooks/dbinstance/after-converge.js';
import { dbInstanceManager } from '../../../../hooks/dbinstance/aws.js';
import type { DbWork } from '../../../../hooks/dbinstance/database.js';
import type { DBInstanceDesired } from '../../../../hooks/dbinstance/desired.js';
import { desiredRestore, isOwnFinalSnapshotName, restoredFromLabel, snapshotScope } from '../../../../hooks/dbinstance/restore.js';
import { dbInstanceStatus } from '../../../../hooks/dbinstance/status.js';
import type { DBInstanceSpec } from '../../../../schemas/dbinstance.js';

const config: HooksConfig = { ...DEFAULT_HOOKS_CONFIG, clusterName: 'prod' };
const owner = { cluster: 'prod', namespace: 'team-a', name: 'shop', uid: 'aaaabbbb-0000-4000-8000-000000000001', kind: 'DBInstance' };
const spec = (restoreFrom?: DBInstanceSpec['restoreFrom']) => ({ engine: 'postgres', ...(restoreFrom ? { restoreFrom } : {}) }) as DBInstanceSpec;
const tagsOf = (ns: string, cluster = 'prod', name = 'old') => ({
  'awshooks.dev/cluster': cluster,
  'awshooks.dev/namespace': ns,
  'awshooks.dev/name': name,
  'awshooks.dev/kind': 'DBInstance',
});

t.test('desiredRestore: the spec, checked before any AWS call', async (t) => {
  t.equal(desiredRestore(spec(), config, owner), undefined, 'no restoreFrom: created empty');
  t.same(desiredRestore(spec({ snapshotIdentifier: 'awshooks-team01a-shop-final-1234abcd' }), config, owner), {
    kind: 'snapshot',
    snapshotIdentifier: 'awshooks-team01a-shop-final-1234abcd',
  });
  t.same(desiredRestore(spec({ pointInTime: { dbInstance: 'orders' } }), config, owner), {
    kind: 'pointInTime',
    dbInstance: 'orders',
    sourceIdentifier: 'awshooks-team01a-orders',
  });
  t.same(desiredRestore(spec({ pointInTime: { dbInstance: 'orders', time: '2026-01-02T03:04:05+01:00' } }), config, owner), {
    kind: 'pointInTime',
    dbInstance: 'orders',
    sourceIdentifier: 'awshooks-team01a-orders',
    time: '2026-01-02T02:04:05.000Z',
  });
  const invalid: [DBInstanceSpec['restoreFrom'], RegExp][] = [
    [{}, /exactly one of snapshotIdentifier and pointInTime/],
    [{ snapshotIdentifier: 'x', pointInTime: { dbInstance: 'orders' } }, /exactly one/],
    [{ snapshotIdentifier: 'a--b' }, /spec\.restoreFrom\.snapshotIdentifier: "a--b" must not contain two consecutive hyphens/],
    [{ snapshotIdentifier: 'ends-' }, /must not end with a hyphen/],
    [{ pointInTime: { dbInstance: 'shop' } }, /cannot restore itself/],
    [{ pointInTime: { dbInstance: 'orders', time: 'yesterday' } }, /pointInTime\.time: "yesterday" is not an RFC 3339 time/],
    [{ pointInTime: { dbInstance: 'orders', time: '2026-13-45T99:00:00Z' } }, /not an RFC 3339 time/],
    [{ pointInTime: { dbInstance: 'orders', time: '2026-01-02T03:04:05' } }, /not an RFC 3339 time/],
  ];
  for (const [from, message] of invalid) {
    t.throws(() => desiredRestore(spec(from), config, owner), { reason: 'InvalidSpec', message }, JSON.stringify(from));
  }
});

t.test('snapshotScope: own tags, own final-snapshot naming, or the administrator; nothing else', async (t) => {
  const cases: [string, Record<string, string>, Partial<HooksConfig>, string | false][] = [
    ['any-name', tagsOf('team-a'), {}, 'owner-tags'],
    ['awshooks-team01a-old-final-1234abcd', {}, {}, 'own-final-snapshot'],
    ['awshooks-team01a-old-final-1234abcd', tagsOf('team-b'), {}, false], // our naming, another namespace's tags
    ['awshooks-team01a-old-final-1234abcd', tagsOf('team-a', 'staging'), {}, false], // another cluster
    ['awshooks-team01b-old-final-1234abcd', {}, {}, false], // team-b's naming
    ['awshooks-team-old-final-1234abcd', {}, {}, false], // namespace "team"'s naming
    ['awshooks-team01a-old-awshooks-202601020304', {}, {}, false], // a manual snapshot name, untagged
    ['golden', {}, {}, false],
    ['golden', {}, { rdsRestoreAllowedSnapshots: ['gold*'] }, 'administrator'],
    ['golden', tagsOf('team-b'), { rdsRestoreAllowedSnapshots: ['golden'] }, 'administrator'],
    ['golden', {}, { allowedAwsNames: [{ namespace: 'team-a', pattern: 'golden' }] }, 'administrator'],
    ['golden', {}, { allowedAwsNames: [{ namespace: 'team-b', pattern: 'golden' }] }, false],
  ];
  for (const [id, tags, extra, expected] of cases) {
    const scope = snapshotScope(id, tags, { ...config, ...extra }, owner);
    if (expected === false) {
      t.notOk(scope.allowed, `${id} ${JSON.stringify(tags)} refused`);
      if (!scope.allowed) t.match(scope.message, /^spec\.restoreFrom\.snapshotIdentifier: /);
    } else t.same(scope, { allowed: true, why: expected }, `${id}: ${expected}`);
  }
  t.ok(isOwnFinalSnapshotName('awshooks-team-x-final-0a1b2c3d', config, 'team'));
  t.notOk(isOwnFinalSnapshotName('awshooks-team01a-x-final-0a1b2c3d', config, 'team'), "team-a's snapshot is not team's");
  t.equal(restoredFromLabel({ kind: 'snapshot', snapshotIdentifier: 's' }), 'snapshot/s');
  t.equal(restoredFromLabel({ kind: 'pointInTime', dbInstance: 'o', sourceIdentifier: 'awshooks-team01a-o' }), 'pointInTime/awshooks-team01a-o@latest');
});

// ---------------------------------------------------------------- I/O against a fake client

function awsError(name: string, status = 400): Error {
  return Object.assign(new Error(`${name}: simulated`), { name, Code: name, $fault: 'client', $metadata: { httpStatusCode: status } });
}

class FakeRds {
  calls: { op: string; input: Record<string, unknown> }[] = [];
  snapshot: DBSnapshot | undefined;
  instances: Record<string, DBInstance> = {};
  async send(cmd: { input: Record<string, unknown>; constructor: { name: string } }): Promise<unknown> {
    const op = cmd.constructor.name.replace(/Command$/, '');
    this.calls.push({ op, input: cmd.input });
    switch (op) {
      case 'DescribeDBSnapshots':
        if (!this.snapshot) throw awsError('DBSnapshotNotFoundFault', 404);
        return { DBSnapshots: [this.snapshot] };
      case 'DescribeDBInstances': {
        const i = this.instances[cmd.input.DBInstanceIdentifier as string];
        if (!i) throw awsError('DBInstanceNotFoundFault', 404);
        return { DBInstances: [i] };
      }
      case 'RestoreDBInstanceFromDBSnapshot':
      case 'RestoreDBInstanceToPointInTime':
      case 'CreateDBInstance': {
        const id = (cmd.input.DBInstanceIdentifier ?? cmd.input.TargetDBInstanceIdentifier) as string;
        // NOTE: RDS answers a restore without the tags it was given.
        this.instances[id] = { DBInstanceIdentifier: id, DBInstanceStatus: 'creating', Engine: 'postgres' };
        return { DBInstance: this.instances[id] };
      }
      default:
        return {};
    }
  }
  ops(): string[] {
    return this.calls.map((c) => c.op);
  }
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
function setup(extra: Partial<HooksConfig> = {}) {
  const fake = new FakeRds();
  const ctx: KindContext = { config: { ...config, ...extra }, aws: new AwsClients(), now: () => new Date('2026-01-02T00:00:00Z'), log: silent, owner };
  return { fake, manager: dbInstanceManager(ctx, () => fake) };
}
const desired = (restore?: DBInstanceDesired['restore']): DBInstanceDesired => ({
  region: 'us-east-1',
  identifier: 'awshooks-team01a-shop',
  name: { name: 'awshooks-team01a-shop', claimable: true },
  engine: 'postgres',
  engineVersion: '16',
  allowMajorVersionUpgrade: false,
  instanceClass: 'db.t3.micro',
  storageGB: 10,
  multiAZ: false,
  storageEncrypted: true,
  securityGroupIds: [],
  publiclyAccessible: false,
  masterUsername: 'sysadmin',
  masterPassword: 'Master-pw-0123456789',
  masterPasswordHash: '0123456789abcdef',
  users: [],
  databases: [],
  backupRetentionDays: 7,
  deletionPolicy: 'Snapshot',
  deletionProtection: false,
  applyImmediately: false,
  tags: { team: 'a' },
  ownerTags: ownerTags(owner),
  adopt: false,
  finalSnapshotIdentifier: 'awshooks-team01a-shop-final-aaaabbbb',
  iamDatabaseAuth: false,
  ...(restore ? { restore } : {}),
});
const fromSnapshot = { kind: 'snapshot' as const, snapshotIdentifier: 'awshooks-team01a-shop-final-11112222' };

t.test('restore from a snapshot: checked, then restored with our owner tags and no password; status says so', async (t) => {
  const { fake, manager } = setup();
  fake.snapshot = { DBSnapshotIdentifier: fromSnapshot.snapshotIdentifier, Status: 'available', Engine: 'postgres', Encrypted: true, TagList: [] };
  const observed = await manager.create(desired(fromSnapshot), undefined);
  t.same(fake.ops(), ['DescribeDBSnapshots', 'RestoreDBInstanceFromDBSnapshot']);
  const input = fake.calls[1]!.input;
  t.equal(input.DBSnapshotIdentifier, fromSnapshot.snapshotIdentifier);
  t.notOk('MasterUserPassword' in input, 'RDS restores take no password');
  t.same(
    Object.fromEntries((input.Tags as { Key: string; Value: string }[]).map((x) => [x.Key, x.Value])),
    { team: 'a', ...ownerTags(owner) },
    'our owner tags',
  );
  t.equal(observed.masterPassword, 'source');
  t.equal(observed.restoredFrom, `snapshot/${fromSnapshot.snapshotIdentifier}`);
  t.same(observed.tags, { team: 'a', ...ownerTags(owner) }, 'tags filled in when the answer lacks them');
  const status = dbInstanceStatus(desired(fromSnapshot), observed, undefined);
  t.notOk(status.masterPasswordHash, 'no hash: the master password is still the source’s');
  t.equal(status.restoredFrom, `snapshot/${fromSnapshot.snapshotIdentifier}`);
  t.equal(dbInstanceStatus(desired(fromSnapshot), { instance: observed.instance, tags: observed.tags }, status).restoredFrom, status.restoredFrom, 'kept');
});

t.test('restoreFrom is ignored once this parent had an instance: created empty, never restored over', async (t) => {
  const { fake, manager } = setup();
  await manager.create(desired(fromSnapshot), { dbInstanceIdentifier: 'awshooks-team01a-shop' });
  t.same(fake.ops(), ['CreateDBInstance']);
});

t.test('restore refusals and waits', async (t) => {
  const cases: [Partial<DBSnapshot> | undefined, Partial<HooksConfig>, unknown, string][] = [
    [undefined, {}, TerminalError, 'RestoreSourceNotFound'],
    [{ TagList: Object.entries(tagsOf('team-b')).map(([Key, Value]) => ({ Key, Value })) }, {}, TerminalError, 'RestoreSourceNotAllowed'],
    [{ Engine: 'mysql' }, {}, TerminalError, 'EngineMismatch'],
    [{ Encrypted: false }, {}, TerminalError, 'EncryptionMismatch'],
    [{ Status: 'creating' }, {}, WaitError, 'WaitingForRestoreSource'],
  ];
  for (const [snap, extra, type, reason] of cases) {
    const { fake, manager } = setup(extra);
    if (snap) fake.snapshot = { DBSnapshotIdentifier: fromSnapshot.snapshotIdentifier, Status: 'available', Engine: 'postgres', Encrypted: true, ...snap };
    const err = await manager.create(desired(fromSnapshot), undefined).catch((e: unknown) => e);
    t.type(err, type as new () => Error, reason);
    t.equal((err as { reason?: string }).reason, reason, reason);
    t.notOk(
      fake.ops().some((o) => o.startsWith('Restore')),
      `${reason}: no restore`,
    );
  }
});

t.test('point in time: only from an instance whose owner tags name the DBInstance of this namespace', async (t) => {
  const pit = { kind: 'pointInTime' as const, dbInstance: 'orders', sourceIdentifier: 'awshooks-team01a-orders', time: '2026-01-01T00:00:00.000Z' };
  const list = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  const { fake, manager } = setup();
  fake.instances['awshooks-team01a-orders'] = {
    DBInstanceIdentifier: 'awshooks-team01a-orders',
    Engine: 'postgres',
    TagList: list(tagsOf('team-a', 'prod', 'orders')),
  };
  const observed = await manager.create(desired(pit), undefined);
  t.same(fake.ops(), ['DescribeDBInstances', 'RestoreDBInstanceToPointInTime']);
  t.match(fake.calls[1]!.input, { SourceDBInstanceIdentifier: 'awshooks-team01a-orders', TargetDBInstanceIdentifier: 'awshooks-team01a-shop' });
  t.same(fake.calls[1]!.input.RestoreTime, new Date('2026-01-01T00:00:00Z'));
  t.equal(observed.restoredFrom, 'pointInTime/awshooks-team01a-orders@2026-01-01T00:00:00.000Z');

  for (const tags of [tagsOf('team-b', 'prod', 'orders'), tagsOf('team-a', 'prod', 'other'), {}]) {
    const { fake, manager } = setup();
    fake.instances['awshooks-team01a-orders'] = { DBInstanceIdentifier: 'awshooks-team01a-orders', Engine: 'postgres', TagList: list(tags) };
    const err = await manager.create(desired(pit), undefined).catch((e: unknown) => e);
    t.equal((err as { reason?: string }).reason, 'RestoreSourceNotAllowed', JSON.stringify(tags));
    t.same(fake.ops(), ['DescribeDBInstances']);
  }
});

t.test('no in-database work while the engine does not have the master Secret’s password', async (t) => {
  const runs: DbWork[] = [];
  const ctx: KindContext = { config, aws: new AwsClients(), now: () => new Date(), log: silent, owner };
  const instance = { DBInstanceStatus: 'available', Endpoint: { Address: 'db.example', Port: 5432 } };
  for (const masterPassword of ['source', 'resetting'] as const) {
    const out = await dbInstanceAfterConverge(ctx, desired(), { instance, tags: {}, masterPassword }, undefined, undefined, async (w) => {
      runs.push(w);
    });
    t.equal(out.ready?.reason, 'ResettingMasterPassword', masterPassword);
    t.ok((out.requeueSeconds ?? 999) <= 15, 'looks again soon');
  }
  t.equal(runs.length, 0, 'never connected with a password the engine does not have');
  await dbInstanceAfterConverge(ctx, desired(), { instance, tags: {} }, undefined, undefined, async (w) => {
    runs.push(w);
  });
  t.equal(runs.length, 1, 'then it runs');
});
