/** The one-file install (manifests/install.yaml) read as the API server would, for the manifest tests. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

/** The repository's root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** manifests/. */
export const manifestsDir = join(ROOT, 'manifests');

/** manifests/iam/: the service's IAM policies. */
export const iamDir = join(ROOT, 'manifests', 'iam');

/** A parsed Kubernetes object, before it is given to its model. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

/** A model class of kubernetes-models: `validate()` throws when the object breaks the schema. */
export type ModelClass = new (data: never) => { validate(): void };

/** Built-in kinds found in install.yaml, keyed `<apiVersion>/<kind>`. */
export const MODELS: Record<string, ModelClass> = {
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
export const HAND_CHECKED = new Set(['metacontroller.k8s.io/v1alpha1/CompositeController', 'monitoring.coreos.com/v1/ServiceMonitor']);

/**
 * Parses a YAML file the way Kubernetes does: YAML 1.1, so that `defaultMode: 0440` is octal
 * (288), as the API server reads it, and not the decimal 440 of YAML 1.2.
 */
export function parseKubeYaml(file: string): KubeObject[] {
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

/** Every object of manifests/install.yaml. */
export const loaded: KubeObject[] = parseKubeYaml(join(manifestsDir, 'install.yaml'));

/** The optional ServiceMonitor component's objects. */
export const serviceMonitorObject = parseKubeYaml(join(manifestsDir, 'components', 'servicemonitor', 'servicemonitor.yaml'));

/** The one object of `kind` in install.yaml (fails the test run if there is not exactly one). */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape it reads from the YAML
export function only<T = KubeObject>(kind: string): T {
  const found = loaded.filter((o) => o.kind === kind);
  if (found.length !== 1) throw new Error(`expected exactly one ${kind}, found ${found.length}`);
  return found[0] as T;
}

/** True when every matchLabels entry of `selector` is among `labels` (the API's semantics). */
export function selects(
  selector: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector?.matchLabels || Object.keys(selector.matchLabels).length === 0) return false;
  if (selector.matchExpressions && selector.matchExpressions.length > 0) return false; // not used here; refuse to guess
  return Object.entries(selector.matchLabels).every(([k, v]) => labels?.[k] === v);
}

/** The container port number a Service targetPort / probe port (number or port name) points to. */
export function resolvePort(container: IContainer, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

/** IANA_SVC_NAME, what the API server requires of container and service port names. */
export const PORT_NAME = /^(?=.{1,15}$)(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** RFC 1123 label, what the API server requires of these objects' names. */
export const DNS_LABEL = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** RFC 1123 subdomain (CRD names). */
export const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** install.yaml's Deployment. */
export const deployment = new Deployment(only<never>('Deployment'));

/** The Deployment's pod spec. */
export const podSpec = deployment.spec!.template.spec!;

/** The Deployment's pod labels. */
export const podLabels = deployment.spec!.template.metadata?.labels;

/** The service's container. */
export const container = podSpec.containers[0]!;

/** install.yaml's ConfigMap (the service's settings). */
export const configMap = only<{ metadata: { name: string }; data: Record<string, string> }>('ConfigMap');

/** install.yaml's Service. */
export const service = new Service(only<never>('Service'));

/** The example production values (charts/awshooks/ci/production-values.yaml): the settings a real cluster sets. */
export const example = parseYaml(readFileSync(join(ROOT, 'charts', 'awshooks', 'ci', 'production-values.yaml'), 'utf8')) as {
  config: Record<string, string>;
  serviceAccount: { irsaRoleArn: string };
};
