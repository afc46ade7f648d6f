/**
 * `npm run bench` (issue 10): an honest benchmark of the service.
 *
 * - The service runs as production runs it: `node dist/server/main.js` with the image's Node
 *   flags (Dockerfile CMD) and the Deployment's process settings, configured by environment
 *   variables, production logger (info, JSON to its log file), auth on, metrics on. The ceiling
 *   is a bare fastify route (bench/bare-server.js) with the same logger settings, answering a
 *   body of the size of the service's answer. The load generator (autocannon) runs in a third
 *   process. CPU time per request is read from each server process itself.
 * - Bare and service runs are interleaved over --rounds rounds (order alternating), at 5
 *   connections (Metacontroller's default worker count) and at 32; medians with min–max.
 * - AWS calls per converged sync and per drift check of every kind; 200 new queues converged;
 *   a scale run of --scale-parents parents (10,000) of mixed kinds driven like Metacontroller
 *   drives them for --scale-seconds (180), which fails over the AWS call budget or on a status
 *   change; --distinct distinct converged parents and the service's RSS after.
 *
 * The machine's load average is printed with the figures: CPU figures on a shared machine are noisy.
 * The last line of output is one JSON object with the figures.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TestClock } from '../test/helpers/app.js';
import { driftIntervalSecondsOf } from '../hooks/core/kind.js';
import type { Parent, SyncResponse } from '../hooks/core/types.js';
import { KINDS } from '../hooks/registry.js';
import { buildApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { load, log, post, readBareCpu, readService, ROOT, startBare, startService, TOKEN, type LoadResult } from './processes.js';
import { distinctParents, scaleRun } from './scale.js';
import { driftScenarios } from './scenarios.js';

const endpoint = process.env.AWS_ENDPOINT_URL;
if (!endpoint) {
  process.stderr.write('bench: AWS_ENDPOINT_URL is not set; run `npm run bench`, which starts moto\n');
  process.exit(2);
}
process.env.AWS_ACCESS_KEY_ID ??= 'testing';
process.env.AWS_SECRET_ACCESS_KEY ??= 'testing';
process.env.AWS_EC2_METADATA_DISABLED = 'true';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '5' },
    'scale-parents': { type: 'string', default: '10000' },
    'scale-seconds': { type: 'string', default: '180' },
    distinct: { type: 'string', default: '100000' },
    port: { type: 'string', default: process.env.BENCH_PORT ?? '16600' },
    /** Parts to run (comma-separated): micro, drift, new, scale, distinct. */
    parts: { type: 'string', default: 'micro,drift,new,scale,distinct' },
  },
});
const PARTS = new Set(args.parts.split(','));
const ROUNDS = Number(args.rounds);
const SECONDS = Number(args.seconds);
const PORT = Number(args.port);
const NEW_QUEUES = 200;

async function resetMoto(): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!res.ok) throw new Error(`moto reset: ${res.status}`);
}

const ready = (answer: SyncResponse) =>
  (answer.status.conditions as { type: string; status: string }[] | undefined)?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

function queueParent(name: string, status?: Record<string, unknown>): Parent {
  return {
    apiVersion: 'sqs.awshooks.dev/v1alpha1',
    kind: 'Queue',
    metadata: {
      name,
      namespace: 'bench',
      uid: `uid-${name}`,
      generation: 1,
      resourceVersion: '1000',
      creationTimestamp: '2026-11-22T00:00:00Z',
      labels: { app: 'bench' },
      annotations: { note: 'x'.repeat(200) },
    },
    spec: { region: 'us-east-1', visibilityTimeout: 60, messageRetentionPeriod: 86400, tags: { team: 'bench', env: 'perf' } },
    ...(status ? { status } : {}),
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const spread = (xs: number[], digits: number) => `${round(Math.min(...xs), digits)}–${round(Math.max(...xs), digits)}`;

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** (a) converged syncs vs the bare route: CPU per request and latency, interleaved rounds. */
async function microBench(out: Record<string, number>, notes: Record<string, string>): Promise<void> {
  // A long interval: this part measures the converged path alone (drift checks are measured below).
  const service = await startService('service', PORT, { AWS_ENDPOINT_URL: endpoint!, DRIFT_CHECK_INTERVALS: 'queue=3600' });
  try {
    const first = await post<SyncResponse>(service.url, '/hooks/queues/sync', {
      controller: {},
      parent: queueParent('converged'),
      children: { 'ConfigMap.v1': {} },
    });
    if (!ready(first)) throw new Error(`queue not ready: ${JSON.stringify(first.status)}`);
    const children = {
      'ConfigMap.v1': Object.fromEntries(
        first.children.map((c) => [
          `bench/${c.metadata.name}`,
          {
            ...c,
            metadata: {
              ...c.metadata,
              namespace: 'bench',
              uid: 'c1',
              resourceVersion: '1',
              managedFields: [{ manager: 'metacontroller', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } }],
            },
          },
        ]),
      ),
    };
    const request = {
      controller: { apiVersion: 'metacontroller.k8s.io/v1alpha1', kind: 'CompositeController', metadata: { name: 'awshooks-queues' } },
      parent: queueParent('converged', first.status),
      children,
    };
    const dir = join(ROOT, '.run');
    mkdirSync(dir, { recursive: true });
    const bodyFile = join(dir, 'bench-body.json');
    writeFileSync(bodyFile, JSON.stringify(request));
    const answer = await post<SyncResponse>(service.url, '/hooks/queues/sync', request);
    const answerFile = join(dir, 'bench-answer.json');
    writeFileSync(answerFile, JSON.stringify(answer));
    log(`converged sync: request ${JSON.stringify(request).length} bytes, answer ${JSON.stringify(answer).length} bytes`);

    const bare = await startBare(PORT + 3, answerFile);
    try {
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };
      const runService = async (connections: number, seconds: number) => {
        const before = await readService(service);
        const r = await load({ url: `${service.url}/hooks/queues/sync`, bodyFile, headers, connections, seconds });
        const after = await readService(service);
        return { ...r, cpuUs: ((after.cpuSeconds - before.cpuSeconds) * 1e6) / r.requests, awsCalls: after.awsCalls - before.awsCalls };
      };
      const runBare = async (connections: number, seconds: number) => {
        const before = await readBareCpu(bare.cpuUrl);
        const r = await load({ url: `${bare.url}/echo`, bodyFile, headers, connections, seconds });
        const after = await readBareCpu(bare.cpuUrl);
        return { ...r, cpuUs: ((after - before) * 1e6) / r.requests, awsCalls: 0 };
      };
      log('warm-up (3 s each)');
      await runBare(32, 3);
      await runService(32, 3);
      type Run = LoadResult & { cpuUs: number; awsCalls: number };
      const runs: Record<string, Run[]> = { s5: [], b5: [], s32: [], b32: [] };
      for (let round = 0; round < ROUNDS; round++) {
        for (const c of [5, 32]) {
          const order = round % 2 === 0 ? (['b', 's'] as const) : (['s', 'b'] as const);
          for (const who of order) {
            const r = who === 's' ? await runService(c, SECONDS) : await runBare(c, SECONDS);
            runs[`${who}${c}`]!.push(r);
            log(
              `round ${round + 1} ${who === 's' ? 'service' : 'bare   '} c${c}: ${Math.round(r.rps)} req/s, ${r.cpuUs.toFixed(1)} µs CPU/req, p99 ${r.p99.toFixed(2)} ms (load ${loadavg()[0]!.toFixed(1)})`,
            );
          }
        }
      }
      const cpuS = runs.s5!.concat(runs.s32!).map((r) => r.cpuUs);
      const cpuB = runs.b5!.concat(runs.b32!).map((r) => r.cpuUs);
      // The ratio of each round's pair, so that a noisy moment hits both sides of one ratio.
      const ratios = runs.s5!.concat(runs.s32!).map((r, i) => runs.b5!.concat(runs.b32!)[i]!.cpuUs / r.cpuUs);
      out.cpu_ratio_vs_bare = round(median(ratios), 3);
      out.cpu_us_per_sync = round(median(cpuS), 1);
      out.cpu_us_per_bare = round(median(cpuB), 1);
      out.p99_ms_c5 = round(median(runs.s5!.map((r) => r.p99)), 2);
      out.p99_bare_ms_c5 = round(median(runs.b5!.map((r) => r.p99)), 2);
      out.p99_ms_c32 = round(median(runs.s32!.map((r) => r.p99)), 2);
      out.p99_bare_ms_c32 = round(median(runs.b32!.map((r) => r.p99)), 2);
      out.rps_service_c32 = Math.round(median(runs.s32!.map((r) => r.rps)));
      out.rps_bare_c32 = Math.round(median(runs.b32!.map((r) => r.rps)));
      const syncs = [...runs.s5!, ...runs.s32!].reduce((s, r) => s + r.requests, 0);
      const calls = [...runs.s5!, ...runs.s32!].reduce((s, r) => s + r.awsCalls, 0);
      out.aws_calls_converged = round(calls / syncs, 5);
      notes.cpu_ratio_vs_bare = spread(ratios, 3);
      notes.cpu_us_per_sync = spread(cpuS, 1);
      notes.cpu_us_per_bare = spread(cpuB, 1);
      notes.p99_ms_c5 = spread(
        runs.s5!.map((r) => r.p99),
        2,
      );
      notes.p99_bare_ms_c5 = spread(
        runs.b5!.map((r) => r.p99),
        2,
      );
      notes.p99_ms_c32 = spread(
        runs.s32!.map((r) => r.p99),
        2,
      );
      notes.p99_bare_ms_c32 = spread(
        runs.b32!.map((r) => r.p99),
        2,
      );
      log(`${calls} AWS calls in ${syncs} converged syncs`);
    } finally {
      await bare.stop();
    }
  } finally {
    await service.stop();
  }
}

/** (b) AWS calls per drift check of every kind, through an in-process app whose clock the bench moves. */
async function driftChecks(out: Record<string, number>): Promise<void> {
  await resetMoto();
  const dir = join(ROOT, '.run');
  writeFileSync(join(dir, 'bench-token'), `${TOKEN}\n`);
  const config = loadConfig({
    HOOK_TOKEN_FILE: join(dir, 'bench-token'),
    AWS_ENDPOINT_URL: endpoint,
    RDS_ENDPOINT_MAP: `*=${new URL(process.env.TEST_PG_URL ?? 'postgres://x@127.0.0.1:25432/').host}`,
    OIDC_PROVIDER_ARN: 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/BENCH',
    PERMISSIONS_BOUNDARY_ARN: 'arn:aws:iam::123456789012:policy/awshooks-boundary',
    ALLOWED_MANAGED_POLICY_ARNS: 'arn:aws:iam::aws:policy/*',
  });
  const clock = new TestClock(Date.now());
  const app = await buildApp({ config, logger: false, now: clock.now });
  const url = await app.hooks.listen({ host: '127.0.0.1', port: 0 });
  try {
    const ctx = {
      url,
      post: (u: string, path: string, body: unknown) => post<SyncResponse>(u, path, body),
      app,
      advance: (s: number) => {
        clock.advance(s);
      },
      intervalOf: (plural: string) =>
        driftIntervalSecondsOf(
          KINDS.find((k) => k.names.plural === plural)!,
          config.hooks,
        ),
    };
    for (const scenario of driftScenarios(KINDS.map((k) => k.names.plural))) {
      try {
        out[scenario.key] = await scenario.measure(ctx);
      } catch (err) {
        log(`${scenario.key}: FAILED ${(err as Error).message}`);
        out[scenario.key] = -1;
      }
    }
    for (const kind of KINDS) out[`drift_interval_s_${kind.names.singular}`] = driftIntervalSecondsOf(kind, config.hooks);
    log(
      `drift checks: ${JSON.stringify(Object.fromEntries(Object.entries(out).filter(([k]) => k.startsWith('aws_calls_drift') || k.startsWith('drift_interval'))))}`,
    );
  } finally {
    await app.close();
  }
}

/** (c) 200 new queues converged through the production service (default rate limits). */
async function newQueues(out: Record<string, number>): Promise<void> {
  await resetMoto();
  const service = await startService('new-queues', PORT + 4, { AWS_ENDPOINT_URL: endpoint! });
  try {
    const names = Array.from({ length: NEW_QUEUES }, (_, i) => `q${String(i).padStart(3, '0')}`);
    const t0 = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < names.length) {
        const name = names[next++]!;
        let parent = queueParent(name);
        for (let attempt = 0; ; attempt++) {
          const answer = await post<SyncResponse>(service.url, '/hooks/queues/sync', { controller: {}, parent, children: { 'ConfigMap.v1': {} } });
          if (ready(answer)) break;
          if (attempt > 5) throw new Error(`${name} did not converge: ${JSON.stringify(answer.status)}`);
          parent = { ...parent, status: answer.status };
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    out.converge_200_s = round((performance.now() - t0) / 1000, 2);
    log(`${NEW_QUEUES} new queues converged in ${out.converge_200_s} s (${(await readService(service)).awsCalls} AWS calls)`);
  } finally {
    await service.stop();
  }
}

async function main(): Promise<void> {
  const out: Record<string, number> = {};
  const notes: Record<string, string> = {};
  const loadStart = loadavg()[0]!;
  log(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  await resetMoto();
  if (PARTS.has('micro')) await microBench(out, notes);
  if (PARTS.has('drift')) await driftChecks(out);
  if (PARTS.has('new')) await newQueues(out);
  await resetMoto();
  const none = {
    statusWritesPerParentHour: NaN,
    parents: 0,
    seconds: 0,
    syncsPerS: NaN,
    awsCallsPerS: NaN,
    awsCallsPerSDemand: NaN,
    awsCallsPerSBudget: NaN,
    rateLimitedPerS: NaN,
    statusChangesPerS: NaN,
    cpuPercent: NaN,
    rssMb: NaN,
  };
  const scale = PARTS.has('scale') ? await scaleRun({ parents: Number(args['scale-parents']), seconds: Number(args['scale-seconds']), port: PORT + 20 }) : none;
  await resetMoto();
  const many = PARTS.has('distinct') ? await distinctParents({ parents: Number(args.distinct), port: PORT + 40 }) : { rssMb: NaN };
  log(`spread (min–max over ${ROUNDS} rounds): ${JSON.stringify(notes)}`);
  const ordered = {
    cpu_ratio_vs_bare: out.cpu_ratio_vs_bare,
    cpu_us_per_sync: out.cpu_us_per_sync,
    cpu_us_per_bare: out.cpu_us_per_bare,
    p99_ms_c5: out.p99_ms_c5,
    p99_bare_ms_c5: out.p99_bare_ms_c5,
    p99_ms_c32: out.p99_ms_c32,
    p99_bare_ms_c32: out.p99_bare_ms_c32,
    aws_calls_converged: out.aws_calls_converged,
    ...Object.fromEntries(Object.entries(out).filter(([k]) => k.startsWith('aws_calls_drift_check') || k.startsWith('drift_interval_s_'))),
    converge_200_s: out.converge_200_s,
    status_writes_per_parent_hour: scale.statusWritesPerParentHour,
    scale_parents: scale.parents,
    scale_seconds: scale.seconds,
    scale_syncs_per_s: scale.syncsPerS,
    scale_aws_calls_per_s: scale.awsCallsPerS,
    scale_aws_calls_per_s_demand: scale.awsCallsPerSDemand,
    scale_aws_calls_per_s_budget: scale.awsCallsPerSBudget,
    scale_rate_limited_per_s: scale.rateLimitedPerS,
    scale_status_changes_per_s: scale.statusChangesPerS,
    scale_cpu_percent: scale.cpuPercent,
    scale_rss_mb: scale.rssMb,
    distinct_parents: Number(args.distinct),
    rss_mb_100k: many.rssMb,
    rps_service_c32: out.rps_service_c32,
    rps_bare_c32: out.rps_bare_c32,
    rounds: ROUNDS,
    loadavg_start: round(loadStart, 2),
    loadavg_end: round(loadavg()[0]!, 2),
  };
  process.stdout.write(`${JSON.stringify(ordered)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
