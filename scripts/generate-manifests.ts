/**
 * `npm run generate`: every generated file, from schemas/, hooks/registry.ts, server/config.ts,
 * package.json and the chart (scripts/packaging.ts says what comes from what):
 *
 *   manifests/generated/<plural>.yaml           CRD + CompositeController per kind
 *   charts/awshooks/files/...                   the same, as the chart's sources
 *   charts/awshooks/values.schema.json          from the service's environment schema
 *   charts/awshooks/Chart.yaml                  version and appVersion from package.json
 *   manifests/install.yaml                      the chart rendered for `kubectl apply -f` (needs helm:
 *   manifests/components/<name>/<name>.yaml     built on first use by scripts/tools.sh)
 *   manifests/kustomize-namespace.yaml
 *   manifests/metacontroller/*.yaml             Metacontroller's least-privilege RBAC
 *   manifests/argocd/*                          Argo CD health checks
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KINDS } from '../hooks/registry.js';
import { generatedManifest } from '../schemas/crd.js';
import {
  argoConfigMapYaml,
  argoHealthLua,
  CHART_DIR,
  chartKindFiles,
  chartYamlWithVersion,
  COMPONENTS,
  componentObjectYaml,
  kustomizeNamespaceTransformers,
  metacontrollerClusterRoleYaml,
  metacontrollerValuesYaml,
  packageVersion,
  parseObjects,
  renderInstall,
  ROOT,
  valuesSchema,
} from './packaging.js';

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  process.stdout.write(`wrote ${file.slice(ROOT.length + 1)}\n`);
}

for (const kind of KINDS) write(join(ROOT, 'manifests', 'generated', `${kind.names.plural}.yaml`), generatedManifest(kind));

// The chart's sources first: everything below renders the chart.
for (const sub of ['files/crds', 'files/compositecontrollers']) {
  // No stale file of a removed kind.
  const dir = join(CHART_DIR, sub);
  if (existsSync(dir)) for (const f of readdirSync(dir, { withFileTypes: true })) if (f.isFile()) rmSync(join(dir, f.name));
}
for (const [path, text] of Object.entries(chartKindFiles(KINDS))) write(join(CHART_DIR, path), text);
write(join(CHART_DIR, 'values.schema.json'), `${JSON.stringify(valuesSchema(), null, 2)}\n`);
const chartYaml = join(CHART_DIR, 'Chart.yaml');
write(chartYaml, chartYamlWithVersion(readFileSync(chartYaml, 'utf8'), packageVersion()));

const install = renderInstall();
write(join(ROOT, 'manifests', 'install.yaml'), install);
for (const c of COMPONENTS) write(join(ROOT, 'manifests', 'components', c.dir, `${c.dir}.yaml`), componentObjectYaml(c));
write(join(ROOT, 'manifests', 'kustomize-namespace.yaml'), kustomizeNamespaceTransformers(parseObjects(install)));

write(join(ROOT, 'manifests', 'metacontroller', 'values.yaml'), metacontrollerValuesYaml(KINDS));
write(join(ROOT, 'manifests', 'metacontroller', 'clusterrole.yaml'), metacontrollerClusterRoleYaml(KINDS));
write(join(ROOT, 'manifests', 'argocd', 'health.lua'), argoHealthLua(KINDS));
write(join(ROOT, 'manifests', 'argocd', 'argocd-cm.yaml'), argoConfigMapYaml(KINDS));
