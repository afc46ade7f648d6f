/**
 * The error answer keeps every observed child (DESIGN.md §3.2): a 200 answer that leaves one out
 * makes Metacontroller delete it. The known survivor of issue 8 §5: for a DBInstance whose spec
 * turned invalid, children() returns nothing and the core alone keeps the Secrets; dropping them
 * loses the passwords.
 */
import t from 'tap';
import { AwsClients } from '../../../../hooks/core/aws-clients.js';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import type { Logger } from '../../../../hooks/core/logger.js';
import { reconcile } from '../../../../hooks/core/reconcile.js';
import type { Condition, KubeObject, ObjectMap, Parent } from '../../../../hooks/core/types.js';
import { makeDBInstanceKind } from '../../../../hooks/dbinstance/index.js';
import { queueKind } from '../../../../hooks/queue/index.js';
import { backoffSeconds } from '../../../../hooks/core/error-answer.js';

process.env.AWS_ACCESS_KEY_ID ??= 'testing';

process.env.AWS_SECRET_ACCESS_KEY ??= 'testing';

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

const b64 = (s: string) => Buffer.from(s).toString('base64');

const controller = { apiVersion: 'metacontroller.k8s.io/v1alpha1', kind: 'CompositeController', metadata: { name: 'c' } };

const secret = (name: string, password: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'team-a', uid: `uid-${name}`, resourceVersion: '7' },
  type: 'Opaque',
  data: { password: b64(password), username: b64('app_rw') },
});

const observed: ObjectMap = {
  'Secret.v1': {
    'team-a/shop-master': secret('shop-master', 'Master-pw-0123456789'),
    'team-a/shop-user-app-rw': secret('shop-user-app-rw', 'User-pw-0123456789ab'),
  },
  'Service.v1': {},
};

const dbParent = (spec: Record<string, unknown>): Parent => ({
  apiVersion: 'rds.awshooks.dev/v1alpha1',
  kind: 'DBInstance',
  metadata: { name: 'shop', namespace: 'team-a', uid: 'uid-shop', generation: 3 },
  spec,
  status: { dbInstanceIdentifier: 'awshooks-team-a-shop', region: 'us-east-1', conditions: [] } as Parent['status'],
});

/** An RDS client that must never be called: an invalid spec makes no AWS call. */
const noRds = () => ({
  send: () => {
    throw new Error('no AWS call may be made for an invalid spec');
  },
});

t.test('a DBInstance whose spec turned invalid keeps its Secrets, unchanged', async (t) => {
  const kind = makeDBInstanceKind({ rds: noRds });
  // A database granted to a user that is not in spec.users: the hook rejects it.
  const parent = dbParent({ users: { app_rw: [] }, databases: { orders: ['ghost'] } });
  const { response } = await reconcile(kind, { controller, parent, children: observed }, { config: DEFAULT_HOOKS_CONFIG, aws: new AwsClients(), log: silent });
  const ready = (response.status.conditions as Condition[]).find((c) => c.type === 'Ready');
  t.equal(ready?.reason, 'InvalidSpec');
  const names = response.children.map((c) => `${c.kind}/${c.metadata.name}`).sort();
  t.same(names, ['Secret/shop-master', 'Secret/shop-user-app-rw'], 'both Secrets are in the answer');
  for (const child of response.children) {
    const was = observed['Secret.v1']![`team-a/${child.metadata.name}`]!;
    t.equal(
      (child.data as Record<string, string>).password,
      (was.data as Record<string, string>).password,
      `${child.metadata.name}: the password is the observed one`,
    );
  }
});

t.test('a spec that does not even match the schema keeps the Secrets too', async (t) => {
  const kind = makeDBInstanceKind({ rds: noRds });
  const parent = dbParent({ storageGB: 'lots' });
  const { response } = await reconcile(kind, { controller, parent, children: observed }, { config: DEFAULT_HOOKS_CONFIG, aws: new AwsClients(), log: silent });
  t.same(response.children.map((c) => c.metadata.name).sort(), ['shop-master', 'shop-user-app-rw']);
  for (const child of response.children)
    t.same(child.data, observed['Secret.v1']![`team-a/${child.metadata.name}`]!.data, `${child.metadata.name}: kept as observed`);
});

t.test('finalize of a DBInstance whose spec turned invalid keeps its Secrets while it is not finalized', async (t) => {
  const kind = makeDBInstanceKind({
    rds: () =>
      ({
        send: () => Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $fault: 'client', $metadata: { httpStatusCode: 400 } })),
      }) as never,
  });
  const parent = dbParent({ storageGB: 'lots' });
  const { response } = await reconcile(
    kind,
    { controller, parent, children: observed, finalizing: true },
    { config: DEFAULT_HOOKS_CONFIG, aws: new AwsClients(), log: silent },
  );
  t.equal(response.finalized, false, 'AWS did not confirm anything');
  t.same(response.children.map((c) => c.metadata.name).sort(), ['shop-master', 'shop-user-app-rw'], 'both Secrets kept');
});

t.test('an AWS error keeps every observed child, those the kind would compute and the others', async (t) => {
  const observedCm: ObjectMap = {
    'ConfigMap.v1': {
      'team-a/orders-queue': { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'orders-queue', namespace: 'team-a' }, data: { QUEUE_URL: 'http://q' } },
      'team-a/left-over': { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'left-over', namespace: 'team-a' }, data: { A: 'b' } },
    },
  };
  const parent: Parent = {
    apiVersion: 'sqs.awshooks.dev/v1alpha1',
    kind: 'Queue',
    metadata: { name: 'orders', namespace: 'team-a', uid: 'u' },
    spec: { region: 'us-east-1' },
  };
  const aws = new AwsClients({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
  t.teardown(() => {
    aws.destroy();
  });
  const { response, outcome } = await reconcile(queueKind, { controller, parent, children: observedCm }, { config: DEFAULT_HOOKS_CONFIG, aws, log: silent });
  t.equal(outcome, 'aws_error');
  t.same(response.children.map((c) => c.metadata.name).sort(), ['left-over', 'orders-queue'], 'nothing observed is dropped');
});

t.test('backoff grows with the time already spent failing, within bounds', async (t) => {
  const now = new Date('2026-01-01T00:10:00Z');
  const cond = (reason: string, since: string) => [{ type: 'Synced', status: 'False' as const, reason, message: '', lastTransitionTime: since }];
  t.equal(backoffSeconds(undefined, 'Throttling', now), 5, 'first failure: minimum');
  t.equal(backoffSeconds(cond('Throttling', '2026-01-01T00:09:40Z'), 'Throttling', now), 20, 'failing for 20 s: wait 20 s (doubling)');
  t.equal(backoffSeconds(cond('Throttling', '2026-01-01T00:00:00Z'), 'Throttling', now), 300, 'capped at 300 s');
  t.equal(backoffSeconds(cond('Other', '2026-01-01T00:00:00Z'), 'Throttling', now), 5, 'a new reason starts over');
});
