/** What a Queue looks for in AWS when its spec cannot be read (finalize of an invalid spec). */
import t from 'tap';
import { queueOrphanCandidates } from '../../../../hooks/queue/candidates.js';
import { orphanInput as input } from '../../../helpers/orphan-input.js';

t.test('Queue: the status name first; else the custom and derived names; never outside the prefix', async (t) => {
  const names = (c: { region: string; queueName: string }[]) => c.map((q) => `${q.region}/${q.queueName}`);
  t.same(
    names(queueOrphanCandidates(input({ region: 'eu-west-1', queueName: 'other' }, { queueName: 'awshooks-team-a-orders', region: 'eu-west-1' }))),
    ['eu-west-1/awshooks-team-a-orders'],
    'status names it',
  );
  t.same(
    names(queueOrphanCandidates(input({ region: 'eu-west-1' }))),
    ['eu-west-1/awshooks-team_a-orders', 'eu-west-1/awshooks-team-a-orders'],
    'no status: derived, standard (and the pre-token name)',
  );
  t.same(
    names(queueOrphanCandidates(input({ region: 'eu-west-1', fifo: true }))),
    ['eu-west-1/awshooks-team_a-orders.fifo', 'eu-west-1/awshooks-team-a-orders.fifo'],
    'FIFO',
  );
  t.same(
    names(queueOrphanCandidates(input({ fifo: 'yes' }))),
    ['us-east-1/awshooks-team_a-orders', 'us-east-1/awshooks-team-a-orders', 'us-east-1/awshooks-team_a-orders.fifo', 'us-east-1/awshooks-team-a-orders.fifo'],
    'fifo unreadable: both',
  );
  t.same(
    names(queueOrphanCandidates(input({ region: 'eu-west-1', queueName: 'awshooks-custom' }))),
    ['eu-west-1/awshooks-custom', 'eu-west-1/awshooks-team_a-orders', 'eu-west-1/awshooks-team-a-orders'],
    'a custom name under the prefix',
  );
  t.same(
    names(queueOrphanCandidates(input({ region: 'eu-west-1', queueName: 'other' }, { queueName: 'not-ours' }))),
    ['eu-west-1/awshooks-team_a-orders', 'eu-west-1/awshooks-team-a-orders'],
    'names outside the prefix are never looked up',
  );
  const [q] = queueOrphanCandidates(input({}, undefined, 'Retain'));
  t.equal(q?.deletionPolicy, 'Retain');
  t.same(q?.ownerTags['awshooks.dev/namespace'], 'team-a');
});
