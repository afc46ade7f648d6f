/**
 * IAM policy documents compared by meaning (DESIGN.md §2): statement order, a one-element
 * array vs a bare string, key order, duplicate values and number-vs-string do not count as
 * differences. Used by SQS queue policies and the IAM kinds.
 */
import { stableStringify } from '../core/hash.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Keys whose values IAM treats as sets of strings. */
const SET_KEYS = new Set(['Action', 'NotAction', 'Resource', 'NotResource']);

function asStringSet(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return [...new Set(list.filter((v) => v !== undefined && v !== null).map((v) => String(v)))].sort();
}

function normalizePrincipal(value: unknown): Json {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) out[k] = asStringSet(v);
    return out;
  }
  return value as Json;
}

function normalizeCondition(value: unknown): Json {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value as Json;
  const out: Record<string, Json> = {};
  for (const [operator, block] of Object.entries(value as Record<string, unknown>)) {
    if (!block || typeof block !== 'object' || Array.isArray(block)) {
      out[operator] = block as Json;
      continue;
    }
    const keys: Record<string, Json> = {};
    for (const [key, v] of Object.entries(block)) keys[key] = asStringSet(v);
    out[operator] = keys;
  }
  return out;
}

function normalizeStatement(statement: unknown): Json {
  if (!statement || typeof statement !== 'object' || Array.isArray(statement)) return statement as Json;
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(statement)) {
    if (value === undefined) continue;
    if (SET_KEYS.has(key)) out[key] = asStringSet(value);
    else if (key === 'Principal' || key === 'NotPrincipal') out[key] = normalizePrincipal(value);
    else if (key === 'Condition') out[key] = normalizeCondition(value);
    else out[key] = value as Json;
  }
  return out;
}

/** The canonical form of a policy document. */
export function normalizePolicyDocument(document: unknown): Json {
  if (!document || typeof document !== 'object' || Array.isArray(document)) return document as Json;
  const doc = document as Record<string, unknown>;
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(doc)) {
    if (key === 'Statement') {
      const statements = (Array.isArray(value) ? value : [value]).map(normalizeStatement);
      out.Statement = statements.sort((a, b) => stableStringify(a).localeCompare(stableStringify(b)));
    } else if (value !== undefined) {
      out[key] = value as Json;
    }
  }
  return out;
}

/**
 * Parse a policy document as AWS returns it: JSON, sometimes URL-encoded (IAM returns
 * documents percent-encoded). Returns undefined for an empty or unparsable document.
 */
export function parsePolicyDocument(text: string | undefined): unknown {
  if (text === undefined || text.trim() === '') return undefined;
  const attempts = [text];
  // NOTE: IAM's GetRole/GetPolicyVersion return RFC 3986-encoded JSON; SQS returns plain JSON.
  if (/%[0-9A-Fa-f]{2}/.test(text)) {
    try {
      attempts.unshift(decodeURIComponent(text));
    } catch {
      /* not encoded after all */
    }
  }
  for (const candidate of attempts) {
    try {
      return JSON.parse(candidate);
    } catch {
      /* try the next form */
    }
  }
  return undefined;
}

/** True when two policy documents mean the same thing. */
export function samePolicyDocument(a: unknown, b: unknown): boolean {
  return stableStringify(normalizePolicyDocument(a)) === stableStringify(normalizePolicyDocument(b));
}
