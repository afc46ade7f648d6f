import t from 'tap';
import { serviceMonitorObject, selects, resolvePort, container, service } from '../../../helpers/manifests.js';

t.test('ServiceMonitor scrapes the metrics port every 30s (checked by hand)', async (t) => {
  const sm = serviceMonitorObject[0] as unknown as {
    apiVersion: string;
    metadata: { namespace: string };
    spec: {
      selector?: { matchLabels?: Record<string, string> };
      namespaceSelector?: { matchNames?: string[]; any?: boolean };
      endpoints?: { port?: string; path?: string; interval?: string; scrapeTimeout?: string }[];
    };
  };
  t.equal(serviceMonitorObject.length, 1, 'the servicemonitor component holds one object');
  t.equal(sm.apiVersion, 'monitoring.coreos.com/v1', 'Prometheus Operator v1 API');
  // Required by the ServiceMonitor CRD schema: spec.selector (and, for each endpoint, nothing else).
  t.ok(selects(sm.spec.selector, service.metadata?.labels), 'spec.selector (required) matches the Service labels');
  const namespaces = sm.spec.namespaceSelector?.matchNames ?? [sm.metadata.namespace];
  t.ok(namespaces.includes(service.metadata?.namespace ?? ''), 'looks in the Service’s namespace');
  t.equal(sm.spec.endpoints?.length, 1, 'one endpoint');
  const ep = sm.spec.endpoints?.[0];
  t.ok(
    service.spec?.ports?.some((p) => p.name === ep?.port),
    'endpoint port names a Service port',
  );
  t.equal(resolvePort(container, service.spec?.ports?.find((p) => p.name === ep?.port)?.targetPort), 9090, 'which is the metrics port');
  t.equal(ep?.path, '/metrics', 'path /metrics');
  t.equal(ep?.interval, '30s', 'every 30s');
  const seconds = (d: string | undefined): number => Number(/^(\d+)s$/.exec(d ?? '')?.[1] ?? NaN);
  t.ok(!ep?.scrapeTimeout || seconds(ep.scrapeTimeout) <= seconds(ep.interval), 'scrapeTimeout does not exceed the interval');
});
