/**
 * The two other install paths on the real API server and Metacontroller (issue 11, "Done when"):
 * `helm install` of charts/awshooks and `kubectl apply -f manifests/install.yaml` each bring up
 * every kind — one small parent of each Ready, its AWS resource in moto, deleted again with it.
 *
 * The other files install with `kubectl apply -k` of the suite's overlay (test/helpers/e2e.ts). This
 * one removes that install first (only once no parent of ours is left anywhere: deleting a CRD
 * deletes its objects), runs both paths one after the other, each from no CRDs at all, and puts the
 * suite's install back at the end, so the cluster is left as it was found. Named `zz-` so that, in
 * the whole suite (`test/e2e/**`, one file at a time, alphabetical), it runs last; it also stands on
 * its own (`npm test -- test/e2e/zz-install-paths.test.ts`).
 *
 * As everywhere in the suite, the service runs as a process on loopback (no kubelet: pods never
 * run), so both paths point the hooks there: the chart through its `hooks.baseUrl` value, the file
 * through a kustomization whose only resource is a verbatim copy of install.yaml plus the suite
 * overlay's hook URL patches (kustomize refuses a file outside the kustomization's folder, hence
 * the copy, checked byte for byte against the repository's file).
 */
import t, { type Test } from 'tap';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { parse } from 'yaml';
import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { GetPolicyCommand, GetRoleCommand } from '@aws-sdk/client-iam';
import { GetSubscriptionAttributesCommand, GetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { defaultInstanceIdentifier } from '../../hooks/dbinstance/identifiers.js';
import { KINDS } from '../../hooks/registry.js';
import { motoEndpoint } from '../helpers/moto.js';
import {
  apply,
  aws,
  CRD_NAMES,
  deleteNamespaces,
  ensureNamespace,
  HOOK_PORT,
  install,
  newNamespace,
  overlay,
  OVERLAY_DIR,
  pgAdmin,
  PREFIX,
  ROOT,
  Service,
  setTokenSecret,
  suiteToken,
} from '../helpers/e2e.js';
import { api, getObj, KUBECONFIG, kubectl, kubectlOk, pathOf, waitFor, conditionOf, type KubeObj } from '../helpers/kube.js';

const HELM = process.env.HELM;
const HOOK_BASE = `http://127.0.0.1:${HOOK_PORT}`;
const RUN = join(ROOT, '.run', 'e2e');
/** The kustomization that applies manifests/install.yaml with the hooks on loopback. */
const FILE_DIR = join(RUN, 'install-file');
/** The DBInstances' master user, made in the suite's PostgreSQL as RDS would make it. */
const MASTER_USER = 'e2einstall';
const MASTER_PASSWORD = `Master-${randomBytes(12).toString('hex')}`;

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const endpoint = motoEndpoint();
const sns = new SNSClient({ region: 'us-east-1', endpoint, credentials });
const ddb = new DynamoDBClient({ region: 'us-east-1', endpoint, credentials });
const s3 = new S3Client({ region: 'us-east-1', endpoint, credentials, forcePathStyle: true });
const ecr = new ECRClient({ region: 'us-east-1', endpoint, credentials });

/** helm, as a user runs it, against the suite's API server (its own caches under .run/e2e/helm). */
function helm(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  if (!HELM) throw new Error('HELM is not set: run the end-to-end tests through `npm test` (scripts/tools.sh builds helm)');
  const home = join(RUN, 'helm');
  return new Promise((resolve) => {
    execFile(
      HELM,
      args,
      {
        env: {
          ...process.env,
          KUBECONFIG,
          KUBECACHEDIR: join(dirname(KUBECONFIG), 'kube-cache'),
          HELM_CACHE_HOME: join(home, 'cache'),
          HELM_CONFIG_HOME: join(home, 'config'),
          HELM_DATA_HOME: join(home, 'data'),
        },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 180_000,
      },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

async function pgQuery(sql: string): Promise<void> {
  const c = pgAdmin();
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** How many parents of ours exist, in every namespace (0 when a kind is not served). */
async function parentsLeft(): Promise<string[]> {
  const left: string[] = [];
  for (const kind of KINDS) {
    const r = await api<{ items?: { metadata: { namespace: string; name: string } }[] }>(
      'GET',
      `/apis/${kind.names.group}/${kind.names.version}/${kind.names.plural}`,
    );
    for (const o of r.status === 200 ? (r.body.items ?? []) : []) left.push(`${kind.names.kind} ${o.metadata.namespace}/${o.metadata.name}`);
  }
  return left;
}

/** The CRDs of ours that exist. */
async function crdsPresent(): Promise<string[]> {
  const present: string[] = [];
  for (const name of CRD_NAMES) if ((await api('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`)).status === 200) present.push(name);
  return present;
}

/** The HTTP status of a GET of `path` on the API server (200: the object exists). */
const statusOf = async (path: string) => (await api('GET', path)).status;
const DEPLOYMENT = '/apis/apps/v1/namespaces/awshooks/deployments/awshooks';
/** What kubectl said when it failed (its warnings are long and say nothing when it succeeds). */
const failure = (r: { code: number; stderr: string }): string => (r.code === 0 ? '' : `: ${r.stderr}`);

/** Our CompositeControllers that exist. */
async function controllersPresent(): Promise<string[]> {
  const r = await api<{ items?: { metadata: { name: string } }[] }>('GET', '/apis/metacontroller.k8s.io/v1alpha1/compositecontrollers');
  return (r.body.items ?? []).map((o) => o.metadata.name).filter((n) => n.startsWith('awshooks-'));
}

/** Every CRD Established and served by discovery with its short names (as install() waits). */
async function waitForKinds(): Promise<void> {
  await kubectlOk(['wait', '--for=condition=Established', '--timeout=60s', ...CRD_NAMES.map((n) => `crd/${n}`)]);
  for (const kind of KINDS) {
    await waitFor(`discovery to serve ${kind.names.plural}.${kind.names.group}`, async () => {
      const r = await api<{ resources?: { name: string; shortNames?: string[] }[] }>('GET', `/apis/${kind.names.group}/${kind.names.version}`);
      const found = r.body.resources?.find((res) => res.name === kind.names.plural);
      return found && JSON.stringify(found.shortNames ?? []) === JSON.stringify(kind.names.shortNames);
    });
  }
}

/** One small parent of every kind in namespace `ns` (a Role that uses the Policy, a Subscription of the Topic to the Queue). */
function parents(ns: string): Record<string, object> {
  const m = (apiVersion: string, kind: string, name: string, spec: object) => ({ apiVersion, kind, metadata: { name, namespace: ns }, spec });
  return {
    Queue: m('sqs.awshooks.dev/v1alpha1', 'Queue', 'q', { region: 'us-east-1' }),
    Policy: m('iam.awshooks.dev/v1alpha1', 'Policy', 'reader', {
      document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] },
    }),
    Role: m('iam.awshooks.dev/v1alpha1', 'Role', 'app', { policies: ['reader'] }),
    DBInstance: m('rds.awshooks.dev/v1alpha1', 'DBInstance', 'db', { engine: 'postgres', masterUsername: MASTER_USER, deletionPolicy: 'Delete' }),
    Topic: m('sns.awshooks.dev/v1alpha1', 'Topic', 'events', { region: 'us-east-1' }),
    Subscription: m('sns.awshooks.dev/v1alpha1', 'Subscription', 'events-to-q', { topicRef: 'events', queueRef: 'q', rawMessageDelivery: true }),
    Table: m('dynamodb.awshooks.dev/v1alpha1', 'Table', 'items', {
      region: 'us-east-1',
      hashAttribute: { name: 'id', type: 'S' },
      billingMode: 'PAY_PER_REQUEST',
    }),
    Bucket: m('s3.awshooks.dev/v1alpha1', 'Bucket', 'assets', { region: 'us-east-1' }),
    Repository: m('ecr.awshooks.dev/v1alpha1', 'Repository', 'api', { region: 'us-east-1' }),
  };
}

const kindNamed = (kind: string) => KINDS.find((k) => k.names.kind === kind)!.names;
/** Wait for a parent's Ready=True; the timeout names its last Ready condition. */
function waitReady(kind: string, ns: string, name: string, timeoutMs = 120_000): Promise<KubeObj> {
  return waitFor(
    `${kind} ${ns}/${name} Ready=True`,
    async () => {
      const r = await api<KubeObj>('GET', pathOf(kindNamed(kind).plural, ns, name));
      const c = conditionOf(r.body, 'Ready');
      if (c?.status === 'True') return r.body;
      throw new Error(c ? `Ready=${c.status} ${c.reason}: ${c.message}` : `HTTP ${r.status}, no Ready condition yet`);
    },
    timeoutMs,
    500,
  );
}
const nameOf = (o: object) => (o as { metadata: { name: string } }).metadata.name;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Where each parent's AWS resource is, from its status: a probe that resolves when it exists and rejects when it does not. */
function awsProbes(ns: string, ready: Record<string, KubeObj>): Record<string, () => Promise<unknown>> {
  const status = (kind: string) => ready[kind]?.status ?? {};
  return {
    Queue: () => aws.sqs('us-east-1').send(new GetQueueUrlCommand({ QueueName: str(status('Queue').queueName) })),
    Policy: () => aws.iam.send(new GetPolicyCommand({ PolicyArn: str(status('Policy').arn) })),
    Role: () => aws.iam.send(new GetRoleCommand({ RoleName: str(status('Role').roleArn).split('/').pop() })),
    DBInstance: () => aws.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: defaultInstanceIdentifier(PREFIX, ns, 'db') })),
    Topic: () => sns.send(new GetTopicAttributesCommand({ TopicArn: str(status('Topic').topicArn) })),
    Subscription: () => sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: str(status('Subscription').subscriptionArn) })),
    Table: () => ddb.send(new DescribeTableCommand({ TableName: str(status('Table').tableName) })),
    Bucket: () => s3.send(new HeadBucketCommand({ Bucket: str(status('Bucket').bucketName) })),
    Repository: () => ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [str(status('Repository').repositoryName)] })),
  };
}

/** The error each probe gets from moto once the resource is gone. */
const GONE: Record<string, string> = {
  Queue: 'QueueDoesNotExist',
  Policy: 'NoSuchEntityException',
  Role: 'NoSuchEntityException',
  DBInstance: 'DBInstanceNotFoundFault',
  Topic: 'NotFoundException',
  Subscription: 'NotFoundException',
  Table: 'ResourceNotFoundException',
  Bucket: 'NotFound',
  Repository: 'RepositoryNotFoundException',
};

/**
 * The body of each path: one parent of every kind Ready, its AWS resource there; deleted, the AWS
 * resource gone. Runs in a fresh namespace, deleted at the end.
 */
async function everyKind(t: Test, path: string): Promise<void> {
  const ns = await newNamespace(path);
  namespaces.push(ns);
  const manifests = parents(ns);
  t.same(Object.keys(manifests).sort(), KINDS.map((k) => k.names.kind).sort(), `${path}: a parent of every kind`);
  const applied = await apply(Object.values(manifests));
  t.equal(applied.code, 0, `${path}: kubectl apply of the parents${failure(applied)}`);

  // RDS creates the master user with the password it is given: the suite's PostgreSQL gets it the
  // same way (the samples' way: README, DBInstance "Password rotation").
  const master = await waitFor(`Secret ${ns}/db-master`, () => getObj('secrets', ns, 'db-master'), 90_000);
  await kubectlOk(['-n', ns, 'patch', 'secret', master.metadata.name, '--type=merge', '-p', JSON.stringify({ stringData: { password: MASTER_PASSWORD } })]);

  const ready: Record<string, KubeObj> = {};
  await Promise.all(
    Object.entries(manifests).map(async ([kind, m]) => {
      ready[kind] = await waitReady(kind, ns, nameOf(m));
    }),
  );
  for (const kind of Object.keys(manifests)) t.ok(ready[kind], `${path}: ${kind} Ready=True`);

  const probes = awsProbes(ns, ready);
  for (const [kind, probe] of Object.entries(probes)) await t.resolves(probe(), `${path}: the ${kind}'s AWS resource exists in moto`);

  // Delete them all, as a user would, and wait until finalized (the service deletes in AWS).
  const deleted = await kubectl([
    '-n',
    ns,
    'delete',
    ...Object.entries(manifests).map(([kind, m]) => `${kindNamed(kind).plural}.${kindNamed(kind).group}/${nameOf(m)}`),
    '--wait=true',
    '--timeout=120s',
  ]);
  t.equal(deleted.code, 0, `${path}: kubectl delete of the parents${failure(deleted)}`);
  for (const [kind, probe] of Object.entries(probes))
    await t.rejects(probe(), { name: GONE[kind] }, `${path}: the ${kind}'s AWS resource is gone from moto (${GONE[kind]})`);
  await deleteNamespaces([ns]);
}

let service: Service | undefined;
/** The namespaces the paths used: deleted by the paths, and again at teardown after a failure. */
const namespaces: string[] = [];

t.before(async () => {
  // Whatever ran before, start from the suite's install (idempotent), then the service and the master user.
  await install();
  service = await Service.start();
  await pgQuery(`DROP ROLE IF EXISTS ${MASTER_USER}`);
  await pgQuery(`CREATE ROLE ${MASTER_USER} LOGIN CREATEDB CREATEROLE PASSWORD '${MASTER_PASSWORD}'`);
});

t.teardown(async () => {
  // Leave the cluster as found, whatever state a failure left: no release (its uninstall would take
  // the CompositeControllers with it), the suite's install back, then the parents finalized.
  await helm(['uninstall', 'awshooks', '--namespace', 'awshooks', '--ignore-not-found', '--wait']);
  await install();
  await deleteNamespaces(namespaces);
  await service?.stop();
  await pgQuery(`DROP ROLE IF EXISTS ${MASTER_USER}`).catch(() => undefined);
});

t.test('the suite install is removed first (kubectl delete -k), with no parent left to lose', async (t) => {
  const left = await waitFor('no parent of ours in any namespace', async () => ((await parentsLeft()).length === 0 ? true : undefined), 120_000, 1000).catch(
    async () => parentsLeft(),
  );
  // Deleting a CRD deletes every object of its kind: never with parents still there.
  t.equal(left, true, `no parents left before the CRDs are deleted${left === true ? '' : `: ${left.join(', ')}`}`);
  if (left !== true) {
    t.bailout('parents of another file are still there');
    return;
  }
  const r = await kubectl(['delete', '-k', OVERLAY_DIR, '--ignore-not-found', '--wait=true', '--timeout=120s']);
  t.equal(r.code, 0, `kubectl delete -k ${OVERLAY_DIR}${failure(r)}`);
  t.same(await crdsPresent(), [], 'no CRD of ours left');
  t.same(await controllersPresent(), [], 'no CompositeController of ours left');
  t.equal((await api('GET', '/api/v1/namespaces/awshooks')).status, 404, 'namespace awshooks gone');
});

t.test('helm install of the chart brings up every kind', async (t) => {
  // The hook token from an existing Secret (hookToken.existingSecret), made first: Metacontroller
  // reads it when a CompositeController is created.
  await ensureNamespace('awshooks');
  await setTokenSecret(suiteToken());
  const installed = await helm([
    'install',
    'awshooks',
    join(ROOT, 'charts', 'awshooks'),
    '--namespace',
    'awshooks',
    '--create-namespace',
    '--set',
    'hookToken.existingSecret=awshooks-hook-token',
    '--set',
    `hooks.baseUrl=${HOOK_BASE}`,
  ]);
  t.equal(installed.code, 0, `helm install${failure(installed)}`);
  t.match(installed.stdout, /STATUS: deployed/, 'the release is deployed');
  await waitForKinds();
  t.same((await crdsPresent()).sort(), [...CRD_NAMES].sort(), 'every CRD, from the chart');
  t.same((await controllersPresent()).sort(), KINDS.map((k) => `awshooks-${k.names.plural}`).sort(), 'every CompositeController, from the chart');
  const cc = await api<{ spec: { hooks: { sync: { webhook: { url: string; authorization: { secretRef: { name: string } } } } } } }>(
    'GET',
    '/apis/metacontroller.k8s.io/v1alpha1/compositecontrollers/awshooks-queues',
  );
  t.equal(cc.body.spec.hooks.sync.webhook.url, `${HOOK_BASE}/hooks/queues/sync`, 'hooks at hooks.baseUrl');
  t.equal(cc.body.spec.hooks.sync.webhook.authorization.secretRef.name, 'awshooks-hook-token', 'with the existing token Secret');
  for (const path of [
    DEPLOYMENT,
    '/api/v1/namespaces/awshooks/services/awshooks',
    '/api/v1/namespaces/awshooks/configmaps/awshooks-config',
    '/api/v1/namespaces/awshooks/serviceaccounts/awshooks',
  ])
    t.equal(await statusOf(path), 200, `${path.split('/').slice(-2).join('/')} in namespace awshooks`);

  await everyKind(t, 'helm');

  const uninstalled = await helm(['uninstall', 'awshooks', '--namespace', 'awshooks', '--wait']);
  t.equal(uninstalled.code, 0, `helm uninstall${failure(uninstalled)}`);
  t.same(await controllersPresent(), [], 'helm uninstall removes the CompositeControllers');
  t.same((await crdsPresent()).sort(), [...CRD_NAMES].sort(), 'and keeps the CRDs (crds.keep)');
  t.equal(await statusOf(DEPLOYMENT), 404, 'and removes the Deployment');
  // So that the next path starts from no CRDs, as on a fresh cluster.
  await kubectlOk(['delete', 'crd', ...CRD_NAMES, '--wait=true', '--timeout=120s']);
  await kubectlOk(['delete', 'namespace', 'awshooks', '--wait=true', '--timeout=120s']);
});

t.test('kubectl apply -f manifests/install.yaml brings up every kind', async (t) => {
  t.same(await crdsPresent(), [], 'no CRD of ours before');
  mkdirSync(FILE_DIR, { recursive: true });
  const source = join(ROOT, 'manifests', 'install.yaml');
  copyFileSync(source, join(FILE_DIR, 'install.yaml'));
  t.equal(readFileSync(join(FILE_DIR, 'install.yaml'), 'utf8'), readFileSync(source, 'utf8'), 'install.yaml as generated (a verbatim copy)');
  // The suite overlay's own hook URL patches, on install.yaml alone (it has no ServiceMonitor).
  const kustomization = parse(overlay({ dropServiceMonitor: false })) as { resources: string[]; patches: unknown[] };
  kustomization.resources = ['install.yaml'];
  writeFileSync(join(FILE_DIR, 'kustomization.yaml'), JSON.stringify(kustomization, null, 2));
  t.equal(kustomization.patches.length, KINDS.length, 'one hook URL patch per CompositeController, nothing else');

  // README, "Without Helm": the token Secret the file mounts and Metacontroller sends (made
  // first: Metacontroller reads it when a CompositeController is created).
  await ensureNamespace('awshooks');
  await setTokenSecret(suiteToken());
  const applied = await kubectl(['apply', '-k', FILE_DIR]);
  t.equal(applied.code, 0, `kubectl apply (install.yaml with the hooks on loopback)${failure(applied)}`);
  await waitForKinds();
  t.same((await crdsPresent()).sort(), [...CRD_NAMES].sort(), 'every CRD, from install.yaml');
  t.same((await controllersPresent()).sort(), KINDS.map((k) => `awshooks-${k.names.plural}`).sort(), 'every CompositeController, from install.yaml');
  t.equal(await statusOf(DEPLOYMENT), 200, 'the Deployment in namespace awshooks');

  await everyKind(t, 'file');

  // NOTE: the file's Namespace goes first and takes its objects with it, so kubectl may find the
  // Deployment already gone (NotFound): what must be gone is checked just below.
  const removed = await kubectl(['delete', '-k', FILE_DIR, '--ignore-not-found', '--wait=true', '--timeout=120s']);
  t.equal(removed.code, 0, `kubectl delete (install.yaml)${failure(removed)}`);
  t.same(await crdsPresent(), [], 'deleting the file removes its CRDs');
  t.same(await controllersPresent(), [], 'and its CompositeControllers');
});

t.test("the suite's install is back (kubectl apply -k of the overlay)", async (t) => {
  await install();
  t.same((await crdsPresent()).sort(), [...CRD_NAMES].sort(), 'every CRD');
  t.same((await controllersPresent()).sort(), KINDS.map((k) => `awshooks-${k.names.plural}`).sort(), 'every CompositeController');
  const cc = await api<{ spec: { hooks: { sync: { webhook: { url: string } } } } }>(
    'GET',
    '/apis/metacontroller.k8s.io/v1alpha1/compositecontrollers/awshooks-queues',
  );
  t.equal(cc.body.spec.hooks.sync.webhook.url, `${HOOK_BASE}/hooks/queues/sync`, 'pointed at the service on loopback, as before');
});
