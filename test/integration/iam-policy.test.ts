/**
 * Policy against moto: create, a converged sync with zero calls, a two-call drift check,
 * drift restored, the five-version limit, finalize blocked by foreign attachments.
 */
import t from 'tap';
import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  GetPolicyCommand,
  IAMClient,
  ListPolicyTagsCommand,
  ListPolicyVersionsCommand,
  SetDefaultPolicyVersionCommand,
  TagPolicyCommand,
  UntagPolicyCommand,
} from '@aws-sdk/client-iam';
import { motoEndpoint, resetMoto } from '../helpers/moto.js';
import { s3Read } from '../helpers/iam.js';
import { applyAnswer, testApp } from '../helpers/app.js';
import { condition } from '../helpers/integration.js';
import type { Parent, SyncResponse } from '../../hooks/core/types.js';

const endpoint = motoEndpoint();
const iam = new IAMClient({ region: 'us-east-1', endpoint });

const policy = (spec: Record<string, unknown>, name = 'ddd'): Parent => ({
  apiVersion: 'iam.awshooks.dev/v1alpha1',
  kind: 'Policy',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, generation: 1 },
  spec,
});

const ready = (a: SyncResponse) => condition(a, 'Ready');

t.before(async () => {
  await resetMoto();
});

t.test('create, converged sync, drift check, drift restored, version limit, finalize', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  let parent = policy({ document: s3Read, description: 'S3 read for fff', tags: { team: 'data' } });

  // 1. Create.
  const created = await app.sync('policies', { parent });
  t.equal(ready(created)?.status, 'True', 'Ready after create');
  const arn = created.status.arn as string;
  t.equal(arn, 'arn:aws:iam::123456789012:policy/awshooks/awshooks-default-ddd');
  t.equal(created.status.defaultVersionId, 'v1');
  t.equal(created.status.attachmentCount, 0);
  t.same(created.children, [], 'a Policy has no children');
  const got = (await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy!;
  t.equal(got.Path, '/awshooks/');
  t.equal(got.Description, 'S3 read for fff');
  const tags = Object.fromEntries((await iam.send(new ListPolicyTagsCommand({ PolicyArn: arn }))).Tags!.map((x) => [x.Key, x.Value]));
  t.match(tags, {
    team: 'data',
    'awshooks.dev/cluster': 'default',
    'awshooks.dev/namespace': 'default',
    'awshooks.dev/name': 'ddd',
    'awshooks.dev/kind': 'Policy',
  });
  parent = applyAnswer(parent, created).parent;

  // 2. A converged sync inside the drift-check interval: zero AWS calls.
  let calls = await app.awsCalls();
  const steady = await app.sync('policies', { parent });
  t.equal((await app.awsCalls()) - calls, 0, 'converged sync: 0 AWS calls');
  t.same(steady.status, parent.status, 'status unchanged');

  // 3. Drift check after the interval: GetPolicy + GetPolicyVersion, no write.
  app.clock.advance(31);
  calls = await app.awsCalls();
  const checked = await app.sync('policies', { parent });
  t.equal((await app.awsCalls()) - calls, 2, 'drift check: 2 AWS calls');
  t.equal(checked.status.defaultVersionId, 'v1', 'no new version for an unchanged document');
  parent = applyAnswer(parent, checked).parent;

  // The same document written differently (order, string vs list) is not a change.
  const reordered = {
    Version: '2012-10-17',
    Statement: [
      {
        Resource: ['arn:aws:s3:::example-bucket', 'arn:aws:s3:::example-bucket/*'],
        Action: ['s3:GetObjectVersion', 's3:ListBucket', 's3:GetObject'],
        Effect: 'Allow',
        Sid: 'AllowExampleBucket',
      },
    ],
  };
  parent = { ...parent, spec: { ...parent.spec, document: reordered }, metadata: { ...parent.metadata, generation: 2 } };
  calls = await app.awsCalls();
  const same = await app.sync('policies', { parent });
  t.equal((await app.awsCalls()) - calls, 2, 'a spec change by form only: read, no write');
  t.equal(same.status.defaultVersionId, 'v1');
  parent = applyAnswer(parent, same).parent;

  // 4. Drift: a new default version and tag changes made outside awshooks are put back;
  // a tag awshooks never set stays.
  await iam.send(
    new CreatePolicyVersionCommand({
      PolicyArn: arn,
      SetAsDefault: true,
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }),
    }),
  );
  await iam.send(new UntagPolicyCommand({ PolicyArn: arn, TagKeys: ['team', 'awshooks.dev/uid'] }));
  await iam.send(new TagPolicyCommand({ PolicyArn: arn, Tags: [{ Key: 'cost-center', Value: '42' }] }));
  app.clock.advance(31);
  const restored = await app.sync('policies', { parent });
  t.equal(ready(restored)?.status, 'True');
  t.equal(restored.status.defaultVersionId, 'v3', 'the drifted document is replaced by a new default version');
  const tags2 = Object.fromEntries((await iam.send(new ListPolicyTagsCommand({ PolicyArn: arn }))).Tags!.map((x) => [x.Key, x.Value]));
  t.equal(tags2.team, 'data', 'user tag put back');
  t.equal(tags2['awshooks.dev/uid'], 'uid-ddd', 'owner tag put back');
  t.equal(tags2['cost-center'], '42', 'a tag awshooks did not set is left alone');
  parent = applyAnswer(parent, restored).parent;
  app.clock.advance(31);
  calls = await app.awsCalls();
  const after = await app.sync('policies', { parent });
  t.equal((await app.awsCalls()) - calls, 2, 'restored: the next drift check writes nothing');
  t.equal(after.status.defaultVersionId, 'v3');
  parent = applyAnswer(parent, after).parent;

  // 5. The five-version limit: v1..v5 exist; make the OLDEST (v1) the default out of band, so a
  // blind "delete versions[0]" would delete the default. Then change the spec.
  await iam.send(
    new CreatePolicyVersionCommand({
      PolicyArn: arn,
      SetAsDefault: false,
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' }] }),
    }),
  );
  await iam.send(
    new CreatePolicyVersionCommand({
      PolicyArn: arn,
      SetAsDefault: false,
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:PutObject', Resource: '*' }] }),
    }),
  );
  await iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
  const before = (await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }))).Versions!;
  t.same(before.map((v) => v.VersionId).sort(), ['v1', 'v2', 'v3', 'v4', 'v5'], 'five versions');
  const widened = { ...s3Read, Statement: [{ ...s3Read.Statement[0]!, Action: [...s3Read.Statement[0]!.Action, 's3:GetObjectTagging'] }] };
  parent = { ...parent, spec: { ...parent.spec, document: widened }, metadata: { ...parent.metadata, generation: 3 } };
  const v6 = await app.sync('policies', { parent });
  t.equal(ready(v6)?.status, 'True', JSON.stringify(ready(v6)));
  t.equal(v6.status.defaultVersionId, 'v6');
  const versions = (await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }))).Versions!;
  t.same(versions.map((v) => v.VersionId).sort(), ['v1', 'v3', 'v4', 'v5', 'v6'], 'the oldest non-default version (v2) was deleted, not v1 (the default then)');
  t.equal(versions.find((v) => v.IsDefaultVersion)?.VersionId, 'v6');
  parent = applyAnswer(parent, v6).parent;

  // 6. Finalize: attached to a role and a user that awshooks does not own → blocked, named.
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'someone-elses-role',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'someone-elses-role', PolicyArn: arn }));
  await iam.send(new CreateUserCommand({ UserName: 'alice' }));
  await iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: arn }));
  const blocked = await app.sync('policies', { parent }, 'finalize');
  t.equal(blocked.finalized, false, 'not finalized while attached elsewhere');
  t.equal(ready(blocked)?.reason, 'AttachedElsewhere');
  t.match(ready(blocked)?.message, /role someone-elses-role/);
  t.match(ready(blocked)?.message, /user alice/);
  t.ok((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy, 'the policy is still there');
  t.equal((await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }))).Versions!.length, 5, 'nothing was changed before the blocker was found');
  parent = applyAnswer(parent, blocked).parent;

  await iam.send(new DetachRolePolicyCommand({ RoleName: 'someone-elses-role', PolicyArn: arn }));
  await iam.send(new DetachUserPolicyCommand({ UserName: 'alice', PolicyArn: arn }));
  const done = await app.sync('policies', { parent }, 'finalize');
  t.equal(done.finalized, true, JSON.stringify(done.status));
  await t.rejects(iam.send(new GetPolicyCommand({ PolicyArn: arn })), { name: 'NoSuchEntityException' }, 'the policy is gone');
});

t.test('Retain leaves the policy; a foreign policy of the same name is a Conflict', async (t) => {
  await resetMoto();
  const app = await testApp();
  t.teardown(() => app.close());
  const parent = policy({ document: s3Read, deletionPolicy: 'Retain' }, 'kept');
  const created = await app.sync('policies', { parent });
  const arn = created.status.arn as string;
  const fin = await app.sync('policies', { parent: applyAnswer(parent, created).parent }, 'finalize');
  t.equal(fin.finalized, true);
  t.ok((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy, 'retained');

  // Another cluster's Policy of the same namespace/name owns it now.
  const other = await testApp({ clusterName: 'other' });
  t.teardown(() => other.close());
  const conflict = await other.sync('policies', { parent: policy({ document: s3Read }, 'kept') });
  t.equal(ready(conflict)?.reason, 'Conflict');
  t.match(ready(conflict)?.message, /belongs to Policy default\/kept in cluster default/);
});
