/**
 * Pure: RDS DB instance identifiers as awshooks derives them, shared by the DBInstance kind (which
 * creates instances) and the Role kind (whose databaseAccess names a DBInstance of its namespace).
 */
import { digitEscapedNamespaceToken, scopedName, type NameScheme } from '../core/naming.js';

/** RDS DB instance identifiers: 1-63 characters. */
export const RDS_IDENTIFIER_MAX = 63;

/**
 * Bring any string within RDS identifier rules: lower-case letters, digits and hyphens, starting
 * with a letter, no `--`, no trailing `-`, at most `max` characters.
 */
export function sanitizeRdsIdentifier(raw: string, max = RDS_IDENTIFIER_MAX): string {
  let s = raw
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[^a-z]+/, '');
  if (s.length === 0) s = 'db';
  s = s.slice(0, max).replace(/-+$/, '');
  return s;
}

/** The reason an RDS identifier breaks the rules, or undefined when it is valid. */
export function rdsIdentifierProblem(id: string, max = RDS_IDENTIFIER_MAX): string | undefined {
  if (id.length < 1 || id.length > max) return `must be 1-${max} characters`;
  if (!/^[a-z]/.test(id)) return 'must start with a lower-case letter';
  if (!/^[a-z0-9-]+$/.test(id)) return 'may contain only lower-case letters, digits and hyphens';
  if (id.includes('--')) return 'must not contain two consecutive hyphens';
  if (id.endsWith('-')) return 'must not end with a hyphen';
  return undefined;
}

/**
 * How RDS writes identifiers: lower-case letters, digits and single hyphens only, so the
 * namespace token escapes with `0` (`team-a` → `team01a`, `shop` → `shop`), and an object name
 * with `.` or `--` (rewritten to single hyphens) gets a hash suffix.
 */
export const RDS_NAME_SCHEME: NameScheme = {
  maxLength: RDS_IDENTIFIER_MAX,
  namespaceToken: digitEscapedNamespaceToken,
  objectPart: (name) => {
    const text = name
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
      .replace(/-{2,}/g, '-')
      .replace(/-+$/, '');
    return { text, lossless: text === name };
  },
};

/**
 * The default instance identifier: `<prefix>-<namespace token>-<name>`, cut with a hash suffix
 * when longer than 63 characters (see core/naming.ts). Deterministic, and within RDS's rules.
 */
export function defaultInstanceIdentifier(prefix: string, namespace: string, name: string): string {
  const id = scopedName(prefix, namespace, name, RDS_NAME_SCHEME);
  // NAME_PREFIX is validated to start with a letter; this only guards a prefix that does not.
  return rdsIdentifierProblem(id) ? sanitizeRdsIdentifier(id) : id;
}
