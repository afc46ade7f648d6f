// The load generator of `npm run bench`, in its own process: autocannon against one URL, every
// response's latency kept (autocannon's own histogram is whole milliseconds; p99 needs better),
// one JSON line on stdout. Argument: a JSON object {url, bodyFile, headers, connections, seconds}.
import { readFileSync } from 'node:fs';
import process from 'node:process';
import autocannon from 'autocannon';

const opts = JSON.parse(process.argv[2]);
const latencies = [];
const instance = autocannon(
  { url: opts.url, method: 'POST', body: readFileSync(opts.bodyFile), headers: opts.headers, connections: opts.connections, duration: opts.seconds },
  (err, result) => {
    if (err) {
      process.stderr.write(`${err.stack ?? err}\n`);
      process.exit(1);
    }
    latencies.sort((a, b) => a - b);
    const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
    process.stdout.write(
      `${JSON.stringify({ requests: result.requests.total, rps: result.requests.average, non2xx: result.non2xx, errors: result.errors, p50: pct(50), p99: pct(99), p999: pct(99.9) })}\n`,
    );
  },
);
instance.on('response', (_client, statusCode, _bytes, responseTime) => {
  if (statusCode === 200) latencies.push(responseTime);
});
