/** ALLOWED_AWS_NAMES: off by default, validated at start (issue 8 §1). */
import t from 'tap';
import { ConfigError, loadConfig, parseAllowedAwsNames } from '../../../server/config.js';

const env = { HOOK_AUTH_DISABLED: 'true' };

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
