/** The Bucket kind against the moto server: what crosses the wire. */
import t from 'tap';
import {
  CreateBucketCommand,
  DeleteBucketPolicyCommand,
  DeleteObjectCommand,
  DeletePublicAccessBlockCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { motoEndpoint, resetMoto } from '../../helpers/moto.js';
import { applyAnswer, testApp, type TestApp } from '../../helpers/app.js';
import type { Parent, SyncResponse } from '../../../hooks/core/types.js';

const region = 'eu-west-1';
const s3 = (r = region, credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) =>
  new S3Client({ region: r, endpoint: motoEndpoint(), forcePathStyle: true, ...(credentials ? { credentials } : {}) });
const CM = 'ConfigMap.v1';

function bucketParent(name: string, spec: Record<string, unknown>, namespace = 'shop'): Parent {
  return {
    apiVersion: 's3.awshooks.dev/v1alpha1',
    kind: 'Bucket',
    metadata: { name, namespace, uid: `uid-${namespace}-${name}`, generation: 1 },
    spec: { region, ...spec },
  };
}

interface Cond {
  type: string;
  status: string;
  reason: string;
  message: string;
}
const cond = (answer: SyncResponse, type: string) => (answer.status.conditions as Cond[]).find((c) => c.type === type)!;

async function converge(app: TestApp, parent: Parent) {
  const answer = await app.sync('buckets', { parent, children: { [CM]: {} } });
  return { answer, ...applyAnswer(parent, answer, [CM]) };
}

/** Calls of one kind of operation so far (Put*, Delete*, Create*: writes). */
async function writeCalls(app: TestApp): Promise<number> {
  const values = (await app.metrics.awsCalls.get()).values.filter((v) => v.labels.service === 's3' && /^(Put|Delete|Create)/.test(String(v.labels.operation)));
  return values.reduce((n, v) => n + v.value, 0);
}

const tagsOf = async (bucket: string, client = s3()) =>
  Object.fromEntries(((await client.send(new GetBucketTaggingCommand({ Bucket: bucket }))).TagSet ?? []).map((x) => [x.Key!, x.Value!]));

const fullSpec = {
  versioning: 'Enabled',
  encryption: { algorithm: 'aws:kms', kmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab', bucketKeyEnabled: true },
  lifecycleRules: [
    {
      id: 'logs',
      prefix: 'logs/',
      expirationDays: 365,
      transitions: [
        { days: 30, storageClass: 'STANDARD_IA' },
        { days: 90, storageClass: 'GLACIER' },
      ],
    },
    { id: 'old-versions', noncurrentVersionExpirationDays: 30, abortIncompleteMultipartUploadDays: 7 },
  ],
  policy: {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'TlsOnly',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: ['arn:aws:s3:::awshooks-shop-data', 'arn:aws:s3:::awshooks-shop-data/*'],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  },
  tags: { team: 'data' },
};

t.beforeEach(async () => {
  await resetMoto();
});

t.test('create: owner tags, public access block on, ConfigMap; converged syncs make no call; a drift check reads 2 sub-resources', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const first = await converge(app, bucketParent('uploads', { tags: { team: 'web' } }));
  t.equal(cond(first.answer, 'Ready').status, 'True', 'Ready after one sync');
  t.equal(first.answer.status.bucketName, 'awshooks-shop-uploads');
  t.equal(first.answer.status.bucketArn, 'arn:aws:s3:::awshooks-shop-uploads');
  t.same(first.answer.children, [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'uploads-bucket',
        labels: { 'app.kubernetes.io/managed-by': 'awshooks', 'awshooks.dev/owner-kind': 'Bucket', 'awshooks.dev/owner-name': 'uploads' },
      },
      data: { BUCKET_NAME: 'awshooks-shop-uploads', BUCKET_ARN: 'arn:aws:s3:::awshooks-shop-uploads', AWS_REGION: region },
    },
  ]);
  const tags = await tagsOf('awshooks-shop-uploads');
  t.equal(tags.team, 'web');
  t.equal(tags['awshooks.dev/namespace'], 'shop', 'owner tags');
  t.equal(tags['awshooks.dev/kind'], 'Bucket');
  const pab = (await s3().send(new GetPublicAccessBlockCommand({ Bucket: 'awshooks-shop-uploads' }))).PublicAccessBlockConfiguration;
  t.same(pab, { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true }, 'public access block on by default');

  let calls = await app.awsCalls();
  app.clock.advance(5);
  const steady = await app.sync('buckets', { parent: first.parent, children: first.children });
  t.equal((await app.awsCalls()) - calls, 0, 'converged sync inside the interval: zero AWS calls');
  t.same(steady.status, first.answer.status, 'deterministic status');
  t.same(steady.children, first.answer.children);

  app.clock.advance(30);
  calls = await app.awsCalls();
  const writes = await writeCalls(app);
  const check = await app.sync('buckets', { parent: first.parent, children: first.children });
  t.equal((await app.awsCalls()) - calls, 2, 'a drift check of a default Bucket costs 2 reads (tags, public access block)');
  t.equal(await writeCalls(app), writes, 'and no write');
  t.equal(cond(check, 'Ready').status, 'True');
});

t.test('every sub-resource: applied at creation, 6 reads per drift check, drift set back, foreign tags kept', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const bucket = 'awshooks-shop-data';
  const first = await converge(app, bucketParent('data', fullSpec));
  t.equal(cond(first.answer, 'Ready').status, 'True', JSON.stringify(first.answer.status.conditions));
  t.equal(first.answer.status.versioning, 'Enabled');
  t.same(first.answer.status.managedConfigurations, ['lifecycle', 'policy']);
  const client = s3();
  t.equal((await client.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status, 'Enabled');
  const enc = (await client.send(new GetBucketEncryptionCommand({ Bucket: bucket }))).ServerSideEncryptionConfiguration!.Rules![0]!;
  t.equal(enc.ApplyServerSideEncryptionByDefault!.SSEAlgorithm, 'aws:kms');
  t.equal(enc.BucketKeyEnabled, true);
  const rules = (await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules!;
  t.same(rules.map((r) => r.ID).sort(), ['logs', 'old-versions']);
  t.equal(JSON.parse((await client.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy!).Statement[0].Sid, 'TlsOnly');

  // A drift check with nothing to change: 6 reads, no write (lifecycle and policy compared by meaning).
  app.clock.advance(31);
  let calls = await app.awsCalls();
  let writes = await writeCalls(app);
  const quiet = await app.sync('buckets', { parent: first.parent, children: first.children });
  t.equal((await app.awsCalls()) - calls, 6, 'tags, versioning, encryption, public access block, lifecycle, policy');
  t.equal(await writeCalls(app), writes, 'nothing rewritten');
  t.equal(cond(quiet, 'Ready').status, 'True');

  // Behind our back: versioning suspended, public access block removed, policy removed,
  // lifecycle replaced, encryption changed, our tag changed, an owner tag removed, a tag added.
  await client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Suspended' } }));
  await client.send(new DeletePublicAccessBlockCommand({ Bucket: bucket }));
  await client.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
  await client.send(
    new PutBucketLifecycleConfigurationCommand({
      Bucket: bucket,
      LifecycleConfiguration: { Rules: [{ ID: 'logs', Status: 'Disabled', Filter: { Prefix: 'logs/' }, Expiration: { Days: 1 } }] },
    }),
  );
  await client.send(
    new PutBucketEncryptionCommand({
      Bucket: bucket,
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    }),
  );
  const drifted: Record<string, string> = { ...(await tagsOf(bucket)), team: 'hijacked', 'cost-center': 'x' };
  delete drifted['awshooks.dev/uid'];
  await client.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: Object.entries(drifted).map(([Key, Value]) => ({ Key, Value })) } }));

  app.clock.advance(31);
  const fixed = await app.sync('buckets', { parent: first.parent, children: first.children });
  t.equal(cond(fixed, 'Ready').status, 'True', JSON.stringify(fixed.status.conditions));
  t.equal((await client.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status, 'Enabled', 'versioning enabled again');
  t.same(
    (await client.send(new GetPublicAccessBlockCommand({ Bucket: bucket }))).PublicAccessBlockConfiguration,
    { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
    'public access block back',
  );
  t.equal(JSON.parse((await client.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy!).Statement[0].Sid, 'TlsOnly', 'policy back');
  const fixedRules = (await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules!;
  t.same(
    fixedRules.map((r) => [r.ID, r.Status]).sort(),
    [
      ['logs', 'Enabled'],
      ['old-versions', 'Enabled'],
    ],
    'lifecycle rules back',
  );
  t.equal(
    (await client.send(new GetBucketEncryptionCommand({ Bucket: bucket }))).ServerSideEncryptionConfiguration!.Rules![0]!.ApplyServerSideEncryptionByDefault!
      .SSEAlgorithm,
    'aws:kms',
    'encryption back',
  );
  const tags = await tagsOf(bucket);
  t.equal(tags.team, 'data', 'our tag set back');
  t.equal(tags['awshooks.dev/uid'], 'uid-shop-data', 'owner tag set back');
  t.equal(tags['cost-center'], 'x', 'a tag set outside is kept (S3 replaces the whole set: merged)');

  // Converged again: the next drift check writes nothing.
  const again = applyAnswer(first.parent, fixed, [CM]);
  app.clock.advance(31);
  writes = await writeCalls(app);
  calls = await app.awsCalls();
  await app.sync('buckets', { parent: again.parent, children: again.children });
  t.equal(await writeCalls(app), writes, 'no write once repaired');
  t.equal((await app.awsCalls()) - calls, 6);
});

t.test('spec changes: a removed policy and lifecycle are deleted, a removed tag is removed, versioning suspended', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const bucket = 'awshooks-shop-data';
  const first = await converge(app, bucketParent('data', { ...fullSpec, tags: { team: 'data', tier: 'gold' } }));
  t.equal(cond(first.answer, 'Ready').status, 'True', JSON.stringify(first.answer.status.conditions));
  const next = { ...fullSpec, versioning: 'Suspended', tags: { team: 'data' } } as Record<string, unknown>;
  delete next.policy;
  delete next.lifecycleRules;
  const changed = { ...first.parent, metadata: { ...first.parent.metadata, generation: 2 }, spec: { region, ...next } } as Parent;
  const answer = await app.sync('buckets', { parent: changed, children: first.children });
  t.equal(cond(answer, 'Ready').status, 'True', JSON.stringify(answer.status.conditions));
  t.equal(answer.status.managedConfigurations, undefined, 'nothing optional managed any more');
  const client = s3();
  await t.rejects(client.send(new GetBucketPolicyCommand({ Bucket: bucket })), { name: 'NoSuchBucketPolicy' }, 'policy deleted');
  await t.rejects(client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket })), { name: 'NoSuchLifecycleConfiguration' }, 'lifecycle deleted');
  t.equal((await client.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status, 'Suspended');
  const tags = await tagsOf(bucket);
  t.notOk('tier' in tags, 'tier removed');
  t.equal(tags.team, 'data');

  // Once removed, they are no longer read: a drift check costs 4 (tags, versioning, encryption, public access block).
  const state = applyAnswer(changed, answer, [CM]);
  app.clock.advance(31);
  const calls = await app.awsCalls();
  await app.sync('buckets', { parent: state.parent, children: state.children });
  t.equal((await app.awsCalls()) - calls, 4);
});

t.test('a foreign bucket is a Conflict and is never touched; adopt takes over an unowned one, keeping its tags', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const client = s3();
  await client.send(new CreateBucketCommand({ Bucket: 'awshooks-shop-uploads', CreateBucketConfiguration: { LocationConstraint: region } }));
  const foreignTags = { 'awshooks.dev/cluster': 'default', 'awshooks.dev/namespace': 'other', 'awshooks.dev/name': 'uploads', 'awshooks.dev/kind': 'Bucket' };
  await client.send(
    new PutBucketTaggingCommand({ Bucket: 'awshooks-shop-uploads', Tagging: { TagSet: Object.entries(foreignTags).map(([Key, Value]) => ({ Key, Value })) } }),
  );
  const parent = bucketParent('uploads', { versioning: 'Enabled', adopt: true });
  const conflict = await app.sync('buckets', { parent, children: { [CM]: {} } });
  t.equal(cond(conflict, 'Ready').reason, 'Conflict');
  t.match(cond(conflict, 'Ready').message, /belongs to Bucket other\/uploads/);
  t.same(conflict.children, [], 'no ConfigMap for a bucket that is not ours');
  t.equal((await client.send(new GetBucketVersioningCommand({ Bucket: 'awshooks-shop-uploads' }))).Status, undefined, 'not modified, even with adopt');
  const fin = await app.sync('buckets', { parent: { ...parent, status: conflict.status }, children: { [CM]: {} }, finalizing: true }, 'finalize');
  t.equal(fin.finalized, true, 'finalize leaves a foreign bucket alone');
  t.equal(cond(fin, 'Ready').reason, 'NotOwned');
  await client.send(new HeadBucketCommand({ Bucket: 'awshooks-shop-uploads' }));
  t.pass('never deleted');

  await client.send(new CreateBucketCommand({ Bucket: 'awshooks-shop-legacy', CreateBucketConfiguration: { LocationConstraint: region } }));
  await client.send(new PutBucketTaggingCommand({ Bucket: 'awshooks-shop-legacy', Tagging: { TagSet: [{ Key: 'cost-center', Value: 'finance' }] } }));
  const legacy = bucketParent('legacy', { versioning: 'Enabled', tags: { team: 'data' } });
  const refused = await app.sync('buckets', { parent: legacy, children: { [CM]: {} } });
  t.equal(cond(refused, 'Ready').reason, 'Conflict');
  t.match(cond(refused, 'Ready').message, /adopt/);
  const adopted = await app.sync('buckets', { parent: { ...legacy, spec: { ...legacy.spec, adopt: true } }, children: { [CM]: {} } });
  t.equal(cond(adopted, 'Ready').status, 'True', 'adopted');
  const tags = await tagsOf('awshooks-shop-legacy');
  t.equal(tags['awshooks.dev/name'], 'legacy', 'tagged as ours');
  t.equal(tags.team, 'data');
  t.equal(tags['cost-center'], 'finance', 'the tags it had are kept');
  t.equal((await client.send(new GetBucketVersioningCommand({ Bucket: 'awshooks-shop-legacy' }))).Status, 'Enabled');
});

t.test('a bucket name taken by another AWS account is a Conflict; finalize leaves it alone', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const sts = new STSClient({ region, endpoint: motoEndpoint() });
  const creds = (await sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::111111111111:role/someone-else', RoleSessionName: 'other' }))).Credentials!;
  const other = s3(region, { accessKeyId: creds.AccessKeyId!, secretAccessKey: creds.SecretAccessKey!, sessionToken: creds.SessionToken! });
  await other.send(new CreateBucketCommand({ Bucket: 'awshooks-shop-uploads', CreateBucketConfiguration: { LocationConstraint: region } }));
  const parent = bucketParent('uploads', { adopt: true });
  const conflict = await app.sync('buckets', { parent, children: { [CM]: {} } });
  t.equal(cond(conflict, 'Ready').reason, 'Conflict');
  t.match(cond(conflict, 'Ready').message, /another AWS account/);
  t.match(cond(conflict, 'Ready').message, /spec\.bucketName/);
  t.same(conflict.children, []);
  const fin = await app.sync('buckets', { parent: { ...parent, status: conflict.status }, children: { [CM]: {} }, finalizing: true }, 'finalize');
  t.equal(fin.finalized, true, 'nothing of ours to delete');
  t.equal(cond(fin, 'Ready').reason, 'NotOwned');
  await other.send(new HeadBucketCommand({ Bucket: 'awshooks-shop-uploads' }));
  t.pass("the other account's bucket is still there");

  // A custom name inside the namespace gets the bucket.
  const renamed = await app.sync('buckets', { parent: bucketParent('uploads', { bucketName: 'awshooks-shop-uploads-2' }), children: { [CM]: {} } });
  t.equal(cond(renamed, 'Ready').status, 'True');
  t.equal(renamed.status.bucketName, 'awshooks-shop-uploads-2');
});

t.test('finalize: Delete removes an empty bucket; a bucket with objects waits (count shown) and is deleted once emptied; Retain leaves it', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const client = s3();
  const empty = await converge(app, bucketParent('scratch', {}));
  const gone = await app.sync('buckets', { parent: empty.parent, children: empty.children, finalizing: true }, 'finalize');
  t.equal(gone.finalized, true);
  t.equal(cond(gone, 'Ready').reason, 'Deleted');
  await t.rejects(client.send(new HeadBucketCommand({ Bucket: 'awshooks-shop-scratch' })), { name: 'NotFound' }, 'gone in AWS');
  const again = await app.sync('buckets', { parent: empty.parent, children: empty.children, finalizing: true }, 'finalize');
  t.equal(again.finalized, true, 'finalize is idempotent');

  const full = await converge(app, bucketParent('reports', { versioning: 'Enabled' }));
  await client.send(new PutObjectCommand({ Bucket: 'awshooks-shop-reports', Key: 'a.csv', Body: 'a' }));
  await client.send(new PutObjectCommand({ Bucket: 'awshooks-shop-reports', Key: 'a.csv', Body: 'a2' }));
  await client.send(new PutObjectCommand({ Bucket: 'awshooks-shop-reports', Key: 'b.csv', Body: 'b' }));
  const waiting = await app.sync('buckets', { parent: full.parent, children: full.children, finalizing: true }, 'finalize');
  t.equal(waiting.finalized, false, 'not finalized while objects remain');
  t.equal(cond(waiting, 'Ready').reason, 'BucketNotEmpty');
  t.match(cond(waiting, 'Ready').message, /still holds 3 object versions/);
  t.match(cond(waiting, 'Ready').message, /never deletes objects/);
  t.equal(waiting.resyncAfterSeconds, 60);
  t.same(
    waiting.children.map((c) => c.metadata.name),
    ['reports-bucket'],
    'the ConfigMap is kept while waiting',
  );
  const versions = await client.send(new ListObjectVersionsCommand({ Bucket: 'awshooks-shop-reports' }));
  t.equal(versions.Versions?.length, 3, 'no object was deleted');
  for (const v of versions.Versions ?? [])
    await client.send(new DeleteObjectCommand({ Bucket: 'awshooks-shop-reports', Key: v.Key!, VersionId: v.VersionId! }));
  const emptied = await app.sync('buckets', { parent: { ...full.parent, status: waiting.status }, children: full.children, finalizing: true }, 'finalize');
  t.equal(emptied.finalized, true, 'deleted once empty');
  await t.rejects(client.send(new HeadBucketCommand({ Bucket: 'awshooks-shop-reports' })), { name: 'NotFound' });

  const keep = await converge(app, bucketParent('audit', { deletionPolicy: 'Retain' }));
  await client.send(new PutObjectCommand({ Bucket: 'awshooks-shop-audit', Key: 'x', Body: 'x' }));
  const calls = await app.awsCalls();
  const kept = await app.sync('buckets', { parent: keep.parent, children: keep.children, finalizing: true }, 'finalize');
  t.equal(kept.finalized, true);
  t.equal(cond(kept, 'Ready').reason, 'Retained');
  t.equal((await app.awsCalls()) - calls, 0, 'Retain makes no AWS call');
  await client.send(new HeadBucketCommand({ Bucket: 'awshooks-shop-audit' }));
  t.pass('still there');
});

t.test('us-east-1 buckets are created without a LocationConstraint; invalid specs make no AWS call', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const east = await converge(app, { ...bucketParent('east', {}), spec: { region: 'us-east-1' } });
  t.equal(cond(east.answer, 'Ready').status, 'True', JSON.stringify(east.answer.status.conditions));
  await s3('us-east-1').send(new HeadBucketCommand({ Bucket: 'awshooks-shop-east' }));

  const calls = await app.awsCalls();
  const invalid: [Record<string, unknown>, RegExp][] = [
    [{ bucketName: 'awshooks-other-x' }, /must start with "awshooks-shop-"/],
    [{ lifecycleRules: [{ id: 'a', transitions: [{ days: 10, storageClass: 'STANDARD_IA' }] }] }, /at least 30/],
    [{ policy: { Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::awshooks-shop-bad/*' }] } }, /public access/],
    [
      { policy: { Statement: [{ Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::someone-else/*' }] } },
      /is not this bucket/,
    ],
    [{ tags: { 'aws:x': 'y' } }, /reserved by AWS/],
  ];
  for (const [spec, message] of invalid) {
    const answer = await app.sync('buckets', { parent: bucketParent('bad', spec), children: { [CM]: {} } });
    t.equal(cond(answer, 'Ready').reason, 'InvalidSpec', JSON.stringify(spec));
    t.match(cond(answer, 'Ready').message, message);
  }
  t.equal((await app.awsCalls()) - calls, 0, 'no AWS call for an invalid spec');
});

t.test('the sample reaches Ready', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const { readFileSync } = await import('node:fs');
  const { parse } = await import('yaml');
  const sample = parse(readFileSync(new URL('../../../manifests/samples/bucket-assets.yaml', import.meta.url), 'utf8')) as Parent;
  const answer = await app.sync('buckets', { parent: { ...sample, metadata: { ...sample.metadata, uid: 'uid-sample' } }, children: { [CM]: {} } });
  t.equal(cond(answer, 'Ready').status, 'True', JSON.stringify(answer.status.conditions));
  t.equal(answer.status.bucketName, 'awshooks-default-assets');
});
