/** Pure: what differs between the desired and the observed DB instance. */
import type { DBInstance } from '@aws-sdk/client-rds';
import { TerminalError } from '../core/errors.js';
import type { Delta } from '../core/kind.js';
import { tagDelta } from '../core/ownership.js';
import type { DBInstanceStatus } from '../../schemas/dbinstance.js';
import type { DBInstanceDesired } from './desired.js';
import { engineMatches } from './identifiers.js';

/** A DB instance as read from RDS (DescribeDBInstances carries the tags). */
export interface DBInstanceObserved {
  instance: DBInstance;
  tags: Record<string, string>;
  /**
   * Set by this sync's restore or master-password reset: the engine does not have the master
   * Secret's password yet (a restored instance has the source's; RDS applies a reset a moment
   * later), so no in-database work this sync and no password hash for status after a restore.
   */
  masterPassword?: 'source' | 'resetting';
  /** Set by this sync's restore: what status.restoredFrom says. */
  restoredFrom?: string;
  /** The last RDS events of the instance, read only while it is not available (status.recentEvents). */
  recentEvents?: string[];
}

/** The ModifyDBInstance fields to send, plus tag changes. */
export interface DBInstanceDelta extends Delta {
  modify: {
    DBInstanceClass?: string;
    AllocatedStorage?: number;
    StorageType?: string;
    EngineVersion?: string;
    AllowMajorVersionUpgrade?: boolean;
    MultiAZ?: boolean;
    BackupRetentionPeriod?: number;
    DeletionProtection?: boolean;
    PubliclyAccessible?: boolean;
    VpcSecurityGroupIds?: string[];
    MasterUserPassword?: string;
    EnableIAMDatabaseAuthentication?: boolean;
    MaxAllocatedStorage?: number;
    PreferredBackupWindow?: string;
    PreferredMaintenanceWindow?: string;
    CloudwatchLogsExportConfiguration?: { EnableLogTypes?: string[]; DisableLogTypes?: string[] };
    EnablePerformanceInsights?: boolean;
    PerformanceInsightsRetentionPeriod?: number;
    CACertificateIdentifier?: string;
  };
  tagsToAdd: Record<string, string>;
  tagsToRemove: string[];
}

/** Numeric parts of a version: "16.3" → [16, 3]. */
function versionParts(v: string): number[] {
  return v
    .split('.')
    .map((p) => Number.parseInt(p, 10))
    .map((n) => (Number.isFinite(n) ? n : 0));
}

/** The major version: postgres ≥ 10 → "16"; postgres 9.x and mysql → "9.6", "8.0". */
export function majorVersion(engine: string, version: string): string {
  const parts = version.split('.');
  if (engine.startsWith('postgres') && Number(parts[0]) >= 10) return parts[0] ?? version;
  return parts.slice(0, 2).join('.');
}

function compareVersions(a: string, b: string): number {
  const pa = versionParts(a);
  const pb = versionParts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** True when `observed` is the desired version or a release of it ("16" is met by "16.3"). */
export function versionSatisfies(desired: string, observed: string | undefined): boolean {
  if (!observed) return false;
  return observed === desired || observed.startsWith(`${desired}.`);
}

/**
 * The engine version to ask for, or undefined when none. Minor versions only move up (RDS
 * upgrades minors on its own; asking for an older one would fail); a major upgrade needs
 * allowMajorVersionUpgrade; a major downgrade is impossible.
 * @throws TerminalError when the spec asks for what RDS cannot do.
 */
export function engineVersionChange(desired: DBInstanceDesired, observed: string | undefined, pending: string | undefined): string | undefined {
  if (!observed || versionSatisfies(desired.engineVersion, observed) || versionSatisfies(desired.engineVersion, pending)) return undefined;
  const wantMajor = majorVersion(desired.engine, desired.engineVersion);
  const haveMajor = majorVersion(desired.engine, observed);
  const cmp = compareVersions(wantMajor, haveMajor);
  if (cmp < 0) {
    throw new TerminalError(
      'EngineVersionDowngrade',
      `spec.engineVersion: ${desired.engineVersion} is older than the running ${observed}; RDS cannot downgrade`,
    );
  }
  if (cmp > 0) {
    if (!desired.allowMajorVersionUpgrade) {
      throw new TerminalError(
        'MajorVersionUpgradeNotAllowed',
        `spec.engineVersion: ${desired.engineVersion} is a major upgrade from ${observed}; set spec.allowMajorVersionUpgrade: true`,
      );
    }
    return desired.engineVersion;
  }
  // Same major: only move up, never back.
  return compareVersions(desired.engineVersion, observed) > 0 ? desired.engineVersion : undefined;
}

/**
 * The optional settings, only those the spec sets. NOTE: the emulator ignores Performance Insights
 * (always reported unset); a pending CA change counts as done.
 */
function optionalDelta(
  desired: DBInstanceDesired,
  i: DBInstance,
  change: <K extends keyof DBInstanceDelta['modify']>(path: string, key: K, value: DBInstanceDelta['modify'][K]) => void,
): void {
  if (desired.maxAllocatedStorage !== undefined && (i.MaxAllocatedStorage ?? 0) !== desired.maxAllocatedStorage) {
    // NOTE: RDS reports no MaxAllocatedStorage when autoscaling is off; 0 asks for that.
    change('maxAllocatedStorage', 'MaxAllocatedStorage', desired.maxAllocatedStorage);
  }
  if (desired.preferredBackupWindow !== undefined && i.PreferredBackupWindow !== desired.preferredBackupWindow) {
    change('preferredBackupWindow', 'PreferredBackupWindow', desired.preferredBackupWindow);
  }
  if (desired.preferredMaintenanceWindow !== undefined && i.PreferredMaintenanceWindow?.toLowerCase() !== desired.preferredMaintenanceWindow) {
    change('preferredMaintenanceWindow', 'PreferredMaintenanceWindow', desired.preferredMaintenanceWindow);
  }
  if (desired.cloudwatchLogsExports !== undefined) {
    const have = new Set(i.EnabledCloudwatchLogsExports ?? []);
    const enable = desired.cloudwatchLogsExports.filter((l) => !have.has(l));
    const disable = [...have].filter((l) => !desired.cloudwatchLogsExports?.includes(l)).sort();
    if (enable.length > 0 || disable.length > 0) {
      change('enableCloudwatchLogsExports', 'CloudwatchLogsExportConfiguration', {
        ...(enable.length ? { EnableLogTypes: enable } : {}),
        ...(disable.length ? { DisableLogTypes: disable } : {}),
      });
    }
  }
  const pi = desired.performanceInsights;
  if (pi !== undefined) {
    const retentionDiffers = pi.enabled && pi.retentionDays !== undefined && i.PerformanceInsightsRetentionPeriod !== pi.retentionDays;
    if ((i.PerformanceInsightsEnabled ?? false) !== pi.enabled || retentionDiffers) {
      change('performanceInsights', 'EnablePerformanceInsights', pi.enabled);
      if (pi.enabled && pi.retentionDays !== undefined) change('performanceInsights', 'PerformanceInsightsRetentionPeriod', pi.retentionDays);
    }
  }
  const ca = desired.caCertificateIdentifier;
  if (ca !== undefined && i.CACertificateIdentifier !== ca && i.PendingModifiedValues?.CACertificateIdentifier !== ca) {
    change('caCertificateIdentifier', 'CACertificateIdentifier', ca);
  }
}

/**
 * Compare by meaning, and count a value RDS already holds as pending (PendingModifiedValues) as
 * done, so that a change waiting for the maintenance window is not sent again at every sync.
 */
export function dbInstanceDelta(desired: DBInstanceDesired, observed: DBInstanceObserved, previous: DBInstanceStatus | undefined): DBInstanceDelta {
  const i = observed.instance;
  const pending = i.PendingModifiedValues ?? {};
  if (i.Engine && !engineMatches(desired.engine, i.Engine)) {
    throw new TerminalError('EngineMismatch', `the DB instance runs ${i.Engine}, but spec.engine is ${desired.engine}`);
  }
  const modify: DBInstanceDelta['modify'] = {};
  const paths: string[] = [];
  const change = <K extends keyof DBInstanceDelta['modify']>(path: string, key: K, value: DBInstanceDelta['modify'][K]) => {
    modify[key] = value;
    paths.push(path);
  };

  if (i.DBInstanceClass !== desired.instanceClass && pending.DBInstanceClass !== desired.instanceClass) {
    change('instanceClass', 'DBInstanceClass', desired.instanceClass);
  }
  // Storage only grows: a larger observed size (storage autoscaling) is not shrunk.
  const storage = Math.max(i.AllocatedStorage ?? 0, pending.AllocatedStorage ?? 0);
  if (desired.storageGB > storage) change('storageGB', 'AllocatedStorage', desired.storageGB);
  if (desired.storageType !== undefined && i.StorageType !== desired.storageType && pending.StorageType !== desired.storageType) {
    change('storageType', 'StorageType', desired.storageType);
  }
  const version = engineVersionChange(desired, i.EngineVersion, pending.EngineVersion);
  if (version !== undefined) {
    change('engineVersion', 'EngineVersion', version);
    if (majorVersion(desired.engine, version) !== majorVersion(desired.engine, i.EngineVersion ?? '')) modify.AllowMajorVersionUpgrade = true;
  }
  if ((i.MultiAZ ?? false) !== desired.multiAZ && pending.MultiAZ !== desired.multiAZ) change('multiAZ', 'MultiAZ', desired.multiAZ);
  if (i.BackupRetentionPeriod !== desired.backupRetentionDays && pending.BackupRetentionPeriod !== desired.backupRetentionDays) {
    change('backup.retentionDays', 'BackupRetentionPeriod', desired.backupRetentionDays);
  }
  if ((i.DeletionProtection ?? false) !== desired.deletionProtection) change('deletionProtection', 'DeletionProtection', desired.deletionProtection);
  if ((i.IAMDatabaseAuthenticationEnabled ?? false) !== desired.iamDatabaseAuth) {
    change('users (iamAuth)', 'EnableIAMDatabaseAuthentication', desired.iamDatabaseAuth);
  }
  if ((i.PubliclyAccessible ?? false) !== desired.publiclyAccessible) change('publiclyAccessible', 'PubliclyAccessible', desired.publiclyAccessible);
  if (desired.securityGroupIds.length > 0) {
    const have = (i.VpcSecurityGroups ?? [])
      .map((g) => g.VpcSecurityGroupId ?? '')
      .filter(Boolean)
      .sort();
    if (have.join(',') !== desired.securityGroupIds.join(',')) change('securityGroupIds', 'VpcSecurityGroupIds', desired.securityGroupIds);
  }
  optionalDelta(desired, i, change);

  // Rotation: the password in the master Secret is not the one last applied (status keeps a hash).
  if (desired.masterPassword !== undefined && desired.masterPasswordHash !== previous?.masterPasswordHash) {
    change('masterPassword', 'MasterUserPassword', desired.masterPassword);
  }

  const { toAdd, toRemove } = tagDelta({ ...desired.tags, ...desired.ownerTags }, observed.tags, previous?.managedTagKeys ?? []);
  if (Object.keys(toAdd).length > 0 || toRemove.length > 0) paths.push('tags');
  return { paths, modify, tagsToAdd: toAdd, tagsToRemove: toRemove };
}
