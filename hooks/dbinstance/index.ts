/** The `DBInstance` kind: an RDS DB instance, its in-database users and databases, Secrets and a Service. */
import { isTrue } from '../core/conditions.js';
import type { ConditionInput } from '../core/conditions.js';
import { hashOf } from '../core/hash.js';
import { type AfterConvergeResult, type KindContext, type KindDefinition, AGE_COLUMN, CONDITION_COLUMNS } from '../core/kind.js';
import { DBINSTANCE_SPEC_VALIDATIONS, DBInstanceSpecSchema, DBInstanceStatusSchema, type DBInstanceSpec, type DBInstanceStatus } from '../../schemas/dbinstance.js';
import { dbInstanceManager, syncManualSnapshots, type RdsLike } from './aws.js';
import { DatabaseError, resolveTarget, runDatabaseWork, tlsOptions, type DbWork } from './database.js';
import { dbInstanceDelta, type DBInstanceObserved } from './delta.js';
import { dbInstanceFingerprint, desiredDBInstance, SECRET_WAIT_SECONDS, type DBInstanceDesired } from './desired.js';
import { BUSY_REQUEUE_SECONDS, instanceReadiness } from './state.js';
import { dbInstanceChildren, dbInstanceStatus } from './status.js';

/** RDS error codes that need the user (or the admin) to act; everything else is retried. */
const TERMINAL_CODES = new Set([
  'InvalidParameterValue',
  'InvalidParameterCombination',
  'StorageQuotaExceeded',
  'StorageQuotaExceededFault',
  'InstanceQuotaExceeded',
  'InstanceQuotaExceededFault',
  'DBSubnetGroupNotFoundFault',
  'DBSubnetGroupDoesNotCoverEnoughAZs',
  'InvalidSubnet',
  'InvalidVPCNetworkStateFault',
  'DBSecurityGroupNotFound',
  'DBSecurityGroupNotFoundFault',
  'DBParameterGroupNotFound',
  'DBParameterGroupNotFoundFault',
  'OptionGroupNotFoundFault',
  'KMSKeyNotAccessibleFault',
  'StorageTypeNotSupported',
  'StorageTypeNotSupportedFault',
  'InsufficientDBInstanceCapacity',
  'InsufficientDBInstanceCapacityFault',
  'AuthorizationNotFound',
  'AuthorizationNotFoundFault',
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'DBInstanceAlreadyExists',
  'DBInstanceAlreadyExistsFault',
  'DBSnapshotAlreadyExists',
  'DBSnapshotAlreadyExistsFault',
  'SnapshotQuotaExceeded',
  'SnapshotQuotaExceededFault',
]);

/** Test seam: the RDS client factory (unit tests pass a fake). */
export interface DBInstanceKindOptions {
  rds?: (region: string) => RdsLike;
}

/** The in-database work and manual snapshots, once the instance is available and converged. */
export async function dbInstanceAfterConverge(
  ctx: KindContext,
  desired: DBInstanceDesired,
  observed: DBInstanceObserved,
  previous: DBInstanceStatus | undefined,
  options: DBInstanceKindOptions = {},
  run: (work: DbWork) => Promise<void> = runDatabaseWork,
): Promise<AfterConvergeResult<DBInstanceStatus>> {
  const status: Partial<DBInstanceStatus> = {};
  const conditions: ConditionInput[] = [];
  let ready: { reason: string; message: string } | undefined;
  let requeueSeconds: number | undefined;

  if (desired.backupEverySeconds !== undefined) {
    const snap = await syncManualSnapshots(ctx, desired, options.rds?.(desired.region));
    if (snap.lastSnapshotIdentifier) status.lastSnapshotIdentifier = snap.lastSnapshotIdentifier;
    if (snap.lastSnapshotTime) status.lastSnapshotTime = snap.lastSnapshotTime;
  }

  const endpoint = observed.instance.Endpoint?.Address;
  const port = observed.instance.Endpoint?.Port ?? (desired.engine === 'postgres' ? 5432 : 3306);
  if (!endpoint || desired.masterPassword === undefined) {
    return { status, ready: { reason: 'WaitingForEndpoint', message: 'RDS reports no endpoint yet' }, requeueSeconds: BUSY_REQUEUE_SECONDS };
  }

  const specUsers = desired.users.map((u) => u.name);
  const readyUsers = desired.users.filter((u) => u.password !== undefined);
  const pendingUsers = desired.users.filter((u) => u.password === undefined).map((u) => u.name);
  const previouslyManaged = previous?.managedUsers ?? [];
  const lockUsers = previouslyManaged.filter((u) => !specUsers.includes(u)).sort();
  const managedUsers = [...new Set([...previouslyManaged, ...readyUsers.map((u) => u.name)])].sort();
  const target = resolveTarget(endpoint, port, ctx.config.rdsEndpointMap);
  const workHash = hashOf({
    engine: desired.engine,
    target,
    master: desired.masterPasswordHash,
    users: readyUsers.map((u) => ({ name: u.name, roles: u.roles, password: u.passwordHash })),
    lockUsers,
    databases: desired.databases,
  });

  const upToDate = previous?.dbWorkHash === workHash && isTrue(previous?.conditions, 'Connectable');
  if (!upToDate) {
    const work: DbWork = {
      engine: desired.engine,
      host: target.host,
      port: target.port,
      masterUsername: desired.masterUsername,
      masterPassword: desired.masterPassword,
      users: readyUsers.map((u) => ({ name: u.name, roles: u.roles, password: u.password! })),
      lockUsers,
      databases: desired.databases.map((d) => ({ name: d.name, users: d.users.filter((u) => !pendingUsers.includes(u) || previouslyManaged.includes(u)) })),
      managedUsers,
      connectTimeoutMs: ctx.config.dbConnectTimeoutMs,
      ...(ctx.config.dbTls !== 'disable' ? { tls: tlsOptions(ctx.config.dbTls, endpoint, ctx.config.dbTlsCa) } : {}),
    };
    try {
      await run(work);
      conditions.push({ type: 'Connectable', status: 'True', reason: 'Connected', message: `logged in as ${desired.masterUsername}; users, databases and grants are in place` });
      status.managedUsers = managedUsers;
      status.lockedUsers = lockUsers;
      status.managedDatabases = [...new Set([...(previous?.managedDatabases ?? []), ...desired.databases.map((d) => d.name)])].sort();
      status.userPasswordHashes = Object.fromEntries(readyUsers.map((u) => [u.name, u.passwordHash!]));
      // Only complete work is remembered: pending users make the next sync try again.
      if (pendingUsers.length === 0) status.dbWorkHash = workHash;
      ctx.log.info({ event: 'database_work', users: readyUsers.length, locked: lockUsers.length, databases: desired.databases.length }, 'in-database users and databases reconciled');
    } catch (err) {
      const e = err instanceof DatabaseError ? err : new DatabaseError('SQLError', 'in-database work failed');
      conditions.push({ type: 'Connectable', status: 'False', reason: e.reason, message: e.message });
      ctx.log.warn({ event: 'database_work_failed', reason: e.reason }, e.message);
      return { status, conditions, ready: { reason: 'NotConnectable', message: `in-database work failed: ${e.message}` }, requeueSeconds: BUSY_REQUEUE_SECONDS };
    }
  }
  if (pendingUsers.length > 0) {
    ready = { reason: 'WaitingForSecret', message: `waiting for the Secrets of users ${pendingUsers.join(', ')} (returned with this answer)` };
    requeueSeconds = SECRET_WAIT_SECONDS;
  }
  return { status, conditions, ...(ready ? { ready } : {}), ...(requeueSeconds !== undefined ? { requeueSeconds } : {}) };
}

/** Build the kind; unit tests pass a fake RDS client and a fake database runner. */
export function makeDBInstanceKind(
  options: DBInstanceKindOptions = {},
  run?: (work: DbWork) => Promise<void>,
): KindDefinition<DBInstanceSpec, DBInstanceDesired, DBInstanceObserved, DBInstanceStatus> {
  return {
    names: {
      group: 'rds.awshooks.dev',
      version: 'v1alpha1',
      kind: 'DBInstance',
      plural: 'dbinstances',
      singular: 'dbinstance',
      listKind: 'DBInstanceList',
      shortNames: ['rdsdb', 'dbi'],
      categories: ['awshooks', 'aws'],
    },
    specSchema: DBInstanceSpecSchema,
    statusSchema: DBInstanceStatusSchema,
    specValidations: DBINSTANCE_SPEC_VALIDATIONS,
    printerColumns: [
      { name: 'Engine', type: 'string', jsonPath: '.status.engine' },
      { name: 'Version', type: 'string', jsonPath: '.status.engineVersion' },
      { name: 'Class', type: 'string', jsonPath: '.status.instanceClass', priority: 1 },
      { name: 'Status', type: 'string', jsonPath: '.status.dbInstanceStatus', description: 'The status RDS reports' },
      { name: 'Endpoint', type: 'string', jsonPath: '.status.endpoint', priority: 1 },
      ...CONDITION_COLUMNS,
      { name: 'Connectable', type: 'string', jsonPath: '.status.conditions[?(@.type=="Connectable")].status', priority: 1 },
      AGE_COLUMN,
    ],
    childResources: [
      { apiVersion: 'v1', resource: 'secrets', kind: 'Secret', updateStrategy: 'InPlace' },
      { apiVersion: 'v1', resource: 'services', kind: 'Service', updateStrategy: 'InPlace' },
    ],
    terminalCodes: TERMINAL_CODES,
    desired: desiredDBInstance,
    fingerprint: dbInstanceFingerprint,
    resource: (ctx) => dbInstanceManager(ctx, options.rds),
    tagsOf: (observed) => observed.tags,
    delta: dbInstanceDelta,
    status: dbInstanceStatus,
    readiness: (observed) => instanceReadiness(observed.instance.DBInstanceStatus),
    children: (input) => dbInstanceChildren(input),
    afterConverge: (ctx, desired, observed, previous) => dbInstanceAfterConverge(ctx, desired, observed, previous, options, run),
    existsPerStatus: (status) => Boolean(status?.dbInstanceIdentifier),
    // RDS deletes take minutes.
    deletePollSeconds: 30,
  };
}

/** The DBInstance kind definition. */
export const dbInstanceKind = makeDBInstanceKind();
