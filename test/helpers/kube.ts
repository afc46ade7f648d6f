/**
 * The end-to-end tests' view of the real API server (scripts/k8s.sh): kubectl, as a user runs it,
 * and a small HTTPS client for reads and polling (one kept-alive connection instead of a kubectl
 * process per poll: the machine has 2 cores).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { KINDS } from '../../hooks/registry.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the end-to-end tests through \`npm test\`, which starts the control plane (scripts/k8s.sh)`);
  return value;
}

/** Where kubectl and the kubeconfig are (set by scripts/test.sh from `scripts/k8s.sh start`). */
export const KUBECONFIG = required('KUBECONFIG');
const K8S_BIN = required('K8S_BIN');

interface KubeConfigFile {
  clusters: { cluster: { server: string; 'certificate-authority': string } }[];
  users: { user: { token: string } }[];
}
const kubeconfig = parse(readFileSync(KUBECONFIG, 'utf8')) as KubeConfigFile;
const server = new URL(kubeconfig.clusters[0]!.cluster.server);
const token = kubeconfig.users[0]!.user.token;
const agent = new Agent({ ca: readFileSync(kubeconfig.clusters[0]!.cluster['certificate-authority']), keepAlive: true, maxSockets: 8 });

/** What kubectl printed. */
export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run kubectl against the test cluster; never throws (look at `code`). */
export function kubectl(args: string[], input?: string): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const child = execFile(
      join(K8S_BIN, 'kubectl'),
      args,
      // A discovery cache of this control plane's own (scripts/k8s.sh stop deletes it), never one
      // left in ~/.kube/cache by an earlier cluster on the same port.
      { env: { ...process.env, KUBECONFIG, KUBECACHEDIR: join(dirname(KUBECONFIG), 'kube-cache') }, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin!.end(input);
  });
}

/** kubectl that must succeed: returns stdout, throws with stderr otherwise. */
export async function kubectlOk(args: string[], input?: string): Promise<string> {
  const r = await kubectl(args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** An API answer. */
export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
}

/** One API request (JSON in, JSON out). */
export function api<T = Record<string, unknown>>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<ApiResponse<T>> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        agent,
        host: server.hostname,
        port: server.port,
        method,
        path,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(payload ? { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) } : {}),
        },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            /* not JSON: keep the text */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed as T });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** The API paths of the resources the tests touch. */
const RESOURCES: Record<string, string> = {
  // Every kind of ours, from the registry, so a new kind is reachable here without an edit.
  ...Object.fromEntries(KINDS.map((k) => [k.names.plural, `/apis/${k.names.group}/${k.names.version}`])),
  configmaps: '/api/v1',
  secrets: '/api/v1',
  serviceaccounts: '/api/v1',
  services: '/api/v1',
  events: '/api/v1',
  deployments: '/apis/apps/v1',
};

/** The path of a namespaced object (or of the collection when `name` is omitted). */
export function pathOf(resource: string, namespace: string, name?: string): string {
  const prefix = RESOURCES[resource];
  if (!prefix) throw new Error(`unknown resource ${resource}`);
  return `${prefix}/namespaces/${namespace}/${resource}${name ? `/${name}` : ''}`;
}

/** A Kubernetes object, loosely typed. */
export interface KubeObj {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    deletionTimestamp?: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    ownerReferences?: { kind: string; name: string; uid: string }[];
    finalizers?: string[];
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown> & { conditions?: Condition[]; observedGeneration?: number };
  data?: Record<string, string>;
  [key: string]: unknown;
}

/** A status condition. */
export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

/** GET an object; undefined when it does not exist. */
export async function getObj(resource: string, namespace: string, name: string): Promise<KubeObj | undefined> {
  const r = await api<KubeObj>('GET', pathOf(resource, namespace, name));
  if (r.status === 404) return undefined;
  if (r.status !== 200) throw new Error(`GET ${resource} ${namespace}/${name}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** List the objects of a namespace. */
export async function listObjs(resource: string, namespace: string, query = ''): Promise<KubeObj[]> {
  const r = await api<{ items: KubeObj[] }>('GET', `${pathOf(resource, namespace)}${query ? `?${query}` : ''}`);
  if (r.status !== 200) throw new Error(`LIST ${resource} ${namespace}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.items;
}

/** A condition of an object's status. */
export function conditionOf(obj: KubeObj | undefined, type: string): Condition | undefined {
  return obj?.status?.conditions?.find((c) => c.type === type);
}

/** Poll until `probe` returns something truthy; throws with the last value after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false | null>, timeoutMs = 60_000, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Wait for a condition of an object to have `status` (and `reason`, when given). */
export function waitForCondition(
  resource: string,
  namespace: string,
  name: string,
  type: string,
  status: string,
  reason?: string,
  timeoutMs = 60_000,
): Promise<KubeObj> {
  return waitFor(
    `${resource} ${namespace}/${name} ${type}=${status}${reason ? ` (${reason})` : ''}`,
    async () => {
      const obj = await getObj(resource, namespace, name);
      const c = conditionOf(obj, type);
      if (c?.status === status && (!reason || c.reason === reason)) return obj;
      return false;
    },
    timeoutMs,
  );
}

/** Wait until an object is gone. */
export function waitForGone(resource: string, namespace: string, name: string, timeoutMs = 60_000): Promise<true> {
  return waitFor(`${resource} ${namespace}/${name} to be gone`, async () => (await getObj(resource, namespace, name)) === undefined, timeoutMs);
}

/** The events about one object. */
export async function eventsFor(namespace: string, name: string): Promise<{ reason: string; message: string; type: string }[]> {
  return (await listObjs('events', namespace, `fieldSelector=${encodeURIComponent(`involvedObject.name=${name}`)}`)) as never;
}

/** A Secret's data, decoded. */
export function secretData(secret: KubeObj | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(secret?.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
}

/**
 * Watch one object for `seconds` from `resourceVersion` and return the writes the API server
 * reports (MODIFIED events with their resource versions): every status or spec write counts.
 */
export function watchWrites(
  resource: string,
  namespace: string,
  name: string,
  resourceVersion: string,
  seconds: number,
): Promise<{ type: string; resourceVersion: string; status: unknown }[]> {
  return new Promise((resolve, reject) => {
    const query = new URLSearchParams({
      watch: '1',
      fieldSelector: `metadata.name=${name}`,
      resourceVersion,
      timeoutSeconds: String(seconds),
      allowWatchBookmarks: 'false',
    });
    const events: { type: string; resourceVersion: string; status: unknown }[] = [];
    const req = request(
      {
        agent,
        host: server.hostname,
        port: server.port,
        method: 'GET',
        path: `${pathOf(resource, namespace)}?${query.toString()}`,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`watch ${resource} ${namespace}/${name}: ${res.statusCode}`));
          return;
        }
        let buffered = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          let nl: number;
          while ((nl = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, nl).trim();
            buffered = buffered.slice(nl + 1);
            if (!line) continue;
            const event = JSON.parse(line) as { type: string; object: KubeObj };
            events.push({
              type: event.type,
              resourceVersion: (event.object.metadata as KubeObj['metadata'] | undefined)?.resourceVersion ?? '',
              status: event.object.status,
            });
          }
        });
        res.on('end', () => {
          resolve(events);
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}
