import t from 'tap';
import { redrivePolicyJson, subscriptionDelta, type SubscriptionObserved } from '../../../../hooks/subscription/delta.js';
import type { SubscriptionDesired } from '../../../../hooks/subscription/desired.js';

const topicArn = 'arn:aws:sns:eu-west-1:123456789012:awshooks-shop-orders';
const dlq = 'arn:aws:sqs:eu-west-1:123456789012:awshooks-shop-dlq';
const desired = (over: Partial<SubscriptionDesired> = {}): SubscriptionDesired => ({
  protocol: 'https',
  endpoint: 'https://example.com/hook',
  rawMessageDelivery: false,
  filterPolicyScope: 'MessageAttributes',
  adopt: false,
  deletionPolicy: 'Delete',
  ...over,
});
const observed = (attributes: Record<string, string>, redrivePolicy?: string): SubscriptionObserved => ({
  arn: `${topicArn}:1`,
  attributes: { TopicArn: topicArn, Protocol: 'https', Endpoint: 'https://example.com/hook', PendingConfirmation: 'false', ...attributes },
  targets: { topicArn, protocol: 'https', endpoint: 'https://example.com/hook', ...(redrivePolicy ? { redrivePolicy } : {}) },
  ownerTags: {},
});

t.test('converged: nothing to write (compared by meaning)', async (t) => {
  t.same(subscriptionDelta(desired(), observed({ RawMessageDelivery: 'false' })), { paths: [], attributes: [] });
  t.same(subscriptionDelta(desired(), observed({})).paths, [], 'RawMessageDelivery absent is false');
  const d = desired({ rawMessageDelivery: true, filterPolicy: { b: ['2'], a: ['1'] } });
  t.same(
    subscriptionDelta(d, observed({ RawMessageDelivery: 'True', FilterPolicy: '{"a": ["1"], "b": ["2"]}' })).paths,
    [],
    'key order and spacing do not count; scope defaults to MessageAttributes',
  );
  t.same(subscriptionDelta(desired(), observed({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq }) }, redrivePolicyJson(dlq))).paths, []);
  t.same(subscriptionDelta(desired(), observed({ FilterPolicy: '{}' })).paths, [], 'an empty filter policy is none');
});

t.test('the spec is the whole truth: what differs is set, what left the spec is removed', async (t) => {
  t.same(subscriptionDelta(desired({ rawMessageDelivery: true }), observed({ RawMessageDelivery: 'false' })).attributes, [['RawMessageDelivery', 'true']]);
  t.same(subscriptionDelta(desired(), observed({ RawMessageDelivery: 'true' })).attributes, [['RawMessageDelivery', 'false']]);
  t.same(
    subscriptionDelta(desired(), observed({ FilterPolicy: '{"a":["1"]}', FilterPolicyScope: 'MessageAttributes' })).attributes,
    [['FilterPolicy', '']],
    'filter removed',
  );
  t.same(
    subscriptionDelta(desired(), observed({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq }) })).attributes,
    [['RedrivePolicy', '']],
    'dead-letter queue removed',
  );
  t.same(subscriptionDelta(desired(), observed({}, redrivePolicyJson(dlq))).attributes, [['RedrivePolicy', redrivePolicyJson(dlq)]]);
  t.same(subscriptionDelta(desired(), observed({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `${dlq}-old` }) }, redrivePolicyJson(dlq))).paths, [
    'attributes.RedrivePolicy',
  ]);
});

t.test('scope and policy in the order SNS validates them', async (t) => {
  const body = { order: { size: ['big'] } };
  t.same(
    subscriptionDelta(
      desired({ filterPolicy: body, filterPolicyScope: 'MessageBody' }),
      observed({ FilterPolicy: '{"a":["1"]}', FilterPolicyScope: 'MessageAttributes' }),
    ).attributes,
    [
      ['FilterPolicyScope', 'MessageBody'],
      ['FilterPolicy', JSON.stringify(body)],
    ],
    'to MessageBody: the scope first (the nested policy would be refused under MessageAttributes)',
  );
  t.same(
    subscriptionDelta(
      desired({ filterPolicy: { a: ['1'] }, filterPolicyScope: 'MessageAttributes' }),
      observed({ FilterPolicy: JSON.stringify(body), FilterPolicyScope: 'MessageBody' }),
    ).attributes,
    [
      ['FilterPolicy', '{"a":["1"]}'],
      ['FilterPolicyScope', 'MessageAttributes'],
    ],
    'back to MessageAttributes: the flat policy first',
  );
});
