import t from 'tap';
import { ownerTags } from '../../../../hooks/core/ownership.js';
import { reconcile } from '../../../../hooks/core/reconcile.js';
import type { Parent } from '../../../../hooks/core/types.js';
import { roleKind } from '../../../../hooks/role/index.js';
import { ACCOUNT, POLICY_ARN as ARN, fakeIamConfig as config, silent, roleOwnerNamed as roleOwner, FakeIam } from '../../../helpers/fake-iam.js';

t.test('Role finalize: detach managed, delete inline, leave instance profiles, then DeleteRole', async (t) => {
  const fake = new FakeIam();
  const r = fake.addRole('awshooks-default-fff', ownerTags(roleOwner('fff')));
  r.attached.add(ARN);
  r.attached.add('arn:aws:iam::aws:policy/ReadOnlyAccess');
  r.inline.set('b', '{}');
  r.inline.set('a', '{}');
  r.profiles.add('legacy');
  const parent = {
    apiVersion: 'iam.awshooks.dev/v1alpha1',
    kind: 'Role',
    metadata: { name: 'fff', namespace: 'default', uid: 'uid-fff' },
    spec: { policies: ['gone'] },
    status: { roleArn: `arn:aws:iam::${ACCOUNT}:role/awshooks/awshooks-default-fff`, serviceAccountName: 'fff' },
  } as Parent;
  // No related Policy, no OIDC configuration: neither may block the deletion.
  const { response } = await reconcile(
    roleKind,
    { controller: {} as never, parent, children: {}, related: {}, finalizing: true },
    { config: { ...config, oidcProviderArn: undefined, oidcIssuer: undefined }, aws: fake.clients(), log: silent },
  );
  t.equal(response.finalized, true, JSON.stringify(response.status));
  t.same(fake.writes(), [
    `DetachRolePolicy awshooks-default-fff`,
    `DetachRolePolicy awshooks-default-fff`,
    'DeleteRolePolicy awshooks-default-fff a',
    'DeleteRolePolicy awshooks-default-fff b',
    'RemoveRoleFromInstanceProfile awshooks-default-fff legacy',
    'DeleteRole awshooks-default-fff',
  ]);
  t.equal(fake.roles.size, 0, 'the fake (AWS rules) accepted the DeleteRole');
  t.same(
    response.children.map((c) => c.kind),
    ['ServiceAccount'],
    'the ServiceAccount is kept until finalized (Metacontroller garbage-collects it)',
  );
});

t.test('Role finalize leaves a role that is not ours', async (t) => {
  const fake = new FakeIam();
  fake.addRole('awshooks-default-fff', ownerTags(roleOwner('fff', 'prod')));
  const parent = {
    apiVersion: 'iam.awshooks.dev/v1alpha1',
    kind: 'Role',
    metadata: { name: 'fff', namespace: 'default', uid: 'uid-fff' },
    spec: {},
    status: { roleArn: 'x' },
  } as Parent;
  const { response } = await reconcile(
    roleKind,
    { controller: {} as never, parent, children: {}, related: {}, finalizing: true },
    { config, aws: fake.clients(), log: silent },
  );
  t.equal(response.finalized, true);
  t.same(fake.writes(), []);
  t.ok(fake.roles.has('awshooks-default-fff'));
});
