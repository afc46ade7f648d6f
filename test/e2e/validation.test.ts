/**
 * What the API server refuses at `kubectl apply` (issue 7): every immutable field refuses being
 * changed, set when it was absent, or removed, with its CEL message; out-of-range values and broken
 * one-of rules are refused by the schema; mutable fields still change.
 */
import t, { type Test } from 'tap';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { namespaceNamePrefix } from '../../hooks/core/naming.js';
import { instanceIdentifierPrefix } from '../../hooks/dbinstance/identifiers.js';
import { sqsNameScheme } from '../../hooks/queue/desired.js';
import { apply, aws, deleteNamespaces, install, newNamespace, PREFIX, Service } from '../helpers/e2e.js';
import { waitForCondition } from '../helpers/kube.js';

let service: Service;
let ns: string;

t.before(async () => {
  await install();
  service = await Service.start();
  ns = await newNamespace('validation');
});

t.teardown(async () => {
  await deleteNamespaces([ns]);
  // The before hook may have failed before the service started.
  await (service as Service | undefined)?.stop();
});

type Spec = Record<string, unknown>;
const obj = (apiVersion: string, kind: string, name: string, spec: Spec) => ({ apiVersion, kind, metadata: { name, namespace: ns }, spec });
const queue = (name: string, spec: Spec) => obj('sqs.awshooks.dev/v1alpha1', 'Queue', name, spec);
const policy = (name: string, spec: Spec) => obj('iam.awshooks.dev/v1alpha1', 'Policy', name, spec);
const role = (name: string, spec: Spec) => obj('iam.awshooks.dev/v1alpha1', 'Role', name, spec);
const dbi = (name: string, spec: Spec) => obj('rds.awshooks.dev/v1alpha1', 'DBInstance', name, spec);
const doc = (statement: Spec) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', ...statement }] });

/** `kubectl apply` must succeed. */
async function accepted(t: Test, what: string, manifest: object): Promise<void> {
  const r = await apply(manifest);
  t.equal(r.code, 0, `${what}: accepted${r.code ? ` (${r.stderr.trim()})` : ''}`);
}

/** `kubectl apply` must be refused, with an error matching `message`. */
async function refused(t: Test, what: string, manifest: object, message: RegExp): Promise<void> {
  const r = await apply(manifest);
  t.not(r.code, 0, `${what}: refused`);
  t.match(r.stderr, message, `${what}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
}

t.test('Queue: region, queueName and fifo cannot be changed, set or removed; ranges are checked', async (t) => {
  const base = { region: 'eu-west-1' };
  // Custom names must stay among the namespace's names (`<prefix>-<namespace token>-`).
  const own = namespaceNamePrefix(PREFIX, ns, sqsNameScheme(false));
  await accepted(t, 'a Queue without queueName', queue('plain', base));
  // The hole: a field that was absent could be added, and the service then made a second queue.
  await refused(t, 'adding queueName', queue('plain', { ...base, queueName: `${own}renamed` }), /spec\.queueName: Invalid value: .*queueName is immutable/);
  await refused(t, 'changing region', queue('plain', { region: 'us-west-2' }), /spec\.region: Invalid value: .*region is immutable/);
  await refused(t, 'changing fifo', queue('plain', { ...base, fifo: true }), /spec\.fifo: Invalid value: .*fifo is immutable/);
  await accepted(t, 'changing visibilityTimeout (mutable)', queue('plain', { ...base, visibilityTimeout: 45 }));

  const named = { region: 'eu-west-1', queueName: `${own}named` };
  await accepted(t, 'a Queue with queueName', queue('named', named));
  await refused(t, 'removing queueName', queue('named', { region: 'eu-west-1' }), /spec\.queueName: Invalid value: .*queueName is immutable/);
  await refused(t, 'changing queueName', queue('named', { ...named, queueName: `${own}other` }), /queueName is immutable/);

  // The refused edits changed nothing in AWS: the two queues, and no third.
  await waitForCondition('queues', ns, 'plain', 'Ready', 'True');
  await waitForCondition('queues', ns, 'named', 'Ready', 'True');
  const listed = await aws.sqs('eu-west-1').send(new ListQueuesCommand({ QueueNamePrefix: own }));
  t.same((listed.QueueUrls ?? []).map((u) => u.split('/').pop()).sort(), [`${own}named`, `${own}plain`], 'no renamed queue in SQS');

  for (const [field, value, message] of [
    ['delaySeconds', 901, /spec\.delaySeconds: Invalid value: 901: spec\.delaySeconds in body should be less than or equal to 900/],
    ['maximumMessageSize', 100, /spec\.maximumMessageSize: Invalid value: 100: .*greater than or equal to 1024/],
    ['receiveMessageWaitTimeSeconds', 21, /less than or equal to 20/],
    ['messageRetentionPeriod', 59, /greater than or equal to 60/],
    ['region', 'Europe', /spec\.region: Invalid value: "Europe": .*should match/],
  ] as const) {
    await refused(t, `${field}: ${value}`, queue('range', { ...base, [field]: value }), message);
  }
  await refused(
    t,
    'deadLetter with both queueRef and targetArn',
    queue('range', { ...base, deadLetter: { queueRef: 'x', targetArn: 'arn:aws:sqs:eu-west-1:123456789012:x' } }),
    /set exactly one of queueRef and targetArn/,
  );
  await refused(
    t,
    'both encryptions',
    queue('range', { ...base, encryption: { sqsManagedSse: true, kmsMasterKeyId: 'alias/x' } }),
    /use either sqsManagedSse or kmsMasterKeyId, not both/,
  );
});

t.test('Policy: description cannot be set, changed or removed; a statement needs exactly one of Action/NotAction and Resource/NotResource', async (t) => {
  const document = doc({ Action: 's3:GetObject', Resource: '*' });
  await accepted(t, 'a Policy without description (Version "2012-10-17" as the CRD stores it)', policy('plain', { document }));
  await refused(t, 'adding a description', policy('plain', { document, description: 'now' }), /spec\.description: Invalid value: .*description is immutable/);
  await accepted(t, 'a Policy with a description', policy('described', { document, description: 'read' }));
  await refused(t, 'changing it', policy('described', { document, description: 'write' }), /description is immutable/);
  await refused(t, 'removing it', policy('described', { document }), /description is immutable/);
  await accepted(
    t,
    'changing the document (mutable)',
    policy('described', { document: doc({ Action: ['s3:GetObject', 's3:ListBucket'], Resource: '*' }), description: 'read' }),
  );

  await refused(
    t,
    'Action and NotAction',
    policy('bad', { document: doc({ Action: 's3:*', NotAction: 'iam:*', Resource: '*' }) }),
    /spec\.document\.Statement\[0\]" must validate one and only one schema \(oneOf\)/,
  );
  await refused(
    t,
    'neither Action nor NotAction',
    policy('bad', { document: doc({ Resource: '*' }) }),
    /spec\.document\.Statement\[0\]\.Action: Required value/,
  );
  await refused(
    t,
    'Resource and NotResource',
    policy('bad', { document: doc({ Action: 's3:*', Resource: '*', NotResource: 'arn:aws:s3:::x' }) }),
    /must validate one and only one schema \(oneOf\)/,
  );
  await refused(
    t,
    'neither Resource nor NotResource',
    policy('bad', { document: doc({ NotAction: 's3:*' }) }),
    /spec\.document\.Statement\[0\]\.Resource: Required value/,
  );
  await refused(
    t,
    'an unknown Version',
    policy('bad', { document: { ...document, Version: '2012-10-18' } }),
    /spec\.document\.Version: Unsupported value: "2012-10-18": supported values: "2012-10-17", "2008-10-17"/,
  );
  await accepted(t, 'NotAction with NotResource', policy('negated', { document: doc({ NotAction: ['iam:*'], NotResource: 'arn:aws:s3:::secret/*' }) }));
});

t.test('Role: ranges, Policies of its own namespace, and the one-of rules in inline policies', async (t) => {
  await refused(
    t,
    'maxSessionDuration 100',
    role('bad', { maxSessionDuration: 100 }),
    /spec\.maxSessionDuration: Invalid value: 100: .*greater than or equal to 3600/,
  );
  await refused(t, 'a Policy of another namespace', role('bad', { policies: ['other/ddd'] }), /a Role may only use Policies of its own namespace/);
  await refused(
    t,
    'inline: Action and NotAction',
    role('bad', { inlinePolicies: { p: doc({ Action: 'a:b', NotAction: 'c:d', Resource: '*' }) } }),
    /spec\.inlinePolicies\.p\.Statement\[0\]" must validate one and only one schema \(oneOf\)/,
  );
  await refused(
    t,
    'inline: no Resource',
    role('bad', { inlinePolicies: { p: doc({ Action: 'a:b' }) } }),
    /spec\.inlinePolicies\.p\.Statement\[0\]\.Resource: Required value/,
  );
  await accepted(t, 'a valid inline policy', role('inline', { inlinePolicies: { p: doc({ Action: 'sqs:SendMessage', Resource: '*' }) } }));
});

t.test('DBInstance: region, identifier, engine, encryption, KMS key, subnet group and master user are immutable; storage only grows', async (t) => {
  const base = { engine: 'postgres', storageGB: 20, deletionPolicy: 'Delete' };
  await accepted(t, 'a DBInstance with the defaults', dbi('db', base));
  for (const [what, spec, message] of [
    ['adding region', { ...base, region: 'eu-west-1' }, /spec\.region: Invalid value: .*region is immutable/],
    [
      'adding instanceIdentifier',
      { ...base, instanceIdentifier: `${instanceIdentifierPrefix(PREFIX, ns)}other` },
      /spec\.instanceIdentifier: Invalid value: .*instanceIdentifier is immutable/,
    ],
    ['changing engine', { ...base, engine: 'mysql' }, /spec\.engine: Invalid value: .*engine is immutable/],
    ['changing storageEncrypted', { ...base, storageEncrypted: false }, /storageEncrypted is immutable/],
    ['adding kmsKeyId', { ...base, kmsKeyId: 'alias/db' }, /spec\.kmsKeyId: Invalid value: .*kmsKeyId is immutable/],
    ['adding subnetGroupName', { ...base, subnetGroupName: 'private' }, /subnetGroupName is immutable/],
    ['changing masterUsername', { ...base, masterUsername: 'owner' }, /masterUsername is immutable/],
    ['shrinking storage', { ...base, storageGB: 10 }, /storageGB can only grow/],
  ] as const) {
    await refused(t, what, dbi('db', spec), message);
  }
  await accepted(t, 'growing storage (mutable)', dbi('db', { ...base, storageGB: 30 }));

  const pinned = { ...base, instanceIdentifier: `${instanceIdentifierPrefix(PREFIX, ns)}pinned`, subnetGroupName: 'default' };
  await accepted(t, 'a DBInstance with identifier and subnet group', dbi('pinned', pinned));
  await refused(t, 'removing instanceIdentifier', dbi('pinned', { ...pinned, instanceIdentifier: undefined }), /instanceIdentifier is immutable/);
  await refused(t, 'removing subnetGroupName', dbi('pinned', { ...pinned, subnetGroupName: undefined }), /subnetGroupName is immutable/);

  await refused(t, 'storageGB 4', dbi('range', { ...base, storageGB: 4 }), /spec\.storageGB: Invalid value: 4: .*greater than or equal to 5/);
  await refused(t, 'a user name SQL would need quoted', dbi('range', { ...base, users: { 'Bad-Name': [] } }), /user names: a lower-case letter/);
  await refused(t, 'an unknown user role', dbi('range', { ...base, users: { app: ['owner'] } }), /Unsupported value: "owner"/);
});
