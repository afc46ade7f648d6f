import t from 'tap';
import { checkResourcePolicy, grantsPublicAccess, sameResourcePolicy } from '../../../../hooks/shared/resource-policy.js';
import type { ResourcePolicyDocument, ResourceStatement } from '../../../../schemas/resource-policy.js';

const doc = (...Statement: Partial<ResourceStatement>[]) => ({ Version: '2012-10-17', Statement }) as ResourcePolicyDocument;
const s3Rules = {
  actionPrefix: 's3',
  resourceRequired: true,
  maxChars: 20480,
  checkResource: (r: string) => (r.startsWith('arn:aws:s3:::b') ? undefined : 'is not this bucket'),
};
const base = { Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' } as const;

t.test('checks a schema cannot express', async (t) => {
  t.doesNotThrow(() => {
    checkResourcePolicy(doc(base), 'spec.policy', s3Rules);
  });
  t.doesNotThrow(() => {
    checkResourcePolicy(
      doc({ ...base, Action: '*', Principal: { AWS: ['arn:aws:iam::111122223333:role/x', '*'], Service: 'cloudfront.amazonaws.com' } }),
      'spec.policy',
      s3Rules,
    );
  });
  const invalid: [Partial<ResourceStatement>[], RegExp][] = [
    [[{ ...base, Principal: undefined }], /Statement\[0\]: set exactly one of Principal and NotPrincipal/],
    [[{ ...base, NotPrincipal: { AWS: '111122223333' } }], /exactly one of Principal and NotPrincipal/],
    [[{ ...base, Action: undefined }], /exactly one of Action and NotAction/],
    [[{ ...base, NotAction: 's3:*' }], /exactly one of Action and NotAction/],
    [[{ ...base, NotResource: 'arn:aws:s3:::b' }], /at most one of Resource and NotResource/],
    [[{ ...base, Resource: undefined }], /set Resource/],
    [[{ ...base, Resource: 'arn:aws:s3:::other' }], /Resource: "arn:aws:s3:::other" is not this bucket/],
    [[{ ...base, Action: ['s3:GetObject', 'ec2:*'] }], /"ec2:\*" is not a s3: action/],
    [[{ ...base, Action: 's3:' }], /is not a s3: action/],
    [[{ ...base, Principal: { AWS: 'root' } }], /Principal\.AWS: "root"/],
    [
      [
        { ...base, Sid: 'A' },
        { ...base, Sid: 'A' },
      ],
      /Statement\[1\]\.Sid: "A" is used by another statement/,
    ],
  ];
  for (const [statements, message] of invalid)
    t.throws(
      () => {
        checkResourcePolicy(doc(...statements), 'spec.policy', s3Rules);
      },
      { reason: 'InvalidSpec', message },
      JSON.stringify(statements),
    );
  t.throws(
    () => {
      checkResourcePolicy(doc(base), 'spec.policy', { ...s3Rules, maxChars: 50 });
    },
    { message: /characters; the service allows 50/ },
  );
  t.doesNotThrow(() => {
    checkResourcePolicy(doc({ Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage' }), 'spec.policy', {
      actionPrefix: 'ecr',
      resourceRequired: false,
      maxChars: 10240,
    });
  }, 'ECR: Resource implied');
});

t.test('public access, the obvious cases', async (t) => {
  t.ok(grantsPublicAccess({ ...base, Principal: '*' }));
  t.ok(grantsPublicAccess({ ...base, Principal: { AWS: ['111122223333', '*'] } }));
  t.ok(grantsPublicAccess({ ...base, Principal: undefined, NotPrincipal: { AWS: '111122223333' } }));
  t.notOk(grantsPublicAccess(base));
  t.notOk(grantsPublicAccess({ ...base, Effect: 'Deny', Principal: '*' }));
  t.notOk(grantsPublicAccess({ ...base, Principal: '*', Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } } }));
});

t.test('compared by meaning, with the principal forms AWS rewrites', async (t) => {
  const a = doc({ Sid: 'A', ...base, Action: ['s3:GetObject'] }, { Sid: 'B', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::b' });
  const b = {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'B', Effect: 'Deny', Principal: '*', Action: ['s3:*'], Resource: ['arn:aws:s3:::b'] },
      { Sid: 'A', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
    ],
  };
  t.ok(sameResourcePolicy(a, b), 'order, string vs list, account ID vs root ARN');
  t.ok(
    sameResourcePolicy(
      doc({ ...base, Principal: { AWS: ['111122223333', '444455556666'] } }),
      doc({ ...base, Principal: { AWS: ['arn:aws:iam::444455556666:root', 'arn:aws:iam::111122223333:root'] } }),
    ),
  );
  t.notOk(sameResourcePolicy(doc({ ...base, Principal: { AWS: '111122223333' } }), doc({ ...base, Principal: { AWS: '444455556666' } })));
  t.notOk(sameResourcePolicy(a, null));
  t.ok(
    sameResourcePolicy(
      doc({ ...base, Principal: { AWS: '111122223333' } }),
      doc({ ...base, Principal: { AWS: 'arn:aws-cn:iam::111122223333:root' } }),
      'aws-cn',
    ),
    'the partition of the bucket',
  );
});
