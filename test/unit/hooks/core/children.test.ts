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
