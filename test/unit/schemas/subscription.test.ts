import t from 'tap';
import { validateSpec } from '../../../hooks/core/spec-validation.js';
import { subscriptionKind } from '../../../hooks/subscription/index.js';
import { crdFor } from '../../../schemas/crd.js';
import { SubscriptionSpecSchema } from '../../../schemas/subscription.js';

t.test('schema bounds: refused at kubectl apply and by the hook, naming the field', async (t) => {
  const base = { topicRef: 'orders', queueRef: 'worker' };
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ ...base, topicRef: 'Orders_1' }, /spec\.topicRef/],
    [{ ...base, queueRef: 'x'.repeat(254) }, /spec\.queueRef/],
    [{ topicArn: 'arn:aws:sqs:eu-west-1:123456789012:q', queueRef: 'w' }, /spec\.topicArn/],
    [{ topicArn: 'arn:aws:sns:eu-west-1:123456789012:bad.name', queueRef: 'w' }, /spec\.topicArn/],
    [{ topicRef: 'o', protocol: 'sms', endpoint: '+15555550100' }, /spec\.protocol/],
    [{ topicRef: 'o', protocol: 'https', endpoint: '' }, /spec\.endpoint/],
    [{ ...base, filterPolicyScope: 'Body' }, /spec\.filterPolicyScope/],
    [{ ...base, deadLetter: { targetArn: 'arn:aws:sqs:eu-west-1:123:q' } }, /spec\.deadLetter\.targetArn/],
    [{ ...base, rawMessageDelivery: 'yes' }, /spec\.rawMessageDelivery/],
  ];
  for (const [spec, message] of bad)
    t.throws(() => validateSpec(SubscriptionSpecSchema, spec), { reason: 'InvalidSpec', message }, JSON.stringify(spec).slice(0, 80));
  t.same(
    validateSpec(SubscriptionSpecSchema, base),
    { ...base, rawMessageDelivery: false, filterPolicyScope: 'MessageAttributes', deletionPolicy: 'Delete', adopt: false },
    'defaults',
  );
});

t.test('CEL rules: one topic, one endpoint, and neither changes nor appears nor disappears', async (t) => {
  const crd = crdFor(subscriptionKind) as {
    spec: {
      names: { shortNames: string[] };
      versions: {
        schema: {
          openAPIV3Schema: {
            properties: {
              spec: { 'x-kubernetes-validations': { rule: string; message: string }[]; properties: { deadLetter: { 'x-kubernetes-validations': unknown } } };
            };
          };
        };
      }[];
    };
  };
  t.same(crd.spec.names.shortNames, ['snssub']);
  const spec = crd.spec.versions[0]!.schema.openAPIV3Schema.properties.spec;
  const rules = spec['x-kubernetes-validations'].map((r) => r.rule);
  t.ok(rules.includes('has(self.topicRef) != has(self.topicArn)'));
  t.ok(rules.includes('has(self.queueRef) != has(self.protocol)'));
  t.ok(rules.includes('has(self.protocol) == has(self.endpoint)'));
  for (const f of ['topicRef', 'topicArn', 'queueRef', 'protocol', 'endpoint']) {
    t.ok(
      rules.includes(`has(self.${f}) == has(oldSelf.${f}) && (!has(self.${f}) || self.${f} == oldSelf.${f})`),
      `${f}: immutable, and cannot be added or removed`,
    );
  }
  t.same(spec.properties.deadLetter['x-kubernetes-validations'], [
    { rule: 'has(self.queueRef) != has(self.targetArn)', message: 'set exactly one of queueRef and targetArn' },
  ]);
});
