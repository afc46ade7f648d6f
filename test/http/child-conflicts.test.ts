/**
 * Child names collide between parents (issue 8 §1): a clear Conflict naming the other parent,
 * from the would-be child's owner reference (related objects from the customize hook), the
 * child left out of the answer, and no AWS call. AWS is unreachable here.
 */
import t from 'tap';
import type { KubeObject, ObjectMap, Parent, SyncResponse } from '../../hooks/core/types.js';
import { testApp } from '../helpers/app.js';

const CLOSED = { awsEndpointUrl: 'http://127.0.0.1:9' };
const ISSUER = 'oidc.eks.eu-west-1.amazonaws.com/id/ABC123';
const iam = { oidcProviderArn: `arn:aws:iam::123456789012:oidc-provider/${ISSUER}`, oidcIssuer: ISSUER, accountId: '123456789012' };
const ready = (a: SyncResponse) =>
  (a.status.conditions as { type: string; status: string; reason: string; message: string }[]).find((c) => c.type === 'Ready')!;

const owned = (kind: string, name: string, ownerKind: string, ownerName: string, ownerUid: string): KubeObject =>
  ({
    apiVersion: 'v1',
    kind,
    metadata: {
      name,
      namespace: 'shop',
      ownerReferences: [{ apiVersion: 'x/v1alpha1', kind: ownerKind, name: ownerName, uid: ownerUid, controller: true, blockOwnerDeletion: true }],
    },
  }) as unknown as KubeObject;
const byName = (key: string, ...objs: KubeObject[]): ObjectMap => ({ [key]: Object.fromEntries(objs.map((o) => [`shop/${o.metadata.name}`, o])) });

t.test('child names collide between parents: DBInstance shop user app_master vs DBInstance shop-user-app', async (t) => {
  const app = await testApp({}, CLOSED);
  t.teardown(() => app.close());
  const db = (name: string, spec: Record<string, unknown>): Parent => ({
    apiVersion: 'rds.awshooks.dev/v1alpha1',
    kind: 'DBInstance',
    metadata: { name, namespace: 'shop', uid: `uid-${name}`, generation: 1 },
    spec,
  });

  // The user name that would make the ambiguous Secret name is refused.
  const shop = await app.sync('dbinstances', { parent: db('shop', { users: { app_master: [] } }), children: { 'Secret.v1': {}, 'Service.v1': {} } });
  t.equal(ready(shop).reason, 'InvalidSpec');
  t.match(ready(shop).message, /spec\.users: "app_master" would give a Secret name another DBInstance could also have/);

  // And a Secret already held by another DBInstance is a Conflict naming it, not an answer Metacontroller can never apply.
  const held = owned('Secret', 'shop-user-app-master', 'DBInstance', 'shop', 'uid-shop');
  const other = await app.sync('dbinstances', {
    parent: db('shop-user-app', {}),
    children: { 'Secret.v1': {}, 'Service.v1': {} },
    related: byName('Secret.v1', held),
  });
  t.equal(ready(other).reason, 'Conflict');
  t.equal(
    ready(other).message,
    'Secret shop-user-app-master already exists in namespace shop and belongs to DBInstance shop, not to DBInstance shop-user-app; awshooks will not answer it: rename this DBInstance or the other object',
  );
  t.notOk(
    other.children.some((c) => c.metadata.name === 'shop-user-app-master'),
    'the held Secret is not in the answer',
  );
  t.equal(await app.awsCalls(), 0, 'no AWS call');

  // Its own Secret (owner reference with its uid) is no conflict.
  const mine = owned('Secret', 'shop-user-app-master', 'DBInstance', 'shop-user-app', 'uid-shop-user-app');
  const fine = await app.sync('dbinstances', {
    parent: db('shop-user-app', {}),
    children: { 'Secret.v1': {}, 'Service.v1': {} },
    related: byName('Secret.v1', mine),
  });
  t.equal(ready(fine).reason, 'WaitingForSecret');
  t.ok(fine.children.some((c) => c.metadata.name === 'shop-user-app-master'));
});

t.test('child names collide between parents: two Roles with serviceAccountName shared', async (t) => {
  const app = await testApp(iam, CLOSED);
  t.teardown(() => app.close());
  const role = (name: string, status?: Record<string, unknown>): Parent => ({
    apiVersion: 'iam.awshooks.dev/v1alpha1',
    kind: 'Role',
    metadata: { name, namespace: 'shop', uid: `uid-${name}`, generation: 1 },
    spec: { serviceAccountName: 'shared' },
    ...(status ? { status } : {}),
  });
  const held = owned('ServiceAccount', 'shared', 'Role', 'first', 'uid-first');
  // The second Role, even with a role already in status, never answers the first one's ServiceAccount.
  const second = await app.sync('roles', {
    parent: role('second', { roleArn: 'arn:aws:iam::123456789012:role/awshooks/awshooks-shop-second', serviceAccountName: 'shared' }),
    children: { 'ServiceAccount.v1': {} },
    related: byName('ServiceAccount.v1', held),
  });
  t.equal(ready(second).reason, 'Conflict');
  t.match(ready(second).message, /^ServiceAccount shared already exists in namespace shop and belongs to Role first, not to Role second/);
  t.same(second.children, [], 'no ServiceAccount with a different role ARN is answered');
  t.equal(await app.awsCalls(), 0, 'no AWS call');

  // A ServiceAccount created by something else (a Helm chart) is named as such.
  const helm = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'shared', namespace: 'shop' } } as KubeObject;
  const third = await app.sync('roles', { parent: role('third'), children: { 'ServiceAccount.v1': {} }, related: byName('ServiceAccount.v1', helm) });
  t.match(ready(third).message, /belongs to no owner \(created by something else\).*serviceAccount\.manage: false/);
});

t.test("a Queue's ConfigMap held by another object is a Conflict", async (t) => {
  const app = await testApp({}, CLOSED);
  t.teardown(() => app.close());
  const cm = owned('ConfigMap', 'orders-queue', 'Deployment', 'orders', 'uid-deploy');
  const answer = await app.sync('queues', {
    parent: {
      apiVersion: 'sqs.awshooks.dev/v1alpha1',
      kind: 'Queue',
      metadata: { name: 'orders', namespace: 'shop', uid: 'uid-q', generation: 1 },
      spec: { region: 'eu-west-1' },
    },
    children: { 'ConfigMap.v1': {} },
    related: byName('ConfigMap.v1', cm),
  });
  t.equal(ready(answer).reason, 'Conflict');
  t.match(ready(answer).message, /ConfigMap orders-queue already exists in namespace shop and belongs to Deployment orders/);
  t.equal(await app.awsCalls(), 0);
});
