/** The Queue kind's only AWS I/O: SQS calls behind ACK's four verbs. */
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueueTagsCommand,
  SetQueueAttributesCommand,
  TagQueueCommand,
  UntagQueueCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { isAwsError, WaitError } from '../core/errors.js';
import type { KindContext, ResourceManager } from '../core/kind.js';
import type { QueueStatus } from '../../schemas/queue.js';
import { redrivePolicyJson, type QueueDelta, type QueueObserved } from './delta.js';
import type { QueueDesired } from './desired.js';
import { wantedQueuePolicy } from './sns-sources.js';

/** NOTE: SQS's JSON protocol says QueueDoesNotExist; the query protocol said AWS.SimpleQueueService.NonExistentQueue. */
const NOT_FOUND = ['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', 'NonExistentQueue'];

async function attributesOf(sqs: SQSClient, url: string): Promise<Record<string, string>> {
  const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
  return out.Attributes ?? {};
}

/**
 * SQS I/O. A drift check costs two calls (GetQueueAttributes with All, which carries the
 * message counts too, and ListQueueTags): the URL comes from status, GetQueueUrl is only
 * needed the first time or when the queue was recreated.
 */
export function queueManager(ctx: KindContext): ResourceManager<QueueDesired, QueueObserved, QueueStatus> {
  return {
    async readOne(desired, previous) {
      const sqs = ctx.aws.sqs(desired.region);
      let url = previous?.queueName === desired.queueName && previous.region === desired.region ? previous.queueUrl : undefined;
      let attributes: Record<string, string> | undefined;
      if (url) {
        try {
          attributes = await attributesOf(sqs, url);
        } catch (err) {
          if (!isAwsError(err, ...NOT_FOUND)) throw err;
          url = undefined;
        }
      }
      if (!url) {
        try {
          url = (await sqs.send(new GetQueueUrlCommand({ QueueName: desired.queueName }))).QueueUrl;
        } catch (err) {
          if (isAwsError(err, ...NOT_FOUND)) return undefined;
          throw err;
        }
        if (!url) return undefined;
        try {
          attributes = await attributesOf(sqs, url);
        } catch (err) {
          if (isAwsError(err, ...NOT_FOUND)) return undefined;
          throw err;
        }
      }
      const tags = (await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags ?? {};
      return { url, attributes: attributes ?? {}, tags };
    },

    async create(desired) {
      const sqs = ctx.aws.sqs(desired.region);
      const attributes: Record<string, string> = { ...desired.attributes };
      if (desired.fifo) attributes.FifoQueue = 'true';
      if (desired.policy) attributes.Policy = JSON.stringify(desired.policy);
      if (desired.redrive) attributes.RedrivePolicy = redrivePolicyJson(desired.redrive);
      const tags = { ...desired.tags, ...desired.ownerTags };
      let url: string | undefined;
      try {
        // Tags at creation, so the queue is never seen without its owner tags.
        url = (await sqs.send(new CreateQueueCommand({ QueueName: desired.queueName, Attributes: attributes, tags }))).QueueUrl;
      } catch (err) {
        // NOTE: AWS refuses to recreate a queue name for 60 s after a delete.
        if (isAwsError(err, 'QueueDeletedRecently', 'AWS.SimpleQueueService.QueueDeletedRecently')) {
          throw new WaitError('QueueDeletedRecently', 'a queue of this name was deleted less than 60 seconds ago; AWS allows recreating it after that', 60);
        }
        throw err;
      }
      if (!url) throw new Error('CreateQueue returned no QueueUrl');
      let created = await attributesOf(sqs, url);
      // The SNS statements need the queue's ARN (its account), known only now.
      const policy = desired.snsSources ? wantedQueuePolicy(desired, { attributes: created }) : undefined;
      if (policy !== undefined) {
        await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: policy } }));
        created = { ...created, Policy: policy };
      }
      return { url, attributes: created, tags };
    },

    async update(desired, observed, delta) {
      const sqs = ctx.aws.sqs(desired.region);
      const d = delta as QueueDelta;
      const attributes = { ...observed.attributes };
      const tags = { ...observed.tags };
      if (Object.keys(d.attributes).length > 0) {
        await sqs.send(new SetQueueAttributesCommand({ QueueUrl: observed.url, Attributes: d.attributes }));
        Object.assign(attributes, d.attributes);
      }
      if (Object.keys(d.tagsToAdd).length > 0) {
        await sqs.send(new TagQueueCommand({ QueueUrl: observed.url, Tags: d.tagsToAdd }));
        Object.assign(tags, d.tagsToAdd);
      }
      if (d.tagsToRemove.length > 0) {
        await sqs.send(new UntagQueueCommand({ QueueUrl: observed.url, TagKeys: d.tagsToRemove }));
        for (const k of d.tagsToRemove) delete tags[k];
      }
      return { url: observed.url, attributes, tags };
    },

    async delete(desired, observed) {
      try {
        await ctx.aws.sqs(desired.region).send(new DeleteQueueCommand({ QueueUrl: observed.url }));
      } catch (err) {
        if (!isAwsError(err, ...NOT_FOUND)) throw err;
      }
      return 'deleted';
    },
  };
}
