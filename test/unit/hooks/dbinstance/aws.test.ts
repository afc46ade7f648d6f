import t from 'tap';
import { parseDuration } from '../../../../hooks/dbinstance/state.js';
import { desiredDBInstance } from '../../../../hooks/dbinstance/desired.js';
import { planSnapshots } from '../../../../hooks/dbinstance/aws.js';
import { dbInstanceInput as input } from '../../../helpers/dbinstance.js';

t.test('backup durations and snapshot plans', async (t) => {
  const cases: [string, number | undefined][] = [
    ['30m', 1800],
    ['24h', 86400],
    ['7d', 604800],
    ['1h', 3600],
    ['0h', undefined],
    ['24', undefined],
    ['1w', undefined],
    ['-1h', undefined],
    ['1.5h', undefined],
    ['', undefined],
  ];
  for (const [text, want] of cases) t.equal(parseDuration(text), want, text);
  t.throws(() => desiredDBInstance(input({ backup: { every: '10m' } })), { reason: 'InvalidSpec', message: /at least 30m/ });
  t.throws(() => desiredDBInstance(input({ backup: { every: '1h', retentionDays: 0 } })), { reason: 'InvalidSpec', message: /./ });
  t.equal(desiredDBInstance(input({ backup: { every: '24h' } })).backupEverySeconds, 86400);

  const now = new Date('2026-06-10T00:00:00Z');
  const day = (d: number) => new Date(now.getTime() - d * 86400_000);
  const snap = (id: string, age: number, owned = true, status = 'available') => ({ id, createdAt: day(age), status, owned });
  t.same(planSnapshots([], 86400, 7, now), { take: true, toDelete: [] });
  t.match(planSnapshots([snap('a', 0.5)], 86400, 7, now), { take: false, toDelete: [] });
  t.match(planSnapshots([snap('a', 1)], 86400, 7, now), { take: true });
  t.match(
    planSnapshots([snap('a', 2), snap('b', 8), snap('c', 9, false), snap('d', 10, true, 'creating')], 86400, 7, now),
    { take: false, toDelete: ['b'] },
    'a snapshot in progress blocks a new one; only owned, available, expired ones go',
  );
  t.match(planSnapshots([snap('old', 30)], 86400, 7, now), { take: true, toDelete: [] }, 'the newest is never deleted');
});
