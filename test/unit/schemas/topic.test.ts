import t from 'tap';
import { validateSpec } from '../../../hooks/core/spec-validation.js';
import { topicKind } from '../../../hooks/topic/index.js';
import { crdFor } from '../../../schemas/crd.js';
import { TopicSpecSchema } from '../../../schemas/topic.js';

t.test('schema bounds: refused at kubectl apply and by the hook, naming the field', async (t) => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [{}, /spec\.region: required/],
    [{ region: 'EU' }, /spec\.region/],
    [{ region: 'eu-west-1', displayName: 'x'.repeat(101) }, /spec\.displayName/],
    [{ region: 'eu-west-1', displayName: 'bell\u0007' }, /spec\.displayName/],
    [{ region: 'eu-west-1', kmsMasterKeyId: '' }, /spec\.kmsMasterKeyId/],
    [{ region: 'eu-west-1', fifo: 'yes' }, /spec\.fifo/],
    [{ region: 'eu-west-1', deletionPolicy: 'Snapshot' }, /spec\.deletionPolicy/],
    [{ region: 'eu-west-1', tags: Object.fromEntries(Array.from({ length: 41 }, (_, i) => [`k${i}`, 'v'])) }, /spec\.tags/],
    [{ region: 'eu-west-1', topicName: 'custom' }, /unknown field "topicName"/],
  ];
  for (const [spec, message] of bad) t.throws(() => validateSpec(TopicSpecSchema, spec), { reason: 'InvalidSpec', message }, JSON.stringify(spec).slice(0, 80));
  t.same(
    validateSpec(TopicSpecSchema, { region: 'eu-west-1', displayName: 'Tabs\tare fine' }),
    { region: 'eu-west-1', displayName: 'Tabs\tare fine', fifo: false, deletionPolicy: 'Delete', force: false, adopt: false },
    'defaults',
  );
});

t.test('CEL rules in the CRD: FIFO-ness and region immutable, dedup only for FIFO', async (t) => {
  const crd = crdFor(topicKind) as {
    spec: {
      names: { shortNames: string[]; categories: string[] };
      versions: {
        schema: {
          openAPIV3Schema: { properties: { spec: Record<string, unknown> & { properties: Record<string, { 'x-kubernetes-validations'?: unknown }> } } };
        };
      }[];
    };
  };
  t.same(crd.spec.names.shortNames, ['snstopic']);
  t.ok(crd.spec.names.categories.includes('aws'));
  const spec = crd.spec.versions[0]!.schema.openAPIV3Schema.properties.spec;
  t.same(spec.properties.fifo!['x-kubernetes-validations'], undefined, 'no field-level rule: it would miss fifo being added or removed');
  const rules = (spec['x-kubernetes-validations'] as { rule: string }[]).map((r) => r.rule);
  for (const f of ['region', 'fifo'])
    t.ok(rules.includes(`has(self.${f}) == has(oldSelf.${f}) && (!has(self.${f}) || self.${f} == oldSelf.${f})`), `${f}: set, change and removal refused`);
  t.ok(rules.includes('!has(self.contentBasedDeduplication) || (has(self.fifo) && self.fifo)'), 'contentBasedDeduplication needs fifo: true');
});
