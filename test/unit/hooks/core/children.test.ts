/** Children of an answer: sorted, so that the same input gives a byte-identical answer. */
import t from 'tap';
import { keepObservedChildren, sortChildren } from '../../../../hooks/core/children.js';

t.test('sortChildren orders by kind then name', async (t) => {
  const c = (kind: string, name: string) => ({ apiVersion: 'v1', kind, metadata: { name } });
  t.same(
    sortChildren([c('Service', 'a'), c('Secret', 'b'), c('Secret', 'a')]).map((x) => `${x.kind}/${x.metadata.name}`),
    ['Secret/a', 'Secret/b', 'Service/a'],
  );
});

t.test('keepObservedChildren drops the last-applied annotation and keeps each child once', async (t) => {
  const observed = {
    'ConfigMap.v1': {
      'ns/a': {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'a', namespace: 'ns', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', keep: 'me' } },
      },
    },
    'ConfigMap.v1 ': {
      'ns/a': { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'ns' } },
    },
  };
  const out = keepObservedChildren([], observed);
  t.equal(out.length, 1, 'the same child under two keys is answered once');
  t.same(out[0]?.metadata.annotations, { keep: 'me' });
});

t.test('keepObservedChildren keeps every observed child the kind did not return', async (t) => {
  const observed = {
    'ConfigMap.v1': {
      'ns/a': {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'a', namespace: 'ns', resourceVersion: '5', annotations: { 'metacontroller.k8s.io/last-applied-configuration': '{}', keep: 'me' } },
        data: { K: 'v' },
      },
    },
    'Secret.v1': { 'ns/s': { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns' }, data: { password: 'cw==' } } },
  };
  const computed = [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { K: 'new' } }];
  const out = keepObservedChildren(computed, observed);
  t.equal(out.length, 2);
  t.same(out[0], computed[0], 'the computed child wins');
  t.same(
    out[1],
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { password: 'cw==' } },
    'the observed Secret is kept as is, minus server fields',
  );
  const cm = keepObservedChildren([], observed).find((c) => c.kind === 'ConfigMap')!;
  t.same(cm.metadata, { name: 'a', annotations: { keep: 'me' } }, 'metacontroller annotations and resourceVersion dropped');
});
