/**
 * The finalize steps over a fake AWS: `finalized: true` only when AWS confirms nothing of this
 * parent remains or the parent asked to keep it; never a resource of another owner deleted; the
 * spec's validity never decides (issue 8 §2). Every answer keeps the observed children.
 */
import t from 'tap';
import { AwsClients } from '../../../../hooks/core/aws-clients.js';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import { deletionPolicyAsWritten } from '../../../../hooks/core/finalize.js';
import type { AnyKind } from '../../../../hooks/core/kind.js';
import type { Logger } from '../../../../hooks/core/logger.js';
import { reconcile } from '../../../../hooks/core/reconcile.js';
import type { Condition, ObjectMap, Parent, SyncResponse } from '../../../../hooks/core/types.js';
import { dbInstanceKind } from '../../../../hooks/dbinstance/index.js';
import { queueKind } from '../../../../hooks/queue/index.js';
import { awsError, FakeAws, widgetKind, widgetOwner, widgetParent } from '../../../helpers/fake-kind.js';

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const controller = { apiVersion: 'metacontroller.k8s.io/v1alpha1', kind: 'CompositeController', metadata: { name: 'c' } };
const observedChildren = (): ObjectMap => ({
  'ConfigMap.v1': {
    'team-a/w-widget': { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w-widget', namespace: 'team-a' }, data: { A: '1' } },
    'team-a/w-extra': { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w-extra', namespace: 'team-a' }, data: { B: '2' } },
  },
});
const DERIVED = 'awshooks-team-a-w';

async function finalize(kind: AnyKind, parent: Parent): Promise<SyncResponse> {
  const { response } = await reconcile(
    kind,
    { controller, parent, children: observedChildren(), finalizing: true },
    { config: DEFAULT_HOOKS_CONFIG, aws: new AwsClients(), log: silent },
  );
  // Nothing observed is ever dropped while finalizing.
  const names = response.children.map((c) => c.metadata.name).sort();
  if (names.join() !== 'w-extra,w-widget') throw new Error(`children dropped while finalizing: ${names.join()}`);
  return response;
}
const ready = (answer: SyncResponse) => (answer.status.conditions as Condition[]).find((c) => c.type === 'Ready');

t.test('valid spec: Retain finalizes at once and touches nothing', async (t) => {
  const aws = new FakeAws();
  aws.put(DERIVED, widgetOwner());
  const answer = await finalize(widgetKind(aws), widgetParent({ deletionPolicy: 'Retain' }));
  t.equal(answer.finalized, true);
  t.equal(ready(answer)?.reason, 'Retained');
  t.same(aws.calls, []);
  t.ok(aws.store.has(DERIVED));
});

t.test('valid spec: ours is deleted, then confirmed gone, then finalized', async (t) => {
  const aws = new FakeAws();
  aws.put(DERIVED, widgetOwner());
  const answer = await finalize(widgetKind(aws), widgetParent({}));
  t.equal(answer.finalized, true);
  t.equal(ready(answer)?.reason, 'Deleted');
  t.same(aws.calls, [`readOne ${DERIVED}`, `delete ${DERIVED} Delete`, `readOne ${DERIVED}`], 'read, delete, confirm');
  t.notOk(aws.store.has(DERIVED));
});

t.test('valid spec: absent is finalized without a delete', async (t) => {
  const aws = new FakeAws();
  const answer = await finalize(widgetKind(aws), widgetParent({}));
  t.equal(answer.finalized, true);
  t.equal(ready(answer)?.reason, 'Deleted');
  t.notOk(aws.calls.some((c) => c.startsWith('delete')));
});

t.test('valid spec: never finalized while AWS has not confirmed', async (t) => {
  const aws = new FakeAws();
  aws.put(DERIVED, widgetOwner());
  aws.deleteOutcome = 'pending';
  const pending = await finalize(widgetKind(aws), widgetParent({}));
  t.equal(pending.finalized, false, 'a pending delete');
  t.equal(ready(pending)?.reason, 'Deleting');
  t.equal(pending.resyncAfterSeconds, 5, 'polls again soon');
  t.equal(pending.status.widgetName, DERIVED, 'status says what is being deleted');

  const noop = new FakeAws();
  noop.put(DERIVED, widgetOwner());
  noop.deleteIsNoop = true;
  const still = await finalize(widgetKind(noop), widgetParent({}));
  t.equal(still.finalized, false, 'delete said deleted, the fresh read still finds it');
  t.ok(noop.store.has(DERIVED));

  const failing = new FakeAws();
  failing.put(DERIVED, widgetOwner());
  failing.failNext.delete = awsError('Throttling');
  const throttled = await finalize(widgetKind(failing), widgetParent({}));
  t.equal(throttled.finalized, false, 'an AWS error');
  t.equal(ready(throttled)?.reason, 'Throttling');
});

t.test('valid spec: a resource of another owner, or of none, is left in place', async (t) => {
  for (const [label, owner] of [
    ['foreign', widgetOwner('w', 'team-b')],
    ['unowned', undefined],
  ] as const) {
    const aws = new FakeAws();
    aws.put(DERIVED, owner);
    const answer = await finalize(widgetKind(aws), widgetParent({}));
    t.equal(answer.finalized, true, `${label}: finalized`);
    t.equal(ready(answer)?.reason, 'NotOwned', `${label}: says so`);
    t.notOk(
      aws.calls.some((c) => c.startsWith('delete')),
      `${label}: not deleted`,
    );
    t.ok(aws.store.has(DERIVED), `${label}: still there`);
  }
});

t.test('valid spec: what status says this parent also owns is deleted too, when ours', async (t) => {
  const aws = new FakeAws();
  aws.put('awshooks-team-a-old', widgetOwner());
  aws.put('awshooks-team-a-theirs', widgetOwner('x', 'team-b'));
  const answer = await finalize(widgetKind(aws), widgetParent({ widgetName: 'awshooks-team-a-new' }, { widgetName: 'awshooks-team-a-old' }));
  t.equal(answer.finalized, true);
  t.notOk(aws.store.has('awshooks-team-a-old'), 'the old one, ours, is deleted');
  const other = await finalize(widgetKind(aws), widgetParent({ widgetName: 'awshooks-team-a-new' }, { widgetName: 'awshooks-team-a-theirs' }));
  t.equal(other.finalized, true);
  t.ok(aws.store.has('awshooks-team-a-theirs'), "another owner's is never deleted");
  const pending = new FakeAws();
  pending.put('awshooks-team-a-old', widgetOwner());
  pending.deleteOutcome = 'pending';
  const waiting = await finalize(widgetKind(pending), widgetParent({ widgetName: 'awshooks-team-a-new' }, { widgetName: 'awshooks-team-a-old' }));
  t.equal(waiting.finalized, false, 'not finalized while the extra one is still being deleted');
});

t.test('invalid spec: what this parent may own is found and deleted, then finalized', async (t) => {
  for (const [label, spec] of [
    ['rejected by the kind', { size: 7 }],
    ['not matching the schema', { size: 'big' }],
  ] as const) {
    const aws = new FakeAws();
    aws.put(DERIVED, widgetOwner());
    const answer = await finalize(widgetKind(aws), widgetParent(spec));
    t.equal(answer.finalized, true, `${label}: finalized`);
    t.notOk(aws.store.has(DERIVED), `${label}: deleted first`);
    t.match(ready(answer)?.message, /spec is not valid/, `${label}: says the spec is invalid`);
  }
});

t.test("invalid spec: nothing of ours in AWS is finalized; another owner's is untouched", async (t) => {
  const aws = new FakeAws();
  aws.put(DERIVED, widgetOwner('w', 'team-b'));
  aws.put('awshooks-team-a-custom', undefined);
  const answer = await finalize(widgetKind(aws), widgetParent({ size: 7, widgetName: 'awshooks-team-a-custom' }));
  t.equal(answer.finalized, true);
  t.notOk(
    aws.calls.some((c) => c.startsWith('delete')),
    'nothing deleted',
  );
  t.same(aws.calls, ['readOne awshooks-team-a-custom', `readOne ${DERIVED}`], 'each candidate read once');
});

t.test('invalid spec: not finalized while AWS has not confirmed, nor on an AWS error', async (t) => {
  const aws = new FakeAws();
  aws.put(DERIVED, widgetOwner());
  aws.deleteOutcome = 'pending';
  const pending = await finalize(widgetKind(aws), widgetParent({ size: 7 }));
  t.equal(pending.finalized, false);
  t.equal(ready(pending)?.reason, 'Deleting');
  t.equal(pending.resyncAfterSeconds, 5);

  const noop = new FakeAws();
  noop.put(DERIVED, widgetOwner());
  noop.deleteIsNoop = true;
  t.equal((await finalize(widgetKind(noop), widgetParent({ size: 7 }))).finalized, false, 'the confirming read still finds it');

  const failing = new FakeAws();
  failing.failNext.readOne = awsError('InternalError', 500);
  const failed = await finalize(widgetKind(failing), widgetParent({ size: 7 }));
  t.equal(failed.finalized, false);
  t.equal(ready(failed)?.reason, 'InternalError');
});

t.test('invalid spec: deletionPolicy as written; the safe default when unreadable', async (t) => {
  const aws = new FakeAws();
  aws.put(DERIVED, widgetOwner());
  const kept = await finalize(widgetKind(aws), widgetParent({ size: 7, deletionPolicy: 'Retain' }));
  t.equal(kept.finalized, true);
  t.equal(ready(kept)?.reason, 'Retained');
  t.same(aws.calls, [], 'Retain: no AWS call');

  const safe = await finalize(widgetKind(aws, { safeDeletionPolicy: 'Retain' }), widgetParent({ size: 7, deletionPolicy: 42 }));
  t.equal(ready(safe)?.reason, 'Retained', "unreadable: the kind's safe default");
  t.ok(aws.store.has(DERIVED));

  const schemaDefault = await finalize(widgetKind(aws), widgetParent({ size: 7, deletionPolicy: 42 }));
  t.equal(schemaDefault.finalized, true, "unreadable, no safe default: the schema's default (Delete)");
  t.same(
    aws.calls.filter((c) => c.startsWith('delete')),
    [`delete ${DERIVED} Delete`],
  );
});

t.test('invalid spec: a kind that cannot name its candidates only finalizes under Retain', async (t) => {
  const aws = new FakeAws();
  const kind = widgetKind(aws, { orphanCandidates: undefined });
  const answer = await finalize(kind, widgetParent({ size: 7 }));
  t.equal(answer.finalized, false, 'never claims the resource is gone');
  t.match(ready(answer)?.message, /deletionPolicy: Retain/, 'says the way out');
  t.equal((await finalize(kind, widgetParent({ size: 7, deletionPolicy: 'Retain' }))).finalized, true);
});

t.test('finalize reads what the spec holds whatever its shape, and says what it did', async (t) => {
  const aws = new FakeAws();
  aws.put('awshooks-team-a-old', widgetOwner());
  const nullSpec = await finalize(widgetKind(aws), { ...widgetParent({}, { widgetName: 'awshooks-team-a-old' }), spec: null as never });
  t.equal(nullSpec.finalized, true, 'a null spec');
  t.notOk(aws.store.has('awshooks-team-a-old'), 'what status names is deleted');

  const deleted = new FakeAws();
  deleted.put(DERIVED, widgetOwner());
  const said = await finalize(widgetKind(deleted), widgetParent({ size: 7 }));
  t.match(ready(said)?.message, /what this parent owned in AWS is deleted \(the spec is not valid: InvalidSpec: spec\.size: 7 is not allowed\)/);
  const none = await finalize(widgetKind(new FakeAws()), widgetParent({ size: 7 }));
  t.match(ready(none)?.message, /nothing this parent owns remains in AWS/);

  // A kind whose desired() fails with a bug: finalize still finds and deletes what is ours.
  const buggy = new FakeAws();
  buggy.put(DERIVED, widgetOwner());
  const kind = widgetKind(buggy, {
    desired: () => {
      throw new TypeError('x is undefined');
    },
  });
  const afterBug = await finalize(kind, widgetParent({}));
  t.equal(afterBug.finalized, true);
  t.notOk(buggy.store.has(DERIVED));
  t.match(ready(afterBug)?.message, /the spec could not be read/);

  const foreign = new FakeAws();
  foreign.put(DERIVED, widgetOwner('w', 'team-b'));
  t.match(ready(await finalize(widgetKind(foreign), widgetParent({})))?.message, /belongs to Widget team-b\/w/);
  const unowned = new FakeAws();
  unowned.put(DERIVED);
  t.match(ready(await finalize(widgetKind(unowned), widgetParent({})))?.message, /was not created by awshooks/);
});

t.test('each candidate is read once, and a kind without candidates finalizes a valid spec as before', async (t) => {
  const aws = new FakeAws();
  const twice = widgetKind(aws, {
    orphanCandidates: () => [
      { name: 'awshooks-team-a-x', adopt: false, deletionPolicy: 'Delete' },
      { name: 'awshooks-team-a-x', adopt: false, deletionPolicy: 'Delete' },
    ],
  });
  await finalize(twice, widgetParent({ size: 7 }));
  t.same(aws.calls, ['readOne awshooks-team-a-x'], 'the same resource named twice is read once');
  const plain = new FakeAws();
  plain.put(DERIVED, widgetOwner());
  const answer = await finalize(widgetKind(plain, { orphanCandidates: undefined }), widgetParent({}));
  t.equal(answer.finalized, true);
  t.notOk(plain.store.has(DERIVED));
});

t.test('an absent deletionPolicy is the schema default even when the kind has a safe default', async (t) => {
  const aws = new FakeAws();
  aws.put(DERIVED, widgetOwner());
  const answer = await finalize(widgetKind(aws, { safeDeletionPolicy: 'Retain' }), widgetParent({ size: 7 }));
  t.equal(ready(answer)?.reason, 'Deleted', 'absent: Delete (what the API server stores), not the safe default');
  t.notOk(aws.store.has(DERIVED));
});

t.test('deletionPolicyAsWritten reads the plain value, or the safe default', async (t) => {
  t.equal(deletionPolicyAsWritten(queueKind, { deletionPolicy: 'Retain' }), 'Retain');
  t.equal(deletionPolicyAsWritten(queueKind, {}), 'Delete', 'absent: the schema default the API server applies');
  t.equal(deletionPolicyAsWritten(queueKind, { deletionPolicy: 'Snapshot' }), 'Delete', "not one of the kind's values: its default");
  t.equal(deletionPolicyAsWritten(dbInstanceKind, { deletionPolicy: 'Delete' }), 'Delete');
  t.equal(deletionPolicyAsWritten(dbInstanceKind, {}), 'Snapshot');
  t.equal(deletionPolicyAsWritten(dbInstanceKind, { deletionPolicy: 42 }), 'Snapshot', 'RDS: Snapshot when unreadable');
  t.equal(deletionPolicyAsWritten(dbInstanceKind, { deletionPolicy: ['Delete'] }), 'Snapshot');
  const aws = new FakeAws();
  t.equal(
    deletionPolicyAsWritten(widgetKind(aws, { specSchema: { type: 'object', properties: {} } as never }), {}),
    'Retain',
    'no deletionPolicy in the schema: Retain',
  );
});
