/** fastify's per-request logger, built on first use: the same lines, bindings and redaction as pino's child. */
import t from 'tap';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { REDACT_PATHS, buildApp } from '../../../server/app.js';
import { LazyRequestLogger } from '../../../server/request-logger.js';
import { TEST_TOKEN, testConfig } from '../../helpers/app.js';

function capture(): { lines: Record<string, unknown>[]; stream: Writable } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, stream };
}

/** A production-like parent logger whose child() calls are counted. */
function parentLogger(level: string): { log: FastifyBaseLogger; lines: Record<string, unknown>[]; children: () => number } {
  const { lines, stream } = capture();
  const log = pino({ level, redact: { paths: REDACT_PATHS, censor: '[Redacted]' } }, stream) as unknown as FastifyBaseLogger;
  let children = 0;
  const child = Object.getPrototypeOf(log).child as FastifyBaseLogger['child'];
  // Children inherit this own property: each counts, and binds to the logger it is called on.
  log.child = function (this: FastifyBaseLogger, bindings, options) {
    children++;
    return child.call(this, bindings, options);
  };
  return { log, lines, children: () => children };
}

t.test('nothing logged: no child built; level checks answered by the parent', async (t) => {
  const { log, lines, children } = parentLogger('info');
  const lazy = new LazyRequestLogger(log, { reqId: 'req-1' }, {});
  lazy.debug({ a: 1 }, 'not at info');
  lazy.trace('nor this');
  lazy.silent('never');
  t.equal(lazy.level, 'info');
  t.equal(lazy.isLevelEnabled('debug'), false);
  t.equal(lazy.isLevelEnabled('warn'), true);
  t.equal(children(), 0, 'no pino child for a call that logs nothing');
  t.same(lines, []);
});

t.test('the first line builds the child once: request id bound, secrets redacted, format arguments kept', async (t) => {
  const { log, lines, children } = parentLogger('info');
  const lazy = new LazyRequestLogger(log, { reqId: 'req-7' }, {});
  lazy.info({ user: { password: 'hunter2' } }, 'hello %s', 'world');
  lazy.warn('plain');
  lazy.error({ err: new Error('boom') }, 'failed');
  lazy.fatal({ secret: { data: { token: 'x' } } }, 'dying');
  t.equal(children(), 1, 'one child, reused');
  t.match(lines[0], { level: 30, reqId: 'req-7', msg: 'hello world', user: { password: '[Redacted]' } });
  t.match(lines[1], { level: 40, reqId: 'req-7', msg: 'plain' });
  t.match(lines[2], { level: 50, reqId: 'req-7', msg: 'failed', err: { message: 'boom' } });
  t.match(lines[3], { level: 60, reqId: 'req-7', secret: { data: '[Redacted]' } });
  t.notMatch(JSON.stringify(lines), /hunter2/);
});

t.test('a child of the request logger carries both bindings; a level of its own is honoured', async (t) => {
  const { log, lines } = parentLogger('info');
  new LazyRequestLogger(log, { reqId: 'req-2' }, {}).child({ kind: 'Queue' }).info('bound');
  t.match(lines[0], { reqId: 'req-2', kind: 'Queue', msg: 'bound' });

  const verbose = new LazyRequestLogger(log, { reqId: 'req-3' }, { level: 'trace' });
  t.equal(verbose.level, 'trace', "a route's own level");
  t.equal(verbose.isLevelEnabled('debug'), true);
  verbose.debug('debug line');
  verbose.trace('trace line');
  t.match(lines.slice(1), [
    { level: 20, reqId: 'req-3', msg: 'debug line' },
    { level: 10, reqId: 'req-3', msg: 'trace line' },
  ]);
  verbose.level = 'error';
  t.equal(verbose.level, 'error', 'a level set on it sticks');
});

t.test('through the app: a hook call logs with fastify request id and the parent, under the production redaction', async (t) => {
  const { lines, stream } = capture();
  const app = await buildApp({
    config: testConfig(),
    logger: { level: 'debug', stream, redact: { paths: REDACT_PATHS, censor: '[Redacted]' } },
    defaultMetrics: false,
  });
  t.teardown(() => app.close());
  const parent = {
    apiVersion: 'sqs.awshooks.dev/v1alpha1',
    kind: 'Queue',
    metadata: { name: 'orders', namespace: 'shop', uid: 'u1', generation: 1 },
    spec: { region: 'eu-west-1', visibilityTimeoutSeconds: 'soon', password: 'hunter2' },
  };
  const res = await app.hooks.inject({
    method: 'POST',
    url: '/hooks/queues/sync',
    headers: { authorization: `Bearer ${TEST_TOKEN}` },
    payload: { controller: {}, parent, children: {} },
  });
  t.equal(res.statusCode, 200);
  const answered = lines.find((l) => l.msg === 'hook answered');
  t.match(answered, { level: 20, reqId: /^req-/, kind: 'Queue', hook: 'sync', namespace: 'shop', name: 'orders', outcome: 'invalid' });
  t.notMatch(JSON.stringify(lines), /hunter2/, 'no secret in any line');
});
