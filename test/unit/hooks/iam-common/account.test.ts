import t from 'tap';
import { DEFAULT_HOOKS_CONFIG, type HooksConfig } from '../../../../hooks/core/config.js';
import { accountInfo, resetAccountCache } from '../../../../hooks/iam-common/account.js';
import { ACCOUNT, fakeIamConfig as config, FakeIam } from '../../../helpers/fake-iam.js';

t.test('account ID: from configuration, else one cached sts:GetCallerIdentity per process', async (t) => {
  const fake = new FakeIam();
  const ctx = (cfg: HooksConfig) => ({ config: cfg, aws: fake.clients() });
  t.same(await accountInfo(ctx({ ...config, accountId: '111122223333' })), { accountId: '111122223333', partition: 'aws' });
  t.equal(fake.stsCalls, 0, 'configured: no call');
  t.same(
    await accountInfo(ctx({ ...config, accountId: '111122223333', oidcProviderArn: 'arn:aws-cn:iam::111122223333:oidc-provider/x' })),
    { accountId: '111122223333', partition: 'aws-cn' },
    'partition from the configured ARNs',
  );
  resetAccountCache();
  const noId = { ...DEFAULT_HOOKS_CONFIG };
  fake.stsFails = 1;
  await t.rejects(accountInfo(ctx(noId)), { name: 'ThrottlingException' });
  t.same(await accountInfo(ctx(noId)), { accountId: ACCOUNT, partition: 'aws' }, 'a failure is not cached');
  t.same(await accountInfo(ctx(noId)), { accountId: ACCOUNT, partition: 'aws' });
  await Promise.all([accountInfo(ctx(noId)), accountInfo(ctx(noId))]);
  t.equal(fake.stsCalls, 2, 'one failed call, then one call for every later lookup');
  resetAccountCache();
});
