// The ceiling of `npm run bench`: a bare fastify route in its own process, with the service's
// production logger settings, that parses the same request and answers a body of the same size
// as the service's answer (BARE_ANSWER_FILE: the service's own answer, serialized per request as
// the service does). GET /cpu reports the process's CPU time, like the service's /metrics.
// Plain JavaScript so that it needs no build; started by bench/run.ts.
import { readFileSync } from 'node:fs';
import process from 'node:process';
import Fastify, { LogController } from 'fastify';

const answer = JSON.parse(readFileSync(process.env.BARE_ANSWER_FILE, 'utf8'));
const app = Fastify({
  logger: { level: 'info', redact: { paths: ['req.headers.authorization', 'body', 'req.body'], censor: '[Redacted]' } },
  logController: new LogController({ disableRequestLogging: true }),
  bodyLimit: 16 * 1024 * 1024,
});
app.post('/echo', async () => answer);
app.get('/cpu', async () => ({ ...process.cpuUsage(), rss: process.memoryUsage().rss }));
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
process.stdout.write('ready\n');
