/**
 * The chart's alerts (templates/prometheusrule.yaml): `promtool check rules` accepts them and
 * `promtool test rules` runs the cases in prometheus-rules.promtool.yaml (firing and not), and every
 * metric they query is one the service really exports.
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { renderChart, toolPath } from '../../../scripts/packaging.js';
import { exportedMetricNames } from '../../helpers/exported-metrics.js';

// The first run on a machine may build helm and install promtool (scripts/tools.sh); scripts/test.sh does that beforehand.
t.setTimeout(15 * 60 * 1000);
const promtool = toolPath('promtool');
const here = dirname(fileURLToPath(import.meta.url));

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const rule = renderChart({ set: ['prometheusRule.enabled=true'] }).find((o) => o.kind === 'PrometheusRule') as unknown as {
  spec: { groups: { name: string; rules: Rule[] }[] };
};
const rules = rule.spec.groups.flatMap((g) => g.rules);

const dir = mkdtempSync(join(tmpdir(), 'awshooks-promtool-'));
t.teardown(() => {
  rmSync(dir, { recursive: true, force: true });
});
writeFileSync(join(dir, 'rules.yaml'), stringify({ groups: rule.spec.groups }));
copyFileSync(join(here, 'prometheus-rules.promtool.yaml'), join(dir, 'tests.yaml'));

const run = (args: string[]): { ok: boolean; out: string } => {
  try {
    return { ok: true, out: execFileSync(promtool, args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
};

t.test('the issue’s alerts are all there', async (t) => {
  t.same(
    rules.map((r) => r.alert).sort(),
    [
      'AwshooksAwsErrors',
      'AwshooksDown',
      'AwshooksHookErrors',
      'AwshooksHookLatencyHigh',
      'AwshooksHookRejected',
      'AwshooksHookUnauthorized',
      'AwshooksResourcesNotReady',
    ],
    'hook errors, AWS errors, not Ready, latency, rejected calls (and down)',
  );
  for (const r of rules) {
    t.ok(r.labels?.severity, `${r.alert}: has a severity`);
    t.ok(r.annotations?.summary && r.annotations.description, `${r.alert}: has a summary and a description`);
    t.ok(r.for, `${r.alert}: waits before firing`);
  }
});

t.test('promtool check rules', async (t) => {
  const { ok, out } = run(['check', 'rules', 'rules.yaml']);
  t.ok(ok, `promtool check rules: ${out}`);
  t.match(out, new RegExp(`SUCCESS: ${rules.length} rules found`), 'every rule found and valid');
});

t.test('promtool test rules: each alert fires when it should and not otherwise', async (t) => {
  const { ok, out } = run(['test', 'rules', 'tests.yaml']);
  t.ok(ok, `promtool test rules:\n${out}`);
  t.match(out, /SUCCESS/, 'all cases pass');
  // Negative control: the same cases against rules whose thresholds were loosened must fail.
  const loosened = rule.spec.groups.map((g) => ({ ...g, rules: g.rules.map((r) => ({ ...r, expr: r.expr.replace(/> [0-9.]+$/, '> 1000') })) }));
  writeFileSync(join(dir, 'rules.yaml'), stringify({ groups: loosened }));
  t.notOk(run(['test', 'rules', 'tests.yaml']).ok, 'the cases fail against broken thresholds (they test something)');
  writeFileSync(join(dir, 'rules.yaml'), stringify({ groups: rule.spec.groups }));
});

t.test('every metric the alerts query is one the service exports', async (t) => {
  const exported = await exportedMetricNames();
  const queried = new Set(rules.flatMap((r) => [...r.expr.matchAll(/\b(awshooks_[a-z_]+)\b/g)].map((m) => m[1]!)));
  t.ok(queried.size >= 4, `the alerts query ${[...queried].join(', ')}`);
  for (const name of queried) t.ok(exported.has(name), `${name} is exported`);
  t.ok(queried.has('awshooks_hook_rejected_total'), 'rejected calls: awshooks_hook_rejected_total');
});
