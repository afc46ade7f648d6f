/**
 * Service configuration from environment variables, validated at start (env-schema: ajv over
 * process.env) so that a typo fails fast with a message naming the variable.
 */
import { readFileSync } from 'node:fs';
import envSchema from 'env-schema';
import { DEFAULT_RATE_LIMIT_MAX_WAIT_MS, type RateLimit } from '../hooks/core/aws-budget.js';
import { DEFAULT_HOOK_DEADLINE_SECONDS, DEFAULT_HOOKS_CONFIG, type HooksConfig } from '../hooks/core/config.js';
import { DEFAULT_DRIFT_SCHEDULE_ENTRIES } from '../hooks/core/drift-schedule.js';
import type { NameAllowEntry } from '../hooks/core/name-scope.js';
import { DEFAULT_SPEC_CACHE_ENTRIES } from '../hooks/core/spec-cache.js';
import { DEFAULT_ANSWER_MEMO_BYTES } from './answer-memo.js';
import { KINDS } from '../hooks/registry.js';

/** Everything the service reads from its environment. */
export interface ServiceConfig {
  host: string;
  port: number;
  metricsPort: number;
  logLevel: string;
  /** Bearer tokens accepted on hook routes (one per line of HOOK_TOKEN_FILE). */
  hookTokens: string[];
  authDisabled: boolean;
  tls?: { cert: Buffer; key: Buffer };
  bodyLimitBytes: number;
  maxConcurrentHooks: number;
  shutdownGraceMs: number;
  awsEndpointUrl?: string;
  /** Client-side AWS rate limits by SDK service name (`*`: the others), over the defaults. */
  awsRateLimits?: Record<string, RateLimit>;
  /** Longest wait for an AWS call token (a drift check's first call never waits). */
  awsRateLimitMaxWaitMs?: number;
  /** Parents whose last drift check this replica remembers. */
  driftScheduleMaxEntries?: number;
  /** Validated specs this replica keeps. */
  specCacheMaxEntries?: number;
  /** Bytes of steady answers kept by exact request body (0: none). */
  answerMemoMaxBytes?: number;
  hooks: HooksConfig;
}

/**
 * The environment variables the service reads, as a JSON Schema (env-schema validates against
 * it). Exported so the Helm chart's values.schema.json is generated from it (scripts/packaging.ts).
 */
export const ENV_SCHEMA = {
  type: 'object',
  properties: {
    HOST: { type: 'string', default: '0.0.0.0' },
    PORT: { type: 'integer', minimum: 1, maximum: 65535, default: 8080 },
    METRICS_PORT: { type: 'integer', minimum: 1, maximum: 65535, default: 9090 },
    LOG_LEVEL: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' },
    HOOK_TOKEN_FILE: { type: 'string' },
    HOOK_AUTH_DISABLED: { type: 'boolean', default: false },
    TLS_CERT_FILE: { type: 'string' },
    TLS_KEY_FILE: { type: 'string' },
    BODY_LIMIT_BYTES: { type: 'integer', minimum: 1048576, default: 16777216 },
    MAX_CONCURRENT_HOOKS: { type: 'integer', minimum: 1, default: 64 },
    SHUTDOWN_GRACE_MS: { type: 'integer', minimum: 0, default: 10000 },
    AWS_ENDPOINT_URL: { type: 'string', pattern: '^https?://' },
    // No default here: AWS_DEFAULT_REGION (the AWS CLI's name) is the fallback, then us-east-1.
    AWS_REGION: { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-\\d+$' },
    AWS_DEFAULT_REGION: { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-\\d+$' },
    CLUSTER_NAME: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.:/=+@-]{0,62}$', default: 'default' },
    NAME_PREFIX: { type: 'string', pattern: '^[a-z][a-z0-9]{0,15}$', default: 'awshooks' },
    DRIFT_CHECK_INTERVAL_SECONDS: { type: 'integer', minimum: 5, maximum: 86400 },
    DRIFT_CHECK_INTERVALS: { type: 'string', default: '' },
    VOLATILE_STATUS_INTERVAL_SECONDS: { type: 'integer', minimum: 10, maximum: 86400, default: 60 },
    AWS_RATE_LIMITS: { type: 'string', default: '' },
    AWS_RATE_LIMIT_MAX_WAIT_MS: { type: 'integer', minimum: 0, maximum: 5000, default: DEFAULT_RATE_LIMIT_MAX_WAIT_MS },
    DRIFT_SCHEDULE_MAX_ENTRIES: { type: 'integer', minimum: 1000, default: DEFAULT_DRIFT_SCHEDULE_ENTRIES },
    SPEC_CACHE_MAX_ENTRIES: { type: 'integer', minimum: 0, default: DEFAULT_SPEC_CACHE_ENTRIES },
    ANSWER_MEMO_MAX_BYTES: { type: 'integer', minimum: 0, default: DEFAULT_ANSWER_MEMO_BYTES },
    AWS_ACCOUNT_ID: { type: 'string', pattern: '^\\d{12}$' },
    OIDC_PROVIDER_ARN: { type: 'string', pattern: '^arn:aws[a-z-]*:iam::\\d{12}:oidc-provider/.+$' },
    OIDC_ISSUER: { type: 'string', pattern: '^[^/:]+(/.*)?$' },
    PERMISSIONS_BOUNDARY_ARN: { type: 'string', pattern: '^arn:aws[a-z-]*:iam::(\\d{12}|aws):policy/.+$' },
    ALLOWED_MANAGED_POLICY_ARNS: { type: 'string', default: '' },
    ALLOWED_AWS_NAMES: { type: 'string', default: '' },
    ALLOWED_SNS_TOPIC_ARNS: { type: 'string', default: '' },
    ALLOWED_SQS_QUEUE_ARNS: { type: 'string', default: '' },
    RDS_RESTORE_ALLOWED_SNAPSHOTS: { type: 'string', default: '' },
    RDS_DEFAULT_SUBNET_GROUP: { type: 'string' },
    RDS_DEFAULT_SECURITY_GROUP_IDS: { type: 'string', default: '' },
    RDS_ENDPOINT_MAP: { type: 'string', default: '' },
    DB_CONNECT_TIMEOUT_MS: { type: 'integer', minimum: 100, default: 5000 },
    DB_TLS: { type: 'string', enum: ['disable', 'require', 'verify-full'], default: 'require' },
    DB_TLS_CA_FILE: { type: 'string' },
    HOOK_DEADLINE_SECONDS: { type: 'number', minimum: 0, maximum: 300, default: DEFAULT_HOOK_DEADLINE_SECONDS },
  },
} as const;

interface RawEnv {
  HOST: string;
  PORT: number;
  METRICS_PORT: number;
  LOG_LEVEL: string;
  HOOK_TOKEN_FILE?: string;
  HOOK_AUTH_DISABLED: boolean;
  TLS_CERT_FILE?: string;
  TLS_KEY_FILE?: string;
  BODY_LIMIT_BYTES: number;
  MAX_CONCURRENT_HOOKS: number;
  SHUTDOWN_GRACE_MS: number;
  AWS_ENDPOINT_URL?: string;
  AWS_REGION?: string;
  AWS_DEFAULT_REGION?: string;
  CLUSTER_NAME: string;
  NAME_PREFIX: string;
  DRIFT_CHECK_INTERVAL_SECONDS?: number;
  DRIFT_CHECK_INTERVALS: string;
  VOLATILE_STATUS_INTERVAL_SECONDS: number;
  AWS_RATE_LIMITS: string;
  AWS_RATE_LIMIT_MAX_WAIT_MS: number;
  DRIFT_SCHEDULE_MAX_ENTRIES: number;
  SPEC_CACHE_MAX_ENTRIES: number;
  ANSWER_MEMO_MAX_BYTES: number;
  AWS_ACCOUNT_ID?: string;
  OIDC_PROVIDER_ARN?: string;
  OIDC_ISSUER?: string;
  PERMISSIONS_BOUNDARY_ARN?: string;
  ALLOWED_MANAGED_POLICY_ARNS: string;
  ALLOWED_AWS_NAMES: string;
  ALLOWED_SNS_TOPIC_ARNS: string;
  ALLOWED_SQS_QUEUE_ARNS: string;
  RDS_RESTORE_ALLOWED_SNAPSHOTS: string;
  RDS_DEFAULT_SUBNET_GROUP?: string;
  RDS_DEFAULT_SECURITY_GROUP_IDS: string;
  RDS_ENDPOINT_MAP: string;
  DB_CONNECT_TIMEOUT_MS: number;
  DB_TLS: 'disable' | 'require' | 'verify-full';
  DB_TLS_CA_FILE?: string;
  HOOK_DEADLINE_SECONDS: number;
}

/** Region of the global services when neither AWS_REGION nor AWS_DEFAULT_REGION is set. */
const DEFAULT_REGION = 'us-east-1';

/** A configuration error: the message names the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function list(value: string): string[] {
  return value
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Parse RDS_ENDPOINT_MAP: `endpoint=host:port,...` (`*` for any endpoint). */
export function parseEndpointMap(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of list(value)) {
    const [from, to] = entry.split('=');
    if (!from || !to || !/^[^:]+:\d+$/.test(to)) {
      throw new ConfigError(`RDS_ENDPOINT_MAP: "${entry}" is not <endpoint>=<host>:<port>`);
    }
    out[from] = to;
  }
  return out;
}

/**
 * Parse ALLOWED_AWS_NAMES: `<namespace glob>=<name or ARN glob>` entries separated by commas or
 * spaces. A bare `*` pattern would hand every namespace everything under the prefix, which is
 * what the setting exists to prevent: it is refused (list the names instead).
 */
export function parseAllowedAwsNames(value: string): NameAllowEntry[] {
  return list(value).map((entry) => {
    const i = entry.indexOf('=');
    const namespace = i > 0 ? entry.slice(0, i) : '';
    const pattern = i > 0 ? entry.slice(i + 1) : '';
    if (!/^[a-z0-9*][-a-z0-9*]*$/.test(namespace) || pattern === '') {
      throw new ConfigError(`ALLOWED_AWS_NAMES: "${entry}" is not <namespace>=<name or ARN pattern> (\`*\` matches anything)`);
    }
    if (/^\*+$/.test(pattern) || /^arn:\*+$/.test(pattern)) {
      throw new ConfigError(`ALLOWED_AWS_NAMES: "${entry}" allows every name; list the names or a prefix instead`);
    }
    return { namespace, pattern };
  });
}

/**
 * Parse DRIFT_CHECK_INTERVALS: `<kind>=<seconds>,...`, kinds by name, case-insensitive
 * (`queue=60,role=1800`). Returns seconds by lower-cased kind name.
 */
export function parseDriftIntervals(value: string, kinds: readonly string[] = KINDS.map((k) => k.names.singular)): Record<string, number> {
  const out: Record<string, number> = {};
  for (const entry of list(value)) {
    const [name, seconds] = entry.split('=');
    const kind = name?.toLowerCase();
    if (!kind || !seconds || !/^\d+$/.test(seconds) || Number(seconds) < 5 || Number(seconds) > 86400) {
      throw new ConfigError(`DRIFT_CHECK_INTERVALS: "${entry}" is not <kind>=<seconds> with 5 to 86400 seconds`);
    }
    if (!kinds.includes(kind)) throw new ConfigError(`DRIFT_CHECK_INTERVALS: unknown kind "${name ?? ''}" (known: ${kinds.join(', ')})`);
    out[kind] = Number(seconds);
  }
  return out;
}

/**
 * Parse AWS_RATE_LIMITS: `<service>=<calls per second>[/<burst>],...` with SDK service names
 * (`sqs`, `iam`, `rds`, `sts`, ...) and `*` for the others. The burst defaults to twice the rate.
 */
export function parseRateLimits(value: string): Record<string, RateLimit> {
  const out: Record<string, RateLimit> = {};
  for (const entry of list(value)) {
    const m = /^([a-z0-9-]+|\*)=(\d+(?:\.\d+)?)(?:\/(\d+))?$/.exec(entry);
    const service = m?.[1];
    const rate = Number(m?.[2]);
    if (!m || !service || !(rate > 0)) throw new ConfigError(`AWS_RATE_LIMITS: "${entry}" is not <service>=<calls per second>[/<burst>]`);
    const burst = m[3] !== undefined ? Number(m[3]) : Math.max(1, Math.ceil(rate * 2));
    if (burst < 1) throw new ConfigError(`AWS_RATE_LIMITS: "${entry}": the burst must be at least 1`);
    out[service] = { ratePerSecond: rate, burst };
  }
  return out;
}

function readTokens(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`HOOK_TOKEN_FILE: cannot read ${file}: ${(err as Error).message}`);
  }
  // Several lines = several valid tokens, so a token can be rotated without downtime.
  const tokens = text
    .split(/\r?\n/)
    .map((t) => t.trim())
    .filter(Boolean);
  if (tokens.length === 0) throw new ConfigError(`HOOK_TOKEN_FILE: ${file} is empty`);
  if (tokens.some((t) => t.length < 16)) throw new ConfigError('HOOK_TOKEN_FILE: every token must be at least 16 characters');
  return tokens;
}

/**
 * Load and validate the configuration.
 * @throws ConfigError with a message naming the offending variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  let raw: RawEnv;
  try {
    // env: false — read exactly `env` (process.env by default), not process.env merged under it.
    raw = envSchema<RawEnv>({ schema: ENV_SCHEMA, data: env, env: false, dotenv: false });
  } catch (err) {
    throw new ConfigError(`invalid configuration: ${(err as Error).message}`);
  }
  const tokenFile = raw.HOOK_AUTH_DISABLED ? undefined : raw.HOOK_TOKEN_FILE;
  if (!raw.HOOK_AUTH_DISABLED && !tokenFile) {
    throw new ConfigError('HOOK_TOKEN_FILE is required (hooks require a bearer token); set HOOK_AUTH_DISABLED=true only for local runs');
  }
  if (Boolean(raw.TLS_CERT_FILE) !== Boolean(raw.TLS_KEY_FILE)) {
    throw new ConfigError('TLS_CERT_FILE and TLS_KEY_FILE must be set together');
  }
  if (raw.OIDC_PROVIDER_ARN && !raw.OIDC_ISSUER) {
    // The issuer is the provider ARN's resource part; derive it rather than fail.
    raw.OIDC_ISSUER = raw.OIDC_PROVIDER_ARN.replace(/^arn:[^:]+:iam::\d{12}:oidc-provider\//, '');
  }
  let dbTlsCa: string | undefined;
  if (raw.DB_TLS === 'verify-full') {
    if (!raw.DB_TLS_CA_FILE) throw new ConfigError('DB_TLS=verify-full needs DB_TLS_CA_FILE (the RDS CA bundle, PEM)');
    try {
      dbTlsCa = readFileSync(raw.DB_TLS_CA_FILE, 'utf8');
    } catch (err) {
      throw new ConfigError(`DB_TLS_CA_FILE: ${(err as Error).message}`);
    }
  }
  let tls: ServiceConfig['tls'];
  if (raw.TLS_CERT_FILE && raw.TLS_KEY_FILE) {
    try {
      tls = { cert: readFileSync(raw.TLS_CERT_FILE), key: readFileSync(raw.TLS_KEY_FILE) };
    } catch (err) {
      throw new ConfigError(`TLS_CERT_FILE/TLS_KEY_FILE: ${(err as Error).message}`);
    }
  }
  const hooks: HooksConfig = {
    ...DEFAULT_HOOKS_CONFIG,
    clusterName: raw.CLUSTER_NAME,
    namePrefix: raw.NAME_PREFIX,
    ...(raw.DRIFT_CHECK_INTERVAL_SECONDS !== undefined ? { driftCheckIntervalSeconds: raw.DRIFT_CHECK_INTERVAL_SECONDS } : {}),
    driftCheckIntervals: parseDriftIntervals(raw.DRIFT_CHECK_INTERVALS),
    volatileStatusIntervalSeconds: raw.VOLATILE_STATUS_INTERVAL_SECONDS,
    // NOTE: the AWS SDK for JavaScript v3 reads AWS_REGION only; AWS_DEFAULT_REGION is what the AWS
    // CLI and older SDKs read, and what some clusters (and credential Secrets) still set.
    defaultRegion: raw.AWS_REGION ?? raw.AWS_DEFAULT_REGION ?? DEFAULT_REGION,
    allowedManagedPolicyArns: list(raw.ALLOWED_MANAGED_POLICY_ARNS),
    allowedAwsNames: parseAllowedAwsNames(raw.ALLOWED_AWS_NAMES),
    allowedSnsTopicArns: list(raw.ALLOWED_SNS_TOPIC_ARNS),
    allowedSqsQueueArns: list(raw.ALLOWED_SQS_QUEUE_ARNS),
    rdsRestoreAllowedSnapshots: list(raw.RDS_RESTORE_ALLOWED_SNAPSHOTS),
    rdsDefaultSecurityGroupIds: list(raw.RDS_DEFAULT_SECURITY_GROUP_IDS),
    rdsEndpointMap: parseEndpointMap(raw.RDS_ENDPOINT_MAP),
    dbConnectTimeoutMs: raw.DB_CONNECT_TIMEOUT_MS,
    dbTls: raw.DB_TLS,
    hookDeadlineSeconds: raw.HOOK_DEADLINE_SECONDS,
    ...(dbTlsCa ? { dbTlsCa } : {}),
    ...(raw.AWS_ACCOUNT_ID ? { accountId: raw.AWS_ACCOUNT_ID } : {}),
    ...(raw.OIDC_PROVIDER_ARN ? { oidcProviderArn: raw.OIDC_PROVIDER_ARN } : {}),
    ...(raw.OIDC_ISSUER ? { oidcIssuer: raw.OIDC_ISSUER } : {}),
    ...(raw.PERMISSIONS_BOUNDARY_ARN ? { permissionsBoundaryArn: raw.PERMISSIONS_BOUNDARY_ARN } : {}),
    ...(raw.RDS_DEFAULT_SUBNET_GROUP ? { rdsDefaultSubnetGroup: raw.RDS_DEFAULT_SUBNET_GROUP } : {}),
  };
  return {
    host: raw.HOST,
    port: raw.PORT,
    metricsPort: raw.METRICS_PORT,
    logLevel: raw.LOG_LEVEL,
    hookTokens: tokenFile ? readTokens(tokenFile) : [],
    authDisabled: raw.HOOK_AUTH_DISABLED,
    ...(tls ? { tls } : {}),
    bodyLimitBytes: raw.BODY_LIMIT_BYTES,
    maxConcurrentHooks: raw.MAX_CONCURRENT_HOOKS,
    shutdownGraceMs: raw.SHUTDOWN_GRACE_MS,
    ...(raw.AWS_ENDPOINT_URL ? { awsEndpointUrl: raw.AWS_ENDPOINT_URL } : {}),
    awsRateLimits: parseRateLimits(raw.AWS_RATE_LIMITS),
    awsRateLimitMaxWaitMs: raw.AWS_RATE_LIMIT_MAX_WAIT_MS,
    driftScheduleMaxEntries: raw.DRIFT_SCHEDULE_MAX_ENTRIES,
    specCacheMaxEntries: raw.SPEC_CACHE_MAX_ENTRIES,
    answerMemoMaxBytes: raw.ANSWER_MEMO_MAX_BYTES,
    hooks,
  };
}
