/** Pure: checks on IAM policy documents that the schema cannot express. */
import { InvalidSpecError } from '../core/errors.js';
import type { PolicyDocument } from '../../schemas/policy.js';

/** The size IAM counts: the JSON text without whitespace outside strings. */
export function documentSize(document: unknown): number {
  return JSON.stringify(document).length;
}

/**
 * Check a document: exactly one of Action/NotAction and of Resource/NotResource per
 * statement (the CRD's CEL rules say the same at `kubectl apply`), unique Sids, and IAM's size
 * limit. @throws InvalidSpecError naming the field.
 */
export function checkPolicyDocument(document: PolicyDocument, field: string, maxChars: number): void {
  const sids = new Set<string>();
  document.Statement.forEach((statement, i) => {
    const at = `${field}.Statement[${i}]`;
    if ((statement.Action === undefined) === (statement.NotAction === undefined)) {
      throw new InvalidSpecError(`${at}: set exactly one of Action and NotAction`);
    }
    if ((statement.Resource === undefined) === (statement.NotResource === undefined)) {
      throw new InvalidSpecError(`${at}: set exactly one of Resource and NotResource`);
    }
    if (statement.Sid) {
      if (sids.has(statement.Sid)) throw new InvalidSpecError(`${at}.Sid: "${statement.Sid}" is used by another statement; Sids must be unique`);
      sids.add(statement.Sid);
    }
  });
  const size = documentSize(document);
  if (size > maxChars) throw new InvalidSpecError(`${field}: the document is ${size} characters; IAM allows ${maxChars}`);
}
