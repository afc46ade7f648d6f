import t from 'tap';
import { InvalidSpecError } from '../../../../hooks/core/errors.js';
import { checkedArn, defaultTopicName, parseArn, queueArnOf, queueUrlOf, topicArnOf } from '../../../../hooks/sns-common/names.js';

t.test('topic names: <prefix>-<namespace>-<name>, 256 at most, .fifo kept after a cut', async (t) => {
  t.equal(defaultTopicName('awshooks', 'shop', 'orders', false), 'awshooks-shop-orders');
  t.equal(defaultTopicName('awshooks', 'shop', 'orders', true), 'awshooks-shop-orders.fifo');
  t.match(
    defaultTopicName('awshooks', 'shop', 'orders.v2', false),
    /^awshooks-shop-orders_v2-[0-9a-f]{8}$/,
    'dots are not allowed in topic names: written _, with a hash so orders.v2 and orders_v2 differ',
  );
  t.equal(defaultTopicName('awshooks', 'team-a', 'orders', false), 'awshooks-team_a-orders', 'the namespace token');
  const long = defaultTopicName('awshooks', 'n'.repeat(63), 'x'.repeat(253), true);
  t.equal(long.length, 256);
  t.match(long, /^[A-Za-z0-9_-]+\.fifo$/);
  t.not(defaultTopicName('awshooks', 'n'.repeat(63), `${'x'.repeat(252)}y`, true), long, 'long names that share a beginning differ (hash suffix)');
});

t.test('ARNs: parse, build, and queue URLs built rather than read', async (t) => {
  t.same(parseArn('arn:aws:sns:eu-west-1:123456789012:orders'), {
    partition: 'aws',
    service: 'sns',
    region: 'eu-west-1',
    account: '123456789012',
    resource: 'orders',
  });
  t.same(parseArn('arn:aws-cn:sqs:cn-north-1:123456789012:q.fifo')?.partition, 'aws-cn');
  for (const bad of [undefined, '', 'orders', 'arn:aws:sns:eu-west-1:12345:orders', 'https://example.com']) t.equal(parseArn(bad), undefined, String(bad));
  t.equal(topicArnOf('aws', 'eu-west-1', '123456789012', 't'), 'arn:aws:sns:eu-west-1:123456789012:t');
  t.equal(queueArnOf('aws', 'eu-west-1', '123456789012', 'q'), 'arn:aws:sqs:eu-west-1:123456789012:q');
  t.equal(queueUrlOf('aws', 'eu-west-1', '123456789012', 'q'), 'https://sqs.eu-west-1.amazonaws.com/123456789012/q');
  t.equal(queueUrlOf('aws-cn', 'cn-north-1', '123456789012', 'q'), 'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q');
});

t.test('checkedArn: the parts of an ARN the isolation rules accepted; anything else is a bug, not a spec error', async (t) => {
  t.same(checkedArn('arn:aws:sqs:eu-west-1:123456789012:q'), parseArn('arn:aws:sqs:eu-west-1:123456789012:q'));
  t.throws(() => checkedArn('orders'), { name: 'Error', message: 'not an ARN: orders' });
  const err = (() => {
    try {
      checkedArn('');
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  t.notOk(err instanceof InvalidSpecError, 'not reported to the user as their mistake');
});
