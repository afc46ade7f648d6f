/**
 * The in-database work a DBInstance plans once available and converged (planDatabaseWork):
 * users whose Secret is not observed yet wait, users removed from the spec are locked (never
 * dropped), the connection goes through RDS_ENDPOINT_MAP and DB_TLS, and the work hash moves
 * with what the work does, never with a plaintext password. Running it, and the decisions
 * around it, are tested through reconcile() in index.test.ts.
 */
import t from 'tap';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import type { ObjectMap } from '../../../../hooks/core/types.js';
import { planDatabaseWork } from '../../../../hooks/dbinstance/after-converge.js';
import { desiredDBInstance } from '../../../../hooks/dbinstance/desired.js';
import type { DBInstanceStatus } from '../../../../schemas/dbinstance.js';
import { b64, dbInstanceInput, masterSecret } from '../../../helpers/dbinstance.js';

const MASTER = 'Sup3r-secret-pw';
const APP_PW = 'App-pw-0123456789abcdef';
const ENDPOINT = 'orders.abc.eu-west-1.rds.amazonaws.com';

/** The master Secret and, for each named user, its user Secret. */
function secrets(users: Record<string, string>): ObjectMap {
  const out = masterSecret(MASTER);
  for (const [user, password] of Object.entries(users))
    out['Secret.v1']![`team-a/orders-user-${user}`] = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `orders-user-${user}`, namespace: 'team-a' },
      data: { password: b64(password) },
    };
  return out;
}

function plan(spec: Record<string, unknown>, children: ObjectMap, previous?: DBInstanceStatus, config = DEFAULT_HOOKS_CONFIG) {
  const desired = desiredDBInstance(dbInstanceInput(spec, children));
  return planDatabaseWork(config, { ...desired, masterPassword: MASTER }, ENDPOINT, 5432, previous);
}

const spec = { users: { app: ['createdb'], report: [] }, databases: { orders: ['app', 'report'] } };

t.test('a user whose Secret is not observed yet waits, and so do its grants', async (t) => {
  const p = plan(spec, secrets({ app: APP_PW }));
  t.same(p.pendingUsers, ['report']);
  t.same(
    p.work.users.map((u) => u.name),
    ['app'],
  );
  t.equal(p.work.users[0]?.password, APP_PW, 'the password from its Secret');
  t.same(p.work.users[0]?.roles, ['createdb']);
  t.same(p.work.databases, [{ name: 'orders', users: ['app'] }], 'no grant for a user that does not exist yet');
  t.same(p.work.managedUsers, ['app']);
  t.same(
    p.readyUsers.map((u) => u.name),
    ['app'],
  );
  t.notMatch(JSON.stringify(p.readyUsers), APP_PW, 'the status gets hashes, not passwords');

  const later = plan(spec, secrets({ app: APP_PW }), { managedUsers: ['app', 'report'] });
  t.same(later.work.databases, [{ name: 'orders', users: ['app', 'report'] }], 'a user created before keeps its grants while its Secret is re-read');
});

t.test('users removed from the spec are locked, not dropped', async (t) => {
  const p = plan({ users: { app: [] } }, secrets({ app: APP_PW }), { managedUsers: ['app', 'old', 'gone'] });
  t.same(p.work.lockUsers, ['gone', 'old']);
  t.same(p.work.managedUsers, ['app', 'gone', 'old'], 'still managed: their grants are revoked');
  t.same(p.pendingUsers, []);
});

t.test('where and how to connect: RDS_ENDPOINT_MAP, DB_TLS, the connect timeout', async (t) => {
  const plain = plan(spec, secrets({ app: APP_PW, report: APP_PW }));
  t.match(plain.work, { engine: 'postgres', host: ENDPOINT, port: 5432, masterPassword: MASTER, connectTimeoutMs: DEFAULT_HOOKS_CONFIG.dbConnectTimeoutMs });
  const mapped = plan(spec, secrets({ app: APP_PW }), undefined, {
    ...DEFAULT_HOOKS_CONFIG,
    rdsEndpointMap: { [ENDPOINT]: '127.0.0.1:15432' },
    dbTls: 'verify-full',
    dbTlsCa: 'CA',
  });
  t.match(mapped.work, { host: '127.0.0.1', port: 15432 });
  t.same(mapped.work.tls, { rejectUnauthorized: true, ca: 'CA', servername: ENDPOINT }, 'the certificate is checked against the RDS name');
  const none = plan(spec, secrets({ app: APP_PW }), undefined, { ...DEFAULT_HOOKS_CONFIG, dbTls: 'disable' });
  t.notOk('tls' in none.work, 'disable: no TLS options at all');
});

t.test('the work hash follows what the work does, never a plaintext password', async (t) => {
  const a = plan(spec, secrets({ app: APP_PW, report: APP_PW }));
  t.equal(plan(spec, secrets({ app: APP_PW, report: APP_PW })).workHash, a.workHash, 'same work, same hash');
  t.not(plan(spec, secrets({ app: `${APP_PW}x`, report: APP_PW })).workHash, a.workHash, 'a new password: new work');
  t.not(plan({ ...spec, databases: { orders: ['app'] } }, secrets({ app: APP_PW, report: APP_PW })).workHash, a.workHash, 'a grant fewer');
  t.not(plan(spec, secrets({ app: APP_PW, report: APP_PW }), { managedUsers: ['old'] }).workHash, a.workHash, 'a user to lock');
  t.not(
    plan(spec, secrets({ app: APP_PW, report: APP_PW }), undefined, { ...DEFAULT_HOOKS_CONFIG, rdsEndpointMap: { '*': 'elsewhere' } }).workHash,
    a.workHash,
    'another target',
  );
  t.notMatch(a.workHash, APP_PW);
  t.match(a.workHash, /^[0-9a-f]+$/);
});
