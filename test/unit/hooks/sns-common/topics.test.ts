/** A topic's tags as both SNS kinds read them: a map, undefined when the topic is gone. */
import t from 'tap';
import type { SNSClient } from '@aws-sdk/client-sns';
import { readTopicTags, SNS_NOT_FOUND } from '../../../../hooks/sns-common/topics.js';

const ARN = 'arn:aws:sns:eu-west-1:123456789012:awshooks-shop-events';

/** An SNS client answering ListTagsForResource with `answer`, recording the ARNs asked for. */
function client(answer: () => unknown) {
  const asked: unknown[] = [];
  const sns = {
    send: async (cmd: { input: { ResourceArn?: unknown } }) => {
      asked.push(cmd.input.ResourceArn);
      return Promise.resolve(answer());
    },
  } as unknown as SNSClient;
  return { sns, asked };
}

const error = (name: string) => Object.assign(new Error(name), { name, $fault: 'client' });

t.test('tags as a map; none is an empty map', async (t) => {
  const { sns, asked } = client(() => ({
    Tags: [
      { Key: 'team', Value: 'shop' },
      { Key: 'awshooks.dev/namespace', Value: 'shop' },
    ],
  }));
  t.same(await readTopicTags(sns, ARN), { team: 'shop', 'awshooks.dev/namespace': 'shop' });
  t.same(asked, [ARN]);
  t.same(await readTopicTags(client(() => ({})).sns, ARN), {}, 'no Tags in the answer');
});

t.test('every not-found spelling means no topic; other errors propagate', async (t) => {
  for (const name of SNS_NOT_FOUND) {
    const { sns } = client(() => {
      throw error(name);
    });
    t.equal(await readTopicTags(sns, ARN), undefined, name);
  }
  const { sns } = client(() => {
    throw error('AuthorizationError');
  });
  await t.rejects(readTopicTags(sns, ARN), { name: 'AuthorizationError' });
});
