import t from 'tap';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import type { Parent } from '../../../../hooks/core/types.js';
import { bucketChildren, bucketStatus } from '../../../../hooks/bucket/status.js';
import type { BucketDesired } from '../../../../hooks/bucket/desired.js';
import type { BucketSpec, BucketStatus } from '../../../../schemas/bucket.js';

const desired = {
  region: 'eu-west-1',
  bucketName: 'awshooks-shop-data',
  bucketArn: 'arn:aws:s3:::awshooks-shop-data',
  partition: 'aws',
  publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
  tags: { z: '1', a: '2' },
  ownerTags: {},
  adopt: false,
  deletionPolicy: 'Delete',
  finalizing: false,
} satisfies BucketDesired;
const parent = {
  apiVersion: 's3.awshooks.dev/v1alpha1',
  kind: 'Bucket',
  metadata: { name: 'data', namespace: 'shop' },
  spec: { region: 'eu-west-1' },
} as Parent<BucketSpec, BucketStatus>;

t.test('status: what users need; versioning only while managed', async (t) => {
  t.same(JSON.parse(JSON.stringify(bucketStatus(desired, { tags: {} }))), {
    bucketName: 'awshooks-shop-data',
    bucketArn: 'arn:aws:s3:::awshooks-shop-data',
    region: 'eu-west-1',
    managedTagKeys: ['a', 'z'],
  });
  const managed = bucketStatus(
    { ...desired, versioning: 'Enabled', lifecycleRules: [], policy: { Version: '2012-10-17', Statement: [] } },
    { tags: {}, versioning: 'Enabled' },
  );
  t.equal(managed.versioning, 'Enabled');
  t.same(managed.managedConfigurations, ['lifecycle', 'policy']);
  t.ok('versioning' in bucketStatus(desired, { tags: {} }), 'the key is written (as undefined) so that a previous value does not linger');
});

t.test('children: the ConfigMap from status only, none before the bucket exists', async (t) => {
  const input = (status: BucketStatus) => ({
    parent,
    spec: undefined,
    status,
    desired: undefined,
    children: {},
    config: DEFAULT_HOOKS_CONFIG,
    now: new Date(),
  });
  t.same(bucketChildren(input({})), []);
  const [cm] = bucketChildren(input({ bucketName: 'b', bucketArn: 'arn:aws:s3:::b', region: 'eu-west-1' }));
  t.same(cm, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'data-bucket',
      labels: { 'app.kubernetes.io/managed-by': 'awshooks', 'awshooks.dev/owner-kind': 'Bucket', 'awshooks.dev/owner-name': 'data' },
    },
    data: { BUCKET_NAME: 'b', BUCKET_ARN: 'arn:aws:s3:::b', AWS_REGION: 'eu-west-1' },
  });
});
