/** Ownership by tags: every owner tag must name this parent; a missing kind tag is an older version's. */
import t from 'tap';
import { OWNER_TAGS, ownership, ownerTags } from '../../../../hooks/core/ownership.js';
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
