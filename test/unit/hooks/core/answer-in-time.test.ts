/**
 * Hooks answer inside the deadline (HOOK_DEADLINE_SECONDS), whatever AWS or a database does:
 * with every AWS call hanging, every kind answers 200 on sync and finalize within the deadline,
 * with the previous status, a DeadlineExceeded condition, the same children and a short resync.
 */
import { createServer, type Socket } from 'node:net';
import t from 'tap';
import { AwsClients, DeadlineHttpHandler } from '../../../../hooks/core/aws-clients.js';
import { runWithDeadline } from '../../../../hooks/core/deadline.js';
import { reconcileWithDeadline } from '../../../../hooks/core/answer-in-time.js';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import type { Logger } from '../../../../hooks/core/logger.js';
import type { Condition, Parent, SyncResponse } from '../../../../hooks/core/types.js';
import { makeDBInstanceKind } from '../../../../hooks/dbinstance/index.js';
import { passwordHash } from '../../../../hooks/dbinstance/passwords.js';
import { ownerTags } from '../../../../hooks/core/ownership.js';
import { buildApp } from '../../../../server/app.js';
import { testConfig, TEST_TOKEN } from '../../../helpers/app.js';
import { startFaultProxy } from '../../../helpers/fault-proxy.js';
import { KINDS_HOOKS_CONFIG, masterSecretChild, sampleParent, samples } from '../../../helpers/kinds.js';

/** Time allowed to build and send the answer once the deadline fired. */
const ANSWER_SLACK_MS = 1500;
const DEADLINE_S = 2;
const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** Status that says the resource exists and is Ready, so that both hooks go to AWS. */
const EXISTING: Record<string, Record<string, unknown>> = {
  Queue: { queueUrl: 'http://127.0.0.1:9/123456789012/awshooks-teama-sample', queueName: 'awshooks-teama-sample', region: 'us-east-1' },
  Policy: { arn: 'arn:aws:iam::123456789012:policy/awshooks/awshooks-teama-sample', policyName: 'awshooks-teama-sample' },
  Role: { roleArn: 'arn:aws:iam::123456789012:role/awshooks/awshooks-teama-sample', roleName: 'awshooks-teama-sample' },
  DBInstance: { dbInstanceIdentifier: 'awshooks-teama-sample', region: 'us-east-1' },
};

t.test('hook deadline: with an AWS call hanging, every kind answers within the deadline on sync and finalize', async (t) => {
  const proxy = await startFaultProxy('http://127.0.0.1:9', [{ operation: '*', failures: 1e9, status: 0, code: '', mode: 'hang' }]);
  // The SDK's own per-attempt timeout (4 s) and retries (3) alone would take 12 s.
  const app = await buildApp({
    config: testConfig({ ...KINDS_HOOKS_CONFIG, hookDeadlineSeconds: DEADLINE_S }),
    aws: new AwsClients({ endpoint: proxy.url, maxAttempts: 3, requestTimeoutMs: 4000 }),
    logger: false,
    defaultMetrics: false,
  });
  t.teardown(async () => {
    await app.close();
    await proxy.close();
  });
  for (const sample of samples()) {
    for (const hook of ['sync', 'finalize'] as const) {
      const previous = {
        ...EXISTING[sample.kind.names.kind],
        conditions: [{ type: 'Ready', status: 'True' as const, reason: 'Available', message: 'ok', lastTransitionTime: '2026-11-22T09:00:00.000Z' }],
        lastSyncTime: '2000-01-01T00:00:00.000Z',
      };
      const parent: Parent = { ...sample.parent, status: previous };
      const started = Date.now();
      const res = await app.hooks.inject({
        method: 'POST',
        url: `/hooks/${sample.plural}/${hook}`,
        headers: { authorization: `Bearer ${TEST_TOKEN}` },
        payload: { controller: {}, parent, children: sample.children, ...(hook === 'finalize' ? { finalizing: true } : {}) },
      });
      const elapsed = Date.now() - started;
      const what = `${sample.kind.names.kind} ${hook}`;
      t.equal(res.statusCode, 200, `${what}: 200`);
      // The deadline bounds the AWS work; building the answer after it fires takes a little more on a
      // loaded 2-core machine, still far below Metacontroller's 10 s.
      t.ok(
        elapsed <= DEADLINE_S * 1000 + ANSWER_SLACK_MS,
        `${what}: answered in ${elapsed} ms, within the ${DEADLINE_S} s deadline (+${ANSWER_SLACK_MS} ms to answer)`,
      );
      const answer = res.json<SyncResponse>();
      const ready = (answer.status.conditions as Condition[]).find((c) => c.type === 'Ready');
      t.equal(ready?.status, 'False', `${what}: not Ready`);
      t.equal(ready?.reason, 'DeadlineExceeded', `${what}: says why`);
      for (const [key, value] of Object.entries(EXISTING[sample.kind.names.kind]!)) t.same(answer.status[key], value, `${what}: previous status.${key} kept`);
      t.notOk('lastSyncTime' in answer.status, `${what}: no timestamp in status (a retired lastSyncTime is dropped, none is written)`);
      t.ok(answer.resyncAfterSeconds !== undefined && answer.resyncAfterSeconds <= 10, `${what}: a short resync`);
      if (hook === 'finalize') t.equal(answer.finalized, false, `${what}: not finalized`);
      const observed = Object.values(sample.children).flatMap((byName) => Object.values(byName).map((c) => c.metadata.name));
      for (const name of observed)
        t.ok(
          answer.children.some((c) => c.metadata.name === name),
          `${what}: child ${name} kept`,
        );
    }
  }
});

t.test('hook deadline: a database that accepts and never answers does not hold the answer', async (t) => {
  // A TCP server that accepts connections and never says a word (a stuck database or proxy).
  const sockets = new Set<Socket>();
  const silentDb = createServer((socket) => {
    sockets.add(socket);
  });
  await new Promise<void>((resolve) => silentDb.listen(0, '127.0.0.1', resolve));
  const port = (silentDb.address() as { port: number }).port;
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    silentDb.close();
  });
  const owner = { cluster: 'default', namespace: 'teama', name: 'sample', uid: 'uid-dbinstance-sample', kind: 'DBInstance' };
  const instance = {
    DBInstanceIdentifier: 'awshooks-teama-sample',
    DBInstanceStatus: 'available',
    Engine: 'postgres',
    EngineVersion: '16.3',
    DBInstanceClass: 'db.t3.micro',
    AllocatedStorage: 20,
    BackupRetentionPeriod: 7,
    MultiAZ: false,
    PubliclyAccessible: false,
    DeletionProtection: false,
    StorageEncrypted: true,
    DBInstanceArn: 'arn:aws:rds:us-east-1:123456789012:db:awshooks-teama-sample',
    Endpoint: { Address: 'awshooks-teama-sample.x.rds.amazonaws.com', Port: 5432 },
    TagList: Object.entries(ownerTags(owner)).map(([Key, Value]) => ({ Key, Value })),
  };
  // RDS answers at once (a fake); the in-database work goes to the silent server.
  const kind = makeDBInstanceKind({ rds: () => ({ send: async () => ({ DBInstances: [instance] }) }) as never });
  // The master password is the one applied before (its hash in status): no reset first, straight to the database.
  const parent = sampleParent(kind, 'sample', {}, 'teama', { masterPasswordHash: passwordHash('Sample-master-pw-0123', owner.uid) });
  const config = {
    ...DEFAULT_HOOKS_CONFIG,
    hookDeadlineSeconds: DEADLINE_S,
    dbConnectTimeoutMs: 5000,
    dbTls: 'disable' as const,
    rdsEndpointMap: { '*': `127.0.0.1:${port}` },
  };
  const started = Date.now();
  const { response } = await reconcileWithDeadline(
    kind,
    { controller: { apiVersion: 'v1', kind: 'CompositeController', metadata: { name: 'c' } }, parent, children: masterSecretChild('teama', 'sample') },
    { config, aws: new AwsClients(), log: silent },
  );
  const elapsed = Date.now() - started;
  t.ok(elapsed <= DEADLINE_S * 1000, `answered in ${elapsed} ms, within the ${DEADLINE_S} s deadline (the connect timeout alone is 5 s)`);
  const ready = (response.status.conditions as Condition[]).find((c) => c.type === 'Ready');
  t.equal(ready?.reason, 'DeadlineExceeded');
  t.ok(
    response.children.some((c) => c.metadata.name === 'sample-master'),
    'the master Secret is kept',
  );
});

t.test('an AWS attempt cut short by the deadline says DeadlineExceeded, whichever timer a busy event loop runs first', async (t) => {
  const timeout = () => Object.assign(new Error('socket timed out'), { name: 'TimeoutError', code: 'ETIMEDOUT' });
  // The inner handler times out exactly when asked to (its requestTimeout), as NodeHttpHandler does.
  const seen: number[] = [];
  const inner = {
    handle: (_request: unknown, options: { requestTimeout?: number }) => {
      seen.push(options.requestTimeout ?? -1);
      return new Promise((_resolve, reject) =>
        setTimeout(() => {
          reject(timeout());
        }, options.requestTimeout),
      );
    },
  };
  const handler = new DeadlineHttpHandler(inner as never, 4000);
  const deadline = { at: Date.now() + 60, signal: new AbortController().signal };
  await t.rejects(
    runWithDeadline(deadline, () => handler.handle({} as never)),
    { name: 'RecoverableError', reason: 'DeadlineExceeded' },
    'the attempt timed out at the deadline: DeadlineExceeded, not ETIMEDOUT',
  );
  t.ok(seen[0]! <= 60, `the attempt got the time left (${seen[0]} ms), not its own 4 s`);
  // An attempt with its own, shorter timeout that runs out well before the deadline is a plain timeout.
  const early = new DeadlineHttpHandler(inner as never, 20);
  await t.rejects(
    runWithDeadline({ at: Date.now() + 5000, signal: new AbortController().signal }, () => early.handle({} as never)),
    { name: 'TimeoutError' },
    "an attempt's own timeout well before the deadline stays a TimeoutError (the SDK retries it)",
  );
  await t.rejects(
    runWithDeadline({ at: Date.now() - 1, signal: new AbortController().signal }, () => handler.handle({} as never)),
    { name: 'RecoverableError', reason: 'DeadlineExceeded' },
    'no attempt starts after the deadline',
  );
});
