/**
 * One hook call as the reconcile steps see it: the request read once, and the pieces every
 * answer is built from (base status, children). See reconcile.ts for the steps themselves.
 */
import type { AwsClients } from './aws-clients.js';
import { keepObservedChildren, sortChildren } from './children.js';
import { mergeConditions } from './conditions.js';
import type { HooksConfig } from './config.js';
import { DriftSchedule } from './drift-schedule.js';
import type { AnyKind, DesiredBase, KindContext } from './kind.js';
import type { Logger } from './logger.js';
import { readableStatus, unreadableStatusCondition } from './status-check.js';
import type { SpecCache } from './spec-cache.js';
import type { BaseStatus, Owner, Parent, SyncRequest, SyncResponse } from './types.js';

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
  /**
   * This replica's memory of drift checks. The app passes its own; callers that do not (the
   * engine's unit tests) share {@link defaultDriftSchedule}'s.
   */
  drift?: DriftSchedule;
  /** This replica's validated specs; without one every sync validates its spec. */
  specs?: SpecCache;
}

let processDriftSchedule: DriftSchedule | undefined;

/**
 * The drift schedule of callers that bring none: one per process, like the app's, made on first
 * use (the app brings its own: a schedule made at import would hold its LRU's arrays for nothing).
 */
export function defaultDriftSchedule(): DriftSchedule {
  return (processDriftSchedule ??= new DriftSchedule());
}

/** How a hook call ended, for metrics and logs. */
export type Outcome =
  'converged' | 'steady' | 'deferred' | 'changed' | 'waiting' | 'invalid' | 'conflict' | 'terminal' | 'aws_error' | 'finalized' | 'finalizing';

/** A hook answer plus how it ended. */
export interface ReconcileResult {
  response: SyncResponse;
  outcome: Outcome;
}

/** The desired state as the core sees it: the kind's own fields plus the ones the core reads. */
export type AnyDesired = Record<string, unknown> & DesiredBase;

/**
 * One hook call. `spec` and `desired` are filled in by the prepare step as they are computed,
 * so that an error answer's children use whatever was computed before the error.
 */
export interface Call {
  kind: AnyKind;
  request: SyncRequest;
  deps: ReconcileDeps;
  /** One clock reading for the whole call: every timestamp of the answer agrees. */
  now: Date;
  parent: Parent;
  /** The parent's status; undefined when it has none yet (an empty object or an unreadable one counts as none). */
  previous: BaseStatus | undefined;
  /** Why the parent's status was unreadable (it then counts as none); every answer says so. */
  statusProblem?: string;
  finalizing: boolean;
  owner: Owner;
  /** The parent's key in this replica's memories: its uid, or namespace/name without one. */
  key: string;
  /** What the kind's I/O code may use. */
  ctx: KindContext;
  /** The spec with defaults, once it validated. */
  spec?: Record<string, unknown>;
  /** The desired state, once the kind computed it. */
  desired?: AnyDesired;
}

/** A call whose spec validated and whose desired state and input hash are known. */
export interface Prepared extends Call {
  spec: Record<string, unknown>;
  desired: AnyDesired;
  /** Hash of what decides whether AWS must be visited (the kind's fingerprint of desired). */
  inputHash: string;
}

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

/** A parent's key in this replica's memories: its uid, or namespace/name when it has none. */
export function parentKey(metadata: { uid?: string; namespace?: string; name: string }): string {
  // An empty uid counts as none, so not `??`.
  return metadata.uid !== undefined && metadata.uid !== '' ? metadata.uid : `${metadata.namespace ?? ''}/${metadata.name}`;
}

/** Read a request once into a {@link Call}. */
export function openCall(kind: AnyKind, request: SyncRequest, deps: ReconcileDeps): Call {
  const now = (deps.now ?? (() => new Date()))();
  // Status of an unexpected shape is no status: no step (nor the kind) ever sees it.
  const read = readableStatus(kind, request.parent.status);
  const previous = read.status ? withoutRetired(read.status) : undefined;
  const parent: Parent = previous === request.parent.status ? request.parent : { ...request.parent, status: previous };
  const owner = ownerOf(kind, parent, deps.config);
  return {
    kind,
    request,
    deps,
    now,
    parent,
    previous,
    finalizing: request.finalizing === true,
    ...(read.problem !== undefined ? { statusProblem: read.problem } : {}),
    owner,
    key: parentKey(parent.metadata),
    ctx: { config: deps.config, aws: deps.aws, now: () => now, log: deps.log, owner },
  };
}

/**
 * The status without fields awshooks no longer writes. `lastSyncTime` moved at every drift check
 * and cost one API write per parent per interval (issue 10); a status that still carries it loses
 * it in the next answer, once.
 */
function withoutRetired(status: BaseStatus & { lastSyncTime?: unknown }): BaseStatus {
  if (!('lastSyncTime' in status)) return status;
  const { lastSyncTime: _retired, ...rest } = status;
  return rest;
}

/** `observedGeneration` for the status, when the parent has a generation. */
export function generationOf(call: Call): { observedGeneration?: number } {
  const generation = call.parent.metadata.generation;
  return generation !== undefined ? { observedGeneration: generation } : {};
}

/** The previous status with this call's generation: where every answer's status starts. */
export function baseStatus(call: Call): BaseStatus {
  return { ...(call.previous ?? {}), ...generationOf(call) };
}

/**
 * Which children an answer carries: the kind's computation `as computed` when it used fresh
 * AWS data (or the status that came from it), else with every observed child it did not
 * return kept (`keep observed`), so that nothing is deleted on an error or during deletion.
 */
export type ChildrenPolicy = 'as computed' | 'keep observed';

/** An answer: the status, the children the kind computes for it, and the other response fields. */
export function answer(
  call: Call,
  outcome: Outcome,
  status: BaseStatus,
  children: ChildrenPolicy,
  rest: Omit<SyncResponse, 'status' | 'children'> = {},
): ReconcileResult {
  const { kind, parent, spec, desired, request, deps, now } = call;
  if (call.statusProblem !== undefined) {
    status = { ...status, conditions: mergeConditions(status.conditions, [unreadableStatusCondition(call.statusProblem)], now) };
  }
  const computed = kind.children({ parent, spec, status, desired, children: request.children, related: request.related ?? {}, config: deps.config, now });
  const all = children === 'keep observed' ? keepObservedChildren(computed, request.children) : computed;
  return { outcome, response: { status: status as Record<string, unknown>, children: sortChildren(all), ...rest } };
}
