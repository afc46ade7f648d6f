import type { Owner } from './types.js';

/** Tag keys that record who owns an AWS resource (DESIGN.md §3.3). */
export const OWNER_TAGS = {
  cluster: 'awshooks.dev/cluster',
  namespace: 'awshooks.dev/namespace',
  name: 'awshooks.dev/name',
  uid: 'awshooks.dev/uid',
  kind: 'awshooks.dev/kind',
} as const;

/** Tag key prefix reserved for awshooks; users may not set tags under it. */
export const RESERVED_TAG_PREFIX = 'awshooks.dev/';

/** The owner tags for a parent. */
export function ownerTags(owner: Owner): Record<string, string> {
  return {
    [OWNER_TAGS.cluster]: owner.cluster,
    [OWNER_TAGS.namespace]: owner.namespace,
    [OWNER_TAGS.name]: owner.name,
    [OWNER_TAGS.uid]: owner.uid,
    [OWNER_TAGS.kind]: owner.kind,
  };
}

/**
 * Who owns a resource, judged by its tags:
 * - `ours`: cluster, namespace, name and kind tags name this parent (the uid may differ: a parent
 *   deleted with `Retain` and created again under the same name is the same owner);
 * - `unowned`: no owner tags at all (adoptable with `adopt: true`);
 * - `foreign`: owner tags that name someone else. Never modified, never deleted.
 */
export function ownership(tags: Record<string, string> | undefined, owner: Owner): 'ours' | 'unowned' | 'foreign' {
  const t = tags ?? {};
  const present = Object.values(OWNER_TAGS).some((k) => t[k] !== undefined);
  if (!present) return 'unowned';
  const same =
    t[OWNER_TAGS.cluster] === owner.cluster &&
    t[OWNER_TAGS.namespace] === owner.namespace &&
    t[OWNER_TAGS.name] === owner.name &&
    (t[OWNER_TAGS.kind] === undefined || t[OWNER_TAGS.kind] === owner.kind);
  return same ? 'ours' : 'foreign';
}

/** A human description of the owner a resource's tags name, for Conflict messages. */
export function describeOwner(tags: Record<string, string> | undefined): string {
  const t = tags ?? {};
  return `${t[OWNER_TAGS.kind] ?? '?'} ${t[OWNER_TAGS.namespace] ?? '?'}/${t[OWNER_TAGS.name] ?? '?'} in cluster ${t[OWNER_TAGS.cluster] ?? '?'}`;
}

/**
 * Tags to add or change and keys to remove. Only keys we manage are ever removed:
 * `managedKeys` are the user tag keys we applied before (from status); tags set by anyone else
 * are left alone.
 */
export function tagDelta(
  desired: Record<string, string>,
  observed: Record<string, string>,
  previouslyManagedKeys: readonly string[],
): { toAdd: Record<string, string>; toRemove: string[] } {
  const toAdd: Record<string, string> = {};
  for (const [k, v] of Object.entries(desired)) if (observed[k] !== v) toAdd[k] = v;
  const toRemove = previouslyManagedKeys.filter((k) => !(k in desired) && k in observed).sort();
  return { toAdd, toRemove };
}
