/**
 * User tags: checked against the owner tags awshooks reserves, and AWS's `[{Key, Value}]` tag
 * lists (IAM, RDS, and most services) as plain maps.
 */
import { InvalidSpecError } from '../core/errors.js';
import { RESERVED_TAG_PREFIX } from '../core/ownership.js';

/**
 * The tag character set IAM, RDS and SQS all accept: Unicode letters, digits, white space and
 * `_ . : / = + - @`. NOTE: each service documents it slightly differently; this is the common
 * ground, so a tag accepted here is accepted by every kind's service.
 */
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
/** AWS's tag limits, counted in characters. */
const TAG_KEY_MAX = 128;
const TAG_VALUE_MAX = 256;

/**
 * The one check of user tags every kind runs before any AWS call: keys of 1-128 and values of
 * at most 256 characters from AWS's tag character set, no `aws:` key (reserved by AWS), and no key
 * under `awshooks.dev/` (our owner tags, which say who owns the resource).
 * @throws InvalidSpecError naming the tag.
 */
export function validateUserTags(tags: Record<string, string> | undefined, field = 'spec.tags'): Record<string, string> {
  const out = { ...(tags ?? {}) };
  for (const [key, value] of Object.entries(out)) {
    const shown = JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key);
    if (/^awshooks\.dev\//i.test(key) || key.startsWith(RESERVED_TAG_PREFIX))
      throw new InvalidSpecError(`${field}: key ${shown} is reserved for awshooks owner tags`);
    if (/^aws:/i.test(key)) throw new InvalidSpecError(`${field}: key ${shown} is reserved by AWS (the aws: prefix)`);
    const keyLength = Array.from(key).length; // Unicode characters, as AWS counts them
    if (keyLength === 0 || keyLength > TAG_KEY_MAX) throw new InvalidSpecError(`${field}: key ${shown} must be 1-${TAG_KEY_MAX} characters`);
    if (!TAG_CHARS.test(key)) throw new InvalidSpecError(`${field}: key ${shown} may contain only letters, digits, spaces and _ . : / = + - @`);
    if (typeof value !== 'string') throw new InvalidSpecError(`${field}.${key}: must be a string`);
    if (Array.from(value).length > TAG_VALUE_MAX) throw new InvalidSpecError(`${field}.${key}: the value must be at most ${TAG_VALUE_MAX} characters`);
    if (!TAG_CHARS.test(value)) throw new InvalidSpecError(`${field}.${key}: the value may contain only letters, digits, spaces and _ . : / = + - @`);
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
