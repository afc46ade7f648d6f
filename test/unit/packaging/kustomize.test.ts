/**
 * `kubectl apply -k manifests/` applies what Helm installs: kubectl's built-in kustomize (the
 * kubectl scripts/k8s-build.sh builds, the one users run) renders manifests/ and the result is
 * compared object by object with `helm template` — with the committed namespace, with the
 * namespace setting changed, and with each optional component turned on.
 */
import t from 'tap';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMPONENTS, INSTALL_VALUES_FILE, kustomize, renderChart, ROOT, toolPath, type KubeObject } from '../../../scripts/packaging.js';

// The first run on a machine may build kubectl and helm (scripts/tools.sh); scripts/test.sh does that beforehand.
t.setTimeout(40 * 60 * 1000);
toolPath('kubectl');
toolPath('helm');

/** Objects keyed by kind, namespace and name. */
function byKey(objects: KubeObject[]): Map<string, KubeObject> {
  const out = new Map<string, KubeObject>();
  for (const o of objects) out.set(`${o.kind} ${o.metadata.namespace ?? '-'}/${o.metadata.name}`, o);
  return out;
}

/** Compare two renderings object by object (kustomize reorders keys; the objects must be equal). */
function sameObjects(t: { same: (a: unknown, b: unknown, m: string) => unknown }, actual: KubeObject[], expected: KubeObject[], what: string): void {
  const a = byKey(actual);
  const e = byKey(expected);
  t.same([...a.keys()].sort(), [...e.keys()].sort(), `${what}: the same objects`);
  for (const [key, obj] of e) if (a.has(key)) t.same(a.get(key), obj, `${what}: ${key}`);
}

/** A copy of manifests/ with kustomization.yaml edited. */
function manifestsCopy(edit: (kustomization: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'awshooks-kustomize-'));
  cpSync(join(ROOT, 'manifests'), dir, { recursive: true });
  const file = join(dir, 'kustomization.yaml');
  const text = readFileSync(file, 'utf8');
  const edited = edit(text);
  if (edited === text) throw new Error('the edit changed nothing');
  writeFileSync(file, edited);
  return dir;
}

t.test('kubectl apply -k manifests/ applies what helm installs', async (t) => {
  sameObjects(t, kustomize(join(ROOT, 'manifests')), renderChart({ valuesFiles: [INSTALL_VALUES_FILE] }), 'namespace awshooks');
});

t.test('the namespace is one setting: change it and everything follows, as with helm --namespace', async (t) => {
  const dir = manifestsCopy((k) => k.replace(/^namespace: awshooks$/m, 'namespace: platform-aws'));
  t.teardown(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const objects = kustomize(dir);
  sameObjects(t, objects, renderChart({ namespace: 'platform-aws', valuesFiles: [INSTALL_VALUES_FILE] }), 'namespace platform-aws');
  const text = JSON.stringify(objects);
  t.notMatch(text, /awshooks\.awshooks\.svc|"namespace":"awshooks"/, 'nothing points at the old namespace any more');
  t.ok(
    objects.filter((o) => o.kind === 'CompositeController').every((o) => o.metadata.namespace === undefined),
    'the cluster-scoped CompositeControllers get no namespace',
  );
});

t.test('each optional component adds what the chart’s toggle adds', async (t) => {
  for (const c of COMPONENTS) {
    const dir = manifestsCopy((k) =>
      k.replace(/^# components:$/m, 'components:').replace(new RegExp(`^#\\s+- components/${c.dir}$`, 'm'), `  - components/${c.dir}`),
    );
    t.teardown(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    sameObjects(t, kustomize(dir), renderChart({ valuesFiles: [INSTALL_VALUES_FILE], set: [c.set] }), `components/${c.dir}`);
  }
  const all = manifestsCopy((k) => k.replace(/^# components:$/m, 'components:').replace(/^#(\s+- components\/)/gm, ' $1'));
  t.teardown(() => {
    rmSync(all, { recursive: true, force: true });
  });
  const objects = kustomize(all);
  sameObjects(t, objects, renderChart({ namespace: 'awshooks', valuesFiles: [INSTALL_VALUES_FILE], set: COMPONENTS.map((c) => c.set) }), 'all components');
});
