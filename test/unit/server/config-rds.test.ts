/** The DBInstance kind's settings in the service configuration. */
import t from 'tap';
import { loadConfig } from '../../../server/config.js';

t.test('RDS_RESTORE_ALLOWED_SNAPSHOTS: snapshot identifier patterns, none by default', async (t) => {
  const none = loadConfig({ HOOK_AUTH_DISABLED: 'true' });
  t.same(none.hooks.rdsRestoreAllowedSnapshots, [], "no snapshot outside a namespace's own unless the administrator says so");
  const c = loadConfig({ HOOK_AUTH_DISABLED: 'true', RDS_RESTORE_ALLOWED_SNAPSHOTS: 'golden-*, shared-base' });
  t.same(c.hooks.rdsRestoreAllowedSnapshots, ['golden-*', 'shared-base']);
});
