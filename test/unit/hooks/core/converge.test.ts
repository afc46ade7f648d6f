/**
 * The converge step's create over a fake AWS: "already exists" from a concurrent first sync is
 * read again and checked like any existing resource (issue 8 §2); ownership still decides.
 */
import t from 'tap';
import { AwsClients } from '../../../../hooks/core/aws-clients.js';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import type { Logger } from '../../../../hooks/core/logger.js';
import { reconcile } from '../../../../hooks/core/reconcile.js';
import type { Condition, Parent, SyncResponse } from '../../../../hooks/core/types.js';
import { awsError, FakeAws, widgetKind, widgetOwner, widgetParent } from '../../../helpers/fake-kind.js';

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const controller = { apiVersion: 'metacontroller.k8s.io/v1alpha1', kind: 'CompositeController', metadata: { name: 'c' } };
const DERIVED = 'awshooks-team-a-w';
const ready = (answer: SyncResponse) => (answer.status.conditions as Condition[]).find((c) => c.type === 'Ready');

/** AWS where another call creates the widget (as `owner`) between our read and our create. */
function racedAws(owner: Parameters<FakeAws['put']>[1], code = 'WidgetAlreadyExists'): FakeAws {
  const aws = new FakeAws();
  aws.failNext.create = awsError(code);
  const create = aws.create.bind(aws);
  aws.create = async (desired, o) => {
    aws.put(desired.name, owner);
    return create(desired, o);
  };
  return aws;
}

async function sync(aws: FakeAws, parent: Parent = widgetParent({})): Promise<SyncResponse> {
  const { response } = await reconcile(
    widgetKind(aws),
    { controller, parent, children: { 'ConfigMap.v1': {} } },
    { config: DEFAULT_HOOKS_CONFIG, aws: new AwsClients(), log: silent },
  );
  return response;
}

t.test('concurrent first syncs: created meanwhile by this parent: read again and Ready', async (t) => {
  const aws = racedAws(widgetOwner());
  const answer = await sync(aws);
  t.equal(ready(answer)?.status, 'True', 'not terminal');
  t.same(aws.calls, [`readOne ${DERIVED}`, `create ${DERIVED}`, `readOne ${DERIVED}`]);
  t.equal(answer.status.widgetName, DERIVED);
});

t.test('concurrent first syncs: created meanwhile by another owner: Conflict, not taken', async (t) => {
  const answer = await sync(racedAws(widgetOwner('w', 'team-b')));
  t.equal(ready(answer)?.reason, 'Conflict');
  t.match(ready(answer)?.message, /team-b/);
  const unowned = await sync(racedAws(undefined));
  t.equal(ready(unowned)?.reason, 'Conflict', 'unowned without adopt: Conflict');
});

t.test('concurrent first syncs: "already exists" but gone again: wait and look again', async (t) => {
  const aws = new FakeAws();
  aws.failNext.create = awsError('WidgetAlreadyExists');
  const answer = await sync(aws);
  t.equal(ready(answer)?.reason, 'CreateRace');
  t.equal(answer.resyncAfterSeconds, 5);
});

t.test('other create errors are answered as before', async (t) => {
  const aws = new FakeAws();
  aws.failNext.create = awsError('Throttling');
  const answer = await sync(aws);
  t.equal(ready(answer)?.reason, 'Throttling');
  t.same(aws.calls, [`readOne ${DERIVED}`, `create ${DERIVED}`], 'no second read');
});

t.test('an existing resource that matches the spec gets no update call; one that differs gets one', async (t) => {
  const aws = new FakeAws();
  aws.put(DERIVED, widgetOwner());
  await sync(aws);
  t.same(aws.calls, [`readOne ${DERIVED}`], 'no delta: read only');
  const changed = new FakeAws();
  changed.put('awshooks-team-a-changed', widgetOwner());
  await sync(changed, widgetParent({ widgetName: 'awshooks-team-a-changed' }));
  t.same(changed.calls, ['readOne awshooks-team-a-changed', 'update awshooks-team-a-changed'], 'a delta: one update');
});
