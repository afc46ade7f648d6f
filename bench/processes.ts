/**
 * The processes of `npm run bench`: the service as production runs it (`node dist/server/main.js`
 * with the image's Node flags, configured by environment variables, production logger), the bare
 * ceiling, and the load generator, each in its own process; and what the bench reads from them
 * (CPU time, RSS, AWS calls).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root (bench/ is one level down). */
export const ROOT = join(import.meta.dirname, '..');
const RUN_DIR = join(ROOT, '.run');

/** The bearer token of the bench's services. */
export const TOKEN = 'bench-token-0123456789abcdef';

/** Log a progress line on stderr (stdout's last line is the JSON result). */
export const log = (msg: string): void => {
  process.stderr.write(`[bench] ${msg}\n`);
};

/** A started process and how to stop it. */
export interface Proc {
  child: ChildProcess;
  stop(): Promise<void>;
}

function start(name: string, args: string[], env: NodeJS.ProcessEnv): Proc {
  mkdirSync(RUN_DIR, { recursive: true });
  const out = createWriteStream(join(RUN_DIR, `bench-${name}.log`));
  // BENCH_NODE_ARGS: extra Node options for the servers, e.g. `--cpu-prof --cpu-prof-dir=.run/prof`
  // to profile them under the bench's load (Node refuses --cpu-prof in NODE_OPTIONS).
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  return {
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => {
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

async function waitFor(url: string, proc: Proc, seconds = 60): Promise<void> {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    if (proc.child.exitCode !== null) throw new Error(`${url}: the process exited with ${proc.child.exitCode} (see .run/bench-*.log)`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${seconds} s`);
}

/** The service, production build and configuration, on `port` (hooks) and `port + 1` (ops). */
export interface Service extends Proc {
  url: string;
  opsUrl: string;
}

/** The process settings the Deployment runs the service with (manifests/install.yaml, the chart rendered). */
export function deploymentProcessEnv(): Record<string, string> {
  const yaml = readFileSync(join(ROOT, 'manifests/install.yaml'), 'utf8');
  const value = (name: string) => new RegExp(`name: ${name}\\s+value: "?([^"\\n]+)"?`).exec(yaml)?.[1]?.trim() ?? '';
  return { NODE_OPTIONS: value('NODE_OPTIONS'), MALLOC_ARENA_MAX: value('MALLOC_ARENA_MAX'), NODE_ENV: value('NODE_ENV') };
}

/** The Node flags the image starts the service with (the Dockerfile's CMD, its script left out). */
export function imageNodeFlags(): string[] {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const cmd = dockerfile
    .split('\n')
    .filter((l) => l.startsWith('CMD '))
    .at(-1);
  if (!cmd) throw new Error('Dockerfile: no CMD');
  return (JSON.parse(cmd.slice(4)) as string[]).slice(0, -1);
}

/**
 * Start the service from dist/ with production settings: the image's Node flags, the Deployment's
 * NODE_OPTIONS, MALLOC_ARENA_MAX and NODE_ENV, plus `env`.
 */
export async function startService(name: string, port: number, env: Record<string, string>): Promise<Service> {
  const tokenFile = join(RUN_DIR, 'bench-token');
  mkdirSync(RUN_DIR, { recursive: true });
  writeFileSync(tokenFile, `${TOKEN}\n`);
  const proc = start(name, [...imageNodeFlags(), 'dist/server/main.js'], {
    ...deploymentProcessEnv(),
    HOST: '127.0.0.1',
    PORT: String(port),
    METRICS_PORT: String(port + 1),
    HOOK_TOKEN_FILE: tokenFile,
    LOG_LEVEL: 'info',
    // The emulator's IAM needs an OIDC provider and a boundary for Roles.
    OIDC_PROVIDER_ARN: 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/BENCH',
    PERMISSIONS_BOUNDARY_ARN: 'arn:aws:iam::123456789012:policy/awshooks-boundary',
    ALLOWED_MANAGED_POLICY_ARNS: 'arn:aws:iam::aws:policy/*',
    ...env,
  });
  const opsUrl = `http://127.0.0.1:${port + 1}`;
  await waitFor(`${opsUrl}/readyz`, proc);
  return { ...proc, url: `http://127.0.0.1:${port}`, opsUrl };
}

/** The bare ceiling, answering `answerFile`'s JSON. */
export async function startBare(port: number, answerFile: string): Promise<Proc & { url: string; cpuUrl: string }> {
  const proc = start('bare', ['bench/bare-server.js'], { PORT: String(port), BARE_ANSWER_FILE: answerFile });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/cpu`, proc);
  return { ...proc, url, cpuUrl: `${url}/cpu` };
}

/** What the bench reads from a service's /metrics. */
export interface ServiceReading {
  /** CPU seconds (user + system) of the process. */
  cpuSeconds: number;
  rssBytes: number;
  awsCalls: number;
  rateLimited: number;
}

/** Read the service's own metrics (prom-client's process metrics read process.cpuUsage(), µs resolution). */
export async function readService(service: Service): Promise<ServiceReading> {
  const text = await (await fetch(`${service.opsUrl}/metrics`)).text();
  const sum = (name: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith(name) && (l[name.length] === ' ' || l[name.length] === '{'))
      .reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  return {
    cpuSeconds: sum('awshooks_process_cpu_user_seconds_total') + sum('awshooks_process_cpu_system_seconds_total'),
    rssBytes: sum('awshooks_process_resident_memory_bytes'),
    awsCalls: sum('awshooks_aws_api_calls_total'),
    rateLimited: sum('awshooks_aws_rate_limited_total'),
  };
}

/** The bare server's CPU seconds. */
export async function readBareCpu(cpuUrl: string): Promise<number> {
  const { user, system } = (await (await fetch(cpuUrl)).json()) as { user: number; system: number };
  return (user + system) / 1e6;
}

/** One load run's figures (latencies in ms). */
export interface LoadResult {
  requests: number;
  rps: number;
  non2xx: number;
  errors: number;
  p50: number;
  p99: number;
  p999: number;
}

/** Run the load generator (autocannon) in its own process. */
export async function load(opts: {
  url: string;
  bodyFile: string;
  headers: Record<string, string>;
  connections: number;
  seconds: number;
}): Promise<LoadResult> {
  const child = spawn(process.execPath, ['bench/load.js', JSON.stringify(opts)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`load generator exited with ${code}`);
  const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as LoadResult;
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${opts.url}: ${result.non2xx} non-2xx answers and ${result.errors} errors`);
  return result;
}

/** POST a hook call to a service and return the parsed 200 answer. */
export async function post<T>(url: string, path: string, body: unknown): Promise<T> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
