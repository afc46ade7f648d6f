/** Queue fixtures shared by the Queue tests. */
import { DEFAULT_HOOKS_CONFIG } from '../../hooks/core/config.js';
import { validateSpec } from '../../hooks/core/spec-validation.js';
import type { DesiredInput } from '../../hooks/core/kind.js';
import type { Owner, Parent } from '../../hooks/core/types.js';
import { QueueSpecSchema, type QueueSpec, type QueueStatus } from '../../schemas/queue.js';

/** The owner of the test Queue. */
export const queueOwner: Owner = { cluster: 'default', namespace: 'shop', name: 'orders', uid: 'uid-1', kind: 'Queue' };

/** The desired-state input of a Queue spec (schema defaults applied, as the core does). */
export function queueInput(spec: Record<string, unknown>, related: DesiredInput<QueueSpec, QueueStatus>['related'] = {}): DesiredInput<QueueSpec, QueueStatus> {
  const full = validateSpec<QueueSpec>(QueueSpecSchema, spec);
  const parent = {
    apiVersion: 'sqs.awshooks.dev/v1alpha1',
    kind: 'Queue',
    metadata: { name: 'orders', namespace: 'shop', uid: 'uid-1' },
    spec: full,
  } as Parent<QueueSpec, QueueStatus>;
  return { parent, spec: full, children: {}, related, config: DEFAULT_HOOKS_CONFIG, owner: queueOwner, finalizing: false, now: new Date() };
}
