/** The Repository kind against the moto server: what crosses the wire. */
import t from 'tap';
import {
  CreateRepositoryCommand,
  DeleteLifecyclePolicyCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetLifecyclePolicyCommand,
  GetRepositoryPolicyCommand,
  ListTagsForResourceCommand,
  PutImageCommand,
  PutImageScanningConfigurationCommand,
  PutImageTagMutabilityCommand,
  SetRepositoryPolicyCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-ecr';
import { motoEndpoint, resetMoto } from '../../helpers/moto.js';
import { applyAnswer, testApp, type TestApp } from '../../helpers/app.js';
import type { Parent, SyncResponse } from '../../../hooks/core/types.js';

const region = 'eu-west-1';
const ecr = () => new ECRClient({ region, endpoint: motoEndpoint() });
const CM = 'ConfigMap.v1';

function repositoryParent(name: string, spec: Record<string, unknown>, namespace = 'shop'): Parent {
  return {
    apiVersion: 'ecr.awshooks.dev/v1alpha1',
    kind: 'Repository',
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
  const answer = await app.sync('repositories', { parent, children: { [CM]: {} } });
  return { answer, ...applyAnswer(parent, answer, [CM]) };
}

async function writeCalls(app: TestApp): Promise<number> {
  const values = (await app.metrics.awsCalls.get()).values.filter(
    (v) => v.labels.service === 'ecr' && /^(Put|Set|Delete|Create|Tag|Untag)/.test(String(v.labels.operation)),
  );
  return values.reduce((n, v) => n + v.value, 0);
}

const describe = async (name: string) => (await ecr().send(new DescribeRepositoriesCommand({ repositoryNames: [name] }))).repositories![0]!;
const tagsOf = async (arn: string) =>
  Object.fromEntries(((await ecr().send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags ?? []).map((x) => [x.Key!, x.Value!]));

const lifecyclePolicy = {
  rules: [
    {
      rulePriority: 1,
      description: 'keep the last 20 releases',
      selection: { tagStatus: 'tagged', tagPrefixList: ['v'], countType: 'imageCountMoreThan', countNumber: 20 },
      action: { type: 'expire' },
    },
    { rulePriority: 2, selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 }, action: { type: 'expire' } },
  ],
};
const policy = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Pull', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] },
  ],
};

/** A minimal image manifest ECR (and moto) accepts. */
function manifest(n: number): string {
  const digest = (c: string) => `sha256:${c.repeat(64)}`;
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 100 + n, digest: digest(String(n % 10)) },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 200 + n, digest: digest(String.fromCharCode(97 + (n % 6))) }],
  });
}

t.beforeEach(async () => {
  await resetMoto();
});

t.test('create: name under the prefix, settings and owner tags; converged syncs make no call; a drift check reads 2', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const first = await converge(app, repositoryParent('api', { imageTagMutability: 'IMMUTABLE', scanOnPush: true, tags: { team: 'web' } }));
  t.equal(cond(first.answer, 'Ready').status, 'True', JSON.stringify(first.answer.status.conditions));
  t.equal(first.answer.status.repositoryName, 'awshooks/shop/api');
  const uri = first.answer.status.repositoryUri as string;
  t.match(uri, /^\d{12}\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/awshooks\/shop\/api$/);
  t.same(first.answer.children, [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'api-repository',
        labels: { 'app.kubernetes.io/managed-by': 'awshooks', 'awshooks.dev/owner-kind': 'Repository', 'awshooks.dev/owner-name': 'api' },
      },
      data: { REPOSITORY_URI: uri, REPOSITORY_ARN: first.answer.status.repositoryArn, REPOSITORY_NAME: 'awshooks/shop/api', AWS_REGION: region },
    },
  ]);
  const repo = await describe('awshooks/shop/api');
  t.equal(repo.imageTagMutability, 'IMMUTABLE');
  t.equal(repo.imageScanningConfiguration?.scanOnPush, true);
  const tags = await tagsOf(repo.repositoryArn!);
  t.equal(tags.team, 'web');
  t.equal(tags['awshooks.dev/namespace'], 'shop', 'owner tags at creation');
  t.equal(tags['awshooks.dev/kind'], 'Repository');

  let calls = await app.awsCalls();
  app.clock.advance(5);
  const steady = await app.sync('repositories', { parent: first.parent, children: first.children });
  t.equal((await app.awsCalls()) - calls, 0, 'converged sync inside the interval: zero AWS calls');
  t.same(steady.status, first.answer.status);

  app.clock.advance(30);
  calls = await app.awsCalls();
  const writes = await writeCalls(app);
  await app.sync('repositories', { parent: first.parent, children: first.children });
  t.equal((await app.awsCalls()) - calls, 2, 'a drift check costs DescribeRepositories and ListTagsForResource');
  t.equal(await writeCalls(app), writes, 'and no write');
});

t.test('lifecycle and repository policies: applied, 4 reads per drift check, drift set back, removed with the spec', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const name = 'awshooks/shop/api';
  const first = await converge(
    app,
    repositoryParent('api', {
      lifecyclePolicy,
      policy,
      encryption: { type: 'KMS', kmsKey: 'arn:aws:kms:eu-west-1:123456789012:key/abcd' },
      tags: { team: 'web' },
    }),
  );
  t.equal(cond(first.answer, 'Ready').status, 'True', JSON.stringify(first.answer.status.conditions));
  const client = ecr();
  t.same(
    JSON.parse((await client.send(new GetLifecyclePolicyCommand({ repositoryName: name }))).lifecyclePolicyText!).rules.map(
      (r: { rulePriority: number }) => r.rulePriority,
    ),
    [1, 2],
  );
  t.equal(JSON.parse((await client.send(new GetRepositoryPolicyCommand({ repositoryName: name }))).policyText!).Statement[0].Sid, 'Pull');
  t.same((await describe(name)).encryptionConfiguration, { encryptionType: 'KMS', kmsKey: 'arn:aws:kms:eu-west-1:123456789012:key/abcd' });

  app.clock.advance(31);
  let calls = await app.awsCalls();
  let writes = await writeCalls(app);
  await app.sync('repositories', { parent: first.parent, children: first.children });
  t.equal((await app.awsCalls()) - calls, 4, 'DescribeRepositories, ListTagsForResource, GetLifecyclePolicy, GetRepositoryPolicy');
  t.equal(await writeCalls(app), writes, 'nothing rewritten (documents compared by meaning)');

  // Behind our back.
  const arn = first.answer.status.repositoryArn as string;
  await client.send(new DeleteLifecyclePolicyCommand({ repositoryName: name }));
  await client.send(
    new SetRepositoryPolicyCommand({
      repositoryName: name,
      policyText: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Everyone', Effect: 'Allow', Principal: '*', Action: 'ecr:*' }] }),
    }),
  );
  await client.send(new PutImageTagMutabilityCommand({ repositoryName: name, imageTagMutability: 'IMMUTABLE' }));
  await client.send(new PutImageScanningConfigurationCommand({ repositoryName: name, imageScanningConfiguration: { scanOnPush: true } }));
  await client.send(
    new TagResourceCommand({
      resourceArn: arn,
      tags: [
        { Key: 'team', Value: 'hijacked' },
        { Key: 'cost-center', Value: 'x' },
      ],
    }),
  );
  await client.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['awshooks.dev/uid'] }));
  app.clock.advance(31);
  const fixed = await app.sync('repositories', { parent: first.parent, children: first.children });
  t.equal(cond(fixed, 'Ready').status, 'True', JSON.stringify(fixed.status.conditions));
  t.ok((await client.send(new GetLifecyclePolicyCommand({ repositoryName: name }))).lifecyclePolicyText, 'lifecycle policy back');
  t.equal(
    JSON.parse((await client.send(new GetRepositoryPolicyCommand({ repositoryName: name }))).policyText!).Statement[0].Sid,
    'Pull',
    'repository policy back',
  );
  const repo = await describe(name);
  t.equal(repo.imageTagMutability, 'MUTABLE', 'tag mutability back');
  t.equal(repo.imageScanningConfiguration?.scanOnPush, false, 'scan on push back');
  const tags = await tagsOf(arn);
  t.equal(tags.team, 'web');
  t.equal(tags['awshooks.dev/uid'], 'uid-shop-api', 'owner tag back');
  t.equal(tags['cost-center'], 'x', 'a tag set outside is kept');

  const state = applyAnswer(first.parent, fixed, [CM]);
  app.clock.advance(31);
  writes = await writeCalls(app);
  await app.sync('repositories', { parent: state.parent, children: state.children });
  t.equal(await writeCalls(app), writes, 'no write once repaired');

  // Both policies leave the spec: awshooks removes what it applied.
  const changed = {
    ...state.parent,
    metadata: { ...state.parent.metadata, generation: 2 },
    spec: { region, encryption: { type: 'KMS', kmsKey: 'arn:aws:kms:eu-west-1:123456789012:key/abcd' }, tags: { team: 'web' } },
  } as Parent;
  const removed = await app.sync('repositories', { parent: changed, children: state.children });
  t.equal(cond(removed, 'Ready').status, 'True');
  await t.rejects(client.send(new GetLifecyclePolicyCommand({ repositoryName: name })), { name: 'LifecyclePolicyNotFoundException' });
  await t.rejects(client.send(new GetRepositoryPolicyCommand({ repositoryName: name })), { name: 'RepositoryPolicyNotFoundException' });
  const after = applyAnswer(changed, removed, [CM]);
  app.clock.advance(31);
  calls = await app.awsCalls();
  await app.sync('repositories', { parent: after.parent, children: after.children });
  t.equal((await app.awsCalls()) - calls, 2, 'no longer read once removed');
});

t.test('a repository encrypted otherwise than the spec says is a terminal error, nothing written', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  await ecr().send(new CreateRepositoryCommand({ repositoryName: 'awshooks/shop/legacy', imageTagMutability: 'IMMUTABLE' }));
  const answer = await app.sync('repositories', { parent: repositoryParent('legacy', { adopt: true, encryption: { type: 'KMS' } }), children: { [CM]: {} } });
  t.equal(cond(answer, 'Ready').reason, 'EncryptionMismatch');
  t.match(cond(answer, 'Ready').message, /encrypted with AES256, the spec says KMS/);
  t.equal((await describe('awshooks/shop/legacy')).imageTagMutability, 'IMMUTABLE', 'nothing changed');
});

t.test('a foreign repository is a Conflict and never touched; adopt takes over an unowned one', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const client = ecr();
  await client.send(
    new CreateRepositoryCommand({
      repositoryName: 'awshooks/shop/api',
      imageTagMutability: 'IMMUTABLE',
      tags: [
        { Key: 'awshooks.dev/cluster', Value: 'default' },
        { Key: 'awshooks.dev/namespace', Value: 'shop' },
        { Key: 'awshooks.dev/name', Value: 'someone-else' },
        { Key: 'awshooks.dev/kind', Value: 'Repository' },
      ],
    }),
  );
  const parent = repositoryParent('api', { repositoryName: 'awshooks/shop/api', adopt: true });
  const conflict = await app.sync('repositories', { parent, children: { [CM]: {} } });
  t.equal(cond(conflict, 'Ready').reason, 'Conflict');
  t.match(cond(conflict, 'Ready').message, /belongs to Repository shop\/someone-else/);
  t.equal((await describe('awshooks/shop/api')).imageTagMutability, 'IMMUTABLE', 'not modified');
  const fin = await app.sync('repositories', { parent: { ...parent, status: conflict.status }, children: { [CM]: {} }, finalizing: true }, 'finalize');
  t.equal(fin.finalized, true);
  t.equal(cond(fin, 'Ready').reason, 'NotOwned');
  t.ok(await describe('awshooks/shop/api'), 'never deleted');

  await client.send(new CreateRepositoryCommand({ repositoryName: 'awshooks/shop/legacy', tags: [{ Key: 'cost-center', Value: 'x' }] }));
  const legacy = repositoryParent('legacy', { scanOnPush: true });
  const refused = await app.sync('repositories', { parent: legacy, children: { [CM]: {} } });
  t.equal(cond(refused, 'Ready').reason, 'Conflict');
  t.match(cond(refused, 'Ready').message, /adopt/);
  const adopted = await app.sync('repositories', { parent: { ...legacy, spec: { ...legacy.spec, adopt: true } }, children: { [CM]: {} } });
  t.equal(cond(adopted, 'Ready').status, 'True');
  const repo = await describe('awshooks/shop/legacy');
  t.equal(repo.imageScanningConfiguration?.scanOnPush, true);
  const tags = await tagsOf(repo.repositoryArn!);
  t.equal(tags['awshooks.dev/name'], 'legacy', 'tagged as ours');
  t.equal(tags['cost-center'], 'x', 'its own tags kept');
});

t.test('finalize: an empty repository is deleted; one with images waits (count shown) unless force; Retain leaves it', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const client = ecr();
  const empty = await converge(app, repositoryParent('empty', {}));
  const gone = await app.sync('repositories', { parent: empty.parent, children: empty.children, finalizing: true }, 'finalize');
  t.equal(gone.finalized, true);
  t.equal(cond(gone, 'Ready').reason, 'Deleted');
  await t.rejects(client.send(new DescribeRepositoriesCommand({ repositoryNames: ['awshooks/shop/empty'] })), { name: 'RepositoryNotFoundException' });

  const full = await converge(app, repositoryParent('api', {}));
  await client.send(new PutImageCommand({ repositoryName: 'awshooks/shop/api', imageManifest: manifest(1), imageTag: 'v1' }));
  await client.send(new PutImageCommand({ repositoryName: 'awshooks/shop/api', imageManifest: manifest(2), imageTag: 'v2' }));
  const waiting = await app.sync('repositories', { parent: full.parent, children: full.children, finalizing: true }, 'finalize');
  t.equal(waiting.finalized, false, 'not finalized while images remain');
  t.equal(cond(waiting, 'Ready').reason, 'RepositoryNotEmpty');
  t.match(cond(waiting, 'Ready').message, /still holds 2 images/);
  t.match(cond(waiting, 'Ready').message, /spec\.force: true/);
  t.equal(waiting.resyncAfterSeconds, 60);
  t.same(
    waiting.children.map((c) => c.metadata.name),
    ['api-repository'],
    'the ConfigMap is kept while waiting',
  );
  t.ok(await describe('awshooks/shop/api'), 'still there with its images');

  // The user sets force while the object is being deleted.
  const forced = { ...full.parent, spec: { ...full.parent.spec, force: true }, status: waiting.status } as Parent;
  const deleted = await app.sync('repositories', { parent: forced, children: full.children, finalizing: true }, 'finalize');
  t.equal(deleted.finalized, true, 'force deletes the repository with its images');
  await t.rejects(client.send(new DescribeRepositoriesCommand({ repositoryNames: ['awshooks/shop/api'] })), { name: 'RepositoryNotFoundException' });

  const keep = await converge(app, repositoryParent('base', { deletionPolicy: 'Retain', force: true }));
  const calls = await app.awsCalls();
  const kept = await app.sync('repositories', { parent: keep.parent, children: keep.children, finalizing: true }, 'finalize');
  t.equal(kept.finalized, true);
  t.equal(cond(kept, 'Ready').reason, 'Retained');
  t.equal((await app.awsCalls()) - calls, 0, 'Retain makes no AWS call');
  t.ok(await describe('awshooks/shop/base'), 'still there');
});

t.test('invalid specs make no AWS call', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const invalid: [Record<string, unknown>, RegExp][] = [
    [{ repositoryName: 'awshooks/other/api' }, /must start with "awshooks\/shop\/"/],
    [
      {
        lifecyclePolicy: {
          rules: [
            { rulePriority: 1, selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 5 }, action: { type: 'expire' } },
            { rulePriority: 2, selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 5 }, action: { type: 'expire' } },
          ],
        },
      },
      /highest rulePriority/,
    ],
    [
      {
        lifecyclePolicy: {
          rules: [{ rulePriority: 1, selection: { tagStatus: 'tagged', countType: 'imageCountMoreThan', countNumber: 5 }, action: { type: 'expire' } }],
        },
      },
      /tagPrefixList/,
    ],
    [{ policy: { Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject' }] } }, /not a ecr: action/],
    [{ encryption: { type: 'AES256', kmsKey: 'k' } }, /needs type KMS/],
  ];
  for (const [spec, message] of invalid) {
    const answer = await app.sync('repositories', { parent: repositoryParent('bad', spec), children: { [CM]: {} } });
    t.equal(cond(answer, 'Ready').reason, 'InvalidSpec', JSON.stringify(spec));
    t.match(cond(answer, 'Ready').message, message);
  }
  t.equal(await app.awsCalls(), 0, 'no AWS call for an invalid spec');
});

t.test('the sample reaches Ready', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const { readFileSync } = await import('node:fs');
  const { parse } = await import('yaml');
  const sample = parse(readFileSync(new URL('../../../manifests/samples/repository-api.yaml', import.meta.url), 'utf8')) as Parent;
  const answer = await app.sync('repositories', { parent: { ...sample, metadata: { ...sample.metadata, uid: 'uid-sample' } }, children: { [CM]: {} } });
  t.equal(cond(answer, 'Ready').status, 'True', JSON.stringify(answer.status.conditions));
  t.equal(answer.status.repositoryName, 'awshooks/default/api');
});
