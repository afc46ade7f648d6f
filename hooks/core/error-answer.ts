/**
 * The answer to an error: Ready=False and Synced=False with the reason, the children kept, and
 * a resync that suits the error's type (DESIGN.md §3.2, §4). Bugs are not answered: they
 * escape, and the route answers 500 so that Metacontroller writes nothing.
 */
import { answer, baseStatus, type Call, type Outcome, type ReconcileResult } from './call.js';
import { findCondition, mergeConditions } from './conditions.js';
import { classifyError, InvalidSpecError, RecoverableError, safeMessage, TerminalError, WaitError } from './errors.js';
import type { Condition } from './types.js';

/** Seconds to wait before retrying after a terminal error (the user must act; a spec change syncs at once). */
const TERMINAL_RESYNC_SECONDS = 300;
/** Bounds of the exponential backoff after recoverable errors. */
const BACKOFF_MIN_SECONDS = 5;
const BACKOFF_MAX_SECONDS = 300;

/**
 * Backoff after a recoverable error: the time already spent failing for the same reason,
 * bounded. It doubles the wait at each retry without keeping a counter in status (a counter
 * would change status on every call and make Metacontroller re-sync at once).
 */
export function backoffSeconds(previous: Condition[] | undefined, reason: string, now: Date): number {
  const synced = findCondition(previous, 'Synced');
  if (synced?.status !== 'False' || synced.reason !== reason) return BACKOFF_MIN_SECONDS;
  const elapsed = (now.getTime() - Date.parse(synced.lastTransitionTime)) / 1000;
  if (!Number.isFinite(elapsed)) return BACKOFF_MIN_SECONDS;
  return Math.min(BACKOFF_MAX_SECONDS, Math.max(BACKOFF_MIN_SECONDS, Math.round(elapsed)));
}

type Answerable = TerminalError | WaitError | RecoverableError;

/** How an error is reported: its outcome and when to look again. */
function dispositionOf(e: Answerable, call: Call): { outcome: Outcome; resync: number } {
  if (e instanceof WaitError) return { outcome: 'waiting', resync: e.afterSeconds };
  if (e instanceof TerminalError) {
    const outcome = e instanceof InvalidSpecError ? 'invalid' : e.reason === 'Conflict' ? 'conflict' : 'terminal';
    return { outcome, resync: TERMINAL_RESYNC_SECONDS };
  }
  return { outcome: 'aws_error', resync: backoffSeconds(call.previous?.conditions, e.reason, call.now) };
}

/**
 * Answer an error with conditions and the children kept.
 * @throws the error itself when it is a bug (neither terminal, wait nor recoverable).
 */
export function errorAnswer(call: Call, err: unknown): ReconcileResult {
  const e = classifyError(err, call.kind.terminalCodes);
  if (!(e instanceof TerminalError || e instanceof WaitError || e instanceof RecoverableError)) throw err;
  const { outcome, resync } = dispositionOf(e, call);
  const reason = e.reason;
  const message = safeMessage(e);
  const conditions = mergeConditions(
    call.previous?.conditions,
    [
      { type: 'Ready', status: 'False', reason, message },
      { type: 'Synced', status: 'False', reason, message },
    ],
    call.now,
  );
  call.deps.tracker?.observe(call.owner.uid, call.kind.names.kind, false);
  const level = e instanceof RecoverableError ? 'warn' : 'info';
  call.deps.log[level]({ event: 'not_synced', reason, finalizing: call.finalizing }, message);
  return answer(call, outcome, { ...baseStatus(call), conditions }, 'keep observed', {
    resyncAfterSeconds: resync,
    ...(call.finalizing ? { finalized: false } : {}),
  });
}
