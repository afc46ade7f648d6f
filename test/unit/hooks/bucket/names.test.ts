import t from 'tap';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import { bucketArn, bucketNameFor, defaultBucketName, partitionOfRegion, s3NameProblem } from '../../../../hooks/bucket/names.js';

const owner = { cluster: 'default', namespace: 'shop', name: 'uploads', uid: 'u', kind: 'Bucket' };

t.test('S3 name rules', async (t) => {
  const cases: [string, RegExp | undefined][] = [
    ['awshooks-shop-uploads', undefined],
    ['abc', undefined],
    ['ab', /3-63 characters/],
    ['a'.repeat(64), /3-63 characters/],
    ['Awshooks-x', /lower-case/],
    ['awshooks.x', /lower-case/],
    ['awshooks_x', /lower-case/],
    ['-awshooks', /begin and end/],
    ['awshooks-', /begin and end/],
    ['xn--abc', /"xn--"/],
    ['sthree-abc', /"sthree-"/],
    ['amzn-s3-demo-abc', /"amzn-s3-demo-"/],
    ['awshooks-x-s3alias', /"-s3alias"/],
    ['awshooks-x--ol-s3', /"--ol-s3"/],
    ['awshooks-x--x-s3', /"--x-s3"/],
    ['awshooks-x--table-s3', /"--table-s3"/],
  ];
  for (const [name, problem] of cases) {
    if (problem) t.match(s3NameProblem(name), problem, name);
    else t.equal(s3NameProblem(name), undefined, name);
  }
});

t.test('derived names are valid S3 names, stable, and distinct', async (t) => {
  t.equal(defaultBucketName('awshooks', 'shop', 'uploads'), 'awshooks-shop-uploads');
  const long = defaultBucketName('awshooks', 'a-very-long-namespace-name-for-a-team', 'an-even-longer-bucket-name-that-keeps-going');
  t.ok(long.length <= 63, 'at most 63 characters');
  t.equal(s3NameProblem(long), undefined);
  t.equal(long, defaultBucketName('awshooks', 'a-very-long-namespace-name-for-a-team', 'an-even-longer-bucket-name-that-keeps-going'), 'stable');
  t.not(
    long,
    defaultBucketName('awshooks', 'a-very-long-namespace-name-for-a-team', 'an-even-longer-bucket-name-that-keeps-going2'),
    'two long names sharing a beginning differ',
  );
  const dotted = defaultBucketName('awshooks', 'shop', 'web.assets');
  t.match(dotted, /^awshooks-shop-web-assets-[0-9a-f]{8}$/, 'a dot is replaced and the name hashed');
  t.not(dotted, defaultBucketName('awshooks', 'shop', 'web-assets'), '"web.assets" and "web-assets" are different buckets');
  const reserved = defaultBucketName('awshooks', 'shop', 'x-s3alias');
  t.match(reserved, /^awshooks-shop-x-s3alias-[0-9a-f]{8}$/, 'a reserved suffix gets the hash suffix');
  t.equal(s3NameProblem(reserved), undefined);
  t.throws(
    () => defaultBucketName('sthree', 'shop', 'x'),
    { reason: 'InvalidSpec', message: /NAME_PREFIX/ },
    'a prefix S3 reserves cannot be fixed by a suffix',
  );
});

t.test('custom names: S3 rules and the namespace rule', async (t) => {
  t.equal(bucketNameFor({ bucketName: 'awshooks-shop-assets' }, DEFAULT_HOOKS_CONFIG, owner), 'awshooks-shop-assets');
  t.equal(bucketNameFor({}, DEFAULT_HOOKS_CONFIG, owner), 'awshooks-shop-uploads');
  t.throws(
    () => bucketNameFor({ bucketName: 'awshooks-other-assets' }, DEFAULT_HOOKS_CONFIG, owner),
    { reason: 'InvalidSpec', message: /must start with "awshooks-shop-"/ },
    "another namespace's names",
  );
  t.throws(
    () => bucketNameFor({ bucketName: 'my-bucket' }, DEFAULT_HOOKS_CONFIG, owner),
    { message: /must start with "awshooks-shop-"/ },
    'outside the prefix',
  );
  t.throws(() => bucketNameFor({ bucketName: 'awshooks-shop-x--ol-s3' }, DEFAULT_HOOKS_CONFIG, owner), { message: /reserved by S3/ });
  t.throws(() => bucketNameFor({ bucketName: 'awshooks-shop-a.b' }, DEFAULT_HOOKS_CONFIG, owner), { message: /lower-case letters, digits and hyphens/ });
});

t.test('partitions and ARNs', async (t) => {
  t.equal(partitionOfRegion('eu-west-1'), 'aws');
  t.equal(partitionOfRegion('cn-north-1'), 'aws-cn');
  t.equal(partitionOfRegion('us-gov-west-1'), 'aws-us-gov');
  t.equal(bucketArn('aws-cn', 'b'), 'arn:aws-cn:s3:::b');
});
