/** One packed record per parent, shared by the drift schedule and the managed-resources tracker (issue 10: RSS). */
import t from 'tap';
import { DriftSchedule } from '../../../../hooks/core/drift-schedule.js';
import { ParentMemory } from '../../../../hooks/core/parent-memory.js';
import { MemoryTracker } from '../../../../server/metrics.js';

const MIN = 60_000;

t.test('records grow past the first columns, keep their fields, and reuse freed slots', async (t) => {
  const memory = new ParentMemory(5000);
  const drift = new DriftSchedule(memory);
  for (let i = 0; i < 3000; i++) drift.checked(`uid-${i}`, i.toString(16).padStart(16, '0'), i);
  t.equal(memory.size, 3000);
  t.same(drift.decide('uid-7', '0000000000000007', 7 + MIN - 1, MIN), { due: false, inMs: 1 }, 'an early record survived the growth');
  t.same(drift.decide('uid-2999', (2999).toString(16).padStart(16, '0'), 2999 + MIN, MIN), { due: true });
  drift.forget('uid-7');
  const slot = memory.slotOrAdd('uid-new');
  t.equal(memory.slot('uid-new'), slot);
  t.equal(memory.size, 3000, 'the forgotten slot was reused');
  t.equal(memory.hashIs(slot, '0000000000000007'), false, 'a reused slot holds nothing of its last parent');
});

t.test('inputs hashes: 16 hex digits packed, anything else kept as text; never equal across the two', async (t) => {
  const memory = new ParentMemory(10);
  const a = memory.slotOrAdd('a');
  t.equal(memory.hashIs(a, '0123456789abcdef'), false, 'no hash yet');
  memory.setHash(a, '0123456789abcdef');
  t.equal(memory.hashIs(a, '0123456789abcdef'), true);
  t.equal(memory.hashIs(a, '0123456789abcdee'), false);
  t.equal(memory.hashIs(a, '0123456789ABCDEF'), false, 'upper case is another string');
  t.equal(memory.hashIs(a, '0123456789abcdef0'), false, 'longer');
  t.equal(memory.hashIs(a, 'ffffffffffffffff'), false);
  memory.setHash(a, 'h1');
  t.equal(memory.hashIs(a, 'h1'), true, 'a short hash as text');
  t.equal(memory.hashIs(a, '0123456789abcdef'), false, 'the packed one is gone');
  memory.setHash(a, 'ffffffffffffffff');
  t.equal(memory.hashIs(a, 'ffffffffffffffff'), true, 'the largest words');
  t.equal(memory.hashIs(a, 'h1'), false, 'the text one is gone');
  memory.setHash(a, '0123456789abcdeg');
  t.equal(memory.hashIs(a, '0123456789abcdeg'), true, '16 characters that are not hex: text');
});

t.test('drift schedule and tracker share one record per parent, and one bound', async (t) => {
  const now = 0;
  const memory = new ParentMemory(2);
  const drift = new DriftSchedule(memory);
  const tracker = new MemoryTracker(() => now, memory);
  drift.checked('a', 'h', 0);
  tracker.observe('a', 'Queue', true);
  drift.checked('b', 'h', 0);
  tracker.observe('b', 'Queue', false);
  t.equal(memory.size, 2, 'two parents, two records');
  t.same(tracker.counts().get('Queue'), { ready: 1, notReady: 1 });

  tracker.observe('c', 'Role', true);
  t.equal(memory.evictions, 1, 'a third parent evicts the least recently used');
  t.same(Object.fromEntries(tracker.counts()), { Queue: { ready: 0, notReady: 1 }, Role: { ready: 1, notReady: 0 } }, 'and uncounts it');
  t.same(drift.decide('a', 'h', 1, MIN), { due: true }, 'its drift memory went with it (full: checked at once)');

  drift.forget('b');
  t.same(tracker.counts().get('Queue'), { ready: 0, notReady: 0 }, 'a finalized parent leaves the gauge too');
});

t.test('a parent not seen for 10 minutes leaves the gauge but keeps its drift memory', async (t) => {
  let now = 0;
  const memory = new ParentMemory(100);
  const drift = new DriftSchedule(memory);
  const tracker = new MemoryTracker(() => now, memory);
  drift.checked('slow', 'h', 0);
  tracker.observe('slow', 'Policy', true);
  now = 11 * MIN;
  t.same(tracker.counts().get('Policy'), { ready: 0, notReady: 0 });
  t.equal(tracker.size, 0);
  t.same(drift.decide('slow', 'h', now, 60 * MIN), { due: false, inMs: 49 * MIN }, 'an hour-long interval is still remembered');
  tracker.observe('slow', 'Policy', true);
  t.same(tracker.counts().get('Policy'), { ready: 1, notReady: 0 }, 'counted again when seen again');
  tracker.observe('', 'Policy', true);
  t.equal(tracker.size, 1, 'a parent without uid is not tracked');
});

t.test('a drift check remembers when volatile values were written across new inputs; deferrals saturate', async (t) => {
  const drift = new DriftSchedule(10);
  drift.checked('a', 'h1', 0);
  drift.volatileWritten('a', 5);
  drift.decide('a', 'h2', 10, MIN);
  t.equal(drift.volatileDue('a', 6, MIN), false, 'new inputs keep the volatile clock');
  t.equal(drift.deferred('unknown', 30_000), 5000, 'an unknown parent: the first back-off, nothing stored');
  t.equal(drift.size, 1);
  for (let i = 0; i < 300; i++) drift.deferred('a', 30_000);
  t.equal(drift.deferred('a', 30_000), 30_000, 'many deferrals in a row stay at the interval');
});
