/** A Policy's finalize plan: detach from our roles only; anything else blocks. */
import t from 'tap';
import { planDetach } from '../../../../hooks/policy/attachments.js';

t.test('finalize plan: detach from our roles only; anything else blocks and is named', async (t) => {
  const ours = { 'awshooks.dev/cluster': 'default', 'awshooks.dev/kind': 'Role', 'awshooks.dev/namespace': 'default', 'awshooks.dev/name': 'fff' };
  const cases: [string, Parameters<typeof planDetach>[0], ReturnType<typeof planDetach>][] = [
    ['nothing attached', { roles: [], users: [], groups: [] }, { detachFromRoles: [], blockers: [] }],
    [
      'our roles',
      {
        roles: [
          { roleName: 'r2', tags: ours },
          { roleName: 'r1', tags: ours },
        ],
        users: [],
        groups: [],
      },
      { detachFromRoles: ['r1', 'r2'], blockers: [] },
    ],
    [
      "another cluster's role",
      { roles: [{ roleName: 'r1', tags: { ...ours, 'awshooks.dev/cluster': 'prod' } }], users: [], groups: [] },
      { detachFromRoles: [], blockers: ['role r1'] },
    ],
    [
      'an untagged role, a user, a group',
      {
        roles: [
          { roleName: 'legacy', tags: {} },
          { roleName: 'mine', tags: ours },
        ],
        users: ['alice'],
        groups: ['ops'],
      },
      { detachFromRoles: ['mine'], blockers: ['role legacy', 'user alice', 'group ops'] },
    ],
    [
      'a Queue-tagged role is not a Role of ours',
      { roles: [{ roleName: 'q', tags: { ...ours, 'awshooks.dev/kind': 'Queue' } }], users: [], groups: [] },
      { detachFromRoles: [], blockers: ['role q'] },
    ],
  ];
  for (const [name, input, want] of cases) t.same(planDetach(input, 'default'), want, name);
});
