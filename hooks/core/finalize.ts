/**
 * The finalize steps: delete the AWS resource when it is ours, and answer `finalized: true`
 * only once AWS confirms it is gone, or when the parent asked to keep it (DESIGN.md §1, §3.3).
 * Children are always kept while finalizing: nothing is dropped before the parent goes.
 *
 * Finalize never depends on the spec being valid (DESIGN.md §3.1): what this parent may own is
 * found from status, from the names derived from namespace and name alone, and from the owner
 * tags in AWS (the kind's `orphanCandidates`); `deletionPolicy` is read as written.
 */
import { answer, baseStatus, type Call, type Prepared, type ReconcileResult } from './call.js';
import { mergeConditions, type ConditionInput } from './conditions.js';
import { errorAnswer } from './error-answer.js';
import { InvalidSpecError, safeMessage, TerminalError, WaitError } from './errors.js';
import { hashOf } from './hash.js';
import type { AnyKind, ResourceManager } from './kind.js';
import { describeOwner, ownership } from './ownership.js';
import type { BaseStatus } from './types.js';

/** Resync while AWS is still deleting, unless the kind says otherwise. */
const DEFAULT_DELETE_POLL_SECONDS = 5;

type AnyManager = ResourceManager<unknown, unknown, BaseStatus>;

/** The raw spec as an object of fields (an empty one when it is not an object). */
function rawSpecOf(call: Call): Record<string, unknown> {
  const spec: unknown = call.parent.spec;
  return spec !== null && typeof spec === 'object' && !Array.isArray(spec) ? (spec as Record<string, unknown>) : {};
}

/**
 * deletionPolicy as written in the raw spec when it is one of the schema's values, else the
 * kind's safe default (`safeDeletionPolicy`, else the schema's default, else Retain). A plain
 * enum, readable whatever the rest of the spec looks like.
 */
export function deletionPolicyAsWritten(kind: AnyKind, rawSpec: Record<string, unknown>): string {
  const property = (kind.specSchema as { properties?: Record<string, { enum?: unknown[]; default?: unknown }> }).properties?.deletionPolicy;
  const allowed = property?.enum ?? [];
  const written = rawSpec.deletionPolicy;
  if (typeof written === 'string' && allowed.includes(written)) return written;
  if (written === undefined && typeof property?.default === 'string') return property.default;
  if (kind.safeDeletionPolicy !== undefined) return kind.safeDeletionPolicy;
  return typeof property?.default === 'string' ? property.default : 'Retain';
}

/** A desired resource's identity in AWS. */
function keyOf(kind: AnyKind, desired: unknown): string {
  return kind.resourceKey ? kind.resourceKey(desired) : hashOf(desired);
}

/** What one look at a candidate found. */
type Found = 'absent' | 'not ours' | 'deleted' | 'pending';

/** Read a candidate; delete it when its owner tags name this parent; confirm with a fresh read. */
async function deleteIfOurs(call: Call, manager: AnyManager, candidate: unknown): Promise<Found> {
  const observed = await manager.readOne(candidate, call.previous);
  if (observed === undefined) return 'absent';
  if (ownership(call.kind.tagsOf(observed), call.owner) !== 'ours') return 'not ours';
  const outcome = await manager.delete(candidate, observed, call.previous);
  if (outcome === 'deleted' && (await manager.readOne(candidate, call.previous)) === undefined) return 'deleted';
  return 'pending';
}

/**
 * Every candidate but those whose identity is in `skip`: read each once, delete the ones that
 * are ours. True when one of them is still being deleted.
 */
async function deleteOwnedCandidates(
  call: Call,
  manager: AnyManager,
  deletionPolicy: string,
  skip: Set<string>,
): Promise<{ pending: boolean; deleted: number }> {
  const { kind } = call;
  if (!kind.orphanCandidates) return { pending: false, deleted: 0 };
  const candidates = kind.orphanCandidates({
    parent: call.parent,
    rawSpec: rawSpecOf(call),
    status: call.previous,
    config: call.deps.config,
    owner: call.owner,
    deletionPolicy,
  });
  let pending = false;
  let deleted = 0;
  for (const candidate of candidates) {
    const key = keyOf(kind, candidate);
    if (skip.has(key)) continue;
    skip.add(key);
    const found = await deleteIfOurs(call, manager, candidate);
    if (found === 'pending') pending = true;
    if (found === 'deleted') deleted++;
    if (found === 'deleted' || found === 'pending')
      call.deps.log.info({ event: 'orphan_deleted', key, found }, `${kind.names.kind}: deleting an AWS resource this parent owns (${key})`);
  }
  return { pending, deleted };
}

/**
 * Finalize when the desired state could not be computed (an invalid spec, a missing
 * dependency, a spec that makes the kind fail): the raw deletionPolicy decides; under Retain
 * it completes at once; otherwise whatever this parent may own is looked for and deleted, and
 * `finalized: true` comes only once AWS confirms none of it remains.
 * @throws the error itself when it is a bug and the kind cannot look for candidates.
 */
export async function finalizeUnprepared(call: Call, err: unknown): Promise<ReconcileResult> {
  const { kind } = call;
  const deletionPolicy = deletionPolicyAsWritten(kind, rawSpecOf(call));
  const why = err instanceof TerminalError || err instanceof WaitError ? `${err.reason}: ${safeMessage(err)}` : 'the spec could not be read';
  if (!(err instanceof TerminalError || err instanceof WaitError)) {
    call.deps.log.error({ err, event: 'finalize_unprepared' }, 'the desired state failed with an unexpected error; finalizing from status and derived names');
  }
  if (deletionPolicy === 'Retain') return finalized(call, 'Retained', 'deletionPolicy is Retain: the AWS resource was left in place');
  if (!kind.orphanCandidates) {
    // The kind cannot say what it may own without a spec: never claim the resource is gone.
    return errorAnswer(
      call,
      err instanceof InvalidSpecError ? new InvalidSpecError(`${err.message}; deletion waits for a valid spec or deletionPolicy: Retain`) : err,
    );
  }
  try {
    const manager = kind.resource(call.ctx) as AnyManager;
    const { pending, deleted } = await deleteOwnedCandidates(call, manager, deletionPolicy, new Set());
    if (pending) return deleting(call, `the spec is not valid (${why}); waiting for AWS to confirm the deletion of what this parent owns`);
    const what = deleted > 0 ? 'what this parent owned in AWS is deleted' : 'nothing this parent owns remains in AWS';
    return finalized(call, 'Deleted', `${what} (the spec is not valid: ${why})`);
  } catch (e) {
    return errorAnswer(call, e);
  }
}

/** Finalize: keep (Retain), find, check ownership, delete, confirm; then whatever else this parent owns. */
export async function finalize(p: Prepared): Promise<ReconcileResult> {
  if (p.desired.deletionPolicy === 'Retain') return finalized(p, 'Retained', 'deletionPolicy is Retain: the AWS resource was left in place');
  const manager = p.kind.resource(p.ctx) as AnyManager;
  const observed: unknown = await manager.readOne(p.desired, p.previous);
  let result: { reason: string; message: string } = { reason: 'Deleted', message: 'the AWS resource is gone' };
  if (observed !== undefined) {
    const tags = p.kind.tagsOf(observed);
    const own = ownership(tags, p.owner);
    if (own === 'ours') {
      const outcome = await manager.delete(p.desired, observed, p.previous);
      // Finalized only when a fresh read confirms the resource is gone.
      if (!(outcome === 'deleted' && (await manager.readOne(p.desired, p.previous)) === undefined)) return deletingObserved(p, observed);
    } else {
      const message =
        own === 'foreign'
          ? `the AWS resource belongs to ${describeOwner(tags)}; it was left in place`
          : 'the AWS resource was not created by awshooks; it was left in place';
      result = { reason: 'NotOwned', message };
    }
  }
  // What status or the derived names say this parent may also own (a resource created under
  // another name before the spec changed): read once each, deleted when ours.
  const extra = await deleteOwnedCandidates(p, manager, p.desired.deletionPolicy, new Set([keyOf(p.kind, p.desired)]));
  if (extra.pending) return deleting(p, 'waiting for AWS to confirm the deletion');
  return finalized(p, result.reason, result.message);
}

/** The last answer: `finalized: true`, with Ready=False saying what became of the resource. */
function finalized(call: Call, reason: string, message: string): ReconcileResult {
  call.deps.tracker?.forget(call.owner.uid);
  call.deps.log.info({ event: 'finalized', reason }, message);
  const status: BaseStatus = {
    ...baseStatus(call),
    conditions: mergeConditions(call.previous?.conditions, [{ type: 'Ready', status: 'False', reason, message }], call.now),
  };
  return answer(call, 'finalized', status, 'keep observed', { finalized: true });
}

/** AWS is still deleting: report it, and look again after the kind's poll interval. */
function deleting(call: Call, message: string, kindStatus: Record<string, unknown> = {}): ReconcileResult {
  const condition: ConditionInput = { type: 'Ready', status: 'False', reason: 'Deleting', message };
  const status: BaseStatus = {
    ...baseStatus(call),
    ...kindStatus,
    conditions: mergeConditions(call.previous?.conditions, [condition], call.now),
  };
  return answer(call, 'finalizing', status, 'keep observed', {
    finalized: false,
    resyncAfterSeconds: call.kind.deletePollSeconds ?? DEFAULT_DELETE_POLL_SECONDS,
  });
}

/** AWS is still deleting the desired resource: its status fields as last read. */
function deletingObserved(p: Prepared, observed: unknown): ReconcileResult {
  return deleting(p, 'waiting for AWS to confirm the deletion', p.kind.status(p.desired, observed, p.previous) as Record<string, unknown>);
}
