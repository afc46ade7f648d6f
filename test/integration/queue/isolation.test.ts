/**
 * Tenant isolation for Queues against moto (issue 8 §1): names of one namespace never reach
 * another's queues — derived names, custom names, adoption, dead-letter targets, status pointers —
 * and queues created before the namespace token keep their names.
 */
import t from 'tap';
import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ListQueueTagsCommand, SQSClient } from '@aws-sdk/client-sqs';
import { motoEndpoint, resetMoto } from '../../helpers/moto.js';
import { applyAnswer, testApp, type TestApp } from '../../helpers/app.js';
import { ownerTags } from '../../../hooks/core/ownership.js';
import { defaultQueueName } from '../../../hooks/queue/desired.js';
import type { Parent, SyncResponse } from '../../../hooks/core/types.js';

const region = 'eu-west-1';
const sqs = new SQSClient({ region, endpoint: motoEndpoint() });
const CM = 'ConfigMap.v1';
const RELATED = 'Queue.sqs.awshooks.dev/v1alpha1';

const queue = (namespace: string, name: string, spec: Record<string, unknown> = {}, status?: Record<string, unknown>): Parent => ({
  apiVersion: 'sqs.awshooks.dev/v1alpha1',
  kind: 'Queue',
  metadata: { name, namespace, uid: `uid-${namespace}-${name}`, generation: 1 },
  spec: { region, ...spec },
  ...(status ? { status } : {}),
});
const ready = (a: SyncResponse) =>
  (a.status.conditions as { type: string; status: string; reason: string; message: string }[]).find((c) => c.type === 'Ready')!;
const urlOf = async (name: string) => (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
const tagsOf = async (name: string) => (await sqs.send(new ListQueueTagsCommand({ QueueUrl: await urlOf(name) }))).Tags ?? {};
const attrsOf = async (name: string) =>
  (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: await urlOf(name), AttributeNames: ['All'] }))).Attributes ?? {};
const queueNames = async () => {
  const { ListQueuesCommand } = await import('@aws-sdk/client-sqs');
  return ((await sqs.send(new ListQueuesCommand({}))).QueueUrls ?? []).map((u) => u.split('/').pop()!).sort();
};

async function converge(app: TestApp, parent: Parent, related = {}) {
  const answer = await app.sync('queues', { parent, children: { [CM]: {} }, related });
  return { answer, ...applyAnswer(parent, answer, [CM]) };
}

t.beforeEach(async () => {
  await resetMoto();
});
t.teardown(() => {
  sqs.destroy();
});

t.test('names collide across namespaces: dev-x/app and dev/x-app both get their own queue', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const a = await converge(app, queue('dev-x', 'app'));
  const b = await converge(app, queue('dev', 'x-app'));
  t.equal(ready(a.answer).status, 'True', ready(a.answer).message);
  t.equal(ready(b.answer).status, 'True', `the second one is not stuck in Conflict: ${ready(b.answer).message}`);
  t.not(a.answer.status.queueUrl, b.answer.status.queueUrl);
  t.equal((await tagsOf(a.answer.status.queueName as string))['awshooks.dev/namespace'], 'dev-x');
  t.equal((await tagsOf(b.answer.status.queueName as string))['awshooks.dev/namespace'], 'dev');
});

t.test("a custom queueName cannot claim another namespace's default name first", async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const victim = defaultQueueName('awshooks', 'dev-x', 'app', false);
  const squat = await converge(app, queue('dev', 'squat', { queueName: victim }));
  t.equal(ready(squat.answer).status, 'False');
  t.equal(ready(squat.answer).reason, 'NameNotAllowed');
  t.match(ready(squat.answer).message, /outside this namespace's names \(names starting with "awshooks-dev-"\)/);
  t.same(await queueNames(), [], 'nothing created');
  const owner = await converge(app, queue('dev-x', 'app'));
  t.equal(ready(owner.answer).status, 'True', 'the namespace whose name it is gets it');
  t.equal(owner.answer.status.queueName, victim);
  // The squatter's next sync finds the queue: not ours, never touched.
  const again = await converge(app, queue('dev', 'squat', { queueName: victim, adopt: true }));
  t.equal(ready(again.answer).reason, 'NameNotAllowed');
  t.equal((await tagsOf(victim))['awshooks.dev/namespace'], 'dev-x');
});

t.test("adopt across namespaces: an untagged queue in another namespace's names is never adopted, changed or deleted", async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  // team-d's queue (its default name, in the old and the new scheme alike), created outside awshooks.
  await sqs.send(new CreateQueueCommand({ QueueName: 'awshooks-teamd-ledger', Attributes: { VisibilityTimeout: '7' } }));
  const thief = queue('team-a', 'ledger', { queueName: 'awshooks-teamd-ledger', adopt: true, visibilityTimeout: 45 });
  const answer = await app.sync('queues', { parent: thief, children: { [CM]: {} } });
  t.equal(ready(answer).status, 'False');
  t.equal(ready(answer).reason, 'NameNotAllowed');
  t.same(answer.children, [], "no ConfigMap pointing at team-d's queue");
  t.same(await tagsOf('awshooks-teamd-ledger'), {}, "not tagged as team-a's");
  t.equal((await attrsOf('awshooks-teamd-ledger')).VisibilityTimeout, '7', 'not modified');
  const fin = await app.sync('queues', { parent: { ...thief, status: answer.status }, children: { [CM]: {} }, finalizing: true }, 'finalize');
  t.equal(fin.finalized, true, 'finalize completes');
  t.ok(await urlOf('awshooks-teamd-ledger'), 'and the queue is still there');

  // Within its own names, adoption works as before.
  await sqs.send(new CreateQueueCommand({ QueueName: 'awshooks-team_a-legacy', Attributes: { VisibilityTimeout: '7' } }));
  const own = await app.sync('queues', { parent: queue('team-a', 'ledger', { queueName: 'awshooks-team_a-legacy', adopt: true }), children: { [CM]: {} } });
  t.equal(ready(own).status, 'True', ready(own).message);
  t.equal((await tagsOf('awshooks-team_a-legacy'))['awshooks.dev/namespace'], 'team-a');
});

t.test("ALLOWED_AWS_NAMES widens a namespace's names, and only that namespace's", async (t) => {
  const app = await testApp({ allowedAwsNames: [{ namespace: 'team-a', pattern: 'awshooks-shared-*' }] });
  t.teardown(() => app.close());
  await sqs.send(new CreateQueueCommand({ QueueName: 'awshooks-shared-events' }));
  const allowed = await app.sync('queues', { parent: queue('team-a', 'events', { queueName: 'awshooks-shared-events', adopt: true }), children: { [CM]: {} } });
  t.equal(ready(allowed).status, 'True', ready(allowed).message);
  const other = await app.sync('queues', { parent: queue('team-b', 'events', { queueName: 'awshooks-shared-other' }), children: { [CM]: {} } });
  t.equal(ready(other).reason, 'NameNotAllowed', 'team-b is not in the entry');
});

t.test('dead-letter target in another namespace: targetArn and a forged queueRef status are refused', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const orders = await converge(app, queue('team-b', 'orders'));
  const teamBArn = orders.answer.status.queueArn as string;
  const byArn = await app.sync('queues', { parent: queue('team-a', 'work', { deadLetter: { targetArn: teamBArn } }), children: { [CM]: {} } });
  t.equal(ready(byArn).status, 'False');
  t.equal(ready(byArn).reason, 'NameNotAllowed');
  t.match(ready(byArn).message, /outside this namespace's queue names and belongs to Queue team-b\/orders/);
  t.same(await queueNames(), ['awshooks-team_b-orders'], "team-a's queue was not even created with team-b's redrive target");

  // A Queue of team-a whose status (writable by whoever may write queues/status) claims team-b's ARN.
  const forged = queue(
    'team-a',
    'dlq',
    {},
    { queueArn: teamBArn, conditions: [{ type: 'Ready', status: 'True', reason: 'Available', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' }] },
  );
  const byRef = await app.sync('queues', {
    parent: queue('team-a', 'work', { deadLetter: { queueRef: 'dlq' } }),
    children: { [CM]: {} },
    related: { [RELATED]: { 'team-a/dlq': forged } },
  });
  t.equal(ready(byRef).reason, 'NameNotAllowed');

  // A real dead-letter Queue of team-a is used.
  const dlq = await converge(app, queue('team-a', 'dlq'));
  const ok = await app.sync('queues', {
    parent: queue('team-a', 'work', { deadLetter: { queueRef: 'dlq' } }),
    children: { [CM]: {} },
    related: { [RELATED]: { 'team-a/dlq': dlq.parent } },
  });
  t.equal(ready(ok).status, 'True', ready(ok).message);
  t.equal(JSON.parse((await attrsOf('awshooks-team_a-work')).RedrivePolicy!).deadLetterTargetArn, dlq.answer.status.queueArn);

  // A dead-letter queue created before the namespace token (old name, team-a's owner tags) is used.
  const legacyDlq = (
    await sqs.send(
      new CreateQueueCommand({
        QueueName: 'awshooks-team-a-old-dlq',
        tags: ownerTags({ cluster: 'default', namespace: 'team-a', name: 'old-dlq', uid: 'u', kind: 'Queue' }),
      }),
    )
  ).QueueUrl!;
  const legacyArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: legacyDlq, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const viaLegacy = await app.sync('queues', { parent: queue('team-a', 'legacy-work', { deadLetter: { targetArn: legacyArn } }), children: { [CM]: {} } });
  t.equal(ready(viaLegacy).status, 'True', `its owner tags name a Queue of team-a: ${ready(viaLegacy).message}`);

  // Another region's queue can never be a redrive target.
  const elsewhere = await app.sync('queues', {
    parent: queue('team-a', 'x', { deadLetter: { targetArn: 'arn:aws:sqs:us-east-1:123456789012:awshooks-team_a-dlq' } }),
    children: { [CM]: {} },
  });
  t.equal(ready(elsewhere).reason, 'InvalidSpec');
});

t.test('a queue created before the namespace token keeps its name (owner tags checked), and stays cheap', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const owner = { cluster: 'default', namespace: 'team-a', name: 'orders', uid: 'uid-old', kind: 'Queue' };
  await sqs.send(new CreateQueueCommand({ QueueName: 'awshooks-team-a-orders', tags: ownerTags(owner) }));
  const first = await converge(app, queue('team-a', 'orders'));
  t.equal(ready(first.answer).status, 'True', ready(first.answer).message);
  t.equal(first.answer.status.queueName, 'awshooks-team-a-orders', 'the pre-upgrade queue, not a new one');
  t.same(await queueNames(), ['awshooks-team-a-orders'], 'no second queue');
  t.equal((first.answer.children[0] as unknown as { data: Record<string, string> }).data.QUEUE_NAME, 'awshooks-team-a-orders');
  app.clock.advance(31);
  const before = await app.awsCalls();
  const check = await app.sync('queues', { parent: first.parent, children: first.children });
  t.equal(ready(check).status, 'True');
  t.equal((await app.awsCalls()) - before, 2, 'a drift check still costs two reads');
  // team/a-orders derives that very name (its namespace has no hyphen): the old collision stays
  // until team-a's queue is gone, as a Conflict that names the holder, never a takeover.
  const other = await converge(app, queue('team', 'a-orders'));
  t.equal(ready(other.answer).reason, 'Conflict');
  t.match(ready(other.answer).message, /belongs to Queue team-a\/orders/);
  const fin = await app.sync('queues', { parent: first.parent, children: first.children, finalizing: true }, 'finalize');
  t.equal(fin.finalized, true);
  t.notOk((await queueNames()).includes('awshooks-team-a-orders'), 'finalize deletes the legacy-named queue');
  const freed = await converge(app, queue('team', 'a-orders'));
  t.equal(ready(freed.answer).status, 'True', 'then the name is free for the namespace whose name it now is');
});

t.test('status never points at another queue: a forged queueUrl is not read, adopted or deleted', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const victimUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'awshooks-teamb-victim', Attributes: { VisibilityTimeout: '7' } }))).QueueUrl!;
  const parent = queue('team-a', 'orders', { adopt: true, visibilityTimeout: 45 }, { queueUrl: victimUrl, queueName: 'awshooks-team_a-orders', region });
  const answer = await app.sync('queues', { parent, children: { [CM]: {} } });
  t.equal(ready(answer).status, 'True');
  t.equal(answer.status.queueName, 'awshooks-team_a-orders');
  t.not(answer.status.queueUrl, victimUrl, 'its own queue was created');
  t.equal((await attrsOf('awshooks-teamb-victim')).VisibilityTimeout, '7', 'the victim was not modified');
  t.same(await tagsOf('awshooks-teamb-victim'), {}, 'nor adopted');
  const fin = await app.sync(
    'queues',
    { parent: { ...parent, status: { ...answer.status, queueUrl: victimUrl } }, children: { [CM]: {} }, finalizing: true },
    'finalize',
  );
  t.equal(fin.finalized, true);
  t.ok(await urlOf('awshooks-teamb-victim'), 'nor deleted');
});
