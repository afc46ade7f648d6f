import t from 'tap';
import { type HooksConfig } from '../../../../hooks/core/config.js';
import { WaitError } from '../../../../hooks/core/errors.js';
import { hashOf } from '../../../../hooks/core/hash.js';
import type { ObjectMap } from '../../../../hooks/core/types.js';
import { desiredPolicy } from '../../../../hooks/policy/desired.js';
import { attachedArnsFor, desiredRole } from '../../../../hooks/role/desired.js';
import {
  OIDC_ISSUER as ISSUER,
  iamConfig as config,
  policyDoc as doc,
  thrown,
  policyInput,
  readyPolicy,
  relatedPolicies as related,
  roleInput,
} from '../../../helpers/iam.js';

t.test('Role desired state', async (t) => {
  const d = desiredRole(
    roleInput(
      { policies: ['ddd'], managedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'], inlinePolicies: { send: doc('sqs:SendMessage') } },
      related(readyPolicy('ddd')),
    ),
  );
  t.equal(d.roleName, 'awshooks-default-fff');
  t.equal(d.path, '/awshooks/');
  t.equal(d.serviceAccountName, 'fff', 'defaults to the Role name');
  t.equal(d.manageServiceAccount, true, 'serviceAccount.manage defaults to true');
  t.equal(d.maxSessionDuration, 3600);
  t.same(d.managedPolicyArns, ['arn:aws:iam::aws:policy/ReadOnlyAccess']);
  t.same(d.policyRefs, [{ ref: 'ddd', policyName: 'awshooks-default-ddd', verifyOwner: false }], 'the Policy by its derived name, never its status ARN');
  t.same(attachedArnsFor(d, 'arn:aws:iam::123456789012:role/awshooks/awshooks-default-fff'), [
    'arn:aws:iam::123456789012:policy/awshooks/awshooks-default-ddd',
    'arn:aws:iam::aws:policy/ReadOnlyAccess',
  ]);
  t.same(d.inlinePolicyHashes, { send: hashOf(doc('sqs:SendMessage')) });
  t.match(d.trustPolicy, { Statement: [{ Condition: { StringEquals: { [`${ISSUER}:sub`]: 'system:serviceaccount:default:fff' } } }] });
  t.equal(d.permissionsBoundaryArn, undefined);
  const bounded = desiredRole(
    roleInput(
      { serviceAccountName: 'api', serviceAccount: { manage: false } },
      {},
      { ...config, permissionsBoundaryArn: 'arn:aws:iam::123456789012:policy/boundary' },
    ),
  );
  t.equal(bounded.permissionsBoundaryArn, 'arn:aws:iam::123456789012:policy/boundary');
  t.equal(bounded.serviceAccountName, 'api');
  t.equal(bounded.manageServiceAccount, false);
  t.match(bounded.trustPolicy, { Statement: [{ Condition: { StringEquals: { [`${ISSUER}:sub`]: 'system:serviceaccount:default:api' } } }] });
});

t.test('Role: isolation, allow-list, configuration and dependencies', async (t) => {
  const cases: [string, Record<string, unknown>, ObjectMap, HooksConfig, string, RegExp][] = [
    [
      'a managed ARN outside the allow-list',
      { managedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'] },
      {},
      config,
      'InvalidSpec',
      /spec\.managedPolicyArns\[0\]: "arn:aws:iam::aws:policy\/AdministratorAccess" is not allowed/,
    ],
    [
      'any managed ARN with an empty allow-list',
      { managedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] },
      {},
      { ...config, allowedManagedPolicyArns: [] },
      'InvalidSpec',
      /ALLOWED_MANAGED_POLICY_ARNS is empty/,
    ],
    [
      'a Policy named with another namespace',
      { policies: ['other/ddd'] },
      related(readyPolicy('ddd', 'other')),
      config,
      'InvalidSpec',
      /names another namespace; a Role may only use Policies of its own namespace "default"/,
    ],
    [
      'a Policy of another namespace in related is never used',
      { policies: ['ddd'] },
      related(readyPolicy('ddd', 'other')),
      config,
      'DependencyNotReady',
      /Policy "ddd" in namespace "default" to exist/,
    ],
    ['a missing Policy', { policies: ['ddd'] }, {}, config, 'DependencyNotReady', /to exist/],
    [
      'a Policy not Ready yet',
      { policies: ['ddd'] },
      related(
        readyPolicy('ddd', 'default', { conditions: [{ type: 'Ready', status: 'False', reason: 'InvalidSpec', message: 'bad', lastTransitionTime: 'x' }] }),
      ),
      config,
      'DependencyNotReady',
      /to be Ready \(it is InvalidSpec: bad\)/,
    ],
    ['a Policy without an ARN', { policies: ['ddd'] }, related(readyPolicy('ddd', 'default', { arn: undefined })), config, 'DependencyNotReady', /to be Ready/],
    ['no OIDC provider configured', {}, {}, { ...config, oidcProviderArn: undefined, oidcIssuer: undefined }, 'NotConfigured', /OIDC_PROVIDER_ARN/],
    ['a bad inline policy name', { inlinePolicies: { 'no spaces': doc() } }, {}, config, 'InvalidSpec', /"no spaces" is not a valid policy name/],
    [
      'a bad inline document',
      { inlinePolicies: { x: { Statement: [{ Effect: 'Allow', Action: 'a' }] } } },
      {},
      config,
      'InvalidSpec',
      /spec\.inlinePolicies\.x\.Statement\[0\]: set exactly one of Resource/,
    ],
    [
      'inline policies too large together',
      {
        inlinePolicies: Object.fromEntries(
          Array.from({ length: 3 }, (_, i) => [`p${i}`, doc(Array.from({ length: 120 }, (_, j) => `s3:AnActionNameThatIsLong${j}`))]),
        ),
      },
      {},
      config,
      'InvalidSpec',
      /together \d+ characters; IAM allows 10240/,
    ],
    ['reserved tag keys', { tags: { 'awshooks.dev/cluster': 'x' } }, {}, config, 'InvalidSpec', /reserved/],
  ];
  for (const [name, spec, rel, cfg, reason, message] of cases) {
    const err = thrown(() => desiredRole(roleInput(spec, rel, cfg)));
    t.equal(err?.reason, reason, `${name}: reason`);
    t.match(err?.message, message, `${name}: message`);
    if (reason === 'DependencyNotReady') t.ok(err instanceof WaitError, `${name}: a wait, not a terminal error`);
  }
  const deleting = { ...readyPolicy('ddd'), metadata: { name: 'ddd', namespace: 'default', deletionTimestamp: '2026-01-01T00:00:00Z' } };
  t.equal(
    thrown(() => desiredRole(roleInput({ policies: ['ddd'] }, related(deleting as ReturnType<typeof readyPolicy>))))?.reason,
    'DependencyNotReady',
    'a Policy being deleted is not used',
  );
  // While finalizing a role that may exist, neither dependencies, references nor configuration
  // may block the deletion.
  const finalizing = (spec: Record<string, unknown>, cfg: HooksConfig, roleArn?: string) => {
    const input = roleInput(spec, {}, cfg, true);
    if (roleArn) input.parent.status = { roleArn };
    return input;
  };
  const arn = 'arn:aws:iam::123456789012:role/awshooks/awshooks-default-fff';
  for (const [name, spec, cfg] of [
    ['missing Policy', { policies: ['ddd'] }, config],
    ['ARN outside the allow-list', { managedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'] }, config],
    ['no OIDC configuration', {}, { ...config, oidcProviderArn: undefined }],
  ] as [string, Record<string, unknown>, HooksConfig][]) {
    const fin = desiredRole(finalizing(spec, cfg, arn));
    t.equal(fin.roleName, 'awshooks-default-fff', `finalizing, ${name}: the name`);
    t.same(fin.managedPolicyArns, [], `finalizing, ${name}: nothing to attach`);
  }
  // Without a role in status too: CreateRole may have succeeded before an attachment failed.
  for (const spec of [{ policies: ['ddd'] }, { managedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'] }, { tags: { 'awshooks.dev/x': 'y' } }]) {
    t.equal(desiredRole(finalizing(spec, config)).roleName, 'awshooks-default-fff', `finalizing without status, ${JSON.stringify(spec)}: AWS is checked`);
  }
  t.equal(desiredRole(finalizing({}, { ...config, oidcProviderArn: undefined })).trustPolicy, undefined);
  // A converged Policy whose spec became invalid can still be deleted.
  const policyFin = policyInput({ document: { Statement: [{ Effect: 'Allow', Resource: '*' }] }, tags: { 'awshooks.dev/x': 'y' } });
  t.equal(thrown(() => desiredPolicy({ ...policyFin, finalizing: true }))?.reason, 'InvalidSpec', 'never created: the core finalizes without AWS');
  policyFin.parent.status = { arn: 'arn:aws:iam::123456789012:policy/awshooks/awshooks-default-ddd' };
  t.equal(desiredPolicy({ ...policyFin, finalizing: true }).policyName, 'awshooks-default-ddd', 'created: deletion goes on');
});

t.test("Role: a related Policy is used only when its own metadata names the Role's namespace", async (t) => {
  // Keyed under the Role's namespace, but the object itself is another namespace's (a forged or
  // mis-keyed related map): never attached; the Role waits as if the Policy did not exist.
  const foreign = readyPolicy('ddd', 'team-b');
  const misKeyed = { 'Policy.iam.awshooks.dev/v1alpha1': { 'default/ddd': foreign } };
  t.throws(() => desiredRole(roleInput({ policies: ['ddd'] }, misKeyed)), {
    reason: 'DependencyNotReady',
    message: /waiting for Policy "ddd" in namespace "default"/,
  });
  // Without a namespace in its metadata (as some related maps carry it), the key decides.
  const { namespace: _ns, ...metadata } = readyPolicy('ddd').metadata;
  const unnamespaced = { ...readyPolicy('ddd'), metadata };
  const d = desiredRole(roleInput({ policies: ['ddd'] }, { 'Policy.iam.awshooks.dev/v1alpha1': { 'default/ddd': unnamespaced } }));
  t.same(
    d.policyRefs.map((p) => p.policyName),
    ['awshooks-default-ddd'],
  );
  // Another namespace's key is never looked at.
  t.throws(() => desiredRole(roleInput({ policies: ['ddd'] }, related(readyPolicy('ddd', 'team-b')))), {
    reason: 'DependencyNotReady',
    message: /team-b|default/,
  });
});
