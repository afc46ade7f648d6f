/** A DBInstance's AWS states: readiness and reasons. */
import t from 'tap';
import { instanceReadiness, reasonOf } from '../../../../hooks/dbinstance/state.js';

t.test('AWS status state machine', async (t) => {
  const cases: [string | undefined, boolean, string?, number?, boolean?][] = [
    ['available', true],
    ['creating', false, 'Creating', 30],
    ['modifying', false, 'Modifying', 30],
    ['backing-up', false, 'BackingUp', 30],
    ['configuring-enhanced-monitoring', false, 'ConfiguringEnhancedMonitoring', 30],
    ['upgrading', false, 'Upgrading', 30],
    ['rebooting', false, 'Rebooting', 30],
    ['renaming', false, 'Renaming', 30],
    ['resetting-master-credentials', false, 'ResettingMasterCredentials', 30],
    ['starting', false, 'Starting', 30],
    ['storage-optimization', false, 'StorageOptimization', 30],
    ['maintenance', false, 'Maintenance', 30],
    ['deleting', false, 'Deleting', 30],
    ['failed', false, 'Failed', 300],
    ['incompatible-parameters', false, 'IncompatibleParameters', 300],
    ['incompatible-network', false, 'IncompatibleNetwork', 300],
    ['inaccessible-encryption-credentials', false, 'InaccessibleEncryptionCredentials', 300],
    ['storage-full', false, 'StorageFull', 300, true],
    ['stopped', false, 'Stopped', 300],
    ['something-new', false, 'SomethingNew', 60],
    [undefined, false, 'Unknown', 60],
  ];
  for (const [status, ready, reason, requeue, acceptsUpdates] of cases) {
    const r = instanceReadiness(status);
    t.equal(r.ready, ready, `${status} ready`);
    if (!r.ready) {
      t.equal(r.reason, reason, `${status} reason`);
      t.equal(r.requeueSeconds, requeue, `${status} requeue`);
      t.equal(r.acceptsUpdates ?? false, acceptsUpdates ?? false, `${status} accepts updates`);
    }
  }
  t.match((instanceReadiness('storage-full') as { message: string }).message, /raise spec.storageGB/);
  t.equal(reasonOf('a--b'), 'AB');
});
