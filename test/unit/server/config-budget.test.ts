/** Configuration of drift intervals and AWS call budgets (issue 10). */
import t from 'tap';
import { ConfigError, loadConfig, parseDriftIntervals, parseRateLimits } from '../../../server/config.js';
import { driftIntervalSecondsOf, DEFAULT_DRIFT_CHECK_SECONDS, type AnyKind } from '../../../hooks/core/kind.js';
import { KINDS } from '../../../hooks/registry.js';
import { DEFAULT_HOOKS_CONFIG } from '../../../hooks/core/config.js';

const kind = (singular: string) => KINDS.find((k) => k.names.singular === singular)!;

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
