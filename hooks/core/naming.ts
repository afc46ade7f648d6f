import { shortHash } from './hash.js';

/** How to derive an AWS resource name. */
export interface NameRules {
  /** Maximum length of the whole name, suffix included. */
  maxLength: number;
  /** Characters that may appear; every other character becomes `-`. */
  invalidChars: RegExp;
  /** Appended after truncation (for example `.fifo`); counts towards maxLength. */
  suffix?: string;
}

/**
 * Derive a deterministic AWS name from parts (prefix, namespace, name), within the service's
 * limits. When the name is too long it is cut and a short hash of the full name is appended,
 * so that two long names that share a beginning still get different AWS names.
 */
export function deriveName(parts: string[], rules: NameRules): string {
  const suffix = rules.suffix ?? '';
  const joined = parts
    .filter((p) => p.length > 0)
    .join('-')
    .replace(rules.invalidChars, '-');
  const budget = rules.maxLength - suffix.length;
  if (joined.length <= budget) return joined + suffix;
  const hash = shortHash(parts.join('/'), 8);
  const head = joined.slice(0, budget - hash.length - 1).replace(/-+$/, '');
  return `${head}-${hash}${suffix}`;
}
