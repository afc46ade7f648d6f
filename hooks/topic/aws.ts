/** The Topic kind's only AWS I/O: SNS calls behind ACK's four verbs. */
import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetTopicAttributesCommand,
  paginateListSubscriptionsByTopic,
  SetTopicAttributesCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type SNSClient,
} from '@aws-sdk/client-sns';
import { isAwsError, WaitError } from '../core/errors.js';
import type { KindContext, ResourceManager } from '../core/kind.js';
import { accountInfo } from '../iam-common/account.js';
import { topicArnOf } from '../sns-common/names.js';
import { readTopicTags, SNS_NOT_FOUND } from '../sns-common/topics.js';
import type { TopicStatus } from '../../schemas/topic.js';
import { withoutKeys } from '../shared/tags.js';
import type { TopicDelta, TopicObserved } from './delta.js';
import type { TopicDesired } from './desired.js';

/** How often a Topic waiting for its subscriptions to go looks again. */
const SUBSCRIPTIONS_WAIT_SECONDS = 15;

/** The ARN of a Topic's topic: derived from the name, region and awshooks' own account (never from status). */
async function topicArnFor(ctx: Pick<KindContext, 'config' | 'aws'>, region: string, topicName: string): Promise<string> {
  const { accountId, partition } = await accountInfo(ctx);
  return topicArnOf(partition, region, accountId, topicName);
}

async function readAttributes(sns: SNSClient, arn: string): Promise<Record<string, string> | undefined> {
  try {
    return (await sns.send(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes ?? {};
  } catch (err) {
    if (isAwsError(err, ...SNS_NOT_FOUND)) return undefined;
    throw err;
  }
}

/** The confirmed subscriptions of a topic, as `protocol:endpoint` (pending ones expire by themselves). */
async function confirmedSubscriptions(sns: SNSClient, arn: string): Promise<string[]> {
  const out: string[] = [];
  for await (const page of paginateListSubscriptionsByTopic({ client: sns }, { TopicArn: arn })) {
    for (const s of page.Subscriptions ?? []) {
      // NOTE: an unconfirmed subscription is listed with SubscriptionArn "PendingConfirmation".
      if (s.SubscriptionArn && s.SubscriptionArn !== 'PendingConfirmation' && s.SubscriptionArn !== 'Deleted') {
        out.push(`${s.Protocol ?? '?'}:${s.Endpoint ?? '?'}`);
      }
    }
  }
  return out;
}

/**
 * SNS I/O. A drift check costs two calls: GetTopicAttributes (which carries the subscription
 * counts too) and ListTagsForResource. The ARN is derived, so no lookup by name is needed; the
 * account ID comes from configuration or one cached sts:GetCallerIdentity per process.
 */
export function topicManager(ctx: KindContext): ResourceManager<TopicDesired, TopicObserved, TopicStatus> {
  return {
    async readOne(desired) {
      const sns = ctx.aws.sns(desired.region);
      const arn = await topicArnFor(ctx, desired.region, desired.topicName);
      const attributes = await readAttributes(sns, arn);
      if (!attributes) return undefined;
      const tags = await readTopicTags(sns, arn);
      if (!tags) return undefined;
      return { arn, attributes, tags };
    },

    async create(desired) {
      const sns = ctx.aws.sns(desired.region);
      const attributes: Record<string, string> = { ...desired.attributes };
      if (desired.fifo) attributes.FifoTopic = 'true';
      if (desired.policy) attributes.Policy = JSON.stringify(desired.policy);
      if (desired.deliveryPolicy) attributes.DeliveryPolicy = JSON.stringify(desired.deliveryPolicy);
      const tags = { ...desired.tags, ...desired.ownerTags };
      // Tags at creation, so the topic is never seen without its owner tags.
      // NOTE: CreateTopic is idempotent: for an existing topic of that name AWS returns its ARN when
      // attributes and tags match and refuses otherwise (InvalidParameter). readOne found none, so
      // only a race with someone else's CreateTopic can get here with an existing topic.
      const out = await sns.send(
        new CreateTopicCommand({ Name: desired.topicName, Attributes: attributes, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }),
      );
      if (!out.TopicArn) throw new Error('CreateTopic returned no TopicArn');
      return { arn: out.TopicArn, attributes: (await readAttributes(sns, out.TopicArn)) ?? attributes, tags };
    },

    async update(desired, observed, delta) {
      const sns = ctx.aws.sns(desired.region);
      const d = delta as TopicDelta;
      const attributes = { ...observed.attributes };
      const tags = { ...observed.tags };
      // NOTE: SetTopicAttributes takes one attribute per call.
      for (const [name, value] of Object.entries(d.attributes)) {
        await sns.send(new SetTopicAttributesCommand({ TopicArn: observed.arn, AttributeName: name, AttributeValue: value }));
        attributes[name] = value;
      }
      if (Object.keys(d.tagsToAdd).length > 0) {
        await sns.send(new TagResourceCommand({ ResourceArn: observed.arn, Tags: Object.entries(d.tagsToAdd).map(([Key, Value]) => ({ Key, Value })) }));
        Object.assign(tags, d.tagsToAdd);
      }
      if (d.tagsToRemove.length > 0) {
        await sns.send(new UntagResourceCommand({ ResourceArn: observed.arn, TagKeys: d.tagsToRemove }));
      }
      return { arn: observed.arn, attributes, tags: withoutKeys(tags, d.tagsToRemove) };
    },

    /**
     * Deleting a topic deletes its subscriptions too (SNS does it). Unless `force` is set, wait
     * while confirmed subscriptions remain: they may be other teams' or other accounts'
     * deliveries, and a Subscription object deleted together with the Topic removes its own first.
     */
    async delete(desired, observed) {
      const sns = ctx.aws.sns(desired.region);
      if (!desired.force) {
        let remaining: string[];
        try {
          remaining = await confirmedSubscriptions(sns, observed.arn);
        } catch (err) {
          // Gone since it was read (deleted by hand, or by another replica): nothing left to wait for.
          if (isAwsError(err, ...SNS_NOT_FOUND)) return 'deleted';
          throw err;
        }
        if (remaining.length > 0) {
          const shown = remaining.slice(0, 3).join(', ') + (remaining.length > 3 ? `, and ${remaining.length - 3} more` : '');
          throw new WaitError(
            'TopicHasSubscriptions',
            `the topic still has ${remaining.length} confirmed subscription(s) (${shown}); it is deleted once they are gone. Delete their Subscription objects (or unsubscribe them), or set spec.force: true to delete the topic with them, or deletionPolicy: Retain to keep it`,
            SUBSCRIPTIONS_WAIT_SECONDS,
          );
        }
      }
      try {
        await sns.send(new DeleteTopicCommand({ TopicArn: observed.arn }));
      } catch (err) {
        if (!isAwsError(err, ...SNS_NOT_FOUND)) throw err;
      }
      return 'deleted';
    },
  };
}
