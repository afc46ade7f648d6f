/** The managed-resources tracker: bounded, counts kept as parents come and go, stale parents dropped. */
import t from 'tap';
import { MemoryTracker } from '../../../server/metrics.js';

t.test('counts by kind and readiness follow each parent', async (t) => {
  let now = 0;
  const tracker = new MemoryTracker(() => now, 100);
  tracker.observe('a', 'Queue', true);
  tracker.observe('b', 'Queue', false);
  tracker.observe('c', 'Role', true);
  tracker.observe('b', 'Queue', true);
  t.same(Object.fromEntries(tracker.counts()), { Queue: { ready: 2, notReady: 0 }, Role: { ready: 1, notReady: 0 } });
  tracker.forget('a');
  t.same(tracker.counts().get('Queue'), { ready: 1, notReady: 0 });
  now += 11 * 60 * 1000;
  tracker.observe('c', 'Role', false);
  t.same(
    Object.fromEntries(tracker.counts()),
    { Queue: { ready: 0, notReady: 0 }, Role: { ready: 0, notReady: 1 } },
    'parents not seen for 10 minutes drop out',
  );
  t.equal(tracker.size, 1);
});

t.test('at most maxEntries parents, whatever the number synced', async (t) => {
  const tracker = new MemoryTracker(Date.now, 1000);
  for (let i = 0; i < 5000; i++) tracker.observe(`uid-${i}`, 'Queue', i % 2 === 0);
  t.equal(tracker.size, 1000);
  const c = tracker.counts().get('Queue');
  t.equal((c?.ready ?? 0) + (c?.notReady ?? 0), 1000, 'the counts match what is kept');
});
