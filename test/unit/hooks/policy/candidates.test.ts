/** What a Policy looks for in AWS when its spec cannot be read (finalize of an invalid spec). */
import t from 'tap';
import { policyOrphanCandidates } from '../../../../hooks/policy/candidates.js';
import { orphanInput as input } from '../../../helpers/orphan-input.js';

t.test('Policy: the derived name only, then the pre-token one', async (t) => {
  const [policy] = policyOrphanCandidates(input({ document: 'broken' }));
  t.same(`${policy?.path}${policy?.policyName}`, '/awshooks/awshooks-team_a-orders');
  t.same(policy?.name, { name: 'awshooks-team_a-orders', claimable: false, legacy: 'awshooks-team-a-orders' }, 'never created, the legacy name read next');
});
