import t from 'tap';
import { isSnsStatement, policyAllowsTopic, sameJson, snsSendStatement, snsStatementSid } from '../../../../hooks/sns-common/queue-access.js';

const queue = 'arn:aws:sqs:eu-west-1:123456789012:awshooks-shop-worker';
const topic = 'arn:aws:sns:eu-west-1:123456789012:awshooks-shop-orders';
const other = 'arn:aws:sns:eu-west-1:123456789012:awshooks-shop-other';
const doc = (...Statement: unknown[]) => ({ Version: '2012-10-17', Statement });

t.test('the generated statement lets exactly that topic send', async (t) => {
  const s = snsSendStatement(queue, topic);
  t.same(s, {
    Sid: snsStatementSid(topic),
    Effect: 'Allow',
    Principal: { Service: 'sns.amazonaws.com' },
    Action: 'sqs:SendMessage',
    Resource: queue,
    Condition: { ArnEquals: { 'aws:SourceArn': topic } },
  });
  t.match(s.Sid, /^AwshooksSnsawshooksshoporders[0-9a-f]{8}$/, 'letters and digits only');
  t.not(snsStatementSid(topic), snsStatementSid(other), 'one Sid per topic');
  t.equal(snsStatementSid(topic), snsStatementSid(topic), 'stable');
  t.ok(isSnsStatement(s));
  t.notOk(isSnsStatement({ Sid: 'Mine' }));
  t.ok(policyAllowsTopic(doc(s), queue, topic));
  t.notOk(policyAllowsTopic(doc(s), queue, other), 'another topic is not allowed by it');
  t.notOk(policyAllowsTopic(doc(s), 'arn:aws:sqs:eu-west-1:123456789012:another-queue', topic), 'nor is another queue');
});

t.test('reading policies written by people', async (t) => {
  const allow = (extra: Record<string, unknown>) => ({
    Effect: 'Allow',
    Principal: { Service: ['sns.amazonaws.com'] },
    Action: ['sqs:SendMessage'],
    Resource: queue,
    ...extra,
  });
  const cases: [string, unknown, boolean][] = [
    ['no policy', undefined, false],
    ['empty document', {}, false],
    ['a single statement object, not a list', { Version: '2012-10-17', Statement: allow({}) }, true],
    ['no condition: any topic', doc(allow({})), true],
    ['Principal *', doc({ Effect: 'Allow', Principal: '*', Action: 'sqs:*', Resource: '*' }), true],
    ['Principal AWS *', doc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'SQS:SendMessage', Resource: queue }), true],
    ['another service', doc({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: queue }), false],
    ['another action', doc(allow({ Action: 'sqs:ReceiveMessage' })), false],
    ['wildcard resource', doc(allow({ Resource: 'arn:aws:sqs:eu-west-1:123456789012:awshooks-shop-*' })), true],
    ['no Resource (the queue itself)', doc({ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage' }), true],
    ['ArnLike on the topic', doc(allow({ Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*:123456789012:awshooks-shop-*' } } })), true],
    ['StringEquals, key in other case', doc(allow({ Condition: { StringEquals: { 'AWS:SourceArn': topic } } })), true],
    ['SourceAccount', doc(allow({ Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } } })), true],
    ['SourceAccount of another account', doc(allow({ Condition: { StringEquals: { 'aws:SourceAccount': '999999999999' } } })), false],
    ['both keys, one fails', doc(allow({ Condition: { ArnEquals: { 'aws:SourceArn': topic }, StringEquals: { 'aws:SourceAccount': '9' } } })), false],
    ['an unknown condition key: not counted as allowing', doc(allow({ Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-1' } } })), false],
    ['NotPrincipal is not read as allowing', doc({ Effect: 'Allow', NotPrincipal: { AWS: 'x' }, Action: 'sqs:SendMessage', Resource: queue }), false],
    [
      'an explicit Deny wins',
      doc(allow({}), { Effect: 'Deny', Principal: '*', Action: 'sqs:SendMessage', Resource: queue, Condition: { ArnEquals: { 'aws:SourceArn': topic } } }),
      false,
    ],
    [
      'a Deny of other topics does not apply',
      doc(allow({}), { Effect: 'Deny', Principal: '*', Action: 'sqs:SendMessage', Resource: queue, Condition: { ArnNotEquals: { 'aws:SourceArn': topic } } }),
      true,
    ],
    [
      'a TLS-only Deny does not apply (SNS uses TLS)',
      doc(allow({}), { Effect: 'Deny', Principal: '*', Action: 'sqs:*', Resource: queue, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      true,
    ],
  ];
  for (const [name, d, want] of cases) t.equal(policyAllowsTopic(d, queue, topic), want, name);
});

t.test('JSON compared by content', async (t) => {
  t.ok(sameJson({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }));
  t.notOk(sameJson({ a: [1, 2] }, { a: [2, 1] }), 'list order counts');
});
