/**
 * `kubectl apply -f manifests/samples/` on a fresh cluster (issue 7): every sample is accepted
 * (namespaces included), reaches its expected condition, and its children and AWS resources are
 * right — checked on the API server and in the emulator, never through the service. The DBInstance
 * samples reach `Connectable=True` against the suite's PostgreSQL and MariaDB (RDS_ENDPOINT_MAP), and
 * each user logs in with its Secret.
 */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { DeleteQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ListQueueTagsCommand } from '@aws-sdk/client-sqs';
import { GetPolicyCommand, GetPolicyVersionCommand, GetRoleCommand, GetRolePolicyCommand, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { defaultInstanceIdentifier } from '../../hooks/dbinstance/identifiers.js';
import { ACCOUNT, aws, install, MYSQL, PG, PREFIX, ROOT, Service } from '../helpers/e2e.js';
import { api, conditionOf, getObj, kubectl, kubectlOk, secretData, waitFor, waitForCondition, type KubeObj } from '../helpers/kube.js';

const SAMPLES = join(ROOT, 'manifests', 'samples');
const SAMPLE_NAMESPACES = ['shop', 'team-a', 'namespacename'];
/** The master password the suite's "RDS" (its PostgreSQL and MariaDB) has for the samples' master user. */
const MASTER_PASSWORD = `Master-${randomBytes(12).toString('hex')}`;
const pgAdmin = () =>
  new pg.Client({
    host: PG.hostname,
    port: Number(PG.port),
    user: decodeURIComponent(PG.username),
    password: decodeURIComponent(PG.password),
    database: 'postgres',
  });
const myAdmin = () =>
  mysql.createConnection({
    host: MYSQL.hostname,
    port: Number(MYSQL.port),
    user: decodeURIComponent(MYSQL.username),
    password: decodeURIComponent(MYSQL.password),
  });

let service: Service;

/** Drop what the DBInstance samples made in the suite's databases (awshooks never drops them). */
async function dropSampleDatabases(): Promise<void> {
  const p = pgAdmin();
  await p.connect();
  try {
    for (const db of ['database1', 'database2']) await p.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
    for (const role of ['username1', 'username2', 'sysadmin']) await p.query(`DROP ROLE IF EXISTS "${role}"`);
  } finally {
    await p.end();
  }
  const m = await myAdmin();
  try {
    await m.query('DROP DATABASE IF EXISTS `shop`');
    for (const user of ['shop_app', 'sysadmin']) await m.query(`DROP USER IF EXISTS '${user}'@'%'`);
  } finally {
    await m.end();
  }
}

t.before(async () => {
  await install();
  // RDS creates the master user with the password it is given; the emulator does not run a
  // database, so the suite's servers get the samples' master user (sysadmin) ready, as RDS would.
  await dropSampleDatabases();
  const p = pgAdmin();
  await p.connect();
  await p.query(`CREATE ROLE sysadmin LOGIN CREATEDB CREATEROLE PASSWORD '${MASTER_PASSWORD}'`);
  await p.end();
  const m = await myAdmin();
  await m.query(`CREATE USER 'sysadmin'@'%' IDENTIFIED BY '${MASTER_PASSWORD}'`);
  await m.query(`GRANT ALL PRIVILEGES ON *.* TO 'sysadmin'@'%' WITH GRANT OPTION`);
  await m.end();
  service = await Service.start();
});

t.teardown(async () => {
  await kubectl(['delete', '-f', SAMPLES, '--ignore-not-found', '--wait=true', '--timeout=120s']);
  // The before hook may have failed before the service started.
  await (service as Service | undefined)?.stop();
  await dropSampleDatabases();
  // deletionPolicy: Retain left this one in AWS, as asked (checked below).
  const sqs = aws.sqs('eu-west-1');
  const url = await sqs.send(new GetQueueUrlCommand({ QueueName: 'awshooks-shop-orders' })).catch(() => undefined);
  if (url?.QueueUrl) await sqs.send(new DeleteQueueCommand({ QueueUrl: url.QueueUrl }));
});

const ready = (resource: string, namespace: string, name: string, timeoutMs = 90_000) =>
  waitForCondition(resource, namespace, name, 'Ready', 'True', undefined, timeoutMs);

t.test('kubectl apply -f manifests/samples/ works on a fresh cluster', async (t) => {
  for (const ns of SAMPLE_NAMESPACES) t.equal((await api('GET', `/api/v1/namespaces/${ns}`)).status, 404, `namespace ${ns} does not exist before`);
  const out = await kubectlOk(['apply', '-f', SAMPLES]);
  for (const ns of SAMPLE_NAMESPACES) t.match(out, new RegExp(`namespace/${ns} (created|unchanged)`), `namespace ${ns} created by the samples`);
  t.match(out, /queue\.sqs\.awshooks\.dev\/my-super-queue created/);
  t.match(out, /policy\.iam\.awshooks\.dev\/ddd created/);
  t.match(out, /role\.iam\.awshooks\.dev\/fff created/);
  t.match(out, /dbinstance\.rds\.awshooks\.dev\/databasename created/);
});

t.test('Queue samples: Ready, ConfigMap for envFrom, the queues in SQS as specified', async (t) => {
  const sqs = aws.sqs('eu-west-1');
  const attrs = async (name: string) => {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    return { url: QueueUrl!, attributes: (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }))).Attributes! };
  };
  const [basic, fifo, orders, dlq] = await Promise.all([
    ready('queues', 'default', 'my-super-queue'),
    ready('queues', 'shop', 'ledger-events'),
    ready('queues', 'shop', 'orders'),
    ready('queues', 'shop', 'orders-dlq'),
  ]);

  const cm = await getObj('configmaps', 'default', 'my-super-queue-queue');
  const b = await attrs('awshooks-default-my-super-queue');
  t.same(
    cm?.data,
    {
      QUEUE_URL: b.url,
      QUEUE_ARN: `arn:aws:sqs:eu-west-1:${ACCOUNT}:awshooks-default-my-super-queue`,
      QUEUE_NAME: 'awshooks-default-my-super-queue',
      AWS_REGION: 'eu-west-1',
    },
    'ConfigMap my-super-queue-queue',
  );
  t.equal(cm?.metadata.ownerReferences?.[0]?.uid, basic.metadata.uid, 'owned by its Queue');
  t.equal(basic.status?.queueUrl, b.url, 'status.queueUrl is the queue');
  t.equal(b.attributes.MaximumMessageSize, '2048', 'maximumMessageSize');

  const f = await attrs('awshooks-shop-ledger-events.fifo');
  t.match(f.attributes, { FifoQueue: 'true', ContentBasedDeduplication: 'true', VisibilityTimeout: '30' }, 'the FIFO queue');
  t.equal(fifo.status?.queueName, 'awshooks-shop-ledger-events.fifo');

  const o = await attrs('awshooks-shop-orders');
  const d = await attrs('awshooks-shop-orders-dlq');
  t.same(JSON.parse(o.attributes.RedrivePolicy!), { deadLetterTargetArn: d.attributes.QueueArn, maxReceiveCount: 5 }, 'dead letters go to orders-dlq');
  t.match(o.attributes, { VisibilityTimeout: '60', ReceiveMessageWaitTimeSeconds: '20', SqsManagedSseEnabled: 'true' });
  t.match(JSON.parse(o.attributes.Policy!), { Statement: [{ Sid: 'AllowOrderServiceToSend', Action: 'sqs:SendMessage' }] }, 'access policy');
  t.equal(d.attributes.MessageRetentionPeriod, '1209600');
  const tags = (await sqs.send(new ListQueueTagsCommand({ QueueUrl: o.url }))).Tags!;
  t.match(
    tags,
    { team: 'payments', 'awshooks.dev/namespace': 'shop', 'awshooks.dev/name': 'orders', 'awshooks.dev/uid': orders.metadata.uid },
    'user and owner tags',
  );
  t.ok(dlq.status?.queueArn, 'dead-letter queue ready');
});

t.test('IAM samples: Policy ddd, Role fff with its annotated ServiceAccount, Role batch without one', async (t) => {
  const [policy, fff, batch] = await Promise.all([ready('policies', 'default', 'ddd'), ready('roles', 'default', 'fff'), ready('roles', 'default', 'batch')]);
  const policyArn = `arn:aws:iam::${ACCOUNT}:policy/awshooks/awshooks-default-ddd`;
  t.equal(policy.status?.arn, policyArn);
  const got = await aws.iam.send(new GetPolicyCommand({ PolicyArn: policyArn }));
  const version = await aws.iam.send(new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: got.Policy!.DefaultVersionId! }));
  t.match(
    JSON.parse(decodeURIComponent(version.PolicyVersion!.Document!)),
    { Version: '2012-10-17', Statement: [{ Sid: 'AllowExampleBucket', Action: ['s3:GetObject', 's3:ListBucket', 's3:GetObjectVersion'] }] },
    'the document in IAM',
  );

  const roleArn = `arn:aws:iam::${ACCOUNT}:role/awshooks/awshooks-default-fff`;
  t.equal(fff.status?.roleArn, roleArn);
  const sa = await waitFor('ServiceAccount fff', () => getObj('serviceaccounts', 'default', 'fff'));
  t.equal(sa.metadata.annotations?.['eks.amazonaws.com/role-arn'], roleArn, 'ServiceAccount fff annotated with the role');
  t.equal(sa.metadata.ownerReferences?.[0]?.uid, fff.metadata.uid, 'owned by its Role');
  const attached = await aws.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'awshooks-default-fff' }));
  t.same(
    attached.AttachedPolicies?.map((p) => p.PolicyArn),
    [policyArn],
    'Policy ddd attached',
  );
  const role = await aws.iam.send(new GetRoleCommand({ RoleName: 'awshooks-default-fff' }));
  t.match(decodeURIComponent(role.Role!.AssumeRolePolicyDocument!), /system:serviceaccount:default:fff/, 'trusts only default/fff');

  t.equal(batch.status?.serviceAccountName, 'batch-runner');
  t.equal(await getObj('serviceaccounts', 'default', 'batch-runner'), undefined, 'manage: false: no ServiceAccount returned');
  const batchAttached = await aws.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'awshooks-default-batch' }));
  t.same(
    batchAttached.AttachedPolicies?.map((p) => p.PolicyArn),
    ['arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess'],
    'the allowed AWS-managed policy',
  );
  const inline = await aws.iam.send(new GetRolePolicyCommand({ RoleName: 'awshooks-default-batch', PolicyName: 'send-results' }));
  t.match(JSON.parse(decodeURIComponent(inline.PolicyDocument!)), { Statement: [{ Action: 'sqs:SendMessage' }] }, 'the inline policy');
  t.equal((await aws.iam.send(new GetRoleCommand({ RoleName: 'awshooks-default-batch' }))).Role!.MaxSessionDuration, 7200);
});

/** Bring a DBInstance sample to Connectable: write the master password RDS "has" into its master Secret. */
async function connect(namespace: string, name: string): Promise<KubeObj> {
  const master = await waitFor(`Secret ${namespace}/${name}-master`, () => getObj('secrets', namespace, `${name}-master`));
  // README, DBInstance "Password rotation": write a new password into <name>-master.
  await kubectlOk([
    '-n',
    namespace,
    'patch',
    'secret',
    master.metadata.name,
    '--type=merge',
    '-p',
    JSON.stringify({ stringData: { password: MASTER_PASSWORD } }),
  ]);
  return waitForCondition('dbinstances', namespace, name, 'Connectable', 'True', 'Connected', 90_000);
}

t.test('DBInstance samples: Ready and Connectable against real databases; every user logs in with its Secret', async (t) => {
  const [postgres, mariadb] = await Promise.all([connect('namespacename', 'databasename'), connect('team-a', 'shop')]);
  for (const [obj, engine, id] of [
    [postgres, 'postgres', defaultInstanceIdentifier(PREFIX, 'namespacename', 'databasename')],
    [mariadb, 'mysql', defaultInstanceIdentifier(PREFIX, 'team-a', 'shop')],
  ] as const) {
    t.equal(conditionOf(obj, 'Ready')?.status, 'True', `${obj.metadata.name}: Ready`);
    t.equal(obj.status?.engine, engine);
    const rds = await aws.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
    t.equal(rds.DBInstances?.[0]?.Engine, engine, `${id} exists in RDS`);
    const svc = await getObj('services', obj.metadata.namespace!, obj.metadata.name);
    t.match(svc?.spec, { type: 'ExternalName', externalName: rds.DBInstances?.[0]?.Endpoint?.Address }, 'the ExternalName Service');
  }
  t.equal(postgres.status?.masterPasswordHash !== undefined, true, 'the master password hash is in status (never the password)');
  t.notMatch(JSON.stringify(postgres.status), new RegExp(MASTER_PASSWORD));

  // PostgreSQL: username1 (superuser, createdb) and username2, databases database1 and database2.
  const login = async (user: string, database: string, sql: string) => {
    const secret = secretData(await getObj('secrets', 'namespacename', `databasename-user-${user}`));
    t.equal(secret.username, user, `Secret databasename-user-${user}`);
    const c = new pg.Client({ host: PG.hostname, port: Number(PG.port), user, password: secret.password, database });
    await c.connect();
    try {
      return (await c.query(sql)).rows as Record<string, unknown>[];
    } finally {
      await c.end();
    }
  };
  t.same(await login('username1', 'database1', 'SELECT current_user AS u'), [{ u: 'username1' }], 'username1 logs in to database1');
  t.same(await login('username1', 'database2', 'SELECT current_database() AS d'), [{ d: 'database2' }], 'username1 logs in to database2');
  t.same(await login('username2', 'database1', 'SELECT 1 AS one'), [{ one: 1 }], 'username2 logs in to database1');
  await t.rejects(login('username2', 'database2', 'SELECT 1'), { code: '42501' }, 'username2 was not granted database2');

  // MariaDB: shop_app on database shop.
  const shop = secretData(await getObj('secrets', 'team-a', 'shop-user-shop-app'));
  t.equal(shop.username, 'shop_app');
  const m = await mysql.createConnection({ host: MYSQL.hostname, port: Number(MYSQL.port), user: 'shop_app', password: shop.password, database: 'shop' });
  try {
    await m.query('CREATE TABLE e2e_check (x int)');
    const [rows] = await m.query('SELECT COUNT(*) AS n FROM e2e_check');
    t.same(rows, [{ n: 0 }], 'shop_app works in database shop');
  } finally {
    await m.end();
  }
});

t.test('deleting the samples: Delete removes the AWS resource, Retain keeps it', async (t) => {
  const r = await kubectl(['delete', '-f', SAMPLES, '--wait=true', '--timeout=120s']);
  t.equal(r.code, 0, `kubectl delete -f manifests/samples/: ${r.stderr}`);
  for (const ns of SAMPLE_NAMESPACES) t.equal((await api('GET', `/api/v1/namespaces/${ns}`)).status, 404, `namespace ${ns} gone`);
  const sqs = aws.sqs('eu-west-1');
  await t.rejects(
    sqs.send(new GetQueueUrlCommand({ QueueName: 'awshooks-default-my-super-queue' })),
    { name: 'QueueDoesNotExist' },
    'my-super-queue (Delete) is gone from SQS',
  );
  await t.resolves(sqs.send(new GetQueueUrlCommand({ QueueName: 'awshooks-shop-orders' })), 'orders (Retain) is still in SQS');
  await t.rejects(aws.iam.send(new GetRoleCommand({ RoleName: 'awshooks-default-fff' })), { name: 'NoSuchEntityException' }, 'Role fff is gone from IAM');
  t.equal(await getObj('configmaps', 'default', 'my-super-queue-queue'), undefined, 'the ConfigMap was collected');
  t.equal(await getObj('serviceaccounts', 'default', 'fff'), undefined, 'the ServiceAccount was collected');
});
