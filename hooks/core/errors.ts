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
  /** The raw HTTP answer; the SDK attaches it when it could not read the body. */
  $response?: { statusCode?: number };
}

/** The hook ran out of its time (HOOK_DEADLINE_SECONDS): answered with a short resync. */
export class DeadlineExceededError extends RecoverableError {
  constructor(message: string) {
    super('DeadlineExceeded', message);
  }
}

/** Condition reason of an answer that did not come from AWS (a proxy's HTML page, a cut body). */
export const NON_AWS_RESPONSE = 'NonAwsResponse';

/**
 * The HTTP status of an SDK error whose body is not an AWS error: a deserialization failure
 * (the SDK attaches `$response`), or a service exception the SDK could only call `Unknown`.
 * Undefined for a real AWS error or an error without an HTTP answer.
 *
 * NOTE: behind a proxy or load balancer a 502/503 comes with an HTML page. The JSON protocol
 * (SQS) fails to parse it and throws a SyntaxError carrying `$response`; the query protocol
 * (IAM, RDS) parses well-formed HTML as XML and throws a service exception named `Unknown`.
 */
function nonAwsStatus(err: unknown): number | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as AwsErrorLike;
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  if (status === undefined) return undefined;
  const code = e.$fault !== undefined ? (e.Code ?? e.name ?? e.code) : undefined;
  if (e.$fault === undefined && (e.$response !== undefined || (e.message ?? '').includes('Deserialization error'))) return status;
  if (e.$fault !== undefined && (code === undefined || code === 'Unknown' || code === 'UnknownError')) return status;
  return undefined;
}

/** The AWS error code of an SDK error, or undefined when it is not an AWS error. */
export function awsErrorCode(err: unknown): string | undefined {
  if (!err || typeof err !== 'object') return undefined;
  if (nonAwsStatus(err) !== undefined) return undefined;
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
  const status = nonAwsStatus(err);
  if (status !== undefined) return status === 429 ? 'throttled' : status >= 500 ? 'server_error' : 'network_error';
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
  const status = nonAwsStatus(err);
  const networkCode = (err as { code?: unknown } | undefined)?.code;
  if (status !== undefined && !(typeof networkCode === 'string' && NETWORK_CODES.has(networkCode))) {
    // Not an AWS answer: nothing the user can fix, and AWS may answer next time.
    const what = status >= 300 ? 'a non-AWS body' : 'a body that could not be read (cut short, or not from AWS)';
    return new RecoverableError(NON_AWS_RESPONSE, `AWS endpoint answered HTTP ${status} with ${what}`, { cause: err });
  }
  const code = awsErrorCode(err);
  const message = safeMessage(err);
  if (code !== undefined) {
    if (terminalCodes.has(code)) return new TerminalError(code, message);
    return new RecoverableError(code, message, { cause: err });
  }
  const e = err as { code?: string; name?: string } | undefined;
  if (e && ((e.code && NETWORK_CODES.has(e.code)) || e.name === 'TimeoutError' || e.name === 'AbortError')) {
    const reason = e.code ?? e.name ?? 'NetworkError';
    // NOTE: a connection reset while the body is read comes with the SDK's deserialization hint.
    const clean = message.replace(/\s*Deserialization error:.*$/s, '');
    // NOTE: the SDK's timeout message carries the timeout in ms, which varies with the time left
    // before the hook deadline: a fixed message keeps status from changing on every retry.
    const said =
      clean === 'aborted'
        ? 'the connection to the AWS endpoint was closed while the answer was read'
        : clean.includes('requestTimeout')
          ? 'the AWS endpoint did not answer in time'
          : clean;
    return new RecoverableError(reason, said, { cause: err });
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
