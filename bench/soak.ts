/**
 * `npm run soak` (issue 8 §6): N parents of every kind (all but Subscription, whose ownership lives
 * in its topic's and queue's tags: covered by its own tests) driven by a Metacontroller stand-in
 * against the service running as a child process, through the fault-injecting proxy in front of
 * moto, with random SIGKILLs and restarts of the service; then faults off until everything
 * converged; then every parent deleted. Checked against the emulator and the database, not
 * against the service's own view.
 *
 *   node --import=tsx bench/soak.ts [--parents N] [--fault-rate 0.2] [--fault-seconds S] [--concurrency C]
 *
 * The last line printed is one JSON object:
 * {"parents", "faults_injected", "kills", "duplicates", "leaks", "lost_passwords",
 *  "dropped_children", "over_deadline", "non_200", "converge_s", ...}
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ListQueuesCommand, ListQueueTagsCommand, SQSClient } from '@aws-sdk/client-sqs';
import { IAMClient, ListPoliciesCommand, ListPolicyTagsCommand, ListRolesCommand, ListRoleTagsCommand } from '@aws-sdk/client-iam';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { ListTagsForResourceCommand as ListTopicTagsCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBClient, ListTablesCommand, ListTagsOfResourceCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetBucketTaggingCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeRepositoriesCommand, ECRClient, ListTagsForResourceCommand as ListRepositoryTagsCommand } from '@aws-sdk/client-ecr';
import type { AnyKind } from '../hooks/core/kind.js';
import { OWNER_TAGS } from '../hooks/core/ownership.js';
import type { Condition, KubeObject, ObjectMap, Parent, SyncResponse } from '../hooks/core/types.js';
import { dbInstanceKind } from '../hooks/dbinstance/index.js';
import { policyKind } from '../hooks/policy/index.js';
import { queueKind } from '../hooks/queue/index.js';
import { roleKind } from '../hooks/role/index.js';
import { topicKind } from '../hooks/topic/index.js';
import { tableKind } from '../hooks/table/index.js';
import { bucketKind } from '../hooks/bucket/index.js';
import { repositoryKind } from '../hooks/repository/index.js';
import { startFaultProxy, type FaultMode } from '../test/helpers/fault-proxy.js';
import { imageNodeFlags } from './processes.js';

// ---------------------------------------------------------------- settings

const { values: args } = parseArgs({
  options: {
    parents: { type: 'string', default: process.env.SOAK_PARENTS ?? '300' },
    'fault-rate': { type: 'string', default: process.env.SOAK_FAULT_RATE ?? '0.2' },
    'fault-seconds': { type: 'string', default: process.env.SOAK_FAULT_SECONDS ?? '120' },
    concurrency: { type: 'string', default: process.env.SOAK_CONCURRENCY ?? '16' },
    'deadline-seconds': { type: 'string', default: process.env.SOAK_DEADLINE_SECONDS ?? '8' },
    'converge-timeout': { type: 'string', default: process.env.SOAK_CONVERGE_TIMEOUT_SECONDS ?? '600' },
  },
});
const PARENTS = Number(args.parents);
const FAULT_RATE = Number(args['fault-rate']);
const FAULT_SECONDS = Number(args['fault-seconds']);
const CONCURRENCY = Number(args.concurrency);
const DEADLINE_S = Number(args['deadline-seconds']);
const CONVERGE_TIMEOUT_S = Number(args['converge-timeout']);
const SERVICE_PORT = Number(process.env.SOAK_PORT ?? 16700);
const METRICS_PORT = SERVICE_PORT + 1;
const PROXY_PORT = SERVICE_PORT + 2;
/** Metacontroller gives up on a hook call after this long. */
const WEBHOOK_TIMEOUT_MS = 10_000;
/** resyncAfterSeconds is honoured, but at most this long: the soak compresses time. */
const RESYNC_CAP_S = 3;
const FAULT_MODES: FaultMode[] = ['error', 'html', 'reset', 'hang', 'truncate'];

const moto = process.env.AWS_ENDPOINT_URL;
const pgUrl = process.env.TEST_PG_URL;
if (!moto || !pgUrl) {
  process.stderr.write('soak: AWS_ENDPOINT_URL and TEST_PG_URL must be set; run `npm run soak`, which starts moto and PostgreSQL\n');
  process.exit(2);
}
process.env.AWS_ACCESS_KEY_ID ??= 'testing';
process.env.AWS_SECRET_ACCESS_KEY ??= 'testing';
process.env.AWS_EC2_METADATA_DISABLED = 'true';

const RUN = randomBytes(2).toString('hex');
const CLUSTER = `soak-${RUN}`;
const TOKEN = `soak-token-${randomBytes(12).toString('hex')}`;
const log = (msg: string) => process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- figures

const figures = {
  answers: 0,
  non_200: 0,
  connection_errors: 0,
  over_deadline: 0,
  max_answer_ms: 0,
  dropped_children: 0,
  changed_passwords: 0,
  kills: 0,
};
const problems: string[] = [];
const problem = (msg: string) => {
  if (problems.length < 50) problems.push(msg);
};

// ---------------------------------------------------------------- what AWS was told (through the proxy)

/** The last master password RDS accepted, per instance identifier (CreateDBInstance / ModifyDBInstance). */
const masterPasswords = new Map<string, { username?: string; password: string }>();
const admin = new pg.Pool({ connectionString: pgUrl, max: 4 });

/**
 * Plays RDS's part for the local PostgreSQL that stands in for every instance endpoint: the
 * master user RDS was given exists there with the password RDS was given.
 */
async function rdsSetMasterPassword(identifier: string, username: string | undefined, password: string): Promise<void> {
  const known = masterPasswords.get(identifier);
  const user = username ?? known?.username;
  masterPasswords.set(identifier, { ...(user ? { username: user } : {}), password });
  if (!user) return;
  const q = `"${user.replace(/"/g, '""')}"`;
  const exists = (await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [user])).rowCount ?? 0;
  const literal = `'${password.replace(/'/g, "''")}'`;
  await admin.query(`${exists ? 'ALTER' : 'CREATE'} ROLE ${q} WITH LOGIN CREATEDB CREATEROLE PASSWORD ${literal}`);
}

async function observeForwarded(operation: string, body: string, status: number): Promise<void> {
  if (status !== 200 || (operation !== 'CreateDBInstance' && operation !== 'ModifyDBInstance')) return;
  const form = new URLSearchParams(body);
  const id = form.get('DBInstanceIdentifier');
  const password = form.get('MasterUserPassword');
  if (id && password) await rdsSetMasterPassword(id, form.get('MasterUsername') ?? undefined, password);
}

// ---------------------------------------------------------------- the service, as a child process

let service: ChildProcess | undefined;
const serviceLog = openSync(join(mkdtempSync(join(tmpdir(), 'awshooks-soak-')), 'service.log'), 'a');

function serviceEnv(): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'awshooks-soak-'));
  writeFileSync(join(dir, 'token'), `${TOKEN}\n`);
  const pgTarget = new URL(pgUrl!).host;
  return {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(SERVICE_PORT),
    METRICS_PORT: String(METRICS_PORT),
    LOG_LEVEL: 'warn',
    HOOK_TOKEN_FILE: join(dir, 'token'),
    AWS_ENDPOINT_URL: `http://127.0.0.1:${PROXY_PORT}`,
    CLUSTER_NAME: CLUSTER,
    AWS_ACCOUNT_ID: '123456789012',
    OIDC_PROVIDER_ARN: 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/SOAK',
    RDS_ENDPOINT_MAP: `*=${pgTarget}`,
    DB_TLS: 'require',
    DB_CONNECT_TIMEOUT_MS: '3000',
    HOOK_DEADLINE_SECONDS: String(DEADLINE_S),
    MAX_CONCURRENT_HOOKS: '256',
    // Frequent drift checks: converged parents keep calling AWS, and so keep meeting faults.
    DRIFT_CHECK_INTERVAL_SECONDS: '5',
  };
}

async function startService(): Promise<void> {
  service = spawn(process.execPath, [...imageNodeFlags(), 'dist/server/main.js'], { env: serviceEnv(), stdio: ['ignore', serviceLog, serviceLog] });
  for (let i = 0; i < 300; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${METRICS_PORT}/readyz`);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await sleep(100);
  }
  throw new Error('the service did not start within 30 s (see its log)');
}

async function killService(): Promise<void> {
  const child = service;
  if (!child) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  service = undefined;
}

// ---------------------------------------------------------------- the parents

/** One parent as Metacontroller keeps it: the object, its observed children, when to sync next. */
interface Tracked {
  kind: AnyKind;
  plural: string;
  parent: Parent;
  children: ObjectMap;
  next: number;
  failures: number;
  deleting: boolean;
  finalized: boolean;
  busy: boolean;
  /** The password each Secret child had when first returned: it must never change. */
  passwords: Map<string, string>;
}

const kinds = [
  { kind: queueKind, plural: 'queues' },
  { kind: policyKind, plural: 'policies' },
  { kind: roleKind, plural: 'roles' },
  { kind: dbInstanceKind, plural: 'dbinstances' },
  { kind: topicKind, plural: 'topics' },
  { kind: tableKind, plural: 'tables' },
  { kind: bucketKind, plural: 'buckets' },
  { kind: repositoryKind, plural: 'repositories' },
];
const childTypes = (kind: AnyKind) => kind.childResources.map((c) => `${c.kind}.${c.apiVersion}`);

function makeParents(n: number): Tracked[] {
  const out: Tracked[] = [];
  for (let i = 0; i < n; i++) {
    const { kind, plural } = kinds[i % kinds.length]!;
    const index = Math.floor(i / kinds.length);
    const namespace = `soak${RUN}-${index % 5}`;
    const name = `${kind.names.singular}-${index}`;
    let spec: Record<string, unknown>;
    if (kind === queueKind) spec = { region: 'us-east-1', visibilityTimeout: 30 + (index % 5), tags: { soak: RUN } };
    else if (kind === policyKind) spec = { document: { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::soak-${index}/*` }] } };
    else if (kind === roleKind) spec = { policies: [`policy-${index}`] };
    else if (kind === topicKind) spec = { region: 'us-east-1', displayName: `soak ${index}`, tags: { soak: RUN } };
    else if (kind === tableKind) spec = { region: 'us-east-1', hashAttribute: { name: 'id', type: 'S' }, billingMode: 'PAY_PER_REQUEST', tags: { soak: RUN } };
    else if (kind === bucketKind) spec = { region: 'us-east-1', versioning: 'Enabled', tags: { soak: RUN } };
    else if (kind === repositoryKind) spec = { region: 'us-east-1', scanOnPush: true, tags: { soak: RUN } };
    else {
      const u = `u${RUN}_${index}`;
      spec = { masterUsername: `m${RUN}_${index}`, users: { [u]: [] }, databases: { [`d${RUN}_${index}`]: [u] }, deletionPolicy: 'Delete' };
    }
    out.push({
      kind,
      plural,
      parent: {
        apiVersion: `${kind.names.group}/${kind.names.version}`,
        kind: kind.names.kind,
        metadata: { name, namespace, uid: `${RUN}-${i}-${randomBytes(4).toString('hex')}`, generation: 1 },
        spec,
      },
      children: Object.fromEntries(childTypes(kind).map((type) => [type, {}])),
      next: 0,
      failures: 0,
      deleting: false,
      finalized: false,
      busy: false,
      passwords: new Map(),
    });
  }
  return out;
}

/** What the customize hook would have Metacontroller send: a Role's Policies, as they are now. */
function relatedOf(t: Tracked, all: Map<string, Tracked>): ObjectMap | undefined {
  if (t.kind !== roleKind) return undefined;
  const names = (t.parent.spec as { policies?: string[] }).policies ?? [];
  const ns = t.parent.metadata.namespace ?? '';
  const related: Record<string, KubeObject> = {};
  for (const name of names) {
    const p = all.get(`Policy/${ns}/${name}`);
    if (p && !p.finalized) related[`${ns}/${name}`] = p.parent;
  }
  return { 'Policy.iam.awshooks.dev/v1alpha1': related };
}

const ready = (status: { conditions?: Condition[] } | undefined) => (status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

const b64decode = (s: unknown) => (typeof s === 'string' ? Buffer.from(s, 'base64').toString('utf8') : undefined);

/** One hook call, answered and applied as Metacontroller would. */
async function syncOnce(t: Tracked, all: Map<string, Tracked>): Promise<void> {
  const hook = t.deleting ? 'finalize' : 'sync';
  const related = relatedOf(t, all);
  const body = {
    controller: { apiVersion: 'metacontroller.k8s.io/v1alpha1', kind: 'CompositeController', metadata: { name: `awshooks-${t.plural}` } },
    parent: t.parent,
    children: t.children,
    ...(related ? { related } : {}),
    ...(t.deleting ? { finalizing: true } : {}),
  };
  const started = Date.now();
  let res: Response;
  let text: string;
  try {
    res = await fetch(`http://127.0.0.1:${SERVICE_PORT}/hooks/${t.plural}/${hook}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS + 2000),
    });
    text = await res.text();
  } catch {
    const elapsed = Date.now() - started;
    if (elapsed >= WEBHOOK_TIMEOUT_MS) {
      figures.over_deadline++;
      problem(`${t.kind.names.kind} ${t.parent.metadata.namespace}/${t.parent.metadata.name} ${hook}: no answer within ${elapsed} ms`);
    } else figures.connection_errors++;
    t.failures++;
    t.next = Date.now() + Math.min(5000, 250 * 2 ** t.failures);
    return;
  }
  const elapsed = Date.now() - started;
  figures.answers++;
  figures.max_answer_ms = Math.max(figures.max_answer_ms, elapsed);
  if (elapsed > DEADLINE_S * 1000) {
    figures.over_deadline++;
    problem(`${t.kind.names.kind} ${t.parent.metadata.namespace}/${t.parent.metadata.name} ${hook}: answered in ${elapsed} ms`);
  }
  if (res.status !== 200) {
    // 429 with Retry-After is an answer Metacontroller honours; anything else is a failed sync.
    figures.non_200++;
    problem(`${t.kind.names.kind} ${t.parent.metadata.namespace}/${t.parent.metadata.name} ${hook}: HTTP ${res.status} ${text.slice(0, 200)}`);
    t.failures++;
    t.next = Date.now() + Math.min(5000, 250 * 2 ** t.failures);
    return;
  }
  t.failures = 0;
  const answer = JSON.parse(text) as SyncResponse;
  applyAnswer(t, answer);
  if (t.deleting && answer.finalized) {
    t.finalized = true;
    return;
  }
  const resync = Math.min(answer.resyncAfterSeconds ?? RESYNC_CAP_S, RESYNC_CAP_S);
  t.next = Date.now() + resync * 1000;
}

/** Metacontroller's side of an answer: the status replaces the parent's, the children become the observed ones. */
function applyAnswer(t: Tracked, answer: SyncResponse): void {
  const ns = t.parent.metadata.namespace ?? '';
  const returned = new Set(answer.children.map((c) => `${c.kind}.${c.apiVersion}/${c.metadata.name}`));
  for (const [type, byName] of Object.entries(t.children)) {
    for (const child of Object.values(byName)) {
      const key = `${type}/${child.metadata.name}`;
      if (!returned.has(key)) {
        figures.dropped_children++;
        problem(`${t.kind.names.kind} ${ns}/${t.parent.metadata.name}: child ${key} dropped from a 200 answer`);
      }
    }
  }
  const children: ObjectMap = Object.fromEntries(childTypes(t.kind).map((type) => [type, {}]));
  for (const child of answer.children) {
    const type = `${child.kind}.${child.apiVersion}`;
    children[type] ??= {};
    children[type][`${ns}/${child.metadata.name}`] = { ...child, metadata: { ...child.metadata, namespace: ns } };
    if (child.kind === 'Secret') {
      const password = b64decode((child.data as Record<string, unknown> | undefined)?.password);
      const before = t.passwords.get(child.metadata.name);
      if (password !== undefined && password !== '') {
        if (before !== undefined && before !== password) {
          figures.changed_passwords++;
          problem(`${ns}/${child.metadata.name}: the Secret's password changed`);
        }
        if (before === undefined) t.passwords.set(child.metadata.name, password);
      }
    }
  }
  t.children = children;
  t.parent = { ...t.parent, status: answer.status };
}

/** Drive every parent until `done` says so (or the time runs out). */
async function drive(parents: Tracked[], all: Map<string, Tracked>, done: () => boolean, timeoutS: number): Promise<boolean> {
  const until = Date.now() + timeoutS * 1000;
  const workers = Array.from({ length: CONCURRENCY }, async () => {
    while (!done() && Date.now() < until) {
      const now = Date.now();
      const due = parents.filter((p) => !p.busy && !p.finalized && p.next <= now).sort((a, b) => a.next - b.next)[0];
      if (!due) {
        await sleep(50);
        continue;
      }
      due.busy = true;
      try {
        await syncOnce(due, all);
      } finally {
        due.busy = false;
      }
    }
  });
  await Promise.all(workers);
  return done();
}

// ---------------------------------------------------------------- checks against the emulator and the database

interface Owned {
  kind: string;
  owner: string;
  name: string;
}

async function ownedInAws(): Promise<Owned[]> {
  const sqs = new SQSClient({ region: 'us-east-1', endpoint: moto });
  const iam = new IAMClient({ region: 'us-east-1', endpoint: moto });
  const rds = new RDSClient({ region: 'us-east-1', endpoint: moto });
  const out: Owned[] = [];
  const add = (kind: string, tags: Record<string, string | undefined>, name: string) => {
    if (tags[OWNER_TAGS.cluster] !== CLUSTER) return;
    out.push({ kind, owner: `${tags[OWNER_TAGS.kind]}/${tags[OWNER_TAGS.namespace]}/${tags[OWNER_TAGS.name]}`, name });
  };
  const queues = (await sqs.send(new ListQueuesCommand({ QueueNamePrefix: `awshooks-soak${RUN}`, MaxResults: 1000 }))).QueueUrls ?? [];
  for (const url of queues) add('Queue', (await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags ?? {}, url);
  let marker: string | undefined;
  do {
    const page = await iam.send(new ListRolesCommand({ PathPrefix: '/awshooks/', Marker: marker }));
    for (const role of page.Roles ?? []) {
      const tags = (await iam.send(new ListRoleTagsCommand({ RoleName: role.RoleName }))).Tags ?? [];
      add('Role', Object.fromEntries(tags.map((t) => [t.Key, t.Value])), role.RoleName ?? '');
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  do {
    const page = await iam.send(new ListPoliciesCommand({ Scope: 'Local', PathPrefix: '/awshooks/', Marker: marker }));
    for (const policy of page.Policies ?? []) {
      const tags = (await iam.send(new ListPolicyTagsCommand({ PolicyArn: policy.Arn }))).Tags ?? [];
      add('Policy', Object.fromEntries(tags.map((t) => [t.Key, t.Value])), policy.Arn ?? '');
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  do {
    const page = await rds.send(new DescribeDBInstancesCommand({ Marker: marker }));
    for (const instance of page.DBInstances ?? [])
      add('DBInstance', Object.fromEntries((instance.TagList ?? []).map((t) => [t.Key, t.Value])), instance.DBInstanceIdentifier ?? '');
    marker = page.Marker;
  } while (marker);
  const tagMap = (tags: { Key?: string; Value?: string }[] | undefined) => Object.fromEntries((tags ?? []).map((t) => [t.Key, t.Value]));
  const sns = new SNSClient({ region: 'us-east-1', endpoint: moto });
  let next: string | undefined;
  do {
    const page = await sns.send(new ListTopicsCommand({ NextToken: next }));
    for (const topic of page.Topics ?? []) {
      if (!topic.TopicArn?.includes(`:awshooks-soak${RUN}`)) continue;
      add('Topic', tagMap((await sns.send(new ListTopicTagsCommand({ ResourceArn: topic.TopicArn }))).Tags), topic.TopicArn);
    }
    next = page.NextToken;
  } while (next);
  const ddb = new DynamoDBClient({ region: 'us-east-1', endpoint: moto });
  let start: string | undefined;
  do {
    const page = await ddb.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    for (const name of page.TableNames ?? []) {
      if (!name.startsWith(`awshooks-soak${RUN}`)) continue;
      const arn = (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table?.TableArn;
      add('Table', tagMap((await ddb.send(new ListTagsOfResourceCommand({ ResourceArn: arn }))).Tags), name);
    }
    start = page.LastEvaluatedTableName;
  } while (start);
  const s3 = new S3Client({ region: 'us-east-1', endpoint: moto, forcePathStyle: true });
  for (const bucket of (await s3.send(new ListBucketsCommand({}))).Buckets ?? []) {
    if (!bucket.Name?.startsWith(`awshooks-soak${RUN}`)) continue;
    const tags = await s3.send(new GetBucketTaggingCommand({ Bucket: bucket.Name })).then(
      (o) => tagMap(o.TagSet),
      () => ({}),
    );
    add('Bucket', tags, bucket.Name);
  }
  const ecr = new ECRClient({ region: 'us-east-1', endpoint: moto });
  do {
    const page = await ecr.send(new DescribeRepositoriesCommand({ nextToken: next }));
    for (const repo of page.repositories ?? []) {
      if (!repo.repositoryName?.startsWith(`awshooks/soak${RUN}`)) continue;
      add('Repository', tagMap((await ecr.send(new ListRepositoryTagsCommand({ resourceArn: repo.repositoryArn }))).tags), repo.repositoryName);
    }
    next = page.nextToken;
  } while (next);
  for (const client of [sqs, iam, rds, sns, ddb, s3, ecr]) client.destroy();
  return out;
}

/** Can `user` log in to the stand-in database with `password`? */
async function canLogin(user: string, password: string): Promise<boolean> {
  const url = new URL(pgUrl!);
  const client = new pg.Client({ host: url.hostname, port: Number(url.port), user, password, database: 'postgres', connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Passwords in AWS (what RDS was told) and in the database that differ from their Secret. */
async function lostPasswords(parents: Tracked[]): Promise<number> {
  let lost = 0;
  for (const t of parents.filter((p) => p.kind === dbInstanceKind)) {
    const ns = t.parent.metadata.namespace ?? '';
    const secrets = t.children['Secret.v1'] ?? {};
    const master = b64decode((secrets[`${ns}/${t.parent.metadata.name}-master`]?.data as Record<string, string> | undefined)?.password);
    const id = (t.parent.status as { dbInstanceIdentifier?: string } | undefined)?.dbInstanceIdentifier;
    const inAws = id ? masterPasswords.get(id) : undefined;
    if (!master || inAws?.password !== master) {
      lost++;
      problem(`${ns}/${t.parent.metadata.name}: the master password RDS has differs from its Secret`);
      continue;
    }
    if (!(await canLogin(inAws.username ?? '', master))) {
      lost++;
      problem(`${ns}/${t.parent.metadata.name}: the master Secret's password does not log in`);
    }
    for (const user of Object.keys((t.parent.spec as { users?: Record<string, unknown> }).users ?? {})) {
      const secret = secrets[`${ns}/${t.parent.metadata.name}-user-${user.replace(/_/g, '-')}`];
      const password = b64decode((secret?.data as Record<string, string> | undefined)?.password);
      if (!password || !(await canLogin(user, password))) {
        lost++;
        problem(`${ns}/${t.parent.metadata.name}: user ${user} cannot log in with its Secret's password`);
      }
    }
  }
  return lost;
}

// ---------------------------------------------------------------- the run

async function main(): Promise<void> {
  const proxy = await startFaultProxy(moto!, [], { port: PROXY_PORT, observe: observeForwarded });
  await startService();
  const parents = makeParents(PARENTS);
  const all = new Map(parents.map((p) => [`${p.kind.names.kind}/${p.parent.metadata.namespace}/${p.parent.metadata.name}`, p]));
  log(
    `run ${RUN}: ${parents.length} parents (${kinds.length} kinds), faults ${FAULT_RATE * 100}% for ${FAULT_SECONDS}s, concurrency ${CONCURRENCY}, deadline ${DEADLINE_S}s`,
  );

  // Phase 1: faults and kills.
  proxy.random = { rate: FAULT_RATE, modes: FAULT_MODES };
  const chaos = { on: true };
  const killer = (async () => {
    while (chaos.on) {
      await sleep(5000 + Math.random() * 15000);
      if (!chaos.on as boolean) break; // turned off while sleeping
      await killService();
      figures.kills++;
      log(`SIGKILL #${figures.kills}; restarting`);
      await startService();
    }
  })();
  const t0 = Date.now();
  await drive(parents, all, () => false, FAULT_SECONDS);
  chaos.on = false;
  await killer;
  proxy.random = undefined;
  const injected = [...proxy.injected.values()].reduce((a, b) => a + b, 0);
  log(`faults off after ${Math.round((Date.now() - t0) / 1000)}s: ${injected} faults injected, ${figures.kills} kills, ${figures.answers} answers`);

  // Phase 2: everything converges.
  for (const p of parents) p.next = 0;
  const t1 = Date.now();
  const converged = await drive(parents, all, () => parents.every((p) => ready(p.parent.status)), CONVERGE_TIMEOUT_S);
  const convergeS = (Date.now() - t1) / 1000;
  const notReady = parents.filter((p) => !ready(p.parent.status));
  log(converged ? `converged in ${convergeS.toFixed(1)}s` : `NOT converged after ${convergeS.toFixed(0)}s: ${notReady.length} parents not Ready`);
  for (const p of notReady.slice(0, 5))
    problem(
      `not Ready: ${p.kind.names.kind} ${p.parent.metadata.namespace}/${p.parent.metadata.name}: ${JSON.stringify(p.parent.status?.conditions?.find((c) => c.type === 'Ready'))}`,
    );

  const owned = await ownedInAws();
  const perOwner = new Map<string, number>();
  for (const o of owned) perOwner.set(`${o.kind}:${o.owner}`, (perOwner.get(`${o.kind}:${o.owner}`) ?? 0) + 1);
  const duplicates = [...perOwner.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
  const missing = parents.filter(
    (p) => !perOwner.has(`${p.kind.names.kind}:${p.kind.names.kind}/${p.parent.metadata.namespace}/${p.parent.metadata.name}`),
  ).length;
  const lost = (await lostPasswords(parents)) + figures.changed_passwords;
  log(`in AWS: ${owned.length} resources of ${parents.length} parents, ${duplicates} duplicates, ${missing} missing; ${lost} lost passwords`);

  // Phase 3: every parent deleted.
  for (const p of parents) {
    p.deleting = true;
    p.next = 0;
    p.parent = { ...p.parent, metadata: { ...p.parent.metadata, deletionTimestamp: new Date().toISOString() } };
  }
  const t2 = Date.now();
  const finalized = await drive(parents, all, () => parents.every((p) => p.finalized), CONVERGE_TIMEOUT_S);
  const finalizeS = (Date.now() - t2) / 1000;
  log(finalized ? `every parent finalized in ${finalizeS.toFixed(1)}s` : `NOT all finalized after ${finalizeS.toFixed(0)}s`);
  const leaks = (await ownedInAws()).length;

  await killService();
  await proxy.close();
  await admin.end();
  for (const p of problems) log(`problem: ${p}`);
  const result = {
    parents: parents.length,
    faults_injected: injected,
    kills: figures.kills,
    duplicates,
    leaks,
    lost_passwords: lost,
    dropped_children: figures.dropped_children,
    over_deadline: figures.over_deadline,
    non_200: figures.non_200,
    converge_s: Math.round(convergeS * 10) / 10,
    converged,
    all_finalized: finalized,
    missing,
    answers: figures.answers,
    connection_errors: figures.connection_errors,
    max_answer_ms: figures.max_answer_ms,
    fault_phase_s: FAULT_SECONDS,
    finalize_s: Math.round(finalizeS * 10) / 10,
    faults_by_mode: Object.fromEntries(proxy.injected),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch(async (err: unknown) => {
  process.stderr.write(`soak failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  await killService().catch(() => undefined);
  process.exit(1);
});
