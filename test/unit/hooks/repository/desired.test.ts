import t from 'tap';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import { ownerTags } from '../../../../hooks/core/ownership.js';
import { validateSpec } from '../../../../hooks/core/spec-validation.js';
import type { DesiredInput } from '../../../../hooks/core/kind.js';
import type { Owner, Parent } from '../../../../hooks/core/types.js';
import { desiredRepository, repositoryFingerprint } from '../../../../hooks/repository/desired.js';
import { RepositorySpecSchema, type RepositorySpec, type RepositoryStatus } from '../../../../schemas/repository.js';

const owner: Owner = { cluster: 'default', namespace: 'shop', name: 'api', uid: 'uid-1', kind: 'Repository' };

function input(spec: Record<string, unknown>, finalizing = false): DesiredInput<RepositorySpec, RepositoryStatus> {
  const full = validateSpec<RepositorySpec>(RepositorySpecSchema, { region: 'eu-west-1', ...spec });
  const parent = {
    apiVersion: 'ecr.awshooks.dev/v1alpha1',
    kind: 'Repository',
    metadata: { name: 'api', namespace: 'shop', uid: 'uid-1' },
    spec: full,
  } as Parent<RepositorySpec, RepositoryStatus>;
  return { parent, spec: full, children: {}, related: {}, config: DEFAULT_HOOKS_CONFIG, owner, finalizing, now: new Date() };
}

t.test('defaults', async (t) => {
  t.same(desiredRepository(input({})), {
    region: 'eu-west-1',
    repositoryName: 'awshooks/shop/api',
    imageTagMutability: 'MUTABLE',
    scanOnPush: false,
    tags: {},
    ownerTags: ownerTags(owner),
    force: false,
    adopt: false,
    deletionPolicy: 'Delete',
    finalizing: false,
  });
  t.same(desiredRepository(input({ encryption: {} })).encryption, { type: 'AES256' });
  t.same(desiredRepository(input({ encryption: { type: 'KMS', kmsKey: 'alias/ecr' } })).encryption, { type: 'KMS', kmsKey: 'alias/ecr' });
  t.same(repositoryFingerprint(desiredRepository(input({}, true))), repositoryFingerprint(desiredRepository(input({}))));
});

t.test('bad input is InvalidSpec naming the field', async (t) => {
  const invalid: [Record<string, unknown>, RegExp][] = [
    [{ encryption: { type: 'AES256', kmsKey: 'k' } }, /spec\.encryption\.kmsKey: needs type KMS/],
    [{ tags: { 'aws:x': 'y' } }, /reserved by AWS/],
    [{ tags: { 'awshooks.dev/x': 'y' } }, /reserved for awshooks/],
    [{ repositoryName: 'awshooks/other/api' }, /spec\.repositoryName/],
    [
      { policy: { Statement: [{ Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 's3:GetObject' }] } },
      /spec\.policy\.Statement\[0\]\.Action: "s3:GetObject" is not a ecr: action/,
    ],
    [{ policy: { Statement: [{ Effect: 'Allow', Action: 'ecr:BatchGetImage' }] } }, /exactly one of Principal and NotPrincipal/],
    [
      {
        lifecyclePolicy: {
          rules: [{ rulePriority: 1, selection: { tagStatus: 'tagged', countType: 'imageCountMoreThan', countNumber: 1 }, action: { type: 'expire' } }],
        },
      },
      /spec\.lifecyclePolicy\.rules\[0\]\.selection/,
    ],
  ];
  for (const [spec, message] of invalid) t.throws(() => desiredRepository(input(spec)), { reason: 'InvalidSpec', message }, JSON.stringify(spec));
  const schema: [Record<string, unknown>, RegExp][] = [
    [{ repositoryName: 'a' }, /repositoryName/],
    [{ repositoryName: 'Awshooks/shop/x' }, /repositoryName/],
    [{ imageTagMutability: 'MUTABLE_WITH_EXCLUSION' }, /imageTagMutability/],
    [{ encryption: { type: 'KMS_DSSE' } }, /type/],
    [{ lifecyclePolicy: { rules: [] } }, /rules/],
    [{ force: 'yes' }, /force/],
  ];
  for (const [spec, message] of schema) t.throws(() => input(spec), { reason: 'InvalidSpec', message }, JSON.stringify(spec));
});
