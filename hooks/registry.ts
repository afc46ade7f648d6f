/** Every kind the service serves, by plural (the hook routes are /hooks/<plural>/...). */
import type { AnyKind } from './core/kind.js';
import { queueKind } from './queue/index.js';
import { policyKind } from './policy/index.js';
import { roleKind } from './role/index.js';
import { dbInstanceKind } from './dbinstance/index.js';
import { tableKind } from './table/index.js';
import { bucketKind } from './bucket/index.js';
import { repositoryKind } from './repository/index.js';
import { topicKind } from './topic/index.js';
import { subscriptionKind } from './subscription/index.js';

/** All kinds, in the order their routes and manifests are generated. */
export const KINDS: AnyKind[] = [queueKind, policyKind, roleKind, dbInstanceKind, tableKind, bucketKind, repositoryKind, topicKind, subscriptionKind];

/** Look a kind up by its plural. */
export function kindByPlural(plural: string): AnyKind | undefined {
  return KINDS.find((k) => k.names.plural === plural);
}
