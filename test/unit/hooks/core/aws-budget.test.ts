/** The AWS call budget in front of the SDK clients: a refused call is never sent, nor counted as sent. */
import t from 'tap';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { AwsRateLimiter, budgetScope, DEFAULT_RATE_LIMITS, isReadOperation, TokenBucket } from '../../../../hooks/core/aws-budget.js';
import { AwsClients } from '../../../../hooks/core/aws-clients.js';

// No real credentials, no metadata service.
process.env.AWS_ACCESS_KEY_ID ??= 'testing';
process.env.AWS_SECRET_ACCESS_KEY ??= 'testing';
process.env.AWS_EC2_METADATA_DISABLED = 'true';

t.test('a token bucket: burst, then the rate; waits within the bound, refuses beyond', async (t) => {
  const bucket = new TokenBucket({ ratePerSecond: 10, burst: 2 }, 0);
  t.equal(bucket.take(0, 0), 0);
  t.equal(bucket.take(0, 0), 0);
  t.equal(bucket.take(0, 0), undefined, 'empty: a caller that does not wait is refused');
  t.equal(bucket.take(0, 150), 100, 'a caller that may wait gets the next token in 100 ms');
  t.equal(bucket.take(0, 150), undefined, 'the one after would wait 200 ms');
  t.equal(bucket.take(1000, 0), 0, 'refilled');
  t.equal(bucket.secondsToNext(), 1);
});

t.test('refused calls are not sent and not counted; admitted ones are', async (t) => {
  const counted: string[] = [];
  const limited: string[] = [];
  let clock = 0;
  const limiter = new AwsRateLimiter({
    limits: { sqs: { ratePerSecond: 0.001, burst: 1 } },
    maxWaitMs: 0,
    now: () => clock,
    onLimited: (s, r) => limited.push(`${s}/${r}`),
  });
  // A closed port: an admitted call fails fast with ECONNREFUSED, and is counted.
  const aws = new AwsClients({
    endpoint: 'http://127.0.0.1:9',
    maxAttempts: 1,
    limiter,
    onCall: (service, operation, outcome) => counted.push(`${service} ${operation} ${outcome}`),
  });
  t.teardown(() => {
    aws.destroy();
  });
  const send = () => aws.sqs('eu-west-1').send(new GetQueueAttributesCommand({ QueueUrl: 'http://127.0.0.1:9/123456789012/q', AttributeNames: ['All'] }));
  await t.rejects(send(), { code: 'ECONNREFUSED' }, 'admitted and sent');
  await t.rejects(send(), { name: 'WaitError', reason: 'RateLimited' }, 'refused');
  t.same(counted, ['sqs GetQueueAttributes network_error'], 'only the sent call is counted');
  t.same(limited, ['sqs/eu-west-1']);
  clock += 10_000_000;
  const scope = { drift: true, calls: 0, wrote: false };
  await t.rejects(budgetScope.run(scope, send), { code: 'ECONNREFUSED' });
  t.same(scope, { drift: true, calls: 1, wrote: false }, 'the scope saw one read');
});

t.test('defaults and read operations', async (t) => {
  t.ok(DEFAULT_RATE_LIMITS.rds!.ratePerSecond < 12, 'below the RDS account limit of 12/s');
  t.ok(isReadOperation('DescribeDBInstances') && isReadOperation('ListQueueTags') && isReadOperation('GetRole'));
  t.notOk(isReadOperation('CreateQueue') || isReadOperation('TagQueue') || isReadOperation('PutRolePolicy'));
  t.equal(new AwsRateLimiter({ limits: { '*': { ratePerSecond: 1, burst: 1 } } }).limitOf('dynamodb').ratePerSecond, 1, '* for other services');
});
