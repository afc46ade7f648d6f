/** The labels every child carries, so `kubectl get -l` finds what awshooks manages and for whom. */
import t from 'tap';
import { childLabels } from '../../../../hooks/shared/child-labels.js';

t.test('managed-by, and the owning kind and parent', async (t) => {
  t.same(childLabels('Queue', 'orders'), {
    'app.kubernetes.io/managed-by': 'awshooks',
    'awshooks.dev/owner-kind': 'Queue',
    'awshooks.dev/owner-name': 'orders',
  });
  t.not(childLabels('Role', 'orders')['awshooks.dev/owner-kind'], childLabels('Queue', 'orders')['awshooks.dev/owner-kind'], 'two kinds, one name: told apart');
});
