/**
 * What the API server and kustomize do with the generated CRDs, checked without them (issue 7):
 * YAML that kustomize's YAML 1.1 reader cannot retype, CEL rules that only name typed fields,
 * immutability that covers presence, and names. test/e2e/ checks the same on a real API server.
 */
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document, isScalar, parse, parseAllDocuments, visit } from 'yaml';
import { KINDS } from '../../../hooks/registry.js';
import { crdFor, toYaml, controllerFor, generatedManifest } from '../../../schemas/crd.js';
import { policyKind } from '../../../hooks/policy/index.js';
import { roleKind } from '../../../hooks/role/index.js';
import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

type Node = Record<string, unknown>;

/** The YAML 1.1 tags other than str, with their plain-scalar tests (whether or not resolved by default). */
const yaml11Retyping = new Document(null, { version: '1.1' }).schema.tags.filter((tag) => tag.tag !== 'tag:yaml.org,2002:str' && tag.test);

const retypedBy11 = (s: string) => yaml11Retyping.some((tag) => tag.test!.test(s));

const specSchemaOf = (kind: (typeof KINDS)[number]) => {
  const crd = crdFor(kind) as { spec: { versions: { schema: { openAPIV3Schema: { properties: { spec: Node } } } }[] } };
  return crd.spec.versions[0]!.schema.openAPIV3Schema.properties.spec;
};

/** Every schema node of a CRD, with its path. */
function* nodes(node: unknown, path = ''): Generator<[string, Node]> {
  if (!node || typeof node !== 'object') return;
  const n = node as Node;
  yield [path, n];
  for (const [k, v] of Object.entries((n.properties as Node | undefined) ?? {})) yield* nodes(v, `${path}.${k}`);
  if (n.items) yield* nodes(n.items, `${path}[]`);
  if (n.additionalProperties && typeof n.additionalProperties === 'object') yield* nodes(n.additionalProperties, `${path}{}`);
}

const generatedDir = join(root, 'manifests', 'generated');

/** Walk a CRD schema and report what the API server's structural-schema check would refuse. */
function structuralProblems(node: Record<string, unknown>, path: string, out: string[]): void {
  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true || node['x-kubernetes-int-or-string'] === true;
  if (!preserve && node.type === undefined) out.push(`${path}: no type`);
  if (node.properties && node.additionalProperties !== undefined) out.push(`${path}: properties and additionalProperties together`);
  // Junctors may hold value validations only (no type, properties, items, default, description...).
  const junctorProblems = (j: unknown, at: string): void => {
    for (const sub of Array.isArray(j) ? j : [j]) {
      if (!sub || typeof sub !== 'object') continue;
      for (const k of Object.keys(sub)) {
        if (['type', 'properties', 'items', 'additionalProperties', 'default', 'description', 'nullable'].includes(k)) out.push(`${at}: ${k} inside a junctor`);
        if (['anyOf', 'oneOf', 'allOf', 'not'].includes(k)) junctorProblems((sub as Record<string, unknown>)[k], `${at}.${k}`);
      }
    }
  };
  for (const k of ['anyOf', 'oneOf', 'allOf', 'not']) {
    if (node[k] !== undefined) junctorProblems(node[k], `${path}.${k}`);
  }
  if (node.const !== undefined) out.push(`${path}: const`);
  for (const [k, v] of Object.entries((node.properties as Record<string, Record<string, unknown>> | undefined) ?? {}))
    structuralProblems(v, `${path}.${k}`, out);
  if (node.items && typeof node.items === 'object') structuralProblems(node.items as Record<string, unknown>, `${path}[]`, out);
  if (node.additionalProperties && typeof node.additionalProperties === 'object')
    structuralProblems(node.additionalProperties as Record<string, unknown>, `${path}{}`, out);
}

t.test('toYaml quotes every string YAML 1.1 would read as another type, and nothing else', async (t) => {
  const retyped = [
    '2012-10-17',
    '2008-10-17',
    '2001-12-14t21:59:43.10-05:00',
    'yes',
    'No',
    'on',
    'OFF',
    'y',
    'n',
    'True',
    '0755',
    '0x1F',
    '1_000',
    '12:30',
    '1e3',
    '.5',
    '.inf',
    '~',
    'null',
    '',
  ];
  const plain = ['x', 'eu-west-1', 's3:GetObject', 'arn:aws:s3:::b/*', 'Allow', 'v1alpha1', '10s', 'db.t3.micro'];
  for (const s of retyped) t.equal(toYaml({ v: s }), `v: "${s}"\n`, `${JSON.stringify(s)} is quoted`);
  for (const s of plain) t.equal(toYaml({ v: s }), `v: ${s}\n`, `${JSON.stringify(s)} stays plain`);
  t.equal(toYaml({ yes: 1 }), '"yes": 1\n', 'keys too');
  const value = { a: retyped, b: plain, n: 5, f: false, nested: [{ Version: '2012-10-17' }] };
  t.same(parse(toYaml(value)), value, 'reads back the same in YAML 1.2');
});

t.test('generated manifests: no plain scalar that kustomize (YAML 1.1) would retype', async (t) => {
  for (const kind of KINDS) {
    const file = `manifests/generated/${kind.names.plural}.yaml`;
    const bad: string[] = [];
    for (const doc of parseAllDocuments(readFileSync(join(root, file), 'utf8'))) {
      visit(doc, {
        Scalar(_key, node) {
          if (isScalar(node) && node.type === 'PLAIN' && typeof node.value === 'string' && retypedBy11(node.value)) bad.push(node.value);
        },
      });
    }
    t.same(bad, [], `${file}: every such string is quoted`);
  }
  t.match(readFileSync(join(root, 'manifests/generated/policies.yaml'), 'utf8'), /- "2012-10-17"/, 'the IAM Version enum is quoted');
});

t.test('CEL rules name only fields CEL can see (typed), so the API server compiles them', async (t) => {
  // NOTE: the API server declares CEL types from the structural schema; a field with no type
  // (x-kubernetes-preserve-unknown-fields alone) is left out, and `has(self.Action)` fails to
  // compile with "undefined field 'Action'": the CRD is refused.
  let rules = 0;
  for (const kind of KINDS) {
    for (const [path, n] of nodes(specSchemaOf(kind), `${kind.names.plural}.spec`)) {
      for (const v of (n['x-kubernetes-validations'] as { rule: string; fieldPath?: string }[] | undefined) ?? []) {
        rules++;
        const props = (n.properties ?? {}) as Record<string, Node>;
        const named = [...v.rule.matchAll(/\b(?:self|oldSelf)\.([A-Za-z_]\w*)(\s*\()?/g)].filter((m) => !m[2]).map((m) => m[1]!); // not self.all(...)
        if (v.fieldPath) named.push(v.fieldPath.replace(/^\./, ''));
        for (const field of named) {
          const p = props[field];
          t.ok(p && (typeof p.type === 'string' || p['x-kubernetes-int-or-string'] === true), `${path}: "${v.rule}" names ${field}, a typed field`);
        }
      }
    }
  }
  t.ok(rules >= 10, `${rules} rules checked`);
});

t.test('immutable fields refuse being set, changed or removed: one rule on the spec, comparing presence', async (t) => {
  const expected: Record<string, string[]> = {
    queues: ['region', 'queueName', 'fifo'],
    policies: ['description'],
    roles: [],
    dbinstances: ['region', 'instanceIdentifier', 'engine', 'storageEncrypted', 'kmsKeyId', 'subnetGroupName', 'masterUsername'],
    tables: ['region', 'tableName', 'hashAttribute', 'rangeAttribute'],
    buckets: ['region', 'bucketName'],
    repositories: ['region', 'repositoryName'],
    topics: ['region', 'fifo'],
    subscriptions: ['topicRef', 'topicArn', 'queueRef', 'protocol', 'endpoint'],
  };
  for (const kind of KINDS) {
    const spec = specSchemaOf(kind);
    const described = Object.entries(spec.properties as Record<string, Node>)
      .filter(([, p]) => /\bImmutable\b/.test(String(p.description)))
      .map(([k]) => k);
    t.same(described.sort(), [...expected[kind.names.plural]!].sort(), `${kind.names.plural}: the fields described as immutable`);
    const rules = (spec['x-kubernetes-validations'] as { rule: string; message: string; fieldPath?: string }[] | undefined) ?? [];
    for (const f of described) {
      const rule = rules.find((r) => r.fieldPath === `.${f}`);
      t.equal(
        rule?.rule,
        `has(self.${f}) == has(oldSelf.${f}) && (!has(self.${f}) || self.${f} == oldSelf.${f})`,
        `${kind.names.plural}.${f}: set, change and removal refused`,
      );
      t.match(rule?.message, new RegExp(`^${f} is immutable`), 'the message names the field');
    }
    // A field-level `self == oldSelf` would be a second, weaker copy (it misses adding and removing).
    for (const [path, n] of nodes(spec, kind.names.plural)) {
      if (n === spec) continue;
      for (const v of (n['x-kubernetes-validations'] as { rule: string }[] | undefined) ?? [])
        t.not(v.rule, 'self == oldSelf', `${path}: no field-level immutability rule`);
    }
  }
});

t.test('names: short names unique, every kind in the aws category, Role short names that kubectl cannot mistake for RBAC', async (t) => {
  const all = KINDS.flatMap((k) => [k.names.plural, k.names.singular, ...k.names.shortNames]);
  t.equal(new Set(all).size, all.length, 'no name is used twice among our kinds');
  for (const kind of KINDS) t.ok(kind.names.categories?.includes('aws'), `${kind.names.kind} is in category aws`);
  const role = KINDS.find((k) => k.names.kind === 'Role')!;
  t.same(role.names.shortNames, ['iamrole', 'iamroles']);
});

t.test('generated CRDs are structural', async (t) => {
  for (const kind of [policyKind, roleKind]) {
    const crd = crdFor(kind) as { spec: { versions: { schema: { openAPIV3Schema: Node } }[] } };
    const schema = crd.spec.versions[0]!.schema.openAPIV3Schema;
    for (const [path, n] of nodes(schema)) {
      t.notOk('anyOf' in n || 'x-awshooks-crd' in n || 'x-awshooks-crd-extra' in n, `${kind.names.kind}${path}: no anyOf/override left`);
      if (n['x-kubernetes-preserve-unknown-fields'] !== true) t.ok(typeof n.type === 'string', `${kind.names.kind}${path}: has a type`);
      t.notOk(n.properties && 'additionalProperties' in n, `${kind.names.kind}${path}: not both properties and additionalProperties`);
    }
  }
  const policyCrd = crdFor(policyKind) as never as { spec: { versions: { schema: { openAPIV3Schema: { properties: { spec: Node } } } }[] } };
  const stmt = (
    policyCrd.spec.versions[0]!.schema.openAPIV3Schema.properties.spec as { properties: { document: { properties: { Statement: { items: Node } } } } }
  ).properties.document.properties.Statement.items;
  t.same((stmt.properties as Record<string, Node>).Action, {
    description: 'Actions, for example s3:GetObject or s3:*. A string or a list of strings.',
    'x-kubernetes-preserve-unknown-fields': true,
  });
  // One-of checks the API server can run on untyped fields (CEL cannot see them: issue 7).
  t.notOk(stmt['x-kubernetes-validations'], 'no CEL rule about untyped fields');
  t.same(stmt.allOf, [
    { oneOf: [{ required: ['Action'] }, { required: ['NotAction'] }] },
    { oneOf: [{ required: ['Resource'] }, { required: ['NotResource'] }] },
  ]);
});

t.test('CompositeControllers: the Role owns ServiceAccounts InPlace and reads Policies through customize', async (t) => {
  const role = controllerFor(roleKind) as { spec: { childResources: unknown[]; hooks: Record<string, unknown> } };
  t.same(role.spec.childResources, [{ apiVersion: 'v1', resource: 'serviceaccounts', updateStrategy: { method: 'InPlace' } }]);
  t.ok(role.spec.hooks.customize, 'customize hook');
  t.ok(role.spec.hooks.finalize, 'finalize hook');
  const policy = controllerFor(policyKind) as { spec: { childResources: unknown[]; hooks: Record<string, unknown> } };
  t.same(policy.spec.childResources, []);
  t.notOk(policy.spec.hooks.customize);
});

t.test('committed manifests match the schemas (run `npm run generate`)', async (t) => {
  for (const kind of [policyKind, roleKind]) {
    const file = join(root, 'manifests', 'generated', `${kind.names.plural}.yaml`);
    t.equal(readFileSync(file, 'utf8'), generatedManifest(kind), `manifests/generated/${kind.names.plural}.yaml`);
  }
});

t.test('committed generated manifests match the generator (run `npm run generate`)', async (t) => {
  const files = readdirSync(generatedDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  t.same(files, KINDS.map((k) => `${k.names.plural}.yaml`).sort(), 'one file per kind, no stale file');
  for (const kind of KINDS) {
    const committed = readFileSync(join(generatedDir, `${kind.names.plural}.yaml`), 'utf8');
    t.equal(committed, generatedManifest(kind), `${kind.names.plural}.yaml is up to date`);
    t.match(committed, /^# Generated by `npm run generate`.*Do not edit\./, 'carries the generated header');
  }
});

t.test('CRDs are structural, valid CustomResourceDefinitions with status and printer columns', async (t) => {
  for (const kind of KINDS) {
    const crd = crdFor(kind) as Record<string, unknown> & {
      spec: { versions: { schema: { openAPIV3Schema: Record<string, unknown> }; subresources: unknown; additionalPrinterColumns: unknown[] }[] };
    };
    t.doesNotThrow(() => {
      new CustomResourceDefinition(crd as never).validate();
    }, `${kind.names.plural}: valid against the Kubernetes schema`);
    const problems: string[] = [];
    structuralProblems(crd.spec.versions[0]!.schema.openAPIV3Schema, kind.names.plural, problems);
    t.same(problems, [], `${kind.names.plural}: structural`);
    t.same(crd.spec.versions[0]!.subresources, { status: {} }, 'status subresource');
    t.ok(crd.spec.versions[0]!.additionalPrinterColumns.length >= 3, 'printer columns');
    const spec = (crd.spec.versions[0]!.schema.openAPIV3Schema.properties as Record<string, Record<string, unknown>>).spec!;
    t.ok(typeof spec.description === 'string' && spec.description.length > 10, 'spec is described for kubectl explain');
    const undocumented = Object.entries(spec.properties as Record<string, { description?: string }>)
      .filter(([, v]) => !v.description)
      .map(([k]) => k);
    t.same(undocumented, [], `${kind.names.plural}: every spec field has a description`);
  }
});
