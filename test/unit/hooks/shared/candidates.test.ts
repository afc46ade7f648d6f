/**
 * What each kind looks for in AWS when the spec cannot be read (finalize of an invalid spec):
 * the name status gives, else the raw spec's custom name and the derived name; only names under
 * the service's prefix; the regions status and spec name, else the default one.
 */
import t from 'tap';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import type { OrphanInput } from '../../../../hooks/core/kind.js';
import type { Owner } from '../../../../hooks/core/types.js';
import { dbInstanceOrphanCandidates } from '../../../../hooks/dbinstance/candidates.js';
import { policyOrphanCandidates } from '../../../../hooks/policy/candidates.js';
import { queueOrphanCandidates } from '../../../../hooks/queue/candidates.js';
import { roleOrphanCandidates } from '../../../../hooks/role/candidates.js';
import { candidateRegions, isRegion, underPrefix } from '../../../../hooks/shared/candidates.js';

const owner: Owner = { cluster: 'default', namespace: 'team-a', name: 'orders', uid: 'abcdef12-0000', kind: 'Queue' };
/** The input of an orphanCandidates call; status is as untyped as Metacontroller sends it. */
function input(rawSpec: Record<string, unknown>, status?: Record<string, unknown>, deletionPolicy = 'Delete'): OrphanInput<never> {
  return {
    parent: { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'orders', namespace: 'team-a' }, spec: rawSpec },
    rawSpec,
    status: status as never,
    config: DEFAULT_HOOKS_CONFIG,
    owner,
    deletionPolicy,
  };
}

t.test('shared helpers', async (t) => {
  t.ok(isRegion('eu-west-1'));
  t.ok(isRegion('us-gov-west-1'));
  t.notOk(isRegion('Mars'));
  t.notOk(isRegion(undefined));
  t.ok(underPrefix('awshooks-team-a-x', DEFAULT_HOOKS_CONFIG));
  t.notOk(underPrefix('other', DEFAULT_HOOKS_CONFIG));
  t.notOk(underPrefix('awshooksx', DEFAULT_HOOKS_CONFIG), 'the prefix and its dash');
  t.notOk(underPrefix(undefined, DEFAULT_HOOKS_CONFIG));
  t.same(candidateRegions({}, undefined, DEFAULT_HOOKS_CONFIG), ['us-east-1'], 'none named: the default');
  t.same(candidateRegions({ region: 'eu-west-1' }, { region: 'eu-west-1' }, DEFAULT_HOOKS_CONFIG), ['eu-west-1'], 'once');
  t.same(candidateRegions({ region: 'eu-west-1' }, { region: 'eu-west-2' }, DEFAULT_HOOKS_CONFIG), ['eu-west-2', 'eu-west-1'], 'both');
  t.same(candidateRegions({ region: 5 }, { region: 'nope' }, DEFAULT_HOOKS_CONFIG), ['us-east-1'], 'unreadable: the default');
});

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

t.test('Policy and Role: the derived names only, then the pre-token ones', async (t) => {
  const [policy] = policyOrphanCandidates(input({ document: 'broken' }));
  t.same(`${policy?.path}${policy?.policyName}`, '/awshooks/awshooks-team_a-orders');
  t.same(policy?.name, { name: 'awshooks-team_a-orders', claimable: false, legacy: 'awshooks-team-a-orders' }, 'never created, the legacy name read next');
  const [role] = roleOrphanCandidates(input({ maxSessionDuration: 'x' }));
  t.same(role?.name, { name: 'awshooks-team_a-orders', claimable: false, legacy: 'awshooks-team-a-orders' });
  t.equal(roleOrphanCandidates(input({}, undefined, 'Retain'))[0]?.deletionPolicy, 'Retain');
});
