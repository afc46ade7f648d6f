/**
 * A small fault-injecting proxy in front of the emulator (moto never throttles, never hangs, never
 * sits behind a load balancer): forwards every request, except that calls to the named operations
 * fail while `failures` last, in one of the ways the path to AWS fails:
 *
 * - `error`: an AWS error answer (status + code), as AWS sends it (throttling, 5xx);
 * - `html`: a proxy's or load balancer's HTML error page (502/503), not an AWS body;
 * - `reset`: the connection is closed without an answer;
 * - `hang`: no answer at all, until the client gives up (or the proxy closes);
 * - `truncate`: the real answer from the emulator, cut in the middle of its body;
 * - `delay`: the real answer, `delayMs` late;
 * - `barrier`: the real answer, held until the emulator has answered all `failures` calls of the
 *   rule (to line up concurrent calls whatever the machine's load; at most `delayMs`, default 10 s).
 *
 * `random` injects faults into any call at a rate, for the soak (`npm run soak`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** How a faulty call fails (`delay` does not fail: it forwards the call after `delayMs`). */
export type FaultMode = 'error' | 'html' | 'reset' | 'hang' | 'truncate' | 'delay' | 'barrier';

/** A fault rule: which operation (x-amz-target suffix or Action=, `*` for any), how, how many times. */
export interface Fault {
  operation: string;
  failures: number;
  /** HTTP status of `error` and `html` answers. */
  status: number;
  /** AWS error code of `error` answers. */
  code: string;
  message?: string;
  /** Defaults to `error`. */
  mode?: FaultMode;
  /** How long `delay` holds a call before forwarding it (`barrier`: at most). */
  delayMs?: number;
}

/** A `barrier` rule's answers: how many it waits for, how many are in, and when they go back. */
interface Barrier {
  size: number;
  answered: number;
  release: () => void;
  done: Promise<void>;
}

/** Faults at random: each call fails with probability `rate`, in a mode drawn from `modes`. */
export interface RandomFaults {
  rate: number;
  modes: FaultMode[];
}

/**
 * Called with every call the emulator answered (before the answer goes on, even when it is then
 * cut short): the soak learns from it what AWS was told (passwords set on DB instances).
 */
export type ForwardObserver = (operation: string, requestBody: string, status: number) => Promise<void> | void;

/** Options of {@link startFaultProxy}. */
export interface FaultProxyOptions {
  /** Listen on this loopback port (default: a free one). */
  port?: number;
  observe?: ForwardObserver;
}

/** A running proxy. */
export interface FaultProxy {
  url: string;
  /** How many calls each operation received, faults included. */
  calls: Map<string, number>;
  faults: Fault[];
  /** Random faults, off when undefined. */
  random: RandomFaults | undefined;
  /** Faults injected so far, by mode. */
  injected: Map<FaultMode, number>;
  close(): Promise<void>;
}

function operationOf(headers: Record<string, string | string[] | undefined>, body: string): string {
  const target = headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop() ?? target;
  return /(?:^|&)Action=([^&]+)/.exec(body)?.[1] ?? 'unknown';
}

/** The body of an HTML error page, as nginx or an ELB sends it. */
export function htmlErrorPage(status: number): string {
  const title = status === 503 ? '503 Service Temporarily Unavailable' : `${status} Bad Gateway`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

/** Random faults: AWS's own throttling and 5xx answers, and the other ways (status, code) are drawn from. */
const RANDOM_ERRORS: { status: number; code: string; message: string }[] = [
  { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' },
  { status: 400, code: 'Throttling', message: 'Rate exceeded' },
  { status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again.' },
  { status: 503, code: 'ServiceUnavailable', message: 'Service is unavailable. Please try again.' },
];

/** Start a proxy to `upstream` on a free loopback port. */
export async function startFaultProxy(upstream: string, faults: Fault[] = [], options: FaultProxyOptions = {}): Promise<FaultProxy> {
  const calls = new Map<string, number>();
  const injected = new Map<FaultMode, number>();
  const proxy: FaultProxy = { url: '', calls, faults, random: undefined, injected, close: async () => undefined };

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, truncate: boolean, beforeReply?: () => Promise<void>) => {
    const op = operationOf(req.headers, body.toString('utf8'));
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && k !== 'host' && k !== 'content-length'),
    ) as Record<string, string>;
    fetch(`${upstream}${req.url ?? '/'}`, { method: req.method ?? 'POST', headers, ...(body.length ? { body } : {}) })
      .then(async (up) => {
        const out = Buffer.from(await up.arrayBuffer());
        if (beforeReply) await beforeReply();
        if (options.observe) await options.observe(op, body.toString('utf8'), up.status);
        const h: Record<string, string> = {};
        up.headers.forEach((v, k) => {
          if (k !== 'content-encoding' && k !== 'transfer-encoding' && k !== 'content-length') h[k] = v;
        });
        if (truncate) {
          // The full length is announced, half the body is sent, then the connection drops.
          res.writeHead(up.status, { ...h, 'content-length': String(out.length) });
          res.write(out.subarray(0, Math.floor(out.length / 2)));
          setTimeout(() => res.socket?.destroy(), 10);
          return;
        }
        res.writeHead(up.status, h);
        res.end(out);
      })
      .catch((err: unknown) => {
        res.writeHead(502);
        res.end(err instanceof Error ? err.message : String(err));
      });
  };

  const barriers = new WeakMap<object, Barrier>();
  const fail = (req: IncomingMessage, res: ServerResponse, body: Buffer, fault: Omit<Fault, 'operation' | 'failures'>, rule?: Fault) => {
    const mode = fault.mode ?? 'error';
    injected.set(mode, (injected.get(mode) ?? 0) + 1);
    switch (mode) {
      case 'barrier': {
        // Every call of the rule goes on to the emulator at once; the answers go back only when
        // all are in, so each says what the emulator said before any caller acted on an answer.
        const key = rule ?? fault;
        let barrier = barriers.get(key);
        if (!barrier) {
          const created: Barrier = { size: (rule?.failures ?? 0) + 1, answered: 0, release: () => undefined, done: Promise.resolve() };
          created.done = new Promise((resolve) => {
            created.release = () => {
              resolve();
            };
          });
          setTimeout(() => {
            created.release();
          }, fault.delayMs ?? 10_000).unref();
          barrier = created;
          barriers.set(key, barrier);
        }
        const b = barrier;
        forward(req, res, body, false, async () => {
          if (++b.answered >= b.size) b.release();
          await b.done;
        });
        return;
      }
      case 'delay':
        setTimeout(() => {
          forward(req, res, body, false);
        }, fault.delayMs ?? 100);
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'hang':
        return; // never answered; close() ends the connection
      case 'truncate':
        forward(req, res, body, true);
        return;
      case 'html':
        res.writeHead(fault.status, { 'content-type': 'text/html' });
        res.end(htmlErrorPage(fault.status));
        return;
      case 'error': {
        const json = (req.headers['content-type'] ?? '').includes('json');
        const message = fault.message ?? 'Rate exceeded';
        res.writeHead(fault.status, { 'content-type': json ? 'application/x-amz-json-1.0' : 'text/xml', 'x-amzn-requestid': 'fault-proxy' });
        res.end(
          json
            ? JSON.stringify({ __type: `com.amazonaws.sqs#${fault.code}`, message })
            : `<ErrorResponse><Error><Type>Sender</Type><Code>${fault.code}</Code><Message>${message}</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>`,
        );
        return;
      }
    }
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const op = operationOf(req.headers, body.toString('utf8'));
      calls.set(op, (calls.get(op) ?? 0) + 1);
      const fault = faults.find((f) => (f.operation === op || f.operation === '*') && f.failures > 0);
      if (fault) {
        fault.failures--;
        fail(req, res, body, fault, fault);
        return;
      }
      const random = proxy.random;
      if (random && random.modes.length > 0 && Math.random() < random.rate) {
        const mode = random.modes[Math.floor(Math.random() * random.modes.length)] ?? 'error';
        const error = RANDOM_ERRORS[Math.floor(Math.random() * RANDOM_ERRORS.length)] ?? { status: 500, code: 'InternalError', message: 'internal error' };
        fail(req, res, body, { ...error, status: mode === 'html' ? (Math.random() < 0.5 ? 502 : 503) : error.status, mode });
        return;
      }
      forward(req, res, body, false);
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  proxy.url = `http://127.0.0.1:${port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
      // Hanging calls keep their connections open: end them.
      server.closeAllConnections();
    });
  return proxy;
}
