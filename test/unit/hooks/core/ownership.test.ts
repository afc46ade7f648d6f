/** Ownership by tags: every owner tag must name this parent; a missing kind tag is an older version's. */
import t from 'tap';
import { OWNER_TAGS, ownership, ownerTags, tagDelta } from '../../../../hooks/core/ownership.js';
import type { Owner } from '../../../../hooks/core/types.js';

const owner: Owner = { cluster: 'c1', namespace: 'ns', name: 'q', uid: 'u1', kind: 'Queue' };

t.test('a resource tagged for another name of the same namespace is foreign', async (t) => {
  t.equal(ownership({ ...ownerTags(owner), [OWNER_TAGS.name]: 'other' }, owner), 'foreign');
  t.equal(ownership({ ...ownerTags(owner), [OWNER_TAGS.name]: 'q2' }, owner), 'foreign');
});

t.test('without a kind tag (tags of an older version) the other tags decide', async (t) => {
  const { [OWNER_TAGS.kind]: _kind, ...withoutKind } = ownerTags(owner);
  t.equal(ownership(withoutKind, owner), 'ours');
  t.equal(ownership({ ...withoutKind, [OWNER_TAGS.namespace]: 'x' }, owner), 'foreign');
  t.equal(ownership({ [OWNER_TAGS.uid]: 'u1' }, owner), 'foreign', 'a lone owner tag that does not name us');
});

t.test('ownership by tags', async (t) => {
  const owner: Owner = { cluster: 'c1', namespace: 'ns', name: 'q', uid: 'u1', kind: 'Queue' };
  const tags = ownerTags(owner);
  t.equal(ownership(tags, owner), 'ours');
  t.equal(ownership({ ...tags, [OWNER_TAGS.uid]: 'u2' }, owner), 'ours', 'same name, new uid: same owner');
  t.equal(ownership({}, owner), 'unowned');
  t.equal(ownership(undefined, owner), 'unowned');
  t.equal(ownership({ team: 'x' }, owner), 'unowned', 'user tags only');
  t.equal(ownership({ ...tags, [OWNER_TAGS.namespace]: 'other' }, owner), 'foreign', 'other namespace');
  t.equal(ownership({ ...tags, [OWNER_TAGS.cluster]: 'c2' }, owner), 'foreign', 'other cluster');
  t.equal(ownership({ ...tags, [OWNER_TAGS.kind]: 'Role' }, owner), 'foreign', 'other kind');
});

t.test('tagDelta never removes tags we did not set', async (t) => {
  const d = tagDelta({ a: '1', b: '2' }, { a: '1', b: 'old', c: 'theirs', gone: 'x' }, ['a', 'gone']);
  t.same(d.toAdd, { b: '2' });
  t.same(d.toRemove, ['gone'], 'only a key we managed before is removed; c is left alone');
  t.same(tagDelta({ a: '1' }, { a: '1' }, ['a']), { toAdd: {}, toRemove: [] }, 'converged: nothing');
});
