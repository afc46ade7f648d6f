/**
 * Installing the project as a user does, on a real kube-apiserver (issue 7): `kubectl apply -k`
 * installs every kind (the API server compiles every CEL rule), kustomize keeps the IAM Version
 * enum as strings, and no name of ours is taken by a built-in resource.
 */
import t from 'tap';
import { parseAllDocuments } from 'yaml';
import { KINDS } from '../../hooks/registry.js';
import { CRD_NAMES, install, OVERLAY_DIR, ROOT } from '../helpers/e2e.js';
import { api, kubectl, kubectlOk } from '../helpers/kube.js';

interface ApiResource {
  name: string;
  singularName?: string;
  shortNames?: string[];
  categories?: string[];
  kind: string;
}

/** Every resource the API server serves, with its group (discovery, as kubectl reads it). */
async function discovery(): Promise<{ group: string; resource: ApiResource }[]> {
  const out: { group: string; resource: ApiResource }[] = [];
  const core = await api<{ resources: ApiResource[] }>('GET', '/api/v1');
  for (const r of core.body.resources) out.push({ group: '', resource: r });
  const groups = await api<{ groups: { name: string; versions: { groupVersion: string }[] }[] }>('GET', '/apis');
  for (const g of groups.body.groups) {
    for (const v of g.versions) {
      const list = await api<{ resources: ApiResource[] }>('GET', `/apis/${v.groupVersion}`);
      for (const r of list.body.resources) out.push({ group: g.name, resource: r });
    }
  }
  return out.filter((e) => !e.resource.name.includes('/')); // not subresources
}

t.test('kubectl apply -k installs every kind, its CompositeController and the deployment files', async (t) => {
  const out = await install();
  for (const crd of CRD_NAMES)
    t.match(out, new RegExp(`customresourcedefinition.apiextensions.k8s.io/${crd.replace(/\./g, '\\.')} (created|configured|unchanged)`), `CRD ${crd}`);
  for (const kind of KINDS)
    t.match(
      out,
      new RegExp(`compositecontroller.metacontroller.k8s.io/awshooks-${kind.names.plural} (created|configured|unchanged)`),
      `CompositeController of ${kind.names.kind}`,
    );
  // Everything else the overlay builds (the deployment files of manifests/deploy/) exists too.
  const built = parseAllDocuments(await kubectlOk(['kustomize', OVERLAY_DIR])).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
  t.ok(
    built.some((o) => o.kind === 'Deployment'),
    'the build has the Deployment',
  );
  t.notOk(
    built.some((o) => o.kind === 'ServiceMonitor'),
    'and no ServiceMonitor (no Prometheus Operator here)',
  );
  const existing = (await kubectlOk(['get', '-k', OVERLAY_DIR, '-o', 'name'])).trim().split('\n');
  t.equal(existing.length, built.length, `all ${built.length} objects of the build exist on the API server`);
  for (const crd of CRD_NAMES) {
    const stored = await api<{ status: { conditions: { type: string; status: string }[] } }>(
      'GET',
      `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd}`,
    );
    t.equal(stored.body.status.conditions.find((c) => c.type === 'Established')?.status, 'True', `${crd} established`);
  }
});

t.test('kustomize keeps the IAM Version enum as strings (the API server stores "2012-10-17")', async (t) => {
  // What kustomize makes of the repository's own manifests/, as `kubectl apply -k manifests/` sends it.
  const built = parseAllDocuments(await kubectlOk(['kustomize', `${ROOT}/manifests`])).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
  t.ok(
    built.find((o) => o.kind === 'CustomResourceDefinition' && o.metadata.name === 'policies.iam.awshooks.dev'),
    'the Policy CRD is in the build',
  );
  for (const [crd, at] of [
    ['policies.iam.awshooks.dev', (spec: Spec) => spec.properties.document],
    ['roles.iam.awshooks.dev', (spec: Spec) => spec.properties.inlinePolicies.additionalProperties],
  ] as const) {
    const stored = await api<Crd>('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd}`);
    const version = at(stored.body.spec.versions[0]!.schema.openAPIV3Schema.properties.spec).properties.Version;
    t.same(version.enum, ['2012-10-17', '2008-10-17'], `${crd}: enum of strings as stored`);
    t.equal(version.default, '2012-10-17', `${crd}: default`);
    const fromKustomize = built.find((o) => o.kind === 'CustomResourceDefinition' && o.metadata.name === crd) as unknown as Crd;
    t.same(
      at(fromKustomize.spec.versions[0]!.schema.openAPIV3Schema.properties.spec).properties.Version.enum,
      ['2012-10-17', '2008-10-17'],
      `${crd}: enum of strings after kustomize`,
    );
  }
});

interface Spec {
  properties: Record<string, Spec> & { document: Spec; inlinePolicies: Spec & { additionalProperties: Spec }; Version: { enum: string[]; default: string } };
  additionalProperties: Spec;
}
interface Crd {
  spec: { versions: { schema: { openAPIV3Schema: { properties: { spec: Spec } } } }[] };
}

t.test('names: no short name of ours is a built-in name; kubectl finds each kind by its short names and the aws category', async (t) => {
  const all = await discovery();
  const ours = new Set(KINDS.map((k) => k.names.group));
  const builtIn = all.filter((e) => !ours.has(e.group));
  const builtInNames = new Map<string, string>();
  for (const { group, resource } of builtIn) {
    for (const n of [resource.name, resource.singularName, ...(resource.shortNames ?? [])]) if (n) builtInNames.set(n, `${resource.name}.${group || 'core'}`);
  }
  t.ok(builtInNames.has('pods') && builtInNames.has('roles'), `discovery lists the built-in resources (${builtIn.length})`);
  const collisions: string[] = [];
  for (const kind of KINDS) {
    for (const short of kind.names.shortNames)
      t.notOk(
        builtInNames.has(short),
        `${kind.names.kind} short name ${short} is not built in${builtInNames.has(short) ? ` (${builtInNames.get(short)})` : ''}`,
      );
    for (const n of [kind.names.plural, kind.names.singular]) if (builtInNames.has(n)) collisions.push(`${n} (${builtInNames.get(n)})`);
  }
  // NOTE: `kubectl get roles` means RBAC Roles (the built-in wins the plural): our Role is iamrole/iamroles.
  t.same(
    collisions,
    ['roles (roles.rbac.authorization.k8s.io)', 'role (roles.rbac.authorization.k8s.io)'],
    'only the Role plural and singular collide, with RBAC',
  );
  for (const { group, resource } of all.filter((e) => ours.has(e.group)))
    t.ok(resource.categories?.includes('aws'), `${resource.name}.${group} is in category aws`);

  // kubectl resolves short names from its discovery cache, which an earlier kubectl call may have
  // filled before the CRDs were served; `explain` does not refresh it on a miss, api-resources does.
  await kubectlOk(['api-resources', '-o', 'name']);
  for (const kind of KINDS) {
    for (const short of kind.names.shortNames) {
      const explain = await kubectlOk(['explain', short]);
      t.match(explain, new RegExp(`GROUP:\\s+${kind.names.group.replace(/\./g, '\\.')}\\s`), `kubectl explain ${short}: ${kind.names.group}`);
      t.match(explain, new RegExp(`KIND:\\s+${kind.names.kind}\\s`), `kubectl explain ${short}: ${kind.names.kind}`);
    }
  }
  t.match(await kubectlOk(['explain', 'roles']), /GROUP:\s+rbac\.authorization\.k8s\.io/, '`roles` alone is RBAC: the README says iamrole');
  const inCategory = (await kubectlOk(['api-resources', '--categories=aws', '-o', 'name'])).trim().split('\n').sort();
  t.same(inCategory, KINDS.map((k) => `${k.names.plural}.${k.names.group}`).sort(), '`kubectl get aws` covers every kind');
  t.equal((await kubectl(['get', 'aws', '-A'])).code, 0, 'kubectl get aws -A');
});
