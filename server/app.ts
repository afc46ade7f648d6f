/**
 * The app factory: builds the hooks server and the operations server (health, metrics)
 * without listening. Tests call `inject`; `main.ts` listens (DESIGN.md §4).
 */
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import underPressure from '@fastify/under-pressure';
import { AwsRateLimiter } from '../hooks/core/aws-budget.js';
import { AwsClients } from '../hooks/core/aws-clients.js';
import { DriftSchedule } from '../hooks/core/drift-schedule.js';
import { ParentMemory } from '../hooks/core/parent-memory.js';
import { SpecCache } from '../hooks/core/spec-cache.js';
import type { AnyKind } from '../hooks/core/kind.js';
import { KINDS } from '../hooks/registry.js';
import type { ServiceConfig } from './config.js';
import { hookAuth, hookOfUrl } from './hook-auth.js';
import { hookCalls } from './hook-calls.js';
import { AnswerMemo, DEFAULT_ANSWER_MEMO_BYTES } from './answer-memo.js';
import { hookRoutes, type RawBodyRequest } from './hooks-routes.js';
import { MemoryTracker, Metrics } from './metrics.js';
import { lazyChildLoggerFactory } from './request-logger.js';

/** Options of {@link buildApp}; everything but `config` is for tests and the benchmark. */
export interface AppOptions {
  config: ServiceConfig;
  kinds?: AnyKind[];
  aws?: AwsClients;
  now?: () => Date;
  /** A pino logger config or `false`. */
  logger?: FastifyServerOptions['logger'];
  defaultMetrics?: boolean;
}

/** The two servers and the services they share. */
export interface App {
  hooks: FastifyInstance;
  ops: FastifyInstance;
  metrics: Metrics;
  aws: AwsClients;
  /** This replica's memory of drift checks. */
  drift: DriftSchedule;
  /** Mark the app as shutting down: /readyz answers 503 so the Service stops routing to it. */
  drain(): void;
  close(): Promise<void>;
}

/** Log paths that may carry secrets; pino replaces them with [Redacted]. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.password',
  '*.masterUserPassword',
  '*.MasterUserPassword',
  '*.data',
  '*.stringData',
  'body',
  'req.body',
];

/** Build both servers. */
export async function buildApp(options: AppOptions): Promise<App> {
  const { config } = options;
  // One record per parent, shared by the drift schedule and the managed-resources tracker.
  const memory = new ParentMemory(config.driftScheduleMaxEntries);
  const drift = new DriftSchedule(memory);
  const specs = config.specCacheMaxEntries === 0 ? undefined : new SpecCache(config.specCacheMaxEntries);
  const memoBytes = config.answerMemoMaxBytes ?? DEFAULT_ANSWER_MEMO_BYTES;
  const memo = memoBytes === 0 ? undefined : new AnswerMemo(memoBytes);
  const tracker = new MemoryTracker(Date.now, memory);
  const metrics = new Metrics(tracker, { defaultMetrics: options.defaultMetrics ?? true, drift, ...(memo ? { memo } : {}) });
  const limiter = new AwsRateLimiter({
    ...(config.awsRateLimits ? { limits: config.awsRateLimits } : {}),
    ...(config.awsRateLimitMaxWaitMs !== undefined ? { maxWaitMs: config.awsRateLimitMaxWaitMs } : {}),
    onLimited: (service, region) => {
      metrics.rateLimited.inc({ service, region });
    },
  });
  const aws =
    options.aws ??
    new AwsClients({
      ...(config.awsEndpointUrl ? { endpoint: config.awsEndpointUrl } : {}),
      onCall: (service, operation, outcome) => {
        metrics.awsCalls.inc({ service, operation, outcome });
      },
      limiter,
    });
  const logger = options.logger ?? { level: config.logLevel, redact: { paths: REDACT_PATHS, censor: '[Redacted]' } };
  let draining = false;

  const hooks = Fastify({
    logger,
    bodyLimit: config.bodyLimitBytes,
    // One log line per hook call comes from the route, with the parent's identity.
    logController: new LogController({ disableRequestLogging: true }),
    // The per-request child logger is built when something is logged (request-logger.ts).
    childLoggerFactory: lazyChildLoggerFactory,
    ...(config.tls ? { https: { cert: config.tls.cert, key: config.tls.key } } : {}),
    // The hook must see exactly what Metacontroller sent (DESIGN.md §4).
    ajv: { customOptions: { coerceTypes: false, useDefaults: false, removeAdditional: false, allErrors: true } },
    return503OnClosing: true,
  } as FastifyServerOptions);

  hooks.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown }, request, reply) => {
    if (error.validation) {
      metrics.rejected.inc({ hook: hookOfUrl(request.url), reason: 'bad_request' });
      return reply.code(400).send({ error: 'Bad Request', message: error.message });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ error: error.name, message: error.message });
    }
    // A bug: 500 makes Metacontroller write nothing and retry with backoff (DESIGN.md §1).
    request.log.error({ err: error }, 'hook failed with an unexpected error');
    return reply.code(500).send({ error: 'Internal Server Error', message: 'unexpected error; see the awshooks logs', requestId: request.id });
  });

  await hooks.register(underPressure, {
    maxEventLoopDelay: 1000,
    // NOTE: Metacontroller honours 429 + Retry-After; 503 would count as a failed sync.
    pressureHandler: (req, reply) => {
      metrics.rejected.inc({ hook: hookOfUrl(req.url), reason: 'overloaded' });
      void reply.code(429).header('retry-after', '5').send({ error: 'overloaded', message: 'event loop is saturated' });
    },
  });

  await hooks.register(async (scope) => {
    if (memo) {
      // fastify's own JSON parser (same limits, same prototype-poisoning checks), keeping the
      // text too: the answer memo recognizes a request it answered before by its exact bytes.
      const json = scope.getDefaultJsonParser('error', 'error');
      scope.removeContentTypeParser('application/json');
      scope.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
        const raw = body as string;
        (request as RawBodyRequest).rawBody = raw;
        // A sync body answered before, byte for byte: the object parsed then (answer-memo.ts).
        const hit = request.routeOptions.config.hookCall?.hook === 'sync' ? memo.getByText(raw) : undefined;
        if (hit) {
          (request as RawBodyRequest).memoHit = hit;
          done(null, hit.body);
          return;
        }
        void json(request, raw, done);
      });
    }
    if (!config.authDisabled) await scope.register(hookAuth, { tokens: config.hookTokens, metrics });
    await scope.register(hookCalls, { metrics, maxConcurrentHooks: config.maxConcurrentHooks });
    await scope.register(hookRoutes, {
      kinds: options.kinds ?? KINDS,
      config: config.hooks,
      aws,
      metrics,
      drift,
      ...(specs ? { specs } : {}),
      ...(memo ? { memo } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
  });

  const ops = Fastify({ logger: false });
  ops.get('/healthz', async () => ({ status: 'ok' }));
  ops.get('/readyz', async (_req, reply) => (draining ? reply.code(503).send({ status: 'draining' }) : { status: 'ready' }));
  ops.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));

  return {
    hooks,
    ops,
    metrics,
    aws,
    drift,
    drain: () => {
      draining = true;
    },
    close: async () => {
      draining = true;
      await hooks.close();
      await ops.close();
      aws.destroy();
    },
  };
}
