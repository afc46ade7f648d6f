/**
 * Finalize never depends on the spec being valid (issue 8 §2), against moto:
 *
 * - `finalized: true` while the resource still exists: the service was killed right after the
 *   create reached AWS and before it answered (status holds no identifier), then the spec got an
 *   edit the CRD accepts but the hook rejects, then the object was deleted;
 * - deletion stuck forever by a spec that turned invalid (a Ready Queue patched to an invalid
 *   queueName, status still holding the real queueUrl).
 */
import t from 'tap';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetPolicyCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { DescribeDBInstancesCommand, DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import type { Condition, ObjectMap, Parent, SyncResponse } from '../../../hooks/core/types.js';
import { applyAnswer, testApp, type TestApp } from '../../helpers/app.js';
import { childTypesOf, resetMotoBeforeEach } from '../../helpers/integration.js';
import { KINDS_HOOKS_CONFIG, sampleParent } from '../../helpers/kinds.js';
import { motoEndpoint } from '../../helpers/moto.js';
import { queueKind } from '../../../hooks/queue/index.js';
import { policyKind } from '../../../hooks/policy/index.js';
import { roleKind } from '../../../hooks/role/index.js';
import { dbInstanceKind } from '../../../hooks/dbinstance/index.js';
import type { AnyKind } from '../../../hooks/core/kind.js';

resetMotoBeforeEach();

const endpoint = motoEndpoint();
const sqs = new SQSClient({ region: 'us-east-1', endpoint });
const iam = new IAMClient({ region: 'us-east-1', endpoint });
const rds = new RDSClient({ region: 'us-east-1', endpoint });
t.teardown(() => {
  sqs.destroy();
  iam.destroy();
  rds.destroy();
});

const exists = async (probe: () => Promise<unknown>): Promise<boolean> => {
  try {
    await probe();
    return true;
  } catch (err) {
    if (/NonExistent|DoesNotExist|NoSuchEntity|NotFound/.test((err as Error).name)) return false;
    throw err;
  }
};
const queueExists = (name: string) => exists(() => sqs.send(new GetQueueUrlCommand({ QueueName: name })));
const policyExists = (name: string) => exists(() => iam.send(new GetPolicyCommand({ PolicyArn: `arn:aws:iam::123456789012:policy/awshooks/${name}` })));
const roleExists = (name: string) => exists(() => iam.send(new GetRoleCommand({ RoleName: name })));
const instanceExists = (id: string) => exists(() => rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id })));
const ready = (answer: SyncResponse) => (answer.status.conditions as Condition[]).find((c) => c.type === 'Ready');

/** Call finalize like Metacontroller, feeding answers back, until finalized (or `max` calls). */
async function finalizeUntilDone(
  app: TestApp,
  kind: AnyKind,
  plural: string,
  start: { parent: Parent; children: ObjectMap },
  check: () => Promise<boolean>,
  max = 6,
): Promise<{ answers: SyncResponse[]; existedWhenFinalized: boolean }> {
  let state = start;
  const answers: SyncResponse[] = [];
  for (let i = 0; i < max; i++) {
    const answer = await app.sync(plural, { ...state, finalizing: true }, 'finalize');
    answers.push(answer);
    if (answer.finalized) return { answers, existedWhenFinalized: await check() };
    state = applyAnswer(state.parent, answer, childTypesOf(kind));
  }
  return { answers, existedWhenFinalized: await check() };
}

interface Case {
  kind: AnyKind;
  plural: string;
  spec: Record<string, unknown>;
  /** An edit the CRD accepts and the hook rejects. */
  invalid: (spec: Record<string, unknown>) => Record<string, unknown>;
  awsName: string;
  exists: (name: string) => Promise<boolean>;
}

const CASES: Case[] = [
  {
    kind: queueKind,
    plural: 'queues',
    spec: { region: 'us-east-1' },
    invalid: (s) => ({ ...s, tags: { 'awshooks.dev/owner': 'me' } }),
    awsName: 'awshooks-teama-killed',
    exists: queueExists,
  },
  {
    kind: policyKind,
    plural: 'policies',
    spec: { document: { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] } },
    invalid: () => ({
      document: {
        Statement: [
          { Effect: 'Allow', Action: 's3:GetObject', Resource: Array.from({ length: 80 }, (_, i) => `arn:aws:s3:::bucket-${i}-${'x'.repeat(60)}/*`) },
        ],
      },
    }),
    awsName: 'awshooks-teama-killed',
    exists: policyExists,
  },
  {
    kind: roleKind,
    plural: 'roles',
    spec: {},
    invalid: (s) => ({ ...s, maxSessionDuration: 'one hour' }),
    awsName: 'awshooks-teama-killed',
    exists: roleExists,
  },
  {
    kind: dbInstanceKind,
    plural: 'dbinstances',
    spec: { deletionPolicy: 'Delete' },
    invalid: (s) => ({ ...s, databases: { orders: ['ghost'] } }),
    awsName: 'awshooks-teama-killed',
    exists: instanceExists,
  },
];

t.test('finalized: true while the resource still exists — killed after the create, spec made invalid, deleted: the resource is deleted first', async (t) => {
  const app = await testApp(KINDS_HOOKS_CONFIG);
  t.teardown(() => app.close());
  for (const c of CASES) {
    const what = c.kind.names.kind;
    let parent = sampleParent(c.kind, 'killed', c.spec);
    let children: ObjectMap = Object.fromEntries(childTypesOf(c.kind).map((type) => [type, {}]));
    if (c.kind === dbInstanceKind) {
      // The first answer (the master Secret) reached Metacontroller; the create's answer did not.
      const first = await app.sync(c.plural, { parent, children });
      ({ parent, children } = applyAnswer(parent, first, childTypesOf(c.kind)));
    }
    await app.sync(c.plural, { parent, children }); // the create reached AWS; its answer is lost (SIGKILL)
    t.ok(await c.exists(c.awsName), `${what}: created in AWS`);
    t.notOk(
      (parent.status as Record<string, unknown> | undefined)?.[Object.keys(parent.status ?? {}).find((k) => /arn|url|identifier/i.test(k)) ?? 'none'],
      `${what}: status holds no identifier`,
    );
    // The user makes an edit the hook rejects, then deletes the object.
    parent = { ...parent, spec: c.invalid(c.spec), metadata: { ...parent.metadata, generation: 2, deletionTimestamp: '2026-11-22T10:00:00Z' } };
    const rejected = await app.sync(c.plural, { parent, children });
    t.equal(ready(rejected)?.reason, 'InvalidSpec', `${what}: the edit is rejected`);
    ({ parent, children } = applyAnswer(parent, rejected, childTypesOf(c.kind)));
    const done = await finalizeUntilDone(app, c.kind, c.plural, { parent, children }, () => c.exists(c.awsName));
    const last = done.answers.at(-1)!;
    t.equal(last.finalized, true, `${what}: finalized in the end (${done.answers.length} calls)`);
    t.notOk(done.existedWhenFinalized, `${what}: never finalized while the resource remains in AWS`);
    for (const answer of done.answers) {
      for (const type of childTypesOf(c.kind)) {
        for (const key of Object.keys(children[type] ?? {}))
          t.ok(
            answer.children.some((ch) => `${parent.metadata.namespace}/${ch.metadata.name}` === key),
            `${what}: child ${key} kept while finalizing`,
          );
      }
    }
  }
});

t.test('finalize of an invalid spec honours deletionPolicy as written: Retain keeps, Snapshot takes a final snapshot', async (t) => {
  const app = await testApp(KINDS_HOOKS_CONFIG);
  t.teardown(() => app.close());
  // Retain, written next to an invalid field: finalized at once, the queue stays.
  let parent = sampleParent(queueKind, 'kept', { region: 'us-east-1', deletionPolicy: 'Retain' });
  await app.sync('queues', { parent, children: { 'ConfigMap.v1': {} } });
  parent = { ...parent, spec: { region: 'us-east-1', deletionPolicy: 'Retain', tags: { 'awshooks.dev/x': 'y' } } };
  const kept = await app.sync('queues', { parent, children: { 'ConfigMap.v1': {} }, finalizing: true }, 'finalize');
  t.equal(kept.finalized, true, 'Retain: finalized');
  t.ok(await queueExists('awshooks-teama-kept'), 'Retain: the queue is left in place');

  // A DBInstance whose deletionPolicy cannot be read: Snapshot, the kind's safe default.
  let db = sampleParent(dbInstanceKind, 'snap', {});
  let children: ObjectMap = { 'Secret.v1': {}, 'Service.v1': {} };
  const first = await app.sync('dbinstances', { parent: db, children });
  ({ parent: db, children } = applyAnswer(db, first, ['Secret.v1', 'Service.v1']));
  await app.sync('dbinstances', { parent: db, children }); // created; the answer is lost
  db = { ...db, spec: { deletionPolicy: 42, databases: { x: ['ghost'] } } };
  const done = await finalizeUntilDone(app, dbInstanceKind, 'dbinstances', { parent: db, children }, () => instanceExists('awshooks-teama-snap'));
  t.equal(done.answers.at(-1)?.finalized, true, 'finalized once the instance is gone');
  t.notOk(done.existedWhenFinalized, 'the instance is gone');
  const snapshots = await rds.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: 'awshooks-teama-snap' }));
  t.ok(
    (snapshots.DBSnapshots ?? []).some((s) => s.DBSnapshotIdentifier?.startsWith('awshooks-teama-snap-final-')),
    'a final snapshot was taken',
  );
});

t.test('deletion stuck forever by a spec that turned invalid: a Ready Queue patched to an invalid queueName is deleted', async (t) => {
  const app = await testApp(KINDS_HOOKS_CONFIG);
  t.teardown(() => app.close());
  let parent = sampleParent(queueKind, 'orders', { region: 'us-east-1' });
  let children: ObjectMap = { 'ConfigMap.v1': {} };
  const created = await app.sync('queues', { parent, children });
  t.equal(ready(created)?.status, 'True');
  ({ parent, children } = applyAnswer(parent, created, ['ConfigMap.v1']));
  parent = { ...parent, spec: { region: 'us-east-1', queueName: 'other' } };
  const rejected = await app.sync('queues', { parent, children });
  t.match(ready(rejected)?.message, /spec\.queueName: must start with "awshooks-"/);
  ({ parent, children } = applyAnswer(parent, rejected, ['ConfigMap.v1']));
  t.ok((parent.status as { queueUrl?: string } | undefined)?.queueUrl, 'status still holds the real queueUrl');
  const done = await finalizeUntilDone(app, queueKind, 'queues', { parent, children }, () => queueExists('awshooks-teama-orders'));
  t.equal(done.answers.at(-1)?.finalized, true, `finalized (${done.answers.length} calls), not stuck with a resync of 300 s`);
  t.notOk(done.existedWhenFinalized, 'the queue is gone');
});

t.test('finalize of an invalid spec never deletes what another parent owns', async (t) => {
  const app = await testApp(KINDS_HOOKS_CONFIG);
  t.teardown(() => app.close());
  // teamb's queue, and a teama parent whose (writable) status points at it.
  const other = sampleParent(queueKind, 'orders', { region: 'us-east-1' }, 'teamb');
  const theirs = await app.sync('queues', { parent: other, children: { 'ConfigMap.v1': {} } });
  const parent = sampleParent(queueKind, 'orders', { region: 'us-east-1', tags: { 'awshooks.dev/x': 'y' } }, 'teama', {
    queueUrl: theirs.status.queueUrl,
    queueName: 'awshooks-teamb-orders',
    region: 'us-east-1',
  });
  const done = await finalizeUntilDone(app, queueKind, 'queues', { parent, children: { 'ConfigMap.v1': {} } }, () => queueExists('awshooks-teamb-orders'));
  t.equal(done.answers.at(-1)?.finalized, true, 'finalized: nothing of teama/orders exists');
  t.ok(done.existedWhenFinalized, "teamb's queue is left alone");
});
