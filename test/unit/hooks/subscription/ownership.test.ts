import t from 'tap';
import { ownerTags, ownership } from '../../../../hooks/core/ownership.js';
import type { Owner } from '../../../../hooks/core/types.js';
import { subscriptionOwnership, topicIsNamespaces } from '../../../../hooks/subscription/ownership.js';

const owner: Owner = { cluster: 'prod', namespace: 'shop', name: 'worker-orders', uid: 'u1', kind: 'Subscription' };
const tagsOf = (namespace: string, kind = 'Topic', name = 'orders', cluster = 'prod') => ownerTags({ cluster, namespace, name, uid: 'x', kind });

t.test('ownership of a subscription is proven by owner tags in AWS, never by status', async (t) => {
  const cases: [string, Parameters<typeof subscriptionOwnership>[0], 'ours' | 'unowned' | 'foreign'][] = [
    ['topic of this namespace (any Topic of it)', { topicTags: tagsOf('shop', 'Topic', 'some-other-topic'), topicAllowListed: false }, 'ours'],
    ['topic of this namespace in another cluster', { topicTags: tagsOf('shop', 'Topic', 'orders', 'staging'), topicAllowListed: false }, 'foreign'],
    ['topic of another namespace, not allow-listed', { topicTags: tagsOf('other'), topicAllowListed: false }, 'foreign'],
    [
      'topic of another namespace, allow-listed, queue of this namespace',
      { topicTags: tagsOf('other'), queueTags: tagsOf('shop', 'Queue', 'worker'), topicAllowListed: true },
      'ours',
    ],
    [
      'topic of another namespace, not allow-listed, even with our queue',
      { topicTags: tagsOf('other'), queueTags: tagsOf('shop', 'Queue', 'worker'), topicAllowListed: false },
      'ours',
    ],
    ['allow-listed topic of another namespace, endpoint proves nothing', { topicTags: tagsOf('other'), topicAllowListed: true }, 'unowned'],
    ['untagged topic', { topicTags: {}, topicAllowListed: false }, 'unowned'],
    ['untagged topic, queue of another namespace', { topicTags: { team: 'x' }, queueTags: tagsOf('other', 'Queue'), topicAllowListed: false }, 'unowned'],
  ];
  for (const [name, evidence, verdict] of cases) {
    const got = subscriptionOwnership(evidence, owner);
    t.equal(got.verdict, verdict, name);
    // The core reads the stand-in tags the same way.
    t.equal(ownership(got.tags, owner), verdict, `${name}: the core agrees`);
  }
  t.ok(topicIsNamespaces(tagsOf('shop'), owner));
  t.notOk(topicIsNamespaces(tagsOf('shop', 'Topic', 'orders', 'staging'), owner));
});
