import t from 'tap';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import { desiredQueue } from '../../../../hooks/queue/desired.js';
import { queueChildren, queueStatus } from '../../../../hooks/queue/status.js';
import { queueInput as input } from '../../../helpers/queue.js';

t.test('status and children are computed from status only, deterministically', async (t) => {
  const d = desiredQueue(input({ region: 'eu-west-1', tags: { b: '1', a: '2' } }));
  const observed = {
    url: 'https://sqs/q',
    attributes: { QueueArn: 'arn:q', ApproximateNumberOfMessages: '7', ApproximateNumberOfMessagesNotVisible: '2', ApproximateNumberOfMessagesDelayed: '1' },
    tags: {},
  };
  const status = queueStatus(d, observed);
  t.same(status, {
    queueUrl: 'https://sqs/q',
    queueArn: 'arn:q',
    queueName: 'awshooks-shop-orders',
    region: 'eu-west-1',
    messages: 7,
    messagesInFlight: 2,
    messagesDelayed: 1,
    managedTagKeys: ['a', 'b'],
  });
  const inp = input({ region: 'eu-west-1' });
  const children = queueChildren({ parent: inp.parent, spec: inp.spec, status, desired: d, children: {}, config: DEFAULT_HOOKS_CONFIG, now: new Date() });
  t.equal(children.length, 1);
  t.same(children[0]!.metadata.name, 'orders-queue');
  t.same(children[0]!.data, { QUEUE_URL: 'https://sqs/q', QUEUE_ARN: 'arn:q', QUEUE_NAME: 'awshooks-shop-orders', AWS_REGION: 'eu-west-1' });
  t.same(
    queueChildren({ parent: inp.parent, spec: undefined, status: {}, desired: undefined, children: {}, config: DEFAULT_HOOKS_CONFIG, now: new Date() }),
    [],
    'no queue yet: no ConfigMap (and no throw without a spec)',
  );
});
