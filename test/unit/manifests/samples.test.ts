/**
 * `kubectl apply -f manifests/samples/` must work on a fresh cluster (issue 7): only Kubernetes
 * objects in that folder, and every namespace a sample uses is created in the same file, before use.
 * test/e2e/samples.test.ts applies the folder to a real API server.
 */
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { Ajv } from 'ajv';
import { KINDS } from '../../../hooks/registry.js';
import { crdFor } from '../../../schemas/crd.js';
import { validateSpec } from '../../../hooks/core/spec-validation.js';
import { InvalidSpecError, WaitError } from '../../../hooks/core/errors.js';
import { DEFAULT_HOOKS_CONFIG } from '../../../hooks/core/config.js';
import type { Parent } from '../../../hooks/core/types.js';

const samplesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'manifests', 'samples');

const BUILT_IN_NAMESPACES = new Set(['default']);

function ajvFor(schema: Record<string, unknown>) {
  const ajv = new Ajv({ strict: false, allErrors: true });
  for (const k of [
    'x-kubernetes-validations',
    'x-kubernetes-preserve-unknown-fields',
    'x-kubernetes-int-or-string',
    'x-kubernetes-list-type',
    'x-kubernetes-list-map-keys',
    'x-kubernetes-map-type',
  ])
    ajv.addKeyword(k);
  return ajv.compile(schema);
}

t.test('the samples folder holds only YAML Kubernetes objects', async (t) => {
  const files = readdirSync(samplesDir);
  t.same(
    files.filter((f) => !f.endsWith('.yaml')),
    [],
    'no hook request or other file kubectl cannot apply',
  );
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(join(samplesDir, file), 'utf8'))) {
      t.same(doc.errors, [], `${file}: parses`);
      const obj = doc.toJS() as { apiVersion?: string; kind?: string; metadata?: { name?: string } } | null;
      if (obj === null) continue;
      t.ok(obj.apiVersion && obj.kind && obj.metadata?.name, `${file}: ${obj.kind}/${obj.metadata?.name} has apiVersion, kind and name`);
    }
  }
});

t.test('every namespace a sample uses exists: built in, or created earlier in the same file', async (t) => {
  for (const file of readdirSync(samplesDir).filter((f) => f.endsWith('.yaml'))) {
    const created = new Set<string>();
    for (const doc of parseAllDocuments(readFileSync(join(samplesDir, file), 'utf8'))) {
      const obj = doc.toJS() as { kind: string; metadata: { name: string; namespace?: string } } | null;
      if (!obj) continue;
      if (obj.kind === 'Namespace') {
        created.add(obj.metadata.name);
        continue;
      }
      const ns = obj.metadata.namespace ?? 'default';
      t.ok(BUILT_IN_NAMESPACES.has(ns) || created.has(ns), `${file}: ${obj.kind}/${obj.metadata.name} in namespace ${ns}, which exists`);
    }
  }
});

t.test('samples are valid against the generated CRDs and the hook validation', async (t) => {
  const files = readdirSync(samplesDir).filter((f) => f.endsWith('.yaml'));
  t.ok(files.length >= 3, 'samples exist');
  let checked = 0;
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(join(samplesDir, file), 'utf8'))) {
      const obj = doc.toJS() as Parent | null;
      if (!obj) continue;
      const kind = KINDS.find((k) => `${k.names.group}/${k.names.version}` === obj.apiVersion && k.names.kind === obj.kind);
      if (!kind) continue;
      const crd = crdFor(kind) as { spec: { versions: { schema: { openAPIV3Schema: Record<string, unknown> } }[] } };
      const validate = ajvFor(crd.spec.versions[0]!.schema.openAPIV3Schema);
      t.ok(validate(obj), `${file} ${obj.metadata.name}: valid against the CRD ${JSON.stringify(validate.errors ?? [])}`);
      const spec = validateSpec<Record<string, unknown>>(kind.specSchema, obj.spec);
      const owner = { cluster: 'default', namespace: obj.metadata.namespace ?? 'default', name: obj.metadata.name, uid: 'u', kind: kind.names.kind };
      const config = {
        ...DEFAULT_HOOKS_CONFIG,
        oidcProviderArn: 'arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE',
        oidcIssuer: 'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE',
        allowedManagedPolicyArns: ['arn:aws:iam::aws:policy/*'],
        accountId: '111122223333',
      };
      try {
        kind.desired({ parent: { ...obj, spec } as Parent, spec, children: {}, related: {}, config, owner, finalizing: false, now: new Date() });
        t.pass(`${file} ${obj.metadata.name}: the hook accepts it`);
      } catch (err) {
        if (err instanceof InvalidSpecError) t.fail(`${file} ${obj.metadata.name}: ${err.message}`);
        else if (err instanceof WaitError) t.pass(`${file} ${obj.metadata.name}: valid, waits for ${err.reason}`);
        else throw err;
      }
      checked++;
    }
  }
  t.ok(checked >= 4, `checked ${checked} sample objects`);
});
