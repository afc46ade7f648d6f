/** The metric names a built app really exports on /metrics, for the alert and dashboard tests. */
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';

/**
 * Every series name in the exposition of a freshly built app (the same factory as production,
 * default process metrics included): histograms with their _bucket/_sum/_count series.
 */
export async function exportedMetricNames(): Promise<Set<string>> {
  const app = await buildApp({ config: loadConfig({ HOOK_AUTH_DISABLED: 'true' }), logger: false });
  try {
    const res = await app.ops.inject({ method: 'GET', url: '/metrics' });
    if (res.statusCode !== 200) throw new Error(`/metrics answered ${res.statusCode}`);
    const names = new Set<string>();
    for (const line of res.body.split('\n')) {
      const m = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (!m) continue;
      const [, name, type] = m;
      names.add(name!);
      if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name! + s);
      if (type === 'summary') for (const s of ['_sum', '_count']) names.add(name! + s);
    }
    return names;
  } finally {
    await app.close();
  }
}
