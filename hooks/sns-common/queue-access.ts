/**
 * Pure: the SQS queue policy statement that lets an SNS topic deliver to a queue, and the check
 * a Subscription makes before it subscribes a queue ("does the queue's policy let this topic
 * send?").
 *
 * Who owns the statement: the Queue kind owns its queue's whole policy. It relates the
 * Subscriptions of its namespace that deliver to it (endpoint or dead-letter queue) and adds one
 * statement per topic, with a Sid under {@link SNS_STATEMENT_SID_PREFIX}. The Subscription kind
 * never writes a queue policy; it only reads it and waits until its topic is allowed. So the two
 * kinds never fight over the policy document.
 */
import { shortHash, stableStringify } from '../core/hash.js';
import { globMatches } from '../iam-common/names.js';
import { parseArn } from './names.js';

/** Sid prefix of the statements the Queue kind generates for SNS topics (reserved in spec.policy). */
export const SNS_STATEMENT_SID_PREFIX = 'AwshooksSns';

/** The service principal SNS delivers as. */
export const SNS_SERVICE_PRINCIPAL = 'sns.amazonaws.com';

/** The Sid of the statement for one topic: stable, letters and digits only. */
export function snsStatementSid(topicArn: string): string {
  // The topic's name for humans, a digest of the whole ARN for uniqueness within the document.
  const name = (topicArn.split(':').at(-1) ?? '').replace(/[^A-Za-z0-9]/g, '').slice(0, 40);
  return `${SNS_STATEMENT_SID_PREFIX}${name}${shortHash(topicArn, 8)}`;
}

/** The statement that lets `topicArn` send to `queueArn` (and nothing else). */
export function snsSendStatement(queueArn: string, topicArn: string): Record<string, unknown> {
  return {
    Sid: snsStatementSid(topicArn),
    Effect: 'Allow',
    Principal: { Service: SNS_SERVICE_PRINCIPAL },
    Action: 'sqs:SendMessage',
    Resource: queueArn,
    // NOTE: without the SourceArn condition any topic of any account could send to the queue.
    Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
  };
}

type Statement = Record<string, unknown>;

const list = (v: unknown): string[] => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String));

/** The statements of a parsed policy document (tolerates a single statement object). */
export function statementsOf(document: unknown): Statement[] {
  if (!document || typeof document !== 'object') return [];
  const s = (document as { Statement?: unknown }).Statement;
  if (s === undefined) return [];
  return (Array.isArray(s) ? s : [s]).filter((x): x is Statement => !!x && typeof x === 'object');
}

function principalMatches(statement: Statement): boolean {
  if (statement.NotPrincipal !== undefined) return false;
  const p = statement.Principal;
  if (p === '*') return true;
  if (!p || typeof p !== 'object') return false;
  const principal = p as Record<string, unknown>;
  return list(principal.Service).includes(SNS_SERVICE_PRINCIPAL) || list(principal.AWS).includes('*');
}

function actionMatches(statement: Statement): boolean {
  if (statement.NotAction !== undefined) return false;
  // IAM action names are case-insensitive.
  return list(statement.Action).some((a) => globMatches(a.toLowerCase(), 'sqs:sendmessage'));
}

function resourceMatches(statement: Statement, queueArn: string): boolean {
  if (statement.NotResource !== undefined) return false;
  // NOTE: SQS treats a missing Resource in a queue policy as the queue itself.
  if (statement.Resource === undefined) return true;
  return list(statement.Resource).some((r) => globMatches(r, queueArn));
}

/** Whether a condition holds for the delivery: yes, no, or unknown (a key we cannot evaluate). */
type Holds = 'yes' | 'no' | 'unknown';

/**
 * Evaluate a condition block for a delivery from `topicArn`. Only the keys SNS sets on that
 * request are known (aws:SourceArn, aws:SourceAccount, aws:SecureTransport); any other key
 * makes the answer `unknown`.
 */
function conditionHolds(condition: unknown, topicArn: string): Holds {
  if (condition === undefined) return 'yes';
  if (!condition || typeof condition !== 'object') return 'unknown';
  const account = parseArn(topicArn)?.account ?? '';
  let result: Holds = 'yes';
  for (const [operator, block] of Object.entries(condition as Record<string, unknown>)) {
    if (!block || typeof block !== 'object') return 'unknown';
    for (const [key, value] of Object.entries(block as Record<string, unknown>)) {
      const k = key.toLowerCase(); // condition keys are case-insensitive
      const values = list(value);
      const actual = k === 'aws:sourcearn' ? topicArn : k === 'aws:sourceaccount' ? account : k === 'aws:securetransport' ? 'true' : undefined;
      let ok: boolean | undefined;
      if (actual === undefined) ok = undefined;
      else if (operator === 'ArnEquals' || operator === 'StringEquals' || operator === 'Bool') ok = values.includes(actual);
      else if (operator === 'ArnLike' || operator === 'StringLike') ok = values.some((v) => globMatches(v, actual));
      else if (operator === 'ArnNotEquals' || operator === 'StringNotEquals') ok = !values.includes(actual);
      else if (operator === 'ArnNotLike' || operator === 'StringNotLike') ok = !values.some((v) => globMatches(v, actual));
      if (ok === false) return 'no';
      if (ok === undefined) result = 'unknown';
    }
  }
  return result;
}

function target(statement: Statement, queueArn: string): boolean {
  return principalMatches(statement) && actionMatches(statement) && resourceMatches(statement, queueArn);
}

/**
 * Whether a queue policy lets `topicArn` deliver (sqs:SendMessage as sns.amazonaws.com) to
 * `queueArn`: an Allow statement certainly applies and no Deny statement certainly does. A
 * reading of IAM's evaluation good enough to tell a user that their Subscription cannot deliver
 * yet; Allow statements with conditions it cannot evaluate do not count (the Subscription waits
 * rather than report Ready while SQS refuses the messages).
 */
export function policyAllowsTopic(document: unknown, queueArn: string, topicArn: string): boolean {
  const statements = statementsOf(document);
  if (statements.some((s) => s.Effect === 'Deny' && target(s, queueArn) && conditionHolds(s.Condition, topicArn) === 'yes')) return false;
  return statements.some((s) => s.Effect === 'Allow' && target(s, queueArn) && conditionHolds(s.Condition, topicArn) === 'yes');
}

/** True when a statement is one the Queue kind generated for a topic. */
export function isSnsStatement(statement: Statement): boolean {
  return typeof statement.Sid === 'string' && statement.Sid.startsWith(SNS_STATEMENT_SID_PREFIX);
}

/** Two JSON values equal by content (key order ignored), for policies SNS stores as text. */
export function sameJson(a: unknown, b: unknown): boolean {
  return stableStringify(a) === stableStringify(b);
}
