/** Child names another object holds: detected from related objects' owner references (issue 8 §1). */
import t from 'tap';
import { checkChildNames, childNameRules, foreignChildren, withoutForeignChildren } from '../../../../hooks/core/child-names.js';
import type { KubeObject, ObjectMap, Parent } from '../../../../hooks/core/types.js';

const parent = {
  apiVersion: 'rds.awshooks.dev/v1alpha1',
  kind: 'DBInstance',
  metadata: { name: 'shop-user-app', namespace: 'ns', uid: 'uid-me' },
  spec: {},
} as Parent;
const secret = (name: string, owner?: { kind: string; name: string; uid: string }): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'ns', ...(owner ? { ownerReferences: [{ apiVersion: 'x/v1', ...owner, controller: true }] } : {}) },
});
const map = (...objs: KubeObject[]): ObjectMap => ({ 'Secret.v1': Object.fromEntries(objs.map((o) => [`ns/${o.metadata.name}`, o])) });
const wouldBe = [{ apiVersion: 'v1', kind: 'Secret', name: 'shop-user-app-master' }];

t.test("customize rules: by name, in the parent's namespace only", async (t) => {
  t.same(
    childNameRules(parent, [
      { apiVersion: 'v1', resource: 'secrets', kind: 'Secret', name: 'b' },
      { apiVersion: 'v1', resource: 'services', kind: 'Service', name: 's' },
      { apiVersion: 'v1', resource: 'secrets', kind: 'Secret', name: 'a' },
    ]),
    [
      { apiVersion: 'v1', resource: 'secrets', namespace: 'ns', names: ['a', 'b'] },
      { apiVersion: 'v1', resource: 'services', namespace: 'ns', names: ['s'] },
    ],
  );
});

t.test('who holds a would-be child', async (t) => {
  const other = secret('shop-user-app-master', { kind: 'DBInstance', name: 'shop', uid: 'uid-shop' });
  t.same(foreignChildren(wouldBe, parent, {}, map(other)), [{ kind: 'Secret', name: 'shop-user-app-master', holder: 'DBInstance shop' }]);
  t.same(foreignChildren(wouldBe, parent, {}, map(secret('shop-user-app-master'))), [
    { kind: 'Secret', name: 'shop-user-app-master', holder: 'no owner (created by something else)' },
  ]);
  t.same(
    foreignChildren(wouldBe, parent, {}, map(secret('shop-user-app-master', { kind: 'DBInstance', name: 'shop-user-app', uid: 'uid-me' }))),
    [],
    'ours by uid',
  );
  t.same(
    foreignChildren(wouldBe, parent, map(secret('shop-user-app-master')), map(secret('shop-user-app-master'))),
    [],
    'ours: Metacontroller sent it as an observed child',
  );
  t.same(foreignChildren(wouldBe, parent, {}, {}), [], 'not there: nothing to report');
  t.same(foreignChildren(wouldBe, parent, {}, undefined), [], 'no customize answer yet: nothing to report');
  t.throws(
    () => {
      checkChildNames(wouldBe, parent, {}, map(other), 'rename it');
    },
    {
      reason: 'Conflict',
      message:
        'Secret shop-user-app-master already exists in namespace ns and belongs to DBInstance shop, not to DBInstance shop-user-app; awshooks will not answer it: rename it',
    },
  );
  const answer: KubeObject[] = [secret('shop-user-app-master'), secret('shop-user-app-user-x')];
  t.same(
    withoutForeignChildren(answer, parent, {}, map(other)).map((c) => c.metadata.name),
    ['shop-user-app-user-x'],
    'the held child is left out of the answer',
  );
  t.equal(withoutForeignChildren(answer, parent, {}, {}), answer, 'nothing held: the same list');
});
