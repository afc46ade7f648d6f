/** IAM-style policy documents: parsed, normalized and compared by meaning. */
import t from 'tap';
import { normalizePolicyDocument, parsePolicyDocument, samePolicyDocument } from '../../../../hooks/shared/policy-document.js';

t.test('policy documents compare by meaning', async (t) => {
  const a = {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'B', Effect: 'Allow', Action: 's3:GetObject', Resource: ['arn:aws:s3:::b/*'] },
      { Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'], Resource: '*', Condition: { NumericLessThan: { 'aws:x': 5 } } },
    ],
  };
  const b = {
    Statement: [
      {
        Resource: '*',
        Action: ['sqs:ReceiveMessage', 'sqs:SendMessage', 'sqs:SendMessage'],
        Effect: 'Allow',
        Condition: { NumericLessThan: { 'aws:x': ['5'] } },
      },
      { Resource: 'arn:aws:s3:::b/*', Action: ['s3:GetObject'], Effect: 'Allow', Sid: 'B' },
    ],
    Version: '2012-10-17',
  };
  t.ok(samePolicyDocument(a, b), 'order, string vs array, duplicates, number vs string');
  t.notOk(samePolicyDocument(a, { ...b, Statement: [b.Statement[0]] }), 'a missing statement differs');
  t.notOk(
    samePolicyDocument({ Statement: { Effect: 'Allow', Action: 'a:b', Resource: '*' } }, { Statement: { Effect: 'Deny', Action: 'a:b', Resource: '*' } }),
  );
  t.ok(
    samePolicyDocument(
      { Statement: { Effect: 'Allow', Action: 'a:b', Resource: '*' } },
      { Statement: [{ Effect: 'Allow', Action: ['a:b'], Resource: ['*'] }] },
    ),
    'single statement object',
  );
  const encoded = encodeURIComponent(JSON.stringify(a));
  t.ok(samePolicyDocument(parsePolicyDocument(encoded), a), 'URL-encoded (IAM) documents are decoded');
  t.ok(samePolicyDocument(parsePolicyDocument(JSON.stringify(a)), a), 'plain JSON');
  t.equal(parsePolicyDocument(''), undefined);
  t.equal(parsePolicyDocument('not json'), undefined);
  t.same(normalizePolicyDocument({ Statement: [{ Principal: { AWS: 'arn:1' } }] }), { Statement: [{ Principal: { AWS: ['arn:1'] } }] });
});

t.test('IAM documents compared by meaning (what IAM returns vs what we sent)', async (t) => {
  const sent = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'A',
        Effect: 'Allow',
        Action: ['s3:GetObject'],
        Resource: ['arn:aws:s3:::b/*', 'arn:aws:s3:::b'],
        Condition: { Bool: { 'aws:SecureTransport': true } },
      },
      { Effect: 'Deny', NotAction: 's3:*', Resource: '*' },
    ],
  };
  const cases: [string, unknown, boolean][] = [
    ['identical', sent, true],
    ['URL-encoded, as IAM returns it', parsePolicyDocument(encodeURIComponent(JSON.stringify(sent))), true],
    [
      'statement order, key order, string vs one-element list, bool vs "true"',
      {
        Statement: [
          { Resource: '*', NotAction: ['s3:*'], Effect: 'Deny' },
          {
            Condition: { Bool: { 'aws:SecureTransport': 'true' } },
            Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'],
            Action: 's3:GetObject',
            Effect: 'Allow',
            Sid: 'A',
          },
        ],
        Version: '2012-10-17',
      },
      true,
    ],
    ['duplicate actions', { ...sent, Statement: [{ ...sent.Statement[0], Action: ['s3:GetObject', 's3:GetObject'] }, sent.Statement[1]] }, true],
    ['an action more', { ...sent, Statement: [{ ...sent.Statement[0], Action: ['s3:GetObject', 's3:PutObject'] }, sent.Statement[1]] }, false],
    ['Allow vs Deny', { ...sent, Statement: [sent.Statement[0], { ...sent.Statement[1], Effect: 'Allow' }] }, false],
    ['a statement less', { ...sent, Statement: [sent.Statement[0]] }, false],
    [
      'another condition value',
      { ...sent, Statement: [{ ...sent.Statement[0], Condition: { Bool: { 'aws:SecureTransport': false } } }, sent.Statement[1]] },
      false,
    ],
    ['nothing read back', undefined, false],
  ];
  for (const [name, observed, same] of cases) t.equal(samePolicyDocument(sent, observed), same, name);
});
