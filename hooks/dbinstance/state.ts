/** Pure: the RDS instance status state machine, and backup durations. */
import type { Readiness } from '../core/kind.js';

/** Poll interval while RDS works (creating, modifying, ...). */
export const BUSY_REQUEUE_SECONDS = 30;
/** Poll interval while the instance needs a person (failed, storage-full, ...). */
export const PROBLEM_REQUEUE_SECONDS = 300;

/** Statuses RDS passes through on its own: wait and poll. */
const BUSY = new Set([
  'creating',
  'modifying',
  'backing-up',
  'configuring-enhanced-monitoring',
  'configuring-iam-database-auth',
  'configuring-log-exports',
  'converting-to-vpc',
  'upgrading',
  'rebooting',
  'renaming',
  'resetting-master-credentials',
  'starting',
  'stopping',
  'storage-optimization',
  'storage-config-upgrade',
  'maintenance',
  'moving-to-vpc',
  'delete-precheck',
  'deleting',
]);

/** Statuses that need a person (or an AWS fix): wait, poll slowly, say so. */
export const PROBLEM_STATUSES: ReadonlySet<string> = new Set([
  'failed',
  'incompatible-credentials',
  'incompatible-network',
  'incompatible-option-group',
  'incompatible-parameters',
  'incompatible-restore',
  'inaccessible-encryption-credentials',
  'inaccessible-encryption-credentials-recoverable',
  'insufficient-capacity',
  'restore-error',
  'storage-full',
  'stopped',
]);

/**
 * Statuses in which RDS still accepts ModifyDBInstance. NOTE: `storage-full` is fixed precisely
 * by modifying (growing) the storage, so waiting for `available` would wait forever.
 */
const MODIFIABLE_WHILE_NOT_READY = new Set(['storage-full']);

/** `backing-up` → `BackingUp`: the condition reason for an RDS status. */
export function reasonOf(status: string): string {
  const parts = status.split(/[^A-Za-z0-9]+/).filter(Boolean);
  if (parts.length === 0) return 'Unknown';
  return parts.map((p) => p.charAt(0).toUpperCase() + p.slice(1).toLowerCase()).join('');
}

/** What a DB instance status means for the parent: Ready, or why not and when to look again. */
export function instanceReadiness(status: string | undefined): Readiness & { acceptsUpdates?: boolean } {
  const s = (status ?? 'unknown').toLowerCase();
  if (s === 'available') return { ready: true };
  const reason = reasonOf(s);
  if (BUSY.has(s)) {
    return { ready: false, reason, message: `the DB instance is ${s}`, requeueSeconds: BUSY_REQUEUE_SECONDS };
  }
  if (PROBLEM_STATUSES.has(s)) {
    const hint =
      s === 'storage-full'
        ? 'raise spec.storageGB'
        : s === 'stopped'
          ? 'start it in AWS (awshooks does not start stopped instances)'
          : 'see the RDS console and events';
    return {
      ready: false,
      reason,
      message: `the DB instance is ${s} and needs attention: ${hint}`,
      requeueSeconds: PROBLEM_REQUEUE_SECONDS,
      ...(MODIFIABLE_WHILE_NOT_READY.has(s) ? { acceptsUpdates: true } : {}),
    };
  }
  return { ready: false, reason, message: `the DB instance is ${s}`, requeueSeconds: 60 };
}

/** Smallest backup.every: one manual snapshot per half hour at most. */
export const MIN_BACKUP_EVERY_SECONDS = 30 * 60;

/** Parse "30m", "24h", "7d" into seconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const m = /^([1-9][0-9]{0,4})(m|h|d)$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { m: 60, h: 3600, d: 86400 }[m[2] as 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}
