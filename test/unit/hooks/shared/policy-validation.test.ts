/** One validation of IAM policy documents for every kind (issue 8 §3). */
import t from 'tap';
import { validatePolicyDocument } from '../../../../hooks/shared/policy-validation.js';

const allow = { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sqs:SendMessage', Resource: '*' };
const resource = (statement: unknown, extra: Record<string, unknown> = {}) => ({ Version: '2012-10-17', Statement: statement, ...extra });

t.test('resource policies (a Queue policy): what AWS would refuse or misread is InvalidSpec', async (t) => {
  const ok: [string, unknown][] = [
    ['a list of statements', resource([allow])],
    ['one statement object', resource(allow)],
    ['Principal "*"', resource([{ ...allow, Principal: '*' }])],
    ['lists of strings', resource([{ ...allow, Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'], Resource: ['arn:aws:sqs:*:*:q'] }])],
    ['a condition', resource([{ ...allow, Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:*:*:t' }, Bool: { 'aws:SecureTransport': true } } }])],
    ['NotPrincipal and NotAction', resource([{ Effect: 'Deny', NotPrincipal: { Service: ['sns.amazonaws.com'] }, NotAction: 'sqs:Get*', Resource: '*' }])],
  ];
  for (const [why, doc] of ok)
    t.doesNotThrow(() => {
      validatePolicyDocument(doc, 'spec.policy', { kind: 'resource' });
    }, why);
  const bad: [string, unknown, RegExp][] = [
    ['Effect "Maybe"', resource([{ ...allow, Effect: 'Maybe' }]), /spec\.policy\.Statement\[0\]\.Effect: must be "Allow" or "Deny"/],
    ['Action [[…]]', resource([{ ...allow, Action: [['sqs:SendMessage']] }]), /Statement\[0\]\.Action\[0\]: must be a non-empty string, not a list/],
    ['Statement "nope"', resource('nope'), /spec\.policy\.Statement: must be a list of statements or one statement object/],
    ['no Statement', { Version: '2012-10-17' }, /Statement: required/],
    ['an empty Statement list', resource([]), /must not be empty/],
    ['an unknown statement field', resource([{ ...allow, Actions: 'x' }]), /unknown field "Actions"/],
    ['an unknown top-level field', resource([allow], { Statements: [] }), /unknown field "Statements"/],
    ['a bad Version', resource([allow], { Version: '2020-01-01' }), /Version: must be/],
    ['no Principal', resource([{ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }]), /exactly one of Principal and NotPrincipal/],
    ['an unknown principal type', resource([{ ...allow, Principal: { Users: 'x' } }]), /unknown principal type/],
    ['Action and NotAction', resource([{ ...allow, NotAction: 'x' }]), /exactly one of Action and NotAction/],
    ['Resource and NotResource', resource([{ ...allow, NotResource: 'x' }]), /only one of Resource and NotResource/],
    ['an empty Action list', resource([{ ...allow, Action: [] }]), /non-empty list/],
    ['a condition value object', resource([{ ...allow, Condition: { StringEquals: { k: { v: 1 } } } }]), /values must be strings, numbers or booleans/],
    ['a condition that is a list', resource([{ ...allow, Condition: [] }]), /Condition: must be an object/],
    ['a document that is a list', [allow], /spec\.policy: must be a policy document object/],
    ['too many statements', resource(Array.from({ length: 21 }, () => allow)), /21 statements; at most 20/],
    ['too large', resource([{ ...allow, Action: Array.from({ length: 600 }, (_, i) => `sqs:Action${i}`) }]), /characters; AWS allows 8192/],
  ];
  for (const [why, doc, message] of bad) {
    t.throws(
      () => {
        validatePolicyDocument(doc, 'spec.policy', { kind: 'resource', maxChars: 8192, maxStatements: 20 });
      },
      { reason: 'InvalidSpec', message },
      why,
    );
  }
});

t.test('identity policies (Policy, Role inline): no Principal, Resource required, unique Sids', async (t) => {
  const stmt = { Sid: 'A', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' };
  t.doesNotThrow(() => {
    validatePolicyDocument({ Version: '2012-10-17', Statement: [stmt] }, 'spec.document', { kind: 'identity' });
  });
  const bad: [string, unknown, RegExp][] = [
    ['a Principal', { Statement: [{ ...stmt, Principal: '*' }] }, /no Principal or NotPrincipal/],
    ['no Resource', { Statement: [{ Sid: 'A', Effect: 'Allow', Action: 'x' }] }, /exactly one of Resource and NotResource/],
    ['duplicate Sids', { Statement: [stmt, { ...stmt, Effect: 'Deny' }] }, /Sid: "A" is used by another statement/],
    ['a Sid with punctuation', { Statement: [{ ...stmt, Sid: 'a-b' }] }, /Sid: must be a string of letters and digits/],
  ];
  for (const [why, doc, message] of bad)
    t.throws(
      () => {
        validatePolicyDocument(doc, 'spec.document', { kind: 'identity' });
      },
      { reason: 'InvalidSpec', message },
      why,
    );
});
