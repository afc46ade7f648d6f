/** POST /hooks/<plural>/{sync,finalize,customize} for every kind. No reconcile logic here. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AwsClients } from '../hooks/core/aws-clients.js';
import type { HooksConfig } from '../hooks/core/config.js';
import type { AnyKind } from '../hooks/core/kind.js';
import { customize, reconcile } from '../hooks/core/reconcile.js';
import type { CustomizeRequest, SyncRequest } from '../hooks/core/types.js';
import type { Metrics } from './metrics.js';
import { customizeRequestSchema, syncRequestSchema } from './schemas.js';

/** What the routes need. */
export interface HookRouteOptions {
  kinds: AnyKind[];
  config: HooksConfig;
  aws: AwsClients;
  metrics: Metrics;
  maxConcurrentHooks: number;
  now?: () => Date;
}

type Hook = 'sync' | 'finalize' | 'customize';

/** Register the hook routes of every kind. */
export async function hookRoutes(app: FastifyInstance, opts: HookRouteOptions): Promise<void> {
  let inFlight = 0;

  /** Refuse work beyond the concurrency limit with 429 + Retry-After (Metacontroller waits). */
  const admit = (hook: Hook, reply: FastifyReply): boolean => {
    if (inFlight >= opts.maxConcurrentHooks) {
      opts.metrics.rejected.inc({ hook, reason: 'overloaded' });
      void reply.code(429).header('retry-after', '2').send({ error: 'overloaded', message: `more than ${opts.maxConcurrentHooks} hook calls in flight` });
      return false;
    }
    return true;
  };

  /** The parent must be of the route's kind: a misrouted controller is a 400, not an AWS call. */
  const checkParent = (hook: Hook, kind: AnyKind, parent: { apiVersion: string; kind: string }, reply: FastifyReply): boolean => {
    const apiVersion = `${kind.names.group}/${kind.names.version}`;
    if (parent.apiVersion !== apiVersion || parent.kind !== kind.names.kind) {
      opts.metrics.rejected.inc({ hook, reason: 'bad_request' });
      void reply.code(400).send({
        error: 'Bad Request',
        message: `this hook serves ${kind.names.kind}.${apiVersion}, got parent ${parent.kind}.${parent.apiVersion}`,
      });
      return false;
    }
    return true;
  };

  for (const kind of opts.kinds) {
    const base = `/hooks/${kind.names.plural}`;
    const run = async (hook: Hook, request: FastifyRequest, reply: FastifyReply, work: () => Promise<{ response: unknown; outcome: string }>) => {
      const body = request.body as { parent: { apiVersion: string; kind: string } };
      if (!checkParent(hook, kind, body.parent, reply)) return reply;
      if (!admit(hook, reply)) return reply;
      inFlight++;
      opts.metrics.hooksInFlight.inc();
      const end = opts.metrics.hookDuration.startTimer({ kind: kind.names.kind, hook });
      try {
        const { response, outcome } = await work();
        end({ outcome });
        return response;
      } catch (err) {
        end({ outcome: 'error' });
        throw err;
      } finally {
        inFlight--;
        opts.metrics.hooksInFlight.dec();
      }
    };

    const syncLike = (hook: 'sync' | 'finalize') => async (request: FastifyRequest, reply: FastifyReply) => {
      const body = request.body as SyncRequest;
      const meta = body.parent.metadata;
      const log = request.log.child({ kind: kind.names.kind, hook, namespace: meta.namespace, name: meta.name, generation: meta.generation });
      return run(hook, request, reply, async () => {
        const input: SyncRequest = hook === 'finalize' ? { ...body, finalizing: true } : body;
        const result = await reconcile(kind, input, { config: opts.config, aws: opts.aws, log, tracker: opts.metrics.tracker, ...(opts.now ? { now: opts.now } : {}) });
        log.debug({ outcome: result.outcome, resyncAfterSeconds: result.response.resyncAfterSeconds, finalized: result.response.finalized }, 'hook answered');
        return result;
      });
    };

    const route = { schema: { body: syncRequestSchema } };
    app.post(`${base}/sync`, route, syncLike('sync'));
    app.post(`${base}/finalize`, route, syncLike('finalize'));
    app.post(`${base}/customize`, { schema: { body: customizeRequestSchema } }, async (request, reply) => {
      const body = request.body as CustomizeRequest;
      return run('customize', request, reply, async () => ({ response: customize(kind, body.parent, opts.config), outcome: 'ok' }));
    });
  }
}
