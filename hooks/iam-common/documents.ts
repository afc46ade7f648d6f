/** Pure: checks on IAM policy documents that the schema cannot express. */
import { policyDocumentSize, validatePolicyDocument } from '../shared/policy-validation.js';
import type { PolicyDocument } from '../../schemas/policy.js';

/** The size IAM counts: the JSON text without whitespace outside strings. */
export function documentSize(document: unknown): number {
  return policyDocumentSize(document);
}

/**
 * Check an identity-based document with the one policy validation every kind uses
 * (core/policy-validation.ts): the grammar's shapes, exactly one of Action/NotAction and of
 * Resource/NotResource per statement (the CRD's CEL rules say the same at `kubectl apply`),
 * unique Sids, and IAM's size limit. @throws InvalidSpecError naming the field.
 */
export function checkPolicyDocument(document: PolicyDocument, field: string, maxChars: number): void {
  validatePolicyDocument(document, field, { kind: 'identity', maxChars, maxStatements: 100 });
}
