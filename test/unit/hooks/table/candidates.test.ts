/** What a Table looks for in AWS when its spec cannot be read (finalize of an invalid spec). */
import t from 'tap';
import { OWNER_TAGS } from '../../../../hooks/core/ownership.js';
import { tableKey, tableOrphanCandidates } from '../../../../hooks/table/candidates.js';
import { defaultTableName } from '../../../../hooks/table/desired.js';
import { orphanInput } from '../../../helpers/orphan-input.js';

const keys = (c: { region: string; tableName: string }[]) => c.map(tableKey);
const derived = defaultTableName('awshooks', 'team-a', 'orders');

t.test('the status name first; else the raw spec name and the derived one; never outside the prefix', async (t) => {
  t.same(keys(tableOrphanCandidates(orphanInput({ hashAttribute: 1 }, { tableName: 'awshooks-team-a-t', region: 'eu-west-1' }))), [
    'eu-west-1/awshooks-team-a-t',
  ]);
  t.same(keys(tableOrphanCandidates(orphanInput({ tableName: 'awshooks-team-a-custom', region: 'eu-west-2' }))), [
    'eu-west-2/awshooks-team-a-custom',
    `eu-west-2/${derived}`,
  ]);
  t.same(keys(tableOrphanCandidates(orphanInput({ tableName: 'Orders' }, { tableName: 'prod-orders' }))), [`us-east-1/${derived}`]);
  const [c] = tableOrphanCandidates(orphanInput({}, undefined, 'Retain'));
  t.equal(c?.deletionPolicy, 'Retain');
  t.equal(c?.ownerTags[OWNER_TAGS.namespace], 'team-a');
});
