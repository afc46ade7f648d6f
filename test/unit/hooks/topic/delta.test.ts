import t from 'tap';
import { topicDelta, type TopicObserved } from '../../../../hooks/topic/delta.js';
import type { TopicDesired } from '../../../../hooks/topic/desired.js';

const ownerTags = {
  'awshooks.dev/cluster': 'default',
  'awshooks.dev/namespace': 'shop',
  'awshooks.dev/name': 'orders',
  'awshooks.dev/uid': 'u',
  'awshooks.dev/kind': 'Topic',
};
const desired = (over: Partial<TopicDesired> = {}): TopicDesired => ({
  region: 'eu-west-1',
  topicName: 'awshooks-shop-orders',
  fifo: false,
  attributes: {},
  tags: {},
  ownerTags,
  adopt: false,
  deletionPolicy: 'Delete',
  force: false,
  ...over,
});
const observed = (attributes: Record<string, string> = {}, tags: Record<string, string> = ownerTags): TopicObserved => ({
  arn: 'arn:aws:sns:eu-west-1:123456789012:awshooks-shop-orders',
  attributes,
  tags,
});

const policy = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::123456789012:root'] }, Action: ['sns:Publish'], Resource: '*' }],
};
// The same policy as SNS may return it: strings for one-element lists, other key order, no spaces.
const policyAsStored = JSON.stringify({
  Statement: [{ Resource: '*', Action: 'sns:Publish', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Effect: 'Allow' }],
  Version: '2012-10-17',
});

t.test('nothing to do when AWS matches, compared by meaning', async (t) => {
  const d = desired({
    attributes: { DisplayName: 'Orders', ContentBasedDeduplication: 'true' },
    policy,
    deliveryPolicy: { http: { defaultHealthyRetryPolicy: { numRetries: 3, minDelayTarget: 20 } } },
    tags: { team: 'a' },
  });
  const o = observed(
    {
      DisplayName: 'Orders',
      ContentBasedDeduplication: 'True',
      Policy: policyAsStored,
      DeliveryPolicy: '{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"numRetries":3}}}',
      SubscriptionsConfirmed: '4',
    },
    { ...ownerTags, team: 'a', 'set-by-someone-else': 'x' },
  );
  t.same(topicDelta(d, o, ['team']), { paths: [], attributes: {}, tagsToAdd: {}, tagsToRemove: [] });
});

t.test('what differs, and only that', async (t) => {
  const d = desired({
    attributes: { DisplayName: 'Orders', KmsMasterKeyId: 'alias/x' },
    policy,
    deliveryPolicy: { http: { defaultHealthyRetryPolicy: { numRetries: 5 } } },
    tags: { team: 'a' },
  });
  const o = observed(
    { DisplayName: '', Policy: '{"Version":"2008-10-17","Statement":[]}', DeliveryPolicy: '' },
    { ...ownerTags, 'awshooks.dev/uid': 'old', tier: 'gold', other: 'x' },
  );
  const delta = topicDelta(d, o, ['tier']);
  t.same(delta.attributes, {
    DisplayName: 'Orders',
    KmsMasterKeyId: 'alias/x',
    Policy: JSON.stringify(policy),
    DeliveryPolicy: '{"http":{"defaultHealthyRetryPolicy":{"numRetries":5}}}',
  });
  t.same(delta.tagsToAdd, { team: 'a', 'awshooks.dev/uid': 'u' }, 'owner tags put back too');
  t.same(delta.tagsToRemove, ['tier'], 'only a tag we set before is removed; "other" is left alone');
  t.same(delta.paths, ['attributes.DisplayName', 'attributes.KmsMasterKeyId', 'attributes.Policy', 'attributes.DeliveryPolicy', 'tags']);
});

t.test('attributes left out of the spec are left to AWS', async (t) => {
  const o = observed({ DisplayName: 'set elsewhere', KmsMasterKeyId: 'alias/elsewhere', Policy: policyAsStored, DeliveryPolicy: '{"http":{}}' });
  t.same(topicDelta(desired(), o).paths, []);
});
