/**
 * Tenant isolation for Roles and Policies against moto (issue 8 §1): a Role attaches only its
 * own namespace's Policies (derived ARNs, never a related Policy's status), the managed-policy
 * allow-list cannot hand out another namespace's Policy, derived names never collide across
 * namespaces, and policies and roles created before the namespace token keep their names.
 */
import t from 'tap';
import { CreatePolicyCommand, CreateRoleCommand, IAMClient, ListAttachedRolePoliciesCommand, ListPoliciesCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import { motoEndpoint, resetMoto } from '../../helpers/moto.js';
import { s3Read } from '../../helpers/iam.js';
import { applyAnswer, testApp, type TestApp } from '../../helpers/app.js';
import { ownerTags } from '../../../hooks/core/ownership.js';
import type { KubeObject, ObjectMap, Parent, SyncResponse } from '../../../hooks/core/types.js';

const iam = new IAMClient({ region: 'us-east-1', endpoint: motoEndpoint() });
const ISSUER = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const config = { oidcProviderArn: `arn:aws:iam::123456789012:oidc-provider/${ISSUER}`, oidcIssuer: ISSUER };
const SA = 'ServiceAccount.v1';
const POLICY_KEY = 'Policy.iam.awshooks.dev/v1alpha1';
const admin = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

const parent = (kind: 'Policy' | 'Role', namespace: string, name: string, spec: Record<string, unknown>): Parent => ({
  apiVersion: 'iam.awshooks.dev/v1alpha1',
  kind,
  metadata: { name, namespace, uid: `uid-${namespace}-${name}`, generation: 1 },
  spec,
});
const ready = (a: SyncResponse) =>
  (a.status.conditions as { type: string; status: string; reason: string; message: string }[]).find((c) => c.type === 'Ready')!;
const related = (namespace: string, ...policies: Parent[]): ObjectMap => ({
  [POLICY_KEY]: Object.fromEntries(policies.map((p) => [`${namespace}/${p.metadata.name}`, p as KubeObject])),
});
const attached = async (roleName: string) =>
  ((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }))).AttachedPolicies ?? []).map((p) => p.PolicyArn!).sort();
const policyNames = async () => ((await iam.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies ?? []).map((p) => p.PolicyName!).sort();
const roleNames = async () => ((await iam.send(new ListRolesCommand({}))).Roles ?? []).map((r) => r.RoleName!).sort();

async function policy(app: TestApp, namespace: string, name: string): Promise<Parent> {
  const p = parent('Policy', namespace, name, { document: s3Read });
  return applyAnswer(p, await app.sync('policies', { parent: p })).parent;
}

t.beforeEach(async () => {
  await resetMoto();
});
t.teardown(() => {
  iam.destroy();
});

t.test("a Role never attaches what a related Policy's status.arn says", async (t) => {
  const app = await testApp(config);
  t.teardown(() => app.close());
  const evil = (await iam.send(new CreatePolicyCommand({ PolicyName: 'EvilAdmin', PolicyDocument: JSON.stringify(admin) }))).Policy!.Arn!;
  const ddd = await policy(app, 'default', 'ddd');
  const ownArn = (ddd.status as { arn: string }).arn;
  // Whoever may write policies/status rewrites it: a Ready Policy "ddd" whose ARN is an admin policy.
  const forged = { ...ddd, status: { ...(ddd.status as object), arn: evil } } as Parent;
  const answer = await app.sync('roles', {
    parent: parent('Role', 'default', 'fff', { policies: ['ddd'] }),
    children: { [SA]: {} },
    related: related('default', forged),
  });
  t.equal(ready(answer).status, 'True', ready(answer).message);
  t.same(await attached(answer.status.roleName as string), [ownArn], 'the derived ARN of Policy ddd, not the status ARN');
  t.notOk((answer.status.attachedPolicyArns as string[]).includes(evil));

  // Status forged before the Policy exists in IAM: nothing is attached, and the Role says why.
  const ghost = { ...forged, metadata: { ...forged.metadata, name: 'ghost' } } as Parent;
  const none = await app.sync('roles', {
    parent: parent('Role', 'default', 'ggg', { policies: ['ghost'] }),
    children: { [SA]: {} },
    related: related('default', ghost),
  });
  t.equal(ready(none).status, 'False');
  t.same(await attached('awshooks-default-ggg'), []);
});

t.test("the managed-policy allow-list never hands a namespace another namespace's Policy", async (t) => {
  const app = await testApp({ ...config, allowedManagedPolicyArns: ['arn:aws:iam::*:policy/awshooks/*'] });
  t.teardown(() => app.close());
  const teamB = await policy(app, 'team-b', 'secrets');
  const teamBArn = (teamB.status as { arn: string }).arn;
  const answer = await app.sync('roles', { parent: parent('Role', 'team-a', 'app', { managedPolicyArns: [teamBArn] }), children: { [SA]: {} } });
  t.equal(ready(answer).status, 'False');
  t.equal(ready(answer).reason, 'NameNotAllowed');
  t.match(ready(answer).message, /spec\.managedPolicyArns: .*awshooks-team_b-secrets belongs to Policy team-b\/secrets/);
  t.same(await attached('awshooks-team_a-app'), [], 'not attached');
  // Its own namespace's policies by ARN are fine.
  const own = await policy(app, 'team-a', 'reader');
  const ok = await app.sync('roles', {
    parent: parent('Role', 'team-a', 'other', { managedPolicyArns: [(own.status as { arn: string }).arn] }),
    children: { [SA]: {} },
  });
  t.equal(ready(ok).status, 'True', ready(ok).message);
});

t.test('names collide across namespaces: Policies and Roles of dev-x/app and dev/x-app', async (t) => {
  const app = await testApp(config);
  t.teardown(() => app.close());
  const a = await app.sync('policies', { parent: parent('Policy', 'dev-x', 'app', { document: s3Read }) });
  const b = await app.sync('policies', { parent: parent('Policy', 'dev', 'x-app', { document: s3Read }) });
  t.equal(ready(a).status, 'True');
  t.equal(ready(b).status, 'True', `not stuck in Conflict: ${ready(b).message}`);
  t.same(await policyNames(), ['awshooks-dev-x-app', 'awshooks-dev_x-app']);
  const ra = await app.sync('roles', { parent: parent('Role', 'dev-x', 'app', {}), children: { [SA]: {} } });
  const rb = await app.sync('roles', { parent: parent('Role', 'dev', 'x-app', {}), children: { [SA]: {} } });
  t.equal(ready(ra).status, 'True');
  t.equal(ready(rb).status, 'True', `not stuck in Conflict: ${ready(rb).message}`);
  t.same(await roleNames(), ['awshooks-dev-x-app', 'awshooks-dev_x-app']);
});

t.test('a Policy and a Role created before the namespace token keep their names', async (t) => {
  const app = await testApp(config);
  t.teardown(() => app.close());
  const policyOwner = { cluster: 'default', namespace: 'team-a', name: 'ddd', uid: 'old', kind: 'Policy' };
  const roleOwner = { cluster: 'default', namespace: 'team-a', name: 'fff', uid: 'old', kind: 'Role' };
  const tags = (o: typeof policyOwner) => Object.entries(ownerTags(o)).map(([Key, Value]) => ({ Key, Value }));
  const legacyPolicy = (
    await iam.send(
      new CreatePolicyCommand({ PolicyName: 'awshooks-team-a-ddd', Path: '/awshooks/', PolicyDocument: JSON.stringify(s3Read), Tags: tags(policyOwner) }),
    )
  ).Policy!.Arn!;
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'awshooks-team-a-fff',
      Path: '/awshooks/',
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }),
      Tags: tags(roleOwner),
    }),
  );
  const ddd = await policy(app, 'team-a', 'ddd');
  t.equal(ready(ddd as unknown as SyncResponse).status, 'True');
  t.equal((ddd.status as { policyName: string }).policyName, 'awshooks-team-a-ddd');
  t.equal((ddd.status as { arn: string }).arn, legacyPolicy);
  t.same(await policyNames(), ['awshooks-team-a-ddd'], 'no second policy');
  const role = await app.sync('roles', {
    parent: parent('Role', 'team-a', 'fff', { policies: ['ddd'] }),
    children: { [SA]: {} },
    related: related('team-a', ddd),
  });
  t.equal(ready(role).status, 'True', ready(role).message);
  t.equal(role.status.roleName, 'awshooks-team-a-fff', 'the existing role');
  t.same(await roleNames(), ['awshooks-team-a-fff'], 'no second role');
  t.same(await attached('awshooks-team-a-fff'), [legacyPolicy], 'the legacy policy, after a look at its owner tags');

  // team/a-ddd's policy has the same legacy name: a team-a Policy whose status claims it is refused.
  await resetMoto();
  await iam.send(
    new CreatePolicyCommand({
      PolicyName: 'awshooks-team-a-ddd',
      Path: '/awshooks/',
      PolicyDocument: JSON.stringify(admin),
      Tags: tags({ ...policyOwner, namespace: 'team', name: 'a-ddd' }),
    }),
  );
  const claimed = { ...ddd, status: { ...(ddd.status as object), policyName: 'awshooks-team-a-ddd' } } as Parent;
  const refused = await app.sync('roles', {
    parent: parent('Role', 'team-a', 'hhh', { policies: ['ddd'] }),
    children: { [SA]: {} },
    related: related('team-a', claimed),
  });
  t.equal(ready(refused).reason, 'NameNotAllowed');
  t.match(ready(refused).message, /belongs to Policy team\/a-ddd/);
  t.same(await attached('awshooks-team_a-hhh'), []);
});
