/** SQS queue names, shared by the Queue kind and the SNS kinds. */
import t from 'tap';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import { defaultQueueName, inNamespaceQueueNames, legacyQueueName, queueNameFor } from '../../../../hooks/shared/sqs-names.js';
import type { QueueSpec } from '../../../../schemas/queue.js';

const owner = { cluster: 'default', namespace: 'team-a', name: 'orders', uid: 'u', kind: 'Queue' };
const spec = (s: Partial<QueueSpec>) => ({ fifo: false, ...s }) as QueueSpec;

t.test('derived names: the namespace token keeps two namespaces apart; FIFO names end in .fifo', async (t) => {
  t.equal(defaultQueueName('awshooks', 'team-a', 'orders', false), 'awshooks-team_a-orders');
  t.equal(defaultQueueName('awshooks', 'team-a', 'orders', true), 'awshooks-team_a-orders.fifo');
  t.not(defaultQueueName('awshooks', 'dev-x', 'app', false), defaultQueueName('awshooks', 'dev', 'x-app', false), 'dev-x/app and dev/x-app differ');
  t.equal(legacyQueueName('awshooks', 'team-a', 'orders', false), 'awshooks-team-a-orders', 'the pre-token name, for migration');
  t.ok(defaultQueueName('awshooks', 'ns', 'x'.repeat(200), false).length <= 80, 'at most 80 characters');
});

t.test("a spec's queue name stays in its namespace's names", async (t) => {
  t.ok(inNamespaceQueueNames('awshooks-team_a-x', 'awshooks', 'team-a'));
  t.notOk(inNamespaceQueueNames('awshooks-team_b-x', 'awshooks', 'team-a'));
  t.equal(queueNameFor(spec({}), DEFAULT_HOOKS_CONFIG, owner).name, 'awshooks-team_a-orders');
  t.equal(queueNameFor(spec({ fifo: true, queueName: 'awshooks-team_a-jobs' }), DEFAULT_HOOKS_CONFIG, owner).name, 'awshooks-team_a-jobs.fifo');
  t.throws(() => queueNameFor(spec({ queueName: 'other' }), DEFAULT_HOOKS_CONFIG, owner), { message: /must start with "awshooks-"/ });
  t.throws(() => queueNameFor(spec({ queueName: 'awshooks-x.fifo' }), DEFAULT_HOOKS_CONFIG, owner), { message: /spec.fifo is false/ });
  t.throws(() => queueNameFor(spec({ queueName: 'awshooks-a b' }), DEFAULT_HOOKS_CONFIG, owner), { message: /only letters, digits/ });
});
