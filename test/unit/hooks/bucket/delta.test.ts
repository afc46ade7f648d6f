import t from 'tap';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import { ownerTags } from '../../../../hooks/core/ownership.js';
import { validateSpec } from '../../../../hooks/core/spec-validation.js';
import type { Owner, Parent } from '../../../../hooks/core/types.js';
import { bucketDelta, subresourcesToRead, type BucketObserved } from '../../../../hooks/bucket/delta.js';
import { desiredBucket, type BucketDesired } from '../../../../hooks/bucket/desired.js';
import { toS3LifecycleRules } from '../../../../hooks/bucket/lifecycle.js';
import { BucketSpecSchema, type BucketSpec, type BucketStatus } from '../../../../schemas/bucket.js';

const owner: Owner = { cluster: 'default', namespace: 'shop', name: 'data', uid: 'uid-1', kind: 'Bucket' };
const ARN = 'arn:aws:s3:::awshooks-shop-data';
const ON = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
const policy = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'Read', Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: ['s3:GetObject'], Resource: `${ARN}/*` }],
};

function desired(spec: Record<string, unknown>): BucketDesired {
  const full = validateSpec<BucketSpec>(BucketSpecSchema, { region: 'eu-west-1', ...spec });
  const parent = { apiVersion: 's3.awshooks.dev/v1alpha1', kind: 'Bucket', metadata: { name: 'data', namespace: 'shop' }, spec: full } as Parent<
    BucketSpec,
    BucketStatus
  >;
  return desiredBucket({ parent, spec: full, children: {}, related: {}, config: DEFAULT_HOOKS_CONFIG, owner, finalizing: false, now: new Date() });
}
const ours = { ...ownerTags(owner) };
const prev = (s: Partial<BucketStatus>): BucketStatus => ({ bucketName: 'awshooks-shop-data', ...s });

t.test('what a drift check reads: tags and the public access block, plus what the spec manages or managed', async (t) => {
  t.same(subresourcesToRead(desired({}), undefined), { versioning: false, encryption: false, publicAccessBlock: true, lifecycle: false, policy: false });
  t.same(subresourcesToRead(desired({ versioning: 'Enabled', encryption: {}, lifecycleRules: [], policy }), undefined), {
    versioning: true,
    encryption: true,
    publicAccessBlock: true,
    lifecycle: true,
    policy: true,
  });
  t.same(
    subresourcesToRead(desired({}), prev({ managedConfigurations: ['lifecycle', 'policy'] })),
    { versioning: false, encryption: false, publicAccessBlock: true, lifecycle: true, policy: true },
    'removed from the spec: read once more to remove them',
  );
  t.same(
    subresourcesToRead(desired({}), { bucketName: 'another-bucket', managedConfigurations: ['policy'] }).policy,
    false,
    'a status about another bucket does not count',
  );
});

t.test('converged: no write', async (t) => {
  const d = desired({
    versioning: 'Enabled',
    encryption: { algorithm: 'aws:kms', kmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/k1' },
    lifecycleRules: [{ id: 'x', expirationDays: 3 }],
    policy,
    tags: { team: 'a' },
  });
  const observed: BucketObserved = {
    tags: { ...ours, team: 'a', foreign: 'kept' },
    versioning: 'Enabled',
    encryption: { algorithm: 'aws:kms', kmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/k1', bucketKeyEnabled: false },
    publicAccessBlock: ON,
    lifecycleRules: toS3LifecycleRules(d.lifecycleRules!),
    // S3 stores the account as its root ARN, and a one-element list as a string.
    policy: {
      Version: '2012-10-17',
      Statement: [{ Sid: 'Read', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 's3:GetObject', Resource: `${ARN}/*` }],
    },
  };
  t.same(bucketDelta(d, observed, prev({ managedTagKeys: ['team'] })).paths, []);
  t.same(
    bucketDelta(desired({ versioning: 'Suspended' }), { tags: ours, versioning: 'Off', publicAccessBlock: ON }, undefined).paths,
    [],
    'never-versioned counts as Suspended',
  );
  t.same(
    bucketDelta(
      desired({ encryption: { algorithm: 'aws:kms', kmsKeyId: 'k1' } }),
      { tags: ours, encryption: { algorithm: 'aws:kms', kmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/k1' }, publicAccessBlock: ON },
      undefined,
    ).paths,
    [],
    'a key ID and its ARN',
  );
  t.same(
    bucketDelta(
      desired({ encryption: { algorithm: 'aws:kms' } }),
      { tags: ours, encryption: { algorithm: 'aws:kms', kmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/aws-s3' }, publicAccessBlock: ON },
      undefined,
    ).paths,
    [],
    'no key in the spec: any key',
  );
  t.same(
    bucketDelta(desired({}), { tags: ours, publicAccessBlock: ON, versioning: 'Enabled', encryption: null }, undefined).paths,
    [],
    'what the spec does not manage is left alone',
  );
});

t.test('each difference is one write', async (t) => {
  const d = desired({
    versioning: 'Enabled',
    encryption: { algorithm: 'aws:kms', bucketKeyEnabled: true },
    lifecycleRules: [{ id: 'x', expirationDays: 3 }],
    policy,
    tags: { team: 'a' },
  });
  const converged: BucketObserved = {
    tags: { ...ours, team: 'a' },
    versioning: 'Enabled',
    encryption: { algorithm: 'aws:kms', bucketKeyEnabled: true },
    publicAccessBlock: ON,
    lifecycleRules: toS3LifecycleRules(d.lifecycleRules!),
    policy,
  };
  const cases: [string, Partial<BucketObserved>, string[], Record<string, unknown>][] = [
    ['versioning suspended', { versioning: 'Suspended' }, ['versioning'], { versioning: 'Enabled' }],
    ['versioning never enabled', { versioning: 'Off' }, ['versioning'], { versioning: 'Enabled' }],
    ['no encryption', { encryption: null }, ['encryption'], { encryption: d.encryption }],
    ['SSE-S3 instead of KMS', { encryption: { algorithm: 'AES256' } }, ['encryption'], { encryption: d.encryption }],
    ['bucket key off', { encryption: { algorithm: 'aws:kms' } }, ['encryption'], { encryption: d.encryption }],
    [
      'public access block removed',
      { publicAccessBlock: { ...ON, BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false } },
      ['publicAccessBlock'],
      { publicAccessBlock: ON },
    ],
    ['one flag off', { publicAccessBlock: { ...ON, RestrictPublicBuckets: false } }, ['publicAccessBlock'], { publicAccessBlock: ON }],
    ['lifecycle removed', { lifecycleRules: [] }, ['lifecycleRules'], { lifecycle: 'put' }],
    ['policy removed', { policy: null }, ['policy'], { policy: 'put' }],
    ['policy changed', { policy: { ...policy, Statement: [{ ...policy.Statement[0], Action: 's3:*' }] } }, ['policy'], { policy: 'put' }],
  ];
  for (const [what, change, paths, writes] of cases) {
    const delta = bucketDelta(d, { ...converged, ...change }, prev({ managedTagKeys: ['team'] }));
    t.same(delta.paths, paths, what);
    t.match(delta, writes, what);
  }
});

t.test('tags: S3 replaces the whole set, so the set we put keeps every tag we do not own', async (t) => {
  const d = desired({ tags: { team: 'a', tier: 'gold' } });
  const observed: BucketObserved = { tags: { ...ours, team: 'hijacked', old: 'x', foreign: 'f', 'aws:cloudformation:stack-name': 's' }, publicAccessBlock: ON };
  const delta = bucketDelta(d, observed, prev({ managedTagKeys: ['team', 'old'] }));
  t.same(delta.paths, ['tags']);
  t.same(
    delta.tagSet,
    { ...ours, team: 'a', tier: 'gold', foreign: 'f', 'aws:cloudformation:stack-name': 's' },
    'ours set, our removed key gone, foreign and AWS tags kept',
  );
  const adopting = bucketDelta(d, { tags: { foreign: 'f' }, publicAccessBlock: ON }, undefined);
  t.same(adopting.tagSet, { ...ours, team: 'a', tier: 'gold', foreign: 'f' }, 'adoption adds owner tags to what is there');
  const renamed = bucketDelta(
    d,
    { tags: { ...ours, team: 'a', tier: 'gold', old: 'x' }, publicAccessBlock: ON },
    { bucketName: 'another', managedTagKeys: ['old'] },
  );
  t.same(renamed.paths, [], 'managed keys recorded for another bucket are not removed here');
});

t.test('configurations removed from the spec are removed from the bucket', async (t) => {
  const d = desired({});
  const delta = bucketDelta(
    d,
    { tags: ours, publicAccessBlock: ON, lifecycleRules: toS3LifecycleRules([{ id: 'x', enabled: true, expirationDays: 1 }]), policy },
    prev({ managedConfigurations: ['lifecycle', 'policy'] }),
  );
  t.same(delta.paths, ['lifecycleRules', 'policy']);
  t.equal(delta.lifecycle, 'delete');
  t.equal(delta.policy, 'delete');
  t.same(
    bucketDelta(d, { tags: ours, publicAccessBlock: ON, lifecycleRules: [], policy: null }, prev({ managedConfigurations: ['lifecycle', 'policy'] })).paths,
    [],
    'already gone: nothing to do',
  );
  t.equal(
    bucketDelta(
      desired({ lifecycleRules: [] }),
      { tags: ours, publicAccessBlock: ON, lifecycleRules: toS3LifecycleRules([{ id: 'x', enabled: true, expirationDays: 1 }]) },
      undefined,
    ).lifecycle,
    'delete',
    'lifecycleRules: [] removes every rule',
  );
});
