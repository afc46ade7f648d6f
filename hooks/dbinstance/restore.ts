/**
 * Pure: `spec.restoreFrom`, and which restore sources a DBInstance may use (DESIGN.md §3.3,
 * §3.4). A snapshot holds a namespace's data: a DBInstance may restore only its own namespace's
 * snapshots — ones carrying this namespace's owner tags, or named like this namespace's final
 * snapshots and carrying no other owner's tags — or one an administrator allowed
 * (RDS_RESTORE_ALLOWED_SNAPSHOTS, ALLOWED_AWS_NAMES). A point in time is taken only from an
 * instance whose owner tags name a DBInstance of this namespace.
 */
import type { HooksConfig } from '../core/config.js';
import { InvalidSpecError } from '../core/errors.js';
import { allowedByAdmin, globMatch } from '../core/name-scope.js';
import { OWNER_TAGS } from '../core/ownership.js';
import type { Owner } from '../core/types.js';
import type { DBInstanceSpec } from '../../schemas/dbinstance.js';
import { defaultInstanceIdentifier, instanceIdentifierPrefix, rdsIdentifierProblem } from './identifiers.js';

/** Where a new instance's data comes from. */
export type DesiredRestore =
  | { kind: 'snapshot'; snapshotIdentifier: string }
  | {
      kind: 'pointInTime';
      /** The source DBInstance's name (same namespace). */
      dbInstance: string;
      /** Its derived instance identifier: the only one read. */
      sourceIdentifier: string;
      /** ISO time; undefined: the latest restorable time. */
      time?: string;
    };

/** RFC 3339 date-time with a zone (what the CRD's `format: date-time` means). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Pure: the restore a spec asks for, or undefined. Throws InvalidSpecError (before any AWS call)
 * for a malformed source.
 */
export function desiredRestore(spec: DBInstanceSpec, config: HooksConfig, owner: Owner): DesiredRestore | undefined {
  const from = spec.restoreFrom;
  if (from === undefined) return undefined;
  const snapshot = from.snapshotIdentifier;
  const pit = from.pointInTime;
  if (snapshot !== undefined && pit === undefined) {
    const problem = rdsIdentifierProblem(snapshot, 255);
    if (problem) throw new InvalidSpecError(`spec.restoreFrom.snapshotIdentifier: "${snapshot}" ${problem}`);
    return { kind: 'snapshot', snapshotIdentifier: snapshot };
  }
  if (pit === undefined || snapshot !== undefined) throw new InvalidSpecError('spec.restoreFrom: set exactly one of snapshotIdentifier and pointInTime');
  const source = pit;
  if (source.dbInstance === owner.name) throw new InvalidSpecError('spec.restoreFrom.pointInTime.dbInstance: a DBInstance cannot restore itself');
  if (source.time !== undefined && (!RFC3339.test(source.time) || Number.isNaN(Date.parse(source.time)))) {
    throw new InvalidSpecError(`spec.restoreFrom.pointInTime.time: "${source.time}" is not an RFC 3339 time like 2026-01-02T03:04:05Z`);
  }
  return {
    kind: 'pointInTime',
    dbInstance: source.dbInstance,
    sourceIdentifier: defaultInstanceIdentifier(config.namePrefix, owner.namespace, source.dbInstance),
    ...(source.time !== undefined ? { time: new Date(source.time).toISOString() } : {}),
  };
}

/** True when `id` is named like a final snapshot of one of this namespace's instances. */
export function isOwnFinalSnapshotName(id: string, config: HooksConfig, namespace: string): boolean {
  const prefix = instanceIdentifierPrefix(config.namePrefix, namespace);
  return prefix !== undefined && id.startsWith(prefix) && /-final-[a-z0-9]{1,8}$/.test(id);
}

/** Why a snapshot may be restored (or the refusal, as a message naming the rule). */
export type SnapshotScope = { allowed: true; why: 'owner-tags' | 'own-final-snapshot' | 'administrator' } | { allowed: false; message: string };

/**
 * Pure: may this DBInstance restore the snapshot `id` carrying `tags`? The administrator's
 * allow-list first; then the snapshot's owner tags (another namespace's or cluster's tags refuse
 * it, whatever its name); then our final-snapshot naming for the namespace.
 */
export function snapshotScope(id: string, tags: Record<string, string>, config: HooksConfig, owner: Owner): SnapshotScope {
  if ((config.rdsRestoreAllowedSnapshots ?? []).some((p) => globMatch(p, id)) || allowedByAdmin(config.allowedAwsNames, owner.namespace, id)) {
    return { allowed: true, why: 'administrator' };
  }
  const tagged = tags[OWNER_TAGS.namespace] !== undefined || tags[OWNER_TAGS.cluster] !== undefined;
  if (tagged) {
    if (tags[OWNER_TAGS.namespace] === owner.namespace && tags[OWNER_TAGS.cluster] === owner.cluster) return { allowed: true, why: 'owner-tags' };
    return {
      allowed: false,
      message: `spec.restoreFrom.snapshotIdentifier: snapshot ${id} belongs to namespace ${tags[OWNER_TAGS.namespace] ?? '?'} of cluster ${tags[OWNER_TAGS.cluster] ?? '?'}; a DBInstance restores only its own namespace's snapshots (or ones in RDS_RESTORE_ALLOWED_SNAPSHOTS)`,
    };
  }
  if (isOwnFinalSnapshotName(id, config, owner.namespace)) return { allowed: true, why: 'own-final-snapshot' };
  return {
    allowed: false,
    message: `spec.restoreFrom.snapshotIdentifier: snapshot ${id} carries no owner tags of namespace ${owner.namespace} and is not one of its final snapshots; an administrator can allow it with RDS_RESTORE_ALLOWED_SNAPSHOTS`,
  };
}

/** Pure: is the instance with `tags` a DBInstance named `name` of this namespace and cluster? */
export function isNamespaceInstance(tags: Record<string, string>, owner: Owner, name: string): boolean {
  return (
    tags[OWNER_TAGS.cluster] === owner.cluster &&
    tags[OWNER_TAGS.namespace] === owner.namespace &&
    tags[OWNER_TAGS.name] === name &&
    (tags[OWNER_TAGS.kind] === undefined || tags[OWNER_TAGS.kind] === 'DBInstance')
  );
}

/** Pure: what status.restoredFrom says. */
export function restoredFromLabel(restore: DesiredRestore): string {
  return restore.kind === 'snapshot' ? `snapshot/${restore.snapshotIdentifier}` : `pointInTime/${restore.sourceIdentifier}@${restore.time ?? 'latest'}`;
}
