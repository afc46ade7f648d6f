/** Pure: a DBInstance's spec, observed Secrets and status → the desired RDS instance and in-database state. */
import type { HooksConfig } from '../core/config.js';
import { InvalidSpecError, TerminalError, WaitError } from '../core/errors.js';
import { checkChildNames, type WouldBeChild } from '../core/child-names.js';
import type { DesiredInput } from '../core/kind.js';
import { chooseName, type NameChoice } from '../core/name-scope.js';
import { ownerTags } from '../core/ownership.js';
import type { ObjectMap, Owner } from '../core/types.js';
import { validateUserTags } from '../shared/tags.js';
import type { DBInstanceSpec, DBInstanceStatus, Engine, UserRole } from '../../schemas/dbinstance.js';
import {
  defaultInstanceIdentifier,
  engineFamily,
  finalSnapshotIdentifier,
  instanceIdentifierPrefix,
  legacyInstanceIdentifier,
  masterSecretName,
  rdsIdentifierProblem,
  sqlDatabaseProblem,
  sqlUserProblem,
  userSecretName,
  userSecretNameProblem,
} from './identifiers.js';
import { passwordHash, passwordProblem } from './passwords.js';
import { desiredRestore, type DesiredRestore } from './restore.js';
import { MIN_BACKUP_EVERY_SECONDS, parseDuration } from './state.js';

/** Key of observed Secrets in Metacontroller's children map. */
export const SECRET_KEY = 'Secret.v1';
/** Key of observed ConfigMaps (IAM users' connection details). */
export const CONFIGMAP_KEY = 'ConfigMap.v1';
/** Key of observed Services. */
export const SERVICE_KEY = 'Service.v1';

/** Default engine versions (a major version: RDS picks the current minor). */
export const DEFAULT_ENGINE_VERSION: Record<Engine, string> = { postgres: '16', mysql: '8.0', mariadb: '10.11' };

/** backup.every when the spec does not say (seed 003: every 24 hours). */
export const DEFAULT_BACKUP_EVERY = '24h';

/** Resync while waiting for a Secret we just returned to be created. */
export const SECRET_WAIT_SECONDS = 5;

/** A desired in-database user. */
export interface DesiredUser {
  name: string;
  roles: UserRole[];
  secretName: string;
  /** Logs in with an IAM token (roles hold `iamAuth`): no password, no Secret (a ConfigMap of the same name). */
  iamAuth?: true;
  /** From the observed Secret; undefined until Metacontroller created it (persist, then use). */
  password?: string;
  passwordHash?: string;
}

/** A desired database and the users granted on it. */
export interface DesiredDatabase {
  name: string;
  users: string[];
}

/** The desired RDS instance and in-database state. */
export interface DBInstanceDesired {
  region: string;
  /** The identifier read first and the only one ever created (`name.name`). */
  identifier: string;
  /** How identifiers are used: own/allowed (created, adoptable), kept only while ours, legacy fallback. */
  name: NameChoice;
  engine: Engine;
  engineVersion: string;
  allowMajorVersionUpgrade: boolean;
  instanceClass: string;
  storageGB: number;
  storageType?: string;
  /** The optional settings below are left alone in RDS while the spec does not set them. */
  maxAllocatedStorage?: number;
  preferredBackupWindow?: string;
  preferredMaintenanceWindow?: string;
  /** Sorted, unique. */
  cloudwatchLogsExports?: string[];
  performanceInsights?: { enabled: boolean; retentionDays?: number };
  caCertificateIdentifier?: string;
  multiAZ: boolean;
  storageEncrypted: boolean;
  kmsKeyId?: string;
  subnetGroupName?: string;
  securityGroupIds: string[];
  publiclyAccessible: boolean;
  masterUsername: string;
  /** From the observed master Secret. Undefined only while finalizing without the Secret. */
  masterPassword?: string;
  masterPasswordHash?: string;
  users: DesiredUser[];
  databases: DesiredDatabase[];
  backupRetentionDays: number;
  /** backup.every in seconds. */
  backupEverySeconds?: number;
  deletionPolicy: 'Snapshot' | 'Delete' | 'Retain';
  deletionProtection: boolean;
  applyImmediately: boolean;
  tags: Record<string, string>;
  ownerTags: Record<string, string>;
  adopt: boolean;
  /** EnableIAMDatabaseAuthentication: on when a user has `iamAuth`. */
  iamDatabaseAuth: boolean;
  /** FinalDBSnapshotIdentifier used when deletionPolicy is Snapshot. */
  finalSnapshotIdentifier: string;
  /** spec.restoreFrom: used only when the instance is first created. */
  restore?: DesiredRestore;
}

/**
 * The instance identifier a spec asks for, checked against RDS's rules and our prefix, and how it
 * may be used: the namespace's own identifiers (or ones the administrator allowed) are created
 * and adoptable; any other is used only for an instance whose owner tags already name this
 * DBInstance — never adopted, so never another namespace's database.
 */
export function instanceIdentifierFor(spec: DBInstanceSpec, config: HooksConfig, owner: Owner): NameChoice {
  const ownPrefix = instanceIdentifierPrefix(config.namePrefix, owner.namespace);
  const base = {
    derived: defaultInstanceIdentifier(config.namePrefix, owner.namespace, owner.name),
    legacy: legacyInstanceIdentifier(config.namePrefix, owner.namespace, owner.name),
    ownPrefix,
    namespace: owner.namespace,
    allow: config.allowedAwsNames,
  };
  if (spec.instanceIdentifier === undefined) return chooseName(base);
  const id = spec.instanceIdentifier;
  const problem = rdsIdentifierProblem(id);
  if (problem) throw new InvalidSpecError(`spec.instanceIdentifier: "${id}" ${problem}`);
  const prefix = config.namePrefix.toLowerCase();
  if (!id.startsWith(`${prefix}-`)) {
    throw new InvalidSpecError(
      `spec.instanceIdentifier: must start with "${prefix}-" (the service may only manage instances under its prefix)${ownPrefix ? `; this namespace's instances start with "${ownPrefix}"` : ''}`,
    );
  }
  return chooseName({ ...base, explicit: id });
}

/** Read a key of an observed Secret's base64 `data`. */
export function secretValue(children: ObjectMap, namespace: string, name: string, key: string): string | undefined {
  const secret = children[SECRET_KEY]?.[`${namespace}/${name}`] as { data?: Record<string, string> } | undefined;
  const raw = secret?.data?.[key];
  if (raw === undefined) return undefined;
  return Buffer.from(raw, 'base64').toString('utf8');
}

/** True when the Secret is among the observed children. */
export function secretObserved(children: ObjectMap, namespace: string, name: string): boolean {
  return children[SECRET_KEY]?.[`${namespace}/${name}`] !== undefined;
}

/** A password from an observed Secret, validated; undefined when the Secret is not there yet. */
function observedPassword(children: ObjectMap, namespace: string, secretName: string): string | undefined {
  if (!secretObserved(children, namespace, secretName)) return undefined;
  const password = secretValue(children, namespace, secretName, 'password');
  if (password === undefined || password === '') {
    // Our children() fills an empty password in; the Secret will be written on this answer.
    return undefined;
  }
  const problem = passwordProblem(password);
  if (problem) throw new TerminalError('InvalidSecret', `Secret ${secretName}: the password ${problem}`);
  return password;
}

/**
 * Pure: the desired instance. Throws InvalidSpecError for a bad spec, WaitError while the master
 * Secret has not been observed yet (it is returned as a child first: persist, then use).
 */
export function desiredDBInstance(input: DesiredInput<DBInstanceSpec, DBInstanceStatus>): DBInstanceDesired {
  const { spec, config, owner, children, parent, finalizing } = input;
  const previous = parent.status;
  const namespace = owner.namespace;
  const engine = spec.engine;
  const name = instanceIdentifierFor(spec, config, owner);
  const identifier = name.name;
  const tags = validateUserTags(spec.tags);
  const restore = desiredRestore(spec, config, owner);
  const optional = optionalSettings(spec);

  // Refuse a storage decrease even when the CRD's CEL rule was bypassed (an old CRD, a replace).
  if (previous?.storageGB !== undefined && spec.storageGB < previous.storageGB) {
    throw new InvalidSpecError(`spec.storageGB: ${spec.storageGB} is smaller than the ${previous.storageGB} GiB allocated; RDS storage can only grow`);
  }
  if (spec.kmsKeyId !== undefined && !spec.storageEncrypted) {
    throw new InvalidSpecError('spec.kmsKeyId: needs storageEncrypted: true');
  }

  // NOTE: RDS refuses "rdsadmin" (its own admin) and SQL reserved words as master user names.
  if (/^(rdsadmin|rds_.*|pg_.*|root|mysql.*|public|none|user|select|table)$/.test(spec.masterUsername)) {
    throw new InvalidSpecError(`spec.masterUsername: "${spec.masterUsername}" is reserved by ${engine} or RDS`);
  }

  const userNames = Object.keys(spec.users ?? {}).sort();
  for (const name of userNames) {
    const problem = sqlUserProblem(name, engineFamily(engine), spec.masterUsername) ?? userSecretNameProblem(name);
    if (problem) throw new InvalidSpecError(`spec.users: "${name}" ${problem}`);
  }
  const databases: DesiredDatabase[] = [];
  for (const [name, users] of Object.entries(spec.databases ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const problem = sqlDatabaseProblem(name, engineFamily(engine));
    if (problem) throw new InvalidSpecError(`spec.databases: "${name}" ${problem}`);
    for (const u of users) {
      if (!userNames.includes(u)) throw new InvalidSpecError(`spec.databases.${name}: user "${u}" is not in spec.users`);
    }
    databases.push({ name, users: [...new Set(users)].sort() });
  }

  let backupEverySeconds: number | undefined;
  // Seed 003: a snapshot every 24 hours unless the spec says otherwise (or keeps no backups at all).
  const every = spec.backup.every ?? (spec.backup.retentionDays > 0 ? DEFAULT_BACKUP_EVERY : 'off');
  if (every !== 'off') {
    backupEverySeconds = parseDuration(every);
    if (backupEverySeconds === undefined) throw new InvalidSpecError(`spec.backup.every: "${every}" is not a duration like 30m, 24h or 7d, or "off"`);
    if (backupEverySeconds < MIN_BACKUP_EVERY_SECONDS) throw new InvalidSpecError('spec.backup.every: must be at least 30m');
    if (spec.backup.retentionDays === 0)
      throw new InvalidSpecError('spec.backup.every: needs backup.retentionDays of at least 1 (snapshots are kept that long)');
  }

  // Secrets and the Service another object already holds: a Conflict before anything is created.
  if (!finalizing)
    checkChildNames(
      dbInstanceWouldBeChildren(owner.name, userNames, iamUserNames(spec)),
      parent,
      children,
      input.related,
      'rename this DBInstance or the other object',
    );

  const salt = owner.uid;
  const masterSecret = masterSecretName(owner.name);
  const masterPassword = observedPassword(children, namespace, masterSecret);
  if (masterPassword === undefined && !finalizing) {
    throw new WaitError(
      'WaitingForSecret',
      `waiting for Secret ${masterSecret} (returned with this answer) before creating the DB instance`,
      SECRET_WAIT_SECONDS,
    );
  }

  const users: DesiredUser[] = userNames.map((name) => {
    const secretName = userSecretName(owner.name, name);
    const roles = [...new Set(spec.users?.[name] ?? [])].sort();
    const iamAuth = roles.includes('iamAuth');
    // An IAM user has no password: whatever an object of its name holds is never read.
    const password = iamAuth ? undefined : observedPassword(children, namespace, secretName);
    return {
      name,
      roles: roles.filter((r) => r !== 'iamAuth'),
      secretName,
      ...(iamAuth ? { iamAuth: true as const } : {}),
      ...(password !== undefined ? { password, passwordHash: passwordHash(password, salt) } : {}),
    };
  });

  const securityGroupIds = [...new Set(spec.securityGroupIds ?? config.rdsDefaultSecurityGroupIds)].sort();
  const subnetGroupName = spec.subnetGroupName ?? config.rdsDefaultSubnetGroup;
  return {
    // The region of a created instance is kept from status (spec.region is optional): only a
    // well-formed one, since status is writable by others.
    region:
      spec.region ??
      (typeof previous?.region === 'string' && /^[a-z]{2}(-[a-z]+)+-\d$/.test(previous.region) ? previous.region : undefined) ??
      config.defaultRegion,
    identifier,
    name,
    engine,
    engineVersion: spec.engineVersion ?? DEFAULT_ENGINE_VERSION[engine],
    allowMajorVersionUpgrade: spec.allowMajorVersionUpgrade,
    instanceClass: spec.instanceClass,
    storageGB: spec.storageGB,
    ...(spec.storageType !== undefined ? { storageType: spec.storageType } : {}),
    multiAZ: spec.multiAZ,
    storageEncrypted: spec.storageEncrypted,
    ...(spec.kmsKeyId !== undefined ? { kmsKeyId: spec.kmsKeyId } : {}),
    ...(subnetGroupName !== undefined ? { subnetGroupName } : {}),
    securityGroupIds,
    publiclyAccessible: spec.publiclyAccessible,
    masterUsername: spec.masterUsername,
    ...(masterPassword !== undefined ? { masterPassword, masterPasswordHash: passwordHash(masterPassword, salt) } : {}),
    users,
    databases,
    backupRetentionDays: spec.backup.retentionDays,
    ...(backupEverySeconds !== undefined ? { backupEverySeconds } : {}),
    deletionPolicy: spec.deletionPolicy,
    deletionProtection: spec.deletionProtection,
    applyImmediately: spec.applyImmediately,
    tags,
    ownerTags: ownerTags(owner),
    // Adoption only ever takes an identifier of the parent's own (DESIGN.md §3.3).
    adopt: spec.adopt && name.claimable,
    finalSnapshotIdentifier: finalSnapshotIdentifier(identifier, owner.uid),
    iamDatabaseAuth: users.some((u) => u.iamAuth === true),
    ...(restore ? { restore } : {}),
    ...optional,
  };
}

/** Minutes of the day of "hh:mm". */
function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/**
 * Pure: the optional RDS settings of a spec, checked (the schema checks the formats). Only what the
 * spec sets is in the result: what it leaves out is left as RDS has it.
 */
export function optionalSettings(spec: DBInstanceSpec): Partial<DBInstanceDesired> {
  const out: Partial<DBInstanceDesired> = {};
  if (spec.maxAllocatedStorage !== undefined) {
    if (spec.maxAllocatedStorage !== 0 && spec.maxAllocatedStorage <= spec.storageGB) {
      throw new InvalidSpecError(
        `spec.maxAllocatedStorage: ${spec.maxAllocatedStorage} must be above storageGB (${spec.storageGB}), or 0 to turn storage autoscaling off`,
      );
    }
    out.maxAllocatedStorage = spec.maxAllocatedStorage;
  }
  if (spec.preferredBackupWindow !== undefined) {
    const [from = '', to = ''] = spec.preferredBackupWindow.split('-');
    if ((minutesOf(to) - minutesOf(from) + 1440) % 1440 < 30) throw new InvalidSpecError('spec.preferredBackupWindow: must be at least 30 minutes');
    out.preferredBackupWindow = spec.preferredBackupWindow;
  }
  if (spec.preferredMaintenanceWindow !== undefined) {
    const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
    const at = (x: string) => {
      const [d = '', h = '0', m = '0'] = x.split(':');
      return days.indexOf(d) * 1440 + Number(h) * 60 + Number(m);
    };
    const [from = '', to = ''] = spec.preferredMaintenanceWindow.split('-');
    if ((at(to) - at(from) + 7 * 1440) % (7 * 1440) < 30) throw new InvalidSpecError('spec.preferredMaintenanceWindow: must be at least 30 minutes');
    out.preferredMaintenanceWindow = spec.preferredMaintenanceWindow;
  }
  if (spec.enableCloudwatchLogsExports !== undefined) {
    const allowed =
      spec.engine === 'postgres' ? ['postgresql', 'upgrade', 'iam-db-auth-error'] : ['audit', 'error', 'general', 'slowquery', 'iam-db-auth-error'];
    for (const log of spec.enableCloudwatchLogsExports) {
      if (!allowed.includes(log))
        throw new InvalidSpecError(`spec.enableCloudwatchLogsExports: "${log}" is not a log of ${spec.engine} (${allowed.join(', ')})`);
    }
    out.cloudwatchLogsExports = [...new Set(spec.enableCloudwatchLogsExports)].sort();
  }
  if (spec.performanceInsights !== undefined) {
    const days = spec.performanceInsights.retentionDays;
    if (days !== undefined && days !== 7 && days !== 731 && days % 31 !== 0) {
      throw new InvalidSpecError(`spec.performanceInsights.retentionDays: ${days} must be 7, a multiple of 31 (months) or 731`);
    }
    out.performanceInsights = { enabled: spec.performanceInsights.enabled, ...(days !== undefined ? { retentionDays: days } : {}) };
  }
  if (spec.caCertificateIdentifier !== undefined) out.caCertificateIdentifier = spec.caCertificateIdentifier;
  return out;
}

/** The children a DBInstance answers (by name), for the customize hook and the collision check. */
export function dbInstanceWouldBeChildren(parentName: string, users: readonly string[], iamUsers: readonly string[] = []): WouldBeChild[] {
  return [
    { apiVersion: 'v1', resource: 'secrets', kind: 'Secret', name: masterSecretName(parentName) },
    ...users
      .filter((u) => /^[a-z][a-z0-9_]{0,31}$/.test(u))
      .map((u) =>
        iamUsers.includes(u)
          ? { apiVersion: 'v1', resource: 'configmaps', kind: 'ConfigMap', name: userSecretName(parentName, u) }
          : { apiVersion: 'v1', resource: 'secrets', kind: 'Secret', name: userSecretName(parentName, u) },
      ),
    { apiVersion: 'v1', resource: 'services', kind: 'Service', name: parentName },
  ];
}

/** The users of a spec that log in with IAM tokens. */
export function iamUserNames(spec: DBInstanceSpec): string[] {
  return Object.entries(spec.users ?? {})
    .filter(([, roles]) => roles.includes('iamAuth'))
    .map(([u]) => u)
    .sort();
}

/** What decides whether AWS must be visited: the desired state, with password hashes instead of passwords. */
export function dbInstanceFingerprint(desired: DBInstanceDesired): unknown {
  const { masterPassword: _m, users, ...rest } = desired;
  return { ...rest, users: users.map(({ password: _p, ...u }) => u) };
}
