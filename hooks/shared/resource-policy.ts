/**
 * Pure: checks and comparison of resource-based policy documents (S3 bucket policies, ECR
 * repository policies). The schema checks shapes; this checks what a schema cannot say, so that
 * a bad document is an InvalidSpec naming the field before any AWS call.
 */
import { InvalidSpecError } from '../core/errors.js';
import { samePolicyDocument } from './policy-document.js';
import type { ResourcePolicyDocument, ResourceStatement } from '../../schemas/resource-policy.js';

/** What the service holding the policy accepts. */
export interface ResourcePolicyRules {
  /** Service prefix every action must use (`s3`, `ecr`); `*` is always allowed. */
  actionPrefix: string;
  /** Whether each statement must name a Resource (S3: yes; ECR: the repository is implied). */
  resourceRequired: boolean;
  /** Each Resource must pass this (S3: the bucket or its objects); returns a reason when not. */
  checkResource?: (resource: string) => string | undefined;
  /** Largest document the service accepts, in characters of compact JSON. */
  maxChars: number;
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Principal values of type AWS: `*`, a 12-digit account ID, or an ARN. */
const AWS_PRINCIPAL = /^(\*|\d{12}|arn:aws[a-z-]*:(iam|sts)::\d{12}:.+)$/;

function checkPrincipal(principal: ResourceStatement['Principal'], at: string): void {
  if (principal === undefined || typeof principal === 'string') return;
  for (const value of list(principal.AWS)) {
    if (!AWS_PRINCIPAL.test(value)) throw new InvalidSpecError(`${at}.AWS: "${value}" is not "*", an account ID or an IAM ARN`);
  }
}

/**
 * Check a resource policy: exactly one of Principal/NotPrincipal and Action/NotAction per
 * statement (the CRD's CEL rules say the same at `kubectl apply`), actions of the right
 * service, resources the service accepts, unique Sids, and the size limit.
 * @throws InvalidSpecError naming the field.
 */
export function checkResourcePolicy(document: ResourcePolicyDocument, field: string, rules: ResourcePolicyRules): void {
  const sids = new Set<string>();
  document.Statement.forEach((statement, i) => {
    const at = `${field}.Statement[${i}]`;
    if ((statement.Principal === undefined) === (statement.NotPrincipal === undefined)) {
      throw new InvalidSpecError(`${at}: set exactly one of Principal and NotPrincipal`);
    }
    checkPrincipal(statement.Principal, `${at}.Principal`);
    checkPrincipal(statement.NotPrincipal, `${at}.NotPrincipal`);
    if ((statement.Action === undefined) === (statement.NotAction === undefined)) {
      throw new InvalidSpecError(`${at}: set exactly one of Action and NotAction`);
    }
    for (const key of ['Action', 'NotAction'] as const) {
      for (const action of list(statement[key])) {
        if (action !== '*' && !new RegExp(`^${rules.actionPrefix}:[A-Za-z0-9*?]+$`).test(action)) {
          throw new InvalidSpecError(`${at}.${key}: "${action}" is not a ${rules.actionPrefix}: action`);
        }
      }
    }
    if (statement.Resource !== undefined && statement.NotResource !== undefined) {
      throw new InvalidSpecError(`${at}: set at most one of Resource and NotResource`);
    }
    if (rules.resourceRequired && statement.Resource === undefined && statement.NotResource === undefined) {
      throw new InvalidSpecError(`${at}: set Resource (or NotResource)`);
    }
    if (rules.checkResource) {
      for (const key of ['Resource', 'NotResource'] as const) {
        for (const resource of list(statement[key])) {
          const problem = rules.checkResource(resource);
          if (problem) throw new InvalidSpecError(`${at}.${key}: "${resource}" ${problem}`);
        }
      }
    }
    if (statement.Sid) {
      if (sids.has(statement.Sid)) throw new InvalidSpecError(`${at}.Sid: "${statement.Sid}" is used by another statement; Sids must be unique`);
      sids.add(statement.Sid);
    }
  });
  const size = JSON.stringify(document).length;
  if (size > rules.maxChars) throw new InvalidSpecError(`${field}: the document is ${size} characters; the service allows ${rules.maxChars}`);
}

/**
 * Whether a statement makes the resource public as far as we can tell without evaluating
 * conditions: an Allow to everyone (`*`, or AWS `*`) with no Condition. S3's own test is finer
 * (conditions on fixed values make a policy non-public); this one only flags the obvious case.
 */
export function grantsPublicAccess(statement: ResourceStatement): boolean {
  if (statement.Effect !== 'Allow' || statement.Condition !== undefined) return false;
  const p = statement.Principal;
  if (p === undefined) return statement.NotPrincipal !== undefined;
  return typeof p === 'string' ? p === '*' : list(p.AWS).includes('*');
}

/** The principal form AWS stores: an account ID becomes the account's root ARN. */
function canonicalPrincipal(value: unknown, partition: string): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  if (out.AWS !== undefined) {
    const aws = (Array.isArray(out.AWS) ? (out.AWS as unknown[]) : [out.AWS]).map((v: unknown) =>
      typeof v === 'string' && /^\d{12}$/.test(v) ? `arn:${partition}:iam::${v}:root` : v,
    );
    out.AWS = aws.length === 1 ? aws[0] : aws;
  }
  return out;
}

function canonicalDocument(document: unknown, partition: string): unknown {
  if (!document || typeof document !== 'object' || Array.isArray(document)) return document;
  const doc = document as Record<string, unknown>;
  const statements: unknown[] = Array.isArray(doc.Statement) ? (doc.Statement as unknown[]) : doc.Statement === undefined ? [] : [doc.Statement];
  return {
    ...doc,
    Statement: statements.map((s) => {
      if (!s || typeof s !== 'object') return s;
      const st = { ...(s as Record<string, unknown>) };
      if (st.Principal !== undefined) st.Principal = canonicalPrincipal(st.Principal, partition);
      if (st.NotPrincipal !== undefined) st.NotPrincipal = canonicalPrincipal(st.NotPrincipal, partition);
      return st;
    }),
  };
}

/**
 * True when two resource policies mean the same thing: IAM-document semantics (statement order,
 * a one-element list vs a string, key order) plus the principal forms AWS rewrites.
 * NOTE: S3 and ECR may store an account-ID principal as `arn:<partition>:iam::<id>:root`;
 * comparing the raw forms would rewrite the policy at every drift check.
 */
export function sameResourcePolicy(a: unknown, b: unknown, partition = 'aws'): boolean {
  return samePolicyDocument(canonicalDocument(a, partition), canonicalDocument(b, partition));
}
