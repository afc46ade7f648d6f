import t from 'tap';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import { checkArnAccount, checkSpecArn } from '../../../../hooks/sns-common/isolation.js';

const config = {
  ...DEFAULT_HOOKS_CONFIG,
  allowedSnsTopicArns: ['arn:aws:sns:*:999988887777:shared-*'],
  allowedSqsQueueArns: ['arn:aws:sqs:eu-west-1:*:dlq-shared'],
};

t.test('spec ARNs stay in the namespace unless the administrator allowed them', async (t) => {
  const cases: [string, 'sns' | 'sqs', { ownName: boolean; allowListed: boolean } | RegExp][] = [
    ['arn:aws:sns:eu-west-1:123456789012:awshooks-shop-orders', 'sns', { ownName: true, allowListed: false }],
    ['arn:aws:sns:eu-west-1:123456789012:awshooks-shop-orders.fifo', 'sns', { ownName: true, allowListed: false }],
    ['arn:aws:sns:eu-west-1:123456789012:awshooks-other-orders', 'sns', /outside namespace "shop".*ALLOWED_SNS_TOPIC_ARNS/],
    ['arn:aws:sns:eu-west-1:123456789012:awshooks-shopx-orders', 'sns', /outside namespace "shop"/],
    ['arn:aws:sns:eu-west-1:123456789012:orders', 'sns', /outside namespace/],
    ['arn:aws:sns:us-east-1:999988887777:shared-events', 'sns', { ownName: false, allowListed: true }],
    ['arn:aws:sns:us-east-1:111111111111:shared-events', 'sns', /ALLOWED_SNS_TOPIC_ARNS nor ALLOWED_AWS_NAMES allows it/],
    ['arn:aws:sqs:eu-west-1:123456789012:awshooks-shop-dlq', 'sqs', { ownName: true, allowListed: false }],
    ['arn:aws:sqs:eu-west-1:444455556666:dlq-shared', 'sqs', { ownName: false, allowListed: true }],
    ['arn:aws:sqs:eu-west-1:444455556666:dlq-other', 'sqs', /ALLOWED_SQS_QUEUE_ARNS/],
    ['arn:aws:sqs:eu-west-1:123456789012:awshooks-shop-dlq', 'sns', /not an SNS topic ARN/],
    ['arn:aws:sns:eu-west-1:123456789012:awshooks-shop-x:sub-id', 'sns', /not an SNS topic ARN/],
    ['not-an-arn', 'sqs', /not an SQS queue ARN/],
  ];
  for (const [arn, service, want] of cases) {
    if (want instanceof RegExp) t.throws(() => checkSpecArn(arn, 'spec.topicArn', service, 'shop', config), { reason: 'InvalidSpec', message: want }, arn);
    else t.same(checkSpecArn(arn, 'spec.topicArn', service, 'shop', config), want, arn);
  }
  t.throws(
    () => checkSpecArn('arn:aws:sns:us-east-1:999988887777:shared-events', 'f', 'sns', 'shop', DEFAULT_HOOKS_CONFIG),
    /nor ALLOWED_AWS_NAMES allows it/,
    'no allow-list configured: nothing outside',
  );
});

t.test("an ARN allowed only by its name must be in awshooks' own account", async (t) => {
  t.doesNotThrow(() => {
    checkArnAccount('arn:aws:sns:eu-west-1:123456789012:awshooks-shop-x', { ownName: true, allowListed: false }, '123456789012', 'f');
  });
  t.throws(
    () => {
      checkArnAccount('arn:aws:sns:eu-west-1:210987654321:awshooks-shop-x', { ownName: true, allowListed: false }, '123456789012', 'spec.topicArn');
    },
    { reason: 'InvalidSpec', message: /spec\.topicArn: .* is in account 210987654321, not in awshooks' account 123456789012/ },
  );
  t.doesNotThrow(() => {
    checkArnAccount('arn:aws:sns:eu-west-1:210987654321:shared', { ownName: false, allowListed: true }, '123456789012', 'f');
  }, 'allow-listed: any account');
});
