/**
 * Bad input gets a clear answer, never a 500 (issue 8 §3): deeply nested specs on sync, finalize
 * and customize; invalid policy documents and tags on every kind, refused before any AWS call.
 * AWS is unreachable here: the call counter proves no call was made.
 */
import t from 'tap';
import type { Parent, SyncResponse } from '../../hooks/core/types.js';
import { TEST_TOKEN, testApp, type TestApp } from '../helpers/app.js';

const CLOSED = { awsEndpointUrl: 'http://127.0.0.1:9' };
const ISSUER = 'oidc.eks.eu-west-1.amazonaws.com/id/ABC123';
const iam = { oidcProviderArn: `arn:aws:iam::123456789012:oidc-provider/${ISSUER}`, oidcIssuer: ISSUER, accountId: '123456789012' };
const ready = (a: SyncResponse) =>
  (a.status.conditions as { type: string; status: string; reason: string; message: string }[]).find((c) => c.type === 'Ready')!;

const KINDS = {
  queues: { apiVersion: 'sqs.awshooks.dev/v1alpha1', kind: 'Queue', base: { region: 'eu-west-1' }, children: { 'ConfigMap.v1': {} } },
  policies: {
    apiVersion: 'iam.awshooks.dev/v1alpha1',
    kind: 'Policy',
    base: { document: { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] } },
    children: {},
  },
  roles: { apiVersion: 'iam.awshooks.dev/v1alpha1', kind: 'Role', base: {}, children: { 'ServiceAccount.v1': {} } },
  dbinstances: { apiVersion: 'rds.awshooks.dev/v1alpha1', kind: 'DBInstance', base: {}, children: { 'Secret.v1': {}, 'Service.v1': {} } },
} as const;
type Plural = keyof typeof KINDS;

const parent = (plural: Plural, spec: Record<string, unknown>, status?: Record<string, unknown>): Parent => {
  const k = KINDS[plural];
  return {
    apiVersion: k.apiVersion,
    kind: k.kind,
    metadata: { name: 'x', namespace: 'shop', uid: 'uid-x', generation: 2 },
    spec: { ...k.base, ...spec },
    ...(status ? { status } : {}),
  };
};
const sync = (app: TestApp, plural: Plural, spec: Record<string, unknown>, hook: 'sync' | 'finalize' = 'sync', status?: Record<string, unknown>) =>
  app.sync(plural, { parent: parent(plural, spec, status), children: KINDS[plural].children, ...(hook === 'finalize' ? { finalizing: true } : {}) }, hook);

function nested(depth: number, leaf: unknown, wrap: (v: unknown) => unknown): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = wrap(v);
  return v;
}

/**
 * A hook call whose body has `"__DEEP__"` replaced by `deep` (JSON text): JSON.stringify itself
 * overflows on 5,000 levels, as Metacontroller's Go encoder does not.
 */
async function rawCall(
  app: TestApp,
  plural: Plural,
  hook: string,
  body: Record<string, unknown>,
  deep: string,
): Promise<{ statusCode: number; json: () => SyncResponse & { relatedResources?: unknown } }> {
  const payload = JSON.stringify({ controller: {}, children: {}, ...body }).replace('"__DEEP__"', deep);
  const res = await app.hooks.inject({
    method: 'POST',
    url: `/hooks/${plural}/${hook}`,
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
    payload,
  });
  return { statusCode: res.statusCode, json: () => res.json() };
}

t.test('a Policy Action nested 5,000 levels: InvalidSpec on sync, and finalize completes', async (t) => {
  const app = await testApp(iam, CLOSED);
  t.teardown(() => app.close());
  const deep = `${'['.repeat(5000)}"s3:GetObject"${']'.repeat(5000)}`;
  const spec = { document: { Statement: [{ Effect: 'Allow', Action: '__DEEP__', Resource: '*' }] } };
  const answer = await rawCall(app, 'policies', 'sync', { parent: parent('policies', spec) }, deep);
  t.equal(answer.statusCode, 200, 'not a 500');
  t.equal(ready(answer.json()).reason, 'InvalidSpec');
  t.match(ready(answer.json()).message, /spec\.document\.Statement\[0\]\.Action(\[0\])+: nested more than 32 levels deep/);
  const customize = await rawCall(app, 'roles', 'customize', { parent: parent('roles', { inlinePolicies: { p: spec.document } }) }, deep);
  t.equal(customize.statusCode, 200, 'customize answers too');
  t.same(customize.json(), { relatedResources: [] });
  t.equal(await app.awsCalls(), 0, 'sync and customize call no AWS');
  // Finalize never depends on the spec: it looks for the derived name in AWS (here unreachable),
  // and answers 200 without finalizing until AWS says nothing of this parent's is left.
  const fin = await rawCall(app, 'policies', 'finalize', { parent: parent('policies', spec), finalizing: true }, deep);
  t.equal(fin.statusCode, 200);
  t.equal(fin.json().finalized, false, 'AWS unreachable: not finalized on a guess');
  t.not(ready(fin.json()).reason, 'InvalidSpec', 'finalize is not blocked by the invalid spec');
  const retained = await rawCall(
    app,
    'policies',
    'finalize',
    {
      parent: parent('policies', { ...spec, deletionPolicy: 'Retain' }, { arn: 'arn:aws:iam::123456789012:policy/awshooks/awshooks-shop-x' }),
      finalizing: true,
    },
    deep,
  );
  t.equal(retained.json().finalized, true, 'created, deletionPolicy Retain: finalized');
});

t.test('a Queue policy nested 1,000 levels: InvalidSpec on sync, and finalize completes', async (t) => {
  const app = await testApp({}, CLOSED);
  t.teardown(() => app.close());
  const spec = { policy: { Statement: nested(1000, {}, (v) => ({ Effect: v })) } };
  t.equal(ready(await sync(app, 'queues', spec)).reason, 'InvalidSpec');
  t.equal(await app.awsCalls(), 0, 'sync calls no AWS');
  const fin = await sync(app, 'queues', spec, 'finalize');
  t.equal(fin.finalized, false, 'AWS unreachable: finalize looks for the derived queue and waits');
  t.not(ready(fin).reason, 'InvalidSpec', 'finalize is not blocked by the invalid spec');
  t.equal((await sync(app, 'queues', { ...spec, deletionPolicy: 'Retain' }, 'finalize')).finalized, true, 'Retain: finalized');
});

t.test('invalid queue policies reach AWS instead of InvalidSpec: Effect Maybe, Action [[…]], Statement "nope"', async (t) => {
  const app = await testApp({}, CLOSED);
  t.teardown(() => app.close());
  const principal = { AWS: 'arn:aws:iam::123456789012:root' };
  const cases: [Record<string, unknown>, RegExp][] = [
    [
      { Statement: [{ Effect: 'Maybe', Principal: principal, Action: 'sqs:SendMessage', Resource: '*' }] },
      /spec\.policy\.Statement\[0\]\.Effect: must be "Allow" or "Deny"/,
    ],
    [
      { Statement: [{ Effect: 'Allow', Principal: principal, Action: [['sqs:SendMessage']], Resource: '*' }] },
      /spec\.policy\.Statement\[0\]\.Action\[0\]: must be a non-empty string/,
    ],
    [{ Statement: 'nope' }, /spec\.policy\.Statement: must be a list of statements or one statement object/],
  ];
  for (const [policy, message] of cases) {
    const answer = await sync(app, 'queues', { policy });
    t.equal(ready(answer).reason, 'InvalidSpec', JSON.stringify(policy));
    t.match(ready(answer).message, message);
  }
  t.equal(await app.awsCalls(), 0, 'no AWS call');
});

t.test('invalid tags are refused by one validation on every kind, before any AWS call', async (t) => {
  const app = await testApp(iam, CLOSED);
  t.teardown(() => app.close());
  const cases: [Record<string, string>, RegExp][] = [
    [{ 'a b!': 'x' }, /spec\.tags: key "a b!" may contain only letters, digits, spaces and _ \. : \/ = \+ - @/],
    [{ 'aws:x': 'y' }, /spec\.tags: key "aws:x" is reserved by AWS/],
    [{ 'AWS:cost': 'y' }, /reserved by AWS/],
    [{ 'awshooks.dev/namespace': 'other' }, /reserved for awshooks owner tags/],
    [{ 'Awshooks.Dev/name': 'other' }, /reserved for awshooks owner tags/],
    [{ team: 'a;b' }, /spec\.tags\.team: the value may contain only/],
    [{ team: 'v'.repeat(257) }, /spec\.tags\.team: must NOT have more than 256 characters/],
    [{ ['k'.repeat(129)]: 'v' }, /must be 1-128 characters/],
  ];
  for (const plural of Object.keys(KINDS) as Plural[]) {
    for (const [tags, message] of cases) {
      const answer = await sync(app, plural, { tags });
      t.equal(ready(answer).reason, 'InvalidSpec', `${plural} ${JSON.stringify(tags).slice(0, 40)}`);
      t.match(ready(answer).message, message);
    }
  }
  t.equal(await app.awsCalls(), 0, 'no AWS call');
});
