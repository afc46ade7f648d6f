/**
 * A parent's status is written by whoever may write the status subresource, or left by an older
 * version: a status of an unexpected shape must never make a hook answer 500. It is treated as no
 * status, and a condition says so.
 */
import t from 'tap';
import type { Condition, Parent, SyncResponse } from '../../../../hooks/core/types.js';
import { TEST_TOKEN, testApp } from '../../../helpers/app.js';
import { KINDS_HOOKS_CONFIG, samples } from '../../../helpers/kinds.js';
import { readableStatus } from '../../../../hooks/core/status-check.js';
import { queueKind } from '../../../../hooks/queue/index.js';

/** A status field of each kind, given the wrong type. */
const WRONG_KIND_FIELD: Record<string, Record<string, unknown>> = {
  Queue: { queueUrl: 5 },
  Policy: { arn: { not: 'a string' } },
  Role: { roleArn: ['x'] },
  DBInstance: { storageGB: 'ten', managedUsers: 'app' },
};

const SHAPES: [string, (kind: string) => Record<string, unknown>][] = [
  ['conditions: "x"', () => ({ conditions: 'x' })],
  ['conditions: [null]', () => ({ conditions: [null] })],
  ['conditions: [{}]', () => ({ conditions: [{}] })],
  ['a bad lastTransitionTime', () => ({ conditions: [{ type: 'Ready', status: 'True', reason: 'A', message: '', lastTransitionTime: 'yesterday' }] })],
  ['a wrongly typed kind field', (kind) => WRONG_KIND_FIELD[kind]!],
];

t.test('status of an unexpected shape never answers 500: treated as no status, and said so in a condition', async (t) => {
  // AWS unreachable: the answers are error answers, which read the previous status too.
  const app = await testApp(KINDS_HOOKS_CONFIG, { awsEndpointUrl: 'http://127.0.0.1:9' });
  t.teardown(() => app.close());
  for (const sample of samples()) {
    for (const [label, shape] of SHAPES) {
      for (const hook of ['sync', 'finalize'] as const) {
        const parent: Parent = { ...sample.parent, status: shape(sample.kind.names.kind) };
        const res = await app.hooks.inject({
          method: 'POST',
          url: `/hooks/${sample.plural}/${hook}`,
          headers: { authorization: `Bearer ${TEST_TOKEN}` },
          payload: { controller: {}, parent, children: sample.children, ...(hook === 'finalize' ? { finalizing: true } : {}) },
        });
        const what = `${sample.kind.names.kind} ${hook} with ${label}`;
        t.equal(res.statusCode, 200, `${what}: 200`);
        if (res.statusCode !== 200) continue;
        const answer = res.json<SyncResponse>();
        const conditions = answer.status.conditions as Condition[];
        t.ok(
          Array.isArray(conditions) && conditions.every((c) => typeof c.type === 'string' && !Number.isNaN(Date.parse(c.lastTransitionTime))),
          `${what}: the answer's conditions are well-formed`,
        );
        const said = conditions.find((c) => c.type === 'StatusReadable');
        t.equal(said?.status, 'False', `${what}: a condition says the status was unreadable`);
        t.match(said?.message, /status\./, `${what}: naming the field`);
      }
    }
  }
});

t.test('readableStatus: a readable status is kept as is, an unreadable one is none', async (t) => {
  const good = {
    queueUrl: 'http://q',
    conditions: [{ type: 'Ready', status: 'True', reason: 'Available', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' }],
  };
  t.same(readableStatus(queueKind, good), { status: good });
  t.same(readableStatus(queueKind, undefined), {}, 'no status');
  t.same(readableStatus(queueKind, null), {}, 'null is no status');
  t.same(readableStatus(queueKind, {}), {}, 'an empty status is none');
  const bad = readableStatus(queueKind, { conditions: 'x' });
  t.equal(bad.status, undefined);
  t.match(bad.problem, 'status.conditions');
  const healed = readableStatus(queueKind, {
    ...good,
    conditions: [
      ...good.conditions,
      { type: 'StatusReadable', status: 'False', reason: 'UnreadableStatus', message: 'm', lastTransitionTime: '2026-01-01T00:00:00Z' },
    ],
  });
  t.same(
    healed.status?.conditions?.map((c) => c.type),
    ['Ready'],
    'once readable again, the old StatusReadable condition goes',
  );
});
