import t from 'tap';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import { ownerTags } from '../../../../hooks/core/ownership.js';
import { validateSpec } from '../../../../hooks/core/spec-validation.js';
import type { Owner, Parent } from '../../../../hooks/core/types.js';
import { encryptionMismatch, policiesToRead, repositoryDelta, type RepositoryObserved } from '../../../../hooks/repository/delta.js';
import { desiredRepository, type RepositoryDesired } from '../../../../hooks/repository/desired.js';
import { RepositorySpecSchema, type RepositorySpec, type RepositoryStatus } from '../../../../schemas/repository.js';

const owner: Owner = { cluster: 'default', namespace: 'shop', name: 'api', uid: 'uid-1', kind: 'Repository' };
const ARN = 'arn:aws:ecr:eu-west-1:123456789012:repository/awshooks/shop/api';
const lifecyclePolicy = {
  rules: [
    { rulePriority: 1, selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 }, action: { type: 'expire' } },
  ],
};
const policy = { Version: '2012-10-17', Statement: [{ Sid: 'Pull', Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'ecr:BatchGetImage' }] };

function desired(spec: Record<string, unknown>): RepositoryDesired {
  const full = validateSpec<RepositorySpec>(RepositorySpecSchema, { region: 'eu-west-1', ...spec });
  const parent = { apiVersion: 'ecr.awshooks.dev/v1alpha1', kind: 'Repository', metadata: { name: 'api', namespace: 'shop' }, spec: full } as Parent<
    RepositorySpec,
    RepositoryStatus
  >;
  return desiredRepository({ parent, spec: full, children: {}, related: {}, config: DEFAULT_HOOKS_CONFIG, owner, finalizing: false, now: new Date() });
}
const observed = (o: Partial<RepositoryObserved> = {}): RepositoryObserved => ({
  arn: ARN,
  uri: 'u',
  imageTagMutability: 'MUTABLE',
  scanOnPush: false,
  encryption: { type: 'AES256' },
  tags: { ...ownerTags(owner) },
  ...o,
});
const prev: RepositoryStatus = { repositoryName: 'awshooks/shop/api' };

t.test('reads: the policies only when managed, now or before', async (t) => {
  t.same(policiesToRead(desired({}), undefined), { lifecycle: false, policy: false });
  t.same(policiesToRead(desired({ lifecyclePolicy, policy }), undefined), { lifecycle: true, policy: true });
  t.same(policiesToRead(desired({}), { ...prev, managedConfigurations: ['policy'] }), { lifecycle: false, policy: true });
});

t.test("converged: no write; ECR's rewrites do not count", async (t) => {
  const d = desired({ lifecyclePolicy, policy, encryption: { type: 'KMS', kmsKey: 'k1' }, tags: { team: 'a' } });
  const o = observed({
    tags: { ...ownerTags(owner), team: 'a', foreign: 'x' },
    encryption: { type: 'KMS', kmsKey: 'arn:aws:kms:eu-west-1:123456789012:key/k1' },
    lifecyclePolicy: JSON.parse(JSON.stringify(lifecyclePolicy)),
    policy: {
      Version: '2012-10-17',
      Statement: [{ Sid: 'Pull', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: ['ecr:BatchGetImage'] }],
    },
  });
  t.same(repositoryDelta(d, o, { ...prev, managedTagKeys: ['team'] }).paths, []);
});

t.test('differences', async (t) => {
  const d = desired({ imageTagMutability: 'IMMUTABLE', scanOnPush: true, lifecyclePolicy, policy, tags: { team: 'a' } });
  const converged = observed({ imageTagMutability: 'IMMUTABLE', scanOnPush: true, lifecyclePolicy, policy, tags: { ...ownerTags(owner), team: 'a' } });
  const cases: [string, Partial<RepositoryObserved>, string[]][] = [
    ['mutability', { imageTagMutability: 'MUTABLE' }, ['imageTagMutability']],
    ['scan on push', { scanOnPush: false }, ['scanOnPush']],
    ['lifecycle removed', { lifecyclePolicy: null }, ['lifecyclePolicy']],
    [
      'lifecycle changed',
      { lifecyclePolicy: { rules: [{ ...lifecyclePolicy.rules[0], selection: { ...lifecyclePolicy.rules[0]!.selection, countNumber: 7 } }] } },
      ['lifecyclePolicy'],
    ],
    ['policy removed', { policy: null }, ['policy']],
    ['tag changed', { tags: { ...ownerTags(owner), team: 'b' } }, ['tags']],
    ['owner tag removed', { tags: { team: 'a' } }, ['tags']],
  ];
  for (const [what, change, paths] of cases) t.same(repositoryDelta(d, { ...converged, ...change }, { ...prev, managedTagKeys: ['team'] }).paths, paths, what);
  const removed = repositoryDelta(desired({}), observed({ lifecyclePolicy, policy }), { ...prev, managedConfigurations: ['lifecycle', 'policy'] });
  t.equal(removed.lifecycle, 'delete');
  t.equal(removed.policy, 'delete');
  const tags = repositoryDelta(desired({ tags: { team: 'a' } }), observed({ tags: { ...ownerTags(owner), old: 'x', foreign: 'y' } }), {
    ...prev,
    managedTagKeys: ['old'],
  });
  t.same(tags.tagsToAdd, { team: 'a' });
  t.same(tags.tagsToRemove, ['old'], 'only keys we set are removed');
});

t.test('encryption cannot be changed: reported', async (t) => {
  t.equal(encryptionMismatch(undefined, { type: 'KMS', kmsKey: 'x' }), undefined, 'not in the spec: whatever it is');
  t.match(encryptionMismatch({ type: 'KMS' }, { type: 'AES256' }), /encrypted with AES256, the spec says KMS/);
  t.equal(encryptionMismatch({ type: 'KMS' }, { type: 'KMS', kmsKey: 'arn:aws:kms:eu-west-1:1:key/aws-ecr' }), undefined, 'KMS with the default key');
  t.match(
    encryptionMismatch(
      { type: 'KMS', kmsKey: 'arn:aws:kms:eu-west-1:123456789012:key/a' },
      { type: 'KMS', kmsKey: 'arn:aws:kms:eu-west-1:123456789012:key/b' },
    ),
    /uses KMS key .*key\/b/,
  );
  t.same(repositoryDelta(desired({ encryption: { type: 'KMS' } }), observed(), prev).paths, ['encryption']);
});
