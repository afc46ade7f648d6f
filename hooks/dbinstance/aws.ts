/** The DBInstance kind's RDS I/O: ACK's four verbs, plus awshooks' own manual snapshots. */
import {
  AddTagsToResourceCommand,
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  DeleteDBInstanceCommand,
  DeleteDBSnapshotCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  DescribeEventsCommand,
  ModifyDBInstanceCommand,
  RemoveTagsFromResourceCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
  RestoreDBInstanceToPointInTimeCommand,
  type DBInstance,
  type DBSnapshot,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { awsErrorCode, isAwsError, TerminalError, WaitError } from '../core/errors.js';
import type { KindContext, ResourceManager } from '../core/kind.js';
import { nameNotAllowed, readChosen } from '../core/name-scope.js';
import { OWNER_TAGS, ownership } from '../core/ownership.js';
import { tagsFromList, tagsToList, withoutKeys } from '../shared/tags.js';
import type { DBInstanceStatus } from '../../schemas/dbinstance.js';
import type { DBInstanceDelta, DBInstanceObserved } from './delta.js';
import type { DBInstanceDesired } from './desired.js';
import { engineMatches, finalSnapshotIdOf, instanceIdOf, manualSnapshotIdentifier, manualSnapshotPrefix } from './identifiers.js';
import { isNamespaceInstance, restoredFromLabel, snapshotScope, type DesiredRestore } from './restore.js';
import { BUSY_REQUEUE_SECONDS } from './state.js';

/** NOTE: the SDK names the error DBInstanceNotFoundFault; the wire code is DBInstanceNotFound. */
const NOT_FOUND = ['DBInstanceNotFound', 'DBInstanceNotFoundFault'];
const INVALID_STATE = ['InvalidDBInstanceState', 'InvalidDBInstanceStateFault'];
const SNAPSHOT_NOT_FOUND = ['DBSnapshotNotFound', 'DBSnapshotNotFoundFault'];
/** How long to wait for a restore source that is not available yet (a final snapshot being taken). */
export const RESTORE_SOURCE_WAIT_SECONDS = 30;

/** How many events status.recentEvents keeps, and how long each may be. */
export const RECENT_EVENTS_MAX = 5;
export const RECENT_EVENT_CHARS = 200;

/** Pure: the last events, oldest first, as "<time> <message>", bounded in number and length. */
export function recentEventLines(events: readonly { Date?: Date | undefined; Message?: string | undefined }[]): string[] {
  return [...events]
    .filter((e) => e.Message)
    .sort((a, b) => (a.Date?.getTime() ?? 0) - (b.Date?.getTime() ?? 0))
    .slice(-RECENT_EVENTS_MAX)
    .map((e) => `${e.Date ? e.Date.toISOString().replace(/\.\d{3}Z$/, 'Z') : '?'} ${e.Message ?? ''}`.slice(0, RECENT_EVENT_CHARS));
}

/** The subset of RDSClient we use, so that unit tests can pass a fake. */
export type RdsLike = Pick<RDSClient, 'send'>;

function observedOf(instance: DBInstance): DBInstanceObserved {
  return { instance, tags: tagsFromList(instance.TagList) };
}

/**
 * RDS I/O. A drift check is one call: DescribeDBInstances, which carries the tags.
 * `client` defaults to the shared SDK client of the region; tests pass a fake.
 */
export function dbInstanceManager(
  ctx: KindContext,
  client?: (region: string) => RdsLike,
): ResourceManager<DBInstanceDesired, DBInstanceObserved, DBInstanceStatus> {
  const rds = client ?? ((region: string) => ctx.aws.rds(region));
  const describe = async (region: string, identifier: string): Promise<DBInstanceObserved | undefined> => {
    try {
      const out = await rds(region).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }));
      const instance = out.DBInstances?.[0];
      return instance ? observedOf(instance) : undefined;
    } catch (err) {
      if (isAwsError(err, ...NOT_FOUND)) return undefined;
      throw err;
    }
  };

  /** The settings a restore takes from the spec (the rest comes from the source; the delta repairs it later). */
  const restoreSettings = (desired: DBInstanceDesired) => ({
    DBInstanceClass: desired.instanceClass,
    ...(desired.storageType ? { StorageType: desired.storageType } : {}),
    MultiAZ: desired.multiAZ,
    ...(desired.subnetGroupName ? { DBSubnetGroupName: desired.subnetGroupName } : {}),
    ...(desired.securityGroupIds.length ? { VpcSecurityGroupIds: desired.securityGroupIds } : {}),
    PubliclyAccessible: desired.publiclyAccessible,
    DeletionProtection: desired.deletionProtection,
    EnableIAMDatabaseAuthentication: desired.iamDatabaseAuth,
    CopyTagsToSnapshot: true,
    // Our owner tags, not the source's: the restored instance belongs to this parent.
    Tags: tagsToList({ ...desired.tags, ...desired.ownerTags }),
  });

  /**
   * A restore call. When AWS says the instance already exists, it is read: one this very parent
   * restored (a concurrent first sync; NOTE: the emulator also answers DBSnapshotAlreadyExists
   * when the restored instance's automated snapshot name is taken, after registering it) is
   * reported as restored; anything else goes back to the core, which checks its owner tags.
   */
  const restoreCall = async (
    desired: DBInstanceDesired,
    call: () => Promise<{ DBInstance?: DBInstance | undefined }>,
  ): Promise<{ DBInstance?: DBInstance | undefined }> => {
    try {
      return await call();
    } catch (err) {
      if (!isAwsError(err, 'DBInstanceAlreadyExists', 'DBInstanceAlreadyExistsFault', 'DBSnapshotAlreadyExists', 'DBSnapshotAlreadyExistsFault')) throw err;
      const found = await describe(desired.region, desired.identifier);
      if (found?.tags[OWNER_TAGS.uid] !== ctx.owner.uid) throw err;
      return { DBInstance: found.instance };
    }
  };

  /**
   * Restore instead of create. The source is checked first (scope, engine, encryption, state); the
   * instance comes up with the source's master password, so the master Secret's is set by the
   * delta of a later sync (persisted first, as ever) before any in-database work.
   */
  const restore = async (desired: DBInstanceDesired, from: DesiredRestore): Promise<DBInstanceObserved> => {
    const client = rds(desired.region);
    let out;
    if (from.kind === 'snapshot') {
      let snapshot: DBSnapshot | undefined;
      try {
        snapshot = (await client.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: from.snapshotIdentifier }))).DBSnapshots?.[0];
      } catch (err) {
        if (!isAwsError(err, ...SNAPSHOT_NOT_FOUND)) throw err;
      }
      if (!snapshot)
        throw new TerminalError('RestoreSourceNotFound', `spec.restoreFrom.snapshotIdentifier: no DB snapshot ${from.snapshotIdentifier} in ${desired.region}`);
      const scope = snapshotScope(from.snapshotIdentifier, tagsFromList(snapshot.TagList), ctx.config, ctx.owner);
      if (!scope.allowed) throw new TerminalError('RestoreSourceNotAllowed', scope.message);
      if (!engineMatches(desired.engine, snapshot.Engine ?? '')) {
        throw new TerminalError(
          'EngineMismatch',
          `snapshot ${from.snapshotIdentifier} holds a ${snapshot.Engine ?? '?'} database, but spec.engine is ${desired.engine}`,
        );
      }
      if (snapshot.Encrypted !== undefined && snapshot.Encrypted !== desired.storageEncrypted) {
        throw new TerminalError(
          'EncryptionMismatch',
          `snapshot ${from.snapshotIdentifier} is ${snapshot.Encrypted ? '' : 'not '}encrypted; spec.storageEncrypted must be ${String(snapshot.Encrypted)} to restore it`,
        );
      }
      if (snapshot.Status !== 'available') {
        throw new WaitError(
          'WaitingForRestoreSource',
          `snapshot ${from.snapshotIdentifier} is ${snapshot.Status ?? 'not available'}; restoring once it is available`,
          RESTORE_SOURCE_WAIT_SECONDS,
        );
      }
      out = await restoreCall(desired, () =>
        client.send(
          new RestoreDBInstanceFromDBSnapshotCommand({
            DBInstanceIdentifier: desired.identifier,
            DBSnapshotIdentifier: from.snapshotIdentifier,
            ...restoreSettings(desired),
          }),
        ),
      );
    } else {
      const source = await describe(desired.region, from.sourceIdentifier);
      if (!source)
        throw new TerminalError(
          'RestoreSourceNotFound',
          `spec.restoreFrom.pointInTime: no DB instance ${from.sourceIdentifier} (DBInstance ${from.dbInstance})`,
        );
      if (!isNamespaceInstance(source.tags, ctx.owner, from.dbInstance)) {
        throw new TerminalError(
          'RestoreSourceNotAllowed',
          `spec.restoreFrom.pointInTime: DB instance ${from.sourceIdentifier} does not carry the owner tags of DBInstance ${ctx.owner.namespace}/${from.dbInstance}`,
        );
      }
      if (!engineMatches(desired.engine, source.instance.Engine ?? '')) {
        throw new TerminalError(
          'EngineMismatch',
          `DB instance ${from.sourceIdentifier} runs ${source.instance.Engine ?? '?'}, but spec.engine is ${desired.engine}`,
        );
      }
      out = await restoreCall(desired, () =>
        client.send(
          new RestoreDBInstanceToPointInTimeCommand({
            SourceDBInstanceIdentifier: from.sourceIdentifier,
            TargetDBInstanceIdentifier: desired.identifier,
            ...(from.time !== undefined ? { RestoreTime: new Date(from.time) } : { UseLatestRestorableTime: true }),
            ...restoreSettings(desired),
          }),
        ),
      );
    }
    if (!out.DBInstance) throw new Error('the restore returned no DBInstance');
    ctx.log.info({ event: 'restored', source: restoredFromLabel(from) }, 'DB instance restored');
    const observed = observedOf(out.DBInstance);
    // NOTE: the restore answer may leave TagList out, or carry the source's tags.
    observed.tags = { ...observed.tags, ...desired.tags, ...desired.ownerTags };
    return { ...observed, masterPassword: 'source', restoredFrom: restoredFromLabel(from) };
  };

  /**
   * While the instance is not available, its last events (one DescribeEvents, the only extra call):
   * `kubectl describe` then says why it is stuck. Best effort: a failure leaves them out.
   */
  const withEvents = async (region: string, observed: DBInstanceObserved | undefined): Promise<DBInstanceObserved | undefined> => {
    const id = observed?.instance.DBInstanceIdentifier;
    if (!observed || !id || observed.instance.DBInstanceStatus === 'available') return observed;
    try {
      const out = await rds(region).send(new DescribeEventsCommand({ SourceIdentifier: id, SourceType: 'db-instance', Duration: 1440, MaxRecords: 20 }));
      return { ...observed, recentEvents: recentEventLines(out.Events ?? []) };
    } catch (err) {
      if (awsErrorCode(err) === undefined) throw err;
      ctx.log.debug({ event: 'describe_events_failed' }, 'DescribeEvents failed; status.recentEvents left out');
      return observed;
    }
  };

  return {
    readOne: async (desired, previous) =>
      withEvents(
        desired.region,
        await readChosen(
          desired.name,
          previous?.dbInstanceIdentifier,
          (id) => describe(desired.region, id),
          (o) => o.tags,
          ctx.owner,
        ),
      ),

    async create(desired, previous) {
      // Never create (or squat) an identifier outside the namespace's own identifiers.
      if (!desired.name.claimable) throw nameNotAllowed('spec.instanceIdentifier', desired.identifier, desired.name.ownPrefix, 'DB instance');
      if (desired.masterPassword === undefined) throw new WaitError('WaitingForSecret', 'waiting for the master Secret before creating the DB instance', 5);
      // restoreFrom is read only at creation: an instance this parent had before (and lost) is
      // created empty again, never restored over by surprise.
      if (desired.restore && previous?.dbInstanceIdentifier === undefined) return restore(desired, desired.restore);
      const out = await rds(desired.region).send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: desired.identifier,
          Engine: desired.engine,
          EngineVersion: desired.engineVersion,
          DBInstanceClass: desired.instanceClass,
          AllocatedStorage: desired.storageGB,
          ...(desired.storageType ? { StorageType: desired.storageType } : {}),
          MultiAZ: desired.multiAZ,
          StorageEncrypted: desired.storageEncrypted,
          ...(desired.kmsKeyId ? { KmsKeyId: desired.kmsKeyId } : {}),
          ...(desired.subnetGroupName ? { DBSubnetGroupName: desired.subnetGroupName } : {}),
          ...(desired.securityGroupIds.length ? { VpcSecurityGroupIds: desired.securityGroupIds } : {}),
          PubliclyAccessible: desired.publiclyAccessible,
          MasterUsername: desired.masterUsername,
          MasterUserPassword: desired.masterPassword,
          BackupRetentionPeriod: desired.backupRetentionDays,
          DeletionProtection: desired.deletionProtection,
          ...(desired.iamDatabaseAuth ? { EnableIAMDatabaseAuthentication: true } : {}),
          ...(desired.maxAllocatedStorage ? { MaxAllocatedStorage: desired.maxAllocatedStorage } : {}),
          ...(desired.preferredBackupWindow ? { PreferredBackupWindow: desired.preferredBackupWindow } : {}),
          ...(desired.preferredMaintenanceWindow ? { PreferredMaintenanceWindow: desired.preferredMaintenanceWindow } : {}),
          ...(desired.cloudwatchLogsExports?.length ? { EnableCloudwatchLogsExports: desired.cloudwatchLogsExports } : {}),
          ...(desired.performanceInsights
            ? {
                EnablePerformanceInsights: desired.performanceInsights.enabled,
                ...(desired.performanceInsights.enabled && desired.performanceInsights.retentionDays !== undefined
                  ? { PerformanceInsightsRetentionPeriod: desired.performanceInsights.retentionDays }
                  : {}),
              }
            : {}),
          ...(desired.caCertificateIdentifier ? { CACertificateIdentifier: desired.caCertificateIdentifier } : {}),
          // Snapshots (final ones included) carry the owner tags: they say whose data they hold.
          CopyTagsToSnapshot: true,
          // Tags at creation, so the instance is never seen without its owner tags.
          Tags: tagsToList({ ...desired.tags, ...desired.ownerTags }),
        }),
      );
      if (!out.DBInstance) throw new Error('CreateDBInstance returned no DBInstance');
      const observed = observedOf(out.DBInstance);
      // NOTE: some implementations leave TagList out of the CreateDBInstance answer.
      if (Object.keys(observed.tags).length === 0) observed.tags = { ...desired.tags, ...desired.ownerTags };
      return observed;
    },

    async update(desired, observed, delta) {
      const d = delta as DBInstanceDelta;
      const client = rds(desired.region);
      let instance = observed.instance;
      let tags = { ...observed.tags };
      if (Object.keys(d.modify).length > 0) {
        try {
          const out = await client.send(
            new ModifyDBInstanceCommand({ DBInstanceIdentifier: instanceIdOf(desired, observed), ApplyImmediately: desired.applyImmediately, ...d.modify }),
          );
          if (out.DBInstance) instance = { ...out.DBInstance, TagList: observed.instance.TagList };
        } catch (err) {
          // NOTE: RDS refuses to modify an instance that is busy; wait instead of failing.
          if (isAwsError(err, ...INVALID_STATE))
            throw new WaitError('InvalidDBInstanceState', 'RDS refused the modification while the DB instance is busy; retrying', BUSY_REQUEUE_SECONDS);
          throw err;
        }
      }
      const arn = instance.DBInstanceArn ?? observed.instance.DBInstanceArn;
      if (Object.keys(d.tagsToAdd).length > 0 || d.tagsToRemove.length > 0) {
        if (!arn) throw new Error('the DB instance has no ARN to tag');
        if (Object.keys(d.tagsToAdd).length > 0) {
          await client.send(new AddTagsToResourceCommand({ ResourceName: arn, Tags: tagsToList(d.tagsToAdd) }));
          Object.assign(tags, d.tagsToAdd);
        }
        if (d.tagsToRemove.length > 0) {
          await client.send(new RemoveTagsFromResourceCommand({ ResourceName: arn, TagKeys: d.tagsToRemove }));
          tags = withoutKeys(tags, d.tagsToRemove);
        }
      }
      // The engine gets a new master password a moment after RDS accepted it.
      return { instance, tags, ...(d.modify.MasterUserPassword !== undefined ? { masterPassword: 'resetting' as const } : {}) };
    },

    async delete(desired, observed) {
      const status = observed.instance.DBInstanceStatus;
      if (status === 'deleting') return 'pending';
      if (observed.instance.DeletionProtection) {
        if (desired.deletionProtection) {
          throw new WaitError(
            'DeletionProtected',
            `the DB instance has deletion protection: set spec.deletionProtection: false to let awshooks delete it (deletionPolicy ${desired.deletionPolicy}), or set deletionPolicy: Retain to keep it`,
            60,
          );
        }
        // The spec now allows deletion: lift the protection first, delete on the next poll.
        try {
          await rds(desired.region).send(
            new ModifyDBInstanceCommand({ DBInstanceIdentifier: instanceIdOf(desired, observed), DeletionProtection: false, ApplyImmediately: true }),
          );
        } catch (err) {
          if (isAwsError(err, ...INVALID_STATE)) return 'pending';
          throw err;
        }
        return 'pending';
      }
      const snapshot = desired.deletionPolicy === 'Snapshot';
      const finalSnapshot = finalSnapshotIdOf(desired, observed);
      try {
        await rds(desired.region).send(
          new DeleteDBInstanceCommand({
            DBInstanceIdentifier: instanceIdOf(desired, observed),
            ...(snapshot ? { SkipFinalSnapshot: false, FinalDBSnapshotIdentifier: finalSnapshot, DeleteAutomatedBackups: false } : { SkipFinalSnapshot: true }),
          }),
        );
      } catch (err) {
        if (isAwsError(err, ...NOT_FOUND)) return 'pending'; // confirmed gone on the next poll
        // NOTE: RDS refuses to delete while creating/modifying/backing up: poll until it can.
        if (isAwsError(err, ...INVALID_STATE)) return 'pending';
        if (isAwsError(err, 'DBSnapshotAlreadyExists', 'DBSnapshotAlreadyExistsFault')) {
          throw new TerminalError(
            'DBSnapshotAlreadyExists',
            `a snapshot named ${finalSnapshot} already exists; rename or delete it (awshooks never deletes an instance without its final snapshot under deletionPolicy: Snapshot)`,
          );
        }
        throw err;
      }
      // Always confirm with a later DescribeDBInstances (finalized only on DBInstanceNotFound),
      // which also lets the status show finalSnapshotIdentifier before the parent goes.
      return 'pending';
    },
  };
}

/** One of awshooks' manual snapshots. */
export interface OwnSnapshot {
  id: string;
  createdAt: Date;
  status: string;
  /** Our owner tags are on it; only such snapshots are ever deleted. */
  owned: boolean;
}

/** Pure: what to do about manual snapshots. */
export interface SnapshotPlan {
  /** Take a snapshot now (the newest of ours is older than `every`, or there is none). */
  take: boolean;
  /** Our snapshots older than the retention (never the newest). */
  toDelete: string[];
  newest?: OwnSnapshot;
}

/**
 * Pure: decide about manual snapshots. Only snapshots of ours (our identifier prefix and, when
 * tags are reported, our owner tags) are considered; the newest one is always kept.
 */
export function planSnapshots(own: OwnSnapshot[], everySeconds: number, retentionDays: number, now: Date): SnapshotPlan {
  const sorted = [...own].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const newest = sorted[0];
  const busy = sorted.some((s) => s.status === 'creating');
  const take = !busy && (!newest || now.getTime() - newest.createdAt.getTime() >= everySeconds * 1000);
  const cutoff = now.getTime() - retentionDays * 86400 * 1000;
  const toDelete = sorted
    .slice(1)
    .filter((s) => s.owned && s.status === 'available' && s.createdAt.getTime() < cutoff)
    .map((s) => s.id);
  return { take, toDelete, ...(newest ? { newest } : {}) };
}

/**
 * backup.every: one DescribeDBSnapshots (the +1 of a drift check), then a CreateDBSnapshot when
 * due and a DeleteDBSnapshot per expired snapshot of ours.
 */
export async function syncManualSnapshots(
  ctx: KindContext,
  desired: DBInstanceDesired,
  client?: RdsLike,
  identifier: string = desired.identifier,
): Promise<{ lastSnapshotIdentifier?: string; lastSnapshotTime?: string; took: boolean }> {
  const everySeconds = desired.backupEverySeconds;
  if (everySeconds === undefined) return { took: false }; // no backup.every: nothing to do
  const rds = client ?? ctx.aws.rds(desired.region);
  const now = ctx.now();
  const prefix = manualSnapshotPrefix(identifier);
  const out = await rds.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: identifier, SnapshotType: 'manual' }));
  const own: OwnSnapshot[] = (out.DBSnapshots ?? []).flatMap((s: DBSnapshot) => {
    const id = s.DBSnapshotIdentifier ?? '';
    const owner = ownership(tagsFromList(s.TagList), ctx.owner);
    // A snapshot whose tags name another owner is not ours, whatever its name.
    if (!id.startsWith(prefix) || owner === 'foreign') return [];
    return [{ owned: owner === 'ours', id, createdAt: s.SnapshotCreateTime ? new Date(s.SnapshotCreateTime) : new Date(0), status: s.Status ?? 'unknown' }];
  });
  const plan = planSnapshots(own, everySeconds, desired.backupRetentionDays, now);
  let newest = plan.newest;
  if (plan.take) {
    const id = manualSnapshotIdentifier(identifier, now);
    if (!own.some((s) => s.id === id)) {
      try {
        await rds.send(
          new CreateDBSnapshotCommand({
            DBInstanceIdentifier: identifier,
            DBSnapshotIdentifier: id,
            Tags: tagsToList({ ...desired.tags, ...desired.ownerTags }),
          }),
        );
        ctx.log.info({ event: 'snapshot_created', snapshot: id }, 'manual DB snapshot taken');
      } catch (err) {
        // NOTE: two syncs of one parent at once (Metacontroller retried while the first still ran)
        // both take this minute's snapshot of this very instance: the second finds it taken.
        if (!isAwsError(err, 'DBSnapshotAlreadyExists', 'DBSnapshotAlreadyExistsFault')) throw err;
      }
    }
    newest = { id, createdAt: now, status: 'creating', owned: true };
  }
  for (const id of plan.toDelete) {
    try {
      await rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: id }));
      ctx.log.info({ event: 'snapshot_deleted', snapshot: id }, 'expired manual DB snapshot deleted');
    } catch (err) {
      if (!isAwsError(err, 'DBSnapshotNotFound', 'DBSnapshotNotFoundFault')) throw err;
    }
  }
  return {
    took: plan.take,
    ...(newest ? { lastSnapshotIdentifier: newest.id, lastSnapshotTime: newest.createdAt.toISOString() } : {}),
  };
}
