/** SNS reads both SNS kinds make (the Topic for itself, the Subscription to prove ownership). */
import { ListTagsForResourceCommand, type SNSClient } from '@aws-sdk/client-sns';
import { isAwsError } from '../core/errors.js';

/**
 * NOTE: SNS's query protocol says NotFound (topics, subscriptions) and ResourceNotFound
 * (tagging); the SDK may surface the modelled exception names instead.
 */
export const SNS_NOT_FOUND = ['NotFound', 'NotFoundException', 'ResourceNotFound', 'ResourceNotFoundException'];

/** A topic's tags, or undefined when the topic does not exist. */
export async function readTopicTags(sns: SNSClient, arn: string): Promise<Record<string, string> | undefined> {
  try {
    const out = await sns.send(new ListTagsForResourceCommand({ ResourceArn: arn }));
    return Object.fromEntries((out.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  } catch (err) {
    if (isAwsError(err, ...SNS_NOT_FOUND)) return undefined;
    throw err;
  }
}
