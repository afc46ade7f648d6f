/**
 * The service's configuration (server/config.ts): every setting read and typed, bad values refused
 * at start naming the variable; ALLOWED_AWS_NAMES, off by default and validated at start (issue 8
 * §1); drift intervals and AWS call budgets (issue 10); AWS_REGION with AWS_DEFAULT_REGION as the
 * fallback (issue 11); the SNS kinds' settings.
 */
import t from 'tap';
import { ConfigError, loadConfig, parseAllowedAwsNames, parseEndpointMap, parseDriftIntervals, parseRateLimits } from '../../../server/config.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { driftIntervalSecondsOf, DEFAULT_DRIFT_CHECK_SECONDS, type AnyKind } from '../../../hooks/core/kind.js';
import { KINDS } from '../../../hooks/registry.js';
import { DEFAULT_HOOKS_CONFIG } from '../../../hooks/core/config.js';

const env = { HOOK_AUTH_DISABLED: 'true' };

const dir = mkdtempSync(join(tmpdir(), 'awshooks-config-'));

const tokenFile = join(dir, 'token');

writeFileSync(tokenFile, 'first-token-0123456789\nsecond-token-0123456789\n');

const kind = (singular: string) => KINDS.find((k) => k.names.singular === singular)!;

const base = { HOOK_AUTH_DISABLED: 'true' };

t.test('ALLOWED_AWS_NAMES is empty by default: every namespace keeps to its own names', async (t) => {
  t.same(loadConfig(env).hooks.allowedAwsNames, []);
});

t.test('ALLOWED_AWS_NAMES entries: <namespace>=<name or ARN pattern>', async (t) => {
  const c = loadConfig({ ...env, ALLOWED_AWS_NAMES: 'team-a=awshooks-team-a-*, *=arn:aws:sqs:*:*:central-dlq\nops=awshooks-shared' });
  t.same(c.hooks.allowedAwsNames, [
    { namespace: 'team-a', pattern: 'awshooks-team-a-*' },
    { namespace: '*', pattern: 'arn:aws:sqs:*:*:central-dlq' },
    { namespace: 'ops', pattern: 'awshooks-shared' },
  ]);
  for (const bad of ['awshooks-x', '=x', 'team-a=', 'Team_A=x', 'team-a=*', '*=arn:*']) {
    t.throws(() => parseAllowedAwsNames(bad), ConfigError, bad);
    t.throws(() => loadConfig({ ...env, ALLOWED_AWS_NAMES: bad }), { message: /ALLOWED_AWS_NAMES/ }, `${bad}: the message names the variable`);
  }
});

t.test('defaults with a token file', async (t) => {
  const c = loadConfig({ HOOK_TOKEN_FILE: tokenFile });
  t.equal(c.port, 8080);
  t.equal(c.metricsPort, 9090);
  t.equal(c.authDisabled, false);
  t.same(c.hookTokens, ['first-token-0123456789', 'second-token-0123456789'], 'one token per line (rotation without downtime)');
  t.equal(c.bodyLimitBytes, 16 * 1024 * 1024, "body limit raised above fastify's 1 MiB");
  t.equal(c.hooks.driftCheckIntervalSeconds, undefined, "each kind's own drift-check interval unless set");
  t.equal(c.hooks.namePrefix, 'awshooks');
  t.equal(c.hooks.clusterName, 'default');
  t.equal(c.tls, undefined);
  t.equal(c.hooks.dbTls, 'require', 'in-database connections are encrypted by default');
});

t.test('every setting is read and typed', async (t) => {
  const c = loadConfig({
    HOOK_TOKEN_FILE: tokenFile,
    PORT: '8443',
    METRICS_PORT: '9443',
    DRIFT_CHECK_INTERVAL_SECONDS: '120',
    NAME_PREFIX: 'teama',
    CLUSTER_NAME: 'prod-eu',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:5055',
    AWS_REGION: 'eu-west-1',
    AWS_ACCOUNT_ID: '111122223333',
    OIDC_PROVIDER_ARN: 'arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC',
    PERMISSIONS_BOUNDARY_ARN: 'arn:aws:iam::111122223333:policy/boundary',
    ALLOWED_MANAGED_POLICY_ARNS: 'arn:aws:iam::aws:policy/ReadOnlyAccess, arn:aws:iam::111122223333:policy/shared/*',
    RDS_DEFAULT_SUBNET_GROUP: 'db-subnets',
    RDS_DEFAULT_SECURITY_GROUP_IDS: 'sg-1,sg-2',
    RDS_ENDPOINT_MAP: '*=127.0.0.1:55432',
    DB_CONNECT_TIMEOUT_MS: '2000',
    MAX_CONCURRENT_HOOKS: '8',
  });
  t.equal(c.port, 8443);
  t.equal(c.hooks.driftCheckIntervalSeconds, 120);
  t.equal(c.hooks.oidcIssuer, 'oidc.eks.eu-west-1.amazonaws.com/id/ABC', 'issuer derived from the provider ARN');
  t.same(c.hooks.allowedManagedPolicyArns, ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::111122223333:policy/shared/*']);
  t.same(c.hooks.rdsDefaultSecurityGroupIds, ['sg-1', 'sg-2']);
  t.same(c.hooks.rdsEndpointMap, { '*': '127.0.0.1:55432' });
  t.equal(c.hooks.dbConnectTimeoutMs, 2000);
  t.equal(c.maxConcurrentHooks, 8);
  t.equal(c.awsEndpointUrl, 'http://127.0.0.1:5055');
});

t.test('bad configuration fails at start with a message naming the variable', async (t) => {
  const cases: [Record<string, string>, RegExp][] = [
    [{}, /HOOK_TOKEN_FILE is required/],
    [{ HOOK_TOKEN_FILE: join(dir, 'missing') }, /HOOK_TOKEN_FILE: cannot read/],
    [{ HOOK_TOKEN_FILE: tokenFile, PORT: 'eighty' }, /PORT/],
    [{ HOOK_TOKEN_FILE: tokenFile, DRIFT_CHECK_INTERVAL_SECONDS: '1' }, /DRIFT_CHECK_INTERVAL_SECONDS/],
    [{ HOOK_TOKEN_FILE: tokenFile, NAME_PREFIX: 'Bad_Prefix' }, /NAME_PREFIX/],
    [{ HOOK_TOKEN_FILE: tokenFile, AWS_ACCOUNT_ID: '12' }, /AWS_ACCOUNT_ID/],
    [{ HOOK_TOKEN_FILE: tokenFile, TLS_CERT_FILE: '/x' }, /TLS_CERT_FILE and TLS_KEY_FILE must be set together/],
    [{ HOOK_TOKEN_FILE: tokenFile, TLS_CERT_FILE: '/nope', TLS_KEY_FILE: '/nope' }, /TLS_CERT_FILE/],
    [{ HOOK_TOKEN_FILE: tokenFile, RDS_ENDPOINT_MAP: 'db.example.com' }, /RDS_ENDPOINT_MAP/],
    [{ HOOK_TOKEN_FILE: tokenFile, LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ HOOK_TOKEN_FILE: tokenFile, DB_TLS: 'verify-full' }, /DB_TLS=verify-full needs DB_TLS_CA_FILE/],
    [{ HOOK_TOKEN_FILE: tokenFile, DB_TLS: 'verify-full', DB_TLS_CA_FILE: '/nope' }, /DB_TLS_CA_FILE/],
    [{ HOOK_TOKEN_FILE: tokenFile, DB_TLS: 'maybe' }, /DB_TLS/],
  ];
  for (const [env, message] of cases) t.throws(() => loadConfig(env), { name: 'ConfigError', message }, JSON.stringify(env));
  const short = join(dir, 'short');
  writeFileSync(short, 'abc\n');
  t.throws(() => loadConfig({ HOOK_TOKEN_FILE: short }), { message: /at least 16 characters/ });
});

t.test('auth is off only when explicitly disabled', async (t) => {
  t.equal(loadConfig({ HOOK_AUTH_DISABLED: 'true' }).authDisabled, true);
  t.same(loadConfig({ HOOK_AUTH_DISABLED: 'true' }).hookTokens, []);
});

t.test('RDS endpoint map', async (t) => {
  t.same(parseEndpointMap(''), {});
  t.same(parseEndpointMap('a.rds.amazonaws.com=127.0.0.1:5432, *=localhost:3306'), { 'a.rds.amazonaws.com': '127.0.0.1:5432', '*': 'localhost:3306' });
});

t.test('per-kind defaults, DRIFT_CHECK_INTERVAL_SECONDS for all, DRIFT_CHECK_INTERVALS per kind', async (t) => {
  const c = DEFAULT_HOOKS_CONFIG;
  t.equal(driftIntervalSecondsOf(kind('queue'), c), 30, 'seed 000');
  t.equal(driftIntervalSecondsOf(kind('policy'), c), 600);
  t.equal(driftIntervalSecondsOf(kind('role'), c), 600);
  t.equal(driftIntervalSecondsOf(kind('dbinstance'), c), 300);
  const bare = { ...kind('queue'), driftCheckIntervalSeconds: undefined } as AnyKind;
  t.equal(driftIntervalSecondsOf(bare, c), DEFAULT_DRIFT_CHECK_SECONDS, 'a kind that sets none');
  const all = { ...c, driftCheckIntervalSeconds: 120, driftCheckIntervals: { role: 3600 } };
  t.equal(driftIntervalSecondsOf(kind('queue'), all), 120);
  t.equal(driftIntervalSecondsOf(kind('role'), all), 3600);
});

t.test('DRIFT_CHECK_INTERVALS', async (t) => {
  t.same(parseDriftIntervals('Queue=60, role=1800'), { queue: 60, role: 1800 });
  t.same(parseDriftIntervals(''), {});
  t.throws(() => parseDriftIntervals('widget=60'), ConfigError, 'unknown kind');
  t.throws(() => parseDriftIntervals('queue=1'), /5 to 86400/);
  t.throws(() => parseDriftIntervals('queue'), ConfigError);
});

t.test('AWS_RATE_LIMITS', async (t) => {
  t.same(parseRateLimits('sqs=50, iam=2.5/5,*=10'), {
    sqs: { ratePerSecond: 50, burst: 100 },
    iam: { ratePerSecond: 2.5, burst: 5 },
    '*': { ratePerSecond: 10, burst: 20 },
  });
  t.throws(() => parseRateLimits('sqs=0'), ConfigError);
  t.throws(() => parseRateLimits('sqs'), ConfigError);
  t.throws(() => parseRateLimits('SQS=5'), ConfigError);
});

t.test('loadConfig: defaults and errors name the variable', async (t) => {
  const base = { HOOK_AUTH_DISABLED: 'true' };
  const c = loadConfig(base);
  t.equal(c.hooks.driftCheckIntervalSeconds, undefined);
  t.same(c.hooks.driftCheckIntervals, {});
  t.equal(c.hooks.volatileStatusIntervalSeconds, 60);
  t.same(c.awsRateLimits, {});
  t.equal(c.awsRateLimitMaxWaitMs, 1000);
  t.equal(c.driftScheduleMaxEntries, 200000);
  const d = loadConfig({
    ...base,
    DRIFT_CHECK_INTERVALS: 'queue=45',
    AWS_RATE_LIMITS: 'iam=3',
    VOLATILE_STATUS_INTERVAL_SECONDS: '300',
    ANSWER_MEMO_MAX_BYTES: '0',
  });
  t.same(d.hooks.driftCheckIntervals, { queue: 45 });
  t.same(d.awsRateLimits, { iam: { ratePerSecond: 3, burst: 6 } });
  t.equal(d.answerMemoMaxBytes, 0);
  t.throws(() => loadConfig({ ...base, AWS_RATE_LIMIT_MAX_WAIT_MS: '60000' }), /AWS_RATE_LIMIT_MAX_WAIT_MS/);
  t.throws(() => loadConfig({ ...base, DRIFT_CHECK_INTERVALS: 'nope=5' }), /DRIFT_CHECK_INTERVALS/);
});

t.test('the region of the global services: AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1', async (t) => {
  t.equal(loadConfig({ ...base, AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'ap-south-1' }).hooks.defaultRegion, 'eu-west-1', 'AWS_REGION wins');
  t.equal(loadConfig({ ...base, AWS_DEFAULT_REGION: 'ap-south-1' }).hooks.defaultRegion, 'ap-south-1', 'AWS_DEFAULT_REGION when AWS_REGION is unset');
  t.equal(loadConfig({ ...base }).hooks.defaultRegion, 'us-east-1', 'us-east-1 when neither is set');
  t.equal(loadConfig({ ...base, AWS_REGION: 'us-gov-west-1' }).hooks.defaultRegion, 'us-gov-west-1', 'partitions with longer names');
});

t.test('a malformed region stops the service with a message naming the variable', async (t) => {
  t.throws(() => loadConfig({ ...base, AWS_REGION: 'Europe' }), { name: 'ConfigError', message: /AWS_REGION/ });
  t.throws(() => loadConfig({ ...base, AWS_DEFAULT_REGION: 'eu west 1' }), { name: 'ConfigError', message: /AWS_DEFAULT_REGION/ });
});

t.test('ALLOWED_SNS_TOPIC_ARNS and ALLOWED_SQS_QUEUE_ARNS: lists of ARN patterns, empty by default', async (t) => {
  const none = loadConfig({ HOOK_AUTH_DISABLED: 'true' });
  t.same(none.hooks.allowedSnsTopicArns, [], 'nothing outside a namespace unless the administrator says so');
  t.same(none.hooks.allowedSqsQueueArns, []);
  const c = loadConfig({
    HOOK_AUTH_DISABLED: 'true',
    ALLOWED_SNS_TOPIC_ARNS: 'arn:aws:sns:*:111122223333:platform-*, arn:aws:sns:eu-west-1:444455556666:audit',
    ALLOWED_SQS_QUEUE_ARNS: 'arn:aws:sqs:eu-west-1:111122223333:shared-dlq',
  });
  t.same(c.hooks.allowedSnsTopicArns, ['arn:aws:sns:*:111122223333:platform-*', 'arn:aws:sns:eu-west-1:444455556666:audit']);
  t.same(c.hooks.allowedSqsQueueArns, ['arn:aws:sqs:eu-west-1:111122223333:shared-dlq']);
});
