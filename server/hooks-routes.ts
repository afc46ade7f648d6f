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
import { reconcileWithDeadline } from '../hooks/core/answer-in-time.js';
import type { Logger } from '../hooks/core/logger.js';
import { deepFreeze, type SpecCache } from '../hooks/core/spec-cache.js';
import { customize, memoizedSteadyResync } from '../hooks/core/reconcile.js';
import { parentKey } from '../hooks/core/call.js';
import { answerJsonHead, type AnswerMemo, type MemoizedAnswer } from './answer-memo.js';
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
  /** Steady answers by exact request body (answer-memo.ts); none: every sync reconciles. */
  memo?: AnswerMemo;
  now?: () => Date;
}

/** A request whose JSON body was also kept as text (the hooks' JSON parser, app.ts). */
export interface RawBodyRequest {
  rawBody?: string;
  /** Set when the parser found the body in the answer memo: `body` is that entry's, frozen. */
  memoHit?: MemoizedAnswer;
}

/** pino's level check; fastify's no-op logger has none (and logs nothing). */
function debugEnabled(log: FastifyRequest['log']): boolean {
  return (log as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled?.('debug') ?? false;
}

/**
 * A child logger built on first use: a converged sync logs nothing at the default level, and
 * building a pino child on every call was a tenth of its CPU (issue 10). One object per call.
 */
export class LazyChildLogger implements Logger {
  private child: Logger | undefined;
  constructor(
    private readonly parent: FastifyRequest['log'],
    private readonly bindings: () => Record<string, unknown>,
  ) {}
  private get log(): Logger {
    return (this.child ??= this.parent.child(this.bindings()));
  }
  debug(obj: object, msg?: string): void {
    if (debugEnabled(this.parent)) this.log.debug(obj, msg);
  }
  info(obj: object, msg?: string): void {
    this.log.info(obj, msg);
  }
  warn(obj: object, msg?: string): void {
    this.log.warn(obj, msg);
  }
  error(obj: object, msg?: string): void {
    this.log.error(obj, msg);
  }
}

/** Register the hook routes of every kind. */
export async function hookRoutes(app: FastifyInstance, opts: HookRouteOptions): Promise<void> {
  for (const kind of opts.kinds) {
    const base = `/hooks/${kind.names.plural}`;
    const route = (hook: HookCall['hook'], schema: object) => ({
      schema: { body: schema },
      preHandler: parentCheck(kind, hook, opts.metrics),
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

/**
 * The parent must be of the route's kind: a misrouted controller is a 400, not an AWS call. A
 * callback hook (not async): it runs on every call, and a promise per call is CPU (issue 10).
 */
function parentCheck(kind: AnyKind, hook: HookCall['hook'], metrics: Metrics) {
  const apiVersion = `${kind.names.group}/${kind.names.version}`;
  return (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void => {
    const { parent } = request.body as { parent: { apiVersion: string; kind: string } };
    if (parent.apiVersion === apiVersion && parent.kind === kind.names.kind) {
      done();
      return;
    }
    metrics.rejected.inc({ hook, reason: 'bad_request' });
    // Answered here: fastify runs no handler after a hook that sent the reply.
    void reply.code(400).send({
      error: 'Bad Request',
      message: `this hook serves ${kind.names.kind}.${apiVersion}, got parent ${parent.kind}.${parent.apiVersion}`,
    });
  };
}

/** sync and finalize: reconcile, logging with the parent's identity. */
function syncHandler(kind: AnyKind, hook: 'sync' | 'finalize', opts: HookRouteOptions) {
  // What every call of the route shares; a call adds its logger (the memoized path needs none).
  const shared = {
    config: opts.config,
    aws: opts.aws,
    tracker: opts.metrics.tracker,
    drift: opts.drift,
    ...(opts.specs ? { specs: opts.specs } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  };
  const memo = hook === 'sync' ? opts.memo : undefined;
  // A memoized answer is returned at once (no promise); any other goes the full, async way.
  return (request: FastifyRequest, reply: FastifyReply): HookAnswer | Promise<HookAnswer> => {
    const { rawBody, memoHit } = request as RawBodyRequest;
    // A body the parser took from the memo is shared and frozen: only the memoized answer reads it.
    let body = request.body as SyncRequest;
    const meta = body.parent.metadata;
    const raw = memo && rawBody;
    const key = parentKey(meta);
    const debug = debugEnabled(request.log);
    const logger = () =>
      new LazyChildLogger(request.log, () => ({
        kind: kind.names.kind,
        hook,
        namespace: meta.namespace,
        name: meta.name,
        generation: meta.generation,
      }));
    if (memo && raw !== undefined) {
      const hit = memoHit ?? memo.get(key, raw);
      const resyncAfterSeconds = hit && memoizedSteadyResync(kind, shared, body.parent, key, hit.inputHash);
      if (hit && resyncAfterSeconds !== undefined) {
        if (debug) logger().debug({ outcome: 'steady', resyncAfterSeconds, memoized: true }, 'hook answered');
        // The serialized answer, as fastify would have serialized the object (answer-memo.ts).
        hit.jsonHead ??= answerJsonHead(hit.status, hit.children);
        void reply.type('application/json; charset=utf-8');
        return { body: `${hit.jsonHead}${resyncAfterSeconds}}`, outcome: 'steady' };
      }
    }
    // The deadline counts from the request's arrival: reading and checking the body is part of it.
    const receivedAt = Date.now() - reply.elapsedTime;
    if (memoHit) body = JSON.parse(memoHit.raw) as SyncRequest;
    const input: SyncRequest = hook === 'finalize' ? { ...body, finalizing: true } : body;
    const log = logger();
    return reconcileWithDeadline(kind, input, { ...shared, log }, receivedAt).then(({ response, outcome }) => {
      if (memo && raw !== undefined) {
        const inputHash = response.status.inputHash;
        if (outcome === 'steady' && typeof inputHash === 'string') {
          // The memo's own parse of the text (the full path's copy may have been changed).
          const parsed: unknown = memoHit?.body ?? deepFreeze(JSON.parse(raw) as unknown);
          memo.set(key, { raw, body: parsed, inputHash, status: response.status, children: response.children });
        } else memo.delete(key);
      }
      if (debug) log.debug({ outcome, resyncAfterSeconds: response.resyncAfterSeconds, finalized: response.finalized }, 'hook answered');
      return { body: response, outcome };
    });
  };
}
