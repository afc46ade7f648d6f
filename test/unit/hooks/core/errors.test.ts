/**
 * Errors from the path to AWS: what the SDK throws when something between us and AWS (a proxy, a
 * load balancer, a broken connection) answers instead of AWS, and how the hooks answer it.
 */
import t from 'tap';
import { AwsClients } from '../../../../hooks/core/aws-clients.js';
import { classifyError, outcomeOf, RecoverableError, TerminalError, WaitError, safeMessage } from '../../../../hooks/core/errors.js';
import type { Condition, Parent, SyncResponse } from '../../../../hooks/core/types.js';
import { buildApp } from '../../../../server/app.js';
import { testConfig, TEST_TOKEN } from '../../../helpers/app.js';
import { startFaultProxy, type FaultMode } from '../../../helpers/fault-proxy.js';
import { KINDS_HOOKS_CONFIG, samples } from '../../../helpers/kinds.js';
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';

/** Nothing listens here: only faults answer. */
const DEAD = 'http://127.0.0.1:9';

/** Status that says the resource exists, so that finalize reaches AWS. */
const EXISTING: Record<string, Record<string, unknown>> = {
  Queue: { queueUrl: 'http://127.0.0.1:9/123456789012/awshooks-team-a-sample', queueName: 'awshooks-team-a-sample', region: 'us-east-1' },
  Policy: { arn: 'arn:aws:iam::123456789012:policy/awshooks/awshooks-team-a-sample', policyName: 'awshooks-team-a-sample' },
  Role: { roleArn: 'arn:aws:iam::123456789012:role/awshooks/awshooks-team-a-sample', roleName: 'awshooks-team-a-sample' },
  DBInstance: { dbInstanceIdentifier: 'awshooks-team-a-sample', region: 'us-east-1' },
};

/** The error an SDK call ends in when the proxy answers in `mode`. */
async function sdkErrorThrough(mode: FaultMode, service: 'sqs' | 'iam' | 'rds', status = 502): Promise<unknown> {
  const proxy = await startFaultProxy(DEAD, [{ operation: '*', failures: 100, status, code: 'X', mode }]);
  const aws = new AwsClients({ endpoint: proxy.url, maxAttempts: 1 });
  try {
    if (service === 'sqs') await aws.sqs('us-east-1').send(new GetQueueUrlCommand({ QueueName: 'q' }));
    else if (service === 'iam') await aws.iam('us-east-1').send(new GetRoleCommand({ RoleName: 'r' }));
    else await aws.rds('us-east-1').send(new DescribeDBInstancesCommand({}));
    return undefined;
  } catch (err) {
    return err;
  } finally {
    aws.destroy();
    await proxy.close();
  }
}

t.test('HTML error pages are classified by HTTP status on every service: retryable, saying what happened', async (t) => {
  for (const service of ['sqs', 'iam', 'rds'] as const) {
    for (const status of [502, 503]) {
      const err = await sdkErrorThrough('html', service, status);
      const e = classifyError(err);
      t.ok(e instanceof RecoverableError, `${service} ${status}: recoverable, not a bug`);
      t.equal((e as RecoverableError).reason, 'NonAwsResponse', `${service} ${status}: reason`);
      t.match((e as RecoverableError).message, `AWS endpoint answered HTTP ${status} with a non-AWS body`, `${service} ${status}: message`);
      t.equal(outcomeOf(err), 'server_error', `${service} ${status}: counted as a server error`);
    }
  }
});

t.test('truncated answers and reset connections are recoverable on every service', async (t) => {
  for (const service of ['sqs', 'iam', 'rds'] as const) {
    const reset = classifyError(await sdkErrorThrough('reset', service));
    t.ok(reset instanceof RecoverableError, `${service}: a reset connection is recoverable`);
  }
  // A body cut short (the status line said 200): what the SDK throws when it cannot read it.
  const cut = Object.assign(
    new SyntaxError(
      'Unterminated string in JSON at position 23\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.',
    ),
    {
      $metadata: { httpStatusCode: 200, attempts: 1 },
      $response: { statusCode: 200 },
    },
  );
  const e = classifyError(cut);
  t.ok(e instanceof RecoverableError, 'an unreadable 200 answer is recoverable');
  t.match((e as RecoverableError).message, 'AWS endpoint answered HTTP 200 with a body that could not be read');
  t.equal(outcomeOf(cut), 'network_error');
  const timeout = Object.assign(new Error('@smithy/node-http-handler - [ERROR] a request has exceeded the configured 3472 ms requestTimeout.'), {
    name: 'TimeoutError',
    code: 'ETIMEDOUT',
    $metadata: {},
  });
  t.equal(
    (classifyError(timeout) as RecoverableError).message,
    'the AWS endpoint did not answer in time',
    'a timeout says so without the varying number (status stays the same)',
  );
});

t.test('HTML error pages: every kind answers 200 with Ready=False and the children kept, on sync and finalize', async (t) => {
  const proxy = await startFaultProxy(DEAD, [{ operation: '*', failures: 1e9, status: 502, code: 'X', mode: 'html' }]);
  const app = await buildApp({
    config: testConfig(KINDS_HOOKS_CONFIG),
    aws: new AwsClients({ endpoint: proxy.url, maxAttempts: 2 }),
    logger: false,
    defaultMetrics: false,
  });
  t.teardown(async () => {
    await app.close();
    await proxy.close();
  });
  for (const sample of samples()) {
    for (const hook of ['sync', 'finalize'] as const) {
      const parent: Parent = { ...sample.parent, status: EXISTING[sample.kind.names.kind] };
      const res = await app.hooks.inject({
        method: 'POST',
        url: `/hooks/${sample.plural}/${hook}`,
        headers: { authorization: `Bearer ${TEST_TOKEN}` },
        payload: { controller: {}, parent, children: sample.children, ...(hook === 'finalize' ? { finalizing: true } : {}) },
      });
      const what = `${sample.kind.names.kind} ${hook}`;
      t.equal(res.statusCode, 200, `${what}: 200, not ${res.statusCode}`);
      const answer = res.json<SyncResponse>();
      const ready = (answer.status.conditions as Condition[]).find((c) => c.type === 'Ready');
      t.equal(ready?.reason, 'NonAwsResponse', `${what}: reason`);
      t.match(ready?.message, /AWS endpoint answered HTTP 502 with a non-AWS body/, `${what}: message`);
      if (hook === 'finalize') t.equal(answer.finalized, false, `${what}: not finalized`);
      const observed = Object.values(sample.children).flatMap((byName) => Object.values(byName).map((c) => c.metadata.name));
      for (const name of observed)
        t.ok(
          answer.children.some((c) => c.metadata.name === name),
          `${what}: child ${name} kept`,
        );
    }
  }
});

t.test('errors are classified: terminal codes, recoverable AWS errors, bugs', async (t) => {
  const aws = (name: string, fault: 'client' | 'server' = 'client') =>
    Object.assign(new Error(`${name} happened`), { name, $fault: fault, $metadata: { httpStatusCode: fault === 'server' ? 500 : 400 } });
  const terminal = classifyError(aws('InvalidAttributeValue'), new Set(['InvalidAttributeValue']));
  t.ok(terminal instanceof TerminalError);
  t.equal((terminal as TerminalError).reason, 'InvalidAttributeValue');
  const throttled = classifyError(aws('ThrottlingException'));
  t.ok(throttled instanceof RecoverableError, 'throttling is recoverable');
  t.ok(classifyError(aws('InternalError', 'server')) instanceof RecoverableError, '5xx is recoverable');
  t.ok(classifyError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })) instanceof RecoverableError, 'network errors are recoverable');
  const bug = new TypeError('x is undefined');
  t.equal(classifyError(bug), bug, 'a bug stays a bug (500)');
  const wait = new WaitError('DependencyNotReady', 'm', 10);
  t.equal(classifyError(wait), wait);
  t.equal(outcomeOf(undefined), 'success');
  t.equal(outcomeOf(aws('ThrottlingException')), 'throttled');
  t.equal(outcomeOf(aws('InternalError', 'server')), 'server_error');
  t.equal(outcomeOf(aws('AccessDenied')), 'client_error');
  t.equal(outcomeOf(new Error('socket hang up')), 'network_error');
  t.equal(
    safeMessage(new Error('Rate exceeded RequestId: 0123abcd-4567-89ab-cdef-0123456789ab')),
    'Rate exceeded',
    'request IDs stripped: status stays deterministic',
  );
});
