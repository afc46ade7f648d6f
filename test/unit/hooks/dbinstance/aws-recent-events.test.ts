/** status.recentEvents: bounded lines, one DescribeEvents only while the instance is not available, best effort. */
import t from 'tap';
import type { DBInstance } from '@aws-sdk/client-rds';
import { AwsClients } from '../../../../hooks/core/aws-clients.js';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import type { KindContext } from '../../../../hooks/core/kind.js';
import type { Logger } from '../../../../hooks/core/logger.js';
import { ownerTags } from '../../../../hooks/core/ownership.js';
import { dbInstanceManager, RECENT_EVENT_CHARS, RECENT_EVENTS_MAX, recentEventLines } from '../../../../hooks/dbinstance/aws.js';
import { desiredDBInstance } from '../../../../hooks/dbinstance/desired.js';
import { dbInstanceStatus } from '../../../../hooks/dbinstance/status.js';
import { validateSpec } from '../../../../hooks/core/spec-validation.js';
import { DBInstanceSpecSchema, type DBInstanceSpec } from '../../../../schemas/dbinstance.js';

const owner = { cluster: 'default', namespace: 'team-a', name: 'orders', uid: '1234abcd-0000-4000-8000-000000000001', kind: 'DBInstance' };
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

t.test('recentEventLines: oldest first, the last few, each bounded', async (t) => {
  const events = Array.from({ length: 9 }, (_, n) => ({ Date: new Date(Date.UTC(2026, 0, 1, 0, n)), Message: `event ${n}` }));
  const lines = recentEventLines([...events].reverse());
  t.equal(lines.length, RECENT_EVENTS_MAX);
  t.same(lines[0], '2026-01-01T00:04:00Z event 4');
  t.same(lines.at(-1), '2026-01-01T00:08:00Z event 8');
  t.equal(recentEventLines([{ Date: new Date(0), Message: 'x'.repeat(500) }])[0]!.length, RECENT_EVENT_CHARS);
  t.same(recentEventLines([{ Message: undefined }]), [], 'empty events dropped');
});

function setup(status: string, eventsFail?: Error) {
  const calls: string[] = [];
  const instance: DBInstance = {
    DBInstanceIdentifier: 'awshooks-team01a-orders',
    DBInstanceStatus: status,
    TagList: Object.entries(ownerTags(owner)).map(([Key, Value]) => ({ Key, Value })),
  };
  const fake = {
    send: async (cmd: { constructor: { name: string } }) => {
      const op = cmd.constructor.name.replace(/Command$/, '');
      calls.push(op);
      if (op === 'DescribeDBInstances') return { DBInstances: [instance] };
      if (op === 'DescribeEvents') {
        if (eventsFail) throw eventsFail;
        return { Events: [{ Date: new Date('2026-01-01T00:00:00Z'), Message: 'DB instance stopped' }] };
      }
      return {};
    },
  };
  const ctx: KindContext = { config: DEFAULT_HOOKS_CONFIG, aws: new AwsClients(), now: () => new Date(), log: silent, owner };
  return { calls, manager: dbInstanceManager(ctx, () => fake as never) };
}
const children = {
  'Secret.v1': {
    'team-a/orders-master': {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'orders-master' },
      data: { password: Buffer.from('Sup3r-secret-pw').toString('base64') },
    },
  },
};
const spec = validateSpec<DBInstanceSpec>(DBInstanceSpecSchema, {});
const desired = desiredDBInstance({
  spec,
  parent: { apiVersion: 'rds.awshooks.dev/v1alpha1', kind: 'DBInstance', metadata: { name: 'orders', namespace: 'team-a', uid: owner.uid }, spec },
  children,
  related: {},
  config: DEFAULT_HOOKS_CONFIG,
  owner,
  finalizing: false,
  now: new Date(),
});

t.test('readOne: DescribeEvents only while not available; a failure leaves the events out', async (t) => {
  const available = setup('available');
  const a = await available.manager.readOne(desired, undefined);
  t.same(available.calls, ['DescribeDBInstances'], 'available: one call');
  t.notOk(a?.recentEvents);

  const stopped = setup('stopped');
  const s = await stopped.manager.readOne(desired, undefined);
  t.same(stopped.calls, ['DescribeDBInstances', 'DescribeEvents'], 'not available: one more call');
  t.same(s?.recentEvents, ['2026-01-01T00:00:00Z DB instance stopped']);
  const status = dbInstanceStatus(desired, s!, undefined);
  t.same(status.recentEvents, ['2026-01-01T00:00:00Z DB instance stopped']);
  t.same(dbInstanceStatus(desired, { ...s!, instance: { ...s!.instance, DBInstanceStatus: 'available' } }, status).recentEvents, [], 'cleared once available');
  t.notOk('recentEvents' in dbInstanceStatus(desired, { ...s!, recentEvents: [], instance: { ...s!.instance, DBInstanceStatus: 'available' } }, undefined));

  const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 }, $fault: 'client' });
  const failing = setup('stopped', throttled);
  const f = await failing.manager.readOne(desired, undefined);
  t.ok(f, 'the instance is still read');
  t.notOk(f?.recentEvents, 'events left out on an AWS error');
});
