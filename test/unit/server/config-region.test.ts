/** AWS_REGION, with AWS_DEFAULT_REGION as the fallback (issue 11: credentials beyond IRSA). */
import t from 'tap';
import { loadConfig } from '../../../server/config.js';

const base = { HOOK_AUTH_DISABLED: 'true' };

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
