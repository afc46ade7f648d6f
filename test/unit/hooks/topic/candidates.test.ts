/** What a Topic looks for in AWS when its spec cannot be read (finalize of an invalid spec). */
import t from 'tap';
import { OWNER_TAGS } from '../../../../hooks/core/ownership.js';
import { topicKey, topicOrphanCandidates } from '../../../../hooks/topic/candidates.js';
import { orphanInput } from '../../../helpers/orphan-input.js';

const keys = (c: { region: string; topicName: string }[]) => c.map(topicKey);

t.test('the status name first, in the status region', async (t) => {
  t.same(keys(topicOrphanCandidates(orphanInput({ displayName: 7 }, { topicName: 'awshooks-team_a-orders', region: 'eu-west-1' }))), [
    'eu-west-1/awshooks-team_a-orders',
  ]);
});

t.test('no status: the derived name, standard or FIFO as the raw spec says, both when unreadable', async (t) => {
  t.same(keys(topicOrphanCandidates(orphanInput({ region: 'eu-west-1' }))), ['eu-west-1/awshooks-team_a-orders']);
  t.same(keys(topicOrphanCandidates(orphanInput({ fifo: true }))), ['us-east-1/awshooks-team_a-orders.fifo']);
  t.same(keys(topicOrphanCandidates(orphanInput({ fifo: 'maybe' }))), ['us-east-1/awshooks-team_a-orders', 'us-east-1/awshooks-team_a-orders.fifo']);
  t.equal(topicOrphanCandidates(orphanInput({ fifo: true }))[0]?.fifo, true);
});

t.test('never a status name outside the prefix', async (t) => {
  t.same(keys(topicOrphanCandidates(orphanInput({}, { topicName: 'payments-prod' }))), ['us-east-1/awshooks-team_a-orders']);
});

t.test('subscriptions hold the deletion unless the spec plainly says force: true', async (t) => {
  t.equal(topicOrphanCandidates(orphanInput({ force: true }))[0]?.force, true);
  t.equal(topicOrphanCandidates(orphanInput({ force: 1 }))[0]?.force, false);
  const [c] = topicOrphanCandidates(orphanInput({}, undefined, 'Retain'));
  t.equal(c?.deletionPolicy, 'Retain');
  t.equal(c?.ownerTags[OWNER_TAGS.name], 'orders');
});
