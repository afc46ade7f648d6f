/** A Policy's versions: which to prune before a new one, which to delete before the policy. */
import t from 'tap';
import { versionsToDeleteBeforePolicy, versionToPrune, type PolicyVersionInfo } from '../../../../hooks/policy/versions.js';

t.test('version to prune before a new one: oldest non-default, never the default', async (t) => {
  const v = (id: string, day: number, isDefault = false): PolicyVersionInfo => ({ versionId: id, isDefault, createDate: new Date(Date.UTC(2026, 0, day)) });
  const cases: [string, PolicyVersionInfo[], string | undefined][] = [
    ['room left', [v('v1', 1, true)], undefined],
    ['four versions: room left', [v('v1', 1), v('v2', 2), v('v3', 3), v('v4', 4, true)], undefined],
    ['five, the newest is default', [v('v1', 1), v('v2', 2), v('v3', 3), v('v4', 4), v('v5', 5, true)], 'v1'],
    ['five, the OLDEST is default (seed 002 would delete it)', [v('v1', 1, true), v('v2', 2), v('v3', 3), v('v4', 4), v('v5', 5)], 'v2'],
    ['five, listed out of order', [v('v5', 5), v('v3', 3, true), v('v4', 4), v('v2', 2), v('v6', 6)], 'v2'],
    ['same date: by version number, not by string', [v('v10', 1), v('v9', 1), v('v11', 1, true), v('v12', 1), v('v13', 1)], 'v9'],
    [
      'no dates: by version number',
      [
        { versionId: 'v7', isDefault: false },
        { versionId: 'v3', isDefault: false },
        { versionId: 'v1', isDefault: true },
        { versionId: 'v4', isDefault: false },
        { versionId: 'v5', isDefault: false },
      ],
      'v3',
    ],
    ['all default (impossible): nothing to delete', [v('v1', 1, true), v('v2', 2, true), v('v3', 3, true), v('v4', 4, true), v('v5', 5, true)], undefined],
  ];
  for (const [name, versions, want] of cases) t.equal(versionToPrune(versions), want, name);
  t.same(versionsToDeleteBeforePolicy([v('v10', 1), v('v2', 2, true), v('v9', 3)]), ['v9', 'v10'], 'every non-default version, before DeletePolicy');
});
