/** User tags: clear errors for bad keys; tag lists in a deterministic order. */
import t from 'tap';
import { tagsToList, validateUserTags, withoutKeys, tagsFromList } from '../../../../hooks/shared/tags.js';

t.test('tag keys must be 1-128 characters', async (t) => {
  t.throws(() => validateUserTags({ '': 'x' }), { reason: 'InvalidSpec', message: /1-128/ });
  t.throws(() => validateUserTags({ ['k'.repeat(129)]: 'x' }), { reason: 'InvalidSpec', message: /1-128/ });
  t.same(validateUserTags({ ['k'.repeat(128)]: 'x' }), { ['k'.repeat(128)]: 'x' }, '128 is allowed');
  t.throws(() => validateUserTags({ 'awshooks.dev/x': 'y' }), { reason: 'InvalidSpec', message: /reserved/ });
});

t.test('tag lists are sorted by key; withoutKeys leaves the others', async (t) => {
  t.same(tagsToList({ b: '2', c: '3', a: '1' }), [
    { Key: 'a', Value: '1' },
    { Key: 'b', Value: '2' },
    { Key: 'c', Value: '3' },
  ]);
  t.same(
    tagsToList({ a: '1', c: '3', b: '2' }).map((x) => x.Key),
    ['a', 'b', 'c'],
  );
  t.same(withoutKeys({ a: '1', b: '2', c: '3' }, ['b']), { a: '1', c: '3' });
});

t.test('tags as IAM lists and back', async (t) => {
  t.same(
    tagsToList({ b: '2', a: '1' }),
    [
      { Key: 'a', Value: '1' },
      { Key: 'b', Value: '2' },
    ],
    'sorted',
  );
  t.same(
    tagsFromList([
      { Key: 'a', Value: '1' },
      { Key: 'b', Value: undefined },
      { Key: undefined, Value: 'x' },
    ]),
    { a: '1', b: '' },
  );
  t.same(tagsFromList(undefined), {});
});
