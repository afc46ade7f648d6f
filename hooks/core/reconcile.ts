import type { AwsClients } from './aws-clients.js';
import { isTrue, findCondition, mergeConditions, type ConditionInput } from './conditions.js';
import type { HooksConfig } from './config.js';
import { classifyError, InvalidSpecError, RecoverableError, safeMessage, TerminalError, WaitError } from './errors.js';
import { hashOf } from './hash.js';
import type { AnyKind, KindContext, Logger } from './kind.js';
import { describeOwner, ownership } from './ownership.js';
import { validateSpec } from './spec-validation.js';
import type { BaseStatus, Condition, CustomizeResponse, KubeObject, ObjectMap, Owner, Parent, SyncRequest, SyncResponse } from './types.js';

/** Keeps track of the parents this replica manages, for the managed-resources metric. */
export interface ResourceTracker {
  observe(uid: string, kind: string, ready: boolean): void;
  forget(uid: string): void;
}

/** What the reconcile loop needs from its surroundings. */
export interface ReconcileDeps {
  config: HooksConfig;
  aws: AwsClients;
  log: Logger;
  now?: () => Date;
  tracker?: ResourceTracker;
}

/** How a hook call ended, for metrics and logs. */
export type Outcome = 'converged' | 'steady' | 'changed' | 'waiting' | 'invalid' | 'conflict' | 'terminal' | 'aws_error' | 'finalized' | 'finalizing';

/** A hook answer plus how it ended. */
export interface ReconcileResult {
  response: SyncResponse;
  outcome: Outcome;
}

/** Seconds to wait before retrying after a terminal error (the user must act; a spec change syncs at once). */
const TERMINAL_RESYNC_SECONDS = 300;
/** Bounds of the exponential backoff after recoverable errors. */
const BACKOFF_MIN_SECONDS = 5;
const BACKOFF_MAX_SECONDS = 300;

/** The owner identity of a parent. */
export function ownerOf(kind: AnyKind, parent: Parent, config: HooksConfig): Owner {
  return {
    cluster: config.clusterName,
    namespace: parent.metadata.namespace ?? '',
    name: parent.metadata.name,
    uid: parent.metadata.uid ?? '',
    kind: kind.names.kind,
  };
}

/**
 * Backoff after a recoverable error: the time already spent failing for the same reason,
 * bounded. It doubles the wait at each retry without keeping a counter in status (a counter
 * would change status on every call and make Metacontroller re-sync at once).
 */
export function backoffSeconds(previous: Condition[] | undefined, reason: string, now: Date): number {
  const synced = findCondition(previous, 'Synced');
  if (!synced || synced.status !== 'False' || synced.reason !== reason) return BACKOFF_MIN_SECONDS;
  const elapsed = (now.getTime() - Date.parse(synced.lastTransitionTime)) / 1000;
  if (!Number.isFinite(elapsed)) return BACKOFF_MIN_SECONDS;
  return Math.min(BACKOFF_MAX_SECONDS, Math.max(BACKOFF_MIN_SECONDS, Math.round(elapsed)));
}

/**
 * An observed child reduced to what we would have returned for it (apply semantics):
 * no status, no server-set metadata.
 */
export function asDesiredChild(obj: KubeObject): KubeObject {
  const { status: _status, metadata, ...rest } = obj as KubeObject & { status?: unknown };
  const annotations = Object.fromEntries(
    Object.entries(metadata.annotations ?? {}).filter(([k]) => !k.startsWith('metacontroller.k8s.io/') && k !== 'kubectl.kubernetes.io/last-applied-configuration'),
  );
  return {
    ...rest,
    metadata: {
      name: metadata.name,
      ...(metadata.labels ? { labels: metadata.labels } : {}),
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
  } as KubeObject;
}

/**
 * The children to answer with when the kind's computation could not use fresh AWS data:
 * the kind's own answer, plus every observed child it did not mention, unchanged. An observed
 * child left out of a 200 answer is deleted by Metacontroller (DESIGN.md §3.2).
 */
export function keepObservedChildren(computed: KubeObject[], observed: ObjectMap): KubeObject[] {
  const key = (o: { apiVersion: string; kind: string; metadata: { name: string } }) => `${o.kind}.${o.apiVersion}/${o.metadata.name}`;
  const seen = new Set(computed.map(key));
  const out = [...computed];
  for (const byName of Object.values(observed ?? {})) {
    for (const child of Object.values(byName)) {
      if (!seen.has(key(child))) {
        seen.add(key(child));
        out.push(asDesiredChild(child));
      }
    }
  }
  return out;
}

/** Sort children so that answers are byte-identical for the same input. */
function sortChildren(children: KubeObject[]): KubeObject[] {
  return [...children].sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
}

function conditionsFor(ready: ConditionInput, synced: ConditionInput, extra: ConditionInput[] = []): ConditionInput[] {
  return [ready, synced, ...extra];
}

/** The customize hook: which related objects Metacontroller should send with each sync. */
export function customize(kind: AnyKind, parent: Parent, config: HooksConfig): CustomizeResponse {
  if (!kind.customize) return { relatedResources: [] };
  // A spec that fails validation has nothing to relate; sync reports the InvalidSpec.
  try {
    const spec = validateSpec(kind.specSchema, parent.spec);
    return { relatedResources: kind.customize({ ...parent, spec }, config) };
  } catch (err) {
    if (err instanceof InvalidSpecError) return { relatedResources: [] };
    throw err;
  }
}

/**
 * The generic reconcile loop (sync and finalize), after ACK's reconciler: compute desired,
 * read observed, decide between create / update / nothing / delete, compute status and the
 * complete children set. Errors become conditions; only bugs escape (→ 500).
 */
export async function reconcile(kind: AnyKind, request: SyncRequest, deps: ReconcileDeps): Promise<ReconcileResult> {
  const now = (deps.now ?? (() => new Date()))();
  const parent = request.parent as Parent<Record<string, unknown>, BaseStatus>;
  const previous = parent.status && Object.keys(parent.status).length > 0 ? parent.status : undefined;
  const finalizing = request.finalizing === true;
  const owner = ownerOf(kind, parent, deps.config);
  const related = request.related ?? {};
  const generation = parent.metadata.generation;
  const ctx: KindContext = { config: deps.config, aws: deps.aws, now: () => now, log: deps.log, owner };

  let spec: Record<string, unknown> | undefined;
  let desired: Record<string, unknown> & { adopt: boolean; deletionPolicy: string } | undefined;

  const childrenFor = (status: BaseStatus, keepObserved: boolean): KubeObject[] => {
    const computed = kind.children({ parent, spec, status, desired, children: request.children, related, config: deps.config, now });
    return sortChildren(keepObserved ? keepObservedChildren(computed, request.children) : computed);
  };

  const baseStatus = (): BaseStatus => ({
    ...(previous ?? {}),
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
  });

  try {
    spec = validateSpec<Record<string, unknown>>(kind.specSchema, parent.spec);
    desired = kind.desired({ parent, spec, children: request.children, related, config: deps.config, owner, finalizing, now });
  } catch (err) {
    // A spec that no longer validates must not trap the parent in deletion when the user asked
    // to keep the AWS resource: the raw deletionPolicy is enough to know nothing is to be done.
    const retain = (parent.spec as { deletionPolicy?: unknown } | undefined)?.deletionPolicy === 'Retain';
    if (finalizing && err instanceof InvalidSpecError && (retain || !kind.existsPerStatus(previous))) {
      // Nothing was ever created for this parent: nothing to clean up.
      deps.tracker?.forget(owner.uid);
      return { outcome: 'finalized', response: { status: baseStatus() as Record<string, unknown>, children: childrenFor(baseStatus(), true), finalized: true } };
    }
    if (finalizing && err instanceof WaitError && !kind.existsPerStatus(previous)) {
      deps.tracker?.forget(owner.uid);
      return { outcome: 'finalized', response: { status: baseStatus() as Record<string, unknown>, children: childrenFor(baseStatus(), true), finalized: true } };
    }
    return errorResult(err);
  }

  const want = desired!;
  const inputHash = hashOf(kind.fingerprint ? kind.fingerprint(want) : want);

  // Finalize ------------------------------------------------------------------------------
  if (finalizing) {
    try {
      return await finalize();
    } catch (err) {
      return errorResult(err);
    }
  }

  // Steady state: converged, nothing changed, AWS read recently → zero AWS calls.
  if (
    previous &&
    previous.inputHash === inputHash &&
    isTrue(previous.conditions, 'Ready') &&
    isTrue(previous.conditions, 'Synced') &&
    previous.lastSyncTime !== undefined
  ) {
    const age = (now.getTime() - Date.parse(previous.lastSyncTime)) / 1000;
    const interval = deps.config.driftCheckIntervalSeconds;
    if (age >= 0 && age < interval) {
      const status = baseStatus();
      deps.tracker?.observe(owner.uid, kind.names.kind, true);
      return {
        outcome: 'steady',
        response: { status: status as Record<string, unknown>, children: childrenFor(status, false), resyncAfterSeconds: Math.max(1, Math.ceil(interval - age)) },
      };
    }
  }

  try {
    const manager = kind.resource(ctx);
    let observed = await manager.readOne(desired, previous);
    let changed = false;
    if (observed === undefined) {
      observed = await manager.create(desired, previous);
      changed = true;
      deps.log.info({ event: 'created' }, `${kind.names.kind} created in AWS`);
    } else {
      const own = ownership(kind.tagsOf(observed), owner);
      if (own === 'foreign') {
        throw new TerminalError('Conflict', `the AWS resource exists and belongs to ${describeOwner(kind.tagsOf(observed))}; awshooks will not touch it`);
      }
      if (own === 'unowned' && !want.adopt) {
        throw new TerminalError('Conflict', 'the AWS resource exists and was not created by awshooks; set spec.adopt: true to take it over');
      }
      const readiness = kind.readiness ? kind.readiness(observed) : ({ ready: true } as const);
      const delta = kind.delta(desired, observed, previous);
      if (delta.paths.length > 0) {
        if (!readiness.ready && !readiness.acceptsUpdates) {
          // NOTE: RDS (and others) refuse modifications while the resource is busy: wait.
          throw new WaitError(readiness.reason, `${readiness.message}; waiting to apply changes to ${delta.paths.join(', ')}`, readiness.requeueSeconds);
        }
        observed = await manager.update(desired, observed, delta, previous);
        changed = true;
        deps.log.info({ event: 'updated', fields: delta.paths }, `${kind.names.kind} updated in AWS`);
      }
    }

    const readiness = kind.readiness ? kind.readiness(observed) : ({ ready: true } as const);
    const kindStatus = kind.status(desired, observed, previous);
    let extra: ConditionInput[] = [];
    let extraStatus: Record<string, unknown> = {};
    let requeue = deps.config.driftCheckIntervalSeconds;
    let notReady: { reason: string; message: string } | undefined = readiness.ready ? undefined : { reason: readiness.reason, message: readiness.message };
    if (!readiness.ready) requeue = readiness.requeueSeconds;
    if (readiness.ready && kind.afterConverge) {
      const after = await kind.afterConverge(ctx, desired, observed, previous);
      extra = after.conditions ?? [];
      extraStatus = after.status ?? {};
      if (after.requeueSeconds !== undefined) requeue = Math.min(requeue, after.requeueSeconds);
      if (after.ready) notReady = after.ready;
    }

    const ready: ConditionInput = notReady
      ? { type: 'Ready', status: 'False', reason: notReady.reason, message: notReady.message }
      : { type: 'Ready', status: 'True', reason: 'Available', message: `${kind.names.kind} is ready` };
    const synced: ConditionInput = { type: 'Synced', status: 'True', reason: 'Synced', message: 'AWS matches the spec' };
    const status: BaseStatus = {
      ...(previous ?? {}),
      ...kindStatus,
      ...extraStatus,
      conditions: mergeConditions(previous?.conditions, conditionsFor(ready, synced, extra), now),
      ...(generation !== undefined ? { observedGeneration: generation } : {}),
      // Only a Ready parent answers from status; moving lastSyncTime while waiting would make
      // every poll a status write, and every status write another sync.
      lastSyncTime: notReady ? previous?.lastSyncTime : now.toISOString(),
      inputHash: notReady ? previous?.inputHash : inputHash,
    };
    if (status.lastSyncTime === undefined) delete status.lastSyncTime;
    if (status.inputHash === undefined) delete status.inputHash;
    deps.tracker?.observe(owner.uid, kind.names.kind, !notReady);
    return {
      outcome: notReady ? 'waiting' : changed ? 'changed' : 'converged',
      response: { status: status as Record<string, unknown>, children: childrenFor(status, false), resyncAfterSeconds: Math.max(1, requeue) },
    };
  } catch (err) {
    return errorResult(err);
  }

  async function finalize(): Promise<ReconcileResult> {
    const status = baseStatus();
    const done = (reason: string, message: string): ReconcileResult => {
      deps.tracker?.forget(owner.uid);
      deps.log.info({ event: 'finalized', reason }, message);
      const final: BaseStatus = {
        ...status,
        conditions: mergeConditions(previous?.conditions, [{ type: 'Ready', status: 'False', reason, message }], now),
      };
      return { outcome: 'finalized', response: { status: final as Record<string, unknown>, children: childrenFor(final, true), finalized: true } };
    };
    if (desired!.deletionPolicy === 'Retain') return done('Retained', 'deletionPolicy is Retain: the AWS resource was left in place');
    const manager = kind.resource(ctx);
    const observed = await manager.readOne(desired!, previous);
    if (observed === undefined) return done('Deleted', 'the AWS resource is gone');
    const own = ownership(kind.tagsOf(observed), owner);
    if (own !== 'ours') {
      return done('NotOwned', own === 'foreign'
        ? `the AWS resource belongs to ${describeOwner(kind.tagsOf(observed))}; it was left in place`
        : 'the AWS resource was not created by awshooks; it was left in place');
    }
    const outcome = await manager.delete(desired!, observed, previous);
    if (outcome === 'deleted' && (await manager.readOne(desired!, previous)) === undefined) {
      return done('Deleted', 'the AWS resource is gone');
    }
    const poll = kind.deletePollSeconds ?? 5;
    const deleting: BaseStatus = {
      ...status,
      ...kind.status(desired!, observed, previous),
      conditions: mergeConditions(previous?.conditions, [{ type: 'Ready', status: 'False', reason: 'Deleting', message: 'waiting for AWS to confirm the deletion' }], now),
    };
    return { outcome: 'finalizing', response: { status: deleting as Record<string, unknown>, children: childrenFor(deleting, true), finalized: false, resyncAfterSeconds: poll } };
  }

  function errorResult(err: unknown): ReconcileResult {
    const e = classifyError(err, kind.terminalCodes);
    if (!(e instanceof TerminalError || e instanceof WaitError || e instanceof RecoverableError)) throw err;
    const reason = e.reason;
    const message = safeMessage(e);
    let resync: number;
    let outcome: Outcome;
    if (e instanceof WaitError) {
      resync = e.afterSeconds;
      outcome = 'waiting';
    } else if (e instanceof TerminalError) {
      resync = TERMINAL_RESYNC_SECONDS;
      outcome = e instanceof InvalidSpecError ? 'invalid' : reason === 'Conflict' ? 'conflict' : 'terminal';
    } else {
      resync = backoffSeconds(previous?.conditions, reason, now);
      outcome = 'aws_error';
    }
    const conditions = mergeConditions(
      previous?.conditions,
      [
        { type: 'Ready', status: 'False', reason, message },
        { type: 'Synced', status: 'False', reason, message },
      ],
      now,
    );
    const status: BaseStatus = { ...baseStatus(), conditions };
    deps.tracker?.observe(owner.uid, kind.names.kind, false);
    const level = e instanceof RecoverableError ? 'warn' : 'info';
    deps.log[level]({ event: 'not_synced', reason, finalizing }, message);
    return {
      outcome,
      response: {
        status: status as Record<string, unknown>,
        children: childrenFor(status, true),
        resyncAfterSeconds: resync,
        ...(finalizing ? { finalized: false } : {}),
      },
    };
  }
}
