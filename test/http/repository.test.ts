/** The Repository hooks' HTTP contract, through fastify.inject (no AWS needed). */
import t from 'tap';
import { AwsClients } from '../../hooks/core/aws-clients.js';
import { buildApp } from '../../server/app.js';
import { testConfig, TEST_TOKEN } from '../helpers/app.js';
import type { Parent } from '../../hooks/core/types.js';

const repository = (spec: Record<string, unknown>, status?: Record<string, unknown>): Parent => ({
  apiVersion: 'ecr.awshooks.dev/v1alpha1',
  kind: 'Repository',
  metadata: { name: 'api', namespace: 'shop', uid: 'uid-1', generation: 2 },
  spec: { region: 'eu-west-1', ...spec },
  ...(status ? { status } : {}),
});
const readyStatus = {
  repositoryName: 'awshooks/shop/api',
  repositoryArn: 'arn:aws:ecr:eu-west-1:123456789012:repository/awshooks/shop/api',
  repositoryUri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/awshooks/shop/api',
  region: 'eu-west-1',
  lastSyncTime: '2020-01-01T00:00:00.000Z',
  conditions: [{ type: 'Ready', status: 'True', reason: 'Available', message: 'Repository is ready', lastTransitionTime: '2026-11-22T09:00:00.000Z' }],
};
const observedConfigMap = {
  'ConfigMap.v1': { 'shop/api-repository': { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'api-repository', namespace: 'shop' }, data: {} } },
};

t.test('Repository hooks: invalid spec without AWS, children kept when AWS is down, finalize waits for AWS', async (t) => {
  const app = await buildApp({
    config: testConfig(),
    aws: new AwsClients({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 }),
    logger: false,
    defaultMetrics: false,
  });
  t.teardown(() => app.close());
  const post = async (hook: string, payload: Record<string, unknown>) =>
    (
      await app.hooks.inject({
        method: 'POST',
        url: `/hooks/repositories/${hook}`,
        headers: { authorization: `Bearer ${TEST_TOKEN}` },
        payload: { controller: {}, children: observedConfigMap, ...payload },
      })
    ).json();
  const names = (answer: { children: { metadata: { name: string } }[] }) => answer.children.map((c) => c.metadata.name);
  const ready = (answer: { status: { conditions: { type: string; reason: string; message: string }[] } }) =>
    answer.status.conditions.find((c) => c.type === 'Ready')!;

  const invalid = await post('sync', { parent: repository({ repositoryName: 'awshooks/other/api' }, readyStatus) });
  t.equal(ready(invalid).reason, 'InvalidSpec');
  t.match(ready(invalid).message, /spec\.repositoryName/);
  t.same(names(invalid), ['api-repository']);
  t.equal(await app.metrics.awsCallCount(), 0, 'no AWS call for an invalid spec');

  const down = await post('sync', { parent: repository({}, readyStatus) });
  t.equal(ready(down).reason, 'ECONNREFUSED');
  t.same(names(down), ['api-repository']);
  t.equal((down.children[0] as { data: Record<string, string> }).data.REPOSITORY_URI, readyStatus.repositoryUri);

  const fin = await post('finalize', { parent: repository({ force: true }, readyStatus), finalizing: true });
  t.equal(fin.finalized, false, 'force or not, never finalized without AWS confirming');
  t.same(names(fin), ['api-repository']);
});
