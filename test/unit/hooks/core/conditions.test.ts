/** Conditions: merged so that a condition's lastTransitionTime moves only when its status does. */
import t from 'tap';
import { mergeConditions } from '../../../../hooks/core/conditions.js';

t.test('mergeConditions keeps lastTransitionTime while the status is unchanged', async (t) => {
  const t0 = new Date('2026-01-01T00:00:00Z');
  const t1 = new Date('2026-01-01T00:05:00Z');
  const first = mergeConditions(undefined, [{ type: 'Ready', status: 'False', reason: 'Creating', message: 'm' }], t0);
  t.equal(first[0]!.lastTransitionTime, t0.toISOString());
  const same = mergeConditions(first, [{ type: 'Ready', status: 'False', reason: 'Other', message: 'x' }], t1);
  t.equal(same[0]!.lastTransitionTime, t0.toISOString(), 'same status: time kept');
  t.equal(same[0]!.reason, 'Other', 'reason updated');
  const flipped = mergeConditions(same, [{ type: 'Ready', status: 'True', reason: 'Available', message: 'ok' }], t1);
  t.equal(flipped[0]!.lastTransitionTime, t1.toISOString(), 'status change: new time');
  const kept = mergeConditions(
    [...flipped, { type: 'Connectable', status: 'True', reason: 'A', message: '', lastTransitionTime: 'x' }],
    [{ type: 'Ready', status: 'True', reason: 'Available', message: 'ok' }],
    t1,
  );
  t.same(
    kept.map((c) => c.type),
    ['Connectable', 'Ready'],
    'unmentioned conditions kept, sorted',
  );
});
