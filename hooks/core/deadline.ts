/**
 * The deadline of the hook call under way (DESIGN.md §3.7), as an AsyncLocalStorage: the shared
 * SDK clients (aws-clients.ts) and the database drivers bound each attempt, each retry and each
 * query by the time that is left, without every kind having to pass it along. The call itself
 * is put under its deadline by answer-in-time.ts.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DeadlineExceededError } from './errors.js';

/** A hook call's deadline: when its work must stop, and the signal that stops it. */
export interface Deadline {
  /** Epoch milliseconds. */
  at: number;
  signal: AbortSignal;
}

const storage = new AsyncLocalStorage<Deadline>();

/** The deadline of the hook call this code runs for, if any. */
export function currentDeadline(): Deadline | undefined {
  return storage.getStore();
}

/** Milliseconds left before the current deadline; undefined outside a hook call. */
export function remainingMs(): number | undefined {
  const deadline = storage.getStore();
  return deadline ? Math.max(0, deadline.at - Date.now()) : undefined;
}

/** Run `work` under a deadline (tests; reconcileWithDeadline for hook calls). */
export function runWithDeadline<T>(deadline: Deadline, work: () => T): T {
  return storage.run(deadline, work);
}

/** The error for work cut short by the deadline. */
export function deadlineError(seconds: number): DeadlineExceededError {
  return new DeadlineExceededError(`the hook's deadline of ${seconds}s ran out before AWS or the database answered; the work goes on at the next sync`);
}
