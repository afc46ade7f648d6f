/** The hook-calls plugin: admission under the concurrency limit, the in-flight gauge, timing by outcome. */
import t from 'tap';
import { request as httpRequest } from 'node:http';
import Fastify from 'fastify';
import { hookCalls, type HookAnswer } from '../../../server/hook-calls.js';
import { MemoryTracker, Metrics } from '../../../server/metrics.js';

/** An app with one hook route whose calls wait until released, and one plain route. */
async function appWith(maxConcurrentHooks: number) {
  const metrics = new Metrics(new MemoryTracker(), { defaultMetrics: false });
  const app = Fastify({ logger: false });
  const held: (() => void)[] = [];
  await app.register(hookCalls, { metrics, maxConcurrentHooks });
  app.post('/hooks/things/sync', { config: { hookCall: { kind: 'Thing', hook: 'sync' } } }, async (): Promise<HookAnswer> => {
    await new Promise<void>((resolve) => held.push(resolve));
    return { body: { done: true }, outcome: 'converged' };
  });
  app.post('/hooks/things/finalize', { config: { hookCall: { kind: 'Thing', hook: 'finalize' } } }, async (): Promise<HookAnswer> => {
    throw new Error('a bug');
  });
  // Handlers that answer at once (the answer memo's path): no promise.
  app.post('/hooks/things/customize', { config: { hookCall: { kind: 'Thing', hook: 'customize' } } }, (request): HookAnswer => {
    if ((request.body as { fail?: boolean }).fail) throw new Error('a bug, thrown at once');
    return { body: '{"memoized":true}', outcome: 'steady' };
  });
  app.get('/plain', async () => ({ plain: true }));
  const inFlight = async () => (await metrics.hooksInFlight.get()).values[0]?.value ?? 0;
  const waitHeld = async (n: number) => {
    while (held.length < n) await new Promise((r) => setTimeout(r, 5));
  };
  return { app, metrics, held, inFlight, waitHeld };
}

t.test('beyond the limit: 429 with Retry-After, counted as overloaded; admitted calls complete', async (t) => {
  const { app, metrics, held, inFlight, waitHeld } = await appWith(1);
  t.teardown(() => app.close());
  const first = app.inject({ method: 'POST', url: '/hooks/things/sync', payload: {} });
  await waitHeld(1);
  t.equal(await inFlight(), 1, 'one call in flight');
  const second = await app.inject({ method: 'POST', url: '/hooks/things/sync', payload: {} });
  t.equal(second.statusCode, 429);
  t.equal(second.headers['retry-after'], '2');
  t.match(second.json(), { error: 'overloaded' });
  t.equal((await metrics.rejected.get()).values.find((v) => v.labels.reason === 'overloaded')?.value, 1);
  held[0]!();
  const done = await first;
  t.equal(done.statusCode, 200);
  t.same(done.json(), { done: true }, "the handler's body, without the outcome");
  t.equal(await inFlight(), 0, 'back to zero');
  const timed = (await metrics.hookDuration.get()).values.find((v) => v.metricName === 'awshooks_hook_duration_seconds_count');
  t.match(timed?.labels, { kind: 'Thing', hook: 'sync', outcome: 'converged' }, 'timed with the outcome');
});

t.test('a throwing handler is timed as error, and leaves nothing in flight', async (t) => {
  const { app, metrics, inFlight } = await appWith(1);
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'POST', url: '/hooks/things/finalize', payload: {} });
  t.equal(res.statusCode, 500);
  t.equal(await inFlight(), 0);
  const timed = (await metrics.hookDuration.get()).values.find((v) => v.metricName === 'awshooks_hook_duration_seconds_count');
  t.match(timed?.labels, { hook: 'finalize', outcome: 'error' });
});

t.test('an answer the handler has at once is sent and timed; one thrown at once is timed as error', async (t) => {
  const { app, metrics, inFlight } = await appWith(1);
  t.teardown(() => app.close());
  for (let i = 0; i < 3; i++) {
    const res = await app.inject({ method: 'POST', url: '/hooks/things/customize', payload: {} });
    t.equal(res.statusCode, 200);
    t.equal(res.body, '{"memoized":true}', 'the body as the handler gave it');
  }
  const failed = await app.inject({ method: 'POST', url: '/hooks/things/customize', payload: { fail: true } });
  t.equal(failed.statusCode, 500);
  t.equal(await inFlight(), 0, 'nothing left in flight, the limit of 1 never reached');
  const counts = (await metrics.hookDuration.get()).values.filter((v) => v.metricName === 'awshooks_hook_duration_seconds_count');
  t.match(
    counts.map((v) => [v.labels.outcome, v.value]),
    [
      ['steady', 3],
      ['error', 1],
    ],
  );
});

t.test('routes without hookCall are neither limited nor timed', async (t) => {
  const { app, metrics, held, waitHeld } = await appWith(1);
  t.teardown(() => app.close());
  const first = app.inject({ method: 'POST', url: '/hooks/things/sync', payload: {} });
  await waitHeld(1);
  t.equal((await app.inject({ url: '/plain' })).statusCode, 200, 'admitted while the limit is reached');
  held[0]!();
  await first;
  t.equal((await metrics.hookDuration.get()).values.filter((v) => v.metricName === 'awshooks_hook_duration_seconds_count').length, 1);
});

t.test('a client that hangs up does not leak an in-flight slot: the slot is freed when the work ends', async (t) => {
  const { app, held, inFlight, waitHeld } = await appWith(1);
  t.teardown(() => app.close());
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/hooks/things/sync', headers: { 'content-type': 'application/json' } });
  req.on('error', () => undefined);
  req.end('{}');
  await waitHeld(1);
  req.destroy(); // Metacontroller's webhook timeout
  await new Promise((r) => setTimeout(r, 50));
  t.equal(await inFlight(), 1, 'the work still runs: it still counts');
  held[0]!();
  while ((await inFlight()) !== 0) await new Promise((r) => setTimeout(r, 5));
  const next = app.inject({ method: 'POST', url: '/hooks/things/sync', payload: {} });
  await waitHeld(2);
  held[1]!();
  t.equal((await next).statusCode, 200, 'the next call is admitted');
});
