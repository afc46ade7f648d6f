/**
 * Finalize never depends on the spec being valid (issue 8 §2), for the seed 004 kinds, against
 * moto: a Ready Topic, Subscription, Bucket, Repository or Table whose spec then turns invalid is
 * still deleted when its object is deleted (found from status and derived names, ownership proven
 * by owner tags in AWS), Retain keeps it, and what another namespace owns is never touched.
 */
import t, { type Test } from 'tap';
import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { motoEndpoint, resetMoto } from '../../helpers/moto.js';
import { testApp } from '../../helpers/app.js';
import { condition, MiniCluster } from '../../helpers/cluster.js';
import { KINDS_HOOKS_CONFIG } from '../../helpers/kinds.js';

const region = 'eu-west-1';
const endpoint = motoEndpoint();
const sns = new SNSClient({ region, endpoint });
const s3 = new S3Client({ region, endpoint, forcePathStyle: true });
const ecr = new ECRClient({ region, endpoint });
const ddb = new DynamoDBClient({ region, endpoint });
t.teardown(() => {
  for (const c of [sns, s3, ecr, ddb]) c.destroy();
});

t.beforeEach(async () => {
  await resetMoto();
});

const exists = async (probe: () => Promise<unknown>): Promise<boolean> => {
  try {
    await probe();
    return true;
  } catch (err) {
    if (/NotFound|NoSuch|404/.test((err as Error).name) || (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw err;
  }
};

const reserved = { 'awshooks.dev/owner': 'me' };

interface Case {
  apiVersion: string;
  kind: string;
  spec: Record<string, unknown>;
  /** An edit the CRD accepts and the hook rejects. */
  invalid: Record<string, unknown>;
  /** Whether the AWS resource named in status exists. */
  exists: (status: Record<string, unknown>) => Promise<boolean>;
}

const CASES: Case[] = [
  {
    apiVersion: 'sns.awshooks.dev/v1alpha1',
    kind: 'Topic',
    spec: { region },
    invalid: { region, tags: reserved },
    exists: (s) => exists(() => sns.send(new GetTopicAttributesCommand({ TopicArn: String(s.topicArn) }))),
  },
  {
    apiVersion: 's3.awshooks.dev/v1alpha1',
    kind: 'Bucket',
    spec: { region },
    invalid: { region, tags: reserved },
    exists: (s) => exists(() => s3.send(new HeadBucketCommand({ Bucket: String(s.bucketName) }))),
  },
  {
    apiVersion: 'ecr.awshooks.dev/v1alpha1',
    kind: 'Repository',
    spec: { region },
    invalid: { region, tags: reserved },
    exists: (s) => exists(() => ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [String(s.repositoryName)] }))),
  },
  {
    apiVersion: 'dynamodb.awshooks.dev/v1alpha1',
    kind: 'Table',
    spec: { region, hashAttribute: { name: 'id', type: 'S' }, billingMode: 'PAY_PER_REQUEST' },
    invalid: { region, hashAttribute: { name: 'id', type: 'S' }, billingMode: 'PAY_PER_REQUEST', tags: reserved },
    exists: (s) => exists(() => ddb.send(new DescribeTableCommand({ TableName: String(s.tableName) }))),
  },
];

const parentOf = (c: Case, name: string, spec: Record<string, unknown>, namespace = 'shop') => ({
  apiVersion: c.apiVersion,
  kind: c.kind,
  metadata: { name, namespace },
  spec,
});

/** Finalize until finalized (at most `max` calls); whether the resource existed when it was. */
async function finalizeUntilDone(cluster: MiniCluster, key: string, check: () => Promise<boolean>, max = 6) {
  cluster.markDeleted(key);
  for (let i = 1; i <= max; i++) {
    const answer = await cluster.sync(key);
    if (answer.finalized) return { answer, calls: i, existed: await check() };
  }
  throw new Error(`${key}: not finalized after ${max} calls`);
}

async function readyParent(t: Test, cluster: MiniCluster, c: Case, name: string, spec: Record<string, unknown>, namespace = 'shop') {
  const key = cluster.apply(parentOf(c, name, spec, namespace));
  let ready = condition(await cluster.sync(key), 'Ready');
  // Every parent again: a Subscription waits for its Queue to allow the topic.
  for (let i = 0; i < 4 && ready?.status !== 'True'; i++) ready = condition((await cluster.syncAll(1)).get(key)!, 'Ready');
  t.equal(ready?.status, 'True', `${c.kind} ${namespace}/${name}: Ready (${ready?.reason}: ${ready?.message})`);
  return key;
}

t.test('a Ready resource whose spec turned invalid is deleted on deletion, not stuck', async (t) => {
  const app = await testApp(KINDS_HOOKS_CONFIG);
  t.teardown(() => app.close());
  const cluster = new MiniCluster(app);
  for (const c of CASES) {
    const key = await readyParent(t, cluster, c, 'stuck', c.spec);
    const status = { ...cluster.status(key) };
    cluster.apply(parentOf(c, 'stuck', c.invalid));
    t.equal(condition(await cluster.sync(key), 'Ready')?.reason, 'InvalidSpec', `${c.kind}: the edit is rejected`);
    t.ok(await c.exists(status), `${c.kind}: still in AWS`);
    const done = await finalizeUntilDone(cluster, key, () => c.exists(status));
    t.notOk(done.existed, `${c.kind}: gone from AWS when finalized (${done.calls} calls)`);
    t.equal(condition(done.answer, 'Ready')?.reason, 'Deleted', `${c.kind}: ${condition(done.answer, 'Ready')?.message}`);
  }
});

t.test('Retain, written next to an invalid field: finalized at once, the resource stays', async (t) => {
  const app = await testApp(KINDS_HOOKS_CONFIG);
  t.teardown(() => app.close());
  const cluster = new MiniCluster(app);
  for (const c of CASES) {
    const key = await readyParent(t, cluster, c, 'kept', { ...c.spec, deletionPolicy: 'Retain' });
    const status = { ...cluster.status(key) };
    cluster.apply(parentOf(c, 'kept', { ...c.invalid, deletionPolicy: 'Retain' }));
    const done = await finalizeUntilDone(cluster, key, () => c.exists(status), 1);
    t.ok(done.existed, `${c.kind}: left in place`);
  }
});

t.test("an invalid spec's status pointing at another namespace's resource: finalized, theirs left alone", async (t) => {
  const app = await testApp(KINDS_HOOKS_CONFIG);
  t.teardown(() => app.close());
  const cluster = new MiniCluster(app);
  for (const c of CASES) {
    const theirs = await readyParent(t, cluster, c, 'data', c.spec, 'other');
    const status = { ...cluster.status(theirs) };
    // shop/data's status is writable by anyone who may write the status subresource.
    const key = cluster.apply(parentOf(c, 'data', c.invalid));
    cluster.get(key).status = status;
    const done = await finalizeUntilDone(cluster, key, () => c.exists(status));
    t.ok(done.existed, `${c.kind}: the other namespace's resource stays`);
  }
});

t.test('a Subscription whose spec turned invalid is unsubscribed on deletion; the status hint alone proves nothing', async (t) => {
  const app = await testApp(KINDS_HOOKS_CONFIG);
  t.teardown(() => app.close());
  const cluster = new MiniCluster(app);
  const topic = { apiVersion: 'sns.awshooks.dev/v1alpha1', kind: 'Topic', spec: { region }, invalid: {}, exists: async () => true };
  const queue = { apiVersion: 'sqs.awshooks.dev/v1alpha1', kind: 'Queue', spec: { region }, invalid: {}, exists: async () => true };
  const sub = {
    apiVersion: 'sns.awshooks.dev/v1alpha1',
    kind: 'Subscription',
    spec: { topicRef: 'events', queueRef: 'worker' },
    invalid: {},
    exists: async () => true,
  };
  const tk = await readyParent(t, cluster, topic, 'events', topic.spec);
  await readyParent(t, cluster, queue, 'worker', queue.spec);
  const sk = await readyParent(t, cluster, sub, 'worker', sub.spec);
  const topicArn = String(cluster.status(tk).topicArn);
  const subscriptions = async () => (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions ?? [];
  t.equal((await subscriptions()).length, 1, 'subscribed');
  cluster.apply(parentOf(sub, 'worker', { topicRef: 'events', queueRef: 'worker', filterPolicy: { type: 'placed' } }));
  t.equal(condition(await cluster.sync(sk), 'Ready')?.reason, 'InvalidSpec', 'the edit is rejected');
  const done = await finalizeUntilDone(cluster, sk, async () => (await subscriptions()).length > 0);
  t.notOk(done.existed, `unsubscribed when finalized (${done.calls} calls)`);

  // Another namespace's subscription, named by a forged status of an invalid spec: left alone.
  const otk = await readyParent(t, cluster, topic, 'events', topic.spec, 'other');
  await readyParent(t, cluster, queue, 'worker', queue.spec, 'other');
  const osk = await readyParent(t, cluster, sub, 'worker', sub.spec, 'other');
  const theirs = { ...cluster.status(osk) };
  const forged = cluster.apply(parentOf(sub, 'forged', { topicRef: 'events', queueRef: 'worker', filterPolicy: { type: 'placed' } }));
  cluster.get(forged).status = theirs;
  const otherArn = String(cluster.status(otk).topicArn);
  const left = await finalizeUntilDone(
    cluster,
    forged,
    async () => ((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: otherArn }))).Subscriptions ?? []).length > 0,
  );
  t.ok(left.existed, "the other namespace's subscription stays");
});
