/**
 * Parents through their life on the real API server and Metacontroller (issue 7): a Role waits for
 * its Policy; deletion honours deletionPolicy and the children are garbage-collected; and what a
 * converged, idle parent costs in status writes.
 */
import t from 'tap';
import { DeleteDBInstanceCommand, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { DeleteQueueCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { GetPolicyCommand, GetRoleCommand, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { roleNameFor } from '../../hooks/iam-common/names.js';
import { defaultQueueName } from '../../hooks/queue/desired.js';
import { defaultInstanceIdentifier } from '../../hooks/dbinstance/identifiers.js';
import { ACCOUNT, apply, aws, deleteNamespaces, DRIFT_SECONDS, install, newNamespace, PREFIX, Service } from '../helpers/e2e.js';
import { conditionOf, getObj, kubectlOk, listObjs, waitFor, waitForCondition, waitForGone, watchWrites } from '../helpers/kube.js';

let service: Service;
const namespaces: string[] = [];
const ns = async (what: string) => {
  const name = await newNamespace(what);
  namespaces.push(name);
  return name;
};

t.before(async () => {
  await install();
  service = await Service.start();
});

t.teardown(async () => {
  await deleteNamespaces(namespaces);
  // The before hook may have failed before the service started.
  await (service as Service | undefined)?.stop();
});

t.test('a Role waits for its Policy, then is Ready with its ServiceAccount annotated and the Policy attached', async (t) => {
  const n = await ns('role');
  t.equal(
    (await apply({ apiVersion: 'iam.awshooks.dev/v1alpha1', kind: 'Role', metadata: { name: 'app', namespace: n }, spec: { policies: ['reader'] } })).code,
    0,
    'Role applied first',
  );
  const waiting = await waitForCondition('roles', n, 'app', 'Ready', 'False', 'DependencyNotReady');
  t.match(conditionOf(waiting, 'Ready')?.message, /reader/, 'the condition names the missing Policy');

  t.equal(
    (
      await apply({
        apiVersion: 'iam.awshooks.dev/v1alpha1',
        kind: 'Policy',
        metadata: { name: 'reader', namespace: n },
        spec: { document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] } },
      })
    ).code,
    0,
    'then its Policy',
  );
  const policy = await waitForCondition('policies', n, 'reader', 'Ready', 'True');
  const role = await waitForCondition('roles', n, 'app', 'Ready', 'True');
  const roleName = roleNameFor(PREFIX, n, 'app');
  const roleArn = `arn:aws:iam::${ACCOUNT}:role/awshooks/${roleName}`;
  t.equal(role.status?.roleArn, roleArn);
  const sa = await waitFor('ServiceAccount app annotated', async () => {
    const obj = await getObj('serviceaccounts', n, 'app');
    return obj?.metadata.annotations?.['eks.amazonaws.com/role-arn'] === roleArn && obj;
  });
  t.equal(sa.metadata.ownerReferences?.[0]?.uid, role.metadata.uid, "the ServiceAccount is the Role's child");
  const attached = await aws.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }));
  t.same(
    attached.AttachedPolicies?.map((p) => p.PolicyArn),
    [policy.status?.arn],
    'the Policy is attached in IAM',
  );

  await kubectlOk(['-n', n, 'delete', 'iamrole', 'app', '--wait=true', '--timeout=60s']);
  await kubectlOk(['-n', n, 'delete', 'iampolicy', 'reader', '--wait=true', '--timeout=60s']);
  await t.rejects(aws.iam.send(new GetRoleCommand({ RoleName: roleName })), { name: 'NoSuchEntityException' }, 'the IAM role is deleted');
  await t.rejects(
    aws.iam.send(new GetPolicyCommand({ PolicyArn: String(policy.status?.arn) })),
    { name: 'NoSuchEntityException' },
    'the IAM policy is deleted',
  );
  await waitForGone('serviceaccounts', n, 'app', 90_000);
  t.pass('the ServiceAccount is garbage-collected');
});

t.test('deletion: Delete removes the AWS resource, Retain keeps it, the parent goes and its children are collected', async (t) => {
  const n = await ns('delete');
  const q = (name: string, deletionPolicy: string) => ({
    apiVersion: 'sqs.awshooks.dev/v1alpha1',
    kind: 'Queue',
    metadata: { name, namespace: n },
    spec: { region: 'us-east-1', deletionPolicy },
  });
  const db = (name: string, deletionPolicy: string) => ({
    apiVersion: 'rds.awshooks.dev/v1alpha1',
    kind: 'DBInstance',
    metadata: { name, namespace: n },
    spec: { engine: 'postgres', deletionPolicy },
  });
  t.equal((await apply([q('gone', 'Delete'), q('kept', 'Retain'), db('gonedb', 'Delete'), db('keptdb', 'Retain')])).code, 0);
  const sqs = aws.sqs('us-east-1');
  await Promise.all([waitForCondition('queues', n, 'gone', 'Ready', 'True'), waitForCondition('queues', n, 'kept', 'Ready', 'True')]);
  for (const name of ['gonedb', 'keptdb']) {
    await waitFor(
      `DBInstance ${name} available, with its Service`,
      async () => (await getObj('dbinstances', n, name))?.status?.dbInstanceStatus === 'available' && getObj('services', n, name),
    );
  }
  t.ok(await getObj('configmaps', n, 'gone-queue'), 'the ConfigMap of a Queue exists');
  t.ok(await getObj('secrets', n, 'gonedb-master'), 'the master Secret of a DBInstance exists');

  await kubectlOk(['-n', n, 'delete', 'queues', 'gone', 'kept', '--wait=true', '--timeout=90s']);
  await kubectlOk(['-n', n, 'delete', 'dbinstances', 'gonedb', 'keptdb', '--wait=true', '--timeout=90s']);
  await t.rejects(
    sqs.send(new GetQueueUrlCommand({ QueueName: defaultQueueName(PREFIX, n, 'gone', false) })),
    { name: 'QueueDoesNotExist' },
    'Delete: the queue is gone from SQS',
  );
  const kept = await sqs.send(new GetQueueUrlCommand({ QueueName: defaultQueueName(PREFIX, n, 'kept', false) }));
  t.ok(kept.QueueUrl, 'Retain: the queue is still in SQS');
  await t.rejects(
    aws.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: defaultInstanceIdentifier(PREFIX, n, 'gonedb') })),
    { name: 'DBInstanceNotFoundFault' },
    'Delete: the instance is gone from RDS',
  );
  const keptDb = await aws.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: defaultInstanceIdentifier(PREFIX, n, 'keptdb') }));
  t.equal(keptDb.DBInstances?.length, 1, 'Retain: the instance is still in RDS');

  // kube-controller-manager's garbage collector removes the children of the deleted parents.
  await waitFor(
    'every child to be collected',
    async () => {
      const [cms, secrets, services] = await Promise.all([listObjs('configmaps', n), listObjs('secrets', n), listObjs('services', n)]);
      const left = [...cms.filter((c) => c.metadata.name !== 'kube-root-ca.crt'), ...secrets, ...services].map((o) => o.metadata.name);
      return left.length === 0 || undefined;
    },
    90_000,
  );
  t.pass('ConfigMaps, Secrets and Services collected');

  await sqs.send(new DeleteQueueCommand({ QueueUrl: kept.QueueUrl }));
  await aws.rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: defaultInstanceIdentifier(PREFIX, n, 'keptdb'), SkipFinalSnapshot: true }));
});

t.test(`status writes of a converged, idle Queue over two drift intervals (${2 * DRIFT_SECONDS} s)`, async (t) => {
  const n = await ns('idle');
  t.equal(
    (await apply({ apiVersion: 'sqs.awshooks.dev/v1alpha1', kind: 'Queue', metadata: { name: 'idle', namespace: n }, spec: { region: 'us-east-1' } })).code,
    0,
  );
  await waitForCondition('queues', n, 'idle', 'Ready', 'True');
  // Converged: the status describes the current generation and one more sync changed nothing.
  const settled = await waitFor('the Queue to settle', async () => {
    const before = await getObj('queues', n, 'idle');
    await new Promise((r) => setTimeout(r, 1500));
    const after = await getObj('queues', n, 'idle');
    return before?.metadata.resourceVersion === after?.metadata.resourceVersion && after?.status?.observedGeneration === after?.metadata.generation && after;
  });
  const lookupsBefore = memoLookups(await service.metrics());
  const writes = await watchWrites('queues', n, 'idle', settled.metadata.resourceVersion!, 2 * DRIFT_SECONDS + 2);
  const lookupsAfter = memoLookups(await service.metrics());
  const lookups = Object.fromEntries(Object.entries(lookupsAfter).map(([k, v]) => [k, v - (lookupsBefore[k] ?? 0)]));
  t.comment(`answer memo lookups meanwhile: ${JSON.stringify(lookups)}`);
  // Metacontroller resends an idle parent the same bytes: the memo finds them without parsing.
  t.ok((lookups.unparsed ?? 0) >= 1, "the real Metacontroller's resyncs are found in the answer memo by their text");
  const modified = writes.filter((w) => w.type === 'MODIFIED');
  t.comment(`status writes by the idle Queue in ${2 * DRIFT_SECONDS + 2} s: ${modified.length}`);
  t.equal(conditionOf(await getObj('queues', n, 'idle'), 'Ready')?.status, 'True', 'still Ready');
  // DESIGN.md §1: status changes only when something changed. Drift checks are scheduled in the
  // service's memory, so a converged parent's status does not move by itself (issue 10).
  t.equal(modified.length, 0, 'no status write by a converged, idle parent over two drift intervals');
});

/** awshooks_answer_memo_lookups_total by result, from a /metrics text. */
function memoLookups(metrics: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of metrics.matchAll(/^awshooks_answer_memo_lookups_total\{result="(\w+)"\} (\d+)$/gm)) out[m[1]!] = Number(m[2]);
  return out;
}
