/**
 * Errors as types (DESIGN.md §4, after ACK's pkg/errors and pkg/requeue).
 *
 * - {@link TerminalError}: the user must change something (spec, or a foreign resource in the
 *   way). Answered with Ready=False and a slow resync; retrying will not help.
 * - {@link WaitError}: nothing is wrong, something is not there yet (a dependency, a slow AWS
 *   operation). Answered with Ready=False and a resync after the given seconds.
 * - {@link RecoverableError}: AWS throttling, 5xx, timeouts, network. Answered with Ready=False
 *   and an exponential backoff; the children stay as they were.
 * - Anything else is a bug: the hook answers 500 so that Metacontroller writes nothing.
 */

/** The user must change the spec (or remove what is in the way) before this can succeed. */
export class TerminalError extends Error {
  override readonly name = 'TerminalError';
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** The spec is invalid: no AWS call is made, children are kept. */
export class InvalidSpecError extends TerminalError {
  constructor(message: string) {
    super('InvalidSpec', message);
  }
}

/** Something is not ready yet; try again after `afterSeconds`. */
export class WaitError extends Error {
  override readonly name = 'WaitError';
  constructor(
    readonly reason: string,
    message: string,
    readonly afterSeconds: number,
  ) {
    super(message);
  }
}

/** A transient failure (throttling, 5xx, network): back off and retry. */
export class RecoverableError extends Error {
  override readonly name = 'RecoverableError';
  constructor(
    readonly reason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Error codes that mean "retry later", whatever the service. */
const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'PriorRequestNotComplete',
]);

/** Error codes AWS services use for their own failures. */
const SERVER_CODES = new Set(['ServiceUnavailable', 'InternalFailure', 'InternalError', 'ServiceFailure', 'InternalServerError']);

/** Node network error codes the SDK surfaces when the endpoint cannot be reached. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

/** The parts of an AWS SDK v3 service exception we read. */
export interface AwsErrorLike {
  name?: string;
  message?: string;
  code?: string;
  Code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

/** The AWS error code of an SDK error, or undefined when it is not an AWS error. */
export function awsErrorCode(err: unknown): string | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as AwsErrorLike;
  // NOTE: the SDK also attaches $metadata to network errors (ECONNREFUSED, timeouts); only
  // service exceptions carry $fault.
  if (e.$fault === undefined) return undefined;
  // NOTE: query-protocol services (IAM, RDS) put the code in `name`; some errors carry `Code`.
  return e.Code ?? e.name ?? e.code;
}

/** True when `err` is an AWS error whose code is one of `codes`. */
export function isAwsError(err: unknown, ...codes: string[]): boolean {
  const code = awsErrorCode(err);
  return code !== undefined && codes.includes(code);
}

/** The HTTP-ish category of an AWS call's outcome, for metrics (bounded cardinality). */
export function outcomeOf(err: unknown): 'success' | 'throttled' | 'client_error' | 'server_error' | 'network_error' {
  if (err === undefined) return 'success';
  const code = awsErrorCode(err);
  if (code === undefined) return 'network_error';
  if (THROTTLING_CODES.has(code)) return 'throttled';
  const e = err as AwsErrorLike;
  if (SERVER_CODES.has(code) || e.$fault === 'server' || (e.$metadata?.httpStatusCode ?? 0) >= 500) return 'server_error';
  return 'client_error';
}

/**
 * Turn whatever an AWS operation threw into one of our error types.
 *
 * `terminalCodes` are the kind's AWS error codes that need the user to act (ACK's
 * `terminal_codes`); they become {@link TerminalError}s. Every other AWS error, and any
 * network failure, is recoverable. Errors that are neither (a TypeError, say) are bugs and are
 * returned unchanged so that the hook answers 500.
 */
export function classifyError(err: unknown, terminalCodes: ReadonlySet<string> = new Set()): unknown {
  if (err instanceof TerminalError || err instanceof WaitError || err instanceof RecoverableError) return err;
  const code = awsErrorCode(err);
  const message = safeMessage(err);
  if (code !== undefined) {
    if (terminalCodes.has(code)) return new TerminalError(code, message);
    return new RecoverableError(code, message, { cause: err });
  }
  const e = err as { code?: string; name?: string } | undefined;
  if (e && ((e.code && NETWORK_CODES.has(e.code)) || e.name === 'TimeoutError' || e.name === 'AbortError')) {
    return new RecoverableError(e.code ?? e.name ?? 'NetworkError', message, { cause: err });
  }
  return err;
}

/** An error message without request IDs, so that status stays deterministic across retries. */
export function safeMessage(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  return raw
    .replace(/\b[Rr]equest ?[Ii][Dd]:? ?[0-9a-fA-F-]{8,}/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 500);
}
