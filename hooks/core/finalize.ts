/**
 * The finalize steps: delete the AWS resource when it is ours, and answer `finalized: true`
 * only once AWS confirms it is gone, or when the parent asked to keep it (DESIGN.md §1, §3.3).
 * Children are always kept while finalizing: nothing is dropped before the parent goes.
 */
import { answer, baseStatus, type Call, type Prepared, type ReconcileResult } from './call.js';
import { mergeConditions } from './conditions.js';
import { InvalidSpecError, WaitError } from './errors.js';
import { describeOwner, ownership } from './ownership.js';
import type { BaseStatus } from './types.js';

/** Resync while AWS is still deleting, unless the kind says otherwise. */
const DEFAULT_DELETE_POLL_SECONDS = 5;

/**
 * Finalize when the desired state could not be computed (an invalid spec, a missing
 * dependency): complete at once when there is nothing to clean up, else undefined and the
 * error is answered. A spec that no longer validates must not trap the parent in deletion when
 * the user asked to keep the AWS resource: the raw deletionPolicy is enough to know that.
 */
export function finalizeUnprepared(call: Call, err: unknown): ReconcileResult | undefined {
  const retain = (call.parent.spec as { deletionPolicy?: unknown } | undefined)?.deletionPolicy === 'Retain';
  const nothingCreated = !call.kind.existsPerStatus(call.previous);
  const done = (err instanceof InvalidSpecError && (retain || nothingCreated)) || (err instanceof WaitError && nothingCreated);
  if (!done) return undefined;
  call.deps.tracker?.forget(call.owner.uid);
  return answer(call, 'finalized', baseStatus(call), 'keep observed', { finalized: true });
}

/** Finalize: keep (Retain), find, check ownership, delete, confirm. */
export async function finalize(p: Prepared): Promise<ReconcileResult> {
  if (p.desired.deletionPolicy === 'Retain') return finalized(p, 'Retained', 'deletionPolicy is Retain: the AWS resource was left in place');
  const manager = p.kind.resource(p.ctx);
  const observed: unknown = await manager.readOne(p.desired, p.previous);
  if (observed === undefined) return finalized(p, 'Deleted', 'the AWS resource is gone');
  const tags = p.kind.tagsOf(observed);
  const own = ownership(tags, p.owner);
  if (own !== 'ours') {
    const message =
      own === 'foreign'
        ? `the AWS resource belongs to ${describeOwner(tags)}; it was left in place`
        : 'the AWS resource was not created by awshooks; it was left in place';
    return finalized(p, 'NotOwned', message);
  }
  const outcome = await manager.delete(p.desired, observed, p.previous);
  // Finalized only when a fresh read confirms the resource is gone.
  if (outcome === 'deleted' && (await manager.readOne(p.desired, p.previous)) === undefined) {
    return finalized(p, 'Deleted', 'the AWS resource is gone');
  }
  return deleting(p, observed);
}

/** The last answer: `finalized: true`, with Ready=False saying what became of the resource. */
function finalized(p: Prepared, reason: string, message: string): ReconcileResult {
  p.deps.tracker?.forget(p.owner.uid);
  p.deps.log.info({ event: 'finalized', reason }, message);
  const status: BaseStatus = {
    ...baseStatus(p),
    conditions: mergeConditions(p.previous?.conditions, [{ type: 'Ready', status: 'False', reason, message }], p.now),
  };
  return answer(p, 'finalized', status, 'keep observed', { finalized: true });
}

/** AWS is still deleting: report it, and look again after the kind's poll interval. */
function deleting(p: Prepared, observed: unknown): ReconcileResult {
  const status: BaseStatus = {
    ...baseStatus(p),
    ...p.kind.status(p.desired, observed, p.previous),
    conditions: mergeConditions(
      p.previous?.conditions,
      [{ type: 'Ready', status: 'False', reason: 'Deleting', message: 'waiting for AWS to confirm the deletion' }],
      p.now,
    ),
  };
  return answer(p, 'finalizing', status, 'keep observed', { finalized: false, resyncAfterSeconds: p.kind.deletePollSeconds ?? DEFAULT_DELETE_POLL_SECONDS });
}
