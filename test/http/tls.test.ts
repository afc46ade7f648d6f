/** Optional TLS: the hook server speaks HTTPS with the configured certificate and key. */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../server/app.js';
import { testConfig, TEST_TOKEN } from '../helpers/app.js';

t.test('hooks over HTTPS, token still required', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'awshooks-tls-'));
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
    { stdio: 'ignore' },
  );
  const cert = readFileSync(join(dir, 'cert.pem'));
  const app = await buildApp({ config: testConfig({}, { tls: { cert, key: readFileSync(join(dir, 'key.pem')) } }), logger: false, defaultMetrics: false });
  t.teardown(() => app.close());
  const address = await app.hooks.listen({ host: '127.0.0.1', port: 0 });
  t.match(address, /^https:\/\//);
  const post = (token?: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${address}/hooks/queues/customize`,
        {
          method: 'POST',
          ca: cert,
          servername: 'localhost',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, body });
          });
        },
      );
      req.on('error', reject);
      req.end(
        JSON.stringify({
          controller: {},
          parent: { apiVersion: 'sqs.awshooks.dev/v1alpha1', kind: 'Queue', metadata: { name: 'q', namespace: 'ns' }, spec: { region: 'eu-west-1' } },
        }),
      );
    });
  const ok = await post(TEST_TOKEN);
  t.equal(ok.status, 200, 'verified against the certificate');
  t.same(JSON.parse(ok.body), {
    relatedResources: [
      { apiVersion: 'sns.awshooks.dev/v1alpha1', resource: 'subscriptions', namespace: 'ns' },
      { apiVersion: 'sns.awshooks.dev/v1alpha1', resource: 'topics', namespace: 'ns' },
      { apiVersion: 'v1', resource: 'configmaps', namespace: 'ns', names: ['q-queue'] },
    ],
  });
  t.equal((await post()).status, 401);
});
