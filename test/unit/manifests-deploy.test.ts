/**
 * Checks the one-file install (manifests/install.yaml, the Helm chart rendered by `npm run
 * generate`), the kustomization over it, the IAM policies (manifests/iam/) and the Dockerfile by
 * reading them: every built-in Kubernetes object is validated against Kubernetes' own OpenAPI
 * schemas (kubernetes-models), then the properties the schemas cannot see are asserted — security
 * settings, probes on the metrics port, selectors that really select the pods, who the
 * NetworkPolicy admits, least-privilege IAM — and the files are checked against each other (ports,
 * names, prefix, boundary ARN, user id). That install.yaml is what the chart renders is
 * test/unit/packaging/helm.test.ts's job.
 */
import t from 'tap';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { ENV_SCHEMA, loadConfig } from '../../server/config.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const manifestsDir = join(root, 'manifests');
const iamDir = join(root, 'manifests', 'iam');

/** A parsed Kubernetes object, before it is given to its model. */
interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

/** A model class of kubernetes-models: `validate()` throws when the object breaks the schema. */
type ModelClass = new (data: never) => { validate(): void };

/** Built-in kinds found in install.yaml, keyed `<apiVersion>/<kind>`. */
const MODELS: Record<string, ModelClass> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'apiextensions.k8s.io/v1/CustomResourceDefinition': CustomResourceDefinition,
};

/** Kinds handled by hand because kubernetes-models (core) has no schema for them. */
const HAND_CHECKED = new Set(['metacontroller.k8s.io/v1alpha1/CompositeController', 'monitoring.coreos.com/v1/ServiceMonitor']);

/**
 * Parses a YAML file the way Kubernetes does: YAML 1.1, so that `defaultMode: 0440` is octal
 * (288), as the API server reads it, and not the decimal 440 of YAML 1.2.
 */
function parseKubeYaml(file: string): KubeObject[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'), { version: '1.1' });
  const list = Array.isArray(docs) ? docs : [docs];
  const out: KubeObject[] = [];
  for (const doc of list) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    out.push(value as KubeObject);
  }
  return out;
}

const loaded: KubeObject[] = parseKubeYaml(join(manifestsDir, 'install.yaml'));
const serviceMonitorObject = parseKubeYaml(join(manifestsDir, 'components', 'servicemonitor', 'servicemonitor.yaml'));

/** The one object of `kind` in install.yaml (fails the test run if there is not exactly one). */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape it reads from the YAML
function only<T = KubeObject>(kind: string): T {
  const found = loaded.filter((o) => o.kind === kind);
  if (found.length !== 1) throw new Error(`expected exactly one ${kind}, found ${found.length}`);
  return found[0] as T;
}

/** True when every matchLabels entry of `selector` is among `labels` (the API's semantics). */
function selects(
  selector: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector?.matchLabels || Object.keys(selector.matchLabels).length === 0) return false;
  if (selector.matchExpressions && selector.matchExpressions.length > 0) return false; // not used here; refuse to guess
  return Object.entries(selector.matchLabels).every(([k, v]) => labels?.[k] === v);
}

/** The container port number a Service targetPort / probe port (number or port name) points to. */
function resolvePort(container: IContainer, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

/** IANA_SVC_NAME, what the API server requires of container and service port names. */
const PORT_NAME = /^(?=.{1,15}$)(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
/** RFC 1123 label, what the API server requires of these objects' names. */
const DNS_LABEL = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1123 subdomain (CRD names). */
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const deployment = new Deployment(only<never>('Deployment'));
const podSpec = deployment.spec!.template.spec!;
const podLabels = deployment.spec!.template.metadata?.labels;
const container = podSpec.containers[0]!;
const configMap = only<{ metadata: { name: string }; data: Record<string, string> }>('ConfigMap');
const service = new Service(only<never>('Service'));
/** The example production values (charts/awshooks/ci/production-values.yaml): the settings a real cluster sets. */
const example = parseYaml(readFileSync(join(root, 'charts', 'awshooks', 'ci', 'production-values.yaml'), 'utf8')) as {
  config: Record<string, string>;
  serviceAccount: { irsaRoleArn: string };
};

t.test('every object in install.yaml is valid against the Kubernetes schemas', async (t) => {
  for (const obj of loaded) {
    const key = `${obj.apiVersion}/${obj.kind}`;
    const what = `${obj.kind}/${obj.metadata?.name}`;
    t.match(obj.metadata?.name, obj.kind === 'CustomResourceDefinition' ? DNS_SUBDOMAIN : DNS_LABEL, `${what} has a valid name`);
    if (HAND_CHECKED.has(key)) continue;
    const Model = MODELS[key];
    if (!Model) {
      t.fail(`${what}: no schema known for ${key}`);
      continue;
    }
    t.doesNotThrow(() => {
      new Model(obj as never).validate();
    }, `${what} matches the ${key} schema`);
  }
  t.same(
    [...new Set(loaded.map((o) => o.kind))].sort(),
    [
      'CompositeController',
      'ConfigMap',
      'CustomResourceDefinition',
      'Deployment',
      'Namespace',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'Service',
      'ServiceAccount',
    ],
    'install.yaml holds exactly the expected kinds (no Secret: the token is never in a file)',
  );
  const clusterScoped = new Set(['Namespace', 'CustomResourceDefinition', 'CompositeController']);
  for (const obj of loaded) {
    if (clusterScoped.has(obj.kind)) {
      t.equal(obj.metadata?.namespace, undefined, `${obj.kind}/${obj.metadata?.name} is cluster-scoped: no namespace`);
    } else {
      t.equal(obj.metadata?.namespace, 'awshooks', `${obj.kind}/${obj.metadata?.name} is in namespace awshooks`);
    }
  }
  t.equal(only('Namespace').metadata?.name, 'awshooks', 'creates its namespace');
  t.equal(only('Namespace').metadata?.labels?.['pod-security.kubernetes.io/enforce'], 'restricted', 'which enforces the restricted Pod Security Standard');
});

t.test('the schema validation really rejects invalid objects (negative control)', async (t) => {
  const good = only('Deployment');
  const badReplicas = structuredClone(good) as unknown as { spec: { replicas: unknown } };
  badReplicas.spec.replicas = '2';
  t.throws(() => {
    new Deployment(badReplicas as never).validate();
  }, 'a string replica count is rejected');
  const noContainerName = structuredClone(good) as unknown as { spec: { template: { spec: { containers: { name?: string }[] } } } };
  delete noContainerName.spec.template.spec.containers[0]!.name;
  t.throws(() => {
    new Deployment(noContainerName as never).validate();
  }, 'a container without a name is rejected');
  const badPolicy = structuredClone(only<{ spec: { policyTypes: unknown } }>('NetworkPolicy'));
  badPolicy.spec.policyTypes = 'Ingress';
  t.throws(() => {
    new NetworkPolicy(badPolicy as never).validate();
  }, 'policyTypes must be a list');
});

t.test('CompositeControllers call this install’s Service with its token Secret (checked by hand)', async (t) => {
  const controllers = loaded.filter((o) => o.kind === 'CompositeController') as unknown as {
    metadata: { name: string };
    spec: {
      hooks: Record<
        string,
        {
          version: string;
          webhook: { url: string; timeout: string; authorization?: { type: string; secretRef: { name: string; namespace: string; key: string } } };
        }
      >;
    };
  }[];
  t.equal(controllers.length, loaded.filter((o) => o.kind === 'CustomResourceDefinition').length, 'one CompositeController per CRD');
  const hookPort = service.spec?.ports?.find((p) => p.name === 'http-hooks')?.port;
  for (const cc of controllers) {
    t.match(cc.metadata.name, /^awshooks-[a-z]+$/, `${cc.metadata.name}: the fixed name the parents' finalizer is named after`);
    for (const [name, hook] of Object.entries(cc.spec.hooks)) {
      const what = `${cc.metadata.name} ${name}`;
      t.equal(hook.version, 'v2', `${what}: hook version v2`);
      t.equal(
        hook.webhook.url,
        `http://${service.metadata?.name}.${service.metadata?.namespace}.svc:${hookPort}/hooks/${cc.metadata.name.replace(/^awshooks-/, '')}/${name}`,
        `${what}: the Service's hook port`,
      );
      t.equal(hook.webhook.timeout, '10s', `${what}: Metacontroller's 10 s timeout`);
      t.same(
        hook.webhook.authorization,
        { type: 'Bearer', secretRef: { name: 'awshooks-hook-token', namespace: 'awshooks', key: 'token' } },
        `${what}: the token Secret the pods mount`,
      );
    }
  }
});

t.test('Deployment: replicas, rollout, scheduling', async (t) => {
  const spec = deployment.spec!;
  t.equal(spec.replicas, 2, 'runs 2 replicas');
  t.equal(spec.strategy?.type, 'RollingUpdate', 'rolls out gradually');
  t.equal(spec.strategy?.rollingUpdate?.maxUnavailable, 0, 'never drops below the desired replicas during a rollout');
  t.ok(selects(spec.selector, podLabels), 'the selector matches the pod template labels (else the API server refuses it)');
  const spread = podSpec.topologySpreadConstraints ?? [];
  const antiAffinity = podSpec.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  t.ok(
    spread.some((c) => selects(c.labelSelector, podLabels)) || antiAffinity.some((a) => selects(a.podAffinityTerm.labelSelector, podLabels)),
    'replicas are spread apart by a constraint that selects its own pods',
  );
  t.ok(
    spread.every((c) => c.whenUnsatisfiable === 'ScheduleAnyway'),
    'spreading is a preference: a one-node cluster can still run both replicas',
  );
  t.equal(podSpec.terminationGracePeriodSeconds, 30, 'gives in-flight hook calls 30 s after SIGTERM');
  t.equal(podSpec.serviceAccountName, 'awshooks', 'runs as the awshooks ServiceAccount');
  t.not(podSpec.automountServiceAccountToken, false, 'does not disable the service account token (IRSA)');
  t.equal(podSpec.containers.length, 1, 'one container');
  t.notOk(podSpec.initContainers?.length, 'no init container that would need its own hardening');
  t.match(
    deployment.spec?.template.metadata?.annotations?.['checksum/config'],
    /^[0-9a-f]{64}$/,
    'a changed ConfigMap rolls the pods (settings are read at start)',
  );
});
t.test('Deployment: runs non-root, read-only, without privileges', async (t) => {
  const pod = podSpec.securityContext!;
  const c = container.securityContext!;
  t.equal(pod.runAsNonRoot, true, 'pod: runAsNonRoot');
  t.equal(pod.runAsUser, 10001, 'pod: runAsUser 10001');
  t.equal(pod.seccompProfile?.type, 'RuntimeDefault', 'pod: RuntimeDefault seccomp profile');
  t.not(c.runAsNonRoot, false, 'container does not override runAsNonRoot');
  t.ok(c.runAsUser === undefined || c.runAsUser === 10001, 'container does not switch to another user');
  t.equal(c.readOnlyRootFilesystem, true, 'read-only root filesystem');
  t.equal(c.allowPrivilegeEscalation, false, 'no privilege escalation');
  t.not(c.privileged, true, 'not privileged');
  t.same(c.capabilities?.drop, ['ALL'], 'drops all capabilities');
  t.notOk(c.capabilities?.add?.length, 'adds no capability back');
  t.notOk([podSpec.hostNetwork, podSpec.hostPID, podSpec.hostIPC].some(Boolean), 'shares no host namespace');
  const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
  t.ok(tmp, '/tmp is mounted (the root filesystem is read-only)');
  t.ok(podSpec.volumes?.find((v) => v.name === tmp?.name)?.emptyDir, '/tmp is an emptyDir');
  t.ok(
    (container.volumeMounts ?? []).every((m) => m.mountPath === '/tmp' || m.readOnly === true),
    'every other mount is read-only',
  );
});

t.test('Deployment: ports, probes on the metrics port, resources', async (t) => {
  t.equal(resolvePort(container, 'http-hooks'), 8080, 'hook port http-hooks is 8080');
  t.equal(resolvePort(container, 'metrics'), 9090, 'metrics port is 9090');
  for (const p of container.ports ?? []) t.match(p.name, PORT_NAME, `port name ${p.name} is a valid IANA_SVC_NAME`);
  const live = container.livenessProbe?.httpGet;
  const ready = container.readinessProbe?.httpGet;
  t.equal(live?.path, '/healthz', 'liveness probe is GET /healthz');
  t.equal(resolvePort(container, live?.port), 9090, 'liveness probe targets the metrics port');
  t.equal(ready?.path, '/readyz', 'readiness probe is GET /readyz');
  t.equal(resolvePort(container, ready?.port), 9090, 'readiness probe targets the metrics port');
  t.equal(container.resources?.requests?.cpu, '50m', 'requests 50m CPU');
  t.equal(container.resources?.requests?.memory, '128Mi', 'requests 128Mi memory');
  t.equal(container.resources?.limits?.memory, '512Mi', 'memory is limited to 512Mi');
  const heap = /--max-old-space-size=(\d+)/.exec(container.env?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '');
  t.ok(heap && Number(heap[1]) < 512, 'the V8 heap cap stays below the memory limit');
});

t.test('Deployment: environment, config and the hook token', async (t) => {
  const env = new Map((container.env ?? []).map((e) => [e.name, e.value]));
  t.equal(Number(env.get('PORT')), resolvePort(container, 'http-hooks'), 'PORT is the container hook port');
  t.equal(Number(env.get('METRICS_PORT')), resolvePort(container, 'metrics'), 'METRICS_PORT is the container metrics port');
  t.ok(
    container.envFrom?.some((e) => e.configMapRef?.name === configMap.metadata.name && e.configMapRef.optional !== true),
    'loads the awshooks-config ConfigMap (not optional)',
  );
  const tokenFile = env.get('HOOK_TOKEN_FILE');
  t.equal(tokenFile, '/var/run/awshooks/token', 'HOOK_TOKEN_FILE points to the mounted token');
  const mount = container.volumeMounts?.find((m) => m.mountPath === posix.dirname(tokenFile ?? ''));
  t.ok(mount && !mount.subPath, 'the token Secret is mounted as the directory of HOOK_TOKEN_FILE');
  const secret = podSpec.volumes?.find((v) => v.name === mount?.name)?.secret;
  t.equal(secret?.secretName, 'awshooks-hook-token', 'from the Secret awshooks-hook-token');
  t.not(secret?.optional, true, 'the pod does not start without the token Secret');
  t.ok(
    secret?.items?.some((i) => i.key === 'token' && i.path === posix.basename(tokenFile ?? '')),
    'its key `token` becomes the file HOOK_TOKEN_FILE names',
  );
  t.equal(secret?.defaultMode, 0o440, 'the token file is not world-readable');
  t.equal(podSpec.securityContext?.fsGroup, 10001, 'fsGroup lets the non-root user read it');
  const overlap = [...env.keys()].filter((k) => k in configMap.data);
  t.same(overlap, [], 'no variable is set both in the Deployment and in the ConfigMap');
});

/** The environment the container gets: the ConfigMap (envFrom), overridden by the Deployment's `env`. */
function containerEnv(): Record<string, string> {
  const env: Record<string, string> = { ...configMap.data };
  for (const e of container.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  return env;
}

t.test('the service accepts the configuration the manifests give it, as is and with a real cluster’s settings', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'awshooks-manifests-'));
  t.teardown(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const env = containerEnv();
  t.notOk('HOOK_AUTH_DISABLED' in env, 'hook authentication is not disabled');
  t.notOk('AWS_ENDPOINT_URL' in env, 'no emulator endpoint in production');
  // The real token file only exists in the pod: stand in a well-formed one at another path.
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, 'a'.repeat(64) + '\n');
  const config = loadConfig({ ...env, HOOK_TOKEN_FILE: tokenFile });
  t.equal(config.port, resolvePort(container, 'http-hooks'), 'listens for hooks on the container hook port');
  t.equal(config.metricsPort, resolvePort(container, 'metrics'), 'serves probes and metrics on the container metrics port');
  t.equal(config.authDisabled, false, 'requires the bearer token');
  t.ok(config.shutdownGraceMs < (podSpec.terminationGracePeriodSeconds ?? 30) * 1000, 'shutdown finishes before Kubernetes kills the pod');
  const limit = String(container.resources?.limits?.memory ?? '');
  t.ok(config.bodyLimitBytes < Number(/^(\d+)Mi$/.exec(limit)?.[1] ?? 0) * 1024 * 1024, 'the request body limit is below the memory limit');

  const real = loadConfig({ ...env, ...example.config, HOOK_TOKEN_FILE: tokenFile });
  t.equal(real.hooks.namePrefix, configMap.data.NAME_PREFIX, 'uses NAME_PREFIX');
  t.equal(real.hooks.clusterName, example.config.CLUSTER_NAME, 'uses CLUSTER_NAME as the owner tag value');
  t.equal(real.hooks.permissionsBoundaryArn, example.config.PERMISSIONS_BOUNDARY_ARN, 'uses the permissions boundary');
  t.ok(real.hooks.oidcProviderArn?.endsWith(`:oidc-provider/${real.hooks.oidcIssuer}`), 'OIDC_ISSUER is derived from the provider ARN (host/path, no scheme)');
  t.ok(
    real.hooks.allowedManagedPolicyArns.every((a) => a.startsWith('arn:aws:iam::')),
    'the allow-list parses into ARNs',
  );
  t.ok(
    real.hooks.rdsDefaultSecurityGroupIds.every((id) => /^sg-[0-9a-f]+$/.test(id)),
    'the default security groups parse into ids',
  );
  t.notOk(
    example.config.PERMISSIONS_BOUNDARY_ARN?.includes(`:policy/${configMap.data.NAME_PREFIX}/`),
    'the example boundary policy is outside the path awshooks may modify',
  );
  t.notOk(example.serviceAccount.irsaRoleArn.includes(`:role/${configMap.data.NAME_PREFIX}/`), 'the example controller role is outside the path it manages');
});

t.test('ConfigMap holds the service’s defaults, explicitly', async (t) => {
  t.equal(configMap.metadata.name, 'awshooks-config', 'named awshooks-config');
  const defaults = Object.entries(ENV_SCHEMA.properties as Record<string, { default?: unknown }>)
    .filter(([, p]) => p.default !== undefined && p.default !== '')
    .filter(([k]) => !['PORT', 'METRICS_PORT', 'HOOK_AUTH_DISABLED'].includes(k));
  t.same(Object.keys(configMap.data).sort(), defaults.map(([k]) => k).sort(), 'every non-empty default of the service, nothing else');
  for (const [k, p] of defaults) t.equal(configMap.data[k], String(p.default), `${k} is the service's default`);
});

t.test('ServiceAccount: the IRSA role is left to the installer', async (t) => {
  const sa = only('ServiceAccount');
  t.equal(sa.metadata?.name, podSpec.serviceAccountName, 'is the Deployment’s ServiceAccount');
  t.equal(sa.metadata?.annotations?.['eks.amazonaws.com/role-arn'], undefined, 'no placeholder role (README: annotate it, or use EKS Pod Identity)');
});

t.test('Service exposes hooks on 80 and metrics on 9090', async (t) => {
  t.ok(selects(service.spec?.selector ? { matchLabels: service.spec.selector } : undefined, podLabels), 'selects the pods');
  const hooks = service.spec?.ports?.find((p) => p.name === 'http-hooks');
  const metrics = service.spec?.ports?.find((p) => p.name === 'metrics');
  t.equal(hooks?.port, 80, 'http-hooks listens on 80');
  t.equal(resolvePort(container, hooks?.targetPort), 8080, 'http-hooks forwards to container port 8080');
  t.equal(metrics?.port, 9090, 'metrics listens on 9090');
  t.equal(resolvePort(container, metrics?.targetPort), 9090, 'metrics forwards to container port 9090');
  for (const p of service.spec?.ports ?? []) t.match(p.name, PORT_NAME, `service port name ${p.name} is valid`);
});
t.test('NetworkPolicy admits only metacontroller to the hooks and monitoring to the metrics', async (t) => {
  const np = new NetworkPolicy(only<never>('NetworkPolicy'));
  const spec = np.spec!;
  t.ok(selects(spec.podSelector, podLabels), 'applies to the awshooks pods');
  t.ok(spec.policyTypes?.includes('Ingress'), 'restricts ingress');
  const rules = spec.ingress ?? [];
  t.ok(rules.length > 0, 'has ingress rules (none would deny all, including the hooks)');
  /** Namespaces (by kubernetes.io/metadata.name) a rule admits; '*' for anything broader. */
  const sourcesOf = (rule: (typeof rules)[number]): string[] => {
    if (!rule.from || rule.from.length === 0) return ['*'];
    return rule.from.map((peer) => {
      const labels = peer.namespaceSelector?.matchLabels ?? {};
      const onlyName = Object.keys(labels).length === 1 && labels['kubernetes.io/metadata.name'];
      if (peer.ipBlock || peer.podSelector || !onlyName || peer.namespaceSelector?.matchExpressions?.length) return '*';
      return onlyName;
    });
  };
  const admitted = new Map<number, Set<string>>();
  for (const rule of rules) {
    t.ok(rule.ports && rule.ports.length > 0, 'every rule names its ports (none opens every port)');
    for (const p of rule.ports ?? []) {
      t.equal(p.protocol ?? 'TCP', 'TCP', 'TCP only');
      t.notOk(p.endPort, 'no port ranges');
      const port = resolvePort(container, p.port);
      t.ok(port !== undefined, `port ${p.port} is a container port`);
      const set = admitted.get(port ?? -1) ?? new Set<string>();
      for (const s of sourcesOf(rule)) set.add(s);
      admitted.set(port ?? -1, set);
    }
  }
  t.same([...(admitted.get(8080) ?? [])], ['metacontroller'], 'port 8080: only from namespace metacontroller');
  t.same([...(admitted.get(9090) ?? [])], ['monitoring'], 'port 9090: only from namespace monitoring');
  t.same([...admitted.keys()].sort(), [8080, 9090], 'no other port is admitted');
});

t.test('ServiceMonitor scrapes the metrics port every 30s (checked by hand)', async (t) => {
  const sm = serviceMonitorObject[0] as unknown as {
    apiVersion: string;
    metadata: { namespace: string };
    spec: {
      selector?: { matchLabels?: Record<string, string> };
      namespaceSelector?: { matchNames?: string[]; any?: boolean };
      endpoints?: { port?: string; path?: string; interval?: string; scrapeTimeout?: string }[];
    };
  };
  t.equal(serviceMonitorObject.length, 1, 'the servicemonitor component holds one object');
  t.equal(sm.apiVersion, 'monitoring.coreos.com/v1', 'Prometheus Operator v1 API');
  // Required by the ServiceMonitor CRD schema: spec.selector (and, for each endpoint, nothing else).
  t.ok(selects(sm.spec.selector, service.metadata?.labels), 'spec.selector (required) matches the Service labels');
  const namespaces = sm.spec.namespaceSelector?.matchNames ?? [sm.metadata.namespace];
  t.ok(namespaces.includes(service.metadata?.namespace ?? ''), 'looks in the Service’s namespace');
  t.equal(sm.spec.endpoints?.length, 1, 'one endpoint');
  const ep = sm.spec.endpoints?.[0];
  t.ok(
    service.spec?.ports?.some((p) => p.name === ep?.port),
    'endpoint port names a Service port',
  );
  t.equal(resolvePort(container, service.spec?.ports?.find((p) => p.name === ep?.port)?.targetPort), 9090, 'which is the metrics port');
  t.equal(ep?.path, '/metrics', 'path /metrics');
  t.equal(ep?.interval, '30s', 'every 30s');
  const seconds = (d: string | undefined): number => Number(/^(\d+)s$/.exec(d ?? '')?.[1] ?? NaN);
  t.ok(!ep?.scrapeTimeout || seconds(ep.scrapeTimeout) <= seconds(ep.interval), 'scrapeTimeout does not exceed the interval');
});

t.test('PodDisruptionBudget keeps one replica and still lets drains proceed', async (t) => {
  const pdb = new PodDisruptionBudget(only<never>('PodDisruptionBudget'));
  t.equal(pdb.spec?.minAvailable, 1, 'minAvailable 1');
  t.ok(selects(pdb.spec?.selector, podLabels), 'selects the awshooks pods');
  t.ok(Number(pdb.spec?.minAvailable) < (deployment.spec?.replicas ?? 1), 'fewer than the replicas, so a drain can evict one');
});

t.test('no hook token in any file; the README says how to create it', async (t) => {
  t.notOk(
    loaded.some((o) => o.kind === 'Secret'),
    'install.yaml carries no Secret',
  );
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  t.match(
    readme,
    /kubectl -n awshooks create secret generic awshooks-hook-token --from-literal=token="?\$\(openssl rand -hex 32\)/,
    'the README creates the Secret the pods mount, with a random token',
  );
});

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

interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}
interface PolicyDocument {
  Version: string;
  Statement: Statement[];
}
const list = (v: string | string[]): string[] => (Array.isArray(v) ? v : [v]);
const readPolicy = (name: string): PolicyDocument => JSON.parse(readFileSync(join(iamDir, name), 'utf8')) as PolicyDocument;

t.test('IAM controller policy is least privilege', async (t) => {
  const policy = readPolicy('awshooks-controller-policy.json');
  const raw = readFileSync(join(iamDir, 'awshooks-controller-policy.json'), 'utf8');
  t.equal(policy.Version, '2012-10-17', 'policy language version 2012-10-17');
  t.ok(raw.replace(/\s/g, '').length <= 6144, 'fits the 6,144-character limit of a managed policy');
  const sids = policy.Statement.map((s) => s.Sid);
  t.equal(new Set(sids).size, sids.length, 'statement ids are unique');
  const prefix = configMap.data.NAME_PREFIX!;
  const boundary = example.config.PERMISSIONS_BOUNDARY_ARN!;
  const allows = policy.Statement.filter((s) => s.Effect === 'Allow');

  // The actions the service calls, each allowed by some statement.
  const required = [
    ...['CreateQueue', 'GetQueueUrl', 'GetQueueAttributes', 'SetQueueAttributes', 'DeleteQueue', 'TagQueue', 'UntagQueue', 'ListQueueTags'].map(
      (a) => `sqs:${a}`,
    ),
    ...[
      'CreatePolicy',
      'GetPolicy',
      'GetPolicyVersion',
      'ListPolicyVersions',
      'CreatePolicyVersion',
      'DeletePolicyVersion',
      'SetDefaultPolicyVersion',
      'DeletePolicy',
      'TagPolicy',
      'UntagPolicy',
      'ListPolicyTags',
      'ListEntitiesForPolicy',
    ].map((a) => `iam:${a}`),
    ...[
      'CreateRole',
      'PutRolePermissionsBoundary',
      'GetRole',
      'UpdateRole',
      'UpdateAssumeRolePolicy',
      'DeleteRole',
      'TagRole',
      'UntagRole',
      'ListRoleTags',
      'AttachRolePolicy',
      'DetachRolePolicy',
      'ListAttachedRolePolicies',
      'PutRolePolicy',
      'GetRolePolicy',
      'DeleteRolePolicy',
      'ListRolePolicies',
      'ListInstanceProfilesForRole',
      'RemoveRoleFromInstanceProfile',
    ].map((a) => `iam:${a}`),
    'sts:GetCallerIdentity',
    ...[
      'CreateDBInstance',
      'RestoreDBInstanceFromDBSnapshot',
      'RestoreDBInstanceToPointInTime',
      'DescribeDBInstances',
      'ModifyDBInstance',
      'DeleteDBInstance',
      'AddTagsToResource',
      'RemoveTagsFromResource',
      'ListTagsForResource',
      'CreateDBSnapshot',
      'DescribeDBSnapshots',
      'DescribeEvents',
      'DeleteDBSnapshot',
    ].map((a) => `rds:${a}`),
    ...[
      'CreateTopic',
      'GetTopicAttributes',
      'SetTopicAttributes',
      'DeleteTopic',
      'TagResource',
      'UntagResource',
      'ListTagsForResource',
      'ListSubscriptionsByTopic',
      'Subscribe',
      'GetSubscriptionAttributes',
      'SetSubscriptionAttributes',
      'Unsubscribe',
    ].map((a) => `sns:${a}`),
    'kms:CreateGrant',
    'kms:DescribeKey',
    ...[
      'CreateTable',
      'DescribeTable',
      'UpdateTable',
      'DeleteTable',
      'TagResource',
      'UntagResource',
      'ListTagsOfResource',
      'DescribeTimeToLive',
      'UpdateTimeToLive',
      'DescribeContinuousBackups',
      'UpdateContinuousBackups',
    ].map((a) => `dynamodb:${a}`),
    ...[
      'CreateBucket',
      'DeleteBucket',
      'GetBucketTagging',
      'PutBucketTagging',
      'TagResource',
      'GetBucketVersioning',
      'PutBucketVersioning',
      'GetEncryptionConfiguration',
      'PutEncryptionConfiguration',
      'GetBucketPublicAccessBlock',
      'PutBucketPublicAccessBlock',
      'GetLifecycleConfiguration',
      'PutLifecycleConfiguration',
      'GetBucketPolicy',
      'PutBucketPolicy',
      'DeleteBucketPolicy',
      'ListBucketVersions',
    ].map((a) => `s3:${a}`),
    ...[
      'CreateRepository',
      'DescribeRepositories',
      'DeleteRepository',
      'TagResource',
      'UntagResource',
      'ListTagsForResource',
      'PutImageTagMutability',
      'PutImageScanningConfiguration',
      'PutLifecyclePolicy',
      'GetLifecyclePolicy',
      'DeleteLifecyclePolicy',
      'SetRepositoryPolicy',
      'GetRepositoryPolicy',
      'DeleteRepositoryPolicy',
      'ListImages',
    ].map((a) => `ecr:${a}`),
    'kms:RetireGrant',
  ];
  const allowed = new Set(allows.flatMap((s) => list(s.Action)));
  t.same(
    required.filter((a) => !allowed.has(a)),
    [],
    'every action the service calls is allowed',
  );
  t.same(
    [...allowed].filter((a) => !required.includes(a)),
    [],
    'nothing else is allowed',
  );
  t.notOk(
    [...allowed].some((a) => a.includes('*')),
    'no wildcard actions',
  );
  t.notOk(allowed.has('iam:PassRole'), 'no iam:PassRole');

  // The boundary condition: on every statement that can create a role or set its boundary, with the configured ARN,
  // and only on actions that support the key (elsewhere it would silently never match).
  const SUPPORTS_BOUNDARY_KEY = new Set([
    'iam:CreateRole',
    'iam:PutRolePermissionsBoundary',
    'iam:AttachRolePolicy',
    'iam:DetachRolePolicy',
    'iam:PutRolePolicy',
    'iam:DeleteRolePolicy',
    'iam:DeleteRolePermissionsBoundary',
  ]);
  const boundaryOf = (s: Statement): string | string[] | undefined => s.Condition?.StringEquals?.['iam:PermissionsBoundary'];
  const creating = allows.filter((s) => list(s.Action).some((a) => a === 'iam:CreateRole' || a === 'iam:PutRolePermissionsBoundary'));
  t.ok(creating.length > 0, 'some statement allows CreateRole / PutRolePermissionsBoundary');
  for (const s of creating) {
    t.equal(boundaryOf(s), boundary, `${s.Sid}: requires iam:PermissionsBoundary = PERMISSIONS_BOUNDARY_ARN`);
  }
  for (const a of ['iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:PutRolePolicy']) {
    const granting = allows.filter((s) => list(s.Action).includes(a));
    t.ok(granting.length > 0 && granting.every((s) => boundaryOf(s) === boundary), `${a} only on roles with the boundary`);
  }
  for (const s of policy.Statement.filter((s) => JSON.stringify(s.Condition ?? {}).includes('iam:PermissionsBoundary'))) {
    t.same(
      list(s.Action).filter((a) => !SUPPORTS_BOUNDARY_KEY.has(a)),
      [],
      `${s.Sid}: the boundary condition is only on actions that support it`,
    );
  }
  t.ok(
    policy.Statement.some((s) => s.Effect === 'Deny' && list(s.Action).includes('iam:DeleteRolePermissionsBoundary') && list(s.Resource).includes('*')),
    'iam:DeleteRolePermissionsBoundary is denied everywhere',
  );
  t.ok(
    policy.Statement.some((s) => s.Effect === 'Deny' && list(s.Resource).includes(boundary) && list(s.Action).includes('iam:CreatePolicyVersion')),
    'the boundary policy itself cannot be rewritten',
  );
  t.ok(
    policy.Statement.some((s) => s.Effect === 'Deny' && list(s.Action).includes('s3:DeleteObject') && list(s.Action).includes('s3:DeleteObjectVersion')),
    'S3 objects can never be deleted by awshooks',
  );

  // Resources: no `*` for SQS/SNS/IAM/RDS except read-only calls; everything else scoped to the prefix.
  const READ_ONLY_ON_STAR = new Set(['rds:DescribeDBInstances', 'rds:DescribeDBSnapshots', 'rds:DescribeEvents', 'sts:GetCallerIdentity']);
  const RDS_GROUP_USERS = new Set([
    'rds:CreateDBInstance',
    'rds:ModifyDBInstance',
    'rds:RestoreDBInstanceFromDBSnapshot',
    'rds:RestoreDBInstanceToPointInTime',
  ]);
  const RDS_SHARED_GROUPS = new Set(['arn:aws:rds:*:*:subgrp:*', 'arn:aws:rds:*:*:pg:*', 'arn:aws:rds:*:*:og:*', 'arn:aws:rds:*:*:secgrp:*']);
  for (const s of allows) {
    const actions = list(s.Action);
    const resources = list(s.Resource);
    const services = new Set(actions.map((a) => a.split(':')[0]));
    if (resources.includes('*')) {
      if (services.has('kms')) {
        t.ok(
          actions.every((a) => a.startsWith('kms:')) && s.Condition?.StringLike?.['kms:ViaService'] !== undefined,
          `${s.Sid}: KMS on * only through kms:ViaService`,
        );
        const via = list(s.Condition?.StringLike?.['kms:ViaService'] ?? []);
        t.ok(
          via.length > 0 && via.every((v) => ['rds.*.amazonaws.com', 'sqs.*.amazonaws.com', 'dynamodb.*.amazonaws.com', 'ecr.*.amazonaws.com'].includes(v)),
          `${s.Sid}: ...and only RDS, SQS, DynamoDB and ECR`,
        );
      } else {
        t.same(
          actions.filter((a) => !READ_ONLY_ON_STAR.has(a)),
          [],
          `${s.Sid}: only read-only calls on Resource *`,
        );
      }
      continue;
    }
    for (const r of resources) {
      const scoped =
        r.endsWith(`:${prefix}-*`) ||
        r.endsWith(`/${prefix}/*`) ||
        r.endsWith(`:table/${prefix}-*`) ||
        (RDS_SHARED_GROUPS.has(r) && actions.every((a) => RDS_GROUP_USERS.has(a)));
      t.ok(scoped, `${s.Sid}: ${r} is limited to the "${prefix}" prefix (or a group CreateDBInstance/ModifyDBInstance names)`);
      t.notOk(/^arn:aws:(sqs|sns|iam|rds|dynamodb):[^:]*:[^:]*:(table\/)?\*$/.test(r), `${s.Sid}: ${r} is not a whole-service wildcard`);
    }
  }
});

t.test('IAM boundary policy denies identity and account control', async (t) => {
  const policy = readPolicy('awshooks-boundary-policy.json');
  t.equal(policy.Version, '2012-10-17', 'policy language version 2012-10-17');
  const denied = new Set(policy.Statement.filter((s) => s.Effect === 'Deny' && list(s.Resource).includes('*')).flatMap((s) => list(s.Action)));
  for (const a of ['iam:*', 'organizations:*', 'account:*']) t.ok(denied.has(a), `denies ${a} on everything`);
  const allowed = policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => list(s.Action));
  t.ok(allowed.length > 0, 'allows some data-plane actions');
  t.notOk(
    allowed.some((a) => a === '*' || a.endsWith(':*')),
    'allows no whole service',
  );
  t.notOk(
    allowed.some((a) => /^(iam|organizations|account|sts:AssumeRole)/.test(a)),
    'allows nothing on IAM, Organizations, the account or role chaining',
  );
});

t.test('Dockerfile agrees with the Deployment and package.json', async (t) => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string>; engines: { node: string } };
  const lines = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages = lines.filter((l) => /^FROM\s/i.test(l));
  const final = stages.at(-1) ?? '';
  t.match(final, /^FROM\s+gcr\.io\/distroless\/nodejs24-debian12:nonroot\b/, 'runs on distroless Node 24 LTS');
  t.ok(
    stages.slice(0, -1).every((l) => l.includes('node:24-bookworm-slim')),
    'builds with the same Node major',
  );
  t.equal(process.versions.node.split('.')[0], '24', "the tests run on the image's Node major");
  t.match(pkg.engines.node, /^>=24\b/, 'package.json engines names the same major');
  const finalLines = lines.slice(lines.lastIndexOf(final));
  const user = finalLines
    .filter((l) => /^USER\s/.test(l))
    .at(-1)
    ?.split(/\s+/)[1];
  t.equal(user?.split(':')[0], String(podSpec.securityContext?.runAsUser), 'USER is the Deployment’s runAsUser');
  const exposed = finalLines
    .filter((l) => /^EXPOSE\s/.test(l))
    .flatMap((l) => l.split(/\s+/).slice(1))
    .map(Number);
  t.same(exposed.sort(), (container.ports ?? []).map((p) => p.containerPort).sort(), 'EXPOSE lists the container ports');
  const cmd = finalLines.filter((l) => /^CMD\s/.test(l)).at(-1) ?? '';
  const cmdArgs = JSON.parse(cmd.replace(/^CMD\s+/, '')) as string[];
  t.same(cmdArgs, [pkg.scripts.start?.replace(/^node\s+/, '')], 'CMD runs what `npm start` runs');
  t.ok(
    finalLines.some((l) => /^COPY\s+--from=\w+\s+\S*dist\b/.test(l)),
    'copies the compiled dist/',
  );
  t.ok(lines.some((l) => /npm ci\b.*--omit=dev/.test(l)) || lines.some((l) => /npm prune\b.*--omit=dev/.test(l)), 'ships production dependencies only');
  const ignored = readFileSync(join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim());
  for (const p of ['node_modules', 'dist', '.git', 'test']) t.ok(ignored.includes(p), `.dockerignore excludes ${p}`);
  for (const p of ['server', 'hooks', 'schemas', 'package.json', 'package-lock.json']) {
    t.notOk(ignored.includes(p), `.dockerignore keeps ${p}, which the build needs`);
  }
});
