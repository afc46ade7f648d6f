import t from 'tap';
import type { Parent } from '../../../../hooks/core/types.js';
import { roleKind } from '../../../../hooks/role/index.js';
import { type RoleSpec, type RoleStatus } from '../../../../schemas/role.js';
import { iamConfig as config } from '../../../helpers/iam.js';

t.test("Role customize asks only for its own namespace's Policies", async (t) => {
  const parent = {
    apiVersion: 'iam.awshooks.dev/v1alpha1',
    kind: 'Role',
    metadata: { name: 'fff', namespace: 'team-a' },
    spec: { policies: ['ddd', 'eee', 'ddd'] },
  } as unknown as Parent<RoleSpec, RoleStatus>;
  const sa = { apiVersion: 'v1', resource: 'serviceaccounts', namespace: 'team-a', names: ['fff'] };
  t.same(roleKind.customize!(parent, config), [
    { apiVersion: 'iam.awshooks.dev/v1alpha1', resource: 'policies', namespace: 'team-a', names: ['ddd', 'eee'] },
    sa,
  ]);
  t.same(roleKind.customize!({ ...parent, spec: { ...parent.spec, policies: [] } }, config), [sa]);
});
