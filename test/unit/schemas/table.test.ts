/** schemas/table.ts and its generated CRD: names, printer columns, and the CEL rules kubectl apply enforces. */
import t from 'tap';
import { crdFor, controllerFor } from '../../../schemas/crd.js';
import { tableKind } from '../../../hooks/table/index.js';
import { validateSpec } from '../../../hooks/core/spec-validation.js';
import { TableSpecSchema } from '../../../schemas/table.js';
import { SEED_004_SPEC } from '../../helpers/table.js';

interface Node {
  properties?: Record<string, Node>;
  items?: Node;
  'x-kubernetes-validations'?: { rule: string; message: string }[];
  [k: string]: unknown;
}
const crd = crdFor(tableKind) as unknown as {
  spec: {
    names: Record<string, unknown>;
    versions: { additionalPrinterColumns: { name: string; jsonPath: string; priority?: number }[]; schema: { openAPIV3Schema: Node } }[];
  };
};
const spec = crd.spec.versions[0]!.schema.openAPIV3Schema.properties!.spec!;
const rules = (n: Node | undefined) => (n?.['x-kubernetes-validations'] ?? []).map((v) => v.rule);

t.test('names: group, short name ddbtable, the aws category', async (t) => {
  t.match(crd.spec.names, { kind: 'Table', plural: 'tables', shortNames: ['ddbtable'], categories: ['awshooks', 'aws'] });
  t.equal((controllerFor(tableKind) as { spec: { parentResource: { apiVersion: string } } }).spec.parentResource.apiVersion, 'dynamodb.awshooks.dev/v1alpha1');
});

t.test('printer columns: table status, billing mode, then READY / REASON / AGE', async (t) => {
  t.same(
    crd.spec.versions[0]!.additionalPrinterColumns.map((c) => [c.name, c.jsonPath, c.priority ?? 0]),
    [
      ['Status', '.status.tableStatus', 0],
      ['Billing', '.status.billingMode', 0],
      ['Table', '.status.tableName', 1],
      ['Ready', '.status.conditions[?(@.type=="Ready")].status', 0],
      ['Reason', '.status.conditions[?(@.type=="Ready")].reason', 1],
      ['Age', '.metadata.creationTimestamp', 0],
    ],
  );
});

t.test('CEL: the key schema, name and region are immutable, including optional fields added or removed', async (t) => {
  const top = rules(spec);
  for (const f of ['hashAttribute', 'rangeAttribute', 'tableName', 'region']) {
    t.same(rules(spec.properties![f]), [], `${f}: no field-level rule (it would miss the field being added or removed)`);
    t.ok(
      top.includes(`has(self.${f}) == has(oldSelf.${f}) && (!has(self.${f}) || self.${f} == oldSelf.${f})`),
      `${f}: set, change and removal refused on the spec`,
    );
  }
});

t.test('CEL: capacities go with the billing mode; one-of rules of the nested objects', async (t) => {
  const top = rules(spec);
  t.ok(top.some((r) => r.startsWith("self.billingMode == 'PROVISIONED' ? (has(self.readCapacityUnits) && has(self.writeCapacityUnits))")));
  t.ok(
    top.some((r) => r.includes('self.globalSecondaryIndexes.all(i,')),
    'index capacities too',
  );
  const gsi = spec.properties!.globalSecondaryIndexes!;
  t.equal(gsi['x-kubernetes-list-type'], 'map');
  t.same(gsi['x-kubernetes-list-map-keys'], ['name'], 'index names are unique');
  t.equal(gsi.maxItems, 20);
  t.ok(rules(gsi.items).includes('has(self.readCapacityUnits) == has(self.writeCapacityUnits)'));
  t.ok(rules(gsi.items!.properties!.projection).some((r) => r.includes("self.type == 'INCLUDE'")));
  t.ok(rules(spec.properties!.stream).includes('!self.enabled || has(self.viewType)'));
  t.ok(rules(spec.properties!.encryption).some((r) => r.includes("self.keyType == 'CUSTOMER_MANAGED'")));
  t.ok(rules(spec.properties!.pointInTimeRecovery).includes('self.enabled || !has(self.recoveryPeriodInDays)'));
});

t.test('schema bounds of the DynamoDB API', async (t) => {
  t.doesNotThrow(() => validateSpec(TableSpecSchema, SEED_004_SPEC), "seed 004's example validates as written");
  t.equal(spec.properties!.tableName!.pattern, '^[a-zA-Z0-9_.-]{3,255}$');
  t.equal((spec.properties!.readCapacityUnits as { minimum: number }).minimum, 1);
  t.equal((spec.properties!.hashAttribute!.properties!.name as { maxLength: number }).maxLength, 255);
  t.same((spec.properties!.hashAttribute!.properties!.type as { enum: string[] }).enum, ['S', 'N', 'B']);
  t.equal((spec.properties!.tags as { maxProperties: number }).maxProperties, 40, "40 user tags + 5 owner tags fit DynamoDB's 50");
});
