/**
 * What a Subscription looks for in AWS when its spec cannot be read: only what status recorded,
 * as lookup hints (the I/O code re-reads the subscription and proves ownership from owner tags).
 */
import t from 'tap';
import { subscriptionOrphanCandidates } from '../../../../hooks/subscription/candidates.js';
import { orphanInput } from '../../../helpers/orphan-input.js';

const topicArn = 'arn:aws:sns:eu-west-1:123456789012:awshooks-team_a-events';
const queueArn = 'arn:aws:sqs:eu-west-1:123456789012:awshooks-team_a-orders';

t.test('an sqs subscription: the status topic and endpoint as hints, the names the raw topicRef could give', async (t) => {
  const [c, ...rest] = subscriptionOrphanCandidates(
    orphanInput({ topicRef: 'events', queueRef: 'orders', filterPolicy: 'x' }, { topicArn, protocol: 'sqs', endpoint: queueArn }),
  );
  t.same(rest, []);
  t.equal(c?.protocol, 'sqs');
  t.equal(c?.endpoint, undefined, 'an sqs endpoint is resolved from the hint by the I/O code');
  t.same(c?.hints, { topicArn, endpoint: queueArn, topicNames: ['awshooks-team_a-events', 'awshooks-team_a-events.fifo'] });
  t.equal(c?.finalizing, true);
  t.equal(c?.adopt, false, 'never adopts: an unproven subscription is left in place');
  t.equal(c?.topic, undefined, 'no topic but the hint');
});

t.test('an https subscription: the endpoint as it is; a raw topicArn names the topic', async (t) => {
  const [c] = subscriptionOrphanCandidates(
    orphanInput({ topicArn, protocol: 'https', endpoint: 'https://x.example/hook', rawMessageDelivery: 'no' }, { topicArn }, 'Retain'),
  );
  t.equal(c?.protocol, 'https');
  t.equal(c?.endpoint, 'https://x.example/hook');
  t.same(c?.hints?.topicNames, ['awshooks-team_a-events']);
  t.equal(c?.deletionPolicy, 'Retain');
});

t.test('nothing to look for without a status topic, a known protocol or an endpoint', async (t) => {
  t.same(subscriptionOrphanCandidates(orphanInput({ topicRef: 'events', queueRef: 'orders' })), [], 'no status');
  t.same(subscriptionOrphanCandidates(orphanInput({ protocol: 'smtp' }, { topicArn, endpoint: 'a@b.c' })), [], 'unknown protocol');
  t.same(subscriptionOrphanCandidates(orphanInput({ queueRef: 'orders' }, { topicArn })), [], 'sqs without a recorded endpoint');
  t.same(subscriptionOrphanCandidates(orphanInput({}, { topicArn: 'not-an-arn', protocol: 'sqs', endpoint: queueArn })), [], 'an unreadable topic ARN');
});
