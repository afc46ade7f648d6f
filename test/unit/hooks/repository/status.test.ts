import t from 'tap';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import type { Parent } from '../../../../hooks/core/types.js';
import { repositoryChildren, repositoryStatus } from '../../../../hooks/repository/status.js';
import type { RepositoryDesired } from '../../../../hooks/repository/desired.js';
import type { RepositorySpec, RepositoryStatus } from '../../../../schemas/repository.js';

const parent = {
  apiVersion: 'ecr.awshooks.dev/v1alpha1',
  kind: 'Repository',
  metadata: { name: 'api', namespace: 'shop' },
  spec: { region: 'eu-west-1' },
} as Parent<RepositorySpec, RepositoryStatus>;
const desired: RepositoryDesired = {
  region: 'eu-west-1',
  repositoryName: 'awshooks/shop/api',
  imageTagMutability: 'MUTABLE',
  scanOnPush: false,
  tags: { b: '1', a: '1' },
  ownerTags: {},
  force: false,
  adopt: false,
  deletionPolicy: 'Delete',
  finalizing: false,
};

t.test('status and the ConfigMap', async (t) => {
  const status = repositoryStatus(desired, {
    arn: 'arn:x',
    uri: 'uri/x',
    imageTagMutability: 'MUTABLE',
    scanOnPush: false,
    encryption: { type: 'AES256' },
    tags: {},
  });
  t.same(JSON.parse(JSON.stringify(status)), {
    repositoryName: 'awshooks/shop/api',
    repositoryArn: 'arn:x',
    repositoryUri: 'uri/x',
    region: 'eu-west-1',
    managedTagKeys: ['a', 'b'],
  });
  const input = (s: RepositoryStatus) => ({
    parent,
    spec: undefined,
    status: s,
    desired: undefined,
    children: {},
    config: DEFAULT_HOOKS_CONFIG,
    now: new Date(),
  });
  t.same(repositoryChildren(input({})), [], 'none before the repository exists');
  t.same(repositoryChildren(input(status)), [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'api-repository',
        labels: { 'app.kubernetes.io/managed-by': 'awshooks', 'awshooks.dev/owner-kind': 'Repository', 'awshooks.dev/owner-name': 'api' },
      },
      data: { REPOSITORY_URI: 'uri/x', REPOSITORY_ARN: 'arn:x', REPOSITORY_NAME: 'awshooks/shop/api', AWS_REGION: 'eu-west-1' },
    },
  ]);
});
