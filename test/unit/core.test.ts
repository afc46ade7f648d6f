import t from 'tap';
import { deriveName } from '../../hooks/core/naming.js';
import { mergeConditions } from '../../hooks/core/conditions.js';
import { ownership, tagDelta, ownerTags, OWNER_TAGS } from '../../hooks/core/ownership.js';
import { normalizePolicyDocument, parsePolicyDocument, samePolicyDocument } from '../../hooks/shared/policy-document.js';
import { keepObservedChildren } from '../../hooks/core/children.js';
import { backoffSeconds } from '../../hooks/core/error-answer.js';
import { classifyError, RecoverableError, TerminalError, WaitError, outcomeOf, safeMessage } from '../../hooks/core/errors.js';
import { validateSpec } from '../../hooks/core/spec-validation.js';
import { QueueSpecSchema } from '../../schemas/queue.js';
import type { Owner } from '../../hooks/core/types.js';

t.test('deriveName keeps short names and cuts long ones with a hash suffix', async (t) => {
  const rules = { maxLength: 80, invalidChars: /[^A-Za-z0-9_-]/g };
  const cases: [string[], string][] = [
    [['awshooks', 'shop', 'orders'], 'awshooks-shop-orders'],
    [['awshooks', 'shop', 'a.b'], 'awshooks-shop-a-b'],
    [['p', '', 'x'], 'p-x'],
  ];
  for (const [parts, want] of cases) t.equal(deriveName(parts, rules), want, parts.join('/'));
  const long = deriveName(['awshooks', 'n'.repeat(60), 'q'.repeat(60)], rules);
  t.equal(long.length, 80, 'cut to the limit');
  t.match(long, /^awshooks-n+(-q+)?-[0-9a-f]{8}$/, 'ends with a hash');
  const other = deriveName(['awshooks', 'n'.repeat(60), 'q'.repeat(59) + 'r'], rules);
  t.not(long, other, 'names sharing a long beginning still differ');
  const fifo = deriveName(['awshooks', 'n'.repeat(60), 'q'.repeat(60)], { ...rules, suffix: '.fifo' });
  t.equal(fifo.length, 80, 'suffix counts towards the limit');
  t.ok(fifo.endsWith('.fifo'));
  t.equal(deriveName(['awshooks', 'n'.repeat(60), 'q'.repeat(60)], rules), long, 'deterministic');
});

t.test('mergeConditions keeps lastTransitionTime while the status is unchanged', async (t) => {
  const t0 = new Date('2026-01-01T00:00:00Z');
  const t1 = new Date('2026-01-01T00:05:00Z');
  const first = mergeConditions(undefined, [{ type: 'Ready', status: 'False', reason: 'Creating', message: 'm' }], t0);
  t.equal(first[0]!.lastTransitionTime, t0.toISOString());
  const same = mergeConditions(first, [{ type: 'Ready', status: 'False', reason: 'Other', message: 'x' }], t1);
  t.equal(same[0]!.lastTransitionTime, t0.toISOString(), 'same status: time kept');
  t.equal(same[0]!.reason, 'Other', 'reason updated');
  const flipped = mergeConditions(same, [{ type: 'Ready', status: 'True', reason: 'Available', message: 'ok' }], t1);
  t.equal(flipped[0]!.lastTransitionTime, t1.toISOString(), 'status change: new time');
  const kept = mergeConditions(
    [...flipped, { type: 'Connectable', status: 'True', reason: 'A', message: '', lastTransitionTime: 'x' }],
    [{ type: 'Ready', status: 'True', reason: 'Available', message: 'ok' }],
    t1,
  );
  t.same(
    kept.map((c) => c.type),
    ['Connectable', 'Ready'],
    'unmentioned conditions kept, sorted',
  );
});

t.test('ownership by tags', async (t) => {
  const owner: Owner = { cluster: 'c1', namespace: 'ns', name: 'q', uid: 'u1', kind: 'Queue' };
  const tags = ownerTags(owner);
  t.equal(ownership(tags, owner), 'ours');
  t.equal(ownership({ ...tags, [OWNER_TAGS.uid]: 'u2' }, owner), 'ours', 'same name, new uid: same owner');
  t.equal(ownership({}, owner), 'unowned');
  t.equal(ownership(undefined, owner), 'unowned');
  t.equal(ownership({ team: 'x' }, owner), 'unowned', 'user tags only');
  t.equal(ownership({ ...tags, [OWNER_TAGS.namespace]: 'other' }, owner), 'foreign', 'other namespace');
  t.equal(ownership({ ...tags, [OWNER_TAGS.cluster]: 'c2' }, owner), 'foreign', 'other cluster');
  t.equal(ownership({ ...tags, [OWNER_TAGS.kind]: 'Role' }, owner), 'foreign', 'other kind');
});

t.test('tagDelta never removes tags we did not set', async (t) => {
  const d = tagDelta({ a: '1', b: '2' }, { a: '1', b: 'old', c: 'theirs', gone: 'x' }, ['a', 'gone']);
  t.same(d.toAdd, { b: '2' });
  t.same(d.toRemove, ['gone'], 'only a key we managed before is removed; c is left alone');
  t.same(tagDelta({ a: '1' }, { a: '1' }, ['a']), { toAdd: {}, toRemove: [] }, 'converged: nothing');
});

t.test('policy documents compare by meaning', async (t) => {
  const a = {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'B', Effect: 'Allow', Action: 's3:GetObject', Resource: ['arn:aws:s3:::b/*'] },
      { Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'], Resource: '*', Condition: { NumericLessThan: { 'aws:x': 5 } } },
    ],
  };
  const b = {
    Statement: [
      {
        Resource: '*',
        Action: ['sqs:ReceiveMessage', 'sqs:SendMessage', 'sqs:SendMessage'],
        Effect: 'Allow',
        Condition: { NumericLessThan: { 'aws:x': ['5'] } },
      },
      { Resource: 'arn:aws:s3:::b/*', Action: ['s3:GetObject'], Effect: 'Allow', Sid: 'B' },
    ],
    Version: '2012-10-17',
  };
  t.ok(samePolicyDocument(a, b), 'order, string vs array, duplicates, number vs string');
  t.notOk(samePolicyDocument(a, { ...b, Statement: [b.Statement[0]] }), 'a missing statement differs');
  t.notOk(
    samePolicyDocument({ Statement: { Effect: 'Allow', Action: 'a:b', Resource: '*' } }, { Statement: { Effect: 'Deny', Action: 'a:b', Resource: '*' } }),
  );
  t.ok(
    samePolicyDocument(
      { Statement: { Effect: 'Allow', Action: 'a:b', Resource: '*' } },
      { Statement: [{ Effect: 'Allow', Action: ['a:b'], Resource: ['*'] }] },
    ),
    'single statement object',
  );
  const encoded = encodeURIComponent(JSON.stringify(a));
  t.ok(samePolicyDocument(parsePolicyDocument(encoded), a), 'URL-encoded (IAM) documents are decoded');
  t.ok(samePolicyDocument(parsePolicyDocument(JSON.stringify(a)), a), 'plain JSON');
  t.equal(parsePolicyDocument(''), undefined);
  t.equal(parsePolicyDocument('not json'), undefined);
  t.same(normalizePolicyDocument({ Statement: [{ Principal: { AWS: 'arn:1' } }] }), { Statement: [{ Principal: { AWS: ['arn:1'] } }] });
});

t.test('errors are classified: terminal codes, recoverable AWS errors, bugs', async (t) => {
  const aws = (name: string, fault: 'client' | 'server' = 'client') =>
    Object.assign(new Error(`${name} happened`), { name, $fault: fault, $metadata: { httpStatusCode: fault === 'server' ? 500 : 400 } });
  const terminal = classifyError(aws('InvalidAttributeValue'), new Set(['InvalidAttributeValue']));
  t.ok(terminal instanceof TerminalError);
  t.equal((terminal as TerminalError).reason, 'InvalidAttributeValue');
  const throttled = classifyError(aws('ThrottlingException'));
  t.ok(throttled instanceof RecoverableError, 'throttling is recoverable');
  t.ok(classifyError(aws('InternalError', 'server')) instanceof RecoverableError, '5xx is recoverable');
  t.ok(classifyError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })) instanceof RecoverableError, 'network errors are recoverable');
  const bug = new TypeError('x is undefined');
  t.equal(classifyError(bug), bug, 'a bug stays a bug (500)');
  const wait = new WaitError('DependencyNotReady', 'm', 10);
  t.equal(classifyError(wait), wait);
  t.equal(outcomeOf(undefined), 'success');
  t.equal(outcomeOf(aws('ThrottlingException')), 'throttled');
  t.equal(outcomeOf(aws('InternalError', 'server')), 'server_error');
  t.equal(outcomeOf(aws('AccessDenied')), 'client_error');
  t.equal(outcomeOf(new Error('socket hang up')), 'network_error');
  t.equal(
    safeMessage(new Error('Rate exceeded RequestId: 0123abcd-4567-89ab-cdef-0123456789ab')),
    'Rate exceeded',
    'request IDs stripped: status stays deterministic',
  );
});

t.test('backoff grows with the time already spent failing, within bounds', async (t) => {
  const now = new Date('2026-01-01T00:10:00Z');
  const cond = (reason: string, since: string) => [{ type: 'Synced', status: 'False' as const, reason, message: '', lastTransitionTime: since }];
  t.equal(backoffSeconds(undefined, 'Throttling', now), 5, 'first failure: minimum');
  t.equal(backoffSeconds(cond('Throttling', '2026-01-01T00:09:40Z'), 'Throttling', now), 20, 'failing for 20 s: wait 20 s (doubling)');
  t.equal(backoffSeconds(cond('Throttling', '2026-01-01T00:00:00Z'), 'Throttling', now), 300, 'capped at 300 s');
  t.equal(backoffSeconds(cond('Other', '2026-01-01T00:00:00Z'), 'Throttling', now), 5, 'a new reason starts over');
});

t.test('keepObservedChildren keeps every observed child the kind did not return', async (t) => {
  const observed = {
    'ConfigMap.v1': {
      'ns/a': {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'a', namespace: 'ns', resourceVersion: '5', annotations: { 'metacontroller.k8s.io/last-applied-configuration': '{}', keep: 'me' } },
        data: { K: 'v' },
      },
    },
    'Secret.v1': { 'ns/s': { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns' }, data: { password: 'cw==' } } },
  };
  const computed = [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { K: 'new' } }];
  const out = keepObservedChildren(computed, observed);
  t.equal(out.length, 2);
  t.same(out[0], computed[0], 'the computed child wins');
  t.same(
    out[1],
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { password: 'cw==' } },
    'the observed Secret is kept as is, minus server fields',
  );
  const cm = keepObservedChildren([], observed).find((c) => c.kind === 'ConfigMap')!;
  t.same(cm.metadata, { name: 'a', annotations: { keep: 'me' } }, 'metacontroller annotations and resourceVersion dropped');
});

t.test('validateSpec applies defaults on a copy and names bad fields', async (t) => {
  const spec = { region: 'eu-west-1' };
  const out = validateSpec<Record<string, unknown>>(QueueSpecSchema, spec);
  t.same(spec, { region: 'eu-west-1' }, 'input untouched');
  t.equal(out.deletionPolicy, 'Delete');
  t.equal(out.fifo, false);
  t.equal(out.adopt, false);
  t.throws(() => validateSpec(QueueSpecSchema, { region: 'eu-west-1', delaySeconds: 901 }), { message: /spec\.delaySeconds: must be <= 900/ });
  t.throws(() => validateSpec(QueueSpecSchema, {}), { message: /spec\.region: required/ });
  t.throws(() => validateSpec(QueueSpecSchema, { region: 'eu-west-1', delaySecs: 1 }), { message: /unknown field "delaySecs"/ });
  t.throws(
    () => validateSpec(QueueSpecSchema, { region: 'eu-west-1', visibilityTimeout: '30' }),
    { message: /visibilityTimeout: must be integer/ },
    'no coercion of strings',
  );
  t.throws(() => validateSpec(QueueSpecSchema, { region: 'Mars' }), { reason: 'InvalidSpec', message: /spec\.region/ });
});
