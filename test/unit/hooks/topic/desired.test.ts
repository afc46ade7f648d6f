import t from 'tap';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import { validateSpec } from '../../../../hooks/core/spec-validation.js';
import type { DesiredInput } from '../../../../hooks/core/kind.js';
import type { Owner, Parent } from '../../../../hooks/core/types.js';
import { desiredTopic, TOPIC_POLICY_MAX_CHARS } from '../../../../hooks/topic/desired.js';
import { TopicSpecSchema, type TopicSpec, type TopicStatus } from '../../../../schemas/topic.js';

const owner: Owner = { cluster: 'default', namespace: 'shop', name: 'orders', uid: 'uid-1', kind: 'Topic' };

function input(spec: Record<string, unknown>, finalizing = false): DesiredInput<TopicSpec, TopicStatus> {
  const full = validateSpec<TopicSpec>(TopicSpecSchema, spec);
  const parent = {
    apiVersion: 'sns.awshooks.dev/v1alpha1',
    kind: 'Topic',
    metadata: { name: 'orders', namespace: 'shop', uid: 'uid-1' },
    spec: full,
  } as Parent<TopicSpec, TopicStatus>;
  return { parent, spec: full, children: {}, related: {}, config: DEFAULT_HOOKS_CONFIG, owner, finalizing, now: new Date() };
}

const policy = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'Pub', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sns:Publish', Resource: '*' }],
};

t.test('desired topic: derived name, only the attributes the spec sets, owner tags', async (t) => {
  const d = desiredTopic(input({ region: 'eu-west-1' }));
  t.same(d, {
    region: 'eu-west-1',
    topicName: 'awshooks-shop-orders',
    fifo: false,
    attributes: {},
    tags: {},
    ownerTags: {
      'awshooks.dev/cluster': 'default',
      'awshooks.dev/namespace': 'shop',
      'awshooks.dev/name': 'orders',
      'awshooks.dev/uid': 'uid-1',
      'awshooks.dev/kind': 'Topic',
    },
    adopt: false,
    deletionPolicy: 'Delete',
    force: false,
  });
  const full = desiredTopic(
    input({
      region: 'eu-west-1',
      fifo: true,
      displayName: 'Orders',
      kmsMasterKeyId: 'alias/aws/sns',
      contentBasedDeduplication: true,
      policy,
      deliveryPolicy: { http: { defaultHealthyRetryPolicy: { numRetries: 5 } } },
      tags: { team: 'a' },
      force: true,
    }),
  );
  t.equal(full.topicName, 'awshooks-shop-orders.fifo');
  t.same(full.attributes, { DisplayName: 'Orders', KmsMasterKeyId: 'alias/aws/sns', ContentBasedDeduplication: 'true' });
  t.same(full.policy, policy);
  t.same(full.deliveryPolicy, { http: { defaultHealthyRetryPolicy: { numRetries: 5 } } });
  t.same(full.tags, { team: 'a' });
  t.equal(full.force, true);
});

t.test('bad input: InvalidSpec naming the field, before any AWS call', async (t) => {
  const invalid: [Record<string, unknown>, RegExp][] = [
    [{ region: 'eu-west-1', contentBasedDeduplication: true }, /spec\.contentBasedDeduplication: only FIFO topics/],
    [{ region: 'eu-west-1', tags: { 'awshooks.dev/name': 'x' } }, /spec\.tags: key "awshooks\.dev\/name" is reserved/],
    [{ region: 'eu-west-1', policy: { Version: '2012-10-17' } }, /spec\.policy: must be an IAM policy document with a Statement/],
    [
      { region: 'eu-west-1', policy: { Statement: [{ Effect: 'Allow', Action: 'sns:Publish' }] } },
      /Statement\[0\]: a topic policy statement needs exactly one of Principal and NotPrincipal/,
    ],
    [{ region: 'eu-west-1', policy: { Statement: [{ Effect: 'Maybe', Principal: '*', Action: 'sns:Publish' }] } }, /Statement\[0\]\.Effect/],
    [{ region: 'eu-west-1', policy: { Statement: [{ Effect: 'Allow', Principal: '*' }] } }, /exactly one of Action and NotAction/],
    [{ region: 'eu-west-1', policy: { Statement: [policy.Statement[0], policy.Statement[0]] } }, /Statement\[1\]\.Sid: "Pub" is used by another statement/],
    [{ region: 'eu-west-1', policy: { Statement: [{ ...policy.Statement[0], Resource: 'x'.repeat(TOPIC_POLICY_MAX_CHARS) }] } }, /SNS allows 30720/],
    [
      { region: 'eu-west-1', policy: { Statement: Array.from({ length: 101 }, (_, i) => ({ ...policy.Statement[0], Sid: `S${i}` })) } },
      /101 statements; SNS allows 100/,
    ],
    [{ region: 'eu-west-1', deliveryPolicy: { http: { x: 'y'.repeat(TOPIC_POLICY_MAX_CHARS) } } }, /spec\.deliveryPolicy: at most 30720/],
  ];
  for (const [spec, message] of invalid) t.throws(() => desiredTopic(input(spec)), { reason: 'InvalidSpec', message }, JSON.stringify(spec).slice(0, 120));
  t.doesNotThrow(
    () => desiredTopic(input({ region: 'eu-west-1', policy: { Statement: [] }, tags: { 'awshooks.dev/x': 'y' } }, true)),
    'finalizing: a bad policy or tag never blocks the deletion',
  );
});
