/**
 * The optional RDS settings against moto: each is sent at creation, round-trips, and a drift check
 * puts it back after a change made outside awshooks.
 * NOTE: moto ignores Performance Insights (it always reports it unset): only `enabled: false` is
 * checked here; turning it on is covered by the unit tables.
 */
import t from 'tap';
import { DescribeDBInstancesCommand, ModifyDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { testApp } from '../../helpers/app.js';
import { DBInstanceDriver } from '../../helpers/dbinstance.js';
import { condition, serviceEnv } from '../../helpers/integration.js';
import { motoEndpoint, resetMoto } from '../../helpers/moto.js';

const PG_URL = new URL(serviceEnv('TEST_PG_URL'));
const rds = new RDSClient({ region: 'us-east-1', endpoint: motoEndpoint() });
const ID = 'awshooks-team01a-tuned';

t.before(async () => {
  await resetMoto();
});
t.teardown(() => {
  rds.destroy();
});

const describe = async () => (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: ID }))).DBInstances![0]!;

t.test('maxAllocatedStorage, windows, log exports, CA, deletion protection: round-trip and drift repair', async (t) => {
  const app = await testApp({ rdsEndpointMap: { '*': `${PG_URL.hostname}:${PG_URL.port}` }, driftCheckIntervalSeconds: 300 });
  t.teardown(() => app.close());
  const spec = {
    masterUsername: decodeURIComponent(PG_URL.username),
    backup: { every: 'off' },
    maxAllocatedStorage: 50,
    preferredBackupWindow: '03:00-03:30',
    preferredMaintenanceWindow: 'sun:05:00-sun:05:30',
    enableCloudwatchLogsExports: ['postgresql', 'upgrade'],
    performanceInsights: { enabled: false },
    caCertificateIdentifier: 'rds-ca-rsa2048-g1',
    deletionProtection: true,
  };
  const d = new DBInstanceDriver(app, 'tuned', spec);
  const up = await d.bringUp(decodeURIComponent(PG_URL.password));
  t.equal(condition(up, 'Ready')?.status, 'True', condition(up, 'Ready')?.message ?? '');
  const want = {
    MaxAllocatedStorage: 50,
    PreferredBackupWindow: '03:00-03:30',
    PreferredMaintenanceWindow: 'sun:05:00-sun:05:30',
    EnabledCloudwatchLogsExports: ['postgresql', 'upgrade'],
    CACertificateIdentifier: 'rds-ca-rsa2048-g1',
    DeletionProtection: true,
  };
  t.match(await describe(), want, 'created with every setting');
  t.equal((await d.counted()).calls, 0, 'converged: zero calls (every setting compares equal)');

  // Changed outside awshooks.
  await rds.send(
    new ModifyDBInstanceCommand({
      DBInstanceIdentifier: ID,
      MaxAllocatedStorage: 80,
      PreferredBackupWindow: '07:00-07:30',
      PreferredMaintenanceWindow: 'mon:09:00-mon:09:30',
      CloudwatchLogsExportConfiguration: { DisableLogTypes: ['upgrade'] },
      CACertificateIdentifier: 'rds-ca-ecc384-g1',
      DeletionProtection: false,
      ApplyImmediately: true,
    }),
  );
  app.clock.advance(301);
  const drift = await d.counted();
  t.equal(drift.calls, 2, 'drift check: DescribeDBInstances + one ModifyDBInstance with every drifted field');
  t.match(await describe(), want, 'every setting put back');
  app.clock.advance(301);
  t.equal((await d.counted()).calls, 1, 'next drift check: nothing to repair');

  // A spec change of one field writes only that field.
  d.setSpec({ ...spec, enableCloudwatchLogsExports: ['postgresql'], deletionProtection: false });
  const changed = await d.counted();
  t.equal(changed.calls, 2);
  t.match(await describe(), { EnabledCloudwatchLogsExports: ['postgresql'], DeletionProtection: false });

  d.setSpec({ ...spec, maxAllocatedStorage: 5 });
  const bad = await d.counted();
  t.equal(condition(bad.answer, 'Ready')?.reason, 'InvalidSpec');
  t.match(condition(bad.answer, 'Ready')?.message, /spec\.maxAllocatedStorage: 5 must be above storageGB/);
  t.equal(bad.calls, 0);
});
