/**
 * The Topics and Queues a Subscription names, resolved from its own namespace's related objects
 * and their specs (never their status): by reference, a Topic or Queue that exists, is not being
 * deleted and has what its name needs; by ARN, one the isolation rules accept.
 */
import t from 'tap';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import { InvalidSpecError, WaitError } from '../../../../hooks/core/errors.js';
import type { KubeObject, ObjectMap } from '../../../../hooks/core/types.js';
import { queueSourceOf, topicSourceOf } from '../../../../hooks/sns-common/references.js';

const NS = 'shop';
const TOPIC_KEY = 'Topic.sns.awshooks.dev/v1alpha1';
const QUEUE_KEY = 'Queue.sqs.awshooks.dev/v1alpha1';
const obj = (kind: string, apiVersion: string, name: string, spec: unknown, meta: Record<string, unknown> = {}): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, namespace: NS, ...meta },
  spec,
});
const related = (...objects: KubeObject[]): ObjectMap => {
  const out: ObjectMap = { [TOPIC_KEY]: {}, [QUEUE_KEY]: {} };
  for (const o of objects) out[`${o.kind}.${o.apiVersion}`]![`${NS}/${o.metadata.name}`] = o;
  return out;
};
const topic = (name: string, spec: unknown, meta = {}) => obj('Topic', 'sns.awshooks.dev/v1alpha1', name, spec, meta);
const queue = (name: string, spec: unknown, meta = {}) => obj('Queue', 'sqs.awshooks.dev/v1alpha1', name, spec, meta);

/** What a call throws, for its class and reason. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

t.test('topicSourceOf: a Topic of the namespace by reference, with the name the Topic kind derives', async (t) => {
  const cfg = DEFAULT_HOOKS_CONFIG;
  t.same(topicSourceOf({ topicRef: 'events' }, NS, related(topic('events', { region: 'eu-west-1' })), cfg), {
    ref: 'events',
    topicName: 'awshooks-shop-events',
    region: 'eu-west-1',
    fifo: false,
  });
  t.match(topicSourceOf({ topicRef: 'events' }, NS, related(topic('events', { region: 'eu-west-1', fifo: true })), cfg), {
    topicName: 'awshooks-shop-events.fifo',
    fifo: true,
  });
  const waits: [string, ObjectMap][] = [
    ['missing', related()],
    ['being deleted', related(topic('events', { region: 'eu-west-1' }, { deletionTimestamp: '2026-01-01T00:00:00Z' }))],
    ['no region in its spec', related(topic('events', {}))],
    ['a spec that is not an object', related(topic('events', 'broken'))],
  ];
  for (const [what, rel] of waits) {
    const err = thrown(() => topicSourceOf({ topicRef: 'events' }, NS, rel, cfg));
    t.ok(err instanceof WaitError && err.reason === 'DependencyNotReady', `${what}: waits`);
  }
  t.ok(thrown(() => topicSourceOf({}, NS, related(), cfg)) instanceof InvalidSpecError, 'neither topicRef nor topicArn');
});

t.test('topicSourceOf: by ARN, the isolation scope comes with it', async (t) => {
  const own = topicSourceOf({ topicArn: 'arn:aws:sns:eu-west-1:123456789012:awshooks-shop-events.fifo' }, NS, related(), DEFAULT_HOOKS_CONFIG);
  t.match(own, {
    arn: 'arn:aws:sns:eu-west-1:123456789012:awshooks-shop-events.fifo',
    topicName: 'awshooks-shop-events.fifo',
    region: 'eu-west-1',
    fifo: true,
  });
  t.equal(own.ref, undefined);
  t.same(own.scope, { ownName: true, allowListed: false });
  const err = thrown(() => topicSourceOf({ topicArn: 'arn:aws:sns:eu-west-1:123456789012:someone-else' }, NS, related(), DEFAULT_HOOKS_CONFIG));
  t.ok(err instanceof InvalidSpecError, 'outside the namespace, not allowed: a spec error');
  const allowed = topicSourceOf({ topicArn: 'arn:aws:sns:eu-west-1:123456789012:shared' }, NS, related(), {
    ...DEFAULT_HOOKS_CONFIG,
    allowedSnsTopicArns: ['arn:aws:sns:*:123456789012:shared'],
  });
  t.same(allowed.scope, { ownName: false, allowListed: true });
});

t.test('queueSourceOf: a Queue of the namespace with a valid spec, named as the Queue kind names it', async (t) => {
  const cfg = DEFAULT_HOOKS_CONFIG;
  t.same(queueSourceOf('orders', NS, related(queue('orders', { region: 'eu-west-1' })), cfg, 'endpoint'), {
    ref: 'orders',
    queueName: 'awshooks-shop-orders',
    region: 'eu-west-1',
    fifo: false,
  });
  t.match(queueSourceOf('orders', NS, related(queue('orders', { region: 'eu-west-1', queueName: 'awshooks-shop-custom' })), cfg, 'endpoint'), {
    queueName: 'awshooks-shop-custom',
  });
  const waits: [string, ObjectMap, RegExp][] = [
    ['missing', related(), /waiting for dead-letter Queue "orders"/],
    ['being deleted', related(queue('orders', { region: 'eu-west-1' }, { deletionTimestamp: '2026-01-01T00:00:00Z' })), /is being deleted/],
    ['an invalid spec', related(queue('orders', { region: 'eu-west-1', delaySeconds: 'soon' })), /has an invalid spec/],
  ];
  for (const [what, rel, message] of waits) {
    const err = thrown(() => queueSourceOf('orders', NS, rel, cfg, 'dead-letter'));
    t.ok(err instanceof WaitError && err.reason === 'DependencyNotReady', `${what}: waits`);
    t.match((err as Error).message, message, `${what}: says why`);
  }
});
