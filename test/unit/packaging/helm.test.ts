/**
 * The Helm chart, through the real helm CLI (scripts/tools.sh builds it): `helm lint`, the
 * committed renderings (install.yaml, the kustomize components and transformers) are what the
 * chart renders, each toggle renders what it says, values.schema.json refuses mistakes at
 * `helm template` time, and every rendered built-in object is valid against Kubernetes' OpenAPI
 * schemas (kubernetes-models).
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { loadConfig } from '../../../server/config.js';
import { KINDS } from '../../../hooks/registry.js';
import {
  CHART_DIR,
  COMPONENTS,
  componentObjectYaml,
  INSTALL_VALUES_FILE,
  kustomizeNamespaceTransformers,
  parseObjects,
  renderChart,
  renderChartText,
  renderInstall,
  ROOT,
  toolPath,
  type KubeObject,
  type RenderOptions,
} from '../../../scripts/packaging.js';

// The first run on a machine may build helm (scripts/tools.sh); scripts/test.sh does that beforehand.
t.setTimeout(15 * 60 * 1000);
const helm = toolPath('helm');
const PRODUCTION = join(CHART_DIR, 'ci', 'production-values.yaml');

type ModelClass = new (data: never) => { validate(): void };
const MODELS: Record<string, ModelClass> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'apiextensions.k8s.io/v1/CustomResourceDefinition': CustomResourceDefinition,
};
/** Custom kinds (Metacontroller, Prometheus Operator) have no model: the tests check them by hand. */
const CUSTOM = new Set([
  'metacontroller.k8s.io/v1alpha1/CompositeController',
  'monitoring.coreos.com/v1/ServiceMonitor',
  'monitoring.coreos.com/v1/PrometheusRule',
]);

function find(objects: KubeObject[], kind: string, name?: string): KubeObject | undefined {
  return objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
}
const podSpecOf = (objects: KubeObject[]): IPodSpec =>
  (find(objects, 'Deployment') as unknown as { spec: { template: { spec: IPodSpec } } }).spec.template.spec;
const containerOf = (objects: KubeObject[]): IContainer => podSpecOf(objects).containers[0]!;
const envOf = (objects: KubeObject[]): Record<string, string | undefined> => Object.fromEntries((containerOf(objects).env ?? []).map((e) => [e.name, e.value]));
type Hooks = Record<string, { webhook: { url: string; authorization?: { secretRef: { name: string; namespace: string } }; caBundle?: unknown } }>;
const hooksOf = (objects: KubeObject[]): Hooks[] =>
  objects.filter((o) => o.kind === 'CompositeController').map((o) => (o as unknown as { spec: { hooks: Hooks } }).spec.hooks);

/** Render and validate every built-in object against the Kubernetes schemas. */
/** What render() asserts with (a tap test). */
interface Checker {
  fail(message: string): unknown;
  doesNotThrow(fn: () => void, message: string): unknown;
}

function render(t: Checker, what: string, options: RenderOptions): KubeObject[] {
  const objects = renderChart(options);
  for (const o of objects) {
    const key = `${o.apiVersion}/${o.kind}`;
    if (CUSTOM.has(key)) continue;
    const Model = MODELS[key];
    if (!Model) t.fail(`${what}: ${o.kind}/${o.metadata.name}: no schema known for ${key}`);
    else
      t.doesNotThrow(() => {
        new Model(o as never).validate();
      }, `${what}: ${o.kind}/${o.metadata.name} matches the ${key} schema`);
  }
  return objects;
}

t.test('helm lint passes with the defaults, the install values and the production example', async (t) => {
  for (const args of [[], ['--values', INSTALL_VALUES_FILE], ['--values', PRODUCTION]]) {
    const out = execFileSync(helm, ['lint', '--strict', CHART_DIR, ...args], { encoding: 'utf8' });
    t.match(out, /1 chart\(s\) linted, 0 chart\(s\) failed/, `helm lint --strict ${args.join(' ')}`);
  }
});

t.test('the committed renderings are what the chart renders (run `npm run generate`)', async (t) => {
  const install = readFileSync(join(ROOT, 'manifests', 'install.yaml'), 'utf8');
  t.equal(install, renderInstall(), 'manifests/install.yaml');
  for (const c of COMPONENTS) {
    t.equal(readFileSync(join(ROOT, 'manifests', 'components', c.dir, `${c.dir}.yaml`), 'utf8'), componentObjectYaml(c), `components/${c.dir}`);
  }
  t.equal(
    readFileSync(join(ROOT, 'manifests', 'kustomize-namespace.yaml'), 'utf8'),
    kustomizeNamespaceTransformers(parseObjects(install)),
    'kustomize-namespace.yaml',
  );
});

t.test('defaults: a generated hook token kept across upgrades, CRDs kept on uninstall, no optional objects', async (t) => {
  const objects = render(t, 'defaults', {});
  const secret = find(objects, 'Secret', 'awshooks-hook-token') as unknown as { data: { token: string }; metadata: { annotations: Record<string, string> } };
  t.ok(secret, 'the chart creates the token Secret');
  const token = Buffer.from(secret.data.token, 'base64').toString();
  t.match(token, /^[A-Za-z0-9]{64}$/, 'a random 64-character token');
  t.equal(secret.metadata.annotations['helm.sh/resource-policy'], 'keep', 'kept on uninstall (Metacontroller and the pods share it)');
  const again = find(renderChart({}), 'Secret', 'awshooks-hook-token') as unknown as { data: { token: string } };
  t.not(again.data.token, secret.data.token, 'helm template cannot look up: a new token each render (an install reuses the stored one)');
  const chartText = readFileSync(join(CHART_DIR, 'templates', 'hook-token-secret.yaml'), 'utf8');
  t.match(chartText, /lookup "v1" "Secret" \.Release\.Namespace \$name/, 'the template reuses the Secret already in the cluster');
  for (const crd of objects.filter((o) => o.kind === 'CustomResourceDefinition')) {
    t.equal(crd.metadata.annotations?.['helm.sh/resource-policy'], 'keep', `${crd.metadata.name}: kept on helm uninstall`);
  }
  t.same(
    objects.filter((o) => ['ServiceMonitor', 'PrometheusRule', 'Namespace'].includes(o.kind)),
    [],
    'no ServiceMonitor, PrometheusRule or Namespace by default',
  );
  t.notOk(find(objects, 'ConfigMap', 'awshooks-dashboard'), 'no dashboard ConfigMap by default');
  for (const hooks of hooksOf(objects)) {
    for (const h of Object.values(hooks))
      t.same(h.webhook.authorization?.secretRef, { name: 'awshooks-hook-token', namespace: 'awshooks', key: 'token' }, 'hooks send the generated token');
  }
});

t.test('another release and namespace: names and references follow, controller names do not', async (t) => {
  const objects = render(t, 'release platform', { release: 'platform', namespace: 'infra' });
  const deployment = find(objects, 'Deployment');
  t.equal(deployment?.metadata.name, 'platform-awshooks', 'namespaced objects are named after the release');
  t.ok(
    objects.filter((o) => !['CustomResourceDefinition', 'CompositeController'].includes(o.kind)).every((o) => o.metadata.namespace === 'infra'),
    'in the release namespace',
  );
  t.same(
    objects
      .filter((o) => o.kind === 'CompositeController')
      .map((o) => o.metadata.name)
      .sort(),
    KINDS.map((k) => `awshooks-${k.names.plural}`).sort(),
    'CompositeController names stay fixed (the parents’ finalizers are named after them)',
  );
  for (const hooks of hooksOf(objects)) {
    for (const [name, h] of Object.entries(hooks)) {
      t.match(h.webhook.url, new RegExp(`^http://platform-awshooks\\.infra\\.svc:80/hooks/[a-z]+/${name}$`), `${name}: the release's Service`);
      t.same(
        h.webhook.authorization?.secretRef,
        { name: 'platform-awshooks-hook-token', namespace: 'infra', key: 'token' },
        `${name}: the release's token Secret`,
      );
    }
  }
  const volume = podSpecOf(objects).volumes?.find((v) => v.name === 'hook-token');
  t.equal(volume?.secret?.secretName, 'platform-awshooks-hook-token', 'the pods mount that Secret');
});

t.test('hookToken.existingSecret: no Secret created, everything points at it', async (t) => {
  const objects = render(t, 'existing token', { set: ['hookToken.existingSecret=my-token'] });
  t.notOk(
    objects.some((o) => o.kind === 'Secret'),
    'no Secret',
  );
  t.equal(podSpecOf(objects).volumes?.find((v) => v.name === 'hook-token')?.secret?.secretName, 'my-token', 'mounted');
  for (const hooks of hooksOf(objects))
    for (const h of Object.values(hooks)) t.equal(h.webhook.authorization?.secretRef.name, 'my-token', 'sent by Metacontroller');
});

t.test('hookAuth.disabled: no token anywhere, and the service is told so', async (t) => {
  const objects = render(t, 'auth disabled', { set: ['hookAuth.disabled=true'] });
  t.equal(envOf(objects).HOOK_AUTH_DISABLED, 'true', 'HOOK_AUTH_DISABLED=true');
  t.equal(envOf(objects).HOOK_TOKEN_FILE, undefined, 'no HOOK_TOKEN_FILE');
  t.notOk(
    objects.some((o) => o.kind === 'Secret'),
    'no token Secret',
  );
  for (const hooks of hooksOf(objects)) for (const h of Object.values(hooks)) t.equal(h.webhook.authorization, undefined, 'no authorization in the hooks');
});

t.test('tls: HTTPS hook URLs, the certificate mounted, Metacontroller given the CA', async (t) => {
  const fromSecret = render(t, 'tls', { set: ['tls.enabled=true', 'tls.secretName=awshooks-tls', 'service.port=443'] });
  const env = envOf(fromSecret);
  t.equal(env.TLS_CERT_FILE, '/var/run/awshooks-tls/tls.crt', 'TLS_CERT_FILE');
  t.equal(env.TLS_KEY_FILE, '/var/run/awshooks-tls/tls.key', 'TLS_KEY_FILE');
  t.equal(podSpecOf(fromSecret).volumes?.find((v) => v.name === 'tls')?.secret?.secretName, 'awshooks-tls', 'the tls Secret is mounted');
  for (const hooks of hooksOf(fromSecret)) {
    for (const h of Object.values(hooks)) {
      t.match(h.webhook.url, /^https:\/\/awshooks\.awshooks\.svc:443\//, 'https on the Service port');
      t.same(h.webhook.caBundle, { secretRef: { name: 'awshooks-tls', namespace: 'awshooks', key: 'ca.crt' } }, 'CA from the Secret’s ca.crt');
    }
  }
  const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
  const inline = renderChart({ set: ['tls.enabled=true', 'tls.secretName=awshooks-tls'], setString: [`tls.caBundle=${pem}`] });
  for (const hooks of hooksOf(inline)) for (const h of Object.values(hooks)) t.same(h.webhook.caBundle, { inline: pem }, 'an explicit caBundle goes inline');
  t.throws(() => renderChartText({ set: ['tls.enabled=true'] }), /tls\.secretName is required/, 'tls without a Secret is refused');
});

t.test('hooks.baseUrl: the hooks of every CompositeController at that base, nothing else changes', async (t) => {
  const objects = render(t, 'hook base URL', { set: ['hooks.baseUrl=http://127.0.0.1:8080/'] });
  let count = 0;
  for (const cc of objects.filter((o) => o.kind === 'CompositeController')) {
    const plural = cc.metadata.name.replace(/^awshooks-/, '');
    for (const [name, h] of Object.entries((cc as unknown as { spec: { hooks: Hooks } }).spec.hooks)) {
      count += 1;
      t.equal(h.webhook.url, `http://127.0.0.1:8080/hooks/${plural}/${name}`, `${cc.metadata.name} ${name}: at the base (trailing / dropped)`);
      t.same(h.webhook.authorization?.secretRef, { name: 'awshooks-hook-token', namespace: 'awshooks', key: 'token' }, `${name}: still sends the token`);
    }
  }
  t.ok(count >= KINDS.length * 2, `${count} hooks`);
  const withPath = renderChart({ set: ['hooks.baseUrl=https://hooks.example.com/awshooks'] });
  for (const hooks of hooksOf(withPath))
    for (const h of Object.values(hooks)) t.match(h.webhook.url, /^https:\/\/hooks\.example\.com\/awshooks\/hooks\/[a-z]+\/[a-z]+$/, 'a path prefix is kept');
  const strip = (o: KubeObject[]) => o.filter((x) => x.kind !== 'CompositeController' && x.kind !== 'Secret');
  t.same(strip(objects), strip(renderChart({})), 'the other objects are those of the default rendering');
  for (const bad of ['127.0.0.1:8080', 'ftp://x', 'http://x/?q=1', 'http://a b']) {
    t.throws(() => renderChartText({ setString: [`hooks.baseUrl=${bad}`] }), /does not match pattern|schema/i, `refuses ${bad}`);
  }
});

t.test('awsCredentials (not for production): a Secret loaded into the environment', async (t) => {
  const created = render(t, 'credentials', {
    set: ['awsCredentials.create=true', 'awsCredentials.accessKeyId=AKIAEXAMPLE', 'awsCredentials.secretAccessKey=secret'],
  });
  const secret = find(created, 'Secret', 'awshooks-aws-credentials') as unknown as { stringData: Record<string, string> };
  t.same(Object.keys(secret.stringData).sort(), ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'], 'the two keys the SDK reads');
  t.ok(
    containerOf(created).envFrom?.some((e) => e.secretRef?.name === 'awshooks-aws-credentials'),
    'loaded with envFrom',
  );
  const existing = render(t, 'existing credentials', { set: ['awsCredentials.existingSecret=aws-keys'] });
  t.notOk(find(existing, 'Secret', 'awshooks-aws-credentials'), 'an existing Secret is not created');
  t.ok(
    containerOf(existing).envFrom?.some((e) => e.secretRef?.name === 'aws-keys'),
    'the existing Secret is loaded',
  );
  t.throws(() => renderChartText({ set: ['awsCredentials.create=true'] }), /awsCredentials\.accessKeyId is required/, 'create without keys is refused');
  t.notOk(
    containerOf(renderChart({})).envFrom?.some((e) => e.secretRef),
    'by default no credentials Secret (IRSA or Pod Identity)',
  );
  const values = readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8');
  t.match(values, /NOT FOR PRODUCTION/, 'values.yaml marks it not for production');
});

t.test('dbTlsCa: the RDS CA bundle mounted and DB_TLS_CA_FILE set', async (t) => {
  const objects = render(t, 'db ca', { set: ['dbTlsCa.configMap=rds-ca', 'config.DB_TLS=verify-full'] });
  t.equal(envOf(objects).DB_TLS_CA_FILE, '/var/run/awshooks-db-ca/global-bundle.pem', 'DB_TLS_CA_FILE');
  t.equal(podSpecOf(objects).volumes?.find((v) => v.name === 'db-ca')?.configMap?.name, 'rds-ca', 'from the ConfigMap');
});

t.test('the production example: IRSA, settings the service accepts, the operations objects', async (t) => {
  const objects = render(t, 'production', { valuesFiles: [PRODUCTION] });
  const sa = find(objects, 'ServiceAccount');
  t.equal(sa?.metadata.annotations?.['eks.amazonaws.com/role-arn'], 'arn:aws:iam::111122223333:role/awshooks-controller', 'the IRSA role annotation');
  const cm = find(objects, 'ConfigMap', 'awshooks-config') as unknown as { data: Record<string, string> };
  const dir = mkdtempSync(join(tmpdir(), 'awshooks-helm-'));
  t.teardown(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  writeFileSync(join(dir, 'token'), 'b'.repeat(64));
  const env: Record<string, string> = { ...cm.data };
  for (const [k, v] of Object.entries(envOf(objects))) if (v !== undefined) env[k] = v;
  const config = loadConfig({ ...env, HOOK_TOKEN_FILE: join(dir, 'token') });
  t.equal(config.hooks.clusterName, 'prod-eu-west-1', 'CLUSTER_NAME reaches the service');
  t.equal(config.hooks.defaultRegion, 'eu-west-1', 'AWS_REGION reaches the service');
  t.equal(config.hooks.oidcIssuer, 'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE', 'OIDC issuer derived');
  t.equal(config.hooks.allowedManagedPolicyArns.length, 2, 'the allow-list parses');
  t.equal(containerOf(objects).image, 'registry.example.com/platform/awshooks:0.1.0', 'the image from the registry, tagged with the chart appVersion');
  t.equal(find(objects, 'ServiceMonitor')?.metadata.labels?.release, 'kube-prometheus-stack', 'ServiceMonitor with the selecting label');
  t.equal(find(objects, 'PrometheusRule')?.metadata.labels?.release, 'kube-prometheus-stack', 'PrometheusRule with the selecting label');
  const dashboard = find(objects, 'ConfigMap', 'awshooks-dashboard') as unknown as {
    data: Record<string, string>;
    metadata: { labels: Record<string, string> };
  };
  t.equal(dashboard.metadata.labels.grafana_dashboard, '1', 'dashboard ConfigMap for the Grafana sidecar');
  t.same(
    JSON.parse(dashboard.data['awshooks.json']!),
    JSON.parse(readFileSync(join(CHART_DIR, 'files', 'grafana-dashboard.json'), 'utf8')),
    'carrying the dashboard JSON',
  );
  const checksum = (o: KubeObject[]): string | undefined =>
    (find(o, 'Deployment') as unknown as { spec: { template: { metadata: { annotations: Record<string, string> } } } }).spec.template.metadata.annotations[
      'checksum/config'
    ];
  t.not(checksum(objects), checksum(renderChart({})), 'other settings, another config checksum: the pods roll');
});

t.test('values.schema.json refuses mistakes before anything is applied', async (t) => {
  const refused: [string, RenderOptions][] = [
    ['a misspelt value', { set: ['replicas=3'] }],
    ['a setting the service does not read', { set: ['config.CLUSTERNAME=x'] }],
    ['a malformed CLUSTER_NAME', { setString: ['config.CLUSTER_NAME=has spaces'] }],
    ['a malformed permissions boundary', { setString: ['config.PERMISSIONS_BOUNDARY_ARN=awshooks-boundary'] }],
    ['an IRSA role that is not a role ARN', { setString: ['serviceAccount.irsaRoleArn=arn:aws:iam::111122223333:user/x'] }],
    ['an unknown log level', { setString: ['config.LOG_LEVEL=verbose'] }],
  ];
  for (const [what, options] of refused) {
    t.throws(
      () => renderChartText(options),
      /values don't meet the specifications of the schema|additional properties|does not match pattern|value must be one of/i,
      `refuses ${what}`,
    );
  }
});

t.test('crds.install=false leaves the CRDs out; crds.keep=false lets uninstall remove them', async (t) => {
  t.notOk(
    renderChart({ set: ['crds.install=false'] }).some((o) => o.kind === 'CustomResourceDefinition'),
    'no CRDs',
  );
  const unkept = renderChart({ set: ['crds.keep=false'] }).filter((o) => o.kind === 'CustomResourceDefinition');
  t.equal(unkept.length, KINDS.length, 'one CRD per kind');
  t.ok(
    unkept.every((o) => o.metadata.annotations?.['helm.sh/resource-policy'] === undefined),
    'without the keep policy',
  );
});
