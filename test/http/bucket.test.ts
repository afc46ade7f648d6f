/** The Bucket hooks' HTTP contract, through fastify.inject (no AWS needed). */
import t from 'tap';
import { AwsClients } from '../../hooks/core/aws-clients.js';
import { buildApp } from '../../server/app.js';
import { testConfig, TEST_TOKEN } from '../helpers/app.js';
import type { Parent } from '../../hooks/core/types.js';

const bucket = (spec: Record<string, unknown>, status?: Record<string, unknown>): Parent => ({
  apiVersion: 's3.awshooks.dev/v1alpha1',
  kind: 'Bucket',
  metadata: { name: 'data', namespace: 'shop', uid: 'uid-1', generation: 2 },
  spec: { region: 'eu-west-1', ...spec },
  ...(status ? { status } : {}),
});
const readyStatus = {
  bucketName: 'awshooks-shop-data',
  bucketArn: 'arn:aws:s3:::awshooks-shop-data',
  region: 'eu-west-1',
  lastSyncTime: '2020-01-01T00:00:00.000Z',
  conditions: [
    { type: 'Ready', status: 'True', reason: 'Available', message: 'Bucket is ready', lastTransitionTime: '2026-11-22T09:00:00.000Z' },
    { type: 'Synced', status: 'True', reason: 'Synced', message: 'AWS matches the spec', lastTransitionTime: '2026-11-22T09:00:00.000Z' },
  ],
};
const observedConfigMap = {
  'ConfigMap.v1': {
    'shop/data-bucket': {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'data-bucket', namespace: 'shop' },
      data: { BUCKET_NAME: 'awshooks-shop-data' },
    },
  },
};

async function unreachable(t: { teardown(fn: () => unknown): void }) {
  // AWS (and STS for the account ID) at a closed port: every call fails at once.
  const app = await buildApp({
    config: testConfig(),
    aws: new AwsClients({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 }),
    logger: false,
    defaultMetrics: false,
  });
  t.teardown(() => app.close());
  const post = async (hook: string, payload: Record<string, unknown>, token = TEST_TOKEN) =>
    app.hooks.inject({
      method: 'POST',
      url: `/hooks/buckets/${hook}`,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      payload: { controller: {}, children: observedConfigMap, ...payload },
    });
  return { app, post };
}

t.test('routes: bearer token, parent of the right kind', async (t) => {
  const { post } = await unreachable(t);
  t.equal((await post('sync', { parent: bucket({}) }, '')).statusCode, 401);
  const misrouted = await post('sync', { parent: { ...bucket({}), apiVersion: 'ecr.awshooks.dev/v1alpha1', kind: 'Repository' } });
  t.equal(misrouted.statusCode, 400);
  t.match(misrouted.json().message, /serves Bucket\.s3\.awshooks\.dev\/v1alpha1/);
  const customize = await post('customize', { parent: bucket({}) });
  t.same(
    customize.json(),
    { relatedResources: [{ apiVersion: 'v1', resource: 'configmaps', namespace: 'shop', names: ['data-bucket'] }] },
    'only the ConfigMap name (child-name conflict check)',
  );
});

t.test('an invalid spec: 200, InvalidSpec naming the field, no AWS call, the ConfigMap kept', async (t) => {
  const { app, post } = await unreachable(t);
  const res = await post('sync', { parent: bucket({ lifecycleRules: [{ id: 'a', transitions: [{ days: 1, storageClass: 'ONEZONE_IA' }] }] }, readyStatus) });
  t.equal(res.statusCode, 200);
  const ready = res.json().status.conditions.find((c: { type: string }) => c.type === 'Ready');
  t.equal(ready.reason, 'InvalidSpec');
  t.match(ready.message, /spec\.lifecycleRules\[0\]\.transitions/);
  t.same(
    res.json().children.map((c: { metadata: { name: string } }) => c.metadata.name),
    ['data-bucket'],
  );
  t.equal(await app.metrics.awsCallCount(), 0);
});

t.test('AWS unreachable: the ConfigMap is kept at a drift check and while finalizing', async (t) => {
  const { post } = await unreachable(t);
  const sync = (await post('sync', { parent: bucket({}, readyStatus) })).json();
  t.equal(sync.status.conditions.find((c: { type: string }) => c.type === 'Ready').reason, 'ECONNREFUSED');
  t.same(
    sync.children.map((c: { metadata: { name: string } }) => c.metadata.name),
    ['data-bucket'],
  );
  t.equal(sync.children[0].data.BUCKET_ARN, readyStatus.bucketArn, 'computed from status');
  const fin = (await post('finalize', { parent: bucket({}, readyStatus), finalizing: true })).json();
  t.equal(fin.finalized, false, 'never finalized without AWS confirming');
  t.same(
    fin.children.map((c: { metadata: { name: string } }) => c.metadata.name),
    ['data-bucket'],
  );
  const retained = (await post('finalize', { parent: bucket({ deletionPolicy: 'Retain' }, readyStatus), finalizing: true })).json();
  t.equal(retained.finalized, true, 'Retain needs no AWS');
});
