import t from 'tap';
import { InvalidSpecError } from '../../../../hooks/core/errors.js';
import { ownerTags } from '../../../../hooks/core/ownership.js';
import { desiredPolicy } from '../../../../hooks/policy/desired.js';
import { policyDoc as doc, thrown, policyOwner, policyInput } from '../../../helpers/iam.js';

t.test('Policy desired state and semantic validation', async (t) => {
  const d = desiredPolicy(policyInput({ document: { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }, tags: { team: 'data' } }));
  t.equal(d.policyName, 'awshooks-default-ddd');
  t.equal(d.path, '/awshooks/');
  t.equal(d.document.Version, '2012-10-17', 'Version defaults');
  t.same(d.tags, { team: 'data' });
  t.same(d.ownerTags, ownerTags(policyOwner));
  t.equal(d.deletionPolicy, 'Delete');
  const invalid: [Record<string, unknown>, RegExp][] = [
    [{ document: { Statement: [{ Effect: 'Allow', Resource: '*' }] } }, /Statement\[0\]: set exactly one of Action and NotAction/],
    [{ document: { Statement: [{ Effect: 'Allow', Action: 'a', NotAction: 'b', Resource: '*' }] } }, /exactly one of Action and NotAction/],
    [{ document: { Statement: [{ Effect: 'Allow', Action: 's3:*' }] } }, /exactly one of Resource and NotResource/],
    [
      {
        document: {
          Statement: [
            { Sid: 'A', Effect: 'Allow', Action: 'a', Resource: '*' },
            { Sid: 'A', Effect: 'Deny', Action: 'b', Resource: '*' },
          ],
        },
      },
      /Sid: "A" is used by another statement/,
    ],
    [
      { document: { Statement: [{ Effect: 'Allow', Action: Array.from({ length: 190 }, (_, i) => `s3:SomeFairlyLongActionName${i}`), Resource: '*' }] } },
      /IAM allows 6144/,
    ],
    [{ document: doc(), tags: { 'awshooks.dev/name': 'x' } }, /reserved/],
    [{ document: doc(), description: 'snowman ☃' }, /printable ASCII/],
  ];
  for (const [spec, message] of invalid) {
    const err = thrown(() => desiredPolicy(policyInput(spec)));
    t.ok(err instanceof InvalidSpecError, JSON.stringify(spec).slice(0, 80));
    t.match(err?.message, message);
  }
});
