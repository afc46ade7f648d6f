/**
 * The IAM kinds through fastify.inject: isolation (another namespace's Policy, managed ARNs
 * outside the allow-list), configuration, dependency waiting and recovery, the converged answer
 * with its ServiceAccount, customize. AWS is unreachable here: every case that must not call AWS
 * proves it with the call counter.
 */
import t from 'tap';
import { DEFAULT_HOOKS_CONFIG, type HooksConfig } from '../../hooks/core/config.js';
import { hashOf } from '../../hooks/core/hash.js';
import { validateSpec } from '../../hooks/core/spec-validation.js';
import type { KubeObject, ObjectMap, Parent, SyncResponse } from '../../hooks/core/types.js';
import { roleKind } from '../../hooks/role/index.js';
import { RoleSpecSchema, type RoleSpec } from '../../schemas/role.js';
import { TEST_TOKEN, testApp } from '../helpers/app.js';

const ISSUER = 'oidc.eks.eu-west-1.amazonaws.com/id/ABC123';
const hooks: Partial<HooksConfig> = {
  oidcProviderArn: `arn:aws:iam::123456789012:oidc-provider/${ISSUER}`,
  oidcIssuer: ISSUER,
  accountId: '123456789012',
  allowedManagedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
};
/** AWS at a closed port: a call fails at once (and is counted). */
const unreachable = { awsEndpointUrl: 'http://127.0.0.1:9' };
const SA_KEY = 'ServiceAccount.v1';
const POLICY_KEY = 'Policy.iam.awshooks.dev/v1alpha1';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/awshooks/awshooks-team-a-fff';

const role = (spec: Record<string, unknown>, status?: Record<string, unknown>): Parent => ({
  apiVersion: 'iam.awshooks.dev/v1alpha1',
  kind: 'Role',
  metadata: { name: 'fff', namespace: 'team-a', uid: 'uid-fff', generation: 1 },
  spec,
  ...(status ? { status } : {}),
});
const policyObj = (namespace: string, name: string, readyStatus: 'True' | 'False' = 'True'): KubeObject => ({
  apiVersion: 'iam.awshooks.dev/v1alpha1',
  kind: 'Policy',
  metadata: { name, namespace },
  spec: { document: { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] } },
  status: {
    ...(readyStatus === 'True' ? { arn: `arn:aws:iam::123456789012:policy/awshooks/awshooks-${namespace}-${name}` } : {}),
    conditions: [
      {
        type: 'Ready',
        status: readyStatus,
        reason: readyStatus === 'True' ? 'Available' : 'Creating',
        message: '',
        lastTransitionTime: '2026-11-22T09:00:00.000Z',
      },
    ],
  },
});
const related = (...objs: KubeObject[]): ObjectMap => ({
  [POLICY_KEY]: Object.fromEntries(objs.map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o])),
});
const observedSa = {
  [SA_KEY]: {
    'team-a/fff': {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'fff', namespace: 'team-a', uid: 'sa-uid', annotations: { 'eks.amazonaws.com/role-arn': ROLE_ARN } },
    } as KubeObject,
  },
};
const ready = (a: SyncResponse) =>
  (a.status.conditions as { type: string; status: string; reason: string; message: string }[]).find((c) => c.type === 'Ready')!;
const converged = (extra: Record<string, unknown> = {}) => ({
  roleArn: ROLE_ARN,
  roleName: 'awshooks-team-a-fff',
  serviceAccountName: 'fff',
  lastSyncTime: '2026-11-22T09:59:50.000Z',
  conditions: [
    { type: 'Ready', status: 'True', reason: 'Available', message: 'Role is ready', lastTransitionTime: '2026-11-22T09:00:00.000Z' },
    { type: 'Synced', status: 'True', reason: 'Synced', message: 'AWS matches the spec', lastTransitionTime: '2026-11-22T09:00:00.000Z' },
  ],
  ...extra,
});

t.test('isolation: a managed ARN outside the allow-list is InvalidSpec, with no AWS call, children kept', async (t) => {
  const app = await testApp(hooks, unreachable);
  t.teardown(() => app.close());
  const answer = await app.sync('roles', {
    parent: role({ managedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'] }, converged()),
    children: observedSa,
    related: {},
  });
  t.equal(ready(answer).reason, 'InvalidSpec');
  t.match(ready(answer).message, /spec\.managedPolicyArns\[0\]: "arn:aws:iam::aws:policy\/AdministratorAccess" is not allowed/);
  t.equal(await app.awsCalls(), 0, 'no AWS call');
  t.equal(answer.children.length, 1, 'the ServiceAccount is kept');
  t.equal(answer.children[0]!.metadata.annotations?.['eks.amazonaws.com/role-arn'], ROLE_ARN);
});

t.test("isolation: another namespace's Policy is never used", async (t) => {
  const app = await testApp(hooks, unreachable);
  t.teardown(() => app.close());
  // Metacontroller would never send it (customize asks for team-a only), but if `related` held
  // a Ready Policy "ddd" of namespace team-b, the Role still waits for team-a/ddd.
  const waiting = await app.sync('roles', { parent: role({ policies: ['ddd'] }), children: { [SA_KEY]: {} }, related: related(policyObj('team-b', 'ddd')) });
  t.equal(ready(waiting).reason, 'DependencyNotReady');
  t.match(ready(waiting).message, /Policy "ddd" in namespace "team-a"/);
  // Naming the other namespace explicitly is invalid.
  const invalid = await app.sync('roles', {
    parent: role({ policies: ['team-b/ddd'] }),
    children: { [SA_KEY]: {} },
    related: related(policyObj('team-b', 'ddd')),
  });
  t.equal(ready(invalid).reason, 'InvalidSpec');
  t.match(ready(invalid).message, /spec\.policies\[0\]: "team-b\/ddd" names another namespace; a Role may only use Policies of its own namespace "team-a"/);
  t.equal(await app.awsCalls(), 0, 'no AWS call');
  t.same(waiting.children, [], 'no ServiceAccount before the role exists');
});

t.test("customize asks for the Role's own namespace only", async (t) => {
  const app = await testApp(hooks, unreachable);
  t.teardown(() => app.close());
  const call = async (spec: Record<string, unknown>) => {
    const res = await app.hooks.inject({
      method: 'POST',
      url: '/hooks/roles/customize',
      headers: { authorization: `Bearer ${TEST_TOKEN}` },
      payload: { controller: {}, parent: role(spec) },
    });
    t.equal(res.statusCode, 200);
    return res.json<{ relatedResources: unknown[] }>();
  };
  const sa = (name: string) => ({ apiVersion: 'v1', resource: 'serviceaccounts', namespace: 'team-a', names: [name] });
  t.same((await call({ policies: ['ddd', 'eee'] })).relatedResources, [
    { apiVersion: 'iam.awshooks.dev/v1alpha1', resource: 'policies', namespace: 'team-a', names: ['ddd', 'eee'] },
    sa('fff'),
  ]);
  t.same((await call({})).relatedResources, [sa('fff')], 'the ServiceAccount name (child collision check)');
  t.same((await call({ serviceAccount: { manage: false } })).relatedResources, [], 'an unmanaged ServiceAccount is not ours to check');
  t.same((await call({ maxSessionDuration: 'long' })).relatedResources, [], 'an invalid spec relates nothing');
  const policies = await app.hooks.inject({
    method: 'POST',
    url: '/hooks/policies/customize',
    headers: { authorization: `Bearer ${TEST_TOKEN}` },
    payload: { controller: {}, parent: { apiVersion: 'iam.awshooks.dev/v1alpha1', kind: 'Policy', metadata: { name: 'p', namespace: 'team-a' }, spec: {} } },
  });
  t.same(policies.json(), { relatedResources: [] });
});

t.test('NotConfigured: no OIDC provider → a clear terminal condition, no AWS call', async (t) => {
  const app = await testApp({ ...hooks, oidcProviderArn: undefined, oidcIssuer: undefined }, unreachable);
  t.teardown(() => app.close());
  const answer = await app.sync('roles', { parent: role({}), children: { [SA_KEY]: {} } });
  t.equal(ready(answer).reason, 'NotConfigured');
  t.match(ready(answer).message, /OIDC_PROVIDER_ARN/);
  t.equal(await app.awsCalls(), 0);
});

t.test('dependency: waits while the Policy is not Ready, then proceeds by itself', async (t) => {
  const app = await testApp(hooks, unreachable);
  t.teardown(() => app.close());
  const parent = role({ policies: ['ddd'] });
  const waiting = await app.sync('roles', { parent, children: { [SA_KEY]: {} }, related: related(policyObj('team-a', 'ddd', 'False')) });
  t.equal(ready(waiting).reason, 'DependencyNotReady');
  t.match(ready(waiting).message, /waiting for Policy "ddd" to be Ready \(it is Creating/);
  t.equal(waiting.resyncAfterSeconds, 15, 'looks again soon (and any change to the Policy re-triggers sync)');
  t.equal(await app.awsCalls(), 0);
  // The Policy turns Ready: the same Role goes on to AWS (unreachable here → a recoverable error).
  const next = await app.sync('roles', {
    parent: { ...parent, status: waiting.status },
    children: { [SA_KEY]: {} },
    related: related(policyObj('team-a', 'ddd')),
  });
  t.not(ready(next).reason, 'DependencyNotReady', 'no stuck state');
  t.ok((await app.awsCalls()) > 0, 'AWS was called once the dependency was Ready');
});

t.test('a converged Role answers from status: zero AWS calls, ServiceAccount annotated', async (t) => {
  const app = await testApp(hooks, unreachable);
  t.teardown(() => app.close());
  const specIn = { policies: ['ddd'] };
  const spec = validateSpec<RoleSpec>(RoleSpecSchema, specIn);
  const parent = role(specIn);
  const desired = roleKind.desired({
    parent: parent as never,
    spec,
    children: {},
    related: related(policyObj('team-a', 'ddd')),
    config: { ...DEFAULT_HOOKS_CONFIG, ...hooks },
    owner: { cluster: 'default', namespace: 'team-a', name: 'fff', uid: 'uid-fff', kind: 'Role' },
    finalizing: false,
    now: new Date(),
  });
  const answer = await app.sync('roles', {
    parent: role(specIn, converged({ inputHash: hashOf(desired) })),
    children: observedSa,
    related: related(policyObj('team-a', 'ddd')),
  });
  t.equal(await app.awsCalls(), 0, '0 AWS calls');
  t.equal(ready(answer).status, 'True');
  t.same(answer.children, [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: 'fff',
        labels: { 'app.kubernetes.io/managed-by': 'awshooks', 'awshooks.dev/owner-kind': 'Role', 'awshooks.dev/owner-name': 'fff' },
        annotations: { 'eks.amazonaws.com/role-arn': ROLE_ARN },
      },
    },
  ]);
  t.ok(answer.resyncAfterSeconds! > 0 && answer.resyncAfterSeconds! <= 30);
});

t.test('finalize of a Role still waiting checks AWS: a partly created role is never left behind', async (t) => {
  const app = await testApp(hooks, unreachable);
  t.teardown(() => app.close());
  const answer = await app.sync('roles', { parent: role({ policies: ['ddd'] }), children: { [SA_KEY]: {} }, related: {} }, 'finalize');
  t.equal(answer.finalized, false, 'AWS unreachable: not finalized on a guess');
  t.not(ready(answer).reason, 'DependencyNotReady', 'the missing Policy does not block the deletion');
  t.ok((await app.awsCalls()) > 0);
});

t.test('Policy: invalid document → InvalidSpec without AWS; wrong parent kind → 400', async (t) => {
  const app = await testApp(hooks, unreachable);
  t.teardown(() => app.close());
  const parent = {
    apiVersion: 'iam.awshooks.dev/v1alpha1',
    kind: 'Policy',
    metadata: { name: 'ddd', namespace: 'team-a', uid: 'u' },
    spec: { document: { Statement: [{ Effect: 'Allow', Action: 's3:*' }] } },
  } as Parent;
  const answer = await app.sync('policies', { parent });
  t.equal(ready(answer).reason, 'InvalidSpec');
  t.match(ready(answer).message, /spec\.document\.Statement\[0\]: set exactly one of Resource and NotResource/);
  t.equal(await app.awsCalls(), 0);
  const wrong = await app.hooks.inject({
    method: 'POST',
    url: '/hooks/policies/sync',
    headers: { authorization: `Bearer ${TEST_TOKEN}` },
    payload: { controller: {}, parent: role({}), children: {} },
  });
  t.equal(wrong.statusCode, 400);
});
