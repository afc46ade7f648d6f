/**
 * Concurrent first syncs of the same parent (Metacontroller retries while the first call still
 * runs): both read "absent", both create; AWS tells the second that the resource already
 * exists. That is not terminal: it is read again, found ours, and the sync goes on (issue 8 §2).
 */
import t from 'tap';
import { AwsClients } from '../../../hooks/core/aws-clients.js';
import type { Condition, SyncResponse } from '../../../hooks/core/types.js';
import { buildApp } from '../../../server/app.js';
import { testConfig, TEST_TOKEN } from '../../helpers/app.js';
import { startFaultProxy } from '../../helpers/fault-proxy.js';
import { resetMotoBeforeEach } from '../../helpers/integration.js';
import { KINDS_HOOKS_CONFIG, samples } from '../../helpers/kinds.js';
import { motoEndpoint } from '../../helpers/moto.js';

resetMotoBeforeEach();

/** The read each kind's sync starts with, and its create. */
const OPS: Record<string, { read: string; create: string }> = {
  Queue: { read: 'GetQueueUrl', create: 'CreateQueue' },
  Policy: { read: 'GetPolicy', create: 'CreatePolicy' },
  Role: { read: 'GetRole', create: 'CreateRole' },
  DBInstance: { read: 'DescribeDBInstances', create: 'CreateDBInstance' },
};

t.test('concurrent first syncs: "already exists and it is ours" is not terminal, for every kind', async (t) => {
  for (const sample of samples('raced')) {
    const ops = OPS[sample.kind.names.kind]!;
    // Both first reads are held until both have arrived (a barrier, whatever the load): both see "absent".
    const proxy = await startFaultProxy(motoEndpoint(), [{ operation: ops.read, failures: 2, status: 0, code: '', mode: 'barrier' }]);
    const app = await buildApp({ config: testConfig(KINDS_HOOKS_CONFIG), aws: new AwsClients({ endpoint: proxy.url }), logger: false, defaultMetrics: false });
    const sync = async (): Promise<SyncResponse> => {
      const res = await app.hooks.inject({
        method: 'POST',
        url: `/hooks/${sample.plural}/sync`,
        headers: { authorization: `Bearer ${TEST_TOKEN}` },
        payload: { controller: {}, parent: sample.parent, children: sample.children },
      });
      t.equal(res.statusCode, 200);
      return res.json<SyncResponse>();
    };
    const answers = await Promise.all([sync(), sync()]);
    const what = sample.kind.names.kind;
    t.equal(proxy.calls.get(ops.create), 2, `${what}: both calls created (the race happened)`);
    for (const answer of answers) {
      const ready = (answer.status.conditions as Condition[]).find((c) => c.type === 'Ready');
      t.notMatch(ready?.reason, /AlreadyExists|NameExists|Conflict/, `${what}: not parked on ${ready?.reason}: ${ready?.message}`);
      t.ok((answer.resyncAfterSeconds ?? 0) < 300, `${what}: no terminal 300 s resync`);
    }
    t.ok(
      answers.some((a) => (a.status.conditions as Condition[]).some((c) => c.type === 'Synced' && c.status === 'True')),
      `${what}: synced`,
    );
    await app.close();
    await proxy.close();
  }
});
