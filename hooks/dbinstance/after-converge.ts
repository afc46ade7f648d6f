/**
 * What a DBInstance does once the instance is available and converged: awshooks' own manual
 * snapshots (backup.every), then the in-database work of database.ts (users, databases,
 * grants), planned here from the desired state and the previous status, and run only when
 * something changed since the last complete run.
 */
import type { ConditionInput } from '../core/conditions.js';
import { isTrue } from '../core/conditions.js';
import { hashOf } from '../core/hash.js';
import type { AfterConvergeResult, KindContext } from '../core/kind.js';
import type { DBInstanceStatus } from '../../schemas/dbinstance.js';
import { syncManualSnapshots, type RdsLike } from './aws.js';
import { DatabaseError, resolveTarget, runDatabaseWork, tlsOptions, type DbWork } from './database.js';
import type { DBInstanceObserved } from './delta.js';
import { SECRET_WAIT_SECONDS, type DBInstanceDesired, type DesiredUser } from './desired.js';
import { engineFamily, instanceIdOf } from './identifiers.js';
import { BUSY_REQUEUE_SECONDS } from './state.js';

/** Resync after a restore or a master-password reset, before in-database work. */
export const MASTER_RESET_REQUEUE_SECONDS = 10;

/** The in-database work one sync should do, and what the status records once it is done. */
export interface DatabasePlan {
  work: DbWork;
  /** Hash of the work: equal to status.dbWorkHash when it was done before. */
  workHash: string;
  /** Users whose Secret has not been observed yet: created on a later sync. */
  pendingUsers: string[];
  /** Users with a password, now created or updated. */
  readyUsers: { name: string; passwordHash: string }[];
}

/** A user whose Secret was observed: its password (and the password's hash) are known. */
function isReady(user: DesiredUser): user is DesiredUser & { password: string; passwordHash: string } {
  return user.password !== undefined && user.passwordHash !== undefined;
}

/**
 * Pure: the in-database work for an instance reachable at `endpoint:port`. Users removed from
 * the spec are locked (never dropped); users whose Secret is not observed yet are left out,
 * and so are their grants, unless they were created before.
 */
export function planDatabaseWork(
  config: KindContext['config'],
  desired: DBInstanceDesired & { masterPassword: string },
  endpoint: string,
  port: number,
  previous: DBInstanceStatus | undefined,
): DatabasePlan {
  const specUsers = desired.users.map((u) => u.name);
  // IAM users need no Secret: they are ready at once.
  const iamUsers = desired.users.filter((u) => u.iamAuth);
  const readyUsers = desired.users.filter((u) => !u.iamAuth).filter(isReady);
  const pendingUsers = desired.users.filter((u) => !u.iamAuth && !isReady(u)).map((u) => u.name);
  const previouslyManaged = previous?.managedUsers ?? [];
  const lockUsers = previouslyManaged.filter((u) => !specUsers.includes(u)).sort();
  const managedUsers = [...new Set([...previouslyManaged, ...readyUsers.map((u) => u.name), ...iamUsers.map((u) => u.name)])].sort();
  const target = resolveTarget(endpoint, port, config.rdsEndpointMap);
  const workHash = hashOf({
    engine: desired.engine,
    target,
    master: desired.masterPasswordHash,
    users: readyUsers.map((u) => ({ name: u.name, roles: u.roles, password: u.passwordHash })),
    ...(iamUsers.length > 0 ? { iamUsers: iamUsers.map((u) => ({ name: u.name, roles: u.roles })) } : {}),
    lockUsers,
    databases: desired.databases,
  });
  const work: DbWork = {
    engine: engineFamily(desired.engine),
    host: target.host,
    port: target.port,
    masterUsername: desired.masterUsername,
    masterPassword: desired.masterPassword,
    users: [
      ...readyUsers.map((u) => ({ name: u.name, roles: u.roles, password: u.password })),
      ...iamUsers.map((u) => ({ name: u.name, roles: u.roles, iamAuth: true })),
    ],
    lockUsers,
    databases: desired.databases.map((d) => ({ name: d.name, users: d.users.filter((u) => !pendingUsers.includes(u) || previouslyManaged.includes(u)) })),
    managedUsers,
    connectTimeoutMs: config.dbConnectTimeoutMs,
    ...(config.dbTls !== 'disable' ? { tls: tlsOptions(config.dbTls, endpoint, config.dbTlsCa) } : {}),
  };
  return { work, workHash, pendingUsers, readyUsers: readyUsers.map((u) => ({ name: u.name, passwordHash: u.passwordHash })) };
}

/** Run the planned work; Connectable says how it went. Never throws: a failure is a condition. */
async function applyDatabasePlan(
  ctx: KindContext,
  desired: DBInstanceDesired,
  plan: DatabasePlan,
  previous: DBInstanceStatus | undefined,
  run: (work: DbWork) => Promise<void>,
): Promise<{ status: Partial<DBInstanceStatus>; condition: ConditionInput; failed?: DatabaseError }> {
  try {
    await run(plan.work);
  } catch (err) {
    const e = err instanceof DatabaseError ? err : new DatabaseError('SQLError', 'in-database work failed');
    ctx.log.warn({ event: 'database_work_failed', reason: e.reason }, e.message);
    return { status: {}, condition: { type: 'Connectable', status: 'False', reason: e.reason, message: e.message }, failed: e };
  }
  const { work } = plan;
  ctx.log.info(
    { event: 'database_work', users: work.users.length, locked: work.lockUsers.length, databases: work.databases.length },
    'in-database users and databases reconciled',
  );
  return {
    status: {
      managedUsers: work.managedUsers,
      lockedUsers: work.lockUsers,
      managedDatabases: [...new Set([...(previous?.managedDatabases ?? []), ...desired.databases.map((d) => d.name)])].sort(),
      userPasswordHashes: Object.fromEntries(plan.readyUsers.map((u) => [u.name, u.passwordHash])),
      // Only complete work is remembered: pending users make the next sync try again.
      ...(plan.pendingUsers.length === 0 ? { dbWorkHash: plan.workHash } : {}),
    },
    condition: {
      type: 'Connectable',
      status: 'True',
      reason: 'Connected',
      message: `logged in as ${desired.masterUsername}; users, databases and grants are in place`,
    },
  };
}

/** The in-database work and manual snapshots, once the instance is available and converged. */
export async function dbInstanceAfterConverge(
  ctx: KindContext,
  desired: DBInstanceDesired,
  observed: DBInstanceObserved,
  previous: DBInstanceStatus | undefined,
  rds?: (region: string) => RdsLike,
  run: (work: DbWork) => Promise<void> = runDatabaseWork,
): Promise<AfterConvergeResult<DBInstanceStatus>> {
  const status: Partial<DBInstanceStatus> = {};
  const conditions: ConditionInput[] = [];

  // The engine does not have the master Secret's password yet: a restored instance has its
  // source's (set by the next sync's delta), and RDS applies a reset a moment after accepting it.
  if (observed.masterPassword !== undefined) {
    const message =
      observed.masterPassword === 'source'
        ? 'restored; the master password of the Secret is set next, then users, databases and grants'
        : 'RDS is setting the master password of the Secret; in-database work follows';
    return { status, ready: { reason: 'ResettingMasterPassword', message }, requeueSeconds: MASTER_RESET_REQUEUE_SECONDS };
  }

  if (desired.backupEverySeconds !== undefined) {
    const snap = await syncManualSnapshots(ctx, desired, rds?.(desired.region), instanceIdOf(desired, observed));
    if (snap.lastSnapshotIdentifier) status.lastSnapshotIdentifier = snap.lastSnapshotIdentifier;
    if (snap.lastSnapshotTime) status.lastSnapshotTime = snap.lastSnapshotTime;
  }

  const endpoint = observed.instance.Endpoint?.Address;
  const port = observed.instance.Endpoint?.Port ?? (desired.engine === 'postgres' ? 5432 : 3306);
  const { masterPassword } = desired;
  if (!endpoint || masterPassword === undefined) {
    return { status, ready: { reason: 'WaitingForEndpoint', message: 'RDS reports no endpoint yet' }, requeueSeconds: BUSY_REQUEUE_SECONDS };
  }

  const plan = planDatabaseWork(ctx.config, { ...desired, masterPassword }, endpoint, port, previous);
  const upToDate = previous?.dbWorkHash === plan.workHash && isTrue(previous.conditions, 'Connectable');
  if (!upToDate) {
    const applied = await applyDatabasePlan(ctx, desired, plan, previous, run);
    Object.assign(status, applied.status);
    conditions.push(applied.condition);
    if (applied.failed) {
      return {
        status,
        conditions,
        ready: { reason: 'NotConnectable', message: `in-database work failed: ${applied.failed.message}` },
        requeueSeconds: BUSY_REQUEUE_SECONDS,
      };
    }
  }
  if (plan.pendingUsers.length > 0) {
    const ready = { reason: 'WaitingForSecret', message: `waiting for the Secrets of users ${plan.pendingUsers.join(', ')} (returned with this answer)` };
    return { status, conditions, ready, requeueSeconds: SECRET_WAIT_SECONDS };
  }
  return { status, conditions };
}
