/** status.recentEvents against moto: read (one DescribeEvents) only while the instance is not available. */
import t from 'tap';
import { RDSClient, StartDBInstanceCommand, StopDBInstanceCommand } from '@aws-sdk/client-rds';
import { testApp } from '../../helpers/app.js';
import { DBInstanceDriver } from '../../helpers/dbinstance.js';
import { condition, serviceEnv } from '../../helpers/integration.js';
import { motoEndpoint, resetMoto } from '../../helpers/moto.js';

const PG_URL = new URL(serviceEnv('TEST_PG_URL'));
const rds = new RDSClient({ region: 'us-east-1', endpoint: motoEndpoint() });
const ID = 'awshooks-team01a-evented';

t.before(async () => {
  await resetMoto();
});
t.teardown(() => {
  rds.destroy();
});

t.test('a stopped instance shows its last events; an available one costs no DescribeEvents', async (t) => {
  const app = await testApp({ rdsEndpointMap: { '*': `${PG_URL.hostname}:${PG_URL.port}` }, driftCheckIntervalSeconds: 300 });
  t.teardown(() => app.close());
  const d = new DBInstanceDriver(app, 'evented', { masterUsername: decodeURIComponent(PG_URL.username), backup: { every: 'off' } });
  const up = await d.bringUp(decodeURIComponent(PG_URL.password));
  t.equal(condition(up, 'Ready')?.status, 'True');
  t.notOk(up.status.recentEvents, 'available: no events in status');

  await rds.send(new StopDBInstanceCommand({ DBInstanceIdentifier: ID }));
  app.clock.advance(301);
  const stopped = await d.counted();
  t.equal(stopped.calls, 2, 'drift check of a stopped instance: DescribeDBInstances + DescribeEvents');
  t.equal(condition(stopped.answer, 'Ready')?.reason, 'Stopped');
  const events = stopped.answer.status.recentEvents as string[];
  t.ok(events.length >= 1 && events.length <= 5, 'bounded');
  t.match(events[0], /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z DB instance created$/, '"<time> <message>", oldest first');
  const again = await d.counted();
  t.equal(again.calls, 2, 'while not available: the same two calls per visit, no more');
  t.same(again.answer.status.recentEvents, events, 'deterministic: the same events give the same status');

  await rds.send(new StartDBInstanceCommand({ DBInstanceIdentifier: ID }));
  const started = await d.counted();
  t.equal(condition(started.answer, 'Ready')?.status, 'True');
  t.same(started.answer.status.recentEvents ?? [], [], 'available again: the events are gone from status');
  app.clock.advance(301);
  t.equal((await d.counted()).calls, 1, 'drift check of an available instance: DescribeDBInstances only');
});
