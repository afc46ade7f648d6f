/** Refused hook calls: 401 before the body is parsed, one log line naming path and parent, a metric. */
import t from 'tap';
import { Writable } from 'node:stream';
import { buildApp } from '../../../server/app.js';
import { hookOfUrl, namedParent } from '../../../server/hook-auth.js';
import { TEST_TOKEN, testConfig } from '../../helpers/app.js';

t.test('hookOfUrl: the hook label of a path', async (t) => {
  for (const [url, hook] of [
    ['/hooks/queues/sync', 'sync'],
    ['/hooks/queues/finalize?x=1', 'finalize'],
    ['/hooks/roles/customize', 'customize'],
    ['/hooks/queues/other', 'unknown'],
    ['/hooks/queues', 'unknown'],
    ['/metrics', 'unknown'],
    ['/hooks//sync', 'unknown'],
  ] as const)
    t.equal(hookOfUrl(url), hook, url);
});

t.test('namedParent: identity fields only, strings only', async (t) => {
  t.same(
    namedParent({
      parent: { apiVersion: 'sqs.awshooks.dev/v1alpha1', kind: 'Queue', metadata: { namespace: 'shop', name: 'orders', uid: 'u' }, spec: { secret: 'x' } },
    }),
    {
      apiVersion: 'sqs.awshooks.dev/v1alpha1',
      kind: 'Queue',
      namespace: 'shop',
      name: 'orders',
    },
  );
  t.same(namedParent({ parent: { metadata: { name: 5 } } }), undefined, 'no string field: nothing');
  t.equal(namedParent(null), undefined);
  t.equal(namedParent('x'), undefined);
  t.equal(namedParent({ parent: { metadata: { name: 'n'.repeat(400) } } })?.name?.length, 253, 'cut');
});

t.test('a refused call is logged with path and parent (never the token) and counted by hook and reason', async (t) => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const app = await buildApp({ config: testConfig(), logger: { level: 'info', stream }, defaultMetrics: false });
  t.teardown(() => app.close());
  await app.hooks.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.hooks.server.address() as { port: number }).port}`;
  const parent = {
    apiVersion: 'sqs.awshooks.dev/v1alpha1',
    kind: 'Queue',
    metadata: { name: 'orders', namespace: 'shop', uid: 'u1', generation: 1 },
    spec: { region: 'eu-west-1' },
  };
  const body = JSON.stringify({ controller: {}, parent, children: {} });
  const post = (path: string, headers: Record<string, string>, payload = body) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload });

  const wrong = await post('/hooks/queues/sync', { authorization: 'Bearer presented-wrong-token-0123456789' });
  t.equal(wrong.status, 401);
  t.same(await wrong.json(), { error: 'Unauthorized', message: 'invalid authorization header' });
  t.equal((await post('/hooks/roles/finalize', {})).status, 401, 'no header');
  // A large body is not read to name the parent, and the connection still serves the next call.
  const big = JSON.stringify({ controller: {}, parent, children: {}, pad: 'x'.repeat(2 * 1024 * 1024) });
  t.equal((await post('/hooks/queues/customize', { authorization: 'Bearer presented-wrong-token-0123456789' }, big)).status, 401, 'large body');
  const ok = await post('/hooks/queues/customize', { authorization: `Bearer ${TEST_TOKEN}` });
  t.equal(ok.status, 200, 'the right token still works');

  // The log line is written once the refused body has been read (after the answer).
  const deadline = Date.now() + 5000;
  const rejected = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'hook call rejected: unauthorized');
  while (rejected().length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const entries = rejected();
  t.equal(entries.length, 3, 'one line per refused call');
  const byPath = Object.fromEntries(entries.map((e) => [e.path, e]));
  t.match(byPath['/hooks/queues/sync'], {
    level: 40,
    hook: 'sync',
    reason: 'unauthorized',
    detail: 'invalid authorization header',
    parent: { kind: 'Queue', namespace: 'shop', name: 'orders' },
  });
  t.match(byPath['/hooks/roles/finalize'], { hook: 'finalize', detail: 'missing authorization header', parent: { name: 'orders' } });
  t.match(byPath['/hooks/queues/customize'], { hook: 'customize' });
  t.notOk(byPath['/hooks/queues/customize']?.parent, 'a body over 1 MiB is not parsed');
  t.notMatch(lines.join(''), /presented-wrong-token/, 'the presented token is never logged');
  t.notMatch(lines.join(''), new RegExp(TEST_TOKEN));

  const metrics = (await app.ops.inject({ url: '/metrics' })).body;
  t.match(metrics, /awshooks_hook_rejected_total\{hook="sync",reason="unauthorized"\} 1/);
  t.match(metrics, /awshooks_hook_rejected_total\{hook="finalize",reason="unauthorized"\} 1/);
  t.match(metrics, /awshooks_hook_rejected_total\{hook="customize",reason="unauthorized"\} 1/);
});

t.test('a malformed request with the right token is counted as bad_request under its hook', async (t) => {
  const app = await buildApp({ config: testConfig(), logger: false, defaultMetrics: false });
  t.teardown(() => app.close());
  const res = await app.hooks.inject({
    method: 'POST',
    url: '/hooks/queues/sync',
    headers: { authorization: `Bearer ${TEST_TOKEN}` },
    payload: { controller: {} },
  });
  t.equal(res.statusCode, 400);
  t.match((await app.ops.inject({ url: '/metrics' })).body, /awshooks_hook_rejected_total\{hook="sync",reason="bad_request"\} 1/);
});
