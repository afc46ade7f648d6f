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

const samplesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'manifests', 'samples');
const BUILT_IN_NAMESPACES = new Set(['default']);

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
