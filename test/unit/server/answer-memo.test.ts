/**
 * The hook route over several drift intervals (fastify.inject, fake clock, fake SQS): a converged
 * idle Queue's answers carry a byte-identical status at every visit, AWS is read once per
 * interval, and answers from the answer memo are byte for byte those of the full path.
 */
import t from 'tap';
import { buildApp } from '../../../server/app.js';
import { AnswerMemo, uidInBody } from '../../../server/answer-memo.js';
import { deepFreeze } from '../../../hooks/core/spec-cache.js';
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
  return { app, sqs, clock, sync, parent: () => parent, children: () => children };
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

t.test('uidInBody: the first uid after "parent":, or none', async (t) => {
  const cases: [string, string, string | undefined][] = [
    ['the parent of a Metacontroller body', '{"controller":{"metadata":{"uid":"c-1"}},"parent":{"metadata":{"name":"a","uid":"p-1"}},"children":{}}', 'p-1'],
    ['keys in any order', '{"parent":{"metadata":{"uid":"p-2","name":"a"}},"controller":{}}', 'p-2'],
    ['no parent', '{"controller":{"metadata":{"uid":"c-1"}}}', undefined],
    [
      'a parent without uid: the next uid, which no entry of that text has',
      '{"parent":{"metadata":{"name":"a"}},"children":{"x":{"metadata":{"uid":"k"}}}}',
      'k',
    ],
    ['no uid at all', '{"parent":{"metadata":{"name":"a"}}}', undefined],
    ['an unterminated value', '{"parent":{"metadata":{"uid":"p-3', undefined],
    ['a uid inside a string value is escaped, so not found', '{"parent":{"metadata":{"annotations":{"n":"\\"uid\\":\\"fake\\""},"uid":"p-4"}}}', 'p-4'],
  ];
  for (const [what, raw, want] of cases) t.equal(uidInBody(raw), want, what);
});

t.test('deepFreeze freezes every object and array of a parsed value', async (t) => {
  const v = deepFreeze(JSON.parse('{"a":{"b":[{"c":1}]},"d":null,"e":"s"}') as { a: { b: { c: number }[] } });
  t.ok(Object.isFrozen(v) && Object.isFrozen(v.a) && Object.isFrozen(v.a.b) && Object.isFrozen(v.a.b[0]));
  t.throws(() => {
    v.a.b[0]!.c = 2;
  }, TypeError);
});

t.test('AnswerMemo.getByText: only an entry of exactly these bytes, found by the uid in them', async (t) => {
  const memo = new AnswerMemo();
  const raw = '{"controller":{},"parent":{"metadata":{"name":"a","uid":"u1"}},"children":{}}';
  const entry = { raw, body: deepFreeze(JSON.parse(raw)), inputHash: 'h', status: {}, children: [] };
  memo.set('u1', entry);
  t.equal(memo.getByText(raw), entry, 'the same bytes');
  t.equal(memo.getByText(raw.replace('"children":{}', '"children": {}')), undefined, 'one byte more: not the entry');
  memo.set('ns/a', { ...entry });
  memo.delete('u1');
  t.equal(memo.getByText(raw), undefined, 'found by uid only: an entry under another key is not found by text');
});

t.test('a body answered from the memo is not parsed again; one that is not steady, or not a sync, is', async (t) => {
  const h = await harness();
  t.teardown(() => h.app.close());
  await h.sync();
  await h.sync();
  const steady = await h.sync(); // the memo holds this body's answer now
  const payload = JSON.stringify({ controller: {}, parent: { ...h.parent(), status: steady.answer.status }, children: h.children() });
  const parses = (url: string) =>
    countingParses(payload, () =>
      h.app.hooks.inject({ method: 'POST', url, headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' }, payload }),
    );
  const memoHit = await parses('/hooks/queues/sync');
  t.equal(memoHit.statusCode, 200);
  t.equal(memoHit.parsed, 0, 'the same bytes again: answered without parsing them');
  t.equal(memoHit.body, steady.body, 'and with the same answer');
  const finalize = await parses('/hooks/queues/finalize');
  t.equal(finalize.parsed, 1, 'finalize of the same bytes: parsed (only sync routes use the memo)');
  h.clock.advance(INTERVAL + 1);
  const due = await parses('/hooks/queues/sync');
  t.equal(due.statusCode, 200, 'a drift check due: the full path, on a body of its own (the memo one is frozen)');
  t.ok(due.parsed >= 1, 'which parses the text');
});

/** Run `fn`, counting JSON.parse calls given exactly `text`. */
async function countingParses<R extends { body: string; statusCode: number }>(
  text: string,
  fn: () => Promise<R>,
): Promise<{ parsed: number; body: string; statusCode: number }> {
  const original = JSON.parse;
  let parsed = 0;
  JSON.parse = ((s: string, reviver?: (this: unknown, key: string, value: unknown) => unknown) => {
    if (s === text) parsed++;
    return original(s, reviver);
  }) as typeof JSON.parse;
  try {
    const res = await fn();
    return { parsed, body: res.body, statusCode: res.statusCode };
  } finally {
    JSON.parse = original;
  }
}

t.test('awshooks_answer_memo_lookups_total counts lookups by result', async (t) => {
  const h = await harness();
  t.teardown(() => h.app.close());
  await h.sync(); // create: a miss
  await h.sync(); // the answer fed back: a miss, steady, remembered
  await h.sync(); // the same bytes: found by text
  await h.sync(); // again
  const text = await h.app.metrics.registry.getSingleMetricAsString('awshooks_answer_memo_lookups_total');
  t.match(text, /awshooks_answer_memo_lookups_total\{result="unparsed"\} 2$/m);
  t.match(text, /awshooks_answer_memo_lookups_total\{result="parsed"\} 0$/m);
  t.match(text, /awshooks_answer_memo_lookups_total\{result="miss"\} 2$/m);
});
