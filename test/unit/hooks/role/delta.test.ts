import t from 'tap';
import { parsePolicyDocument } from '../../../../hooks/shared/policy-document.js';
import { roleDelta, type RoleObserved } from '../../../../hooks/role/delta.js';
import { desiredRole, type RoleDesired } from '../../../../hooks/role/desired.js';
import { OIDC_ARN, iamConfig as config, policyDoc as doc, roleInput } from '../../../helpers/iam.js';

t.test('Role delta', async (t) => {
  const desired: RoleDesired = {
    ...desiredRole(
      roleInput(
        {
          managedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
          inlinePolicies: { a: doc('s3:GetObject'), b: doc('sqs:SendMessage') },
          tags: { team: 'data' },
          description: 'for fff',
        },
        {},
        { ...config, permissionsBoundaryArn: 'arn:aws:iam::123456789012:policy/boundary' },
      ),
    ),
  };
  const applied = { managedTagKeys: ['team'], inlinePolicyHashes: { ...desired.inlinePolicyHashes } };
  const base: RoleObserved = {
    arn: 'arn:aws:iam::123456789012:role/awshooks/awshooks-default-fff',
    roleName: 'awshooks-default-fff',
    path: '/awshooks/',
    // As IAM returns it: URL-encoded, the condition values as strings in another key order.
    trustPolicy: parsePolicyDocument(encodeURIComponent(JSON.stringify(desired.trustPolicy))),
    maxSessionDuration: 3600,
    description: 'for fff',
    permissionsBoundaryArn: 'arn:aws:iam::123456789012:policy/boundary',
    tags: { ...desired.ownerTags, team: 'data', foreign: 'x' },
    attachedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    inlinePolicyNames: ['a', 'b'],
  };
  const cases: [string, Partial<RoleObserved>, typeof applied | undefined, Partial<ReturnType<typeof roleDelta>>][] = [
    ['converged', {}, applied, { paths: [] }],
    [
      'trust widened by hand',
      { trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: OIDC_ARN }, Action: 'sts:AssumeRoleWithWebIdentity' }] } },
      applied,
      { paths: ['trustPolicy'], trustPolicy: true },
    ],
    ['session duration', { maxSessionDuration: 7200 }, applied, { paths: ['maxSessionDuration/description'], roleSettings: true }],
    ['description', { description: 'other' }, applied, { paths: ['maxSessionDuration/description'], roleSettings: true }],
    ['boundary removed', { permissionsBoundaryArn: undefined }, applied, { paths: ['permissionsBoundary'], permissionsBoundary: true }],
    [
      'boundary replaced',
      { permissionsBoundaryArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
      applied,
      { paths: ['permissionsBoundary'], permissionsBoundary: true },
    ],
    [
      'managed: one missing, one extra',
      { attachedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'] },
      applied,
      {
        paths: ['managedPolicies'],
        policiesToAttach: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
        policiesToDetach: ['arn:aws:iam::aws:policy/AdministratorAccess'],
      },
    ],
    [
      'inline: one missing, one extra',
      { inlinePolicyNames: ['a', 'sneaky'] },
      applied,
      { paths: ['inlinePolicies'], inlineToPut: ['b'], inlineToDelete: ['sneaky'] },
    ],
    [
      'inline: a spec change (hash differs)',
      {},
      { ...applied, inlinePolicyHashes: { ...applied.inlinePolicyHashes, b: 'old' } },
      { paths: ['inlinePolicies'], inlineToPut: ['b'], inlineToDelete: [] },
    ],
    ['inline: no status (adopted, or status lost): written once', {}, undefined, { inlineToPut: ['a', 'b'] }],
    ['tags', { tags: { ...desired.ownerTags, foreign: 'x' } }, applied, { paths: ['tags'], tagsToAdd: { team: 'data' }, tagsToRemove: [] }],
  ];
  for (const [name, patch, previous, want] of cases) t.match(roleDelta(desired, { ...base, ...patch }, previous), want, name);
  const noBoundary = { ...desired, permissionsBoundaryArn: undefined };
  t.same(
    roleDelta(noBoundary, { ...base, permissionsBoundaryArn: 'arn:aws:iam::aws:policy/x' }, applied).paths,
    [],
    'a boundary is never removed, only put back when configured',
  );
  const finalizing = { ...desired, trustPolicy: undefined };
  t.equal(roleDelta(finalizing, { ...base, trustPolicy: undefined }, applied).trustPolicy, false, 'no trust policy to compare while finalizing');
});
