/**
 * Drift-check scenarios of every kind: each converges one parent through the running service
 * (feeding answers back as Metacontroller does), then counts the AWS calls of one drift check
 * (a sync once the service's clock has moved past the kind's interval).
 */
import type { App } from '../server/app.js';
import type { KubeObject, ObjectMap, Parent, SyncResponse } from '../hooks/core/types.js';

/** What a scenario may use. */
export interface ScenarioContext {
  url: string;
  post: (url: string, path: string, body: unknown) => Promise<SyncResponse>;
  app: App;
  /** Move the service's clock. */
  advance(seconds: number): void;
  /** The kind's drift-check interval in seconds. */
  intervalOf(plural: string): number;
}

/** One measured figure of the benchmark's JSON line. */
export interface DriftScenario {
  key: string;
  plural: string;
  measure(ctx: ScenarioContext): Promise<number>;
}

const ready = (answer: SyncResponse) =>
  (answer.status.conditions as { type: string; status: string }[] | undefined)?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** A parent driven like Metacontroller drives it. */
class Driver {
  children: ObjectMap;
  related: ObjectMap = {};
  constructor(
    private readonly ctx: ScenarioContext,
    readonly plural: string,
    public parent: Parent,
    childTypes: string[],
  ) {
    this.children = Object.fromEntries(childTypes.map((t) => [t, {}]));
  }
  async sync(): Promise<SyncResponse> {
    const answer = await this.ctx.post(this.ctx.url, `/hooks/${this.plural}/sync`, {
      controller: {},
      parent: this.parent,
      children: this.children,
      related: this.related,
    });
    const ns = this.parent.metadata.namespace!;
    this.parent = { ...this.parent, status: answer.status };
    const children: ObjectMap = Object.fromEntries(Object.keys(this.children).map((k) => [k, {}]));
    for (const child of answer.children) {
      const key = `${child.kind}.${child.apiVersion}`;
      (children[key] ??= {})[`${ns}/${child.metadata.name}`] = { ...child, metadata: { ...child.metadata, namespace: ns } };
    }
    this.children = children;
    return answer;
  }
  async converge(tweak?: (d: Driver) => void): Promise<SyncResponse> {
    for (let i = 0; i < 6; i++) {
      const answer = await this.sync();
      if (ready(answer)) return answer;
      tweak?.(this);
    }
    throw new Error(`${this.plural}/${this.parent.metadata.name} did not become Ready: ${JSON.stringify(this.parent.status)}`);
  }
  /** AWS calls of one drift check. */
  async driftCheck(runs = 3): Promise<number> {
    const before = await this.ctx.app.metrics.awsCallCount();
    for (let i = 0; i < runs; i++) {
      this.ctx.advance(this.ctx.intervalOf(this.plural) + 1);
      const answer = await this.sync();
      if (!ready(answer)) throw new Error(`drift check not Ready: ${JSON.stringify(answer.status)}`);
    }
    return Math.round((((await this.ctx.app.metrics.awsCallCount()) - before) / runs) * 100) / 100;
  }
}

/** Credentials of the local PostgreSQL standing in for an RDS instance (scripts/databases.sh). */
function localPostgres(): { user: string; password: string } {
  const url = new URL(process.env.TEST_PG_URL ?? 'postgres://awshooks_admin:awshooks-local-pw@127.0.0.1:25432/postgres');
  return { user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
}

/** A DBInstance with backup.every off (1 call per drift check) or its default, 24h (2 calls). */
const dbinstance = (backupEvery?: string): DriftScenario => ({
  key: backupEvery ? 'aws_calls_drift_check_dbinstance_backup' : 'aws_calls_drift_check_dbinstance',
  plural: 'dbinstances',
  async measure(ctx) {
    const pg = localPostgres();
    const name = backupEvery ? 'bench-backup' : 'bench';
    const d = new Driver(
      ctx,
      'dbinstances',
      {
        apiVersion: 'rds.awshooks.dev/v1alpha1',
        kind: 'DBInstance',
        metadata: { name, namespace: 'bench', uid: `00000000-0000-4000-8000-00000000000${backupEvery ? 2 : 1}`, generation: 1 },
        spec: {
          region: 'us-east-1',
          engine: 'postgres',
          masterUsername: pg.user,
          deletionPolicy: 'Delete',
          backup: backupEvery ? { retentionDays: 7, every: backupEvery } : { every: 'off' },
        },
      },
      ['Secret.v1', 'Service.v1'],
    );
    // First sync returns the master Secret; the "person" sets its password to the local
    // server's, standing in for the RDS master password.
    await d.converge((drv) => {
      const secret = drv.children['Secret.v1']?.[`bench/${name}-master`] as (KubeObject & { data: Record<string, string> }) | undefined;
      if (secret) secret.data.password = Buffer.from(pg.password).toString('base64');
    });
    return d.driftCheck();
  },
});

const s3ReadPolicy = (name: string): Parent => ({
  apiVersion: 'iam.awshooks.dev/v1alpha1',
  kind: 'Policy',
  metadata: { name, namespace: 'bench', uid: `uid-policy-${name}`, generation: 1 },
  spec: {
    description: 'bench',
    document: {
      Version: '2012-10-17',
      Statement: [{ Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::bench/*', 'arn:aws:s3:::bench'] }],
    },
    tags: { team: 'bench' },
  },
});

const policy: DriftScenario = {
  key: 'aws_calls_drift_check_policy',
  plural: 'policies',
  async measure(ctx) {
    const d = new Driver(ctx, 'policies', s3ReadPolicy('bench-read'), []);
    await d.converge();
    return d.driftCheck();
  },
};

const role: DriftScenario = {
  key: 'aws_calls_drift_check_role',
  plural: 'roles',
  async measure(ctx) {
    const p = new Driver(ctx, 'policies', s3ReadPolicy('bench-role-read'), []);
    await p.converge();
    const d = new Driver(
      ctx,
      'roles',
      {
        apiVersion: 'iam.awshooks.dev/v1alpha1',
        kind: 'Role',
        metadata: { name: 'bench-app', namespace: 'bench', uid: 'uid-role-bench-app', generation: 1 },
        spec: {
          policies: ['bench-role-read'],
          managedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
          inlinePolicies: { send: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }] } },
          tags: { team: 'bench' },
        },
      },
      ['ServiceAccount.v1'],
    );
    d.related = { 'Policy.iam.awshooks.dev/v1alpha1': { 'bench/bench-role-read': p.parent } };
    await d.converge();
    return d.driftCheck();
  },
};

const queue: DriftScenario = {
  key: 'aws_calls_drift_check',
  plural: 'queues',
  async measure(ctx) {
    const d = new Driver(
      ctx,
      'queues',
      {
        apiVersion: 'sqs.awshooks.dev/v1alpha1',
        kind: 'Queue',
        metadata: { name: 'bench-drift', namespace: 'bench', uid: 'uid-queue-bench-drift', generation: 1 },
        spec: { region: 'us-east-1', visibilityTimeout: 60, tags: { team: 'bench' } },
      },
      ['ConfigMap.v1'],
    );
    await d.converge();
    return d.driftCheck();
  },
};

/** Seed 004's table, as written, in namespace bench. */
const tableParent = (name: string, extra: Record<string, unknown> = {}): Parent => ({
  apiVersion: 'dynamodb.awshooks.dev/v1alpha1',
  kind: 'Table',
  metadata: { name, namespace: 'bench', uid: `uid-table-${name}`, generation: 1 },
  spec: {
    hashAttribute: { name: 'name', type: 'S' },
    rangeAttribute: { name: 'created_at', type: 'S' },
    readCapacityUnits: 5,
    writeCapacityUnits: 5,
    tags: { team: 'bench' },
    ...extra,
  },
});

/** Fail the figure when a kind makes more AWS calls than its stated budget. */
function withinBudget(key: string, calls: number, budget: number): number {
  if (calls > budget) throw new Error(`${key}: ${calls} AWS calls, over the budget of ${budget}`);
  return calls;
}

/**
 * Table budgets: 0 calls converged; a drift check 2 (DescribeTable, ListTagsOfResource), plus
 * one each for DescribeTimeToLive and DescribeContinuousBackups when the spec sets timeToLive
 * and pointInTimeRecovery (4).
 */
const tableConverged: DriftScenario = {
  key: 'aws_calls_converged_table',
  plural: 'tables',
  async measure(ctx) {
    const d = new Driver(ctx, 'tables', tableParent('bench-converged'), ['ConfigMap.v1']);
    await d.converge();
    const before = await ctx.app.metrics.awsCallCount();
    const runs = 5;
    for (let i = 0; i < runs; i++) if (!ready(await d.sync())) throw new Error('converged Table not Ready');
    return withinBudget('aws_calls_converged_table', ((await ctx.app.metrics.awsCallCount()) - before) / runs, 0);
  },
};

const tableDrift = (full: boolean): DriftScenario => ({
  key: full ? 'aws_calls_drift_check_table_ttl_pitr' : 'aws_calls_drift_check_table',
  plural: 'tables',
  async measure(ctx) {
    const extra = full
      ? {
          globalSecondaryIndexes: [{ name: 'by-team', hashAttribute: { name: 'team', type: 'S' }, readCapacityUnits: 1, writeCapacityUnits: 1 }],
          timeToLive: { attributeName: 'ttl' },
          pointInTimeRecovery: {},
          stream: { viewType: 'NEW_IMAGE' },
        }
      : {};
    const d = new Driver(ctx, 'tables', tableParent(full ? 'bench-full' : 'bench', extra), ['ConfigMap.v1']);
    await d.converge();
    return withinBudget(this.key, await d.driftCheck(), full ? 4 : 2);
  },
});

/**
 * Bucket drift checks. Budget: 2 calls for a default Bucket (GetBucketTagging for existence and
 * ownership, GetPublicAccessBlock, always managed), +1 for each of versioning, encryption,
 * lifecycle rules and policy the spec sets: 6 with all of them.
 */
const bucket = (full: boolean): DriftScenario => ({
  key: full ? 'aws_calls_drift_check_bucket_full' : 'aws_calls_drift_check_bucket',
  plural: 'buckets',
  async measure(ctx) {
    const name = full ? 'bench-full' : 'bench';
    const arn = `arn:aws:s3:::awshooks-bench-${name}`;
    const d = new Driver(
      ctx,
      'buckets',
      {
        apiVersion: 's3.awshooks.dev/v1alpha1',
        kind: 'Bucket',
        metadata: { name, namespace: 'bench', uid: `uid-bucket-${name}`, generation: 1 },
        spec: {
          region: 'eu-west-1',
          tags: { team: 'bench' },
          ...(full
            ? {
                versioning: 'Enabled',
                encryption: { algorithm: 'AES256' },
                lifecycleRules: [{ id: 'logs', prefix: 'logs/', expirationDays: 365, transitions: [{ days: 30, storageClass: 'STANDARD_IA' }] }],
                policy: {
                  Statement: [
                    {
                      Sid: 'TlsOnly',
                      Effect: 'Deny',
                      Principal: '*',
                      Action: 's3:*',
                      Resource: [arn, `${arn}/*`],
                      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
                    },
                  ],
                },
              }
            : {}),
        },
      },
      ['ConfigMap.v1'],
    );
    await d.converge();
    return d.driftCheck();
  },
});

/**
 * Repository drift checks. Budget: 2 calls (DescribeRepositories, ListTagsForResource), +1 for
 * each of the lifecycle policy and the repository policy the spec sets: 4 with both.
 */
const repository = (policies: boolean): DriftScenario => ({
  key: policies ? 'aws_calls_drift_check_repository_policies' : 'aws_calls_drift_check_repository',
  plural: 'repositories',
  async measure(ctx) {
    const name = policies ? 'bench-policies' : 'bench';
    const d = new Driver(
      ctx,
      'repositories',
      {
        apiVersion: 'ecr.awshooks.dev/v1alpha1',
        kind: 'Repository',
        metadata: { name, namespace: 'bench', uid: `uid-repository-${name}`, generation: 1 },
        spec: {
          region: 'eu-west-1',
          imageTagMutability: 'IMMUTABLE',
          scanOnPush: true,
          tags: { team: 'bench' },
          ...(policies
            ? {
                lifecyclePolicy: {
                  rules: [
                    {
                      rulePriority: 1,
                      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
                      action: { type: 'expire' },
                    },
                  ],
                },
                policy: {
                  Statement: [
                    {
                      Sid: 'Pull',
                      Effect: 'Allow',
                      Principal: { AWS: 'arn:aws:iam::111122223333:root' },
                      Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
                    },
                  ],
                },
              }
            : {}),
        },
      },
      ['ConfigMap.v1'],
    );
    await d.converge();
    return d.driftCheck();
  },
});

const snsParent = (kind: string, apiVersion: string, name: string, spec: Record<string, unknown>): Parent => ({
  apiVersion,
  kind,
  metadata: { name, namespace: 'bench', uid: `uid-${kind}-${name}`, generation: 1, creationTimestamp: '2026-11-22T00:00:00Z' },
  spec,
});

const topic: DriftScenario = {
  key: 'aws_calls_drift_check_topic',
  plural: 'topics',
  async measure(ctx) {
    const d = new Driver(
      ctx,
      'topics',
      snsParent('Topic', 'sns.awshooks.dev/v1alpha1', 'bench-topic', { region: 'us-east-1', displayName: 'bench', tags: { team: 'bench' } }),
      ['ConfigMap.v1'],
    );
    await d.converge();
    return d.driftCheck();
  },
};

/** A Subscription with its Topic (and Queue), each driven with the related objects its customize hook asks for. */
const subscription = (endpoint: 'queue' | 'https'): DriftScenario => ({
  key: endpoint === 'queue' ? 'aws_calls_drift_check_subscription' : 'aws_calls_drift_check_subscription_https',
  plural: 'subscriptions',
  async measure(ctx) {
    const name = `bench-${endpoint}`;
    const t = new Driver(ctx, 'topics', snsParent('Topic', 'sns.awshooks.dev/v1alpha1', name, { region: 'us-east-1' }), ['ConfigMap.v1']);
    await t.converge();
    const spec = endpoint === 'queue' ? { topicRef: name, queueRef: name } : { topicRef: name, protocol: 'https', endpoint: 'https://example.com/bench' };
    const s = new Driver(ctx, 'subscriptions', snsParent('Subscription', 'sns.awshooks.dev/v1alpha1', name, spec), []);
    const related = (q?: Driver): ObjectMap => ({
      'Topic.sns.awshooks.dev/v1alpha1': { [`bench/${name}`]: t.parent },
      'Subscription.sns.awshooks.dev/v1alpha1': { [`bench/${name}`]: s.parent },
      'Queue.sqs.awshooks.dev/v1alpha1': q ? { [`bench/${name}`]: q.parent } : {},
    });
    let q: Driver | undefined;
    if (endpoint === 'queue') {
      q = new Driver(ctx, 'queues', snsParent('Queue', 'sqs.awshooks.dev/v1alpha1', name, { region: 'us-east-1' }), ['ConfigMap.v1']);
      q.related = related();
      await q.converge();
    }
    s.related = related(q);
    await s.converge();
    return s.driftCheck();
  },
});

/** The scenarios for the kinds the service has. */
export function driftScenarios(plurals: string[]): DriftScenario[] {
  const all: DriftScenario[] = [
    queue,
    policy,
    role,
    dbinstance(),
    dbinstance('24h'),
    tableConverged,
    tableDrift(false),
    tableDrift(true),
    bucket(false),
    bucket(true),
    repository(false),
    repository(true),
    topic,
    subscription('queue'),
    subscription('https'),
  ];
  return all.filter((s) => plurals.includes(s.plural));
}
