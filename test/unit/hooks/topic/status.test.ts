import t from 'tap';
import { topicChildren, topicStatus } from '../../../../hooks/topic/status.js';
import type { TopicDesired } from '../../../../hooks/topic/desired.js';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import type { Parent } from '../../../../hooks/core/types.js';
import type { TopicSpec, TopicStatus } from '../../../../schemas/topic.js';

const desired = {
  region: 'eu-west-1',
  topicName: 'awshooks-shop-orders',
  fifo: false,
  attributes: {},
  tags: { b: '1', a: '2' },
  ownerTags: {},
  adopt: false,
  deletionPolicy: 'Delete',
  force: false,
} as TopicDesired;
const arn = 'arn:aws:sns:eu-west-1:123456789012:awshooks-shop-orders';
const parent = {
  apiVersion: 'sns.awshooks.dev/v1alpha1',
  kind: 'Topic',
  metadata: { name: 'orders', namespace: 'shop' },
  spec: { region: 'eu-west-1' },
} as Parent<TopicSpec, TopicStatus>;

t.test('status from what SNS reported', async (t) => {
  t.same(topicStatus(desired, { arn, attributes: { SubscriptionsConfirmed: '3', SubscriptionsPending: '1' }, tags: {} }), {
    topicArn: arn,
    topicName: 'awshooks-shop-orders',
    region: 'eu-west-1',
    subscriptionsConfirmed: 3,
    subscriptionsPending: 1,
    managedTagKeys: ['a', 'b'],
  });
  t.equal(topicStatus(desired, { arn, attributes: { SubscriptionsConfirmed: 'n/a' }, tags: {} }).subscriptionsConfirmed, 0, 'garbage counts as 0, never NaN');
});

t.test('the ConfigMap, from status only; none before the topic exists', async (t) => {
  const input = (status: TopicStatus, spec?: TopicSpec) => ({
    parent,
    spec,
    status,
    desired: undefined,
    children: {},
    config: DEFAULT_HOOKS_CONFIG,
    now: new Date(),
  });
  t.same(topicChildren(input({})), []);
  t.same(topicChildren(input({ topicArn: arn, region: 'eu-west-1' })), [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'orders-topic',
        labels: { 'app.kubernetes.io/managed-by': 'awshooks', 'awshooks.dev/owner-kind': 'Topic', 'awshooks.dev/owner-name': 'orders' },
      },
      data: { TOPIC_ARN: arn, AWS_REGION: 'eu-west-1' },
    },
  ]);
  t.same(
    (topicChildren(input({ topicArn: arn }, undefined))[0] as unknown as { data: Record<string, string> }).data.AWS_REGION,
    '',
    'no region anywhere: empty, never a throw',
  );
});
