/** The Policy spec schema: IAM document shapes. */
import t from 'tap';
import { validateSpec } from '../../../hooks/core/spec-validation.js';
import { PolicySpecSchema } from '../../../schemas/policy.js';

const statement = (s: Record<string, unknown>) => ({ document: { Statement: [{ Effect: 'Allow', Resource: '*', ...s }] } });

function specError(schema: Parameters<typeof validateSpec>[0], spec: unknown): string | undefined {
  try {
    validateSpec(schema, spec);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

t.test('Policy spec: IAM document shapes', async (t) => {
  const ok: Record<string, unknown>[] = [
    statement({ Action: 's3:GetObject' }),
    statement({ Action: ['s3:GetObject', 's3:ListBucket'] }),
    statement({ NotAction: 'iam:*' }),
    statement({
      Action: 's3:*',
      Condition: { Bool: { 'aws:SecureTransport': true }, NumericLessThan: { 's3:max-keys': 10 }, StringLike: { 's3:prefix': ['a/*', 'b/*'] } },
    }),
    {
      document: { Version: '2008-10-17', Id: 'x', Statement: [{ Sid: 'A1', Effect: 'Deny', Action: '*', NotResource: ['arn:aws:s3:::b'] }] },
      description: 'd',
      tags: { a: 'b' },
      deletionPolicy: 'Retain',
      adopt: true,
    },
  ];
  for (const spec of ok) t.equal(specError(PolicySpecSchema, spec), undefined, JSON.stringify(spec));
  const bad: [unknown, RegExp][] = [
    [{}, /spec\.document: required/],
    [{ document: { Statement: [] } }, /Statement: must NOT have fewer than 1 items/],
    [statement({ Action: { s3: 'GetObject' } }), /spec\.document\.Statement\.0\.Action/],
    [statement({ Action: [] }), /Action/],
    [statement({ Action: '' }), /Action/],
    [statement({ Action: 's3:*', Principal: '*' }), /unknown field "Principal"/],
    [statement({ Action: 's3:*', Effect: 'allow' }), /Effect: must be equal to one of the allowed values/],
    [statement({ Action: 's3:*', Sid: 'not ok!' }), /Sid: must match pattern/],
    [statement({ Action: 's3:*', Condition: { Bool: 'x' } }), /Condition/],
    [{ document: { Version: '2020-01-01', Statement: [{ Effect: 'Allow', Action: 'a', Resource: '*' }] } }, /Version/],
    [{ ...statement({ Action: 'a' }), deletionPolicy: 'Snapshot' }, /deletionPolicy/],
  ];
  for (const [spec, message] of bad) t.match(specError(PolicySpecSchema, spec), message, JSON.stringify(spec));
  t.equal(validateSpec<{ document: { Version: string } }>(PolicySpecSchema, statement({ Action: 'a' })).document.Version, '2012-10-17', 'Version defaults');
});
