import t from 'tap';
import { globMatches, iamPath, isAllowedManagedPolicy, policyArn, policyNameFor, roleNameFor } from '../../../../hooks/iam-common/names.js';
import { iamConfig as config } from '../../../helpers/iam.js';

t.test('IAM names: <prefix>-<namespace token>-<name>, within IAM limits, hash-suffixed when cut', async (t) => {
  t.equal(policyNameFor('awshooks', 'default', 'ddd'), 'awshooks-default-ddd');
  t.equal(roleNameFor('awshooks', 'default', 'fff'), 'awshooks-default-fff');
  t.equal(iamPath('awshooks'), '/awshooks/');
  t.equal(policyArn('aws', '123456789012', '/awshooks/', 'awshooks-default-ddd'), 'arn:aws:iam::123456789012:policy/awshooks/awshooks-default-ddd');
  const ns = 'a-rather-long-namespace-name';
  const long = 'a-very-long-role-name-that-goes-on-and-on-beyond-sixty-four-characters';
  const role = roleNameFor('awshooks', ns, long);
  t.ok(role.length <= 64 && role.length >= 60, `role names are cut to 64 (${role.length})`);
  t.match(role, /^awshooks-a_rather_long_namespace_name-a-very-long-[a-z-]*-[0-9a-f]{8}$/);
  t.not(roleNameFor('awshooks', ns, `${long}-x`), role, 'names sharing a long beginning still differ');
  t.equal(roleNameFor('awshooks', ns, long), role, 'deterministic');
  const policy = policyNameFor('awshooks', ns, long.repeat(3));
  t.ok(policy.length <= 128 && policy.length >= 124, `policy names are cut to 128 (${policy.length})`);
  t.match(policy, /-[0-9a-f]{8}$/, 'with a hash suffix');
  t.equal(policyNameFor('awshooks', ns, long), `awshooks-${ns.replace(/-/g, '_')}-${long}`, 'a 128-character budget keeps it whole');
  t.match(roleNameFor('awshooks', 'ns', 'a.b'), /^awshooks-ns-a\.b$/, 'dots are valid in IAM names');
});

t.test('managed policy allow-list globs', async (t) => {
  const cases: [string, string, boolean][] = [
    ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::aws:policy/ReadOnlyAccess', true],
    ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::aws:policy/ReadOnlyAccessX', false],
    ['arn:aws:iam::aws:policy/ReadOnly*', 'arn:aws:iam::aws:policy/ReadOnlyAccess', true],
    ['arn:aws:iam::123456789012:policy/shared/*', 'arn:aws:iam::123456789012:policy/shared/team/x', true],
    ['arn:aws:iam::123456789012:policy/shared/*', 'arn:aws:iam::123456789012:policy/other', false],
    ['arn:aws:iam::*:policy/x', 'arn:aws:iam::123456789012:policy/x', true],
    ['arn:aws:iam::aws:policy/Read.nly', 'arn:aws:iam::aws:policy/ReadOnly', false],
    ['arn:aws:iam::aws:policy/(x)+', 'arn:aws:iam::aws:policy/(x)+', true],
  ];
  for (const [pattern, arn, want] of cases) t.equal(globMatches(pattern, arn), want, `${pattern} ~ ${arn}`);
  t.equal(isAllowedManagedPolicy('arn:aws:iam::aws:policy/AdministratorAccess', []), false, 'an empty list allows nothing');
  t.equal(isAllowedManagedPolicy('arn:aws:iam::aws:policy/AdministratorAccess', config.allowedManagedPolicyArns), false);
  t.equal(isAllowedManagedPolicy('arn:aws:iam::aws:policy/ReadOnlyAccess', config.allowedManagedPolicyArns), true);
});
