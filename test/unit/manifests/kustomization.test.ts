import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { manifestsDir } from '../../helpers/manifests.js';

t.test('kustomization installs install.yaml, in one namespace setting, with optional components', async (t) => {
  const k = parseYaml(readFileSync(join(manifestsDir, 'kustomization.yaml'), 'utf8'), { version: '1.1' }) as {
    kind: string;
    namespace?: string;
    resources: string[];
    components?: string[];
    transformers?: string[];
  };
  t.equal(k.kind, 'Kustomization', 'is a Kustomization');
  t.same(k.resources, ['install.yaml'], 'resources: the one-file install, nothing else');
  t.equal(k.namespace, 'awshooks', 'the namespace is set in one place');
  t.same(k.transformers, ['kustomize-namespace.yaml'], 'with the transformers that carry it into the CompositeControllers');
  t.equal(k.components ?? null, null, 'the Prometheus Operator objects are off: apply -k works without its CRDs');
  const text = readFileSync(join(manifestsDir, 'kustomization.yaml'), 'utf8');
  for (const c of ['servicemonitor', 'prometheusrule', 'grafana-dashboard']) {
    t.match(text, new RegExp(`#\\s+- components/${c}\\n`), `components/${c} is offered, commented out`);
    t.ok(existsSync(join(manifestsDir, 'components', c, 'kustomization.yaml')), `components/${c} exists`);
  }
});
