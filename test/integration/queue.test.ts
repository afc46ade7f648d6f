/** The Queue kind against the moto server: what crosses the wire. */
import t from 'tap';
import {
  GetQueueAttributesCommand,
  CreateQueueCommand,
  ListQueueTagsCommand,
  SetQueueAttributesCommand,
  TagQueueCommand,
  UntagQueueCommand,
  GetQueueUrlCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { condition, resetMotoBeforeEach } from '../helpers/integration.js';
import { motoEndpoint } from '../helpers/moto.js';
import { applyAnswer, testApp, type TestApp } from '../helpers/app.js';
import type { Parent, SyncResponse } from '../../hooks/core/types.js';

const region = 'eu-west-1';
const sqs = () => new SQSClient({ region, endpoint: motoEndpoint() });
const CM = 'ConfigMap.v1';

function queueParent(name: string, spec: Record<string, unknown>, namespace = 'shop'): Parent {
  return {
    apiVersion: 'sqs.awshooks.dev/v1alpha1',
    kind: 'Queue',
    metadata: { name, namespace, uid: `uid-${namespace}-${name}`, generation: 1 },
    spec: { region, ...spec },
  };
}

const cond = (answer: SyncResponse, type: string) => condition(answer, type)!;

/** Sync until converged, feeding answers back like Metacontroller. */
async function converge(app: TestApp, parent: Parent, related = {}) {
  let state = { parent, children: { [CM]: {} } as Parent['status'] & object };
  const answer = await app.sync('queues', { parent: state.parent, children: state.children as never, related });
  state = applyAnswer(state.parent, answer, [CM]);
  return { answer, ...state } as { answer: SyncResponse; parent: Parent; children: Record<string, Record<string, never>> };
}

resetMotoBeforeEach();

t.test('create, then converged syncs make no write call and no call at all inside the interval', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const parent = queueParent('orders', { visibilityTimeout: 45, delaySeconds: 2, tags: { team: 'payments' } });
  const first = await converge(app, parent);
  t.equal(cond(first.answer, 'Ready').status, 'True', 'Ready after one sync');
  const url = first.answer.status.queueUrl as string;
  t.match(url, /awshooks-shop-orders$/);
  t.match(first.answer.status.queueArn, /^arn:aws:sqs:eu-west-1:\d{12}:awshooks-shop-orders$/);
  t.same(
    first.answer.children.map((c) => [c.kind, c.metadata.name]),
    [['ConfigMap', 'orders-queue']],
  );
  t.same((first.answer.children[0] as unknown as { data: Record<string, string> }).data, {
    QUEUE_URL: url,
    QUEUE_ARN: first.answer.status.queueArn,
    QUEUE_NAME: 'awshooks-shop-orders',
    AWS_REGION: region,
  });
  const attrs = (await sqs().send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes!;
  t.equal(attrs.VisibilityTimeout, '45');
  t.equal(attrs.DelaySeconds, '2');
  const tags = (await sqs().send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags!;
  t.equal(tags.team, 'payments');
  t.equal(tags['awshooks.dev/namespace'], 'shop', 'owner tags set at creation');
  t.equal(tags['awshooks.dev/name'], 'orders');
  t.equal(tags['awshooks.dev/cluster'], 'default');

  // Inside the drift interval: zero calls, same status.
  let calls = await app.awsCalls();
  app.clock.advance(5);
  const steady = await app.sync('queues', { parent: first.parent, children: first.children });
  t.equal((await app.awsCalls()) - calls, 0, 'converged sync inside the interval: zero AWS calls');
  t.same(steady.status, first.answer.status, 'deterministic status');
  t.same(steady.children, first.answer.children);

  // Drift check: reads only (2 calls), no write.
  app.clock.advance(30);
  calls = await app.awsCalls();
  const check = await app.sync('queues', { parent: first.parent, children: first.children });
  t.equal((await app.awsCalls()) - calls, 2, 'a drift check costs two reads');
  const writes = (await app.metrics.awsCalls.get()).values.filter((v) => /^(Set|Tag|Untag|Create|Delete)/.test(String(v.labels.operation)));
  t.equal(
    writes.reduce((n, v) => n + v.value, 0),
    1,
    'the only write ever made is the CreateQueue',
  );
  t.equal(cond(check, 'Ready').status, 'True');
});

t.test('drift is set back; tags set outside are left alone; message counts refresh', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const policy = {
    Version: '2012-10-17',
    Statement: [{ Sid: 'send', Effect: 'Allow', Principal: { AWS: '123456789012' }, Action: 'sqs:SendMessage', Resource: '*' }],
  };
  const first = await converge(app, queueParent('orders', { visibilityTimeout: 45, policy, tags: { team: 'payments' } }));
  const url = first.answer.status.queueUrl as string;
  await sqs().send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: '10', Policy: '' } }));
  await sqs().send(new TagQueueCommand({ QueueUrl: url, Tags: { team: 'hijacked', 'cost-center': 'x' } }));
  await sqs().send(new UntagQueueCommand({ QueueUrl: url, TagKeys: ['awshooks.dev/uid', 'awshooks.dev/kind'] }));
  await sqs().send(new (await import('@aws-sdk/client-sqs')).SendMessageCommand({ QueueUrl: url, MessageBody: 'hello' }));
  app.clock.advance(31);
  const fixed = await app.sync('queues', { parent: first.parent, children: first.children });
  t.equal(cond(fixed, 'Ready').status, 'True', 'our own queue with owner tags partly removed is repaired');
  const attrs = (await sqs().send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes!;
  t.equal(attrs.VisibilityTimeout, '45', 'attribute set back');
  t.same(JSON.parse(attrs.Policy!).Statement[0].Sid, 'send', 'policy set back');
  const tags = (await sqs().send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags!;
  t.equal(tags.team, 'payments', 'our tag set back');
  t.equal(tags['awshooks.dev/uid'], 'uid-shop-orders', 'owner tag set back');
  t.equal(tags['awshooks.dev/kind'], 'Queue');
  t.equal(tags['cost-center'], 'x', 'a tag set outside is left alone');
  t.equal(fixed.status.messages, 1, 'message count refreshed at the drift check');
  // Next drift check: converged, no writes.
  const again = applyAnswer(first.parent, fixed, [CM]);
  app.clock.advance(31);
  const before = (await app.metrics.awsCalls.get()).values.filter((v) => /^(Set|Tag|Untag)/.test(String(v.labels.operation))).reduce((n, v) => n + v.value, 0);
  await app.sync('queues', { parent: again.parent, children: again.children });
  const after = (await app.metrics.awsCalls.get()).values.filter((v) => /^(Set|Tag|Untag)/.test(String(v.labels.operation))).reduce((n, v) => n + v.value, 0);
  t.equal(after, before, 'no update repeated once converged (policy compared by meaning)');
});

t.test('spec changes are applied; a removed tag we set is removed', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const first = await converge(app, queueParent('orders', { visibilityTimeout: 45, tags: { team: 'payments', tier: 'gold' } }));
  const changed = {
    ...first.parent,
    metadata: { ...first.parent.metadata, generation: 2 },
    spec: { region, visibilityTimeout: 90, tags: { team: 'payments' } },
  } as Parent;
  const answer = await app.sync('queues', { parent: changed, children: first.children });
  t.equal(answer.status.observedGeneration, 2);
  const url = answer.status.queueUrl as string;
  const attrs = (await sqs().send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['VisibilityTimeout'] }))).Attributes!;
  t.equal(attrs.VisibilityTimeout, '90');
  const tags = (await sqs().send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags!;
  t.notOk('tier' in tags, 'tier removed');
  t.equal(tags.team, 'payments');
});

t.test('dead-letter queue through queueRef waits, then wires the redrive policy', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const main = queueParent('orders', { deadLetter: { queueRef: 'orders-dlq', maxReceiveCount: 3 } });
  const waiting = await app.sync('queues', { parent: main, children: { [CM]: {} } });
  t.equal(cond(waiting, 'Ready').reason, 'DependencyNotReady');
  t.same(waiting.children, [], 'no ConfigMap before the queue exists');
  t.equal(await app.awsCalls(), 0, 'no AWS call while waiting');
  const dlq = await converge(app, queueParent('orders-dlq', {}));
  const related = { 'Queue.sqs.awshooks.dev/v1alpha1': { 'shop/orders-dlq': dlq.parent } };
  const done = await app.sync('queues', { parent: main, children: { [CM]: {} }, related });
  t.equal(cond(done, 'Ready').status, 'True');
  const attrs = (await sqs().send(new GetQueueAttributesCommand({ QueueUrl: done.status.queueUrl as string, AttributeNames: ['RedrivePolicy'] }))).Attributes!;
  const redrive = JSON.parse(attrs.RedrivePolicy!);
  t.equal(redrive.deadLetterTargetArn, dlq.answer.status.queueArn);
  t.equal(Number(redrive.maxReceiveCount), 3);
});

t.test('a foreign queue is a Conflict and is never touched; adopt takes over an unowned one', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const client = sqs();
  const foreignUrl = (
    await client.send(
      new CreateQueueCommand({
        QueueName: 'awshooks-shop-orders',
        Attributes: { VisibilityTimeout: '7' },
        tags: { 'awshooks.dev/cluster': 'default', 'awshooks.dev/namespace': 'other', 'awshooks.dev/name': 'orders', 'awshooks.dev/kind': 'Queue' },
      }),
    )
  ).QueueUrl!;
  const parent = queueParent('orders', { visibilityTimeout: 45, adopt: true });
  const conflict = await app.sync('queues', { parent, children: { [CM]: {} } });
  t.equal(cond(conflict, 'Ready').reason, 'Conflict');
  t.match(cond(conflict, 'Ready').message, /belongs to Queue other\/orders/);
  t.equal(
    (await client.send(new GetQueueAttributesCommand({ QueueUrl: foreignUrl, AttributeNames: ['VisibilityTimeout'] }))).Attributes!.VisibilityTimeout,
    '7',
    'not modified, even with adopt',
  );
  const fin = await app.sync('queues', { parent: { ...parent, status: conflict.status }, children: { [CM]: {} }, finalizing: true }, 'finalize');
  t.equal(fin.finalized, true, 'finalize leaves a foreign queue alone');
  t.ok((await client.send(new GetQueueUrlCommand({ QueueName: 'awshooks-shop-orders' }))).QueueUrl, 'never deleted');

  await client.send(new CreateQueueCommand({ QueueName: 'awshooks-shop-legacy', Attributes: { VisibilityTimeout: '7' } }));
  const legacy = queueParent('legacy', { visibilityTimeout: 45 });
  const refused = await app.sync('queues', { parent: legacy, children: { [CM]: {} } });
  t.equal(cond(refused, 'Ready').reason, 'Conflict');
  t.match(cond(refused, 'Ready').message, /adopt/);
  const adopted = await app.sync('queues', { parent: { ...legacy, spec: { ...legacy.spec, adopt: true } }, children: { [CM]: {} } });
  t.equal(cond(adopted, 'Ready').status, 'True', 'adopted');
  const url = adopted.status.queueUrl as string;
  t.equal((await client.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags!['awshooks.dev/name'], 'legacy', 'tagged as ours');
  t.equal((await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['VisibilityTimeout'] }))).Attributes!.VisibilityTimeout, '45');
});

t.test('finalize: Delete removes the queue and confirms; Retain leaves it', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const client = sqs();
  const del = await converge(app, queueParent('orders', {}));
  const fin = await app.sync('queues', { parent: del.parent, children: del.children, finalizing: true }, 'finalize');
  t.equal(fin.finalized, true);
  t.equal(cond(fin, 'Ready').reason, 'Deleted');
  await t.rejects(client.send(new GetQueueUrlCommand({ QueueName: 'awshooks-shop-orders' })), { name: 'QueueDoesNotExist' }, 'gone in AWS');
  const again = await app.sync('queues', { parent: del.parent, children: del.children, finalizing: true }, 'finalize');
  t.equal(again.finalized, true, 'finalize is idempotent');

  const keep = await converge(app, queueParent('audit', { deletionPolicy: 'Retain' }));
  const calls = await app.awsCalls();
  const kept = await app.sync('queues', { parent: keep.parent, children: keep.children, finalizing: true }, 'finalize');
  t.equal(kept.finalized, true);
  t.equal((await app.awsCalls()) - calls, 0, 'Retain makes no AWS call');
  t.ok((await client.send(new GetQueueUrlCommand({ QueueName: 'awshooks-shop-audit' }))).QueueUrl, 'still there');
});

t.test('FIFO queues', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const fifo = await converge(app, queueParent('events', { fifo: true, contentBasedDeduplication: true }));
  t.equal(cond(fifo.answer, 'Ready').status, 'True');
  t.equal(fifo.answer.status.queueName, 'awshooks-shop-events.fifo');
  const attrs = (await sqs().send(new GetQueueAttributesCommand({ QueueUrl: fifo.answer.status.queueUrl as string, AttributeNames: ['All'] }))).Attributes!;
  t.equal(attrs.FifoQueue, 'true');
  t.equal(attrs.ContentBasedDeduplication, 'true');
});
