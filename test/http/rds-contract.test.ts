/** The DBInstance hooks through fastify.inject: Secrets first, never regenerated, children kept, storage decrease refused. */
import t from 'tap';
import { applyAnswer, testApp } from '../helpers/app.js';
import type { KubeObject, Parent, SyncResponse } from '../../hooks/core/types.js';

process.env.AWS_ACCESS_KEY_ID ??= 'testing';
process.env.AWS_SECRET_ACCESS_KEY ??= 'testing';

const TYPES = ['Secret.v1', 'Service.v1'];
/** Nothing listens here: every AWS call fails with ECONNREFUSED. */
const CLOSED = 'http://127.0.0.1:1';

function parent(spec: Record<string, unknown>, status?: Record<string, unknown>): Parent {
  return {
    apiVersion: 'rds.awshooks.dev/v1alpha1',
    kind: 'DBInstance',
    metadata: { name: 'orders', namespace: 'team-a', uid: '0b1c2d3e-0000-4000-8000-000000000001', generation: 1 },
    spec,
    ...(status ? { status } : {}),
  };
}

const passwordOf = (answer: SyncResponse, name: string) => {
  const s = answer.children.find((c) => c.kind === 'Secret' && c.metadata.name === name) as KubeObject & { data: Record<string, string> };
  return Buffer.from(s.data.password!, 'base64').toString();
};
const reason = (answer: SyncResponse) => (answer.status.conditions as { type: string; reason: string }[]).find((c) => c.type === 'Ready')?.reason;

t.test('first sync returns the Secrets and makes no AWS call', async (t) => {
  const app = await testApp({}, { awsEndpointUrl: CLOSED });
  t.teardown(() => app.close());
  const answer = await app.sync('dbinstances', {
    parent: parent({ users: { app_rw: ['createdb'] }, databases: { orders: ['app_rw'] } }),
    children: { 'Secret.v1': {}, 'Service.v1': {} },
  });
  t.equal(await app.awsCalls(), 0);
  t.same(
    answer.children.map((c) => `${c.kind}/${c.metadata.name}`),
    ['Secret/orders-master', 'Secret/orders-user-app-rw'],
  );
  t.equal(reason(answer), 'WaitingForSecret');
  t.equal(answer.resyncAfterSeconds, 5);
  const secret = answer.children[0] as KubeObject & { data: Record<string, string>; type: string };
  t.equal(secret.type, 'Opaque');
  t.same(
    Object.keys(secret.data).sort(),
    ['dbname', 'engine', 'host', 'password', 'port', 'url', 'username'],
    'base64 data, the way the API server returns it',
  );
  t.equal(Buffer.from(secret.data.username!, 'base64').toString(), 'sysadmin');
  t.notOk(JSON.stringify(answer.status).includes(passwordOf(answer, 'orders-master')), 'the password is not in status');
});

t.test('a password is never regenerated once its Secret is observed', async (t) => {
  const app = await testApp({}, { awsEndpointUrl: CLOSED });
  t.teardown(() => app.close());
  const p = parent({ users: { app_rw: [] } });
  const first = await app.sync('dbinstances', { parent: p });
  const again = await app.sync('dbinstances', { parent: p });
  t.not(
    passwordOf(first, 'orders-master'),
    passwordOf(again, 'orders-master'),
    'without an observed Secret each answer proposes a new one (nothing used it yet)',
  );
  let fed = applyAnswer(p, first, TYPES);
  // The observed Secret is what counts, whatever happens next (even failing AWS calls).
  for (let i = 0; i < 3; i++) {
    const answer = await app.sync('dbinstances', { parent: fed.parent, children: fed.children });
    t.equal(passwordOf(answer, 'orders-master'), passwordOf(first, 'orders-master'), `sync ${i}: master password kept`);
    t.equal(passwordOf(answer, 'orders-user-app-rw'), passwordOf(first, 'orders-user-app-rw'), `sync ${i}: user password kept`);
    fed = applyAnswer(fed.parent, answer, TYPES);
  }
});

t.test('a transient AWS error keeps every child', async (t) => {
  const app = await testApp({}, { awsEndpointUrl: CLOSED });
  t.teardown(() => app.close());
  const status = {
    dbInstanceIdentifier: 'awshooks-team-a-orders',
    dbInstanceStatus: 'available',
    endpoint: 'awshooks-team-a-orders.abc.rds.amazonaws.com',
    port: 5432,
    storageGB: 10,
    conditions: [{ type: 'Ready', status: 'True', reason: 'Available', message: 'ok', lastTransitionTime: '2026-01-01T00:00:00Z' }],
  };
  const p = parent({ users: { app_rw: [] } }, status);
  const first = await app.sync('dbinstances', { parent: parent({ users: { app_rw: [] } }) });
  const fed = applyAnswer(p, first, TYPES);
  // An extra observed child we did not compute (for example a Service from an earlier sync) must survive too.
  fed.children['Service.v1'] = {
    'team-a/orders': {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'orders', namespace: 'team-a' },
      spec: { type: 'ExternalName', externalName: status.endpoint },
    },
  };
  const answer = await app.sync('dbinstances', { parent: { ...fed.parent, status }, children: fed.children });
  t.ok((await app.awsCalls()) >= 1, 'AWS was tried');
  t.same(answer.children.map((c) => `${c.kind}/${c.metadata.name}`).sort(), ['Secret/orders-master', 'Secret/orders-user-app-rw', 'Service/orders']);
  t.equal(passwordOf(answer, 'orders-master'), passwordOf(first, 'orders-master'));
  t.match(reason(answer), /ECONNREFUSED|NetworkError|TimeoutError/);
  t.ok(answer.resyncAfterSeconds! >= 5);
});

t.test('a storage decrease is refused with InvalidSpec and no AWS call', async (t) => {
  const app = await testApp({}, { awsEndpointUrl: CLOSED });
  t.teardown(() => app.close());
  const first = await app.sync('dbinstances', { parent: parent({ storageGB: 20 }) });
  const fed = applyAnswer(parent({ storageGB: 20 }), first, TYPES);
  const answer = await app.sync('dbinstances', {
    parent: { ...fed.parent, status: { dbInstanceIdentifier: 'awshooks-team-a-orders', storageGB: 50 } },
    children: fed.children,
  });
  t.equal(await app.awsCalls(), 0);
  t.equal(reason(answer), 'InvalidSpec');
  t.match(
    (answer.status.conditions as { message: string }[])[0]!.message,
    /spec.storageGB: 20 is smaller than the 50 GiB allocated; RDS storage can only grow/,
  );
  t.equal(answer.children.length, 1, 'the Secret is kept');
});

t.test('an invalid spec is refused with the field named, children kept', async (t) => {
  const app = await testApp({}, { awsEndpointUrl: CLOSED });
  t.teardown(() => app.close());
  const answer = await app.sync('dbinstances', {
    parent: parent({ users: { 'bad-name': [] } }),
    children: {
      'Secret.v1': {
        'team-a/orders-master': { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'orders-master', namespace: 'team-a' }, data: { password: 'eA==' } },
      },
      'Service.v1': {},
    },
  });
  t.equal(reason(answer), 'InvalidSpec');
  t.equal(await app.awsCalls(), 0);
  t.same(
    answer.children.map((c) => c.metadata.name),
    ['orders-master'],
  );
});
