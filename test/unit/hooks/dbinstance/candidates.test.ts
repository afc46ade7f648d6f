/** What a DBInstance looks for in AWS when its spec cannot be read (finalize of an invalid spec). */
import t from 'tap';
import { dbInstanceOrphanCandidates } from '../../../../hooks/dbinstance/candidates.js';
import { orphanInput as input } from '../../../helpers/orphan-input.js';

t.test('DBInstance: status identifier, else custom and derived; Snapshot unless written; protection lifted only when the spec says so', async (t) => {
  const ids = (c: { region: string; identifier: string }[]) => c.map((d) => `${d.region}/${d.identifier}`);
  t.same(ids(dbInstanceOrphanCandidates(input({}, { dbInstanceIdentifier: 'awshooks-team-a-orders', region: 'eu-west-1' }, 'Snapshot'))), [
    'eu-west-1/awshooks-team-a-orders',
  ]);
  t.same(ids(dbInstanceOrphanCandidates(input({ instanceIdentifier: 'awshooks-x', region: 'eu-west-2' }, undefined, 'Snapshot'))), [
    'eu-west-2/awshooks-x',
    'eu-west-2/awshooks-team01a-orders',
    'eu-west-2/awshooks-team-a-orders',
  ]);
  t.same(
    ids(dbInstanceOrphanCandidates(input({ instanceIdentifier: 'Bad_Id' }, { dbInstanceIdentifier: 'other-db' }, 'Snapshot'))),
    ['us-east-1/awshooks-team01a-orders', 'us-east-1/awshooks-team-a-orders'],
    'invalid or foreign identifiers are never looked up',
  );
  const [snap] = dbInstanceOrphanCandidates(input({}, undefined, 'Snapshot'));
  t.equal(snap?.deletionPolicy, 'Snapshot');
  t.match(snap?.finalSnapshotIdentifier, /^awshooks-team01a-orders-final-abcdef12/);
  t.equal(snap?.deletionProtection, false, 'absent: the schema default (false)');
  t.equal(dbInstanceOrphanCandidates(input({ deletionProtection: 'no' }, undefined, 'Snapshot'))[0]?.deletionProtection, true, 'unreadable: protection kept');
  t.equal(dbInstanceOrphanCandidates(input({ deletionProtection: true }, undefined, 'Delete'))[0]?.deletionProtection, true);
  t.equal(dbInstanceOrphanCandidates(input({}, undefined, 'Delete'))[0]?.deletionPolicy, 'Delete');
  t.equal(dbInstanceOrphanCandidates(input({}, undefined, 'Bogus'))[0]?.deletionPolicy, 'Snapshot', 'anything else: Snapshot');
});
