/**
 * Hook authentication between the real Metacontroller and the service (issue 7): a wrong token
 * gives a `SyncError` event and no progress, and the service logs and counts the refused call; the
 * README's token rotation steps work; and changing the Secret alone does not reach Metacontroller.
 */
import t from 'tap';
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { defaultQueueName } from '../../hooks/queue/desired.js';
import {
  apply,
  aws,
  deleteNamespaces,
  HOOK_PORT,
  install,
  newNamespace,
  newToken,
  PREFIX,
  recreateControllers,
  Service,
  setTokenSecret,
  suiteToken,
} from '../helpers/e2e.js';
import { eventsFor, getObj, kubectlOk, waitFor, waitForCondition } from '../helpers/kube.js';

let service: Service;
let n: string;

t.before(async () => {
  await install();
  service = await Service.start();
  n = await newNamespace('auth');
});

t.teardown(async () => {
  // Back to the suite's token on both sides, for the files that follow.
  await (service as Service | undefined)?.restart([suiteToken()]);
  await setTokenSecret(suiteToken());
  await recreateControllers();
  await deleteNamespaces([n]);
  // The before hook may have failed before the service started.
  await (service as Service | undefined)?.stop();
});

const queue = (name: string) =>
  apply({ apiVersion: 'sqs.awshooks.dev/v1alpha1', kind: 'Queue', metadata: { name, namespace: n }, spec: { region: 'us-east-1' } });
const ready = (name: string) => waitForCondition('queues', n, name, 'Ready', 'True', undefined, 60_000);

/** Wait for Metacontroller's SyncError event about a Queue, carrying the service's 401. */
const syncError = (name: string) =>
  waitFor(
    `a SyncError event on Queue ${n}/${name}`,
    async () => (await eventsFor(n, name)).find((e) => e.reason === 'SyncError' && e.message.includes('401')),
    60_000,
  );

t.test('a wrong token: SyncError event with the 401, no progress; the service logs path and parent and counts it', async (t) => {
  const wrong = newToken();
  const offset = service.logOffset();
  await setTokenSecret(wrong);
  await recreateControllers(); // Metacontroller reads the Secret when the CompositeController is created
  t.equal((await queue('stuck')).code, 0, 'Queue applied');
  const event = await syncError('stuck');
  t.equal(event.type, 'Warning', `SyncError: ${event.message.slice(0, 200)}`);
  t.notOk((await getObj('queues', n, 'stuck'))?.status?.conditions, 'no status was written');
  t.equal(await getObj('configmaps', n, 'stuck-queue'), undefined, 'no child was created');
  await t.rejects(
    aws.sqs().send(new GetQueueUrlCommand({ QueueName: defaultQueueName(PREFIX, n, 'stuck', false) })),
    { name: 'QueueDoesNotExist' },
    'no queue in SQS',
  );

  const line = await waitFor('the service to log the refused call', async () =>
    service.logSince(offset).find((l) => l.msg === 'hook call rejected: unauthorized' && (l.parent as { name?: string } | undefined)?.name === 'stuck'),
  );
  // Metacontroller calls a Queue's customize hook first, then sync: whichever it was, it is named.
  t.match(
    line,
    {
      level: 40,
      hook: /^(customize|sync)$/,
      path: /^\/hooks\/queues\/(customize|sync)$/,
      reason: 'unauthorized',
      parent: { kind: 'Queue', namespace: n, name: 'stuck' },
    },
    `logged with the hook path and the parent (${String(line.path)})`,
  );
  t.notMatch(JSON.stringify(service.logSince(offset)), new RegExp(wrong), 'the presented token is not in the log');
  t.match(
    await service.metrics(),
    new RegExp(`awshooks_hook_rejected_total\\{hook="${String(line.hook)}",reason="unauthorized"\\} [1-9]`),
    'counted in awshooks_hook_rejected_total',
  );

  // The fix: the right token, and the CompositeControllers recreated. The Queue then progresses.
  await setTokenSecret(suiteToken());
  await recreateControllers();
  const fixed = await ready('stuck');
  t.ok(fixed.status?.queueUrl, 'the Queue converges once the token is right');
});

t.test('token rotation, as the README says: both tokens in the file, recreate the CompositeControllers, drop the old token', async (t) => {
  const oldToken = suiteToken();
  const newer = newToken();
  // 1. The service accepts the old and the new token (HOOK_TOKEN_FILE, read at start).
  await service.restart([oldToken, newer]);
  t.equal((await queue('step1')).code, 0);
  await ready('step1');
  t.pass('step 1: both tokens accepted; Metacontroller still sends the old one');
  // 2. The new token in the Secret, and the CompositeControllers recreated so that Metacontroller reads it.
  await setTokenSecret(newer);
  await recreateControllers();
  t.equal((await queue('step2')).code, 0);
  await ready('step2');
  t.pass('step 2: Metacontroller sends the new token');
  // 3. The old token dropped from the file.
  await service.restart([newer]);
  t.equal((await queue('step3')).code, 0);
  await ready('step3');
  t.pass('step 3: the new token alone is enough: Metacontroller uses it');
  const withOld = await fetch(`http://127.0.0.1:${HOOK_PORT}/hooks/queues/customize`, {
    method: 'POST',
    headers: { authorization: `Bearer ${oldToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      controller: {},
      parent: { apiVersion: 'sqs.awshooks.dev/v1alpha1', kind: 'Queue', metadata: { name: 'x', namespace: n }, spec: { region: 'us-east-1' } },
    }),
  });
  t.equal(withOld.status, 401, 'the old token is refused');
});

t.test('changing the Secret (or annotating the CompositeController) does not reach Metacontroller: recreating it does', async (t) => {
  const next = newToken();
  await setTokenSecret(next);
  await kubectlOk(['annotate', '--overwrite', 'compositecontrollers', '-l', 'app.kubernetes.io/part-of=awshooks', `awshooks.dev/e2e-poke=${Date.now()}`]);
  await service.restart([next]);
  t.equal((await queue('unreloaded')).code, 0);
  await syncError('unreloaded');
  t.pass('Metacontroller still sends the previous token: 401');
  await recreateControllers();
  await ready('unreloaded');
  t.pass('recreated: Metacontroller reads the new Secret');
});
