import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ENV_SCHEMA, loadConfig } from '../../../server/config.js';
import {
  ROOT as root,
  MODELS,
  HAND_CHECKED,
  loaded,
  only,
  selects,
  resolvePort,
  PORT_NAME,
  DNS_LABEL,
  DNS_SUBDOMAIN,
  deployment,
  podSpec,
  podLabels,
  container,
  configMap,
  service,
  example,
} from '../../helpers/manifests.js';

/** The environment the container gets: the ConfigMap (envFrom), overridden by the Deployment's `env`. */
function containerEnv(): Record<string, string> {
  const env: Record<string, string> = { ...configMap.data };
  for (const e of container.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  return env;
}

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
