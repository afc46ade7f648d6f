/**
 * Pure: the SNS topics allowed to deliver to a Queue, and the queue policy that says so.
 *
 * The Queue kind owns its queue's whole access policy (see hooks/sns-common/queue-access.ts for
 * why the Subscription kind never writes it). It relates the Subscriptions of its namespace; each
 * one that delivers to this Queue (`queueRef`) or uses it as its dead-letter queue
 * (`deadLetter.queueRef`) gets one statement letting its topic send, with the topic's ARN derived
 * from the Subscription's spec (a Topic reference, or an ARN that passes the isolation rules) —
 * never from anyone's status. Letting a topic send into the namespace's own queue grants nothing
 * the namespace could not grant itself through `spec.policy`.
 */
import type { HooksConfig } from '../core/config.js';
import { InvalidSpecError } from '../core/errors.js';
import { parsePolicyDocument, samePolicyDocument } from '../shared/policy-document.js';
import type { ObjectMap } from '../core/types.js';
import { checkSpecArn } from '../sns-common/isolation.js';
import { defaultTopicName, parseArn, SUBSCRIPTION_RELATED_KEY, TOPIC_RELATED_KEY, topicArnOf } from '../sns-common/names.js';
import { isSnsStatement, SNS_STATEMENT_SID_PREFIX, snsSendStatement, statementsOf } from '../sns-common/queue-access.js';
import { fieldsOf, relatedObject } from '../sns-common/related.js';

/** A topic that may send to the queue: an ARN, or a Topic of the namespace (ARN completed with the queue's account). */
export type SnsSource = { topicArn: string } | { region: string; topicName: string };

/**
 * The topics of the namespace's Subscriptions that deliver to Queue `queue` (or use it as their
 * dead-letter queue). Subscriptions whose topic cannot be resolved (Topic missing, ARN refused)
 * add nothing; they report their own problem.
 */
export function snsSourcesFor(queue: string, namespace: string, related: ObjectMap, config: HooksConfig): SnsSource[] {
  const byKey = new Map<string, SnsSource>();
  for (const sub of Object.values(related[SUBSCRIPTION_RELATED_KEY] ?? {})) {
    if ((sub.metadata.namespace ?? namespace) !== namespace) continue;
    const spec = fieldsOf(sub.spec);
    if (spec.queueRef !== queue && fieldsOf(spec.deadLetter).queueRef !== queue) continue;
    if (typeof spec.topicArn === 'string') {
      try {
        checkSpecArn(spec.topicArn, 'spec.topicArn', 'sns', namespace, config);
      } catch {
        continue;
      }
      byKey.set(spec.topicArn, { topicArn: spec.topicArn });
    } else if (typeof spec.topicRef === 'string') {
      const topicSpec = fieldsOf(relatedObject(related, TOPIC_RELATED_KEY, namespace, spec.topicRef)?.spec);
      const region = topicSpec.region;
      if (typeof region !== 'string' || !region) continue;
      const topicName = defaultTopicName(config.namePrefix, namespace, spec.topicRef, topicSpec.fifo === true);
      byKey.set(`${region}/${topicName}`, { region, topicName });
    }
  }
  return [...byKey.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v);
}

/** spec.policy may not use the Sids the Queue kind generates. @throws InvalidSpecError. */
export function checkReservedSids(policy: Record<string, unknown> | undefined): void {
  statementsOf(policy).forEach((s, i) => {
    if (isSnsStatement(s))
      throw new InvalidSpecError(
        `spec.policy.Statement[${i}].Sid: Sids starting with ${SNS_STATEMENT_SID_PREFIX} are reserved for the statements awshooks adds for SNS topics`,
      );
  });
}

/**
 * The Policy attribute to set, or undefined when the observed one is right. With `spec.policy`
 * the policy is the spec's statements plus one per SNS source; without, the statements others
 * put there are kept and only ours are added or removed (an empty result clears the policy).
 * Needs the queue's ARN (its account and partition complete the topics' ARNs).
 */
export function wantedQueuePolicy(
  desired: { policy?: Record<string, unknown>; snsSources?: SnsSource[] },
  observed: { attributes: Record<string, string> },
): string | undefined {
  const queueArn = observed.attributes.QueueArn;
  const q = parseArn(queueArn);
  const sources = desired.snsSources ?? [];
  if (sources.length > 0 && !q) return undefined; // NOTE: SQS always returns QueueArn; without it nothing can be built.
  // With sources there is a queue ARN (checked above); without, nothing is generated.
  const generated =
    q && queueArn
      ? sources.map((s) => snsSendStatement(queueArn, 'topicArn' in s ? s.topicArn : topicArnOf(q.partition, s.region, q.account, s.topicName)))
      : [];
  const observedDoc = parsePolicyDocument(observed.attributes.Policy) as Record<string, unknown> | undefined;
  let want: Record<string, unknown>;
  if (desired.policy) {
    if (generated.length === 0) want = desired.policy;
    else want = { ...desired.policy, Statement: [...statementsOf(desired.policy), ...generated] };
  } else {
    const present = statementsOf(observedDoc);
    const others = present.filter((s) => !isSnsStatement(s));
    if (generated.length === 0 && others.length === present.length) return undefined; // nothing of ours, nothing to add
    if (generated.length === 0 && others.length === 0) return '';
    want = { Version: observedDoc?.Version ?? '2012-10-17', ...(observedDoc?.Id ? { Id: observedDoc.Id } : {}), Statement: [...others, ...generated] };
  }
  return samePolicyDocument(observedDoc, want) ? undefined : JSON.stringify(want);
}
