/**
 * The Queue kind's SQS I/O against a fake SQS: the calls of a drift check, a stale status URL,
 * tags at creation, what SQS refuses (a name deleted less than 60 s ago), only what the delta
 * names on update, a dead-letter target checked by its owner tags, and an idempotent delete.
 */
import t from 'tap';
import type { AwsClients } from '../../../../hooks/core/aws-clients.js';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import { TerminalError, WaitError } from '../../../../hooks/core/errors.js';
import type { KindContext } from '../../../../hooks/core/kind.js';
import type { Logger } from '../../../../hooks/core/logger.js';
import { OWNER_TAGS, ownerTags } from '../../../../hooks/core/ownership.js';
import type { Owner } from '../../../../hooks/core/types.js';
import { queueManager, statusQueueUrl } from '../../../../hooks/queue/aws.js';
import type { QueueDelta, QueueObserved } from '../../../../hooks/queue/delta.js';
import type { QueueDesired } from '../../../../hooks/queue/desired.js';
import type { QueueStatus } from '../../../../schemas/queue.js';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const NAME = 'awshooks-shop-orders';
const urlOf = (name: string) => `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`;
const owner: Owner = { cluster: 'default', namespace: 'shop', name: 'orders', uid: 'uid-1', kind: 'Queue' };
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function awsError(name: string): Error {
  return Object.assign(new Error(`${name}: simulated`), { name, Code: name, $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

/** An SQS client holding queues by name; records every call with its input. */
class FakeSqs {
  queues = new Map<string, { attributes: Record<string, string>; tags: Record<string, string> }>();
  calls: { op: string; input: Record<string, unknown> }[] = [];
  fail: Record<string, Error> = {};
  failOnce: Record<string, Error> = {};

  add(name: string, tags: Record<string, string>, attributes: Record<string, string> = {}): void {
    this.queues.set(name, { attributes: { QueueArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`, ...attributes }, tags });
  }

  ops(): string[] {
    return this.calls.map((c) => c.op);
  }

  private byUrl(url: unknown) {
    const q = this.queues.get(String(url).split('/').pop() ?? '');
    if (!q) throw awsError('QueueDoesNotExist');
    return q;
  }

  async send(cmd: { input: Record<string, unknown>; constructor: { name: string } }): Promise<unknown> {
    const op = cmd.constructor.name.replace(/Command$/, '');
    const input = cmd.input;
    this.calls.push({ op, input });
    const once = this.failOnce[op];
    if (once) {
      delete this.failOnce[op];
      throw once;
    }
    const fail = this.fail[op];
    if (fail) throw fail;
    switch (op) {
      case 'GetQueueUrl':
        if (!this.queues.has(String(input.QueueName))) throw awsError('QueueDoesNotExist');
        return { QueueUrl: urlOf(String(input.QueueName)) };
      case 'GetQueueAttributes':
        return { Attributes: { ...this.byUrl(input.QueueUrl).attributes } };
      case 'ListQueueTags':
        return { Tags: { ...this.byUrl(input.QueueUrl).tags } };
      case 'CreateQueue':
        this.add(String(input.QueueName), { ...(input.tags as Record<string, string>) }, { ...(input.Attributes as Record<string, string>) });
        return { QueueUrl: urlOf(String(input.QueueName)) };
      case 'SetQueueAttributes':
        Object.assign(this.byUrl(input.QueueUrl).attributes, input.Attributes);
        return {};
      case 'TagQueue':
        Object.assign(this.byUrl(input.QueueUrl).tags, input.Tags);
        return {};
      case 'UntagQueue': {
        const q = this.byUrl(input.QueueUrl);
        q.tags = Object.fromEntries(Object.entries(q.tags).filter(([k]) => !(input.TagKeys as string[]).includes(k)));
        return {};
      }
      case 'DeleteQueue':
        this.byUrl(input.QueueUrl);
        this.queues.delete(String(input.QueueUrl).split('/').pop() ?? '');
        return {};
      default:
        throw new Error(`fake SQS: ${op} not implemented`);
    }
  }
}

function setup() {
  const sqs = new FakeSqs();
  const ctx: KindContext = {
    config: DEFAULT_HOOKS_CONFIG,
    aws: { sqs: () => sqs } as unknown as AwsClients,
    now: () => new Date('2026-06-01T00:00:00Z'),
    log: silent,
    owner,
  };
  return { sqs, manager: queueManager(ctx) };
}

function desired(overrides: Partial<QueueDesired> = {}): QueueDesired {
  return {
    region: REGION,
    queueName: NAME,
    name: { name: NAME, claimable: true },
    fifo: false,
    attributes: { VisibilityTimeout: '45' },
    tags: { team: 'shop' },
    ownerTags: ownerTags(owner),
    adopt: false,
    deletionPolicy: 'Delete',
    ...overrides,
  };
}

const statusOf = (queueUrl: string, queueName = NAME, region = REGION) => ({ queueUrl, queueName, region }) as QueueStatus;

t.test('statusQueueUrl: only a URL naming exactly this queue, in this region', async (t) => {
  const cases: [string, QueueStatus | undefined, string | undefined][] = [
    ['no status', undefined, undefined],
    ['this queue', statusOf(urlOf(NAME)), urlOf(NAME)],
    ['another name in status', statusOf(urlOf(NAME), 'awshooks-shop-other'), undefined],
    ['another region in status', statusOf(urlOf(NAME), NAME, 'us-east-1'), undefined],
    ['a URL naming another queue', statusOf(urlOf('awshooks-other-orders')), undefined],
    ['a URL with more path', statusOf(`https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/x/${NAME}`), undefined],
    ['no account in the URL', statusOf(`https://sqs.${REGION}.amazonaws.com/shop/${NAME}`), undefined],
    ['not a URL', statusOf('not a url'), undefined],
  ];
  for (const [what, status, want] of cases) t.equal(statusQueueUrl(status, NAME, REGION), want, what);
});

t.test('readOne: a drift check with the URL from status is two calls; without it, GetQueueUrl first', async (t) => {
  const { sqs, manager } = setup();
  sqs.add(NAME, ownerTags(owner), { VisibilityTimeout: '45' });
  const seen = await manager.readOne(desired(), statusOf(urlOf(NAME)));
  t.same(sqs.ops(), ['GetQueueAttributes', 'ListQueueTags'], 'status URL: attributes (All) and tags');
  t.equal(seen?.url, urlOf(NAME));
  t.equal(seen?.attributes.VisibilityTimeout, '45');
  t.same(seen?.tags, ownerTags(owner));
  t.same(sqs.calls[0]?.input.AttributeNames, ['All'], 'one GetQueueAttributes carries the message counts too');

  sqs.calls = [];
  await manager.readOne(desired(), undefined);
  t.same(sqs.ops(), ['GetQueueUrl', 'GetQueueAttributes', 'ListQueueTags'], 'first time: the URL is looked up');
});

t.test('readOne: a stale status URL falls back to GetQueueUrl; an absent queue is undefined', async (t) => {
  const { sqs, manager } = setup();
  sqs.add(NAME, ownerTags(owner));
  const stale = statusOf(urlOf(NAME));
  sqs.failOnce.GetQueueAttributes = awsError('QueueDoesNotExist');
  const seen = await manager.readOne(desired(), stale);
  t.equal(seen?.url, urlOf(NAME), 'found again by name');
  t.same(sqs.ops(), ['GetQueueAttributes', 'GetQueueUrl', 'GetQueueAttributes', 'ListQueueTags']);

  sqs.calls = [];
  sqs.fail.GetQueueAttributes = awsError('QueueDoesNotExist');
  t.equal(await manager.readOne(desired(), stale), undefined, 'deleted between GetQueueUrl and the read: absent');
  t.same(sqs.ops(), ['GetQueueAttributes', 'GetQueueUrl', 'GetQueueAttributes']);

  delete sqs.fail.GetQueueAttributes;
  sqs.queues.clear();
  sqs.calls = [];
  t.equal(await manager.readOne(desired(), stale), undefined, 'gone: undefined');
  t.same(sqs.ops(), ['GetQueueAttributes', 'GetQueueUrl'], 'no tags read for a queue that is not there');

  sqs.calls = [];
  sqs.fail.GetQueueUrl = awsError('AccessDenied');
  await t.rejects(manager.readOne(desired(), undefined), { name: 'AccessDenied' }, 'other errors propagate');
});

t.test('readOne: a name that is not claimable is used only when its owner tags name this parent', async (t) => {
  const { sqs, manager } = setup();
  const foreign = 'awshooks-other-queue';
  sqs.add(foreign, { ...ownerTags({ ...owner, namespace: 'other' }) });
  const d = desired({ queueName: foreign, name: { name: foreign, claimable: false } });
  t.equal(await manager.readOne(d, undefined), undefined, "another namespace's queue is not ours to read");
  sqs.add(foreign, ownerTags(owner));
  t.equal((await manager.readOne(d, undefined))?.name, foreign, 'ours by its tags');
});

t.test('create: tags at creation, FIFO and policy attributes; never a name outside the namespace', async (t) => {
  const { sqs, manager } = setup();
  const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: '*' }] };
  const made = await manager.create(desired({ fifo: true, policy }), undefined);
  t.same(sqs.ops(), ['CreateQueue', 'GetQueueAttributes'], 'create, then read what AWS made');
  const input = sqs.calls[0]?.input ?? {};
  t.same(input.tags, { team: 'shop', ...ownerTags(owner) }, 'user and owner tags in the CreateQueue call itself');
  t.match(input.Attributes, { VisibilityTimeout: '45', FifoQueue: 'true', Policy: JSON.stringify(policy) });
  t.equal(made.url, urlOf(NAME));
  t.same(made.tags, { team: 'shop', ...ownerTags(owner) });

  const { sqs: other, manager: m2 } = setup();
  await t.rejects(
    m2.create(desired({ queueName: 'someone-else', name: { name: 'someone-else', claimable: false, ownPrefix: 'awshooks-shop-' } }), undefined),
    TerminalError,
    'a name outside the namespace is never created',
  );
  t.same(other.ops(), [], 'no call at all');
});

t.test('create: a name deleted less than 60 s ago waits; the SNS statements need the new ARN', async (t) => {
  const { sqs, manager } = setup();
  sqs.fail.CreateQueue = awsError('QueueDeletedRecently');
  const err = await manager.create(desired(), undefined).catch((e: unknown) => e);
  t.ok(err instanceof WaitError, 'a wait, not a failure');
  t.equal((err as WaitError).afterSeconds, 60);

  const { sqs: s2, manager: m2 } = setup();
  await m2.create(desired({ snsSources: [{ region: REGION, topicName: 'awshooks-shop-events' }] }), undefined);
  t.same(s2.ops(), ['CreateQueue', 'GetQueueAttributes', 'SetQueueAttributes'], 'the policy is set once the ARN is known');
  const policy = JSON.parse(String((s2.calls[2]?.input.Attributes as Record<string, string>).Policy)) as { Statement: { Resource: string }[] };
  t.equal(policy.Statement[0]?.Resource, `arn:aws:sqs:${REGION}:${ACCOUNT}:${NAME}`);
});

t.test('update: only what the delta names, one call per sub-resource', async (t) => {
  const { sqs, manager } = setup();
  sqs.add(NAME, { ...ownerTags(owner), old: 'x' });
  const observed: QueueObserved = { url: urlOf(NAME), name: NAME, attributes: { VisibilityTimeout: '30' }, tags: { ...ownerTags(owner), old: 'x' } };
  const none: QueueDelta = { paths: [], attributes: {}, tagsToAdd: {}, tagsToRemove: [] };
  await manager.update(desired(), observed, none, undefined);
  t.same(sqs.ops(), [], 'an empty delta makes no call');

  const delta: QueueDelta = { paths: ['x'], attributes: { VisibilityTimeout: '45' }, tagsToAdd: { team: 'shop' }, tagsToRemove: ['old'] };
  const after = await manager.update(desired(), observed, delta, undefined);
  t.same(sqs.ops(), ['SetQueueAttributes', 'TagQueue', 'UntagQueue']);
  t.same(sqs.calls[0]?.input.Attributes, { VisibilityTimeout: '45' }, 'only the changed attribute');
  t.equal(after.attributes.VisibilityTimeout, '45');
  t.same(after.tags, { ...ownerTags(owner), team: 'shop' }, 'the observed copy follows the writes');
  t.same(observed.tags, { ...ownerTags(owner), old: 'x' }, 'the observed object itself is not changed');
});

t.test('a dead-letter target outside the namespace is written only when its tags name a Queue of this namespace', async (t) => {
  const target = 'awshooks-shop-dlq';
  const arn = `arn:aws:sqs:${REGION}:${ACCOUNT}:${target}`;
  const redrive = { deadLetterTargetArn: arn, maxReceiveCount: 5, verifyOwner: true };
  const delta: QueueDelta = { paths: ['spec.deadLetter'], attributes: { RedrivePolicy: 'x' }, tagsToAdd: {}, tagsToRemove: [] };
  const observed: QueueObserved = { url: urlOf(NAME), name: NAME, attributes: {}, tags: ownerTags(owner) };

  const { sqs, manager } = setup();
  sqs.add(NAME, ownerTags(owner));
  await t.rejects(manager.update(desired({ redrive }), observed, delta, undefined), {
    name: 'TerminalError',
    reason: 'NameNotAllowed',
    message: /does not exist/,
  });
  t.same(sqs.ops(), ['GetQueueUrl'], 'nothing written');
  t.equal(sqs.calls[0]?.input.QueueOwnerAWSAccountId, ACCOUNT, "looked up in the ARN's account");

  sqs.calls = [];
  sqs.add(target, ownerTags({ ...owner, namespace: 'other', name: 'dlq' }));
  await t.rejects(manager.update(desired({ redrive }), observed, delta, undefined), { reason: 'NameNotAllowed', message: /belongs to/ });
  t.same(sqs.ops(), ['GetQueueUrl', 'ListQueueTags'], 'two reads, nothing written');

  sqs.calls = [];
  sqs.add(target, { team: 'x' });
  await t.rejects(manager.update(desired({ redrive }), observed, delta, undefined), { message: /is not managed by awshooks/ });

  sqs.calls = [];
  sqs.add(target, { ...ownerTags({ ...owner, name: 'dlq' }) });
  await manager.update(desired({ redrive }), observed, delta, undefined);
  t.same(sqs.ops(), ['GetQueueUrl', 'ListQueueTags', 'SetQueueAttributes'], 'ours: written');

  sqs.calls = [];
  sqs.add(target, { [OWNER_TAGS.cluster]: 'default', [OWNER_TAGS.namespace]: 'shop', [OWNER_TAGS.kind]: 'Topic' });
  await t.rejects(
    manager.update(desired({ redrive }), observed, delta, undefined),
    { name: 'TerminalError', reason: 'NameNotAllowed' },
    "another kind's resource is not a Queue",
  );

  sqs.calls = [];
  await manager.update(desired({ redrive: { ...redrive, verifyOwner: false } }), observed, delta, undefined);
  t.same(sqs.ops(), ['SetQueueAttributes'], "a target in the namespace's names needs no check");
});

t.test('delete: gone already counts as deleted; other errors propagate', async (t) => {
  const { sqs, manager } = setup();
  sqs.add(NAME, ownerTags(owner));
  const observed: QueueObserved = { url: urlOf(NAME), name: NAME, attributes: {}, tags: ownerTags(owner) };
  t.equal(await manager.delete(desired(), observed, undefined), 'deleted');
  t.notOk(sqs.queues.has(NAME));
  t.equal(await manager.delete(desired(), observed, undefined), 'deleted', 'a second delete finds nothing and is fine');
  sqs.fail.DeleteQueue = awsError('AccessDenied');
  await t.rejects(manager.delete(desired(), observed, undefined), { name: 'AccessDenied' });
});
