/** SNS error codes that need the user (or the admin) to act; everything else is retried. */

const BASE = [
  'InvalidParameter',
  'InvalidParameterValue',
  'AuthorizationError',
  'InvalidSecurity',
  'KMSAccessDenied',
  'KMSDisabled',
  'KMSInvalidState',
  'KMSNotFound',
  'KMSOptInRequired',
  'TagLimitExceeded',
  'TagPolicy',
  'TopicLimitExceeded',
  'SubscriptionLimitExceeded',
  'FilterPolicyLimitExceeded',
  'InvalidState',
  'AccessDenied',
];

/**
 * NOTE: SNS's query protocol names errors by code (InvalidParameter); the SDK may surface the
 * modelled exception name (InvalidParameterException) instead. Both forms are listed.
 */
export const SNS_TERMINAL_CODES: ReadonlySet<string> = new Set(BASE.flatMap((c) => [c, `${c}Exception`]));
