/**
 * Hook-call accounting as a fastify plugin: every route whose `config.hookCall` names a kind and
 * a hook is admitted under the concurrency limit (beyond it: 429 with Retry-After, which
 * Metacontroller honours), counted in the in-flight gauge, and timed by kind, hook and outcome.
 *
 * The plugin wraps such routes' handlers (an onRoute hook) instead of pairing onRequest and
 * onResponse hooks: fastify runs no onResponse when the client has hung up (Metacontroller gives
 * up after its webhook timeout) while the work goes on; a counter decremented there would leak
 * until every call got a 429. The wrapper's `finally` runs when the work itself ends.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Metrics } from './metrics.js';

/** Which hook of which kind a route serves. */
export interface HookCall {
  kind: string;
  hook: 'sync' | 'finalize' | 'customize';
}

/** What a hook route's handler returns: the body to answer with, and how the call ended (a metric label). */
export interface HookAnswer {
  body: unknown;
  outcome: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on hook routes: the plugin admits, counts and times their calls. */
    hookCall?: HookCall;
  }
}

/** What the plugin needs. */
export interface HookCallOptions {
  metrics: Metrics;
  maxConcurrentHooks: number;
}

/** Seconds Metacontroller is asked to wait when too many calls are in flight. */
const OVERLOADED_RETRY_AFTER_SECONDS = 2;

/** A hook route's handler: an answer at once (a memoized one) or later. */
type HookHandler = (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) => HookAnswer | Promise<HookAnswer>;

async function hookCallsPlugin(app: FastifyInstance, opts: HookCallOptions): Promise<void> {
  const { metrics, maxConcurrentHooks } = opts;
  let inFlight = 0;

  app.addHook('onRoute', (route) => {
    const call = route.config?.hookCall;
    if (!call) return;
    const handler = route.handler as unknown as HookHandler;
    const finish = (started: number, outcome: string) => {
      metrics.observeHook(call.kind, call.hook, outcome, (performance.now() - started) / 1000);
      inFlight--;
      metrics.inFlight--;
    };
    // Not an async function: an answer the handler has at once is sent without a promise
    // (fastify sends what a handler returns); a promise is accounted for when it settles.
    const wrapped = function (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply): unknown {
      if (inFlight >= maxConcurrentHooks) {
        metrics.rejected.inc({ hook: call.hook, reason: 'overloaded' });
        void reply
          .code(429)
          .header('retry-after', String(OVERLOADED_RETRY_AFTER_SECONDS))
          .send({ error: 'overloaded', message: `more than ${maxConcurrentHooks} hook calls in flight` });
        return undefined;
      }
      inFlight++;
      metrics.inFlight++;
      const started = performance.now();
      let answer: HookAnswer | Promise<HookAnswer>;
      try {
        answer = handler.call(this, request, reply);
      } catch (err) {
        finish(started, 'error');
        throw err;
      }
      if (answer instanceof Promise) {
        return answer.then(
          (a) => {
            finish(started, a.outcome);
            return a.body;
          },
          (err: unknown) => {
            finish(started, 'error');
            throw err;
          },
        );
      }
      finish(started, answer.outcome);
      return answer.body;
    };
    route.handler = wrapped;
  });
}

/**
 * The plugin. Registered with fastify-plugin so that its onRoute hook sees the routes registered
 * after it in the same scope and its children.
 */
export const hookCalls = fp(hookCallsPlugin, { name: 'awshooks-hook-calls', fastify: '5.x' });
