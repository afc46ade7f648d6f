import t from 'tap';
import { type HooksConfig } from '../../../../hooks/core/config.js';
import { TerminalError } from '../../../../hooks/core/errors.js';
import { issuerKey, trustPolicy } from '../../../../hooks/role/trust.js';
import { OIDC_ISSUER as ISSUER, OIDC_ARN, iamConfig as config, thrown } from '../../../helpers/iam.js';

t.test('trust policy generation', async (t) => {
  const cases: [Partial<HooksConfig>, string, string, string][] = [
    [{ oidcProviderArn: OIDC_ARN, oidcIssuer: ISSUER }, 'default', 'fff', ISSUER],
    [{ oidcProviderArn: OIDC_ARN, oidcIssuer: `https://${ISSUER}/` }, 'shop', 'api', ISSUER],
    [{ oidcProviderArn: OIDC_ARN }, 'shop', 'api', ISSUER],
  ];
  for (const [cfg, ns, sa, issuer] of cases) {
    const trust = trustPolicy(cfg, ns, sa);
    t.same(
      trust,
      {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Federated: OIDC_ARN },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: { StringEquals: { [`${issuer}:sub`]: `system:serviceaccount:${ns}:${sa}`, [`${issuer}:aud`]: 'sts.amazonaws.com' } },
          },
        ],
      },
      `${JSON.stringify(cfg)} ${ns}/${sa}`,
    );
  }
  t.equal(issuerKey({}), undefined);
  const notConfigured = thrown(() => trustPolicy({}, 'default', 'fff'));
  t.ok(notConfigured instanceof TerminalError);
  t.equal(notConfigured?.reason, 'NotConfigured');
  t.match(notConfigured?.message, /OIDC_PROVIDER_ARN/);
  t.equal(thrown(() => trustPolicy({ oidcIssuer: ISSUER }, 'default', 'fff'))?.reason, 'NotConfigured', 'an issuer without the provider ARN is not enough');
  for (const [ns, sa] of [
    ['default', 'a:b'],
    ['default', 'a/b'],
    ['a:b', 'x'],
    ['', 'x'],
    ['default', ''],
  ]) {
    t.equal(thrown(() => trustPolicy(config, ns!, sa!))?.reason, 'InvalidSpec', `service account "${ns}/${sa}" refused`);
  }
});
