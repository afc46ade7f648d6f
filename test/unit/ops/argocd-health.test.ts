/**
 * The Argo CD health check (manifests/argocd/health.lua), run by a real Lua 5.1 interpreter (Argo
 * CD's gopher-lua implements Lua 5.1) against sample statuses and against statuses the service
 * itself answers; and those statuses follow the kstatus conventions the check (and Flux) rely on:
 * `status.observedGeneration` and a `Ready` condition with reason, message and transition time.
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { AwsClients } from '../../../hooks/core/aws-clients.js';
import { buildApp } from '../../../server/app.js';
import { ROOT, toolPath } from '../../../scripts/packaging.js';
import { testConfig, TEST_TOKEN } from '../../helpers/app.js';

// The first run on a machine may install Lua (scripts/tools.sh); scripts/test.sh does that beforehand.
t.setTimeout(10 * 60 * 1000);
const lua = toolPath('lua');
const script = join(ROOT, 'manifests', 'argocd', 'health.lua');

/** A JSON value as a Lua 5.1 literal (strings byte-escaped: Lua 5.1 has no \u escapes). */
function toLua(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (typeof value === 'string') {
    return `"${[...Buffer.from(value, 'utf8')].map((b) => (b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : `\\${b}`)).join('')}"`;
  }
  if (Array.isArray(value)) return `{${value.map(toLua).join(', ')}}`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `[${toLua(k)}] = ${toLua(v)}`)
    .join(', ')}}`;
}

/** Argo CD's verdict on an object: the check's `status` and `message`. */
function health(obj: unknown): { status: string; message: string } {
  const program = `obj = ${toLua(obj)}\nlocal check = assert(loadfile(${toLua(script)}))\nlocal hs = check()\nio.write(hs.status, "\\n", hs.message or "")\n`;
  const out = execFileSync(lua, ['-'], { input: program, encoding: 'utf8' });
  const [status, ...message] = out.split('\n');
  return { status: status!, message: message.join('\n') };
}

const ready = (status: 'True' | 'False', reason: string, message = 'm') => ({
  type: 'Ready',
  status,
  reason,
  message,
  lastTransitionTime: '2026-11-22T10:00:00.000Z',
});
const object = (generation: number, status?: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'sqs.awshooks.dev/v1alpha1',
  kind: 'Queue',
  metadata: { name: 'orders', namespace: 'shop', generation, ...extra },
  spec: { region: 'eu-west-1' },
  ...(status ? { status } : {}),
});

t.test('sample statuses', async (t) => {
  const cases: [string, unknown, string, RegExp][] = [
    ['no status yet', object(1), 'Progressing', /Waiting for awshooks/],
    [
      'Ready for the current generation',
      object(3, { observedGeneration: 3, conditions: [ready('True', 'Available', 'Queue is ready')] }),
      'Healthy',
      /Available: Queue is ready/,
    ],
    [
      'Ready, but for an older generation',
      object(4, { observedGeneration: 3, conditions: [ready('True', 'Available')] }),
      'Progressing',
      /observe generation 4/,
    ],
    [
      'an invalid spec',
      object(2, { observedGeneration: 2, conditions: [ready('False', 'InvalidSpec', 'spec.region: must be a region')] }),
      'Degraded',
      /InvalidSpec: spec.region/,
    ],
    ['a resource owned by someone else', object(2, { observedGeneration: 2, conditions: [ready('False', 'Conflict')] }), 'Degraded', /Conflict/],
    ['AWS refuses (terminal code)', object(2, { observedGeneration: 2, conditions: [ready('False', 'AccessDenied')] }), 'Degraded', /AccessDenied/],
    ['throttled (retried with backoff)', object(2, { observedGeneration: 2, conditions: [ready('False', 'Throttling')] }), 'Progressing', /Throttling/],
    ['RDS still creating', object(2, { observedGeneration: 2, conditions: [ready('False', 'Creating')] }), 'Progressing', /Creating/],
    ['RDS storage full (a person must act)', object(2, { observedGeneration: 2, conditions: [ready('False', 'StorageFull')] }), 'Degraded', /StorageFull/],
    [
      'a dependency not Ready yet',
      object(2, { observedGeneration: 2, conditions: [ready('False', 'DependencyNotReady')] }),
      'Progressing',
      /DependencyNotReady/,
    ],
    [
      'being deleted',
      object(2, { observedGeneration: 2, conditions: [ready('True', 'Available')] }, { deletionTimestamp: '2026-11-22T10:05:00Z' }),
      'Progressing',
      /deleted/,
    ],
    [
      'conditions without Ready',
      object(2, { observedGeneration: 2, conditions: [{ type: 'Synced', status: 'True', reason: 'Synced', message: '' }] }),
      'Progressing',
      /Waiting/,
    ],
    [
      'a message with quotes and non-ASCII',
      object(2, { observedGeneration: 2, conditions: [ready('False', 'InvalidSpec', 'spec.tags["é"]: \\ too long')] }),
      'Degraded',
      /spec\.tags\["é"\]: \\ too long/,
    ],
  ];
  for (const [what, obj, status, message] of cases) {
    const got = health(obj);
    t.equal(got.status, status, `${what}: ${status}`);
    t.match(got.message, message, `${what}: message`);
  }
});

t.test('statuses the service answers follow kstatus, and Argo CD reads them right', async (t) => {
  // AWS clients pointed at a closed port: every call fails at once with ECONNREFUSED (transient).
  const app = await buildApp({
    config: testConfig(),
    aws: new AwsClients({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 }),
    logger: false,
    defaultMetrics: false,
  });
  t.teardown(() => app.close());
  const sync = async (spec: Record<string, unknown>, generation: number) => {
    const parent = object(generation) as Record<string, unknown>;
    parent.spec = spec;
    (parent.metadata as Record<string, unknown>).uid = 'uid-1';
    const res = await app.hooks.inject({
      method: 'POST',
      url: '/hooks/queues/sync',
      headers: { authorization: `Bearer ${TEST_TOKEN}` },
      payload: { controller: {}, parent, children: { 'ConfigMap.v1': {} } },
    });
    t.equal(res.statusCode, 200, 'answered 200');
    // Metacontroller writes the answered status as the parent's status.
    return { ...parent, status: res.json<{ status: Record<string, unknown> }>().status };
  };
  const cases: [string, Record<string, unknown>, string][] = [
    ['an invalid spec', { region: 'eu-west-1', delaySeconds: 5000 }, 'Degraded'],
    ['AWS unreachable', { region: 'eu-west-1' }, 'Progressing'],
  ];
  for (const [what, spec, verdict] of cases) {
    const parent = await sync(spec, 7);
    const status = parent.status as {
      observedGeneration?: number;
      conditions?: { type: string; status: string; reason: string; message: string; lastTransitionTime: string }[];
    };
    t.equal(status.observedGeneration, 7, `${what}: status.observedGeneration is metadata.generation`);
    const readyCondition = status.conditions?.find((c) => c.type === 'Ready');
    t.ok(readyCondition, `${what}: a Ready condition`);
    t.equal(readyCondition?.status, 'False', `${what}: Ready=False`);
    t.match(readyCondition?.reason, /^[A-Za-z][A-Za-z0-9_.]*$/, `${what}: a CamelCase reason`);
    t.ok(readyCondition?.message, `${what}: a message`);
    t.ok(!Number.isNaN(Date.parse(readyCondition?.lastTransitionTime ?? '')), `${what}: a lastTransitionTime`);
    t.equal(health(parent).status, verdict, `${what}: Argo CD says ${verdict}`);
  }
});
