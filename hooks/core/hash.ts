import { createHash, hash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth, so equal values hash equally: one native
 * `JSON.stringify` pass whose replacer reorders only objects whose keys are out of order (no
 * sorted deep copy of the whole value first; issue 10). Same text as `JSON.stringify` of a
 * key-sorted copy.
 */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, sortedKeys);
}

function sortedKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  let sorted = true;
  for (let i = 1; i < keys.length; i++) {
    if ((keys[i - 1] ?? '') > (keys[i] ?? '')) {
      sorted = false;
      break;
    }
  }
  if (sorted) return value;
  keys.sort();
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = (value as Record<string, unknown>)[k];
  return out;
}

/** A short hex SHA-256 of a string. */
export function shortHash(input: string, length = 8): string {
  // NOTE: crypto.hash (Node ≥ 21.7) is the one-shot form: no Hash object per call. The hex is
  // made from the bytes needed only: a slice of the full hex string would keep all 64 characters
  // alive behind each stored hash (V8 slices strings of 13 characters or more).
  const digest = typeof hash === 'function' ? hash('sha256', input, 'buffer') : createHash('sha256').update(input).digest();
  const hex = digest.toString('hex', 0, Math.ceil(length / 2));
  return hex.length === length ? hex : hex.slice(0, length);
}

/** A hex SHA-256 of any JSON value, key order ignored. */
export function hashOf(value: unknown, length = 16): string {
  return shortHash(stableStringify(value), length);
}
