/**
 * The DBInstance kind through the real reconcile loop, against a fake RDS client and a fake
 * database runner: the states moto never shows (creating, modifying, pending values,
 * storage-full, deletion protection, deleting) and the in-database work decisions.
 */
import t from 'tap';
import type { DBInstance } from '@aws-sdk/client-rds';
import { AwsClients } from '../../../../hooks/core/aws-clients.js';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import type { Logger } from '../../../../hooks/core/logger.js';
import { reconcile } from '../../../../hooks/core/reconcile.js';
import type { KubeObject, ObjectMap, Parent, SyncResponse } from '../../../../hooks/core/types.js';
import { ownerTags } from '../../../../hooks/core/ownership.js';
import { makeDBInstanceKind } from '../../../../hooks/dbinstance/index.js';
import { DatabaseError, type DbWork } from '../../../../hooks/dbinstance/database.js';

const UID = 'feedface-0000-4000-8000-000000000001';

const owner = { cluster: 'default', namespace: 'teama', name: 'orders', uid: UID, kind: 'DBInstance' };

const ID = 'awshooks-teama-orders';

const MASTER_PW = 'Master-pw-0123456789';

function awsError(name: string, status = 400): Error {
  return Object.assign(new Error(`${name}: simulated`), {
    name,
    Code: name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });
}

/** An RDS client that holds one instance and records every call. */
class FakeRds {
  instance: DBInstance | undefined;
  calls: { op: string; input: Record<string, unknown> }[] = [];
  failNext: Record<string, Error> = {};
  async send(cmd: { input: Record<string, unknown>; constructor: { name: string } }): Promise<unknown> {
    const op = cmd.constructor.name.replace(/Command$/, '');
    this.calls.push({ op, input: cmd.input });
    const fail = this.failNext[op];
    if (fail) {
      delete this.failNext[op];
      throw fail;
    }
    switch (op) {
      case 'DescribeDBInstances':
        if (!this.instance) throw awsError('DBInstanceNotFoundFault', 404);
        return { DBInstances: [this.instance] };
      case 'CreateDBInstance':
        this.instance = {
          DBInstanceIdentifier: ID,
          DBInstanceStatus: 'creating',
          Engine: 'postgres',
          EngineVersion: '16.3',
          DBInstanceClass: 'db.t3.micro',
          AllocatedStorage: 10,
          BackupRetentionPeriod: 7,
          MultiAZ: false,
          PubliclyAccessible: false,
          DeletionProtection: false,
          DBInstanceArn: `arn:aws:rds:us-east-1:123456789012:db:${ID}`,
          TagList: cmd.input.Tags as DBInstance['TagList'],
        };
        return { DBInstance: this.instance };
      case 'ModifyDBInstance': {
        const { DBInstanceIdentifier: _id, ApplyImmediately: _a, MasterUserPassword: _p, AllowMajorVersionUpgrade: _m, ...rest } = cmd.input;
        this.instance = { ...this.instance!, ...(rest as Partial<DBInstance>), DBInstanceStatus: 'modifying' };
        return { DBInstance: this.instance };
      }
      case 'DeleteDBInstance':
        this.instance = { ...this.instance!, DBInstanceStatus: 'deleting' };
        return { DBInstance: this.instance };
      default:
        return {};
    }
  }
  /** The calls made, without DescribeEvents (status.recentEvents: asserted in test/unit/hooks/dbinstance/aws.test.ts). */
  ops(): string[] {
    return this.calls.map((c) => c.op).filter((op) => op !== 'DescribeEvents');
  }
}

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

const b64 = (s: string) => Buffer.from(s).toString('base64');

function available(extra: Partial<DBInstance> = {}): DBInstance {
  return {
    DBInstanceIdentifier: ID,
    DBInstanceStatus: 'available',
    Engine: 'postgres',
    EngineVersion: '16.3',
    DBInstanceClass: 'db.t3.micro',
    AllocatedStorage: 10,
    BackupRetentionPeriod: 7,
    MultiAZ: false,
    PubliclyAccessible: false,
    DeletionProtection: false,
    DBInstanceArn: `arn:aws:rds:us-east-1:123456789012:db:${ID}`,
    Endpoint: { Address: `${ID}.abc.us-east-1.rds.amazonaws.com`, Port: 5432 },
    TagList: Object.entries(ownerTags(owner)).map(([Key, Value]) => ({ Key, Value })),
    ...extra,
  };
}

/** A little Metacontroller: keeps the parent and observed children, feeds answers back. */
function harness(spec: Record<string, unknown> = {}) {
  const rds = new FakeRds();
  const works: DbWork[] = [];
  let dbFails: DatabaseError | undefined;
  const kind = makeDBInstanceKind({ rds: () => rds }, async (w) => {
    works.push(w);
    if (dbFails) throw dbFails;
  });
  let now = Date.parse('2026-03-01T10:00:00Z');
  let parent: Parent = {
    apiVersion: 'rds.awshooks.dev/v1alpha1',
    kind: 'DBInstance',
    metadata: { name: 'orders', namespace: 'teama', uid: UID, generation: 1 },
    // backup.every off unless a test asks: the call counts here are about the instance itself.
    spec: { backup: { every: 'off' }, ...spec },
  };
  let children: ObjectMap = { 'Secret.v1': {}, 'Service.v1': {} };
  const h = {
    rds,
    works,
    failDb(e: DatabaseError | undefined) {
      dbFails = e;
    },
    advance(s: number) {
      now += s * 1000;
    },
    setSpec(s: Record<string, unknown>) {
      parent = { ...parent, spec: { backup: { every: 'off' }, ...s }, metadata: { ...parent.metadata, generation: (parent.metadata.generation ?? 1) + 1 } };
    },
    get children() {
      return children;
    },
    get parent() {
      return parent;
    },
    secret(name: string): KubeObject | undefined {
      return children['Secret.v1']?.[`teama/${name}`];
    },
    setSecretPassword(name: string, pw: string) {
      const s = children['Secret.v1']![`teama/${name}`]!;
      (s.data as Record<string, string>).password = b64(pw);
    },
    deleteSecret(name: string) {
      delete children['Secret.v1']![`teama/${name}`];
    },
    async sync(finalizing = false): Promise<SyncResponse> {
      const { response } = await reconcile(
        kind,
        { controller: { apiVersion: 'v1', kind: 'CompositeController', metadata: { name: 'c' } }, parent, children, finalizing },
        {
          config: { ...DEFAULT_HOOKS_CONFIG, driftCheckIntervalSeconds: 30 },
          aws: new AwsClients(),
          log: silent,
          now: () => new Date(now),
        },
      );
      parent = { ...parent, status: response.status };
      const next: ObjectMap = { 'Secret.v1': {}, 'Service.v1': {} };
      for (const c of response.children)
        next[`${c.kind}.${c.apiVersion}`]![`teama/${c.metadata.name}`] = { ...c, metadata: { ...c.metadata, namespace: 'teama' } };
      children = next;
      return response;
    },
  };
  return h;
}

const cond = (r: SyncResponse, type: string) =>
  (r.status.conditions as { type: string; status: string; reason: string; message: string }[]).find((c) => c.type === type);

/** Create an instance and bring it to available + converged. */
async function converged(spec: Record<string, unknown> = {}) {
  const h = harness(spec);
  await h.sync(); // Secret returned, no AWS call
  h.setSecretPassword('orders-master', MASTER_PW);
  await h.sync(); // create
  h.rds.instance = available({ ...h.rds.instance, DBInstanceStatus: 'available', Endpoint: available().Endpoint });
  const r = await h.sync();
  return { h, r };
}

t.test('first sync: only the Secret, no AWS call; create on the next sync with the observed password', async (t) => {
  const h = harness({ users: { app: [] } });
  const r1 = await h.sync();
  t.same(h.rds.calls, [], 'no AWS call before the Secret is observed');
  t.equal(cond(r1, 'Ready')?.reason, 'WaitingForSecret');
  t.same(
    r1.children.map((c) => c.metadata.name),
    ['orders-master', 'orders-user-app'],
  );
  const pw = Buffer.from((h.secret('orders-master')!.data as Record<string, string>).password!, 'base64').toString();
  const r2 = await h.sync();
  t.same(h.rds.ops(), ['DescribeDBInstances', 'CreateDBInstance']);
  t.equal(h.rds.calls[1]!.input.MasterUserPassword, pw, 'created with the password of the observed Secret');
  t.equal(Buffer.from((h.secret('orders-master')!.data as Record<string, string>).password!, 'base64').toString(), pw, 'not regenerated');
  t.match(h.rds.calls[1]!.input, {
    DBInstanceIdentifier: ID,
    Engine: 'postgres',
    EngineVersion: '16',
    DBInstanceClass: 'db.t3.micro',
    AllocatedStorage: 10,
    StorageEncrypted: true,
    PubliclyAccessible: false,
    MasterUsername: 'sysadmin',
    CopyTagsToSnapshot: true,
  });
  t.equal(cond(r2, 'Ready')?.reason, 'Creating');
  t.equal(r2.resyncAfterSeconds, 30);
  t.notOk(
    r2.children.some((c) => c.kind === 'Service'),
    'no Service while creating',
  );
  t.notOk(JSON.stringify(r2.status).includes(pw), 'the password is not in status');
  t.match(r2.status, { dbInstanceIdentifier: ID, dbInstanceStatus: 'creating', masterPasswordHash: /^[0-9a-f]{16}$/ });
  t.equal(h.works.length, 0, 'no in-database work before available');

  h.rds.calls = [];
  const r3 = await h.sync();
  t.same(h.rds.ops(), ['DescribeDBInstances'], 'creating: poll only');
  t.equal(cond(r3, 'Ready')?.reason, 'Creating');
});

t.test('available: Service, in-database work once, steady state', async (t) => {
  const { h, r } = await converged({ users: { app: ['createdb'] }, databases: { orders: ['app'] } });
  t.equal(cond(r, 'Ready')?.status, 'True');
  t.equal(cond(r, 'Connectable')?.status, 'True');
  t.match(
    r.children.find((c) => c.kind === 'Service'),
    { spec: { type: 'ExternalName', externalName: `${ID}.abc.us-east-1.rds.amazonaws.com` } },
  );
  t.equal(h.works.length, 1);
  t.match(h.works[0], {
    engine: 'postgres',
    host: `${ID}.abc.us-east-1.rds.amazonaws.com`,
    port: 5432,
    masterUsername: 'sysadmin',
    masterPassword: MASTER_PW,
    users: [{ name: 'app', roles: ['createdb'] }],
    databases: [{ name: 'orders', users: ['app'] }],
    lockUsers: [],
  });
  const secret = h.secret('orders-master')!.data as Record<string, string>;
  t.equal(Buffer.from(secret.host!, 'base64').toString(), `${ID}.abc.us-east-1.rds.amazonaws.com`, 'host filled in');
  t.equal(Buffer.from(secret.port!, 'base64').toString(), '5432');

  h.rds.calls = [];
  h.advance(5);
  await h.sync();
  t.same(h.rds.calls, [], 'converged and recent: zero AWS calls');
  h.advance(60);
  await h.sync();
  t.same(h.rds.ops(), ['DescribeDBInstances'], 'drift check: one call, no write');
  t.equal(h.works.length, 1, 'in-database work is not redone when nothing changed');
});

t.test('modifying with a pending change: no second modify', async (t) => {
  const { h } = await converged({ applyImmediately: false });
  h.setSpec({ applyImmediately: false, instanceClass: 'db.t3.small' });
  h.rds.calls = [];
  await h.sync();
  t.same(h.rds.ops(), ['DescribeDBInstances', 'ModifyDBInstance']);
  t.match(h.rds.calls[1]!.input, { DBInstanceClass: 'db.t3.small', ApplyImmediately: false });
  // RDS keeps the change pending (maintenance window) and the instance goes back to available.
  h.rds.instance = available({ PendingModifiedValues: { DBInstanceClass: 'db.t3.small' } });
  for (let i = 0; i < 3; i++) {
    h.rds.calls = [];
    h.advance(60);
    const r = await h.sync();
    t.same(h.rds.ops(), ['DescribeDBInstances'], `sync ${i}: no second modify`);
    t.same(r.status.pendingModifications, ['DBInstanceClass']);
  }
  h.rds.instance = available({ DBInstanceStatus: 'modifying', PendingModifiedValues: { DBInstanceClass: 'db.t3.small' } });
  h.rds.calls = [];
  h.advance(60);
  const r = await h.sync();
  t.same(h.rds.ops(), ['DescribeDBInstances']);
  t.equal(cond(r, 'Ready')?.reason, 'Modifying');
});

t.test('busy instance with a change: wait, do not modify; storage-full accepts the storage increase', async (t) => {
  const { h } = await converged({ storageGB: 10 });
  h.rds.instance = available({ DBInstanceStatus: 'backing-up' });
  h.setSpec({ storageGB: 20 });
  h.rds.calls = [];
  const r = await h.sync();
  t.same(h.rds.ops(), ['DescribeDBInstances'], 'no modify while backing-up');
  t.equal(cond(r, 'Ready')?.reason, 'BackingUp');
  t.match(cond(r, 'Ready')?.message, /waiting to apply changes to storageGB/);
  t.equal(r.resyncAfterSeconds, 30);
  t.ok(
    r.children.some((c) => c.kind === 'Service'),
    'children kept while waiting',
  );

  h.rds.instance = available({ DBInstanceStatus: 'storage-full' });
  h.rds.calls = [];
  const r2 = await h.sync();
  t.same(h.rds.ops(), ['DescribeDBInstances', 'ModifyDBInstance'], 'storage-full: the storage increase is sent');
  t.equal(h.rds.calls.find((c) => c.op === 'ModifyDBInstance')!.input.AllocatedStorage, 20);
  t.equal(cond(r2, 'Ready')?.status, 'False');

  h.rds.instance = available({ AllocatedStorage: 20 });
  h.rds.failNext.ModifyDBInstance = awsError('InvalidDBInstanceStateFault');
  h.setSpec({ storageGB: 30 });
  const r3 = await h.sync();
  t.equal(cond(r3, 'Ready')?.reason, 'InvalidDBInstanceState', 'RDS refusing a busy instance is a wait');
  t.equal(r3.resyncAfterSeconds, 30);

  h.rds.instance = available({ DBInstanceStatus: 'incompatible-parameters' });
  h.setSpec({ storageGB: 15 });
  const r4 = await h.sync();
  t.equal(r4.status.storageGB, 20);
  t.equal(cond(r4, 'Ready')?.reason, 'InvalidSpec', 'a decrease below the allocated size is refused');
  t.match(cond(r4, 'Ready')?.message, /can only grow/);
});

t.test('master password rotation and user Secret deletion', async (t) => {
  const { h } = await converged({ users: { app: [] }, databases: { orders: ['app'] } });
  const before = h.parent.status as Record<string, unknown>;
  h.setSecretPassword('orders-master', 'Rotated-pw-987654321');
  h.rds.calls = [];
  const r = await h.sync();
  t.same(h.rds.ops(), ['DescribeDBInstances', 'ModifyDBInstance'], 'a changed master Secret is applied');
  t.equal(h.rds.calls[1]!.input.MasterUserPassword, 'Rotated-pw-987654321');
  t.not(r.status.masterPasswordHash, before.masterPasswordHash);
  t.notOk(JSON.stringify(r.status).includes('Rotated-pw'), 'never in status');
  h.rds.instance = available();
  h.rds.calls = [];
  h.advance(60);
  await h.sync();
  t.same(h.rds.ops(), ['DescribeDBInstances'], 'applied once');
  t.equal(h.works.at(-1)!.masterPassword, 'Rotated-pw-987654321', 'in-database work logs in with the new password');

  const oldUserPw = Buffer.from((h.secret('orders-user-app')!.data as Record<string, string>).password!, 'base64').toString();
  const worksBefore = h.works.length;
  h.deleteSecret('orders-user-app');
  const r2 = await h.sync();
  const newUserPw = Buffer.from((h.secret('orders-user-app')!.data as Record<string, string>).password!, 'base64').toString();
  t.not(newUserPw, oldUserPw, 'a deleted user Secret gets a new password');
  t.equal(cond(r2, 'Ready')?.reason, 'WaitingForSecret', 'persist first');
  t.notOk(
    h.works.slice(worksBefore).some((w) => w.users.some((u) => u.name === 'app')),
    'not applied before the new Secret is observed',
  );
  const r3 = await h.sync();
  t.equal(cond(r3, 'Ready')?.status, 'True');
  t.equal(h.works.at(-1)!.users.find((u) => u.name === 'app')!.password, newUserPw, 'then ALTER USER with the new password');
});

t.test('a user removed from the spec is locked, not dropped; its Secret goes', async (t) => {
  const { h } = await converged({ users: { app: [], old: [] }, databases: { orders: ['app', 'old'] } });
  h.setSpec({ users: { app: [] }, databases: { orders: ['app'] } });
  const r = await h.sync();
  t.same(h.works.at(-1)!.lockUsers, ['old']);
  t.same(h.works.at(-1)!.managedUsers, ['app', 'old'], 'grants of old are revoked');
  t.same(r.status.lockedUsers, ['old']);
  t.notOk(h.secret('orders-user-old'));
});

t.test('in-database failure: Connectable=False, Ready=False, children kept', async (t) => {
  const h = harness({ users: { app: [] } });
  await h.sync();
  h.setSecretPassword('orders-master', MASTER_PW);
  h.rds.instance = undefined;
  await h.sync();
  h.rds.instance = available();
  h.failDb(new DatabaseError('AuthenticationFailed', 'password authentication failed for user "sysadmin"'));
  const r = await h.sync();
  t.match(cond(r, 'Connectable'), { status: 'False', reason: 'AuthenticationFailed' });
  t.match(cond(r, 'Ready'), { status: 'False', reason: 'NotConnectable' });
  t.equal(r.resyncAfterSeconds, 30);
  t.ok(r.children.some((c) => c.kind === 'Service'));
  h.failDb(undefined);
  const r2 = await h.sync();
  t.match(cond(r2, 'Connectable'), { status: 'True', reason: 'Connected' });
});

t.test('transient AWS error keeps every child', async (t) => {
  const { h } = await converged({ users: { app: [] } });
  const names = (r: SyncResponse) => r.children.map((c) => `${c.kind}/${c.metadata.name}`).sort();
  const before = Object.values(h.children)
    .flatMap((m) => Object.values(m))
    .map((c) => `${c.kind}/${c.metadata.name}`)
    .sort();
  h.rds.failNext.DescribeDBInstances = awsError('Throttling');
  h.advance(60);
  const r = await h.sync();
  t.same(names(r), before);
  t.equal(cond(r, 'Ready')?.reason, 'Throttling');
});

t.test('finalize: deletion protection, Snapshot, deleting, gone', async (t) => {
  const { h } = await converged({ deletionProtection: true });
  h.rds.instance = available({ DeletionProtection: true });
  h.rds.calls = [];
  const r1 = await h.sync(true);
  t.equal(r1.finalized, false);
  t.match(cond(r1, 'Ready'), { reason: 'DeletionProtected', message: /set spec.deletionProtection: false/ });
  t.notOk(h.rds.ops().includes('DeleteDBInstance'), 'no delete while protected');

  h.setSpec({ deletionProtection: false });
  h.rds.calls = [];
  const r2 = await h.sync(true);
  t.same(h.rds.ops(), ['DescribeDBInstances', 'ModifyDBInstance'], 'protection lifted first');
  t.equal(h.rds.calls[1]!.input.DeletionProtection, false);
  t.equal(r2.finalized, false);

  h.rds.instance = available({ DeletionProtection: false, DBInstanceStatus: 'backing-up' });
  h.rds.failNext.DeleteDBInstance = awsError('InvalidDBInstanceStateFault');
  const r3 = await h.sync(true);
  t.equal(r3.finalized, false, 'RDS refusing the delete while busy: poll');
  t.equal(cond(r3, 'Ready')?.reason, 'Deleting');

  h.rds.instance = available({ DeletionProtection: false });
  h.rds.calls = [];
  const r4 = await h.sync(true);
  t.same(h.rds.ops(), ['DescribeDBInstances', 'DeleteDBInstance']);
  t.match(h.rds.calls[1]!.input, {
    DBInstanceIdentifier: ID,
    SkipFinalSnapshot: false,
    FinalDBSnapshotIdentifier: `${ID}-final-feedface`,
    DeleteAutomatedBackups: false,
  });
  t.equal(r4.finalized, false);
  t.equal(r4.status.finalSnapshotIdentifier, `${ID}-final-feedface`);
  t.equal(r4.resyncAfterSeconds, 30);

  h.rds.calls = [];
  const r5 = await h.sync(true);
  t.same(h.rds.ops(), ['DescribeDBInstances'], 'deleting: no second delete');
  t.equal(r5.finalized, false);

  h.rds.instance = undefined;
  const r6 = await h.sync(true);
  t.equal(r6.finalized, true, 'finalized only when RDS says DBInstanceNotFound');
  t.equal(r6.status.finalSnapshotIdentifier, `${ID}-final-feedface`);
});

t.test('finalize: Delete skips the snapshot; Retain makes no call; foreign is left alone', async (t) => {
  const del = await converged({ deletionPolicy: 'Delete' });
  del.h.rds.calls = [];
  await del.h.sync(true);
  t.match(del.h.rds.calls[1]!.input, { SkipFinalSnapshot: true });
  t.notOk('FinalDBSnapshotIdentifier' in del.h.rds.calls[1]!.input);

  const keep = await converged({ deletionPolicy: 'Retain' });
  keep.h.rds.calls = [];
  const r = await keep.h.sync(true);
  t.equal(r.finalized, true);
  t.same(keep.h.rds.calls, []);

  const foreign = await converged({});
  foreign.h.rds.instance = available({
    TagList: [
      { Key: 'awshooks.dev/cluster', Value: 'other' },
      { Key: 'awshooks.dev/namespace', Value: 'x' },
      { Key: 'awshooks.dev/name', Value: 'y' },
    ],
  });
  foreign.h.rds.calls = [];
  const rf = await foreign.h.sync(true);
  t.equal(rf.finalized, true);
  t.same(foreign.h.rds.ops(), ['DescribeDBInstances'], 'never deletes what is not ours');
});

t.test('an existing instance without owner tags is a Conflict unless adopted', async (t) => {
  const h = harness({});
  await h.sync();
  h.rds.instance = available({ TagList: [] });
  const r = await h.sync();
  t.equal(cond(r, 'Ready')?.reason, 'Conflict');
  t.notOk(h.rds.ops().includes('ModifyDBInstance'));
  h.setSpec({ adopt: true });
  h.rds.calls = [];
  await h.sync();
  t.same(h.rds.ops(), ['DescribeDBInstances', 'ModifyDBInstance', 'AddTagsToResource'], 'adopted: master password set from the Secret, owner tags added');
});
