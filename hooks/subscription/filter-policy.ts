/** Pure: SNS's limits on subscription filter policies, checked before any AWS call. */
import { InvalidSpecError } from '../core/errors.js';

/** SNS's limits (https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html). */
export const FILTER_POLICY_LIMITS = { maxKeys: 5, maxCombinations: 150, maxBytes: 256 * 1024 } as const;

/** What a filter policy (or one `$or` branch) adds up to. */
interface Shape {
  /** Leaf keys (keys whose value is a list of match values). */
  keys: Set<string>;
  /** The product of the lengths of the value lists (SNS's "total combination"). */
  combinations: number;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Walk a filter policy: every leaf is a non-empty list of match values (strings, numbers,
 * booleans, null or operator objects); nesting only in the MessageBody scope; `$or` is a list of
 * alternative policies, whose combinations add up (a key named in several branches counts once).
 */
function walk(node: Record<string, unknown>, path: string, keyPath: string, scope: 'MessageAttributes' | 'MessageBody', depth: number): Shape {
  const shape: Shape = { keys: new Set(), combinations: 1 };
  const entries = Object.entries(node);
  if (entries.length === 0) throw new InvalidSpecError(`${path}: an empty object matches nothing; leave it out instead`);
  for (const [key, value] of entries) {
    const at = `${path}.${key}`;
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isPlainObject)) {
        throw new InvalidSpecError(`${at}: must be a list of at least two alternative filter objects`);
      }
      let sum = 0;
      value.forEach((alt, i) => {
        const s = walk(alt, `${at}[${i}]`, keyPath, scope, depth);
        s.keys.forEach((k) => shape.keys.add(k));
        sum += s.combinations;
      });
      shape.combinations *= sum;
    } else if (Array.isArray(value)) {
      if (value.length === 0) throw new InvalidSpecError(`${at}: an empty list matches nothing`);
      for (const v of value) {
        if (!(v === null || ['string', 'number', 'boolean'].includes(typeof v) || isPlainObject(v))) {
          throw new InvalidSpecError(`${at}: match values are strings, numbers, booleans, null or operator objects`);
        }
      }
      shape.keys.add(`${keyPath}.${key}`);
      shape.combinations *= value.length;
    } else if (isPlainObject(value)) {
      if (scope === 'MessageAttributes') {
        throw new InvalidSpecError(`${at}: nested objects need filterPolicyScope: MessageBody (message attributes are flat)`);
      }
      if (depth >= 20) throw new InvalidSpecError(`${at}: nested too deeply`);
      const s = walk(value, at, `${keyPath}.${key}`, scope, depth + 1);
      s.keys.forEach((k) => shape.keys.add(k));
      shape.combinations *= s.combinations;
    } else {
      throw new InvalidSpecError(`${at}: must be a list of match values, e.g. ["${String(value)}"]`);
    }
  }
  return shape;
}

/**
 * Check a filter policy against SNS's rules: at most 5 keys, at most 150 value combinations,
 * at most 256 KiB, lists at the leaves, nesting only for MessageBody. @throws InvalidSpecError.
 */
export function checkFilterPolicy(policy: unknown, scope: 'MessageAttributes' | 'MessageBody', field = 'spec.filterPolicy'): void {
  if (!isPlainObject(policy)) throw new InvalidSpecError(`${field}: must be an object`);
  const bytes = Buffer.byteLength(JSON.stringify(policy), 'utf8');
  if (bytes > FILTER_POLICY_LIMITS.maxBytes) throw new InvalidSpecError(`${field}: ${bytes} bytes; SNS allows ${FILTER_POLICY_LIMITS.maxBytes}`);
  const shape = walk(policy, field, '', scope, 0);
  if (shape.keys.size > FILTER_POLICY_LIMITS.maxKeys) {
    throw new InvalidSpecError(`${field}: ${shape.keys.size} keys; SNS allows ${FILTER_POLICY_LIMITS.maxKeys}`);
  }
  if (shape.combinations > FILTER_POLICY_LIMITS.maxCombinations) {
    throw new InvalidSpecError(
      `${field}: ${shape.combinations} value combinations (the product of the list lengths); SNS allows ${FILTER_POLICY_LIMITS.maxCombinations}`,
    );
  }
}
