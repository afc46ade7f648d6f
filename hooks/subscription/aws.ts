/**
 * The Subscription kind's only AWS I/O: SNS calls behind ACK's four verbs, plus the reads that
 * prove ownership (the topic's tags, the endpoint queue's tags) and tell whether delivery can
 * work (the endpoint queue's policy).
 */
import {
  GetSubscriptionAttributesCommand,
  paginateListSubscriptionsByTopic,
  SetSubscriptionAttributesCommand,
  SubscribeCommand,
  UnsubscribeCommand,
  type SNSClient,
} from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, ListQueueTagsCommand } from '@aws-sdk/client-sqs';
import { InvalidSpecError, isAwsError, TerminalError, WaitError } from '../core/errors.js';
import type { KindContext, ResourceManager } from '../core/kind.js';
import { describeOwner } from '../core/ownership.js';
import { parsePolicyDocument } from '../shared/policy-document.js';
import { accountInfo } from '../iam-common/account.js';
import { checkArnAccount } from '../sns-common/isolation.js';
import { checkedArn, parseArn, queueArnOf, queueUrlOf, topicArnOf } from '../sns-common/names.js';
import { policyAllowsTopic } from '../sns-common/queue-access.js';
import { readTopicTags, SNS_NOT_FOUND } from '../sns-common/topics.js';
import type { SubscriptionStatus } from '../../schemas/subscription.js';
import { redrivePolicyJson, type SubscriptionDelta, type SubscriptionObserved, type SubscriptionTargets } from './delta.js';
import type { SubscriptionDesired } from './desired.js';
import { subscriptionOwnership, topicIsNamespaces, type OwnershipEvidence } from './ownership.js';

/** NOTE: SQS's JSON protocol says QueueDoesNotExist; the query protocol said AWS.SimpleQueueService.NonExistentQueue. */
const SQS_NOT_FOUND = ['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', 'NonExistentQueue'];
/** How often a Subscription waiting for its topic or queue to appear in AWS looks again. */
const AWS_DEPENDENCY_WAIT_SECONDS = 15;

/** Targets resolved for this sync, and whether the spec's topic ARN is allow-listed. */
interface Resolved {
  targets: SubscriptionTargets;
  topicAllowListed: boolean;
}

/** What AWS says about the topic and the endpoint queue. */
interface Evidence {
  /** Undefined when the topic does not exist. */
  topicTags?: Record<string, string>;
  queueTags?: Record<string, string>;
  queue?: { exists: boolean; allowsTopic: boolean };
}

/** A subscription as found in SNS. */
interface Found {
  arn?: string;
  attributes: Record<string, string>;
}

function regionOf(arn: string): string {
  return checkedArn(arn).region;
}

async function subscriptionAttributes(sns: SNSClient, arn: string): Promise<Record<string, string> | undefined> {
  try {
    return (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: arn }))).Attributes ?? {};
  } catch (err) {
    if (isAwsError(err, ...SNS_NOT_FOUND)) return undefined;
    throw err;
  }
}

/**
 * The subscription with exactly this (topic, protocol, endpoint). The ARN in status is tried
 * first, as a hint only: its attributes must show the same triple. Otherwise the topic's
 * subscriptions are listed (SNS has no lookup by endpoint).
 */
async function findSubscription(sns: SNSClient, t: SubscriptionTargets, hint: string | undefined): Promise<Found | undefined> {
  const matches = (a: Record<string, string | undefined>) => a.TopicArn === t.topicArn && a.Protocol === t.protocol && a.Endpoint === t.endpoint;
  if (hint && parseArn(hint)?.service === 'sns') {
    const attributes = await subscriptionAttributes(sns, hint);
    if (attributes && matches(attributes)) return { arn: hint, attributes };
  }
  try {
    for await (const page of paginateListSubscriptionsByTopic({ client: sns }, { TopicArn: t.topicArn })) {
      const s = (page.Subscriptions ?? []).find((x) => matches({ TopicArn: x.TopicArn ?? t.topicArn, Protocol: x.Protocol, Endpoint: x.Endpoint }));
      if (!s) continue;
      // NOTE: an unconfirmed subscription is listed with SubscriptionArn "PendingConfirmation".
      if (!s.SubscriptionArn || s.SubscriptionArn === 'PendingConfirmation') {
        return { attributes: { TopicArn: t.topicArn, Protocol: t.protocol, Endpoint: t.endpoint, PendingConfirmation: 'true' } };
      }
      const attributes = await subscriptionAttributes(sns, s.SubscriptionArn);
      return attributes ? { arn: s.SubscriptionArn, attributes } : undefined;
    }
  } catch (err) {
    // Subscriptions go with their topic.
    if (isAwsError(err, ...SNS_NOT_FOUND)) return undefined;
    throw err;
  }
  return undefined;
}

/**
 * SNS + SQS I/O. A drift check costs two calls for https, email and lambda endpoints
 * (GetSubscriptionAttributes by the status hint, ListTagsForResource on the topic) and three for
 * a Queue (+ GetQueueAttributes: the queue's policy), plus ListQueueTags when only the queue can
 * prove ownership (a topic outside the namespace).
 */
export function subscriptionManager(ctx: KindContext): ResourceManager<SubscriptionDesired, SubscriptionObserved, SubscriptionStatus> {
  // One hook call may run readOne, then create (or delete, then readOne again): the topic's and
  // queue's state is read once per call.
  let evidenceOnce: Promise<Evidence> | undefined;

  /** The ARNs of this sync; undefined when they cannot be known (finalize without usable hints). */
  async function resolve(desired: SubscriptionDesired): Promise<Resolved | undefined> {
    // Nothing to look for (finalize, the objects gone, no status hint): not even the account ID.
    if (!desired.topic && !desired.hints?.topicArn) return undefined;
    if (desired.protocol === 'sqs' && !desired.queue && !desired.hints?.endpoint) return undefined;
    const { accountId, partition } = await accountInfo(ctx);
    let topicArn: string | undefined;
    let topicAllowListed = false;
    const topic = desired.topic;
    try {
      if (topic?.arn) {
        checkArnAccount(topic.arn, topic.scope, accountId, 'spec.topicArn');
        topicArn = topic.arn;
        topicAllowListed = topic.scope.allowListed;
      } else if (topic) {
        topicArn = topicArnOf(partition, topic.region, accountId, topic.topicName);
      } else if (desired.hints?.topicArn) {
        const p = parseArn(desired.hints.topicArn);
        if (p?.service === 'sns' && p.account === accountId && desired.hints.topicNames.includes(p.resource)) topicArn = desired.hints.topicArn;
      }
      let endpoint: string | undefined = desired.endpoint;
      if (desired.protocol === 'sqs') {
        if (desired.queue) endpoint = queueArnOf(partition, desired.queue.region, accountId, desired.queue.queueName);
        else {
          const hinted = desired.hints?.endpoint;
          const p = parseArn(hinted);
          endpoint = p?.service === 'sqs' && p.account === accountId ? hinted : undefined;
        }
      }
      if (!topicArn || !endpoint) return undefined;
      let redrivePolicy: string | undefined;
      const dl = desired.deadLetter;
      if (dl?.queue) redrivePolicy = redrivePolicyJson(queueArnOf(partition, dl.queue.region, accountId, dl.queue.queueName));
      else if (dl?.arn) {
        checkArnAccount(dl.arn, dl.scope, accountId, 'spec.deadLetter.targetArn');
        redrivePolicy = redrivePolicyJson(dl.arn);
      }
      const targets: SubscriptionTargets = {
        topicArn,
        protocol: desired.protocol,
        endpoint,
        ...(redrivePolicy ? { redrivePolicy } : {}),
        ...(desired.queue ? { queueRef: desired.queue.ref } : {}),
      };
      return { targets, topicAllowListed };
    } catch (err) {
      // An ARN in another account was never subscribed to: nothing to clean up on deletion.
      if (err instanceof InvalidSpecError && desired.finalizing) return undefined;
      throw err;
    }
  }

  function evidence(r: Resolved): Promise<Evidence> {
    evidenceOnce ??= (async () => {
      const t = r.targets;
      const topicTags = await readTopicTags(ctx.aws.sns(regionOf(t.topicArn)), t.topicArn);
      if (!topicTags || t.protocol !== 'sqs') return topicTags ? { topicTags } : {};
      const q = checkedArn(t.endpoint);
      const sqs = ctx.aws.sqs(q.region);
      const url = queueUrlOf(q.partition, q.region, q.account, q.resource);
      let attributes: Record<string, string>;
      try {
        attributes = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Policy'] }))).Attributes ?? {};
      } catch (err) {
        if (isAwsError(err, ...SQS_NOT_FOUND)) return { topicTags, queue: { exists: false, allowsTopic: false } };
        throw err;
      }
      const queue = { exists: true, allowsTopic: policyAllowsTopic(parsePolicyDocument(attributes.Policy), t.endpoint, t.topicArn) };
      if (topicIsNamespaces(topicTags, ctx.owner)) return { topicTags, queue };
      // The topic cannot prove ownership: the queue's owner tags may.
      const queueTags = (await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags ?? {};
      return { topicTags, queue, queueTags };
    })();
    return evidenceOnce;
  }

  function ownershipOf(r: Resolved, e: Evidence) {
    const input: OwnershipEvidence = { topicTags: e.topicTags ?? {}, topicAllowListed: r.topicAllowListed, ...(e.queueTags ? { queueTags: e.queueTags } : {}) };
    return subscriptionOwnership(input, ctx.owner);
  }

  function observedOf(r: Resolved, e: Evidence, found: Found): SubscriptionObserved {
    return {
      ...(found.arn ? { arn: found.arn } : {}),
      attributes: found.attributes,
      targets: r.targets,
      ownerTags: ownershipOf(r, e).tags,
      ...(e.queue ? { queue: e.queue } : {}),
    };
  }

  return {
    async readOne(desired, previous) {
      const r = await resolve(desired);
      if (!r) return undefined;
      const found = await findSubscription(ctx.aws.sns(regionOf(r.targets.topicArn)), r.targets, previous?.subscriptionArn);
      if (!found) return undefined;
      const e = await evidence(r);
      // The topic is gone: so are its subscriptions (SNS deletes them with it).
      if (!e.topicTags) return undefined;
      return observedOf(r, e, found);
    },

    async create(desired) {
      const r = await resolve(desired);
      if (!r) throw new WaitError('DependencyNotReady', 'the topic or the endpoint cannot be resolved yet', AWS_DEPENDENCY_WAIT_SECONDS);
      const t = r.targets;
      const e = await evidence(r);
      if (!e.topicTags) {
        throw new WaitError(
          'TopicNotFound',
          `waiting for topic ${t.topicArn} to exist in SNS${desired.topic?.ref ? ` (Topic "${desired.topic.ref}" creates it)` : ''}`,
          AWS_DEPENDENCY_WAIT_SECONDS,
        );
      }
      // Ownership before the first write (DESIGN.md §3.3): see ownership.ts.
      const own = ownershipOf(r, e);
      if (own.verdict === 'foreign') {
        throw new TerminalError('Conflict', `topic ${t.topicArn} belongs to ${describeOwner(e.topicTags)}; awshooks will not subscribe to it`);
      }
      if (own.verdict === 'unowned' && !desired.adopt) {
        throw new TerminalError(
          'Conflict',
          `neither topic ${t.topicArn} nor the endpoint carries this namespace's owner tags, so the subscription could not be proven to be this namespace's; set spec.adopt: true to create and manage it anyway`,
        );
      }
      if (e.queue && !e.queue.exists) {
        throw new WaitError(
          'QueueNotFound',
          `waiting for queue ${t.endpoint} to exist in SQS${t.queueRef ? ` (Queue "${t.queueRef}" creates it)` : ''}`,
          AWS_DEPENDENCY_WAIT_SECONDS,
        );
      }
      if (e.queue && !e.queue.allowsTopic) {
        // Subscribing now would only have SQS refuse every delivery: wait for the Queue's policy.
        throw new WaitError(
          'QueuePolicyPending',
          `waiting until the access policy of Queue "${t.queueRef ?? t.endpoint}" lets topic ${t.topicArn} send to it (the Queue adds that statement itself once it sees this Subscription)`,
          10,
        );
      }
      const attributes: Record<string, string> = {};
      // NOTE: false is SNS's default; moto even stores the string "false" as given and treats it as true.
      if (desired.rawMessageDelivery) attributes.RawMessageDelivery = 'true';
      if (desired.filterPolicy) {
        attributes.FilterPolicyScope = desired.filterPolicyScope;
        attributes.FilterPolicy = JSON.stringify(desired.filterPolicy);
      }
      if (t.redrivePolicy) attributes.RedrivePolicy = t.redrivePolicy;
      const sns = ctx.aws.sns(regionOf(t.topicArn));
      // ReturnSubscriptionArn: the real ARN even before an email or https endpoint confirms.
      const out = await sns.send(
        new SubscribeCommand({ TopicArn: t.topicArn, Protocol: t.protocol, Endpoint: t.endpoint, Attributes: attributes, ReturnSubscriptionArn: true }),
      );
      const arn = out.SubscriptionArn;
      if (!arn || arn === 'pending confirmation') throw new Error('Subscribe returned no SubscriptionArn');
      const read = await subscriptionAttributes(sns, arn);
      return observedOf(r, e, { arn, attributes: read ?? { ...attributes, TopicArn: t.topicArn, Protocol: t.protocol, Endpoint: t.endpoint } });
    },

    async update(desired, observed, delta) {
      const arn = observed.arn;
      if (!arn) throw new WaitError('PendingConfirmation', 'the subscription is not confirmed yet', 60);
      const sns = ctx.aws.sns(regionOf(observed.targets.topicArn));
      let attributes = { ...observed.attributes };
      // NOTE: SetSubscriptionAttributes takes one attribute per call, in the order the delta gives.
      for (const [name, value] of (delta as SubscriptionDelta).attributes) {
        await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: arn, AttributeName: name, AttributeValue: value }));
        if (value === '') {
          const { [name]: _cleared, ...rest } = attributes;
          attributes = rest;
        } else attributes[name] = value;
      }
      return { ...observed, attributes };
    },

    async delete(desired, observed) {
      const sns = ctx.aws.sns(regionOf(observed.targets.topicArn));
      let arn = observed.arn;
      if (!arn) {
        // NOTE: SNS lists an unconfirmed subscription without its ARN; Subscribe with
        // ReturnSubscriptionArn is the only way to learn it (for email it sends the confirmation
        // message again). Reached only when status lost the ARN.
        const t = observed.targets;
        arn = (await sns.send(new SubscribeCommand({ TopicArn: t.topicArn, Protocol: t.protocol, Endpoint: t.endpoint, ReturnSubscriptionArn: true })))
          .SubscriptionArn;
        if (!arn) throw new Error('Subscribe returned no SubscriptionArn');
      }
      try {
        await sns.send(new UnsubscribeCommand({ SubscriptionArn: arn }));
      } catch (err) {
        if (!isAwsError(err, ...SNS_NOT_FOUND)) throw err;
      }
      return 'deleted';
    },
  };
}
