/** Pure: a Topic's spec (plus config) → the desired SNS topic. */
import { checkChildNames } from '../core/child-names.js';
import { topicWouldBeChildren } from './status.js';
import { InvalidSpecError } from '../core/errors.js';
import type { DesiredInput } from '../core/kind.js';
import { ownerTags } from '../core/ownership.js';
import { validateUserTags } from '../shared/tags.js';
import { defaultTopicName } from '../sns-common/names.js';
import type { TopicSpec, TopicStatus } from '../../schemas/topic.js';

/** SNS's limit on a topic's access policy, in characters. */
export const TOPIC_POLICY_MAX_CHARS = 30720;
/** SNS's limit on the statements of a topic's access policy. */
export const TOPIC_POLICY_MAX_STATEMENTS = 100;

/** The desired SNS topic. */
export interface TopicDesired {
  region: string;
  topicName: string;
  fifo: boolean;
  /** Plain attributes, as the strings SNS stores. Only attributes the spec sets. */
  attributes: Record<string, string>;
  /** The access policy (compared as an IAM document). */
  policy?: Record<string, unknown>;
  /** The HTTP/S delivery policy (compared as JSON). */
  deliveryPolicy?: Record<string, unknown>;
  /** User tags. */
  tags: Record<string, string>;
  /** Owner tags (DESIGN.md §3.3). */
  ownerTags: Record<string, string>;
  adopt: boolean;
  deletionPolicy: 'Delete' | 'Retain';
  /** Delete even while confirmed subscriptions remain. */
  force: boolean;
}

/**
 * Check an access policy: a resource policy, so every statement names a Principal (or
 * NotPrincipal), an Effect and actions; SNS's size and statement limits. @throws InvalidSpecError.
 */
export function checkTopicPolicy(policy: Record<string, unknown>, field = 'spec.policy'): void {
  const raw = policy.Statement;
  const statements = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  if (statements.length === 0) throw new InvalidSpecError(`${field}: must be an IAM policy document with a Statement`);
  if (statements.length > TOPIC_POLICY_MAX_STATEMENTS)
    throw new InvalidSpecError(`${field}: ${statements.length} statements; SNS allows ${TOPIC_POLICY_MAX_STATEMENTS}`);
  const sids = new Set<string>();
  statements.forEach((s: unknown, i) => {
    const at = `${field}.Statement[${i}]`;
    if (!s || typeof s !== 'object' || Array.isArray(s)) throw new InvalidSpecError(`${at}: must be an object`);
    const st = s as Record<string, unknown>;
    if (st.Effect !== 'Allow' && st.Effect !== 'Deny') throw new InvalidSpecError(`${at}.Effect: must be Allow or Deny`);
    if ((st.Principal === undefined) === (st.NotPrincipal === undefined))
      throw new InvalidSpecError(`${at}: a topic policy statement needs exactly one of Principal and NotPrincipal`);
    if ((st.Action === undefined) === (st.NotAction === undefined)) throw new InvalidSpecError(`${at}: set exactly one of Action and NotAction`);
    if (typeof st.Sid === 'string') {
      if (sids.has(st.Sid)) throw new InvalidSpecError(`${at}.Sid: "${st.Sid}" is used by another statement; Sids must be unique`);
      sids.add(st.Sid);
    }
  });
  const size = JSON.stringify(policy).length;
  if (size > TOPIC_POLICY_MAX_CHARS) throw new InvalidSpecError(`${field}: the document is ${size} characters; SNS allows ${TOPIC_POLICY_MAX_CHARS}`);
}

/** Pure: the desired topic. Throws InvalidSpecError (no AWS call is made then). */
export function desiredTopic(input: DesiredInput<TopicSpec, TopicStatus>): TopicDesired {
  const { spec, config, owner } = input;
  if (!input.finalizing)
    checkChildNames(topicWouldBeChildren(input.parent.metadata.name), input.parent, input.children, input.related, 'rename this Topic or the other object');
  const attributes: Record<string, string> = {};
  if (spec.displayName !== undefined) attributes.DisplayName = spec.displayName;
  if (spec.kmsMasterKeyId !== undefined) attributes.KmsMasterKeyId = spec.kmsMasterKeyId;
  if (spec.contentBasedDeduplication !== undefined) {
    if (!spec.fifo) throw new InvalidSpecError('spec.contentBasedDeduplication: only FIFO topics (spec.fifo: true) support it');
    attributes.ContentBasedDeduplication = String(spec.contentBasedDeduplication);
  }
  if (spec.policy !== undefined && !input.finalizing) checkTopicPolicy(spec.policy);
  if (spec.deliveryPolicy !== undefined && JSON.stringify(spec.deliveryPolicy).length > TOPIC_POLICY_MAX_CHARS) {
    throw new InvalidSpecError(`spec.deliveryPolicy: at most ${TOPIC_POLICY_MAX_CHARS} characters`);
  }
  return {
    region: spec.region,
    topicName: defaultTopicName(config.namePrefix, owner.namespace, owner.name, spec.fifo),
    fifo: spec.fifo,
    attributes,
    ...(spec.policy !== undefined ? { policy: spec.policy } : {}),
    ...(spec.deliveryPolicy !== undefined ? { deliveryPolicy: spec.deliveryPolicy } : {}),
    tags: input.finalizing ? { ...(spec.tags ?? {}) } : validateUserTags(spec.tags),
    ownerTags: ownerTags(owner),
    adopt: spec.adopt,
    deletionPolicy: spec.deletionPolicy,
    force: spec.force,
  };
}
