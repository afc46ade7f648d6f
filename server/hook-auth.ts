/**
 * Bearer authentication of the hook routes, and a trace of every call it refuses.
 *
 * @fastify/bearer-auth checks the token before the body is read (an unauthenticated caller never
 * gets a body parsed on its behalf before the answer). A refused call is then logged once, at warn,
 * with its path and the parent its body named — read after the 401 has gone out, only when small —
 * and counted in `awshooks_hook_rejected_total{hook,reason="unauthorized"}`. The presented token is
 * never logged (the Authorization header is redacted everywhere, see REDACT_PATHS).
 */
import type { IncomingMessage } from 'node:http';
import bearerAuth from '@fastify/bearer-auth';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Metrics } from './metrics.js';

/** The `hook` label of a hook path: `/hooks/<plural>/<hook>`, else `unknown`. */
export function hookOfUrl(url: string): 'sync' | 'finalize' | 'customize' | 'unknown' {
  const hook = /^\/hooks\/[^/?]+\/([^/?]+)/.exec(url)?.[1];
  return hook === 'sync' || hook === 'finalize' || hook === 'customize' ? hook : 'unknown';
}

/** What a rejected call's log line says about the parent it named. */
export interface NamedParent {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
}

/** The parent a hook request body names, or undefined when the body is not such a request. */
export function namedParent(body: unknown): NamedParent | undefined {
  const parent = (body as { parent?: { apiVersion?: unknown; kind?: unknown; metadata?: { namespace?: unknown; name?: unknown } } } | null)?.parent;
  if (!parent || typeof parent !== 'object') return undefined;
  const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 253) : undefined);
  const out: NamedParent = {};
  for (const [key, value] of [
    ['apiVersion', parent.apiVersion],
    ['kind', parent.kind],
    ['namespace', parent.metadata?.namespace],
    ['name', parent.metadata?.name],
  ] as const) {
    const s = str(value);
    if (s !== undefined) out[key] = s;
  }
  return Object.keys(out).length ? out : undefined;
}

/** Bodies larger than this are not read to name the parent of a refused call. */
const NAME_BODY_LIMIT = 1024 * 1024;
/** A refused caller that stops sending gets its line without the parent after this. */
const NAME_BODY_TIMEOUT_MS = 5000;

/** Read a small JSON body the routes never consumed (the call was refused before parsing). */
function readSmallJson(raw: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const length = Number(raw.headers['content-length'] ?? NaN);
    const json = /^application\/json\b/i.test(raw.headers['content-type'] ?? '');
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (value: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(value);
    };
    const timer = setTimeout(() => {
      settle(undefined);
    }, NAME_BODY_TIMEOUT_MS);
    timer.unref();
    // Consume the body in every case, so that the connection can carry the next request.
    raw.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (json && size <= NAME_BODY_LIMIT && !(length > NAME_BODY_LIMIT)) chunks.push(chunk);
    });
    raw.on('end', () => {
      if (!json || size > NAME_BODY_LIMIT || size === 0) {
        settle(undefined);
        return;
      }
      try {
        settle(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        settle(undefined);
      }
    });
    raw.on('error', () => {
      settle(undefined);
    });
    raw.on('close', () => {
      settle(undefined);
    });
  });
}

/** Options of {@link hookAuth}. */
export interface HookAuthOptions {
  tokens: string[];
  metrics: Metrics;
}

/** Count a call bearer-auth refused, and log it with the parent it named. */
function logRejected(request: FastifyRequest, payload: unknown, metrics: Metrics): void {
  const hook = hookOfUrl(request.url);
  metrics.rejected.inc({ hook, reason: 'unauthorized' });
  let detail: string | undefined;
  try {
    detail = (JSON.parse(String(payload)) as { message?: string }).message;
  } catch {
    detail = undefined;
  }
  const body = request.body !== undefined ? Promise.resolve(request.body) : readSmallJson(request.raw);
  void body.then((parsed) => {
    request.log.warn(
      { hook, path: request.url.split('?')[0], parent: namedParent(parsed), reason: 'unauthorized', detail },
      'hook call rejected: unauthorized',
    );
  });
}

async function hookAuthPlugin(scope: FastifyInstance, opts: HookAuthOptions): Promise<void> {
  // NOTE: a callback hook, not an async one: it runs on every answer, and an async hook costs a
  // promise and its microtasks on each (issue 10's CPU budget).
  scope.addHook('onSend', (request: FastifyRequest, reply, payload, done) => {
    // Only bearer-auth answers 401 in this scope.
    if (reply.statusCode === 401) logRejected(request, payload, opts.metrics);
    done(null, payload);
  });
  await scope.register(bearerAuth, {
    keys: new Set(opts.tokens),
    errorResponse: (err: Error) => ({ error: 'Unauthorized', message: err.message }),
    // The onSend line above says more (path, parent); bearer-auth's own line is for debugging.
    verifyErrorLogLevel: 'debug',
  });
}

/**
 * Require `Authorization: Bearer <token>` (one of `tokens`) on every route of the scope it is
 * registered in, and log and count the calls it refuses.
 */
export const hookAuth = fp(hookAuthPlugin, { name: 'awshooks-hook-auth' });
