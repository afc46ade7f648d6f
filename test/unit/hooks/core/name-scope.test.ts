/** Which names a parent may use: its namespace's own, the administrator's allow-list, and what its owner tags prove. */
import t from 'tap';
import { allowedByAdmin, chooseName, nameNotAllowed, parseArn, readChosen } from '../../../../hooks/core/name-scope.js';
import { ownerTags } from '../../../../hooks/core/ownership.js';
import type { Owner } from '../../../../hooks/core/types.js';

const base = { derived: 'awshooks-team_a-orders', legacy: 'awshooks-team-a-orders', ownPrefix: 'awshooks-team_a-', namespace: 'team-a', allow: [] };

t.test('chooseName: own names are claimable, any other only kept while ours', async (t) => {
  t.same(chooseName(base), { name: 'awshooks-team_a-orders', claimable: true, legacy: 'awshooks-team-a-orders', ownPrefix: 'awshooks-team_a-' });
  t.same(
    chooseName({ ...base, legacy: base.derived }),
    { name: base.derived, claimable: true, ownPrefix: 'awshooks-team_a-' },
    'same legacy name: no second read',
  );
  const cases: [string, boolean, string][] = [
    ['awshooks-team_a-orders', true, 'the derived name'],
    ['awshooks-team_a-custom', true, "in the namespace's names"],
    ['awshooks-team_a-', false, 'the bare prefix is no name'],
    ['awshooks-team_b-orders', false, "another namespace's names"],
    ['awshooks-team-d-ledger', false, 'a pre-token name (ambiguous)'],
    ['awshooks-team_ab-x', false, 'a namespace that only starts alike'],
  ];
  for (const [explicit, claimable, why] of cases) t.equal(chooseName({ ...base, explicit }).claimable, claimable, why);
  t.equal(chooseName({ ...base, explicit: 'awshooks-x', ownPrefix: undefined }).claimable, false, 'no room for custom names');
  const allow = [{ namespace: 'team-*', pattern: 'awshooks-shared-*' }];
  t.equal(chooseName({ ...base, explicit: 'awshooks-shared-dlq', allow }).claimable, true, 'allowed by the administrator');
  t.equal(chooseName({ ...base, namespace: 'ops', explicit: 'awshooks-shared-dlq', allow }).claimable, false, 'allowed only for the namespaces listed');
});

t.test('allowedByAdmin matches names and ARNs per namespace', async (t) => {
  const entries = [
    { namespace: 'team-a', pattern: 'arn:aws:sqs:*:*:central-dlq' },
    { namespace: '*', pattern: 'awshooks-shared-*' },
  ];
  t.ok(allowedByAdmin(entries, 'team-a', 'arn:aws:sqs:eu-west-1:123456789012:central-dlq', 'central-dlq'));
  t.notOk(allowedByAdmin(entries, 'team-b', 'arn:aws:sqs:eu-west-1:123456789012:central-dlq', 'central-dlq'));
  t.ok(allowedByAdmin(entries, 'anything', 'awshooks-shared-x'));
  t.notOk(allowedByAdmin([], 'team-a', 'awshooks-team_a-x'), 'empty by default');
});

t.test('readChosen: a claimable name whatever its tags, legacy and other names only when ours', async (t) => {
  const owner: Owner = { cluster: 'c', namespace: 'team-a', name: 'orders', uid: 'u', kind: 'Queue' };
  const ours = { tags: ownerTags(owner) };
  const foreign = { tags: ownerTags({ ...owner, namespace: 'team' }) };
  const untagged = { tags: {} };
  const run = async (store: Record<string, { tags: Record<string, string> }>, choice: Parameters<typeof readChosen>[0], previous?: string) => {
    const reads: string[] = [];
    const got = await readChosen(
      choice,
      previous,
      async (n) => (reads.push(n), store[n]),
      (o) => o.tags,
      owner,
    );
    return { got: got === undefined ? undefined : Object.entries(store).find(([, v]) => v === got)![0], reads };
  };
  const choice = chooseName(base);
  t.same(
    await run({ 'awshooks-team_a-orders': untagged }, choice),
    { got: 'awshooks-team_a-orders', reads: ['awshooks-team_a-orders'] },
    'the derived name: the core judges (adoption)',
  );
  t.same(
    await run({ 'awshooks-team-a-orders': ours }, choice),
    { got: 'awshooks-team-a-orders', reads: ['awshooks-team_a-orders', 'awshooks-team-a-orders'] },
    'a pre-upgrade resource keeps its name',
  );
  t.same(
    await run({ 'awshooks-team-a-orders': foreign }, choice),
    { got: undefined, reads: ['awshooks-team_a-orders', 'awshooks-team-a-orders'] },
    "team/a-orders's queue is not taken",
  );
  t.same(
    await run({ 'awshooks-team-a-orders': untagged }, choice),
    { got: undefined, reads: ['awshooks-team_a-orders', 'awshooks-team-a-orders'] },
    'an untagged legacy name is never adopted',
  );
  t.same(
    await run({ 'awshooks-team-a-orders': ours }, choice, 'awshooks-team-a-orders'),
    { got: 'awshooks-team-a-orders', reads: ['awshooks-team-a-orders'] },
    'status names the legacy name: one read, as before',
  );
  const kept = chooseName({ ...base, explicit: 'awshooks-team-d-ledger' });
  t.same(
    await run({ 'awshooks-team-d-ledger': untagged }, kept),
    { got: undefined, reads: ['awshooks-team-d-ledger'] },
    "another namespace's name: never adopted",
  );
  t.same(
    await run({ 'awshooks-team-d-ledger': ours }, kept),
    { got: 'awshooks-team-d-ledger', reads: ['awshooks-team-d-ledger'] },
    'kept while its tags name this parent',
  );
});

t.test('nameNotAllowed and parseArn', async (t) => {
  const err = nameNotAllowed('spec.queueName', 'awshooks-x', 'awshooks-team_a-', 'queue');
  t.equal(err.reason, 'NameNotAllowed');
  t.match(err.message, /spec\.queueName: "awshooks-x" is outside this namespace's names \(names starting with "awshooks-team_a-"\)/);
  t.same(parseArn('arn:aws:sqs:eu-west-1:123456789012:q.fifo'), {
    partition: 'aws',
    service: 'sqs',
    region: 'eu-west-1',
    account: '123456789012',
    resource: 'q.fifo',
  });
  t.same(parseArn('arn:aws:iam::aws:policy/ReadOnlyAccess'), {
    partition: 'aws',
    service: 'iam',
    region: '',
    account: 'aws',
    resource: 'policy/ReadOnlyAccess',
  });
  t.equal(parseArn('not-an-arn'), undefined);
});
