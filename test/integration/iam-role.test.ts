/**
 * Role (with a Policy) against moto: seed 002's example (an S3 read policy for service account
 * `fff`), the ServiceAccount child, zero calls when converged, a three-call drift check, drift
 * restored without endless updates, finalize of a Policy attached to our Role, Role finalize.
 */
import t from 'tap';
import {
  AddRoleToInstanceProfileCommand,
  AttachRolePolicyCommand,
  CreateInstanceProfileCommand,
  CreatePolicyCommand,
  DeleteRolePermissionsBoundaryCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetInstanceProfileCommand,
  GetPolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRoleTagsCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
} from '@aws-sdk/client-iam';
import { motoEndpoint, resetMoto } from '../helpers/moto.js';
import { s3Read } from '../helpers/iam.js';
import { applyAnswer, testApp } from '../helpers/app.js';
import { condition } from '../helpers/integration.js';
import { parsePolicyDocument } from '../../hooks/shared/policy-document.js';
import type { KubeObject, ObjectMap, Parent, SyncResponse } from '../../hooks/core/types.js';

const endpoint = motoEndpoint();
const iam = new IAMClient({ region: 'us-east-1', endpoint });

const ISSUER = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const OIDC_ARN = `arn:aws:iam::123456789012:oidc-provider/${ISSUER}`;
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';

const queueSend = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:us-east-1:123456789012:awshooks-default-*' }],
};

const meta = (name: string, generation = 1) => ({ name, namespace: 'default', uid: `uid-${name}`, generation });
const policyParent = (name: string, spec: Record<string, unknown>): Parent => ({
  apiVersion: 'iam.awshooks.dev/v1alpha1',
  kind: 'Policy',
  metadata: meta(name),
  spec,
});
const roleParent = (name: string, spec: Record<string, unknown>): Parent => ({
  apiVersion: 'iam.awshooks.dev/v1alpha1',
  kind: 'Role',
  metadata: meta(name),
  spec,
});
const ready = (a: SyncResponse) => condition(a, 'Ready');
/** The related map Metacontroller sends a Role: its namespace's Policies, with their status. */
const relatedOf = (...policies: Parent[]): ObjectMap => ({
  'Policy.iam.awshooks.dev/v1alpha1': Object.fromEntries(policies.map((p) => [`default/${p.metadata.name}`, p as KubeObject])),
});
const SA_KEY = 'ServiceAccount.v1';

t.test('seed 002: Policy ddd + Role for service account fff', async (t) => {
  await resetMoto();
  const boundary = (
    await iam.send(
      new CreatePolicyCommand({
        PolicyName: 'awshooks-boundary',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:*', 'sqs:*'], Resource: '*' }] }),
      }),
    )
  ).Policy!.Arn!;
  const app = await testApp({
    oidcProviderArn: OIDC_ARN,
    oidcIssuer: ISSUER,
    permissionsBoundaryArn: boundary,
    allowedManagedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnly*'],
  });
  t.teardown(() => app.close());

  // The Role first: its Policy does not exist yet → it waits, no AWS call.
  let role = roleParent('fff', { policies: ['ddd'], managedPolicyArns: [READ_ONLY], inlinePolicies: { 'send-orders': queueSend }, tags: { team: 'data' } });
  let calls = await app.awsCalls();
  const waiting = await app.sync('roles', { parent: role, children: { [SA_KEY]: {} }, related: relatedOf() });
  t.equal(ready(waiting)?.reason, 'DependencyNotReady');
  t.match(ready(waiting)?.message, /Policy "ddd" in namespace "default"/);
  t.same(waiting.children, [], 'no ServiceAccount before the role exists');
  t.equal((await app.awsCalls()) - calls, 0, 'waiting costs no AWS call');
  role = applyAnswer(role, waiting, [SA_KEY]).parent;

  // The Policy becomes Ready; the related change re-triggers the Role's sync, which recovers.
  let ddd = policyParent('ddd', { document: s3Read });
  ddd = applyAnswer(ddd, await app.sync('policies', { parent: ddd })).parent;
  const policyArn = (ddd.status as { arn: string }).arn;
  const created = await app.sync('roles', { parent: role, children: { [SA_KEY]: {} }, related: relatedOf(ddd) });
  t.equal(ready(created)?.status, 'True', JSON.stringify(ready(created)));
  const roleArn = created.status.roleArn as string;
  t.equal(roleArn, 'arn:aws:iam::123456789012:role/awshooks/awshooks-default-fff');
  t.same(created.status.attachedPolicyArns, [READ_ONLY, policyArn].sort());
  t.same(created.status.inlinePolicyNames, ['send-orders']);
  t.equal(created.status.serviceAccountName, 'fff');
  t.equal(created.status.permissionsBoundaryArn, boundary);

  // The ServiceAccount child carries the right annotation.
  t.same(created.children, [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: 'fff',
        labels: { 'app.kubernetes.io/managed-by': 'awshooks', 'awshooks.dev/owner-kind': 'Role', 'awshooks.dev/owner-name': 'fff' },
        annotations: { 'eks.amazonaws.com/role-arn': roleArn },
      },
    },
  ]);

  // What IAM has: generated trust for default:fff only, boundary, session, tags.
  const got = (await iam.send(new GetRoleCommand({ RoleName: 'awshooks-default-fff' }))).Role!;
  t.equal(got.Path, '/awshooks/');
  t.equal(got.PermissionsBoundary?.PermissionsBoundaryArn, boundary);
  t.equal(got.MaxSessionDuration, 3600);
  t.same(parsePolicyDocument(got.AssumeRolePolicyDocument), {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: OIDC_ARN },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${ISSUER}:sub`]: 'system:serviceaccount:default:fff', [`${ISSUER}:aud`]: 'sts.amazonaws.com' } },
      },
    ],
  });
  const inline = await iam.send(new GetRolePolicyCommand({ RoleName: 'awshooks-default-fff', PolicyName: 'send-orders' }));
  t.match(parsePolicyDocument(inline.PolicyDocument), { Statement: [{ Action: 'sqs:SendMessage' }] });
  let fed = applyAnswer(role, created, [SA_KEY]);
  role = fed.parent;

  // Converged, inside the drift-check interval: zero AWS calls, same answer.
  calls = await app.awsCalls();
  const steady = await app.sync('roles', { parent: role, children: fed.children, related: relatedOf(ddd) });
  t.equal((await app.awsCalls()) - calls, 0, 'converged sync: 0 AWS calls');
  t.same(steady.status, role.status);
  t.same(steady.children, created.children, 'the ServiceAccount is kept');

  // Drift check: GetRole + ListAttachedRolePolicies + ListRolePolicies, no write.
  app.clock.advance(31);
  calls = await app.awsCalls();
  const checked = await app.sync('roles', { parent: role, children: fed.children, related: relatedOf(ddd) });
  t.equal((await app.awsCalls()) - calls, 3, 'drift check: 3 AWS calls');
  t.equal(ready(checked)?.status, 'True');
  fed = applyAnswer(role, checked, [SA_KEY]);
  role = fed.parent;

  // Drift made by hand: trust widened, session changed, boundary removed, our policy
  // detached, an extra one attached, the inline policy deleted and another added, our tag
  // removed, a foreign tag added.
  const wideTrust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: OIDC_ARN }, Action: 'sts:AssumeRoleWithWebIdentity' }] };
  await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'awshooks-default-fff', PolicyDocument: JSON.stringify(wideTrust) }));
  await iam.send(new UpdateRoleCommand({ RoleName: 'awshooks-default-fff', MaxSessionDuration: 7200 }));
  await iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: 'awshooks-default-fff' }));
  await iam.send(new DetachRolePolicyCommand({ RoleName: 'awshooks-default-fff', PolicyArn: policyArn }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'awshooks-default-fff', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
  await iam.send(new DeleteRolePolicyCommand({ RoleName: 'awshooks-default-fff', PolicyName: 'send-orders' }));
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: 'awshooks-default-fff',
      PolicyName: 'sneaky',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
    }),
  );
  await iam.send(
    new TagRoleCommand({
      RoleName: 'awshooks-default-fff',
      Tags: [
        { Key: 'team', Value: 'changed' },
        { Key: 'cost-center', Value: '42' },
      ],
    }),
  );
  app.clock.advance(31);
  const restored = await app.sync('roles', { parent: role, children: fed.children, related: relatedOf(ddd) });
  t.equal(ready(restored)?.status, 'True', JSON.stringify(ready(restored)));
  const after = (await iam.send(new GetRoleCommand({ RoleName: 'awshooks-default-fff' }))).Role!;
  t.match(
    parsePolicyDocument(after.AssumeRolePolicyDocument),
    { Statement: [{ Condition: { StringEquals: { [`${ISSUER}:sub`]: 'system:serviceaccount:default:fff' } } }] },
    'trust put back',
  );
  t.equal(after.MaxSessionDuration, 3600, 'session duration put back');
  t.equal(after.PermissionsBoundary?.PermissionsBoundaryArn, boundary, 'boundary put back');
  const attached = (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'awshooks-default-fff' }))).AttachedPolicies!.map((p) => p.PolicyArn).sort();
  t.same(attached, [READ_ONLY, policyArn].sort(), 'our policy re-attached, the extra one detached');
  t.same(
    (await iam.send(new ListRolePoliciesCommand({ RoleName: 'awshooks-default-fff' }))).PolicyNames,
    ['send-orders'],
    'inline policy put back, the extra one deleted',
  );
  const tags = Object.fromEntries((await iam.send(new ListRoleTagsCommand({ RoleName: 'awshooks-default-fff' }))).Tags!.map((x) => [x.Key, x.Value]));
  t.equal(tags.team, 'data', 'our tag put back');
  t.equal(tags['cost-center'], '42', 'a tag awshooks did not set is left alone');
  fed = applyAnswer(role, restored, [SA_KEY]);
  role = fed.parent;

  // No endless update: the next drift check (IAM returns the trust URL-encoded) writes nothing.
  app.clock.advance(31);
  calls = await app.awsCalls();
  const quiet = await app.sync('roles', { parent: role, children: fed.children, related: relatedOf(ddd) });
  t.equal((await app.awsCalls()) - calls, 3, 'after the restore: a plain 3-call drift check');
  t.same(quiet.status.attachedPolicyArns, role.status!['attachedPolicyArns' as keyof typeof role.status]);
  fed = applyAnswer(role, quiet, [SA_KEY]);
  role = fed.parent;

  // A spec change to the inline document is applied (its hash differs from status').
  role = {
    ...role,
    spec: {
      ...role.spec,
      inlinePolicies: { 'send-orders': { ...queueSend, Statement: [{ ...queueSend.Statement[0]!, Action: ['sqs:SendMessage', 'sqs:GetQueueUrl'] }] } },
    },
    metadata: { ...role.metadata, generation: 2 },
  };
  const changed = await app.sync('roles', { parent: role, children: fed.children, related: relatedOf(ddd) });
  t.equal(ready(changed)?.status, 'True');
  const inline2 = await iam.send(new GetRolePolicyCommand({ RoleName: 'awshooks-default-fff', PolicyName: 'send-orders' }));
  t.match(parsePolicyDocument(inline2.PolicyDocument), { Statement: [{ Action: ['sqs:SendMessage', 'sqs:GetQueueUrl'] }] });
  fed = applyAnswer(role, changed, [SA_KEY]);
  role = fed.parent;

  // Finalize the Policy while our Role uses it: detached from our role, then deleted.
  const policyGone = await app.sync('policies', { parent: ddd }, 'finalize');
  t.equal(policyGone.finalized, true, JSON.stringify(policyGone.status));
  await t.rejects(iam.send(new GetPolicyCommand({ PolicyArn: policyArn })), { name: 'NoSuchEntityException' });
  const attached2 = (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'awshooks-default-fff' }))).AttachedPolicies!.map((p) => p.PolicyArn);
  t.same(attached2, [READ_ONLY], 'detached from our role first');

  // The Role now waits for its Policy again (and keeps its ServiceAccount).
  const waitAgain = await app.sync('roles', { parent: role, children: fed.children, related: relatedOf() });
  t.equal(ready(waitAgain)?.reason, 'DependencyNotReady');
  t.same(waitAgain.children, created.children, 'the ServiceAccount is kept while waiting');

  // Role finalize: detach, delete inline, leave instance profiles, delete.
  await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'legacy-profile' }));
  await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'legacy-profile', RoleName: 'awshooks-default-fff' }));
  const roleGone = await app.sync('roles', { parent: applyAnswer(role, waitAgain, [SA_KEY]).parent, children: fed.children, related: relatedOf() }, 'finalize');
  t.equal(roleGone.finalized, true, JSON.stringify(roleGone.status));
  await t.rejects(iam.send(new GetRoleCommand({ RoleName: 'awshooks-default-fff' })), { name: 'NoSuchEntityException' }, 'the role is gone');
  const profile = (await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'legacy-profile' }))).InstanceProfile!;
  t.same(profile.Roles, [], 'removed from the instance profile');
});

t.test('serviceAccount.manage: false → no child, the annotation in status', async (t) => {
  await resetMoto();
  const app = await testApp({ oidcProviderArn: OIDC_ARN, oidcIssuer: ISSUER });
  t.teardown(() => app.close());
  const role = roleParent('worker', { serviceAccountName: 'batch-runner', serviceAccount: { manage: false }, maxSessionDuration: 7200 });
  const answer = await app.sync('roles', { parent: role, children: { [SA_KEY]: {} }, related: relatedOf() });
  t.equal(ready(answer)?.status, 'True', JSON.stringify(ready(answer)));
  t.same(answer.children, []);
  t.equal(answer.status.serviceAccountAnnotation, 'eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/awshooks/awshooks-default-worker');
  const got = (await iam.send(new GetRoleCommand({ RoleName: 'awshooks-default-worker' }))).Role!;
  t.equal(got.MaxSessionDuration, 7200);
  t.equal(got.PermissionsBoundary, undefined, 'no boundary configured, none set');
  t.match(parsePolicyDocument(got.AssumeRolePolicyDocument), {
    Statement: [{ Condition: { StringEquals: { [`${ISSUER}:sub`]: 'system:serviceaccount:default:batch-runner' } } }],
  });
});

t.test('a role half-created (an attachment failed) is still deleted on finalize', async (t) => {
  await resetMoto();
  const app = await testApp({ oidcProviderArn: OIDC_ARN, oidcIssuer: ISSUER, allowedManagedPolicyArns: ['arn:aws:iam::123456789012:policy/*'] });
  t.teardown(() => app.close());
  const role = roleParent('half', { managedPolicyArns: ['arn:aws:iam::123456789012:policy/does-not-exist'] });
  const failed = await app.sync('roles', { parent: role, children: { [SA_KEY]: {} }, related: relatedOf() });
  t.equal(ready(failed)?.status, 'False');
  t.equal(ready(failed)?.reason, 'NoSuchEntity', "IAM's reason: the ARN does not exist");
  t.equal(failed.status.roleArn, undefined, 'status does not know the role');
  t.ok((await iam.send(new GetRoleCommand({ RoleName: 'awshooks-default-half' }))).Role, 'but CreateRole succeeded');
  const fed = applyAnswer(role, failed, [SA_KEY]);
  const gone = await app.sync('roles', { parent: fed.parent, children: fed.children, related: relatedOf() }, 'finalize');
  t.equal(gone.finalized, true);
  await t.rejects(iam.send(new GetRoleCommand({ RoleName: 'awshooks-default-half' })), { name: 'NoSuchEntityException' }, 'not left behind');

  // A Role that never got anywhere (waiting for its Policy): one GetRole, then finalized.
  const never = roleParent('never', { policies: ['missing'] });
  const waiting = await app.sync('roles', { parent: never, children: { [SA_KEY]: {} }, related: relatedOf() });
  const calls = await app.awsCalls();
  const fin = await app.sync('roles', { parent: applyAnswer(never, waiting, [SA_KEY]).parent, children: { [SA_KEY]: {} }, related: relatedOf() }, 'finalize');
  t.equal(fin.finalized, true);
  t.equal((await app.awsCalls()) - calls, 1, 'one GetRole');
});
