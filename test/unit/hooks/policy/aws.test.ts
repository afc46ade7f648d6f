import t from 'tap';
import type { KindContext } from '../../../../hooks/core/kind.js';
import { ownerTags } from '../../../../hooks/core/ownership.js';
import { reconcile } from '../../../../hooks/core/reconcile.js';
import { policyManager } from '../../../../hooks/policy/aws.js';
import { policyKind } from '../../../../hooks/policy/index.js';
import {
  POLICY_ARN as ARN,
  fakeIamConfig as config,
  silent,
  policyOwner,
  roleOwnerNamed as roleOwner,
  FakeIam,
  policyParent,
} from '../../../helpers/fake-iam.js';

t.test('Policy finalize: detach from our roles, delete non-default versions, then DeletePolicy', async (t) => {
  const fake = new FakeIam();
  const p = fake.addPolicy(ARN, 3, 2);
  for (const name of ['r-b', 'r-a']) {
    fake.addRole(name, ownerTags(roleOwner(name))).attached.add(ARN);
    p.roles.add(name);
  }
  const { response, outcome } = await reconcile(
    policyKind,
    { controller: {} as never, parent: policyParent({ arn: ARN, policyName: 'awshooks-default-ddd', path: '/awshooks/' }), children: {}, finalizing: true },
    { config, aws: fake.clients(), log: silent },
  );
  t.equal(outcome, 'finalized');
  t.equal(response.finalized, true);
  t.same(
    fake.writes(),
    ['DetachRolePolicy r-a', 'DetachRolePolicy r-b', 'DeletePolicyVersion v1', 'DeletePolicyVersion v3', 'DeletePolicy'],
    'the order AWS needs',
  );
  t.equal(fake.policies.size, 0, 'the fake (AWS rules) accepted the DeletePolicy');
  t.same(fake.calls.slice(0, 2), ['GetPolicy', 'GetPolicyVersion v2'], 'read first, from the status ARN (no STS call)');
  t.equal(fake.calls.at(-1), 'GetPolicy', 'then read again to confirm the deletion');
  t.same(
    [...fake.roles.values()].map((r) => r.attached.size),
    [0, 0],
  );
});

t.test('Policy finalize blocked by attachments we do not own: no write at all, each named', async (t) => {
  const fake = new FakeIam();
  const p = fake.addPolicy(ARN, 2, 2);
  fake.addRole('mine', ownerTags(roleOwner('mine'))).attached.add(ARN);
  fake.addRole('prod-role', ownerTags(roleOwner('x', 'prod'))).attached.add(ARN);
  // A role outside our path that even carries our owner tags: never ours, and never looked at.
  fake.addRole('outside', ownerTags(roleOwner('outside')), '/').attached.add(ARN);
  p.roles.add('mine');
  p.roles.add('prod-role');
  p.roles.add('outside');
  p.users.add('alice');
  const parent = policyParent({ arn: ARN, policyName: 'awshooks-default-ddd' });
  const { response, outcome } = await reconcile(
    policyKind,
    { controller: {} as never, parent, children: {}, finalizing: true },
    { config, aws: fake.clients(), log: silent },
  );
  t.equal(outcome, 'terminal');
  t.equal(response.finalized, false);
  const ready = (response.status.conditions as { type: string; reason: string; message: string }[]).find((c) => c.type === 'Ready')!;
  t.equal(ready.reason, 'AttachedElsewhere');
  t.match(ready.message, /role prod-role/);
  t.match(ready.message, /role outside/, 'a role outside /awshooks/ is foreign whatever its tags');
  t.match(ready.message, /user alice/);
  t.notOk(fake.calls.includes('ListRoleTags outside'), 'tags of roles outside our path are not read (the service may not)');
  t.notMatch(ready.message, /role mine/, 'our own role is not a blocker');
  t.same(fake.writes(), [], 'nothing detached or deleted before the blocker is gone');
  t.ok(response.resyncAfterSeconds, 'retried later');
});

t.test('Policy update at the five-version limit deletes the oldest non-default version first', async (t) => {
  const fake = new FakeIam();
  fake.addPolicy(ARN, 5, 1); // the default is the OLDEST version
  const ctx: KindContext = { config, aws: fake.clients(), now: () => new Date(), log: silent, owner: policyOwner };
  const manager = policyManager(ctx);
  const desired = policyKind.desired({
    parent: policyParent({}) as never,
    spec: { document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:New', Resource: '*' }] }, deletionPolicy: 'Delete', adopt: false },
    children: {},
    related: {},
    config,
    owner: policyOwner,
    finalizing: false,
    now: new Date(),
  });
  const observed = (await manager.readOne(desired, { arn: ARN, policyName: 'awshooks-default-ddd' }))!;
  const delta = policyKind.delta(desired, observed, undefined);
  t.same(delta.paths, ['document']);
  fake.calls = [];
  const next = await manager.update(desired, observed, delta, undefined);
  t.same(fake.writes(), ['DeletePolicyVersion v2', 'CreatePolicyVersion'], 'v2 (oldest non-default) goes, v1 (default) stays');
  t.equal(next.defaultVersionId, 'v6');
  t.same(
    fake.policies.get(ARN)!.versions.map((v) => v.id),
    ['v1', 'v3', 'v4', 'v5', 'v6'],
  );
});

t.test('the fake refuses what AWS refuses (so the order tests above mean something)', async (t) => {
  const fake = new FakeIam();
  const p = fake.addPolicy(ARN, 2, 2);
  fake.addRole('r', {}).attached.add(ARN);
  p.roles.add('r');
  const send = (name: string, input: Record<string, unknown>) => fake.send({ constructor: { name: `${name}Command` }, input });
  await t.rejects(send('DeletePolicy', { PolicyArn: ARN }), { name: 'DeleteConflictException' }, 'attached');
  await send('DetachRolePolicy', { RoleName: 'r', PolicyArn: ARN });
  await t.rejects(send('DeletePolicy', { PolicyArn: ARN }), { name: 'DeleteConflictException' }, 'extra versions');
  await t.rejects(send('DeletePolicyVersion', { PolicyArn: ARN, VersionId: 'v2' }), { name: 'DeleteConflictException' }, 'the default version');
  fake.addPolicy(`${ARN}5`, 5, 5);
  await t.rejects(send('CreatePolicyVersion', { PolicyArn: `${ARN}5`, PolicyDocument: '{}' }), { name: 'LimitExceededException' }, 'a sixth version');
  fake.addRole('q', {}).inline.set('x', '{}');
  await t.rejects(send('DeleteRole', { RoleName: 'q' }), { name: 'DeleteConflictException' }, 'a role with an inline policy');
});
