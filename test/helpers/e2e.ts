/**
 * The end-to-end suite's set-up (test/e2e/): the service under test as a real process with hook
 * authentication on, the project installed as a user installs it (`kubectl apply -k` of a local
 * overlay that points the CompositeControllers at the service on loopback, and the hook-token
 * Secret), one namespace per test, and clients of the emulator to check AWS.
 *
 * scripts/test.sh starts the control plane (scripts/k8s.sh), moto and the databases, and passes
 * KUBECONFIG, K8S_BIN, E2E_HOOK_PORT, E2E_OPS_PORT, AWS_ENDPOINT_URL and TEST_PG_URL/TEST_MYSQL_URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { IAMClient } from '@aws-sdk/client-iam';
import { RDSClient } from '@aws-sdk/client-rds';
import { SQSClient } from '@aws-sdk/client-sqs';
import { defaultInstanceIdentifier } from '../../hooks/dbinstance/identifiers.js';
import { KINDS } from '../../hooks/registry.js';
import { toYaml } from '../../schemas/crd.js';
import { api, kubectl, kubectlOk, waitFor, type KubectlResult } from './kube.js';
import { motoEndpoint } from './moto.js';

/** The repository's root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RUN = join(ROOT, '.run', 'e2e');
mkdirSync(RUN, { recursive: true });

function port(name: string): number {
  const value = Number(process.env[name]);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`${name} is not set: run the end-to-end tests through \`npm test\` (scripts/k8s.sh start prints it)`);
  return value;
}

/** The service's hook and operations ports (K8S_PORT_BASE + 6 and + 7). */
export const HOOK_PORT = port('E2E_HOOK_PORT');
export const OPS_PORT = port('E2E_OPS_PORT');
/** The service's drift-check interval in the suite: short, so that two intervals are quick to watch. */
export const DRIFT_SECONDS = Number(process.env.E2E_DRIFT_CHECK_INTERVAL_SECONDS ?? 8);

const AWS_ENDPOINT = motoEndpoint();
/** The service's NAME_PREFIX in the suite: expected AWS names are derived from it with the kinds' naming helpers. */
export const PREFIX = 'awshooks';
/** The account moto answers with. */
export const ACCOUNT = '123456789012';
/** The OIDC provider Roles trust in the suite. */
export const OIDC_PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/AWSHOOKSE2E`;

function dbAddress(name: 'TEST_PG_URL' | 'TEST_MYSQL_URL'): URL {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the end-to-end tests through \`npm test\` (scripts/databases.sh)`);
  return new URL(value);
}
/** The suite's PostgreSQL and MariaDB (scripts/databases.sh). */
export const PG = dbAddress('TEST_PG_URL');
export const MYSQL = dbAddress('TEST_MYSQL_URL');

/** The RDS endpoint moto gives an instance (its hostname does not resolve: RDS_ENDPOINT_MAP). */
/** A client of the suite's PostgreSQL as its administrator (the "RDS" the DBInstance tests log in to). */
export function pgAdmin(): pg.Client {
  return new pg.Client({
    host: PG.hostname,
    port: Number(PG.port),
    user: decodeURIComponent(PG.username),
    password: decodeURIComponent(PG.password),
    database: 'postgres',
  });
}

export const motoRdsEndpoint = (identifier: string, region = 'us-east-1') => `${identifier}.aaaaaaaaaa.${region}.rds.amazonaws.com`;

/** Clients of the emulator, to check AWS without going through the service. */
export const aws = {
  sqs: (region = 'us-east-1') => new SQSClient({ region, endpoint: AWS_ENDPOINT, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } }),
  iam: new IAMClient({ region: 'us-east-1', endpoint: AWS_ENDPOINT, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } }),
  rds: new RDSClient({ region: 'us-east-1', endpoint: AWS_ENDPOINT, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } }),
};

/** The suite's hook token (made once per .run/e2e/): what the service accepts and Metacontroller sends. */
export function suiteToken(): string {
  const file = join(RUN, 'suite-token');
  if (!existsSync(file)) writeFileSync(file, `${randomBytes(24).toString('hex')}\n`, { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/** A fresh random token (at least 16 characters, as the service requires). */
export const newToken = () => randomBytes(24).toString('hex');

// ---------------------------------------------------------------- the service under test

/** The awshooks service as a process, run from source as `npm run dev` does, with hook auth on. */
export class Service {
  private proc: ChildProcess | undefined;
  /** Where its JSON log lines go (appended; `logSince` reads from an offset). */
  readonly logFile = join(RUN, 'service.log');
  private tokens: string[];

  private constructor(tokens: string[]) {
    this.tokens = tokens;
  }

  /** Start the service accepting `tokens` (default: the suite token); resolves once /readyz answers. */
  static async start(tokens: string[] = [suiteToken()]): Promise<Service> {
    const service = new Service(tokens);
    await service.spawn();
    return service;
  }

  private async spawn(): Promise<void> {
    const tokenFile = join(RUN, 'hook-tokens');
    writeFileSync(tokenFile, `${this.tokens.join('\n')}\n`, { mode: 0o600 });
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HOST: '127.0.0.1',
      PORT: String(HOOK_PORT),
      METRICS_PORT: String(OPS_PORT),
      HOOK_TOKEN_FILE: tokenFile,
      LOG_LEVEL: 'info',
      SHUTDOWN_GRACE_MS: '3000',
      AWS_ENDPOINT_URL: AWS_ENDPOINT,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      CLUSTER_NAME: 'e2e',
      NAME_PREFIX: PREFIX,
      DRIFT_CHECK_INTERVAL_SECONDS: String(DRIFT_SECONDS),
      OIDC_PROVIDER_ARN,
      ALLOWED_MANAGED_POLICY_ARNS: 'arn:aws:iam::aws:policy/*',
      // The MySQL sample's instance goes to MariaDB, every other instance to PostgreSQL.
      RDS_ENDPOINT_MAP: `${motoRdsEndpoint(defaultInstanceIdentifier(PREFIX, 'team-a', 'shop'))}=${MYSQL.hostname}:${MYSQL.port},*=${PG.hostname}:${PG.port}`,
      DB_TLS: 'require',
    };
    const fd = openSync(this.logFile, 'a');
    writeFileSync(fd, `{"msg":"=== e2e: starting the service (${this.tokens.length} token(s))","time":${Date.now()}}\n`);
    this.proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server', 'main.ts')], { cwd: ROOT, env, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    const proc = this.proc;
    let exited = false;
    proc.once('exit', () => {
      exited = true;
    });
    await waitFor(
      `the service to answer /readyz on 127.0.0.1:${OPS_PORT} (log: .run/e2e/service.log)`,
      async () => {
        if (exited) throw new Error(`the service exited during start-up: ${readFileSync(this.logFile, 'utf8').slice(-2000)}`);
        const res = await fetch(`http://127.0.0.1:${OPS_PORT}/readyz`).catch(() => undefined);
        return res?.ok;
      },
      30_000,
      100,
    );
  }

  /** Stop (SIGTERM, then SIGKILL after 10 s). */
  async stop(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (proc?.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) =>
      proc.once('exit', () => {
        resolve();
      }),
    );
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  /** Restart accepting other tokens (the service reads HOOK_TOKEN_FILE at start). */
  async restart(tokens: string[]): Promise<void> {
    await this.stop();
    this.tokens = tokens;
    await this.spawn();
  }

  /** The current size of the log, to read only what comes after. */
  logOffset(): number {
    return existsSync(this.logFile) ? statSync(this.logFile).size : 0;
  }

  /** The JSON log lines written since `offset`. */
  logSince(offset: number): Record<string, unknown>[] {
    const text = readFileSync(this.logFile).subarray(offset).toString('utf8');
    return text
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => {
        try {
          return JSON.parse(l) as Record<string, unknown>;
        } catch {
          return {};
        }
      });
  }

  /** The service's /metrics text. */
  async metrics(): Promise<string> {
    return (await fetch(`http://127.0.0.1:${OPS_PORT}/metrics`)).text();
  }
}

// ---------------------------------------------------------------- installing the project

/** The local overlay (under .run/e2e/install, outside the repository's manifests). */
export const OVERLAY_DIR = join(RUN, 'install');

/**
 * The kustomization a user would write to run the service outside the cluster: the project's own
 * `manifests/` (CRDs, CompositeControllers, Deployment...), every hook URL pointed at the service
 * on loopback, and no ServiceMonitor (the suite has no Prometheus Operator, as the README says).
 */
export function overlay(options: { dropServiceMonitor: boolean } = { dropServiceMonitor: true }): string {
  const patches = KINDS.map((kind) => {
    const hooks = ['sync', 'finalize', ...(kind.customize ? ['customize'] : [])];
    const ops = hooks.map((hook) => ({
      op: 'replace',
      path: `/spec/hooks/${hook}/webhook/url`,
      value: `http://127.0.0.1:${HOOK_PORT}/hooks/${kind.names.plural}/${hook}`,
    }));
    return { target: { kind: 'CompositeController', name: `awshooks-${kind.names.plural}` }, patch: toYaml(ops) };
  });
  const deleteServiceMonitor = toYaml({
    $patch: 'delete',
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: 'awshooks', namespace: 'awshooks' },
  });
  return toYaml({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: ['../../../manifests'],
    patches: [...(options.dropServiceMonitor ? [{ patch: deleteServiceMonitor }] : []), ...patches],
  });
}

/** The CRD names of every kind. */
export const CRD_NAMES = KINDS.map((k) => `${k.names.plural}.${k.names.group}`);

/** Make the hook-token Secret hold `token` in both namespaces (README, install step 3). */
export async function setTokenSecret(token: string): Promise<void> {
  for (const ns of ['awshooks', 'metacontroller']) {
    const yaml = await kubectlOk([
      '-n',
      ns,
      'create',
      'secret',
      'generic',
      'awshooks-hook-token',
      `--from-literal=token=${token}`,
      '--dry-run=client',
      '-o',
      'yaml',
    ]);
    await kubectlOk(['apply', '-f', '-'], yaml);
  }
}

/** `kubectl create namespace`, tolerating one that exists. */
export async function ensureNamespace(name: string): Promise<void> {
  const r = await kubectl(['create', 'namespace', name]);
  if (r.code !== 0 && !r.stderr.includes('AlreadyExists')) throw new Error(`kubectl create namespace ${name}: ${r.stderr}`);
}

/**
 * Install the project as the README says (namespaces, hook-token Secrets, `kubectl apply -k`), and
 * wait for the CRDs. Idempotent: every test file calls it first.
 */
export async function install(): Promise<string> {
  mkdirSync(OVERLAY_DIR, { recursive: true });
  // A delete patch of an object the base does not have is an error: drop it only when it is there.
  const base = await kubectlOk(['kustomize', join(ROOT, 'manifests')]);
  writeFileSync(join(OVERLAY_DIR, 'kustomization.yaml'), overlay({ dropServiceMonitor: /^kind: ServiceMonitor$/m.test(base) }));
  await ensureNamespace('awshooks');
  await ensureNamespace('metacontroller');
  await setTokenSecret(suiteToken());
  const out = await kubectlOk(['apply', '-k', OVERLAY_DIR]);
  await kubectlOk(['wait', '--for=condition=Established', '--timeout=60s', ...CRD_NAMES.map((n) => `crd/${n}`)]);
  // NOTE: discovery catches up with a changed CRD a moment after it is Established; kubectl (and
  // Metacontroller) resolve short names through it.
  for (const kind of KINDS) {
    await waitFor(`discovery to serve ${kind.names.plural}.${kind.names.group} with its short names`, async () => {
      const r = await api<{ resources?: { name: string; shortNames?: string[] }[] }>('GET', `/apis/${kind.names.group}/${kind.names.version}`);
      const found = r.body.resources?.find((res) => res.name === kind.names.plural);
      return found && JSON.stringify(found.shortNames ?? []) === JSON.stringify(kind.names.shortNames);
    });
  }
  return out;
}

/**
 * Recreate the CompositeControllers (delete, then apply the overlay again). NOTE: Metacontroller
 * reads a hook's token Secret only when the CompositeController is created: this is how a changed
 * token reaches it (README, Operations: token rotation).
 */
export async function recreateControllers(): Promise<void> {
  await kubectlOk(['delete', 'compositecontrollers', '-l', 'app.kubernetes.io/part-of=awshooks', '--wait=true']);
  await kubectlOk(['apply', '-k', OVERLAY_DIR]);
}

// ---------------------------------------------------------------- namespaces per test

/** A fresh namespace for one test (`e2e-<what>-<random>`). */
export async function newNamespace(what: string): Promise<string> {
  const name = `e2e-${what}-${randomBytes(3).toString('hex')}`;
  await kubectlOk(['create', 'namespace', name]);
  return name;
}

/**
 * Delete namespaces and wait until no object of ours is left in them: each was finalized by the
 * service (which must still run), so nothing is left in AWS either. The namespace controller
 * finishes removing the namespaces on its own.
 */
export async function deleteNamespaces(names: string[], timeoutMs = 120_000): Promise<void> {
  if (names.length === 0) return;
  await kubectl(['delete', 'namespace', '--wait=false', '--ignore-not-found', ...names]);
  await Promise.all(
    names.flatMap((ns) =>
      KINDS.map((kind) =>
        waitFor(
          `every ${kind.names.kind} of namespace ${ns} to be finalized`,
          async () => {
            const r = await api<{ items?: unknown[] }>('GET', `/apis/${kind.names.group}/${kind.names.version}/namespaces/${ns}/${kind.names.plural}`);
            return r.status === 404 || (r.status === 200 && r.body.items?.length === 0);
          },
          timeoutMs,
          500,
        ),
      ),
    ),
  );
}

/** Apply a manifest (YAML text or objects) with kubectl, as a user would. */
export function apply(manifest: string | object | object[]): Promise<KubectlResult> {
  const text = typeof manifest === 'string' ? manifest : (Array.isArray(manifest) ? manifest : [manifest]).map((m) => toYaml(m)).join('---\n');
  return kubectl(['apply', '-f', '-'], text);
}
