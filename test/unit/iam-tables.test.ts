/** Tables for the IAM kinds' pure code: names, allow-list, trust, documents, versions, deltas, desired. */
import t from 'tap';
import { DEFAULT_HOOKS_CONFIG, type HooksConfig } from '../../hooks/core/config.js';
import { InvalidSpecError, TerminalError, WaitError } from '../../hooks/core/errors.js';
import { hashOf } from '../../hooks/core/hash.js';
import type { DesiredInput } from '../../hooks/core/kind.js';
import { ownerTags } from '../../hooks/core/ownership.js';
import { parsePolicyDocument, samePolicyDocument } from '../../hooks/shared/policy-document.js';
import { validateSpec } from '../../hooks/core/spec-validation.js';
import type { ObjectMap, Owner, Parent } from '../../hooks/core/types.js';
import { globMatches, iamPath, isAllowedManagedPolicy, policyArn, policyNameFor, roleNameFor } from '../../hooks/iam-common/names.js';
import { tagsFromList, tagsToList } from '../../hooks/shared/tags.js';
import { planDetach } from '../../hooks/policy/attachments.js';
import { policyDelta, type PolicyObserved } from '../../hooks/policy/delta.js';
import { desiredPolicy } from '../../hooks/policy/desired.js';
import { policyStatus } from '../../hooks/policy/status.js';
import { versionsToDeleteBeforePolicy, versionToPrune, type PolicyVersionInfo } from '../../hooks/policy/versions.js';
import { roleDelta, type RoleObserved } from '../../hooks/role/delta.js';
import { attachedArnsFor, desiredRole, POLICY_RELATED_KEY, type RoleDesired } from '../../hooks/role/desired.js';
import { roleChildren, roleStatus } from '../../hooks/role/status.js';
import { issuerKey, trustPolicy } from '../../hooks/role/trust.js';
import { roleKind } from '../../hooks/role/index.js';
import { PolicySpecSchema, type PolicySpec, type PolicyStatus } from '../../schemas/policy.js';
import { RoleSpecSchema, type RoleSpec, type RoleStatus } from '../../schemas/role.js';

const ISSUER = 'oidc.eks.eu-west-1.amazonaws.com/id/ABC123';
const OIDC_ARN = `arn:aws:iam::123456789012:oidc-provider/${ISSUER}`;
const config: HooksConfig = {
  ...DEFAULT_HOOKS_CONFIG,
  oidcProviderArn: OIDC_ARN,
  oidcIssuer: ISSUER,
  allowedManagedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::123456789012:policy/shared/*'],
};
const doc = (action: string | string[] = 's3:GetObject', resource: string | string[] = '*') => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: action, Resource: resource }],
});

/** Catch what a function throws (tap's t.throws typing does not take our error fields). */
function thrown(fn: () => unknown): (Error & { reason?: string }) | undefined {
  try {
    fn();
  } catch (err) {
    return err as Error & { reason?: string };
  }
  return undefined;
}

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

t.test('tags as IAM lists and back', async (t) => {
  t.same(
    tagsToList({ b: '2', a: '1' }),
    [
      { Key: 'a', Value: '1' },
      { Key: 'b', Value: '2' },
    ],
    'sorted',
  );
  t.same(
    tagsFromList([
      { Key: 'a', Value: '1' },
      { Key: 'b', Value: undefined },
      { Key: undefined, Value: 'x' },
    ]),
    { a: '1', b: '' },
  );
  t.same(tagsFromList(undefined), {});
});

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

t.test('IAM documents compared by meaning (what IAM returns vs what we sent)', async (t) => {
  const sent = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'A',
        Effect: 'Allow',
        Action: ['s3:GetObject'],
        Resource: ['arn:aws:s3:::b/*', 'arn:aws:s3:::b'],
        Condition: { Bool: { 'aws:SecureTransport': true } },
      },
      { Effect: 'Deny', NotAction: 's3:*', Resource: '*' },
    ],
  };
  const cases: [string, unknown, boolean][] = [
    ['identical', sent, true],
    ['URL-encoded, as IAM returns it', parsePolicyDocument(encodeURIComponent(JSON.stringify(sent))), true],
    [
      'statement order, key order, string vs one-element list, bool vs "true"',
      {
        Statement: [
          { Resource: '*', NotAction: ['s3:*'], Effect: 'Deny' },
          {
            Condition: { Bool: { 'aws:SecureTransport': 'true' } },
            Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'],
            Action: 's3:GetObject',
            Effect: 'Allow',
            Sid: 'A',
          },
        ],
        Version: '2012-10-17',
      },
      true,
    ],
    ['duplicate actions', { ...sent, Statement: [{ ...sent.Statement[0], Action: ['s3:GetObject', 's3:GetObject'] }, sent.Statement[1]] }, true],
    ['an action more', { ...sent, Statement: [{ ...sent.Statement[0], Action: ['s3:GetObject', 's3:PutObject'] }, sent.Statement[1]] }, false],
    ['Allow vs Deny', { ...sent, Statement: [sent.Statement[0], { ...sent.Statement[1], Effect: 'Allow' }] }, false],
    ['a statement less', { ...sent, Statement: [sent.Statement[0]] }, false],
    [
      'another condition value',
      { ...sent, Statement: [{ ...sent.Statement[0], Condition: { Bool: { 'aws:SecureTransport': false } } }, sent.Statement[1]] },
      false,
    ],
    ['nothing read back', undefined, false],
  ];
  for (const [name, observed, same] of cases) t.equal(samePolicyDocument(sent, observed), same, name);
});

t.test('version to prune before a new one: oldest non-default, never the default', async (t) => {
  const v = (id: string, day: number, isDefault = false): PolicyVersionInfo => ({ versionId: id, isDefault, createDate: new Date(Date.UTC(2026, 0, day)) });
  const cases: [string, PolicyVersionInfo[], string | undefined][] = [
    ['room left', [v('v1', 1, true)], undefined],
    ['four versions: room left', [v('v1', 1), v('v2', 2), v('v3', 3), v('v4', 4, true)], undefined],
    ['five, the newest is default', [v('v1', 1), v('v2', 2), v('v3', 3), v('v4', 4), v('v5', 5, true)], 'v1'],
    ['five, the OLDEST is default (seed 002 would delete it)', [v('v1', 1, true), v('v2', 2), v('v3', 3), v('v4', 4), v('v5', 5)], 'v2'],
    ['five, listed out of order', [v('v5', 5), v('v3', 3, true), v('v4', 4), v('v2', 2), v('v6', 6)], 'v2'],
    ['same date: by version number, not by string', [v('v10', 1), v('v9', 1), v('v11', 1, true), v('v12', 1), v('v13', 1)], 'v9'],
    [
      'no dates: by version number',
      [
        { versionId: 'v7', isDefault: false },
        { versionId: 'v3', isDefault: false },
        { versionId: 'v1', isDefault: true },
        { versionId: 'v4', isDefault: false },
        { versionId: 'v5', isDefault: false },
      ],
      'v3',
    ],
    ['all default (impossible): nothing to delete', [v('v1', 1, true), v('v2', 2, true), v('v3', 3, true), v('v4', 4, true), v('v5', 5, true)], undefined],
  ];
  for (const [name, versions, want] of cases) t.equal(versionToPrune(versions), want, name);
  t.same(versionsToDeleteBeforePolicy([v('v10', 1), v('v2', 2, true), v('v9', 3)]), ['v9', 'v10'], 'every non-default version, before DeletePolicy');
});

t.test('finalize plan: detach from our roles only; anything else blocks and is named', async (t) => {
  const ours = { 'awshooks.dev/cluster': 'default', 'awshooks.dev/kind': 'Role', 'awshooks.dev/namespace': 'default', 'awshooks.dev/name': 'fff' };
  const cases: [string, Parameters<typeof planDetach>[0], ReturnType<typeof planDetach>][] = [
    ['nothing attached', { roles: [], users: [], groups: [] }, { detachFromRoles: [], blockers: [] }],
    [
      'our roles',
      {
        roles: [
          { roleName: 'r2', tags: ours },
          { roleName: 'r1', tags: ours },
        ],
        users: [],
        groups: [],
      },
      { detachFromRoles: ['r1', 'r2'], blockers: [] },
    ],
    [
      "another cluster's role",
      { roles: [{ roleName: 'r1', tags: { ...ours, 'awshooks.dev/cluster': 'prod' } }], users: [], groups: [] },
      { detachFromRoles: [], blockers: ['role r1'] },
    ],
    [
      'an untagged role, a user, a group',
      {
        roles: [
          { roleName: 'legacy', tags: {} },
          { roleName: 'mine', tags: ours },
        ],
        users: ['alice'],
        groups: ['ops'],
      },
      { detachFromRoles: ['mine'], blockers: ['role legacy', 'user alice', 'group ops'] },
    ],
    [
      'a Queue-tagged role is not a Role of ours',
      { roles: [{ roleName: 'q', tags: { ...ours, 'awshooks.dev/kind': 'Queue' } }], users: [], groups: [] },
      { detachFromRoles: [], blockers: ['role q'] },
    ],
  ];
  for (const [name, input, want] of cases) t.same(planDetach(input, 'default'), want, name);
});

// ---------------------------------------------------------------------------------- Policy

const policyOwner: Owner = { cluster: 'default', namespace: 'default', name: 'ddd', uid: 'uid-ddd', kind: 'Policy' };
function policyInput(spec: Record<string, unknown>): DesiredInput<PolicySpec, PolicyStatus> {
  const full = validateSpec<PolicySpec>(PolicySpecSchema, spec);
  const parent = {
    apiVersion: 'iam.awshooks.dev/v1alpha1',
    kind: 'Policy',
    metadata: { name: 'ddd', namespace: 'default', uid: 'uid-ddd' },
    spec: full,
  } as Parent<PolicySpec, PolicyStatus>;
  return { parent, spec: full, children: {}, related: {}, config, owner: policyOwner, finalizing: false, now: new Date() };
}

t.test('Policy desired state and semantic validation', async (t) => {
  const d = desiredPolicy(policyInput({ document: { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }, tags: { team: 'data' } }));
  t.equal(d.policyName, 'awshooks-default-ddd');
  t.equal(d.path, '/awshooks/');
  t.equal(d.document.Version, '2012-10-17', 'Version defaults');
  t.same(d.tags, { team: 'data' });
  t.same(d.ownerTags, ownerTags(policyOwner));
  t.equal(d.deletionPolicy, 'Delete');
  const invalid: [Record<string, unknown>, RegExp][] = [
    [{ document: { Statement: [{ Effect: 'Allow', Resource: '*' }] } }, /Statement\[0\]: set exactly one of Action and NotAction/],
    [{ document: { Statement: [{ Effect: 'Allow', Action: 'a', NotAction: 'b', Resource: '*' }] } }, /exactly one of Action and NotAction/],
    [{ document: { Statement: [{ Effect: 'Allow', Action: 's3:*' }] } }, /exactly one of Resource and NotResource/],
    [
      {
        document: {
          Statement: [
            { Sid: 'A', Effect: 'Allow', Action: 'a', Resource: '*' },
            { Sid: 'A', Effect: 'Deny', Action: 'b', Resource: '*' },
          ],
        },
      },
      /Sid: "A" is used by another statement/,
    ],
    [
      { document: { Statement: [{ Effect: 'Allow', Action: Array.from({ length: 190 }, (_, i) => `s3:SomeFairlyLongActionName${i}`), Resource: '*' }] } },
      /IAM allows 6144/,
    ],
    [{ document: doc(), tags: { 'awshooks.dev/name': 'x' } }, /reserved/],
    [{ document: doc(), description: 'snowman ☃' }, /printable ASCII/],
  ];
  for (const [spec, message] of invalid) {
    const err = thrown(() => desiredPolicy(policyInput(spec)));
    t.ok(err instanceof InvalidSpecError, JSON.stringify(spec).slice(0, 80));
    t.match(err?.message, message);
  }
});

t.test('Policy delta', async (t) => {
  const desired = desiredPolicy(policyInput({ document: doc(['s3:GetObject', 's3:ListBucket']), tags: { team: 'data' } }));
  const base: PolicyObserved = {
    arn: 'arn:aws:iam::123456789012:policy/awshooks/awshooks-default-ddd',
    policyName: 'awshooks-default-ddd',
    path: '/awshooks/',
    defaultVersionId: 'v1',
    attachmentCount: 0,
    document: parsePolicyDocument(encodeURIComponent(JSON.stringify(doc(['s3:ListBucket', 's3:GetObject'])))),
    tags: { ...desired.ownerTags, team: 'data', foreign: 'x' },
  };
  const cases: [string, Partial<PolicyObserved>, string[], string[], Record<string, string>, string[]][] = [
    ['converged (URL-encoded, reordered, a foreign tag)', {}, [], [], {}, []],
    ['document drift', { document: doc('s3:*') }, ['document'], [], {}, []],
    ['unreadable document', { document: undefined }, ['document'], [], {}, []],
    ['a tag removed by hand', { tags: { ...desired.ownerTags } }, ['tags'], [], { team: 'data' }, []],
    [
      'an owner tag changed by hand',
      { tags: { ...desired.ownerTags, team: 'data', 'awshooks.dev/uid': 'x' } },
      ['tags'],
      [],
      { 'awshooks.dev/uid': 'uid-ddd' },
      [],
    ],
    ['a tag we set before, removed from spec', { tags: { ...desired.ownerTags, team: 'data', old: '1' } }, ['tags'], ['old'], {}, ['old']],
  ];
  for (const [name, patch, paths, managedBefore, add, remove] of cases) {
    const d = policyDelta(desired, { ...base, ...patch }, ['team', ...managedBefore]);
    t.same(d.paths, paths, `${name}: paths`);
    t.same(d.tagsToAdd, add, `${name}: tags to add`);
    t.same(d.tagsToRemove, remove, `${name}: tags to remove`);
  }
  t.same(policyStatus(desired, base), {
    arn: base.arn,
    policyName: base.policyName,
    path: '/awshooks/',
    defaultVersionId: 'v1',
    attachmentCount: 0,
    managedTagKeys: ['team'],
  });
});

// ------------------------------------------------------------------------------------ Role

const roleOwner: Owner = { cluster: 'default', namespace: 'default', name: 'fff', uid: 'uid-fff', kind: 'Role' };
const readyPolicy = (name: string, namespace = 'default', status: Record<string, unknown> = {}) => ({
  apiVersion: 'iam.awshooks.dev/v1alpha1',
  kind: 'Policy',
  metadata: { name, namespace },
  spec: {},
  status: {
    arn: `arn:aws:iam::123456789012:policy/awshooks/awshooks-${namespace}-${name}`,
    conditions: [{ type: 'Ready', status: 'True', reason: 'Available', message: 'Policy is ready', lastTransitionTime: '2026-01-01T00:00:00Z' }],
    ...status,
  },
});
const related = (...policies: ReturnType<typeof readyPolicy>[]): ObjectMap => ({
  [POLICY_RELATED_KEY]: Object.fromEntries(policies.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p])),
});
function roleInput(spec: Record<string, unknown>, rel: ObjectMap = {}, cfg: HooksConfig = config, finalizing = false): DesiredInput<RoleSpec, RoleStatus> {
  const full = validateSpec<RoleSpec>(RoleSpecSchema, spec);
  const parent = {
    apiVersion: 'iam.awshooks.dev/v1alpha1',
    kind: 'Role',
    metadata: { name: 'fff', namespace: 'default', uid: 'uid-fff' },
    spec: full,
  } as Parent<RoleSpec, RoleStatus>;
  return { parent, spec: full, children: {}, related: rel, config: cfg, owner: roleOwner, finalizing, now: new Date() };
}

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

t.test("Role customize asks only for its own namespace's Policies", async (t) => {
  const parent = {
    apiVersion: 'iam.awshooks.dev/v1alpha1',
    kind: 'Role',
    metadata: { name: 'fff', namespace: 'team-a' },
    spec: { policies: ['ddd', 'eee', 'ddd'] },
  } as unknown as Parent<RoleSpec, RoleStatus>;
  const sa = { apiVersion: 'v1', resource: 'serviceaccounts', namespace: 'team-a', names: ['fff'] };
  t.same(roleKind.customize!(parent, config), [
    { apiVersion: 'iam.awshooks.dev/v1alpha1', resource: 'policies', namespace: 'team-a', names: ['ddd', 'eee'] },
    sa,
  ]);
  t.same(roleKind.customize!({ ...parent, spec: { ...parent.spec, policies: [] } }, config), [sa]);
});

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

t.test('Role status and ServiceAccount child', async (t) => {
  const desired = desiredRole(roleInput({ inlinePolicies: { a: doc(), b: doc('sqs:*') }, tags: { team: 'x' } }));
  const observed: RoleObserved = {
    arn: 'arn:aws:iam::123456789012:role/awshooks/awshooks-default-fff',
    roleName: 'awshooks-default-fff',
    path: '/awshooks/',
    trustPolicy: desired.trustPolicy,
    maxSessionDuration: 3600,
    tags: {},
    attachedPolicyArns: ['b', 'a'],
    inlinePolicyNames: ['b', 'a'],
  };
  const status = roleStatus(desired, observed);
  t.same(status, {
    roleArn: observed.arn,
    roleName: 'awshooks-default-fff',
    attachedPolicyArns: ['a', 'b'],
    inlinePolicyNames: ['a', 'b'],
    inlinePolicyHashes: desired.inlinePolicyHashes,
    serviceAccountName: 'fff',
    serviceAccountAnnotation: `eks.amazonaws.com/role-arn: ${observed.arn}`,
    managedTagKeys: ['team'],
  });
  t.same(
    Object.keys(roleStatus(desired, { ...observed, inlinePolicyNames: ['a'] }).inlinePolicyHashes ?? {}),
    ['a'],
    'only hashes of documents present on the role',
  );

  const parent = { apiVersion: 'iam.awshooks.dev/v1alpha1', kind: 'Role', metadata: { name: 'fff', namespace: 'default' }, spec: {} } as Parent<
    RoleSpec,
    RoleStatus
  >;
  const children = (spec: RoleSpec | undefined, st: RoleStatus, rawSpec: unknown = spec ?? {}) =>
    roleChildren({ parent: { ...parent, spec: rawSpec as RoleSpec }, spec, status: st, desired: undefined, children: {}, config, now: new Date() });
  const spec = validateSpec<RoleSpec>(RoleSpecSchema, {});
  t.same(children(spec, {}), [], 'no ServiceAccount before the ARN is known');
  t.same(children(spec, status), [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: 'fff',
        labels: { 'app.kubernetes.io/managed-by': 'awshooks', 'awshooks.dev/owner-kind': 'Role', 'awshooks.dev/owner-name': 'fff' },
        annotations: { 'eks.amazonaws.com/role-arn': observed.arn },
      },
    },
  ]);
  t.same(children(validateSpec<RoleSpec>(RoleSpecSchema, { serviceAccount: { manage: false } }), status), [], 'manage: false → no child');
  t.equal(children(undefined, status, { serviceAccount: 'garbage' })[0]?.metadata.name, 'fff', 'an invalid spec never makes children throw');
  t.same(children(undefined, status, { serviceAccount: { manage: false } }), [], 'an invalid spec that says manage: false');
  t.same(children(undefined, status, null), children(spec, status), 'no spec at all');
});
