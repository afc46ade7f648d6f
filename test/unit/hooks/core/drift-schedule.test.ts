/** When a drift check is due, decided in memory (issue 10): no timestamp is ever written to status. */
import t from 'tap';
import { DriftSchedule, offsetFraction } from '../../../../hooks/core/drift-schedule.js';

const MIN = 60_000;

t.test('a parent it does not remember is spread over the interval by its key, not all due at once', async (t) => {
  const schedule = new DriftSchedule(1000);
  const inMs = Array.from({ length: 200 }, (_, i) => {
    const d = schedule.decide(`ns/p${i}`, 'h', 0, 10 * MIN);
    return d.due ? -1 : d.inMs;
  });
  t.notOk(inMs.includes(-1), 'none due at once after a restart');
  t.ok(Math.min(...inMs) < 2 * MIN && Math.max(...inMs) > 8 * MIN, 'spread over the interval');
  t.equal(offsetFraction('ns/p1'), offsetFraction('ns/p1'), 'the offset is a function of the key');
  t.ok(offsetFraction('a') >= 0 && offsetFraction('a') < 1);
});

t.test('due after the interval; checked() starts it again; new inputs start it again', async (t) => {
  const schedule = new DriftSchedule(1000);
  schedule.checked('ns/a', 'h1', 0);
  t.same(schedule.decide('ns/a', 'h1', 4 * MIN, 5 * MIN), { due: false, inMs: MIN });
  t.same(schedule.decide('ns/a', 'h1', 5 * MIN, 5 * MIN), { due: true });
  schedule.checked('ns/a', 'h1', 5 * MIN);
  t.same(schedule.decide('ns/a', 'h1', 6 * MIN, 5 * MIN), { due: false, inMs: 4 * MIN });
  const changed = schedule.decide('ns/a', 'h2', 6 * MIN, 5 * MIN);
  t.equal(changed.due, false, 'new inputs: a fresh, spread schedule (the full path visits AWS anyway)');
  t.same(schedule.decide('ns/a', 'h1', -MIN, 5 * MIN).due, false, 'a clock that went back counts from now');
});

t.test('deferrals back off from 5 s to the interval; volatile fields have their own clock', async (t) => {
  const schedule = new DriftSchedule(1000);
  schedule.checked('ns/a', 'h', 0);
  t.same(
    [1, 2, 3, 4].map(() => schedule.deferred('ns/a', 30_000)),
    [5000, 10_000, 20_000, 30_000],
  );
  schedule.checked('ns/a', 'h', 1);
  t.equal(schedule.deferred('ns/a', 30_000), 5000, 'a check resets the back-off');
  t.ok(schedule.volatileDue('ns/a', 0, MIN), 'never written: due');
  schedule.volatileWritten('ns/a', 0);
  t.notOk(schedule.volatileDue('ns/a', MIN - 1, MIN));
  t.ok(schedule.volatileDue('ns/a', MIN, MIN));
  schedule.forget('ns/a');
  t.equal(schedule.size, 0);
});

t.test('bounded: past its size, a parent it cannot remember is checked rather than forgotten', async (t) => {
  const schedule = new DriftSchedule(2);
  schedule.checked('a', 'h', 0);
  schedule.checked('b', 'h', 0);
  t.same(schedule.decide('c', 'h', 0, MIN), { due: true }, 'full: due now');
  schedule.checked('c', 'h', 0);
  t.equal(schedule.size, 2, 'the least recently used entry made room');
  t.equal(schedule.evictions, 1);
});
