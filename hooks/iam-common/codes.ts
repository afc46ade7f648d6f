/** IAM error codes as data (ACK's terminal_codes). */

/** IAM's "does not exist". */
export const NO_SUCH_ENTITY = 'NoSuchEntity';

/** IAM error codes that need the user (or the admin) to act; everything else is retried. */
export const IAM_TERMINAL_CODES: ReadonlySet<string> = new Set([
  'MalformedPolicyDocument',
  'InvalidInput',
  'ValidationError',
  'EntityAlreadyExists',
  'AccessDenied',
  'AccessDeniedException',
  'LimitExceeded',
  'PolicyNotAttachable',
  'UnmodifiableEntity',
]);
