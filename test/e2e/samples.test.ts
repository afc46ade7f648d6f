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
import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { DescribeTableCommand, DescribeContinuousBackupsCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetBucketVersioningCommand, GetPublicAccessBlockCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { motoEndpoint } from '../helpers/moto.js';
import { defaultInstanceIdentifier } from '../../hooks/dbinstance/identifiers.js';
import { ACCOUNT, aws, install, MYSQL, PG, pgAdmin, PREFIX, ROOT, Service } from '../helpers/e2e.js';
import { api, conditionOf, getObj, kubectl, kubectlOk, secretData, waitFor, waitForCondition, type KubeObj } from '../helpers/kube.js';

const SAMPLES = join(ROOT, 'manifests', 'samples');
/** Clients of the emulator for the seed 004 kinds (eu-west-1 unless a sample says otherwise). */
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const endpoint = motoEndpoint();
const sns = new SNSClient({ region: 'eu-west-1', endpoint, credentials });
const s3 = new S3Client({ region: 'eu-west-1', endpoint, credentials, forcePathStyle: true });
const ecr = new ECRClient({ region: 'eu-west-1', endpoint, credentials });
const ddb = (region = 'eu-west-1') => new DynamoDBClient({ region, endpoint, credentials });
const SAMPLE_NAMESPACES = ['shop', 'team-a', 'namespacename', 'inventory'];
/** The master password the suite's "RDS" (its PostgreSQL and MariaDB) has for the samples' master user. */
const MASTER_PASSWORD = `Master-${randomBytes(12).toString('hex')}`;
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
  for (const c of [sns, s3, ecr]) c.destroy();
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
  t.match(out, /topic\.sns\.awshooks\.dev\/order-events created/);
  t.match(out, /subscription\.sns\.awshooks\.dev\/invoicing-order-events created/);
  t.match(out, /table\.dynamodb\.awshooks\.dev\/dynamo-table created/);
  t.match(out, /bucket\.s3\.awshooks\.dev\/assets created/);
  t.match(out, /repository\.ecr\.awshooks\.dev\/api created/);
  t.match(out, /deployment\.apps\/dynamo-app created/);
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

t.test('SNS samples: Topics and Subscriptions Ready; a message published to order-events reaches the invoicing queue', async (t) => {
  const [events, ledger, invoicing, projection] = await Promise.all([
    ready('topics', 'shop', 'order-events'),
    ready('topics', 'shop', 'ledger'),
    ready('subscriptions', 'shop', 'invoicing-order-events'),
    ready('subscriptions', 'shop', 'ledger-projection'),
  ]);
  const topicArn = `arn:aws:sns:eu-west-1:${ACCOUNT}:awshooks-shop-order-events`;
  t.equal(events.status?.topicArn, topicArn);
  const cm = await waitFor('ConfigMap order-events-topic', () => getObj('configmaps', 'shop', 'order-events-topic'));
  t.same(cm.data, { TOPIC_ARN: topicArn, AWS_REGION: 'eu-west-1' }, 'ConfigMap order-events-topic');
  const attributes = (await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }))).Attributes!;
  t.match(attributes, { DisplayName: 'Order events', KmsMasterKeyId: 'alias/aws/sns' }, 'the topic as specified');
  t.equal(ledger.status?.topicArn, `arn:aws:sns:eu-west-1:${ACCOUNT}:awshooks-shop-ledger.fifo`, 'the FIFO topic');
  t.equal(projection.status?.topicArn, ledger.status?.topicArn, 'ledger-projection subscribes the FIFO topic');

  const subscriptions = (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions ?? [];
  const queueArn = `arn:aws:sqs:eu-west-1:${ACCOUNT}:awshooks-shop-invoicing`;
  t.same(
    subscriptions.map((s) => [s.Protocol, s.Endpoint]),
    [['sqs', queueArn]],
    'invoicing subscribed',
  );
  t.equal(invoicing.status?.subscriptionArn, subscriptions[0]?.SubscriptionArn);

  // Delivery works: the Queue allows the topic (its own statement), raw delivery, the filter policy.
  const sqs = aws.sqs('eu-west-1');
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'awshooks-shop-invoicing' }));
  await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'skipped', MessageAttributes: { event: { DataType: 'String', StringValue: 'shipped' } } }));
  await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'order 42', MessageAttributes: { event: { DataType: 'String', StringValue: 'placed' } } }));
  const bodies: string[] = [];
  await waitFor('the message in awshooks-shop-invoicing', async () => {
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    bodies.push(...(got.Messages ?? []).map((m) => m.Body ?? ''));
    return bodies.length > 0;
  });
  t.same(bodies, ['order 42'], 'only the placed event, delivered raw');
});

t.test("Table samples: seed 004's table, the app's Role and Deployment; the inventory table with its stream", async (t) => {
  const [dynamo, items, role] = await Promise.all([
    ready('tables', 'default', 'dynamo-table'),
    ready('tables', 'inventory', 'items'),
    ready('roles', 'default', 'dynamo-app'),
  ]);
  // No region in seed 004's table: the service's AWS_REGION (us-east-1 in this suite).
  const table = (await ddb('us-east-1').send(new DescribeTableCommand({ TableName: 'awshooks-default-dynamo-table' }))).Table!;
  t.same(
    table.KeySchema,
    [
      { AttributeName: 'name', KeyType: 'HASH' },
      { AttributeName: 'created_at', KeyType: 'RANGE' },
    ],
    'the key schema of seed 004',
  );
  t.match(table.ProvisionedThroughput, { ReadCapacityUnits: 5, WriteCapacityUnits: 5 });
  const cm = await waitFor('ConfigMap dynamo-table-table', () => getObj('configmaps', 'default', 'dynamo-table-table'));
  t.same(cm.data, { TABLE_NAME: 'awshooks-default-dynamo-table', TABLE_ARN: table.TableArn, AWS_REGION: 'us-east-1' }, 'what the app reads');
  t.equal(dynamo.status?.tableArn, table.TableArn);
  const deployment = await getObj('deployments', 'default', 'dynamo-app');
  const pod = (deployment as unknown as { spec: { template: { spec: { serviceAccountName: string; containers: { envFrom: unknown }[] } } } }).spec.template
    .spec;
  t.equal(pod.serviceAccountName, 'dynamo-app', "the app runs as the Role's ServiceAccount");
  t.same(pod.containers[0]?.envFrom, [{ configMapRef: { name: 'dynamo-table-table' } }], "and reads the Table's ConfigMap");
  const sa = await waitFor('ServiceAccount dynamo-app', () => getObj('serviceaccounts', 'default', 'dynamo-app'));
  t.equal(sa.metadata.annotations?.['eks.amazonaws.com/role-arn'], role.status?.roleArn, 'annotated with the role');

  const inventory = (await ddb().send(new DescribeTableCommand({ TableName: 'awshooks-inventory-items' }))).Table!;
  t.same(inventory.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort(), ['by-category', 'by-warehouse'], 'both indexes');
  t.equal(inventory.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST');
  const backups = await ddb().send(new DescribeContinuousBackupsCommand({ TableName: 'awshooks-inventory-items' }));
  t.equal(backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus, 'ENABLED', 'point-in-time recovery');
  const icm = await waitFor('ConfigMap items-table', () => getObj('configmaps', 'inventory', 'items-table'));
  t.equal(icm.data?.STREAM_ARN, inventory.LatestStreamArn, 'STREAM_ARN for the stream');
  t.equal(items.status?.tableName, 'awshooks-inventory-items');
});

t.test('Bucket and Repository samples: Ready, their ConfigMaps, and S3 and ECR as specified', async (t) => {
  const [bucket, repository] = await Promise.all([ready('buckets', 'default', 'assets'), ready('repositories', 'default', 'api')]);
  t.equal(bucket.status?.bucketName, 'awshooks-default-assets');
  t.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: 'awshooks-default-assets' }))).Status, 'Enabled', 'versioning');
  t.match(
    (await s3.send(new GetPublicAccessBlockCommand({ Bucket: 'awshooks-default-assets' }))).PublicAccessBlockConfiguration,
    { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
    'public access blocked by default',
  );
  const bcm = await waitFor('ConfigMap assets-bucket', () => getObj('configmaps', 'default', 'assets-bucket'));
  t.same(bcm.data, { BUCKET_NAME: 'awshooks-default-assets', BUCKET_ARN: 'arn:aws:s3:::awshooks-default-assets', AWS_REGION: 'eu-west-1' });

  const repo = (await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['awshooks/default/api'] }))).repositories![0]!;
  t.equal(repo.imageTagMutability, 'IMMUTABLE');
  t.equal(repo.imageScanningConfiguration?.scanOnPush, true);
  t.equal(repository.status?.repositoryUri, repo.repositoryUri);
  const rcm = await waitFor('ConfigMap api-repository', () => getObj('configmaps', 'default', 'api-repository'));
  t.match(rcm.data, { REPOSITORY_URI: repo.repositoryUri, REPOSITORY_ARN: repo.repositoryArn });
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
  // The seed 004 samples are all deletionPolicy: Delete.
  await t.rejects(
    sns.send(new GetTopicAttributesCommand({ TopicArn: `arn:aws:sns:eu-west-1:${ACCOUNT}:awshooks-shop-order-events` })),
    'Topic order-events is gone',
  );
  await t.rejects(ddb('us-east-1').send(new DescribeTableCommand({ TableName: 'awshooks-default-dynamo-table' })), 'Table dynamo-table is gone');
  await t.rejects(ddb().send(new DescribeTableCommand({ TableName: 'awshooks-inventory-items' })), 'Table items is gone');
  await t.rejects(s3.send(new HeadBucketCommand({ Bucket: 'awshooks-default-assets' })), 'Bucket assets is gone');
  await t.rejects(ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['awshooks/default/api'] })), 'Repository api is gone');
  t.equal(await getObj('configmaps', 'default', 'assets-bucket'), undefined, "the Bucket's ConfigMap was collected");
});
