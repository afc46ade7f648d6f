/**
 * Related objects as the SNS kinds read them: only the parent's own namespace, and specs read
 * as fields still to check (a related object is as the API server holds it, not as its kind's
 * types say).
 */
import t from 'tap';
import type { KubeObject, ObjectMap } from '../../../../hooks/core/types.js';
import { fieldsOf, relatedObject } from '../../../../hooks/sns-common/related.js';

const KEY = 'Topic.sns.awshooks.dev/v1alpha1';
const topic = (name: string, namespace?: string): KubeObject => ({
  apiVersion: 'sns.awshooks.dev/v1alpha1',
  kind: 'Topic',
  metadata: { name, ...(namespace ? { namespace } : {}) },
  spec: { region: 'eu-west-1' },
});

t.test("relatedObject: the namespace's own object by name, nothing else", async (t) => {
  const related: ObjectMap = {
    [KEY]: { 'shop/events': topic('events', 'shop'), 'shop/forged': topic('forged', 'other'), 'shop/bare': topic('bare') },
  };
  t.equal(relatedObject(related, KEY, 'shop', 'events')?.metadata.name, 'events');
  t.equal(relatedObject(related, KEY, 'other', 'events'), undefined, 'another namespace: not there');
  t.equal(relatedObject(related, KEY, 'shop', 'forged'), undefined, "keyed as the namespace's but naming another namespace");
  t.equal(relatedObject(related, KEY, 'shop', 'bare')?.metadata.name, 'bare', 'no namespace in metadata: the key decides');
  t.equal(relatedObject(related, 'Queue.sqs.awshooks.dev/v1alpha1', 'shop', 'events'), undefined, 'another kind');
  t.equal(relatedObject({}, KEY, 'shop', 'events'), undefined, 'nothing related');
});

t.test('fieldsOf: an object as a record of unknown fields; anything else as none', async (t) => {
  t.same(fieldsOf({ region: 'eu-west-1', fifo: true }), { region: 'eu-west-1', fifo: true });
  const spec = { queueRef: 'q' };
  t.equal(fieldsOf(spec), spec, 'the same object, not a copy');
  for (const value of [undefined, null, 'spec', 42, true]) t.same(fieldsOf(value), {}, String(value));
  t.equal(fieldsOf(fieldsOf({ deadLetter: 'x' }).deadLetter).queueRef, undefined, 'a block that is not an object has no fields');
  t.equal(fieldsOf(topic('events', 'shop').spec).region, 'eu-west-1', "a related object's spec");
});
