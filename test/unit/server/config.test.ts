/** ALLOWED_AWS_NAMES: off by default, validated at start (issue 8 §1). */
import t from 'tap';
import { ConfigError, loadConfig, parseAllowedAwsNames, parseEndpointMap } from '../../../server/config.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const env = { HOOK_AUTH_DISABLED: 'true' };

const dir = mkdtempSync(join(tmpdir(), 'awshooks-config-'));

const tokenFile = join(dir, 'token');

writeFileSync(tokenFile, 'first-token-0123456789\nsecond-token-0123456789\n');

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
