/** Checks on IAM identity policy documents the schema cannot express, and the size IAM counts. */
import t from 'tap';
import { InvalidSpecError } from '../../../../hooks/core/errors.js';
import { checkPolicyDocument, documentSize } from '../../../../hooks/iam-common/documents.js';
import type { PolicyDocument } from '../../../../schemas/policy.js';

const doc = (statements: Record<string, unknown>[]) => ({ Version: '2012-10-17', Statement: statements }) as unknown as PolicyDocument;
const read = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' };

t.test('documentSize: the JSON text without whitespace outside strings', async (t) => {
  const d = { Version: '2012-10-17', Statement: [{ Sid: 'A B', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] };
  t.equal(documentSize(d), JSON.stringify(d).length);
  t.equal(documentSize(JSON.parse(JSON.stringify(d, null, 2)) as unknown), JSON.stringify(d).length, 'indentation does not count');
});

t.test('checkPolicyDocument: the identity grammar, unique Sids, the size limit, naming the field', async (t) => {
  t.doesNotThrow(() => {
    checkPolicyDocument(doc([read]), 'spec.document', 6144);
  });
  const refused: [string, PolicyDocument, number][] = [
    ['Action and NotAction', doc([{ ...read, NotAction: 's3:PutObject' }]), 6144],
    ['no Resource', doc([{ Effect: 'Allow', Action: 's3:GetObject' }]), 6144],
    ['a Principal in an identity policy', doc([{ ...read, Principal: '*' }]), 6144],
    [
      'duplicate Sids',
      doc([
        { ...read, Sid: 'A' },
        { ...read, Sid: 'A' },
      ]),
      6144,
    ],
    ['over the size limit', doc([read]), 20],
  ];
  for (const [what, document, max] of refused) {
    const err = (() => {
      try {
        checkPolicyDocument(document, 'spec.document', max);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    t.ok(err instanceof InvalidSpecError, `${what}: refused`);
    t.match((err as Error | undefined)?.message, /^spec\.document/, `${what}: names the field`);
  }
});
