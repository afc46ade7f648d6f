/**
 * The Repository kind through the real reconcile loop against a fake ECR: the exact calls of
 * create, a drift check and finalize, and the cases moto does not show.
 */
import t from 'tap';
import { AwsClients } from '../../../../hooks/core/aws-clients.js';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import type { Logger } from '../../../../hooks/core/logger.js';
import { reconcile } from '../../../../hooks/core/reconcile.js';
import type { Parent, SyncResponse } from '../../../../hooks/core/types.js';
import { makeRepositoryKind } from '../../../../hooks/repository/index.js';

const NAME = 'awshooks/shop/api';
const ARN = `arn:aws:ecr:eu-west-1:123456789012:repository/${NAME}`;
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function awsError(name: string, status = 400): Error {
  return Object.assign(new Error(`${name}: simulated`), {
    name,
    Code: name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });
}

class FakeEcr {
  repo: Record<string, unknown> | undefined;
  tags: { Key: string; Value: string }[] = [];
  images: { imageDigest: string; imageTag?: string }[] = [];
  nextToken: string | undefined;
  calls: { op: string; input: Record<string, unknown> }[] = [];
  fail: Record<string, Error> = {};
  async send(cmd: { input: Record<string, unknown>; constructor: { name: string } }): Promise<unknown> {
    const op = cmd.constructor.name.replace(/Command$/, '');
    this.calls.push({ op, input: cmd.input });
    if (this.fail[op]) throw this.fail[op];
    if (op !== 'CreateRepository' && !this.repo) throw awsError('RepositoryNotFoundException');
    if (op === 'CreateRepository' && this.repo) throw awsError('RepositoryAlreadyExistsException');
    switch (op) {
      case 'CreateRepository':
        this.repo = {
          repositoryArn: ARN,
          repositoryName: NAME,
          repositoryUri: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${NAME}`,
          imageTagMutability: cmd.input.imageTagMutability,
          imageScanningConfiguration: cmd.input.imageScanningConfiguration,
          encryptionConfiguration: { encryptionType: 'AES256' },
        };
        this.tags = cmd.input.tags as { Key: string; Value: string }[];
        return { repository: this.repo };
      case 'DescribeRepositories':
        return { repositories: [this.repo] };
      case 'ListTagsForResource':
        return { tags: this.tags };
      case 'GetLifecyclePolicy':
        throw awsError('LifecyclePolicyNotFoundException');
      case 'DeleteRepository':
        if (this.images.length && !cmd.input.force) throw awsError('RepositoryNotEmptyException');
        this.repo = undefined;
        return {};
      case 'ListImages':
        return { imageIds: this.images, nextToken: this.nextToken };
      default:
        return {};
    }
  }
  ops(): string[] {
    return this.calls.map((c) => c.op);
  }
}

function setup(spec: Record<string, unknown> = {}) {
  const fake = new FakeEcr();
  const kind = makeRepositoryKind({ ecr: () => fake });
  let parent = {
    apiVersion: 'ecr.awshooks.dev/v1alpha1',
    kind: 'Repository',
    metadata: { name: 'api', namespace: 'shop', uid: 'uid-1', generation: 1 },
    spec: { region: 'eu-west-1', ...spec },
  } as Parent;
  let now = Date.parse('2026-11-22T10:00:00Z');
  const deps = { config: DEFAULT_HOOKS_CONFIG, aws: new AwsClients(), log: silent, now: () => new Date(now) };
  const run = async (finalizing = false): Promise<SyncResponse> => {
    const { response } = await reconcile(
      kind,
      { controller: { apiVersion: 'x', kind: 'y', metadata: { name: 'c' } }, parent, children: { 'ConfigMap.v1': {} }, finalizing },
      deps,
    );
    parent = { ...parent, status: response.status };
    return response;
  };
  return {
    fake,
    run,
    advance: (s: number) => (now += s * 1000),
    setSpec: (s: Record<string, unknown>) => (parent = { ...parent, spec: { region: 'eu-west-1', ...s } } as Parent),
  };
}
const ready = (r: SyncResponse) =>
  (r.status.conditions as { type: string; status: string; reason: string; message: string }[]).find((c) => c.type === 'Ready')!;

t.test('create with tags; a drift check is DescribeRepositories + ListTagsForResource (+ each managed policy)', async (t) => {
  const { fake, run, advance } = setup({
    lifecyclePolicy: {
      rules: [{ rulePriority: 1, selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 50 }, action: { type: 'expire' } }],
    },
  });
  t.equal(ready(await run()).status, 'True');
  t.same(fake.ops(), ['DescribeRepositories', 'CreateRepository', 'PutLifecyclePolicy']);
  t.ok(
    (fake.calls[1]!.input.tags as { Key: string }[]).some((x) => x.Key === 'awshooks.dev/uid'),
    'owner tags at creation',
  );
  fake.calls = [];
  advance(31);
  await run();
  t.same(
    fake.ops().sort(),
    ['DescribeRepositories', 'GetLifecyclePolicy', 'ListTagsForResource', 'PutLifecyclePolicy'].sort(),
    'a lifecycle policy removed behind our back is put back',
  );
});

t.test('RepositoryAlreadyExists at create: ours (an SDK retry after a timeout) carries on; anything else is read again', async (t) => {
  {
    const { fake, run } = setup({ scanOnPush: true });
    // The first attempt created it (with our tags) and timed out; the retry is told it exists.
    const send = fake.send.bind(fake);
    let first = true;
    fake.send = async (cmd) => {
      if (cmd.constructor.name === 'CreateRepositoryCommand' && first) {
        first = false;
        await send(cmd);
      }
      return send(cmd);
    };
    fake.repo = undefined;
    const answer = await run();
    t.equal(ready(answer).status, 'True', 'converged in the same sync');
    t.same(fake.ops(), ['DescribeRepositories', 'CreateRepository', 'CreateRepository', 'DescribeRepositories', 'ListTagsForResource']);
  }
  {
    const { fake, run } = setup();
    fake.fail.CreateRepository = awsError('RepositoryAlreadyExistsException');
    const answer = await run();
    t.equal(ready(answer).reason, 'RepositoryAlreadyExistsException', 'not readable: reported, read again soon');
    t.equal(answer.resyncAfterSeconds, 5);
  }
  {
    const { fake, run } = setup();
    const send = fake.send.bind(fake);
    fake.send = async (cmd) => {
      if (cmd.constructor.name === 'CreateRepositoryCommand') {
        await send(cmd);
        fake.tags = [
          { Key: 'awshooks.dev/namespace', Value: 'other' },
          { Key: 'awshooks.dev/name', Value: 'x' },
          { Key: 'awshooks.dev/cluster', Value: 'default' },
        ];
        throw awsError('RepositoryAlreadyExistsException');
      }
      return send(cmd);
    };
    const answer = await run();
    t.equal(ready(answer).reason, 'RepositoryAlreadyExistsException', "someone else's: nothing written");
    t.notOk(fake.ops().some((op) => /^(Put|Set|Tag|Untag)/.test(op)));
  }
});

t.test('finalize: waits with the image count (distinct digests), deletes with force', async (t) => {
  const { fake, run, setSpec } = setup();
  await run();
  fake.images = [{ imageDigest: 'sha256:a', imageTag: 'v1' }, { imageDigest: 'sha256:a', imageTag: 'latest' }, { imageDigest: 'sha256:b' }];
  fake.calls = [];
  let fin = await run(true);
  t.equal(fin.finalized, false);
  t.match(ready(fin).message, /still holds 2 images; set spec\.force: true/);
  t.same(fake.ops(), ['DescribeRepositories', 'ListTagsForResource', 'DeleteRepository', 'ListImages'], 'finalize reads no policy');
  t.equal(fake.calls[2]!.input.force, false);
  fake.nextToken = 'more';
  fin = await run(true);
  t.match(ready(fin).message, /still holds 2 or more images/);
  setSpec({ force: true });
  fin = await run(true);
  t.equal(fin.finalized, true);
  t.equal(fake.calls.filter((c) => c.op === 'DeleteRepository').at(-1)!.input.force, true);
});
