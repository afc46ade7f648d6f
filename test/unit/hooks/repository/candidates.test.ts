/** What a Repository looks for in AWS when its spec cannot be read (finalize of an invalid spec). */
import t from 'tap';
import { OWNER_TAGS } from '../../../../hooks/core/ownership.js';
import { repositoryKey, repositoryOrphanCandidates } from '../../../../hooks/repository/candidates.js';
import { orphanInput } from '../../../helpers/orphan-input.js';

const keys = (c: { region: string; repositoryName: string }[]) => c.map(repositoryKey);

t.test('the status name first; else the raw spec name and the derived one', async (t) => {
  t.same(keys(repositoryOrphanCandidates(orphanInput({ scanOnPush: 'x' }, { repositoryName: 'awshooks/team-a/api', region: 'eu-west-1' }))), [
    'eu-west-1/awshooks/team-a/api',
  ]);
  t.same(keys(repositoryOrphanCandidates(orphanInput({ repositoryName: 'awshooks/team-a/web', region: 'eu-west-1' }))), [
    'eu-west-1/awshooks/team-a/web',
    'eu-west-1/awshooks/team-a/orders',
  ]);
  t.same(keys(repositoryOrphanCandidates(orphanInput({}))), ['us-east-1/awshooks/team-a/orders']);
});

t.test('never a name outside `<prefix>/` or one ECR refuses', async (t) => {
  t.same(keys(repositoryOrphanCandidates(orphanInput({ repositoryName: 'platform/base' }, { repositoryName: 'awshooks-x/y' }))), [
    'us-east-1/awshooks/team-a/orders',
  ]);
  t.same(keys(repositoryOrphanCandidates(orphanInput({ repositoryName: 'awshooks/Team/UPPER' }))), ['us-east-1/awshooks/team-a/orders']);
});

t.test('images go only when the spec plainly says force: true; owner tags and deletionPolicy as written', async (t) => {
  t.equal(repositoryOrphanCandidates(orphanInput({ force: true }))[0]?.force, true);
  t.equal(repositoryOrphanCandidates(orphanInput({ force: 'yes' }))[0]?.force, false, 'unreadable: never force');
  t.equal(repositoryOrphanCandidates(orphanInput({}))[0]?.force, false);
  const [c] = repositoryOrphanCandidates(orphanInput({}, undefined, 'Retain'));
  t.equal(c?.deletionPolicy, 'Retain');
  t.equal(c?.finalizing, true);
  t.equal(c?.ownerTags[OWNER_TAGS.namespace], 'team-a');
});
