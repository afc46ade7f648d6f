/** The input of a kind's `orphanCandidates` call, with status as untyped as Metacontroller sends it. */
import { DEFAULT_HOOKS_CONFIG, type HooksConfig } from '../../hooks/core/config.js';
import type { OrphanInput } from '../../hooks/core/kind.js';
import type { Owner } from '../../hooks/core/types.js';

/** The parent `team-a/orders` every table uses. */
export const ORPHAN_OWNER: Owner = { cluster: 'default', namespace: 'team-a', name: 'orders', uid: 'abcdef12-0000', kind: 'X' };

/** An orphanCandidates input for a raw spec, a raw status and the deletionPolicy as written. */
export function orphanInput(
  rawSpec: Record<string, unknown>,
  status?: Record<string, unknown>,
  deletionPolicy = 'Delete',
  config: HooksConfig = DEFAULT_HOOKS_CONFIG,
): OrphanInput<never> {
  return {
    parent: { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'orders', namespace: 'team-a' }, spec: rawSpec },
    rawSpec,
    status: status as never,
    config,
    owner: ORPHAN_OWNER,
    deletionPolicy,
  };
}
