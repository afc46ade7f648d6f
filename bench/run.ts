/**
 * `npm run bench`: the service's speed, measured in one run on one machine (issue #2 §5).
 *
 *  (a) throughput and p99 latency of converged syncs to /hooks/queues/sync, against a bare
 *      fastify route echoing a body of the same size (the ceiling);
 *  (b) AWS API calls per converged sync and per drift check, from the service's own metrics;
 *  (c) the time for 200 new queues to converge against moto.
 *
 * The last line of output is one JSON object with the figures.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { buildApp, type App } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { KINDS } from '../hooks/registry.js';
import type { Parent, SyncResponse } from '../hooks/core/types.js';
import { driftScenarios } from './scenarios.js';

const endpoint = process.env.AWS_ENDPOINT_URL;
if (!endpoint) {
  process.stderr.write('bench: AWS_ENDPOINT_URL is not set; run `npm run bench`, which starts moto\n');
  process.exit(2);
}
process.env.AWS_ACCESS_KEY_ID ??= 'testing';
process.env.AWS_SECRET_ACCESS_KEY ??= 'testing';
process.env.AWS_EC2_METADATA_DISABLED = 'true';

const DURATION_S = Number(process.env.BENCH_DURATION_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const NEW_QUEUES = Number(process.env.BENCH_NEW_QUEUES ?? 200);
const TOKEN = 'bench-token-0123456789abcdef';
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

async function resetMoto(): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!res.ok) throw new Error(`moto reset: ${res.status}`);
}

async function startService(driftSeconds: number): Promise<{ app: App; url: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'awshooks-bench-'));
  writeFileSync(join(dir, 'token'), `${TOKEN}\n`);
  const config = loadConfig({
    HOOK_TOKEN_FILE: join(dir, 'token'),
    AWS_ENDPOINT_URL: endpoint,
    LOG_LEVEL: 'warn',
    DRIFT_CHECK_INTERVAL_SECONDS: String(driftSeconds),
    MAX_CONCURRENT_HOOKS: '4096',
    // The local PostgreSQL stands in for RDS endpoints; the emulator's IAM needs an OIDC provider.
    RDS_ENDPOINT_MAP: `*=${new URL(process.env.TEST_PG_URL ?? 'postgres://x@127.0.0.1:55432/').host}`,
    OIDC_PROVIDER_ARN: 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/BENCH',
    PERMISSIONS_BOUNDARY_ARN: 'arn:aws:iam::123456789012:policy/awshooks-boundary',
    ALLOWED_MANAGED_POLICY_ARNS: 'arn:aws:iam::aws:policy/*',
    // Production settings otherwise: auth on, the same body limit, metrics on.
  });
  const app = await buildApp({ config, logger: false });
  const url = await app.hooks.listen({ host: '127.0.0.1', port: 0 });
  return { app, url };
}

async function post(url: string, path: string, body: unknown): Promise<SyncResponse> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as SyncResponse;
}

const ready = (answer: SyncResponse) => (answer.status.conditions as { type: string; status: string }[] | undefined)?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

function queueParent(name: string, status?: Record<string, unknown>): Parent {
  return {
    apiVersion: 'sqs.awshooks.dev/v1alpha1',
    kind: 'Queue',
    metadata: { name, namespace: 'bench', uid: `uid-${name}`, generation: 1, resourceVersion: '1000', creationTimestamp: '2026-11-22T00:00:00Z', labels: { app: 'bench' }, annotations: { note: 'x'.repeat(200) } },
    spec: { region: 'us-east-1', visibilityTimeout: 60, messageRetentionPeriod: 86400, tags: { team: 'bench', env: 'perf' } },
    ...(status ? { status } : {}),
  };
}

function cannon(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err: unknown, result) => {
      if (err) reject(err instanceof Error ? err : new Error('autocannon failed', { cause: err }));
      else resolve(result);
    });
  });
}

async function main(): Promise<void> {
  await resetMoto();
  const out: Record<string, number> = {};

  // (a) + (b) converged syncs ----------------------------------------------------------
  const { app, url } = await startService(3600);
  const first = await post(url, '/hooks/queues/sync', { controller: {}, parent: queueParent('converged'), children: { 'ConfigMap.v1': {} } });
  if (!ready(first)) throw new Error(`queue not ready: ${JSON.stringify(first.status)}`);
  const children = { 'ConfigMap.v1': Object.fromEntries(first.children.map((c) => [`bench/${c.metadata.name}`, { ...c, metadata: { ...c.metadata, namespace: 'bench', uid: 'c1', resourceVersion: '1', managedFields: [{ manager: 'metacontroller', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } }] } }])) };
  const body = JSON.stringify({ controller: { apiVersion: 'metacontroller.k8s.io/v1alpha1', kind: 'CompositeController', metadata: { name: 'awshooks-queues' } }, parent: queueParent('converged', first.status), children });
  log(`converged sync body: ${body.length} bytes; ${DURATION_S}s x ${CONNECTIONS} connections each`);

  const before = await app.metrics.awsCallCount();
  await cannon({ url: `${url}/hooks/queues/sync`, method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, duration: 2, connections: CONNECTIONS }); // warm-up
  const service = await cannon({ url: `${url}/hooks/queues/sync`, method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, duration: DURATION_S, connections: CONNECTIONS });
  const converged = service.requests.total;
  const callsConverged = (await app.metrics.awsCallCount()) - before;
  if (service.non2xx > 0 || service.errors > 0) throw new Error(`service answered ${service.non2xx} non-2xx and ${service.errors} errors`);

  const bare = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024 });
  bare.post('/echo', async (request) => request.body);
  const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });
  await cannon({ url: `${bareUrl}/echo`, method: 'POST', body, headers: { 'content-type': 'application/json' }, duration: 2, connections: CONNECTIONS });
  const ceiling = await cannon({ url: `${bareUrl}/echo`, method: 'POST', body, headers: { 'content-type': 'application/json' }, duration: DURATION_S, connections: CONNECTIONS });
  await bare.close();

  out.ratio_vs_bare = round(service.requests.average / ceiling.requests.average, 3);
  out.p99_ms = service.latency.p99;
  out.rps_service = Math.round(service.requests.average);
  out.rps_bare = Math.round(ceiling.requests.average);
  out.aws_calls_converged = round(callsConverged / Math.max(1, converged), 4);
  log(`service ${out.rps_service} req/s (p99 ${out.p99_ms} ms), bare ${out.rps_bare} req/s: ratio ${out.ratio_vs_bare}; ${callsConverged} AWS calls in ${converged} converged syncs`);

  // Drift check: same parent, last AWS read long ago.
  const stale = JSON.parse(body);
  stale.parent.status.lastSyncTime = '2000-01-01T00:00:00.000Z';
  const runs = 5;
  const beforeDrift = await app.metrics.awsCallCount();
  for (let i = 0; i < runs; i++) await post(url, '/hooks/queues/sync', stale);
  out.aws_calls_drift_check = round(((await app.metrics.awsCallCount()) - beforeDrift) / runs, 2);
  log(`drift check: ${out.aws_calls_drift_check} AWS calls`);

  // Other kinds' drift checks (each scenario converges its parent, then measures).
  for (const scenario of driftScenarios(KINDS.map((k) => k.names.plural))) {
    try {
      const calls = await scenario.measure({ url, post, app });
      out[scenario.key] = calls;
      log(`${scenario.key}: ${calls}`);
    } catch (err) {
      log(`${scenario.key}: FAILED ${(err as Error).message}`);
      out[scenario.key] = -1;
    }
  }
  await app.close();

  // (c) 200 new queues -----------------------------------------------------------------
  await resetMoto();
  const fresh = await startService(30);
  const names = Array.from({ length: NEW_QUEUES }, (_, i) => `q${String(i).padStart(3, '0')}`);
  const t0 = performance.now();
  let next = 0;
  let syncs = 0;
  const worker = async () => {
    while (next < names.length) {
      const name = names[next++]!;
      let parent = queueParent(name);
      for (let attempt = 0; ; attempt++) {
        const answer = await post(fresh.url, '/hooks/queues/sync', { controller: {}, parent, children: { 'ConfigMap.v1': {} } });
        syncs++;
        if (ready(answer)) break;
        if (attempt > 5) throw new Error(`${name} did not converge: ${JSON.stringify(answer.status)}`);
        parent = { ...parent, status: answer.status };
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  out.converge_200_s = round((performance.now() - t0) / 1000, 2);
  log(`${NEW_QUEUES} new queues converged in ${out.converge_200_s}s (${syncs} syncs, ${await fresh.app.metrics.awsCallCount()} AWS calls)`);
  await fresh.app.close();
  await resetMoto();

  const ordered = {
    ratio_vs_bare: out.ratio_vs_bare,
    p99_ms: out.p99_ms,
    aws_calls_converged: out.aws_calls_converged,
    aws_calls_drift_check: out.aws_calls_drift_check,
    converge_200_s: out.converge_200_s,
    ...Object.fromEntries(Object.entries(out).filter(([k]) => k.startsWith('aws_calls_drift_check_'))),
    ...Object.fromEntries(Object.entries(out).filter(([k]) => k.startsWith('aws_calls_converged_'))),
    rps_service: out.rps_service,
    rps_bare: out.rps_bare,
  };
  process.stdout.write(`${JSON.stringify(ordered)}\n`);
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
