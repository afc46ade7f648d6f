/**
 * Role spec.databaseAccess against moto: a DBInstance's iamAuth user gets the least-privilege
 * `rds-db:connect` statement for the instance's resource ID (read in RDS, owner tags checked),
 * and nothing for an instance that is not the named DBInstance of the Role's namespace.
 */
import t from 'tap';
import pg from 'pg';
import { CreateDBInstanceCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { testApp } from '../../helpers/app.js';
import { DBInstanceDriver } from '../../helpers/dbinstance.js';
import { condition, serviceEnv } from '../../helpers/integration.js';
import { motoEndpoint, resetMoto } from '../../helpers/moto.js';
import type { KubeObject, ObjectMap, Parent, SyncResponse } from '../../../hooks/core/types.js';

const PG_URL = new URL(serviceEnv('TEST_PG_URL'));
const endpoint = motoEndpoint();
const rds = new RDSClient({ region: 'us-east-1', endpoint });
const iam = new IAMClient({ region: 'us-east-1', endpoint });
const ISSUER = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const SA = 'ServiceAccount.v1';
const ready = (a: SyncResponse) => condition(a, 'Ready');
const role = (name: string, databaseAccess: unknown[]): Parent => ({
  apiVersion: 'iam.awshooks.dev/v1alpha1',
  kind: 'Role',
  metadata: { name, namespace: 'team-a', uid: `uid-role-${name}`, generation: 1 },
  spec: { databaseAccess },
});
const relatedOf = (...dbis: Parent[]): ObjectMap => ({
  'DBInstance.rds.awshooks.dev/v1alpha1': Object.fromEntries(dbis.map((d) => [`team-a/${d.metadata.name}`, d as KubeObject])),
});

t.before(async () => {
  await resetMoto();
});
t.teardown(() => {
  rds.destroy();
  iam.destroy();
});

t.test('rds-db:connect for the DBInstance user, resource ID from RDS; drift check 3 + 1 calls', async (t) => {
  const admin = { user: decodeURIComponent(PG_URL.username), password: decodeURIComponent(PG_URL.password) };
  const c = new pg.Client({ connectionString: PG_URL.toString() });
  await c.connect();
  await c.query(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rds_iam') THEN CREATE ROLE rds_iam; END IF; END $$`);
  t.teardown(async () => {
    await c.query('DROP ROLE IF EXISTS "reader_tok"');
    await c.end();
  });
  const app = await testApp({
    oidcProviderArn: `arn:aws:iam::123456789012:oidc-provider/${ISSUER}`,
    oidcIssuer: ISSUER,
    rdsEndpointMap: { '*': `${PG_URL.hostname}:${PG_URL.port}` },
  });
  t.teardown(() => app.close());
  const d = new DBInstanceDriver(app, 'reports', { masterUsername: admin.user, users: { reader_tok: ['iamAuth'], app: [] } });
  await d.bringUp(admin.password);
  t.equal(ready(await d.sync())?.status, 'True');
  const instance = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'awshooks-team01a-reports' }))).DBInstances![0]!;

  const r = role('reporter', [{ dbInstanceRef: 'reports', user: 'reader_tok' }]);
  const created = await app.sync('roles', { parent: r, children: { [SA]: {} }, related: relatedOf(d.parent) });
  t.equal(ready(created)?.status, 'True', ready(created)?.message ?? '');
  t.ok((created.status.inlinePolicyNames as string[]).includes('awshooks-database-access'));
  const doc = JSON.parse(
    decodeURIComponent(
      (await iam.send(new GetRolePolicyCommand({ RoleName: String(created.status.roleName), PolicyName: 'awshooks-database-access' }))).PolicyDocument!,
    ),
  ) as unknown;
  t.same(doc, {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'RdsDbConnect',
        Effect: 'Allow',
        Action: 'rds-db:connect',
        Resource: [`arn:aws:rds-db:us-east-1:123456789012:dbuser:${instance.DbiResourceId!}/reader_tok`],
      },
    ],
  });

  const parent = { ...r, status: created.status };
  const before = await app.awsCalls();
  const steady = await app.sync('roles', { parent, children: { [SA]: {} }, related: relatedOf(d.parent) });
  t.equal((await app.awsCalls()) - before, 0, 'converged: zero AWS calls');
  app.clock.advance(601);
  const drift0 = await app.awsCalls();
  const drift = await app.sync('roles', { parent: { ...r, status: steady.status }, children: { [SA]: {} }, related: relatedOf(d.parent) });
  t.equal(ready(drift)?.status, 'True');
  t.equal((await app.awsCalls()) - drift0, 4, 'drift check: GetRole, ListAttachedRolePolicies, ListRolePolicies + DescribeDBInstances');

  // A user that is not an iamAuth user: InvalidSpec, no AWS call.
  const bad = role('bad', [{ dbInstanceRef: 'reports', user: 'app' }]);
  const b0 = await app.awsCalls();
  const invalid = await app.sync('roles', { parent: bad, children: { [SA]: {} }, related: relatedOf(d.parent) });
  t.equal(ready(invalid)?.reason, 'InvalidSpec');
  t.match(ready(invalid)?.message, /"app" is not an iamAuth user of DBInstance "reports"/);
  t.equal((await app.awsCalls()) - b0, 0);

  // A DBInstance not seen yet: waits.
  const early = await app.sync('roles', { parent: role('early', [{ dbInstanceRef: 'later', user: 'x' }]), children: { [SA]: {} }, related: relatedOf() });
  t.equal(ready(early)?.reason, 'DependencyNotReady');
});

t.test("an instance whose owner tags name another namespace's DBInstance gets no statement", async (t) => {
  const app = await testApp({ oidcProviderArn: `arn:aws:iam::123456789012:oidc-provider/${ISSUER}`, oidcIssuer: ISSUER });
  t.teardown(() => app.close());
  // The identifier team-a's DBInstance "theirs" would have, but tagged for team-b (made outside awshooks).
  await rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: 'awshooks-team01a-theirs',
      Engine: 'postgres',
      DBInstanceClass: 'db.t3.micro',
      AllocatedStorage: 10,
      MasterUsername: 'm',
      MasterUserPassword: 'Password-123456',
      Tags: [
        { Key: 'awshooks.dev/cluster', Value: 'default' },
        { Key: 'awshooks.dev/namespace', Value: 'team-b' },
        { Key: 'awshooks.dev/name', Value: 'theirs' },
        { Key: 'awshooks.dev/kind', Value: 'DBInstance' },
      ],
    }),
  );
  const fakeDbi: Parent = {
    apiVersion: 'rds.awshooks.dev/v1alpha1',
    kind: 'DBInstance',
    metadata: { name: 'theirs', namespace: 'team-a', uid: 'uid-theirs', generation: 1 },
    spec: { users: { tok: ['iamAuth'] } },
  };
  const answer = await app.sync('roles', {
    parent: role('thief', [{ dbInstanceRef: 'theirs', user: 'tok' }]),
    children: { [SA]: {} },
    related: relatedOf(fakeDbi),
  });
  t.equal(ready(answer)?.reason, 'NameNotAllowed');
  t.match(ready(answer)?.message, /its owner tags say otherwise/);
  t.notOk(answer.status.roleArn, 'no role created');
});
