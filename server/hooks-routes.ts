/**
 * POST /hooks/<plural>/{sync,finalize,customize} for every kind: routing only. Admission,
 * in-flight counting and timing are the hook-calls plugin's (hook-calls.ts); reconcile logic is
 * in hooks/.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AwsClients } from '../hooks/core/aws-clients.js';
import type { HooksConfig } from '../hooks/core/config.js';
import type { DriftSchedule } from '../hooks/core/drift-schedule.js';
import type { AnyKind } from '../hooks/core/kind.js';
import type { Logger } from '../hooks/core/logger.js';
import type { SpecCache } from '../hooks/core/spec-cache.js';
import { customize, reconcile } from '../hooks/core/reconcile.js';
import type { CustomizeRequest, SyncRequest } from '../hooks/core/types.js';
import type { HookAnswer, HookCall } from './hook-calls.js';
import type { Metrics } from './metrics.js';
import { customizeRequestSchema, syncRequestSchema } from './schemas.js';

/** What the routes need. */
export interface HookRouteOptions {
  kinds: AnyKind[];
  config: HooksConfig;
  aws: AwsClients;
  metrics: Metrics;
  drift: DriftSchedule;
  specs?: SpecCache;
  now?: () => Date;
}

/**
 * A child logger built on first use: a converged sync logs nothing at the default level, and
 * building a pino child on every call was a tenth of its CPU (issue 10).
 */
export function lazyChild(parent: FastifyRequest['log'], bindings: () => Record<string, unknown>): Logger {
  let child: Logger | undefined;
  const get = (): Logger => (child ??= parent.child(bindings()));
  // pino's isLevelEnabled; fastify's no-op logger has none (and costs nothing to build).
  const levelCheck = (parent as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled;
  return {
    debug: (obj, msg) => {
      if (levelCheck?.call(parent, 'debug') ?? true) get().debug(obj, msg);
    },
    info: (obj, msg) => {
      get().info(obj, msg);
    },
    warn: (obj, msg) => {
      get().warn(obj, msg);
    },
    error: (obj, msg) => {
      get().error(obj, msg);
    },
  };
}

/** Register the hook routes of every kind. */
export async function hookRoutes(app: FastifyInstance, opts: HookRouteOptions): Promise<void> {
  for (const kind of opts.kinds) {
    const base = `/hooks/${kind.names.plural}`;
    const route = (hook: HookCall['hook'], schema: object) => ({
      schema: { body: schema },
      preHandler: parentCheck(kind, opts.metrics),
      config: { hookCall: { kind: kind.names.kind, hook } },
    });
    app.post(`${base}/sync`, route('sync', syncRequestSchema), syncHandler(kind, 'sync', opts));
    app.post(`${base}/finalize`, route('finalize', syncRequestSchema), syncHandler(kind, 'finalize', opts));
    app.post(`${base}/customize`, route('customize', customizeRequestSchema), async (request): Promise<HookAnswer> => {
      const body = request.body as CustomizeRequest;
      return { body: customize(kind, body.parent, opts.config), outcome: 'ok' };
    });
  }
}

/** The parent must be of the route's kind: a misrouted controller is a 400, not an AWS call. */
function parentCheck(kind: AnyKind, metrics: Metrics) {
  const apiVersion = `${kind.names.group}/${kind.names.version}`;
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const { parent } = request.body as { parent: { apiVersion: string; kind: string } };
    if (parent.apiVersion === apiVersion && parent.kind === kind.names.kind) return undefined;
    metrics.rejected.inc({ reason: 'bad_request' });
    // Answered here: fastify runs no handler after a hook that sent the reply.
    return reply.code(400).send({
      error: 'Bad Request',
      message: `this hook serves ${kind.names.kind}.${apiVersion}, got parent ${parent.kind}.${parent.apiVersion}`,
    });
  };
}

/** sync and finalize: reconcile, logging with the parent's identity. */
function syncHandler(kind: AnyKind, hook: 'sync' | 'finalize', opts: HookRouteOptions) {
  return async (request: FastifyRequest): Promise<HookAnswer> => {
    const body = request.body as SyncRequest;
    const meta = body.parent.metadata;
    const log = lazyChild(request.log, () => ({ kind: kind.names.kind, hook, namespace: meta.namespace, name: meta.name, generation: meta.generation }));
    const input: SyncRequest = hook === 'finalize' ? { ...body, finalizing: true } : body;
    const deps = {
      config: opts.config,
      aws: opts.aws,
      log,
      tracker: opts.metrics.tracker,
      drift: opts.drift,
      ...(opts.specs ? { specs: opts.specs } : {}),
      ...(opts.now ? { now: opts.now } : {}),
    };
    const { response, outcome } = await reconcile(kind, input, deps);
    log.debug({ outcome, resyncAfterSeconds: response.resyncAfterSeconds, finalized: response.finalized }, 'hook answered');
    return { body: response, outcome };
  };
}
