/**
 * The Bucket kind through the real reconcile loop against a fake S3: what moto does not show
 * (403 for another account, a bucket in another region, BucketAlreadyExists, a tagging failure
 * right after CreateBucket, a truncated object count) and the exact calls made.
 */
import t from 'tap';
import { AwsClients } from '../../../../hooks/core/aws-clients.js';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import type { Logger } from '../../../../hooks/core/logger.js';
import { ownerTags } from '../../../../hooks/core/ownership.js';
import { reconcile } from '../../../../hooks/core/reconcile.js';
import type { Parent, SyncResponse } from '../../../../hooks/core/types.js';
import { makeBucketKind } from '../../../../hooks/bucket/index.js';

const ACCOUNT = '123456789012';
const BUCKET = 'awshooks-shop-data';
const owner = { cluster: 'default', namespace: 'shop', name: 'data', uid: 'uid-1', kind: 'Bucket' };
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function awsError(name: string, status = 400): Error {
  return Object.assign(new Error(`${name}: simulated`), {
    name,
    Code: name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });
}

/** An S3 client holding one bucket's sub-resources; records every call. */
class FakeS3 {
  exists = false;
  tags: { Key: string; Value: string }[] | undefined;
  pab: Record<string, boolean> | undefined;
  policy: string | undefined;
  objects = 0;
  truncated = false;
  calls: { op: string; input: Record<string, unknown> }[] = [];
  fail: Record<string, Error> = {};
  async send(cmd: { input: Record<string, unknown>; constructor: { name: string } }): Promise<unknown> {
    const op = cmd.constructor.name.replace(/Command$/, '');
    this.calls.push({ op, input: cmd.input });
    const fail = this.fail[op];
    if (fail) throw fail;
    if (op !== 'CreateBucket' && !this.exists) throw awsError('NoSuchBucket', 404);
    switch (op) {
      case 'CreateBucket':
        this.exists = true;
        return {};
      case 'GetBucketTagging':
        if (!this.tags) throw awsError('NoSuchTagSet', 404);
        return { TagSet: this.tags };
      case 'PutBucketTagging':
        this.tags = (cmd.input.Tagging as { TagSet: { Key: string; Value: string }[] }).TagSet;
        return {};
      case 'GetPublicAccessBlock':
        if (!this.pab) throw awsError('NoSuchPublicAccessBlockConfiguration', 404);
        return { PublicAccessBlockConfiguration: this.pab };
      case 'PutPublicAccessBlock':
        this.pab = cmd.input.PublicAccessBlockConfiguration as Record<string, boolean>;
        return {};
      case 'PutBucketPolicy':
        this.policy = cmd.input.Policy as string;
        return {};
      case 'GetBucketPolicy':
        if (!this.policy) throw awsError('NoSuchBucketPolicy', 404);
        return { Policy: this.policy };
      case 'DeleteBucket':
        if (this.objects > 0) throw awsError('BucketNotEmpty', 409);
        this.exists = false;
        return {};
      case 'ListObjectVersions':
        return { Versions: Array.from({ length: Math.min(this.objects, 1000) }, (_, i) => ({ Key: `k${i}` })), IsTruncated: this.truncated };
      default:
        return {};
    }
  }
  ops(): string[] {
    return this.calls.map((c) => c.op);
  }
}

function setup(spec: Record<string, unknown> = {}) {
  const fake = new FakeS3();
  const kind = makeBucketKind({ s3: () => fake });
  const deps = { config: { ...DEFAULT_HOOKS_CONFIG, accountId: ACCOUNT }, aws: new AwsClients(), log: silent, now: () => new Date('2026-11-22T10:00:00Z') };
  let parent = {
    apiVersion: 's3.awshooks.dev/v1alpha1',
    kind: 'Bucket',
    metadata: { name: 'data', namespace: 'shop', uid: 'uid-1', generation: 1 },
    spec: { region: 'eu-west-1', ...spec },
  } as Parent;
  const run = async (finalizing = false): Promise<SyncResponse> => {
    const { response } = await reconcile(
      kind,
      { controller: { apiVersion: 'x', kind: 'y', metadata: { name: 'c' } }, parent, children: { 'ConfigMap.v1': {} }, finalizing },
      deps,
    );
    parent = { ...parent, status: response.status };
    return response;
  };
  return { fake, run, setSpec: (s: Record<string, unknown>) => (parent = { ...parent, spec: { region: 'eu-west-1', ...s } } as Parent) };
}

const ready = (r: SyncResponse) =>
  (r.status.conditions as { type: string; status: string; reason: string; message: string }[]).find((c) => c.type === 'Ready')!;
const ourTags = Object.entries(ownerTags(owner)).map(([Key, Value]) => ({ Key, Value }));

t.test('create: tags at creation and again (moto ignores them), the public access block, our account on every call', async (t) => {
  const { fake, run } = setup({ tags: { team: 'a' } });
  const answer = await run();
  t.equal(ready(answer).status, 'True');
  t.same(fake.ops(), ['GetBucketTagging', 'CreateBucket', 'PutBucketTagging', 'PutPublicAccessBlock']);
  const create = fake.calls[1]!.input as { CreateBucketConfiguration: { LocationConstraint?: string; Tags: { Key: string }[] } };
  t.equal(create.CreateBucketConfiguration.LocationConstraint, 'eu-west-1');
  t.same(create.CreateBucketConfiguration.Tags.map((x) => x.Key).sort(), [...ourTags.map((x) => x.Key), 'team'].sort(), 'owner tags at creation');
  t.ok(
    fake.calls.filter((c) => c.op !== 'CreateBucket').every((c) => c.input.ExpectedBucketOwner === ACCOUNT),
    'ExpectedBucketOwner on every call',
  );
});

t.test('us-east-1 gets no LocationConstraint', async (t) => {
  const fake = new FakeS3();
  const kind = makeBucketKind({ s3: () => fake });
  const parent = {
    apiVersion: 's3.awshooks.dev/v1alpha1',
    kind: 'Bucket',
    metadata: { name: 'data', namespace: 'shop', uid: 'uid-1' },
    spec: { region: 'us-east-1' },
  } as Parent;
  await reconcile(
    kind,
    { controller: { apiVersion: 'x', kind: 'y', metadata: { name: 'c' } }, parent, children: {} },
    { config: { ...DEFAULT_HOOKS_CONFIG, accountId: ACCOUNT }, aws: new AwsClients(), log: silent },
  );
  const config = fake.calls.find((c) => c.op === 'CreateBucket')!.input.CreateBucketConfiguration as Record<string, unknown>;
  t.notOk('LocationConstraint' in config, 'us-east-1 refuses a LocationConstraint naming itself');
  t.ok(Array.isArray(config.Tags), 'tags still at creation');
});

t.test('a tagging failure right after CreateBucket removes the untagged bucket, so it is never stranded', async (t) => {
  const { fake, run } = setup();
  fake.fail.PutBucketTagging = awsError('InternalError', 500);
  const answer = await run();
  t.equal(ready(answer).reason, 'InternalError', 'reported, retried with backoff');
  t.same(fake.ops(), ['GetBucketTagging', 'CreateBucket', 'PutBucketTagging', 'DeleteBucket']);
  t.equal(fake.exists, false, 'the bucket we could not tag is gone');
  delete fake.fail.PutBucketTagging;
  t.equal(ready(await run()).status, 'True', 'the next sync starts over');
});

t.test('names taken elsewhere: 403 (another account), BucketAlreadyExists, a bucket in another region', async (t) => {
  {
    const { fake, run } = setup();
    fake.fail.GetBucketTagging = awsError('AccessDenied', 403);
    const answer = await run();
    t.equal(ready(answer).reason, 'Conflict');
    t.match(ready(answer).message, /another AWS account/);
    t.same(fake.ops(), ['GetBucketTagging'], 'nothing written');
    const fin = await run(true);
    t.equal(fin.finalized, true, 'finalize does not wait for a bucket it cannot see');
    t.equal(ready(fin).reason, 'NotOwned');
    t.notOk(fake.ops().includes('DeleteBucket'));
  }
  {
    const { fake, run } = setup();
    fake.fail.CreateBucket = awsError('BucketAlreadyExists', 409);
    const answer = await run();
    t.equal(ready(answer).reason, 'Conflict');
    t.match(ready(answer).message, /taken by another AWS account: S3 bucket names are global/);
    t.equal(answer.resyncAfterSeconds, 300, 'terminal: slow resync');
  }
  {
    const { fake, run } = setup();
    fake.fail.CreateBucket = awsError('BucketAlreadyOwnedByYou', 409);
    const answer = await run();
    t.equal(ready(answer).reason, 'BucketAlreadyOwnedByYou');
    t.equal(answer.resyncAfterSeconds, 5, 'recoverable: read again soon');
  }
  {
    // A CreateBucket the SDK retried after a timeout: the first attempt made it, with our tags.
    const { fake, run } = setup({ versioning: 'Enabled' });
    const send = fake.send.bind(fake);
    fake.send = async (cmd) => {
      if (cmd.constructor.name === 'CreateBucketCommand') {
        await send(cmd);
        fake.tags = ourTags;
        throw awsError('BucketAlreadyOwnedByYou', 409);
      }
      return send(cmd);
    };
    const answer = await run();
    t.equal(ready(answer).status, 'True', 'ours: carries on as an update in the same sync');
    t.ok(fake.ops().includes('PutBucketVersioning') && fake.ops().includes('PutPublicAccessBlock'), 'configured');
    t.notOk(fake.ops().includes('DeleteBucket'), 'never cleaned up: it is not a bucket this call created');
  }
  {
    const { fake, run } = setup();
    fake.fail.GetBucketTagging = awsError('PermanentRedirect', 301);
    const answer = await run();
    t.equal(ready(answer).reason, 'WrongRegion');
    t.match(ready(answer).message, /another region than eu-west-1/);
  }
});

t.test('finalize: BucketNotEmpty waits with the count; the count of a huge bucket says "or more"; an empty bucket goes', async (t) => {
  const { fake, run } = setup();
  await run();
  fake.calls = [];
  fake.objects = 1;
  let fin = await run(true);
  t.equal(fin.finalized, false);
  t.equal(ready(fin).reason, 'BucketNotEmpty');
  t.match(ready(fin).message, /still holds 1 object version or delete marker; awshooks never deletes objects/);
  t.same(fake.ops(), ['GetBucketTagging', 'DeleteBucket', 'ListObjectVersions'], 'finalize reads only the tags; never a DeleteObject');
  fake.objects = 1000;
  fake.truncated = true;
  fin = await run(true);
  t.match(ready(fin).message, /still holds 1000 or more object versions and delete markers/);
  fake.objects = 0;
  fin = await run(true);
  t.equal(fin.finalized, true);
  t.equal(fake.exists, false);
});

t.test('the public access block is relaxed before a public policy, tightened after it is removed', async (t) => {
  const ARN = `arn:aws:s3:::${BUCKET}`;
  const publicPolicy = { Statement: [{ Sid: 'Web', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${ARN}/*` }] };
  const { fake, run, setSpec } = setup();
  await run();
  setSpec({ policy: publicPolicy, publicAccessBlock: { blockPublicPolicy: false, restrictPublicBuckets: false } });
  fake.calls = [];
  t.equal(ready(await run()).status, 'True');
  const writes = fake.ops().filter((op) => op.startsWith('Put'));
  t.same(writes, ['PutPublicAccessBlock', 'PutBucketPolicy'], 'relax first, so S3 accepts the policy');
  setSpec({});
  fake.calls = [];
  t.equal(ready(await run()).status, 'True');
  t.same(
    fake.ops().filter((op) => op.startsWith('Put') || op.startsWith('Delete')),
    ['DeleteBucketPolicy', 'PutPublicAccessBlock'],
    'remove the policy, then block again',
  );
});
