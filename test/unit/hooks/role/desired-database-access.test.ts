/** Role spec.databaseAccess, the pure part: related DBInstances of the namespace, iamAuth users only. */
import t from 'tap';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import type { DesiredInput } from '../../../../hooks/core/kind.js';
import type { KubeObject, ObjectMap } from '../../../../hooks/core/types.js';
import { DBINSTANCE_RELATED_KEY, desiredRole, resolveDatabaseAccess } from '../../../../hooks/role/desired.js';
import { roleKind } from '../../../../hooks/role/index.js';
import type { RoleSpec, RoleStatus } from '../../../../schemas/role.js';

const owner = { cluster: 'default', namespace: 'team-a', name: 'reporter', uid: 'u', kind: 'Role' };
const dbi = (name: string, spec: Record<string, unknown>, namespace = 'team-a'): [string, KubeObject] => [
  `${namespace}/${name}`,
  { apiVersion: 'rds.awshooks.dev/v1alpha1', kind: 'DBInstance', metadata: { name, namespace }, spec },
];
const input = (databaseAccess: RoleSpec['databaseAccess'], related: ObjectMap) =>
  ({ spec: { databaseAccess }, config: { ...DEFAULT_HOOKS_CONFIG, defaultRegion: 'eu-west-1' }, owner, related }) as unknown as DesiredInput<
    RoleSpec,
    RoleStatus
  >;

t.test('resolveDatabaseAccess', async (t) => {
  const related = {
    [DBINSTANCE_RELATED_KEY]: Object.fromEntries([
      dbi('reports', { users: { tok: ['iamAuth'], app: [] } }),
      dbi('custom', { region: 'us-west-2', instanceIdentifier: 'awshooks-team01a-x', users: { tok: ['iamAuth'] } }),
      dbi('reports', { users: { tok: ['iamAuth'] } }, 'team-b'),
    ]),
  };
  t.same(
    resolveDatabaseAccess(
      input(
        [
          { dbInstanceRef: 'reports', user: 'tok' },
          { dbInstanceRef: 'custom', user: 'tok' },
          { dbInstanceRef: 'reports', user: 'tok' },
        ],
        related,
      ),
    ),
    [
      { dbInstance: 'custom', user: 'tok', identifier: 'awshooks-team01a-x', region: 'us-west-2' },
      { dbInstance: 'reports', user: 'tok', identifier: 'awshooks-team01a-reports', region: 'eu-west-1' },
    ],
    'sorted, unique; identifier derived (a custom one is only a hint, checked by owner tags in RDS)',
  );
  t.throws(() => resolveDatabaseAccess(input([{ dbInstanceRef: 'reports', user: 'app' }], related)), {
    reason: 'InvalidSpec',
    message: /spec\.databaseAccess\[0\]: "app" is not an iamAuth user of DBInstance "reports"/,
  });
  t.throws(() => resolveDatabaseAccess(input([{ dbInstanceRef: 'other', user: 'tok' }], related)), { reason: 'DependencyNotReady', message: /not found yet/ });
  const teamB = { [DBINSTANCE_RELATED_KEY]: Object.fromEntries([dbi('only-b', { users: { tok: ['iamAuth'] } }, 'team-b')]) };
  t.throws(
    () => resolveDatabaseAccess(input([{ dbInstanceRef: 'only-b', user: 'tok' }], teamB)),
    { reason: 'DependencyNotReady', message: /./ },
    "another namespace's DBInstance is never used",
  );
});

t.test("customize asks for the DBInstances of the Role's namespace only", async (t) => {
  const rules = roleKind.customize!(
    {
      apiVersion: 'iam.awshooks.dev/v1alpha1',
      kind: 'Role',
      metadata: { name: 'reporter', namespace: 'team-a' },
      spec: {
        databaseAccess: [
          { dbInstanceRef: 'reports', user: 'tok' },
          { dbInstanceRef: 'reports', user: 'x' },
        ],
      },
    } as never,
    {} as never,
  );
  t.match(rules, [{ apiVersion: 'rds.awshooks.dev/v1alpha1', resource: 'dbinstances', namespace: 'team-a', names: ['reports'] }]);
});

t.test('finalizing: database access is never resolved (a deleted DBInstance does not block the deletion)', async (t) => {
  const d = desiredRole({
    spec: {
      databaseAccess: [{ dbInstanceRef: 'gone', user: 'tok' }],
      serviceAccount: { manage: true },
      maxSessionDuration: 3600,
      deletionPolicy: 'Delete',
      adopt: false,
    },
    parent: { apiVersion: 'iam.awshooks.dev/v1alpha1', kind: 'Role', metadata: { name: 'reporter', namespace: 'team-a', uid: 'u' }, spec: {} },
    config: {
      ...DEFAULT_HOOKS_CONFIG,
      oidcProviderArn: 'arn:aws:iam::123456789012:oidc-provider/oidc.example/id/X',
      oidcIssuer: 'oidc.example/id/X',
    },
    owner,
    // The DBInstance object is still there; its instance in RDS may already be gone.
    related: { [DBINSTANCE_RELATED_KEY]: Object.fromEntries([dbi('gone', { users: { tok: ['iamAuth'] } })]) },
    children: {},
    finalizing: true,
    now: new Date(),
  } as unknown as DesiredInput<RoleSpec, RoleStatus>);
  t.same(d.databaseAccess, []);
});
