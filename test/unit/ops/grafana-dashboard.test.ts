/**
 * The Grafana dashboard (charts/awshooks/files/grafana-dashboard.json) queries only metrics the
 * service really exports (read from a built app's /metrics), and shows what the issue asks:
 * hook rate and latency by kind and outcome, AWS calls by operation and outcome, managed
 * resources by readiness.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHART_DIR } from '../../../scripts/packaging.js';
import { exportedMetricNames } from '../../helpers/exported-metrics.js';

interface Target {
  expr: string;
  refId: string;
  legendFormat?: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  targets?: Target[];
  gridPos: { x: number; y: number; w: number; h: number };
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query?: unknown }[] };
}

const dashboard = JSON.parse(readFileSync(join(CHART_DIR, 'files', 'grafana-dashboard.json'), 'utf8')) as Dashboard;
const panels = dashboard.panels.filter((p) => p.type !== 'row');
const exprs = panels.flatMap((p) => (p.targets ?? []).map((target) => ({ panel: p.title, expr: target.expr })));
/** Metric names an expression reads (identifiers followed by a selector or a range/space, not functions or labels). */
const metricsOf = (expr: string): string[] => [...expr.matchAll(/\b(awshooks_[a-z0-9_]+|up)\b(?=\s*[{[)\s]|$)/g)].map((m) => m[1]!);

t.test('the dashboard is well formed', async (t) => {
  t.equal(dashboard.uid, 'awshooks', 'a stable uid');
  t.ok(panels.length >= 8, `${panels.length} panels`);
  t.equal(new Set(dashboard.panels.map((p) => p.id)).size, dashboard.panels.length, 'panel ids are unique');
  t.ok(
    dashboard.templating.list.some((v) => v.type === 'datasource' && v.name === 'datasource'),
    'a data source variable (no hard-coded data source)',
  );
  for (const p of panels) {
    t.ok(p.description, `${p.title}: described`);
    t.ok(p.targets && p.targets.length > 0, `${p.title}: queries something`);
    t.ok(p.gridPos.x + p.gridPos.w <= 24, `${p.title}: fits the 24-column grid`);
    for (const target of p.targets ?? []) t.match(target.expr, /job=~"\$job"/, `${p.title}: follows the job variable`);
  }
});

t.test('every metric the dashboard queries is one the service exports', async (t) => {
  const exported = await exportedMetricNames();
  t.ok(exported.has('awshooks_hook_duration_seconds_bucket'), 'the exported names were read (negative control: histograms expanded)');
  t.notOk(exported.has('awshooks_not_a_metric'), 'and only those');
  const used = new Set<string>();
  for (const { panel, expr } of exprs) {
    const names = metricsOf(expr);
    t.ok(names.length > 0, `${panel}: reads a metric (${expr})`);
    for (const n of names) used.add(n);
  }
  for (const name of [...used].sort()) {
    if (name === 'up') continue; // Prometheus's own scrape health series.
    t.ok(exported.has(name), `${name} is exported by the service`);
  }
  for (const v of dashboard.templating.list) {
    const query = JSON.stringify(v.query ?? '');
    for (const m of query.matchAll(/\b(awshooks_[a-z0-9_]+)\b/g)) t.ok(exported.has(m[1]!), `variable ${v.name}: ${m[1]} is exported`);
  }
});

t.test('it shows what the issue asks for', async (t) => {
  const has = (pattern: RegExp, what: string): void => {
    t.ok(
      exprs.some(({ expr }) => pattern.test(expr)),
      what,
    );
  };
  has(/sum by \(kind, outcome\) \(rate\(awshooks_hook_duration_seconds_count/, 'hook rate by kind and outcome');
  has(/histogram_quantile\(0\.99, sum by \(le, kind\) \(rate\(awshooks_hook_duration_seconds_bucket/, 'hook latency by kind');
  has(/histogram_quantile\(0\.99, sum by \(le, hook, outcome\) \(rate\(awshooks_hook_duration_seconds_bucket/, 'hook latency by outcome');
  has(/sum by \(service, operation, outcome\) \(rate\(awshooks_aws_api_calls_total/, 'AWS calls by operation and outcome');
  has(/max by \(kind, ready\) \(awshooks_managed_resources/, 'managed resources by readiness');
  has(/sum by \(hook, reason\) \(rate\(awshooks_hook_rejected_total/, 'rejected hook calls by hook and reason');
});
