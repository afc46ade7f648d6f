import { shortHash } from './hash.js';

/** How to derive an AWS resource name (the pre-namespace-token scheme, kept for migration). */
export interface NameRules {
  /** Maximum length of the whole name, suffix included. */
  maxLength: number;
  /** Characters that may appear; every other character becomes `-`. */
  invalidChars: RegExp;
  /** Appended after truncation (for example `.fifo`); counts towards maxLength. */
  suffix?: string;
}

/**
 * The legacy derivation, `<prefix>-<namespace>-<name>` cut with a hash suffix. It is ambiguous
 * (`dev-x/app` and `dev/x-app` give the same name), so it only names resources created before
 * {@link scopedName} existed: see each kind's `legacy…Name` and the README's migration note.
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

/**
 * How one AWS service writes the names awshooks derives (DESIGN.md §3.3). The namespace is
 * written as a *token without `-`*, so the first `-` after `<prefix>-<token>` ends it: the names
 * of two namespaces never share the beginning `<prefix>-<token>-`, whatever the object names.
 */
export interface NameScheme {
  /** Maximum length of the whole name, suffix included. */
  maxLength: number;
  /** Appended after everything (for example `.fifo`); counts towards maxLength. */
  suffix?: string;
  /** The namespace as written in names: injective, and never containing `-`. */
  namespaceToken(namespace: string): string;
  /** An object name as written in names; `lossless: false` when two names could be written alike. */
  objectPart(name: string): { text: string; lossless: boolean };
}

/** Hash suffix lengths: 8 hex characters when only the object part was cut or rewritten, 16 when the namespace token was. */
const SHORT_HASH = 8;
const LONG_HASH = 16;

/** The beginning every name of a namespace has: `<prefix>-<namespace token>-`. */
export function namespaceNamePrefix(prefix: string, namespace: string, scheme: NameScheme): string {
  return `${prefix}-${scheme.namespaceToken(namespace)}-`;
}

/**
 * The AWS name of an object: `<prefix>-<namespace token>-<object part>`. When that is too long,
 * or the object part is not lossless, it is cut and a hash of `<prefix>/<namespace>/<name>` is
 * appended: 8 hex characters while the namespace token is still whole (a collision is then only
 * possible between two objects of the same namespace), 16 when the token itself was cut (so that
 * no object name can be searched for that makes another namespace's name).
 */
export function scopedName(prefix: string, namespace: string, name: string, scheme: NameScheme): string {
  const head = namespaceNamePrefix(prefix, namespace, scheme);
  const object = scheme.objectPart(name);
  const full = head + object.text;
  const suffix = scheme.suffix ?? '';
  const budget = scheme.maxLength - suffix.length;
  if (object.lossless && full.length <= budget) return full + suffix;
  let hashLength = SHORT_HASH;
  let keep = budget - 1 - hashLength;
  // The visible part must keep `<prefix>-<token>` whole for the short hash to be enough.
  if (keep < head.length - 1) {
    hashLength = LONG_HASH;
    keep = budget - 1 - hashLength;
  }
  const hash = shortHash(`${prefix}/${namespace}/${name}`, hashLength);
  const visible = full.slice(0, keep).replace(/[-_]+$/, '');
  return `${visible}-${hash}${suffix}`;
}

/** True when `awsName` lies in the namespace's own names: it starts with `<prefix>-<token>-` and has more after it. */
export function inNamespaceNames(awsName: string, prefix: string, namespace: string, scheme: NameScheme): boolean {
  const head = namespaceNamePrefix(prefix, namespace, scheme);
  return awsName.startsWith(head) && awsName.length > head.length;
}

/**
 * SQS and IAM names allow `_`, which no Kubernetes namespace or name contains: the namespace
 * token is the namespace with `-` written `_` (`team-a` → `team_a`, `shop` → `shop`).
 */
export function underscoreNamespaceToken(namespace: string): string {
  return namespace.replace(/[^a-z0-9]/g, '_');
}

/**
 * RDS identifiers allow only lower-case letters, digits and single hyphens: the namespace token
 * escapes with `0` (`0` → `00`, `-` → `01`), so `team-a` → `team01a` and `shop` → `shop`.
 */
export function digitEscapedNamespaceToken(namespace: string): string {
  return namespace.replace(/0/g, '00').replace(/[^a-z0-9]/g, '01');
}
