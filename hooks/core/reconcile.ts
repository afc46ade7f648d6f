/**
 * The generic reconcile loop (sync and finalize), after ACK's reconciler. One call goes through
 * named steps:
 *
 * 1. prepare: validate the spec, compute the desired state, hash the inputs;
 * 2. steady state: converged, unchanged and checked recently → answer from status, no AWS call;
 * 3. converge: read, create or check ownership, compute the delta, update what differs;
 * 4. report: readiness and the kind's follow-up work, status, conditions, children;
 * or finalize (finalize.ts), and for any error the error answer (error-answer.ts).
 *
 * Errors become conditions; only bugs escape (→ 500).
 */
import { budgetScope, RateLimitedError, type BudgetScope } from './aws-budget.js';
import {
  answer,
  baseStatus,
  defaultDriftSchedule,
  generationOf,
  openCall,
  type AnyDesired,
  type Call,
  type Prepared,
  type ReconcileDeps,
  type ReconcileResult,
} from './call.js';
import { isTrue, mergeConditions, type ConditionInput } from './conditions.js';
import type { HooksConfig } from './config.js';
import type { DriftSchedule } from './drift-schedule.js';
import { errorAnswer } from './error-answer.js';
import { InvalidSpecError, isAwsError, TerminalError, WaitError } from './errors.js';
import { finalize, finalizeUnprepared } from './finalize.js';
import { hashOf } from './hash.js';
import { driftIntervalSecondsOf, type AnyKind, type Readiness } from './kind.js';
import { describeOwner, ownership } from './ownership.js';
import { validateSpec } from './spec-validation.js';
import type { BaseStatus, CustomizeResponse, Parent, SyncRequest } from './types.js';

export type { Outcome, ReconcileDeps, ReconcileResult, ResourceTracker } from './call.js';

/** Reconcile one parent: the answer to a sync or finalize hook call. */
export async function reconcile(kind: AnyKind, request: SyncRequest, deps: ReconcileDeps): Promise<ReconcileResult> {
  const call = openCall(kind, request, deps);
  let prepared: Prepared;
  try {
    prepared = prepare(call);
  } catch (err) {
    // Finalize never depends on the spec being valid (finalize.ts).
    return call.finalizing ? await finalizeUnprepared(call, err) : errorAnswer(call, err);
  }
  try {
    if (prepared.finalizing) {
      const done = await budgetScope.run({ drift: false, calls: 0, wrote: false }, () => finalize(prepared));
      if (done.response.finalized) scheduleOf(prepared).forget(prepared.key);
      return done;
    }
    const steady = steadyState(prepared);
    if (steady.answer) return steady.answer;
    return await convergeAndReport(prepared, steady.drift);
  } catch (err) {
    return errorAnswer(prepared, err);
  }
}

/**
 * Converge and report under a budget scope. A drift check the rate limiter refuses before it
 * changed anything is deferred: the parent keeps its status, unchanged.
 */
async function convergeAndReport(p: Prepared, drift: boolean): Promise<ReconcileResult> {
  const scope: BudgetScope = { drift, calls: 0, wrote: false };
  try {
    return await budgetScope.run(scope, async () => report(p, await converge(p)));
  } catch (err) {
    if (drift && !scope.wrote && err instanceof RateLimitedError) return deferredAnswer(p, err);
    throw err;
  }
}

/**
 * The inputHash a sync of this request would compare with `status.inputHash` (validation,
 * desired state, fingerprint): what a converged status must carry. For tests and the benchmark.
 * @throws what the prepare step throws (InvalidSpecError, WaitError, TerminalError).
 */
export function inputHashOf(kind: AnyKind, request: SyncRequest, deps: ReconcileDeps): string {
  return prepare(openCall(kind, request, deps)).inputHash;
}

/**
 * For an answer memoized from an earlier steady sync of the very same request (the server's
 * answer memo): the resyncAfterSeconds to answer it with, or undefined when the drift check is
 * due and the call must go the full way. `key` is the parent's {@link parentKey}.
 */
export function memoizedSteadyResync(
  kind: AnyKind,
  deps: Pick<ReconcileDeps, 'config' | 'now' | 'drift' | 'tracker'>,
  parent: Parent,
  key: string,
  inputHash: string,
): number | undefined {
  const now = deps.now ? deps.now().getTime() : Date.now();
  const decision = (deps.drift ?? defaultDriftSchedule()).decide(key, inputHash, now, driftIntervalSecondsOf(kind, deps.config) * 1000);
  if (decision.due) return undefined;
  deps.tracker?.observe(parent.metadata.uid ?? '', kind.names.kind, true);
  return Math.max(1, Math.ceil(decision.inMs / 1000));
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

// ---------------------------------------------------------------- 1. prepare

/**
 * Validate the spec, compute the desired state (pure, no AWS call) and hash the inputs.
 * @throws InvalidSpecError, WaitError or TerminalError from the kind's desired().
 */
function prepare(call: Call): Prepared {
  const { kind, parent, request, deps } = call;
  // Recorded on the call as soon as known: an error answer's children use them.
  const spec = (call.spec = deps.specs
    ? deps.specs.validated<Record<string, unknown>>(kind.specSchema, call.key, parent.metadata.generation, parent.spec)
    : validateSpec<Record<string, unknown>>(kind.specSchema, parent.spec));
  const desired: AnyDesired = (call.desired = kind.desired({
    parent,
    spec,
    children: request.children,
    related: request.related ?? {},
    config: deps.config,
    owner: call.owner,
    finalizing: call.finalizing,
    now: call.now,
  }) as AnyDesired);
  const inputHash = hashOf(kind.fingerprint ? kind.fingerprint(desired) : desired);
  return { ...call, spec, desired, inputHash };
}

// ---------------------------------------------------------------- 2. steady state

/** This call's drift schedule: the app's, or the process default. */
function scheduleOf(call: Call): DriftSchedule {
  return call.deps.drift ?? defaultDriftSchedule();
}

/** The kind's drift-check interval in ms. */
function driftIntervalMs(p: Call): number {
  return driftIntervalSecondsOf(p.kind, p.deps.config) * 1000;
}

/** Whether the status says the parent converged on exactly these inputs. */
function convergedPerStatus(p: Prepared): boolean {
  const { previous } = p;
  return previous?.inputHash === p.inputHash && isTrue(previous.conditions, 'Ready') && isTrue(previous.conditions, 'Synced');
}

/**
 * Converged, nothing changed, AWS read recently (per this replica's drift schedule): answer from
 * status with zero AWS calls and the status unchanged. Otherwise say whether the visit to AWS
 * is a drift check (the parent converged and only the interval is up) or real work.
 */
function steadyState(p: Prepared): { answer?: ReconcileResult; drift: boolean } {
  if (!convergedPerStatus(p)) return { drift: false };
  const decision = scheduleOf(p).decide(p.key, p.inputHash, p.now.getTime(), driftIntervalMs(p));
  if (decision.due) return { drift: true };
  p.deps.tracker?.observe(p.owner.uid, p.kind.names.kind, true);
  return { answer: answer(p, 'steady', baseStatus(p), 'as computed', { resyncAfterSeconds: Math.max(1, Math.ceil(decision.inMs / 1000)) }), drift: false };
}

/** A drift check the rate limiter refused: the status unchanged, a later try (backing off). */
function deferredAnswer(p: Prepared, err: RateLimitedError): ReconcileResult {
  const retryMs = Math.max(err.afterSeconds * 1000, scheduleOf(p).deferred(p.key, driftIntervalMs(p)));
  p.deps.tracker?.observe(p.owner.uid, p.kind.names.kind, true);
  p.deps.log.debug({ event: 'drift_check_deferred', service: err.service, region: err.region }, 'drift check deferred by the AWS rate limit');
  return answer(p, 'deferred', baseStatus(p), 'as computed', { resyncAfterSeconds: Math.ceil(retryMs / 1000) });
}

// ---------------------------------------------------------------- 3. converge

/** The observed resource after converge, and whether AWS was written to. */
interface Converged {
  observed: unknown;
  changed: boolean;
}

/** Read; create when absent; otherwise check ownership and update what differs. */
async function converge(p: Prepared): Promise<Converged> {
  const manager = p.kind.resource(p.ctx);
  const observed: unknown = await manager.readOne(p.desired, p.previous);
  if (observed === undefined) return createOrFind(p, manager);
  checkOwnership(p, observed);
  return updateIfDifferent(p, manager, observed);
}

/** Resync after a create that found the resource existing, and then gone again. */
const CREATE_RACE_RESYNC_SECONDS = 5;

/**
 * Create. When AWS says it already exists (a concurrent first sync of the same parent:
 * Metacontroller retried while the first call still ran), that is not terminal: read it again
 * and go on as if it had been found, ownership checked as usual.
 */
async function createOrFind(p: Prepared, manager: ReturnType<AnyKind['resource']>): Promise<Converged> {
  try {
    const created: unknown = await manager.create(p.desired, p.previous);
    p.deps.log.info({ event: 'created' }, `${p.kind.names.kind} created in AWS`);
    return { observed: created, changed: true };
  } catch (err) {
    if (!isAwsError(err, ...(p.kind.alreadyExistsCodes ?? []))) throw err;
    const observed: unknown = await manager.readOne(p.desired, p.previous);
    if (observed === undefined) {
      throw new WaitError('CreateRace', 'AWS said the resource already exists but it cannot be read yet; looking again', CREATE_RACE_RESYNC_SECONDS);
    }
    p.deps.log.info({ event: 'already_exists' }, `${p.kind.names.kind} was created meanwhile; reading it again`);
    checkOwnership(p, observed);
    return updateIfDifferent(p, manager, observed);
  }
}

/**
 * An existing resource is ours, or adopted on request (DESIGN.md §3.3).
 * @throws TerminalError(Conflict) for a resource of another owner, or an unowned one without `adopt`.
 */
function checkOwnership(p: Prepared, observed: unknown): void {
  const tags = p.kind.tagsOf(observed);
  const own = ownership(tags, p.owner);
  if (own === 'foreign') {
    throw new TerminalError('Conflict', `the AWS resource exists and belongs to ${describeOwner(tags)}; awshooks will not touch it`);
  }
  if (own === 'unowned' && !p.desired.adopt) {
    throw new TerminalError('Conflict', 'the AWS resource exists and was not created by awshooks; set spec.adopt: true to take it over');
  }
}

/** Compute the delta and write only what differs. @throws WaitError while the resource refuses updates. */
async function updateIfDifferent(p: Prepared, manager: ReturnType<AnyKind['resource']>, observed: unknown): Promise<Converged> {
  const delta = p.kind.delta(p.desired, observed, p.previous);
  if (delta.paths.length === 0) return { observed, changed: false };
  const readiness = readinessOf(p.kind, observed);
  if (!readiness.ready && !readiness.acceptsUpdates) {
    // NOTE: RDS (and others) refuse modifications while the resource is busy: wait.
    throw new WaitError(readiness.reason, `${readiness.message}; waiting to apply changes to ${delta.paths.join(', ')}`, readiness.requeueSeconds);
  }
  const updated: unknown = await manager.update(p.desired, observed, delta, p.previous);
  p.deps.log.info({ event: 'updated', fields: delta.paths }, `${p.kind.names.kind} updated in AWS`);
  return { observed: updated, changed: true };
}

/** The kind's readiness of an observed resource; ready when the kind does not say. */
function readinessOf(kind: AnyKind, observed: unknown): Readiness {
  return kind.readiness ? kind.readiness(observed) : { ready: true };
}

// ---------------------------------------------------------------- 4. report

/** Whether the converged resource is usable, and what the kind's follow-up work added. */
interface Health {
  /** Why the parent is not Ready; undefined when it is. */
  notReady?: { reason: string; message: string };
  /** When to look again. */
  requeueSeconds: number;
  conditions: ConditionInput[];
  status: Record<string, unknown>;
}

/** Status, conditions and children of a converged resource. */
async function report(p: Prepared, { observed, changed }: Converged): Promise<ReconcileResult> {
  const health = await healthOf(p, observed);
  // Recorded before the status is built: the volatile values' schedule hangs on the entry.
  if (!health.notReady) scheduleOf(p).checked(p.key, p.inputHash, p.now.getTime());
  const status = convergedStatus(p, observed, health);
  p.deps.tracker?.observe(p.owner.uid, p.kind.names.kind, !health.notReady);
  const outcome = health.notReady ? 'waiting' : changed ? 'changed' : 'converged';
  return answer(p, outcome, status, 'as computed', { resyncAfterSeconds: Math.max(1, health.requeueSeconds) });
}

/** Readiness, then (only once ready) the kind's work after convergence (RDS: in-database work, snapshots). */
async function healthOf(p: Prepared, observed: unknown): Promise<Health> {
  const readiness = readinessOf(p.kind, observed);
  if (!readiness.ready) {
    return { notReady: { reason: readiness.reason, message: readiness.message }, requeueSeconds: readiness.requeueSeconds, conditions: [], status: {} };
  }
  const drift = driftIntervalSecondsOf(p.kind, p.deps.config);
  if (!p.kind.afterConverge) return { requeueSeconds: drift, conditions: [], status: {} };
  const after = await p.kind.afterConverge(p.ctx, p.desired, observed, p.previous);
  return {
    ...(after.ready ? { notReady: after.ready } : {}),
    requeueSeconds: after.requeueSeconds !== undefined ? Math.min(drift, after.requeueSeconds) : drift,
    conditions: after.conditions ?? [],
    status: after.status ?? {},
  };
}

/**
 * The new status: the kind's fields, Ready and Synced conditions, and — only when Ready — the
 * inputHash. Nothing in it moves by itself: a drift check that finds nothing new gives the
 * previous status back, byte for byte, and Metacontroller writes nothing (DESIGN.md §1).
 */
function convergedStatus(p: Prepared, observed: unknown, health: Health): BaseStatus {
  const { kind, previous, now } = p;
  const { notReady } = health;
  const ready: ConditionInput = notReady
    ? { type: 'Ready', status: 'False', reason: notReady.reason, message: notReady.message }
    : { type: 'Ready', status: 'True', reason: 'Available', message: `${kind.names.kind} is ready` };
  const synced: ConditionInput = { type: 'Synced', status: 'True', reason: 'Synced', message: 'AWS matches the spec' };
  const status: BaseStatus = {
    ...(previous ?? {}),
    ...kind.status(p.desired, observed, previous),
    ...health.status,
    conditions: mergeConditions(previous?.conditions, [ready, synced, ...health.conditions], now),
    ...generationOf(p),
    inputHash: notReady ? previous?.inputHash : p.inputHash,
  };
  if (status.inputHash === undefined) delete status.inputHash;
  holdVolatile(p, status);
  return status;
}

/**
 * Volatile values (a queue's message counts) keep their previous value unless they changed and
 * none was written for `volatileStatusIntervalSeconds`: a busy queue costs at most one status
 * write per interval, an idle one none.
 */
function holdVolatile(p: Prepared, status: BaseStatus): void {
  const fields = p.kind.volatileStatus;
  const { previous } = p;
  if (!fields?.length || !previous) return;
  const next = status as Record<string, unknown>;
  const prev = previous as Record<string, unknown>;
  const changed = fields.filter((f) => f in prev && next[f] !== prev[f]);
  if (changed.length === 0) return;
  const schedule = scheduleOf(p);
  const now = p.now.getTime();
  if (schedule.volatileDue(p.key, now, (p.deps.config.volatileStatusIntervalSeconds ?? 60) * 1000)) {
    schedule.volatileWritten(p.key, now);
    return;
  }
  for (const f of changed) next[f] = prev[f];
}
