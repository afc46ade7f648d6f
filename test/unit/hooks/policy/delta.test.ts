import t from 'tap';
import { parsePolicyDocument } from '../../../../hooks/shared/policy-document.js';
import { policyDelta, type PolicyObserved } from '../../../../hooks/policy/delta.js';
import { desiredPolicy } from '../../../../hooks/policy/desired.js';
import { policyStatus } from '../../../../hooks/policy/status.js';
import { policyDoc as doc, policyInput } from '../../../helpers/iam.js';

t.test('Policy delta', async (t) => {
  const desired = desiredPolicy(policyInput({ document: doc(['s3:GetObject', 's3:ListBucket']), tags: { team: 'data' } }));
  const base: PolicyObserved = {
    arn: 'arn:aws:iam::123456789012:policy/awshooks/awshooks-default-ddd',
    policyName: 'awshooks-default-ddd',
    path: '/awshooks/',
    defaultVersionId: 'v1',
    attachmentCount: 0,
    document: parsePolicyDocument(encodeURIComponent(JSON.stringify(doc(['s3:ListBucket', 's3:GetObject'])))),
    tags: { ...desired.ownerTags, team: 'data', foreign: 'x' },
  };
  const cases: [string, Partial<PolicyObserved>, string[], string[], Record<string, string>, string[]][] = [
    ['converged (URL-encoded, reordered, a foreign tag)', {}, [], [], {}, []],
    ['document drift', { document: doc('s3:*') }, ['document'], [], {}, []],
    ['unreadable document', { document: undefined }, ['document'], [], {}, []],
    ['a tag removed by hand', { tags: { ...desired.ownerTags } }, ['tags'], [], { team: 'data' }, []],
    [
      'an owner tag changed by hand',
      { tags: { ...desired.ownerTags, team: 'data', 'awshooks.dev/uid': 'x' } },
      ['tags'],
      [],
      { 'awshooks.dev/uid': 'uid-ddd' },
      [],
    ],
    ['a tag we set before, removed from spec', { tags: { ...desired.ownerTags, team: 'data', old: '1' } }, ['tags'], ['old'], {}, ['old']],
  ];
  for (const [name, patch, paths, managedBefore, add, remove] of cases) {
    const d = policyDelta(desired, { ...base, ...patch }, ['team', ...managedBefore]);
    t.same(d.paths, paths, `${name}: paths`);
    t.same(d.tagsToAdd, add, `${name}: tags to add`);
    t.same(d.tagsToRemove, remove, `${name}: tags to remove`);
  }
  t.same(policyStatus(desired, base), {
    arn: base.arn,
    policyName: base.policyName,
    path: '/awshooks/',
    defaultVersionId: 'v1',
    attachmentCount: 0,
    managedTagKeys: ['team'],
  });
});
