/**
 * The hook route over several drift intervals (fastify.inject, fake clock, fake SQS): a converged
 * idle Queue's answers carry a byte-identical status at every visit, AWS is read once per
 * interval, and answers from the answer memo are byte for byte those of the full path.
 */
import t from 'tap';
import { buildApp } from '../../../server/app.js';
import { testConfig, TestClock, TEST_TOKEN } from '../../helpers/app.js';
import { FakeSqs } from '../../helpers/fake-sqs.js';
import type { ObjectMap, Parent, SyncResponse } from '../../../hooks/core/types.js';

const INTERVAL = 30;

async function harness(memoBytes?: number) {
  const sqs = new FakeSqs();
  const clock = new TestClock();
  const config = testConfig(
    { driftCheckIntervalSeconds: undefined, driftCheckIntervals: { queue: INTERVAL } },
    memoBytes === undefined ? {} : { answerMemoMaxBytes: memoBytes },
  );
  const app = await buildApp({ config, aws: sqs.clients(), now: clock.now, logger: false, defaultMetrics: false });
  let parent: Parent = {
    apiVersion: 'sqs.awshooks.dev/v1alpha1',
    kind: 'Queue',
    metadata: { name: 'orders', namespace: 'shop', uid: 'uid-orders', generation: 1 },
    spec: { region: 'eu-west-1', tags: { team: 'shop' } },
  };
  let children: ObjectMap = { 'ConfigMap.v1': {} };
  const sync = async (): Promise<{ body: string; type: unknown; answer: SyncResponse }> => {
    const res = await app.hooks.inject({
      method: 'POST',
      url: '/hooks/queues/sync',
      headers: { authorization: `Bearer ${TEST_TOKEN}` },
      payload: { controller: {}, parent, children },
    });
    if (res.statusCode !== 200) throw new Error(res.body);
    const answer = res.json<SyncResponse>();
    parent = { ...parent, status: answer.status };
    children = {
      'ConfigMap.v1': Object.fromEntries(answer.children.map((c) => [`shop/${c.metadata.name}`, { ...c, metadata: { ...c.metadata, namespace: 'shop' } }])),
    };
    return { body: res.body, type: res.headers['content-type'], answer };
  };
  return { app, sqs, clock, sync };
}

t.test('over five drift intervals: the same status bytes, one AWS read per interval, memo answers equal to full answers', async (t) => {
  const memo = await harness();
  const full = await harness(0);
  t.teardown(async () => {
    await memo.app.close();
    await full.app.close();
  });
  for (const h of [memo, full]) {
    await h.sync(); // create
    await h.sync(); // the answer fed back
  }
  const status = JSON.stringify((await memo.sync()).answer.status);
  let drifts = 0;
  for (let step = 0; step < 15; step++) {
    memo.clock.advance(10);
    full.clock.advance(10);
    const before = memo.sqs.calls.length;
    const a = await memo.sync();
    const b = await full.sync();
    t.equal(JSON.stringify(a.answer.status), status, `step ${step}: status byte-identical`);
    t.equal(a.body, b.body, `step ${step}: the memoized answer is the full path's, byte for byte`);
    t.equal(a.type, b.type, `step ${step}: and its content type (${String(a.type)})`);
    if (memo.sqs.calls.length > before) drifts++;
  }
  t.equal(drifts, 5, 'one drift check per interval');
  t.equal(memo.sqs.calls.length, full.sqs.calls.length, 'the memo costs no AWS call and saves none that are due');
});

t.test('a changed request is not answered from the memo', async (t) => {
  const h = await harness();
  t.teardown(() => h.app.close());
  await h.sync();
  const steady = await h.sync();
  const res = await h.app.hooks.inject({
    method: 'POST',
    url: '/hooks/queues/sync',
    headers: { authorization: `Bearer ${TEST_TOKEN}` },
    payload: {
      controller: {},
      parent: {
        apiVersion: 'sqs.awshooks.dev/v1alpha1',
        kind: 'Queue',
        metadata: { name: 'orders', namespace: 'shop', uid: 'uid-orders', generation: 2 },
        spec: { region: 'eu-west-1', visibilityTimeout: 90, tags: { team: 'shop' } },
        status: steady.answer.status,
      },
      children: {},
    },
  });
  t.equal(res.statusCode, 200);
  t.ok(h.sqs.calls.includes('SetQueueAttributes'), 'the new spec is applied');
  t.not(res.json<SyncResponse>().status.inputHash, steady.answer.status.inputHash);
});
