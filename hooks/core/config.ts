import type { NameAllowEntry } from './name-scope.js';

/**
 * The configuration the reconcile logic reads. Loaded and validated from the environment by
 * `server/config.ts`; kept here as plain data so that hooks/ never imports the server.
 */
export interface HooksConfig {
  /** Value of the `awshooks.dev/cluster` owner tag: tells clusters sharing an account apart. */
  clusterName: string;
  /** Prefix of every AWS name we derive; the service's IAM policy is scoped to it. */
  namePrefix: string;
  /**
   * When set, the drift-check interval of every kind not named in {@link driftCheckIntervals}
   * (DRIFT_CHECK_INTERVAL_SECONDS); otherwise each kind's own default applies.
   */
  driftCheckIntervalSeconds?: number;
  /** Drift-check intervals by lower-cased kind name (DRIFT_CHECK_INTERVALS), over everything else. */
  driftCheckIntervals?: Record<string, number>;
  /**
   * Volatile status values (a queue's message counts) are rewritten at most this often, and only
   * when they changed (VOLATILE_STATUS_INTERVAL_SECONDS).
   */
  volatileStatusIntervalSeconds?: number;
  /** Region for global services (IAM, STS). */
  defaultRegion: string;
  /** AWS account ID; when unset it is read once with sts:GetCallerIdentity and cached. */
  accountId?: string;
  /** ARN of the cluster's EKS OIDC provider, the Federated principal of every Role's trust policy. */
  oidcProviderArn?: string;
  /** The OIDC issuer host and path (no scheme), as used in trust policy condition keys. */
  oidcIssuer?: string;
  /** Permissions boundary set on every role we create. */
  permissionsBoundaryArn?: string;
  /** Glob patterns (`*` matches any run of characters) of managed policy ARNs Roles may attach. */
  allowedManagedPolicyArns: string[];
  /**
   * ALLOWED_AWS_NAMES: names and ARNs objects of some namespaces may use beyond their own
   * namespace's names (custom names, adoption, dead-letter targets, other namespaces' policies).
   * Empty by default: every namespace keeps to its own names.
   */
  allowedAwsNames: NameAllowEntry[];
  /**
   * Glob patterns (`*` matches any run of characters) of SNS topic ARNs outside the namespace's
   * own names that Subscriptions may use (`spec.topicArn`). Unset or empty: none.
   */
  allowedSnsTopicArns?: string[];
  /**
   * Glob patterns of SQS queue ARNs outside the namespace's own names that Subscriptions may
   * name as their dead-letter queue (`spec.deadLetter.targetArn`). Unset or empty: none.
   */
  allowedSqsQueueArns?: string[];
  /**
   * RDS_RESTORE_ALLOWED_SNAPSHOTS: glob patterns of DB snapshot identifiers any DBInstance may
   * restore from beyond its own namespace's snapshots (`spec.restoreFrom.snapshotIdentifier`).
   * Unset or empty: none.
   */
  rdsRestoreAllowedSnapshots?: string[];
  /** Default DB subnet group for DBInstances. */
  rdsDefaultSubnetGroup?: string;
  /** Default VPC security groups for DBInstances. */
  rdsDefaultSecurityGroupIds: string[];
  /**
   * Maps instance endpoints to where we actually connect (tests, local runs, tunnels):
   * `{"<endpoint host>": "host:port"}`, `"*"` matching any endpoint.
   */
  rdsEndpointMap: Record<string, string>;
  /** Timeout of in-database connections. */
  dbConnectTimeoutMs: number;
  /**
   * TLS of in-database connections: `verify-full` (encrypt, verify the certificate against
   * `dbTlsCa` and the instance endpoint's name), `require` (encrypt, no verification), `disable`.
   */
  dbTls: 'disable' | 'require' | 'verify-full';
  /** PEM CA bundle for `verify-full` (the RDS global bundle). */
  dbTlsCa?: string;
  /**
   * Every sync and finalize call answers within this many seconds, whatever AWS or a database
   * does (DESIGN.md §3.7); keep it under Metacontroller's webhook timeout (10 s by default).
   * 0 turns the deadline off. Defaults to {@link DEFAULT_HOOK_DEADLINE_SECONDS}.
   */
  hookDeadlineSeconds?: number;
}

/** The default hook deadline: well under Metacontroller's 10-second webhook timeout. */
export const DEFAULT_HOOK_DEADLINE_SECONDS = 8;

/** Defaults for every optional setting; tests start from these. */
export const DEFAULT_HOOKS_CONFIG: HooksConfig = {
  clusterName: 'default',
  namePrefix: 'awshooks',
  driftCheckIntervals: {},
  volatileStatusIntervalSeconds: 60,
  defaultRegion: 'us-east-1',
  allowedManagedPolicyArns: [],
  allowedAwsNames: [],
  rdsDefaultSecurityGroupIds: [],
  rdsEndpointMap: {},
  dbConnectTimeoutMs: 5000,
  dbTls: 'require',
  hookDeadlineSeconds: DEFAULT_HOOK_DEADLINE_SECONDS,
};
