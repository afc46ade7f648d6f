/** The IAM kinds' schemas: what ajv accepts, and the structural CRDs generated from them. */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateSpec } from '../../hooks/core/spec-validation.js';
import { policyKind } from '../../hooks/policy/index.js';
import { roleKind } from '../../hooks/role/index.js';
import { controllerFor, crdFor, generatedManifest } from '../../schemas/crd.js';
import { PolicySpecSchema } from '../../schemas/policy.js';
import { RoleSpecSchema, type RoleSpec } from '../../schemas/role.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const statement = (s: Record<string, unknown>) => ({ document: { Statement: [{ Effect: 'Allow', Resource: '*', ...s }] } });

function specError(schema: Parameters<typeof validateSpec>[0], spec: unknown): string | undefined {
  try {
    validateSpec(schema, spec);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

t.test('Policy spec: IAM document shapes', async (t) => {
  const ok: Record<string, unknown>[] = [
    statement({ Action: 's3:GetObject' }),
    statement({ Action: ['s3:GetObject', 's3:ListBucket'] }),
    statement({ NotAction: 'iam:*' }),
    statement({
      Action: 's3:*',
      Condition: { Bool: { 'aws:SecureTransport': true }, NumericLessThan: { 's3:max-keys': 10 }, StringLike: { 's3:prefix': ['a/*', 'b/*'] } },
    }),
    {
      document: { Version: '2008-10-17', Id: 'x', Statement: [{ Sid: 'A1', Effect: 'Deny', Action: '*', NotResource: ['arn:aws:s3:::b'] }] },
      description: 'd',
      tags: { a: 'b' },
      deletionPolicy: 'Retain',
      adopt: true,
    },
  ];
  for (const spec of ok) t.equal(specError(PolicySpecSchema, spec), undefined, JSON.stringify(spec));
  const bad: [unknown, RegExp][] = [
    [{}, /spec\.document: required/],
    [{ document: { Statement: [] } }, /Statement: must NOT have fewer than 1 items/],
    [statement({ Action: { s3: 'GetObject' } }), /spec\.document\.Statement\.0\.Action/],
    [statement({ Action: [] }), /Action/],
    [statement({ Action: '' }), /Action/],
    [statement({ Action: 's3:*', Principal: '*' }), /unknown field "Principal"/],
    [statement({ Action: 's3:*', Effect: 'allow' }), /Effect: must be equal to one of the allowed values/],
    [statement({ Action: 's3:*', Sid: 'not ok!' }), /Sid: must match pattern/],
    [statement({ Action: 's3:*', Condition: { Bool: 'x' } }), /Condition/],
    [{ document: { Version: '2020-01-01', Statement: [{ Effect: 'Allow', Action: 'a', Resource: '*' }] } }, /Version/],
    [{ ...statement({ Action: 'a' }), deletionPolicy: 'Snapshot' }, /deletionPolicy/],
  ];
  for (const [spec, message] of bad) t.match(specError(PolicySpecSchema, spec), message, JSON.stringify(spec));
  t.equal(validateSpec<{ document: { Version: string } }>(PolicySpecSchema, statement({ Action: 'a' })).document.Version, '2012-10-17', 'Version defaults');
});

t.test('Role spec', async (t) => {
  const full = validateSpec<RoleSpec>(RoleSpecSchema, {});
  t.same(
    full,
    { maxSessionDuration: 3600, serviceAccount: { manage: true }, deletionPolicy: 'Delete', adopt: false },
    'defaults, serviceAccount.manage included',
  );
  const bad: [unknown, RegExp][] = [
    [{ serviceAccountName: 'system:serviceaccount:kube-system:x' }, /serviceAccountName: must match pattern/],
    [{ serviceAccountName: 'other/x' }, /serviceAccountName: must match pattern/],
    [{ maxSessionDuration: 60 }, /maxSessionDuration: must be >= 3600/],
    [{ maxSessionDuration: 86400 }, /maxSessionDuration: must be <= 43200/],
    [{ managedPolicyArns: ['arn:aws:s3:::bucket'] }, /managedPolicyArns\.0: must match pattern/],
    [{ inlinePolicies: { x: { Statement: [{ Effect: 'Allow', Action: 'a', Resource: '*', Principal: '*' }] } } }, /unknown field "Principal"/],
    [{ trustPolicy: {} }, /unknown field "trustPolicy"/],
    [{ serviceAccount: { manage: 'yes' } }, /manage: must be boolean/],
  ];
  for (const [spec, message] of bad) t.match(specError(RoleSpecSchema, spec), message, JSON.stringify(spec));
});

type Node = Record<string, unknown>;
/** Every schema node of a CRD, with its path. */
function* nodes(node: unknown, path = ''): Generator<[string, Node]> {
  if (!node || typeof node !== 'object') return;
  const n = node as Node;
  yield [path, n];
  for (const [k, v] of Object.entries((n.properties as Node | undefined) ?? {})) yield* nodes(v, `${path}.${k}`);
  if (n.items) yield* nodes(n.items, `${path}[]`);
  if (n.additionalProperties && typeof n.additionalProperties === 'object') yield* nodes(n.additionalProperties, `${path}{}`);
}

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
