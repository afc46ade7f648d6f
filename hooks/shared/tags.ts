/**
 * User tags: checked against the owner tags awshooks reserves, and AWS's `[{Key, Value}]` tag
 * lists (IAM, RDS, and most services) as plain maps.
 */
import { InvalidSpecError } from '../core/errors.js';
import { RESERVED_TAG_PREFIX } from '../core/ownership.js';

/** Check user tags: no reserved keys, keys of 1-128 characters. @throws InvalidSpecError naming the key. */
export function validateUserTags(tags: Record<string, string> | undefined, field = 'spec.tags'): Record<string, string> {
  const out = { ...(tags ?? {}) };
  for (const key of Object.keys(out)) {
    if (key.startsWith(RESERVED_TAG_PREFIX)) throw new InvalidSpecError(`${field}: key "${key}" is reserved for awshooks owner tags`);
    if (key.length === 0 || key.length > 128) throw new InvalidSpecError(`${field}: key "${key}" must be 1-128 characters`);
  }
  return out;
}

/** A tag as the SDKs of IAM, RDS and most services have it. */
export interface AwsTag {
  Key?: string | undefined;
  Value?: string | undefined;
}

/** `[{Key, Value}]` as a map. */
export function tagsFromList(list: readonly AwsTag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of list ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

/** A map as `[{Key, Value}]`, sorted by key (deterministic requests). */
export function tagsToList(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.entries(tags)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([Key, Value]) => ({ Key, Value }));
}

/** A copy of a tag map without `keys` (what an untag call leaves). */
export function withoutKeys(tags: Record<string, string>, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([key]) => !keys.includes(key)));
}
