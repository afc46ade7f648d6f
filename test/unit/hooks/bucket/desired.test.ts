import t from 'tap';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import { ownerTags } from '../../../../hooks/core/ownership.js';
import { validateSpec } from '../../../../hooks/core/spec-validation.js';
import type { DesiredInput } from '../../../../hooks/core/kind.js';
import type { Owner, Parent } from '../../../../hooks/core/types.js';
import { bucketFingerprint, desiredBucket } from '../../../../hooks/bucket/desired.js';
import { BucketSpecSchema, type BucketSpec, type BucketStatus } from '../../../../schemas/bucket.js';

const owner: Owner = { cluster: 'default', namespace: 'shop', name: 'data', uid: 'uid-1', kind: 'Bucket' };
const ARN = 'arn:aws:s3:::awshooks-shop-data';

function input(spec: Record<string, unknown>, finalizing = false): DesiredInput<BucketSpec, BucketStatus> {
  const full = validateSpec<BucketSpec>(BucketSpecSchema, { region: 'eu-west-1', ...spec });
  const parent = { apiVersion: 's3.awshooks.dev/v1alpha1', kind: 'Bucket', metadata: { name: 'data', namespace: 'shop', uid: 'uid-1' }, spec: full } as Parent<
    BucketSpec,
    BucketStatus
  >;
  return { parent, spec: full, children: {}, related: {}, config: DEFAULT_HOOKS_CONFIG, owner, finalizing, now: new Date() };
}

const statement = (s: Record<string, unknown>) => ({
  policy: { Statement: [{ Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 's3:GetObject', Resource: `${ARN}/*`, ...s }] },
});

t.test('defaults: only the public access block is managed, all four flags on', async (t) => {
  const d = desiredBucket(input({}));
  t.same(d, {
    region: 'eu-west-1',
    bucketName: 'awshooks-shop-data',
    bucketArn: ARN,
    partition: 'aws',
    publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
    tags: {},
    ownerTags: ownerTags(owner),
    adopt: false,
    deletionPolicy: 'Delete',
    finalizing: false,
  });
  t.same(
    desiredBucket(input({ publicAccessBlock: { restrictPublicBuckets: false } })).publicAccessBlock,
    { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: false },
    'one flag off, the others stay on',
  );
  t.same(bucketFingerprint(desiredBucket(input({}, true))), bucketFingerprint(desiredBucket(input({}))), 'finalizing does not change the fingerprint');
  t.equal(desiredBucket({ ...input({}), config: { ...DEFAULT_HOOKS_CONFIG, namePrefix: 'corp' } }).bucketName, 'corp-shop-data', 'NAME_PREFIX');
  t.equal(desiredBucket(input({ region: 'cn-north-1' })).bucketArn, 'arn:aws-cn:s3:::awshooks-shop-data');
});

t.test('encryption, versioning, lifecycle and policy as set', async (t) => {
  const d = desiredBucket(
    input({
      versioning: 'Enabled',
      encryption: { algorithm: 'aws:kms', kmsKeyId: 'alias/data', bucketKeyEnabled: true },
      lifecycleRules: [],
      policy: statement({}).policy,
    }),
  );
  t.equal(d.versioning, 'Enabled');
  t.same(d.encryption, { algorithm: 'aws:kms', kmsKeyId: 'alias/data', bucketKeyEnabled: true });
  t.same(d.lifecycleRules, [], '[] is managed: no rules');
  t.equal(d.policy?.Version, '2012-10-17', 'policy version defaulted');
  t.same(desiredBucket(input({ encryption: {} })).encryption, { algorithm: 'AES256' }, 'SSE-S3 by default');
});

t.test('bad input is InvalidSpec naming the field', async (t) => {
  const invalid: [Record<string, unknown>, RegExp][] = [
    [{ encryption: { algorithm: 'AES256', kmsKeyId: 'k' } }, /spec\.encryption\.kmsKeyId: needs algorithm aws:kms/],
    [{ encryption: { algorithm: 'AES256', bucketKeyEnabled: true } }, /bucketKeyEnabled: needs algorithm aws:kms/],
    [{ tags: { 'awshooks.dev/name': 'x' } }, /reserved for awshooks/],
    [{ tags: { 'AWS:x': 'y' } }, /reserved by AWS/],
    [{ tags: { 'a#b': 'y' } }, /key "a#b" may contain only letters/],
    [{ tags: { a: 'y|z' } }, /spec\.tags\.a: the value may contain only/],
    [statement({ Principal: '*' }), /Statement\[0\]: grants public access.*blockPublicPolicy/],
    [statement({ Principal: { AWS: '*' } }), /grants public access/],
    [statement({ Principal: undefined, NotPrincipal: { AWS: '111122223333' } }), /grants public access/],
    [statement({ Resource: 'arn:aws:s3:::other-bucket/*' }), /Resource: "arn:aws:s3:::other-bucket\/\*" is not this bucket/],
    [statement({ Resource: `${ARN}-2/*` }), /is not this bucket/],
    [statement({ Resource: undefined }), /set Resource/],
    [statement({ Action: 'sqs:SendMessage' }), /"sqs:SendMessage" is not a s3: action/],
    [statement({ Principal: { AWS: 'bob' } }), /"bob" is not "\*", an account ID or an IAM ARN/],
    [
      {
        policy: {
          Statement: [
            { Sid: 'a', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ARN },
            { Sid: 'a', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ARN },
          ],
        },
      },
      /Sids must be unique/,
    ],
    [{ lifecycleRules: [{ id: 'x' }] }, /lifecycleRules\[0\]: a lifecycle rule needs at least one action/],
    [{ bucketName: 'awshooks-other-data' }, /spec\.bucketName/],
  ];
  for (const [spec, message] of invalid) t.throws(() => desiredBucket(input(spec)), { reason: 'InvalidSpec', message }, JSON.stringify(spec));
  t.doesNotThrow(
    () => desiredBucket(input({ ...statement({ Principal: '*' }), publicAccessBlock: { blockPublicPolicy: false } })),
    'a public policy is fine once blockPublicPolicy is off',
  );
  t.doesNotThrow(
    () => desiredBucket(input(statement({ Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-123' } } }))),
    'a condition narrows it',
  );
  t.doesNotThrow(() => desiredBucket(input(statement({ Effect: 'Deny', Principal: '*' }))), 'a Deny to everyone is not public');
  t.throws(
    () =>
      validateSpec(BucketSpecSchema, {
        region: 'eu-west-1',
        policy: { Statement: [{ Effect: 'Allow', Principal: { Nobody: 'x' }, Action: 's3:GetObject', Resource: ARN }] },
      }),
    { message: /Principal/ },
    'the schema knows principal types',
  );
  t.throws(() => validateSpec(BucketSpecSchema, { region: 'eu-west-1', bucketName: 'UPPER' }), { message: /bucketName/ });
  t.throws(() => validateSpec(BucketSpecSchema, { region: 'eu-west-1', versioning: 'Off' }), { message: /versioning/ });
});
