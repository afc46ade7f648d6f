/**
 * One validation of IAM policy documents for every kind (DESIGN.md §3.5): identity-based
 * documents (Policy, Role inline policies) and resource-based ones (a Queue's access policy).
 * Everything AWS would refuse, or read differently than the user meant, is an InvalidSpec naming
 * the field — before any AWS call. Inputs are bounded in depth and size by spec validation first,
 * so nothing here can recurse without end.
 */
import { InvalidSpecError } from '../core/errors.js';

/** Which grammar a document follows. */
export type PolicyKind = 'identity' | 'resource';

/** Options of {@link validatePolicyDocument}. */
export interface PolicyValidationOptions {
  kind: PolicyKind;
  /** The size limit AWS applies (JSON without whitespace), when there is one. */
  maxChars?: number;
  /** The most statements accepted. */
  maxStatements?: number;
}

const VERSIONS = new Set(['2012-10-17', '2008-10-17']);
const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
const PRINCIPAL_KEYS = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);
/** Sids of identity policies: letters and digits (IAM); resource policies accept any string. */
const IDENTITY_SID = /^[A-Za-z0-9]*$/;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const describe = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`.slice(0, 60);

/** The size IAM counts: the JSON text without whitespace outside strings. */
export function policyDocumentSize(document: unknown): number {
  return JSON.stringify(document).length;
}

/** A string, or a non-empty list of non-empty strings (Action, Resource, principal values). */
function checkStringOrList(value: unknown, at: string): void {
  if (typeof value === 'string') {
    if (value === '') throw new InvalidSpecError(`${at}: must not be empty`);
    return;
  }
  if (!Array.isArray(value) || value.length === 0) throw new InvalidSpecError(`${at}: must be a string or a non-empty list of strings, not ${describe(value)}`);
  value.forEach((v, i) => {
    if (typeof v !== 'string' || v === '') throw new InvalidSpecError(`${at}[${i}]: must be a non-empty string, not ${describe(v)}`);
  });
}

function checkPrincipal(value: unknown, at: string): void {
  if (value === '*') return;
  if (!isObject(value) || Object.keys(value).length === 0)
    throw new InvalidSpecError(`${at}: must be "*" or an object of AWS, Service, Federated or CanonicalUser`);
  for (const [key, v] of Object.entries(value)) {
    if (!PRINCIPAL_KEYS.has(key)) throw new InvalidSpecError(`${at}.${key}: unknown principal type (AWS, Service, Federated or CanonicalUser)`);
    checkStringOrList(v, `${at}.${key}`);
  }
}

function checkCondition(value: unknown, at: string): void {
  if (!isObject(value)) throw new InvalidSpecError(`${at}: must be an object (operator → condition key → value)`);
  for (const [operator, block] of Object.entries(value)) {
    if (!isObject(block)) throw new InvalidSpecError(`${at}.${operator}: must be an object (condition key → value)`);
    for (const [key, v] of Object.entries(block)) {
      const values = Array.isArray(v) ? v : [v];
      if (values.length === 0) throw new InvalidSpecError(`${at}.${operator}.${key}: must not be an empty list`);
      values.forEach((x) => {
        if (!['string', 'number', 'boolean'].includes(typeof x)) {
          throw new InvalidSpecError(`${at}.${operator}.${key}: values must be strings, numbers or booleans, not ${describe(x)}`);
        }
      });
    }
  }
}

function checkStatement(statement: unknown, at: string, kind: PolicyKind): void {
  if (!isObject(statement)) throw new InvalidSpecError(`${at}: must be an object, not ${describe(statement)}`);
  for (const key of Object.keys(statement)) {
    if (!STATEMENT_KEYS.has(key)) throw new InvalidSpecError(`${at}: unknown field "${key}"`);
  }
  const s = statement;
  if (s.Sid !== undefined && (typeof s.Sid !== 'string' || (kind === 'identity' && !IDENTITY_SID.test(s.Sid)))) {
    throw new InvalidSpecError(`${at}.Sid: must be a string${kind === 'identity' ? ' of letters and digits' : ''}`);
  }
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw new InvalidSpecError(`${at}.Effect: must be "Allow" or "Deny", not ${describe(s.Effect)}`);
  const hasPrincipal = s.Principal !== undefined;
  const hasNotPrincipal = s.NotPrincipal !== undefined;
  if (kind === 'identity' && (hasPrincipal || hasNotPrincipal)) {
    throw new InvalidSpecError(`${at}: an identity-based policy has no Principal or NotPrincipal`);
  }
  if (kind === 'resource' && hasPrincipal === hasNotPrincipal) throw new InvalidSpecError(`${at}: set exactly one of Principal and NotPrincipal`);
  if (hasPrincipal) checkPrincipal(s.Principal, `${at}.Principal`);
  if (hasNotPrincipal) checkPrincipal(s.NotPrincipal, `${at}.NotPrincipal`);
  if ((s.Action === undefined) === (s.NotAction === undefined)) throw new InvalidSpecError(`${at}: set exactly one of Action and NotAction`);
  if (s.Action !== undefined) checkStringOrList(s.Action, `${at}.Action`);
  if (s.NotAction !== undefined) checkStringOrList(s.NotAction, `${at}.NotAction`);
  const hasResource = s.Resource !== undefined;
  const hasNotResource = s.NotResource !== undefined;
  if (hasResource && hasNotResource) throw new InvalidSpecError(`${at}: set only one of Resource and NotResource`);
  if (kind === 'identity' && !hasResource && !hasNotResource) throw new InvalidSpecError(`${at}: set exactly one of Resource and NotResource`);
  if (hasResource) checkStringOrList(s.Resource, `${at}.Resource`);
  if (hasNotResource) checkStringOrList(s.NotResource, `${at}.NotResource`);
  if (s.Condition !== undefined) checkCondition(s.Condition, `${at}.Condition`);
}

/**
 * Validate a policy document: the fields and shapes of the IAM policy grammar (Version, Id,
 * Statement as a list or one object; Effect Allow/Deny; Action/Resource as a string or a
 * non-empty list of strings, exactly one of each pair; Principal only in resource policies;
 * Condition operator → key → values), unique Sids in identity policies, and AWS's size limit.
 * @throws InvalidSpecError naming the field.
 */
export function validatePolicyDocument(document: unknown, field: string, options: PolicyValidationOptions): void {
  if (!isObject(document)) throw new InvalidSpecError(`${field}: must be a policy document object, not ${describe(document)}`);
  for (const key of Object.keys(document)) {
    if (key !== 'Version' && key !== 'Id' && key !== 'Statement') throw new InvalidSpecError(`${field}: unknown field "${key}" (Version, Id, Statement)`);
  }
  if (document.Version !== undefined && (typeof document.Version !== 'string' || !VERSIONS.has(document.Version))) {
    throw new InvalidSpecError(`${field}.Version: must be "2012-10-17" or "2008-10-17"`);
  }
  if (document.Id !== undefined && typeof document.Id !== 'string') throw new InvalidSpecError(`${field}.Id: must be a string`);
  const raw = document.Statement;
  if (raw === undefined) throw new InvalidSpecError(`${field}.Statement: required`);
  // NOTE: IAM's grammar accepts one statement object in place of the list.
  const statements = Array.isArray(raw) ? raw : isObject(raw) ? [raw] : undefined;
  if (!statements) throw new InvalidSpecError(`${field}.Statement: must be a list of statements or one statement object, not ${describe(raw)}`);
  if (statements.length === 0) throw new InvalidSpecError(`${field}.Statement: must not be empty`);
  if (options.maxStatements !== undefined && statements.length > options.maxStatements) {
    throw new InvalidSpecError(`${field}.Statement: ${statements.length} statements; at most ${options.maxStatements}`);
  }
  const sids = new Set<string>();
  statements.forEach((statement, i) => {
    const at = Array.isArray(raw) ? `${field}.Statement[${i}]` : `${field}.Statement`;
    checkStatement(statement, at, options.kind);
    const sid = (statement as { Sid?: string }).Sid;
    if (options.kind === 'identity' && sid) {
      if (sids.has(sid)) throw new InvalidSpecError(`${at}.Sid: "${sid}" is used by another statement; Sids must be unique`);
      sids.add(sid);
    }
  });
  if (options.maxChars !== undefined) {
    const size = policyDocumentSize(document);
    if (size > options.maxChars)
      throw new InvalidSpecError(`${field}: the document is ${size} characters; ${options.kind === 'identity' ? 'IAM' : 'AWS'} allows ${options.maxChars}`);
  }
}
