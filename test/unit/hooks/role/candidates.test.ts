/** What a Role looks for in AWS when its spec cannot be read (finalize of an invalid spec). */
import t from 'tap';
import { roleOrphanCandidates } from '../../../../hooks/role/candidates.js';
import { orphanInput as input } from '../../../helpers/orphan-input.js';

t.test('Role: the derived name only, then the pre-token one', async (t) => {
  const [role] = roleOrphanCandidates(input({ maxSessionDuration: 'x' }));
  t.same(role?.name, { name: 'awshooks-team_a-orders', claimable: false, legacy: 'awshooks-team-a-orders' });
  t.equal(roleOrphanCandidates(input({}, undefined, 'Retain'))[0]?.deletionPolicy, 'Retain');
});
