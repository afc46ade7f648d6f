/** The SNS kinds' settings in the service configuration. */
import t from 'tap';
import { loadConfig } from '../../../server/config.js';

t.test('ALLOWED_SNS_TOPIC_ARNS and ALLOWED_SQS_QUEUE_ARNS: lists of ARN patterns, empty by default', async (t) => {
  const none = loadConfig({ HOOK_AUTH_DISABLED: 'true' });
  t.same(none.hooks.allowedSnsTopicArns, [], 'nothing outside a namespace unless the administrator says so');
  t.same(none.hooks.allowedSqsQueueArns, []);
  const c = loadConfig({
    HOOK_AUTH_DISABLED: 'true',
    ALLOWED_SNS_TOPIC_ARNS: 'arn:aws:sns:*:111122223333:platform-*, arn:aws:sns:eu-west-1:444455556666:audit',
    ALLOWED_SQS_QUEUE_ARNS: 'arn:aws:sqs:eu-west-1:111122223333:shared-dlq',
  });
  t.same(c.hooks.allowedSnsTopicArns, ['arn:aws:sns:*:111122223333:platform-*', 'arn:aws:sns:eu-west-1:444455556666:audit']);
  t.same(c.hooks.allowedSqsQueueArns, ['arn:aws:sqs:eu-west-1:111122223333:shared-dlq']);
});
