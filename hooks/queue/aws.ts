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
import { isAwsError, TerminalError, WaitError } from '../core/errors.js';
import type { KindContext, ResourceManager } from '../core/kind.js';
import { nameNotAllowed, parseArn, readChosen } from '../core/name-scope.js';
import { describeOwner, OWNER_TAGS } from '../core/ownership.js';
import type { Owner } from '../core/types.js';
import type { QueueStatus } from '../../schemas/queue.js';
import { withoutKeys } from '../shared/tags.js';
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
 * The queue URL status remembers, when it names exactly `name` (`…/<account>/<name>`). Status
 * is writable by anyone who may write queues/status: a URL naming another queue must never be
 * read, adopted or deleted in place of ours. NOTE: the client is built with
 * useQueueUrlAsEndpoint off (aws-clients.ts), so a URL's host never redirects a signed request.
 */
export function statusQueueUrl(previous: QueueStatus | undefined, name: string, region: string): string | undefined {
  if (previous?.queueName !== name || previous.region !== region || typeof previous.queueUrl !== 'string') return undefined;
  try {
    const path = new URL(previous.queueUrl).pathname.split('/').filter(Boolean);
    return path.length === 2 && /^\d{12}$/.test(path[0] ?? '') && path[1] === name ? previous.queueUrl : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A dead-letter target outside this namespace's names (and not allowed by the administrator) is
 * written only when its owner tags name a Queue of this namespace in this cluster: a queue created
 * before the namespace token existed. Two reads, and only when the redrive policy is written.
 */
async function verifyRedriveTarget(sqs: SQSClient, arn: string, owner: Owner): Promise<void> {
  const parts = parseArn(arn);
  // Checked by the spec validation already; a queue ARN is all this is ever given.
  if (!parts) throw new Error(`not a queue ARN: ${arn}`);
  let tags: Record<string, string> = {};
  try {
    const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: parts.resource, QueueOwnerAWSAccountId: parts.account }))).QueueUrl;
    if (url) tags = (await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags ?? {};
  } catch (err) {
    if (!isAwsError(err, ...NOT_FOUND)) throw err;
    throw new TerminalError('NameNotAllowed', `spec.deadLetter: ${arn} does not exist`);
  }
  const ours = tags[OWNER_TAGS.cluster] === owner.cluster && tags[OWNER_TAGS.namespace] === owner.namespace && (tags[OWNER_TAGS.kind] ?? 'Queue') === 'Queue';
  if (!ours) {
    const who = tags[OWNER_TAGS.namespace] !== undefined ? `belongs to ${describeOwner(tags)}` : 'is not managed by awshooks';
    throw new TerminalError(
      'NameNotAllowed',
      `spec.deadLetter: ${arn} is outside this namespace's queue names and ${who}; a dead-letter queue must be a queue of this namespace, or one the administrator allowed (ALLOWED_AWS_NAMES)`,
    );
  }
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
      const read = async (name: string): Promise<QueueObserved | undefined> => {
        let url = statusQueueUrl(previous, name, desired.region);
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
            url = (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
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
        return { url, name, attributes: attributes ?? {}, tags };
      };
      return readChosen(desired.name, previous?.region === desired.region ? previous.queueName : undefined, read, (o) => o.tags, ctx.owner);
    },

    async create(desired) {
      // Never create (or squat) a name outside the namespace's own names.
      if (!desired.name.claimable) throw nameNotAllowed('spec.queueName', desired.queueName, desired.name.ownPrefix, 'queue');
      const sqs = ctx.aws.sqs(desired.region);
      if (desired.redrive?.verifyOwner) await verifyRedriveTarget(sqs, desired.redrive.deadLetterTargetArn, ctx.owner);
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
      return { url, name: desired.queueName, attributes: created, tags };
    },

    async update(desired, observed, delta) {
      const sqs = ctx.aws.sqs(desired.region);
      const d = delta as QueueDelta;
      const attributes = { ...observed.attributes };
      let tags = { ...observed.tags };
      if (d.attributes.RedrivePolicy !== undefined && desired.redrive?.verifyOwner)
        await verifyRedriveTarget(sqs, desired.redrive.deadLetterTargetArn, ctx.owner);
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
        tags = withoutKeys(tags, d.tagsToRemove);
      }
      return { url: observed.url, name: observed.name, attributes, tags };
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
