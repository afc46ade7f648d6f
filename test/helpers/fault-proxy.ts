/**
 * A small fault-injecting proxy in front of the emulator (moto never throttles): forwards every
 * request, except that calls to the named operations fail as AWS would while `failures` last.
 */
import { createServer, type Server } from 'node:http';

/** A fault rule: which operation (x-amz-target suffix or Action=), how, how many times. */
export interface Fault {
  operation: string;
  failures: number;
  status: number;
  code: string;
  message?: string;
}

/** A running proxy. */
export interface FaultProxy {
  url: string;
  /** How many calls each operation received, faults included. */
  calls: Map<string, number>;
  faults: Fault[];
  close(): Promise<void>;
}

function operationOf(headers: Record<string, string | string[] | undefined>, body: string): string {
  const target = headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop() ?? target;
  return /(?:^|&)Action=([^&]+)/.exec(body)?.[1] ?? 'unknown';
}

/** Start a proxy to `upstream` on a free loopback port. */
export async function startFaultProxy(upstream: string, faults: Fault[] = []): Promise<FaultProxy> {
  const calls = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const op = operationOf(req.headers, body.toString('utf8'));
      calls.set(op, (calls.get(op) ?? 0) + 1);
      const fault = faults.find((f) => f.operation === op && f.failures > 0);
      if (fault) {
        fault.failures--;
        const json = (req.headers['content-type'] ?? '').includes('json');
        res.writeHead(fault.status, { 'content-type': json ? 'application/x-amz-json-1.0' : 'text/xml', 'x-amzn-requestid': 'fault-proxy' });
        res.end(json
          ? JSON.stringify({ __type: `com.amazonaws.sqs#${fault.code}`, message: fault.message ?? 'Rate exceeded' })
          : `<ErrorResponse><Error><Type>Sender</Type><Code>${fault.code}</Code><Message>${fault.message ?? 'Rate exceeded'}</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>`);
        return;
      }
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && k !== 'host' && k !== 'content-length')) as Record<string, string>;
      fetch(`${upstream}${req.url}`, { method: req.method ?? 'POST', headers, ...(body.length ? { body } : {}) })
        .then(async (up) => {
          const out = Buffer.from(await up.arrayBuffer());
          const h: Record<string, string> = {};
          up.headers.forEach((v, k) => { if (k !== 'content-encoding' && k !== 'transfer-encoding' && k !== 'content-length') h[k] = v; });
          res.writeHead(up.status, h);
          res.end(out);
        })
        .catch((err: unknown) => { res.writeHead(502); res.end(err instanceof Error ? err.message : String(err)); });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    faults,
    close: () => new Promise<void>((resolve) => server.close(() => { resolve(); })),
  };
}
