/**
 * Answer in time (DESIGN.md §3.7): every sync and finalize call answers within
 * HOOK_DEADLINE_SECONDS, whatever AWS or a database does. Past it, the answer is the previous
 * status with Ready=False (DeadlineExceeded), the same children, and a short resync; the work
 * still under way is aborted through the deadline's signal (deadline.ts).
 */
import { openCall, type ReconcileDeps, type ReconcileResult } from './call.js';
import { DEFAULT_HOOK_DEADLINE_SECONDS } from './config.js';
import { deadlineError, runWithDeadline, type Deadline } from './deadline.js';
import { errorAnswer } from './error-answer.js';
import type { DeadlineExceededError } from './errors.js';
import type { AnyKind } from './kind.js';
import { reconcile } from './reconcile.js';
import { validateSpec } from './spec-validation.js';
import type { SyncRequest } from './types.js';

/**
 * Time kept back from the deadline to build and send the answer: the work stops this much
 * earlier (at most a quarter of the deadline), so that the answer itself leaves within
 * HOOK_DEADLINE_SECONDS even on a busy event loop.
 */
export const ANSWER_MARGIN_MS = 500;

/**
 * Reconcile one parent within the configured deadline (`hookDeadlineSeconds`; 0 turns it off),
 * counted from `receivedAt` (epoch ms; the route passes when the request arrived). When the
 * deadline comes first, answers at once with the previous status, a DeadlineExceeded condition
 * and the observed children kept, and aborts the work still under way.
 */
export async function reconcileWithDeadline(kind: AnyKind, request: SyncRequest, deps: ReconcileDeps, receivedAt = Date.now()): Promise<ReconcileResult> {
  const seconds = deps.config.hookDeadlineSeconds ?? DEFAULT_HOOK_DEADLINE_SECONDS;
  if (seconds <= 0) return reconcile(kind, request, deps);
  const margin = Math.min(ANSWER_MARGIN_MS, seconds * 250);
  const at = receivedAt + seconds * 1000 - margin;
  const budgetMs = Math.max(1, at - Date.now());
  const controller = new AbortController();
  const deadline: Deadline = { at, signal: controller.signal };
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<ReconcileResult>((resolve, reject) => {
    timer = setTimeout(() => {
      const error = deadlineError(seconds);
      try {
        deps.log.warn({ event: 'deadline_exceeded', deadlineSeconds: seconds, finalizing: request.finalizing === true }, error.message);
        resolve(deadlineAnswer(kind, request, deps, error));
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      } finally {
        // Stop what is still under way: its answer would come too late to be read.
        controller.abort(error);
      }
    }, budgetMs);
  });
  const work = runWithDeadline(deadline, () => reconcile(kind, request, deps));
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The answer when the deadline ran out: the previous status with Ready=False and Synced=False
 * (DeadlineExceeded), the kind's children from the spec when it validates, every observed child
 * kept, and a short resync (the error answer's backoff).
 */
function deadlineAnswer(kind: AnyKind, request: SyncRequest, deps: ReconcileDeps, error: DeadlineExceededError): ReconcileResult {
  const call = openCall(kind, request, deps);
  try {
    call.spec = validateSpec<Record<string, unknown>>(kind.specSchema, call.parent.spec);
  } catch {
    // An invalid spec: the children are the observed ones, kept.
  }
  return errorAnswer(call, error);
}
