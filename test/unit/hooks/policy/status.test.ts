/** A Policy's status fields: what IAM reported, and the user tag keys it manages (sorted). */
import t from 'tap';
import { ownerTags } from '../../../../hooks/core/ownership.js';
import type { PolicyObserved } from '../../../../hooks/policy/delta.js';
import type { PolicyDesired } from '../../../../hooks/policy/desired.js';
import { policyStatus } from '../../../../hooks/policy/status.js';
import { policyOwner } from '../../../helpers/iam.js';

const ARN = 'arn:aws:iam::123456789012:policy/awshooks/awshooks-default-ddd';

t.test('status from what IAM reported; managedTagKeys are the desired user tags, sorted', async (t) => {
  const desired: PolicyDesired = {
    policyName: 'awshooks-default-ddd',
    name: { name: 'awshooks-default-ddd', claimable: true },
    path: '/awshooks/',
    document: { Version: '2012-10-17', Statement: [] },
    tags: { zeta: '1', alpha: '2', team: 'data' },
    ownerTags: ownerTags(policyOwner),
    adopt: false,
    deletionPolicy: 'Delete',
  };
  const observed: PolicyObserved = {
    arn: ARN,
    policyName: 'awshooks-default-ddd',
    path: '/awshooks/',
    defaultVersionId: 'v3',
    attachmentCount: 2,
    document: {},
    description: 'not in status',
    tags: { ...ownerTags(policyOwner), other: 'not managed' },
  };
  t.same(policyStatus(desired, observed), {
    arn: ARN,
    policyName: 'awshooks-default-ddd',
    path: '/awshooks/',
    defaultVersionId: 'v3',
    attachmentCount: 2,
    managedTagKeys: ['alpha', 'team', 'zeta'],
  });
  t.same(policyStatus({ ...desired, tags: {} }, observed).managedTagKeys, [], 'no user tags: none managed, owner tags never listed');
});
