/**
 * Passwords are persisted before use and never regenerated while their Secret exists: the guards
 * on the way from an observed Secret to RDS.
 */
import t from 'tap';
import { AwsClients } from '../../../../hooks/core/aws-clients.js';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import { WaitError } from '../../../../hooks/core/errors.js';
import type { KindContext } from '../../../../hooks/core/kind.js';
import type { Logger } from '../../../../hooks/core/logger.js';
import type { ObjectMap, Parent } from '../../../../hooks/core/types.js';
import { dbInstanceManager } from '../../../../hooks/dbinstance/aws.js';
import { desiredDBInstance, secretValue, type DBInstanceDesired } from '../../../../hooks/dbinstance/desired.js';
import { childPassword } from '../../../../hooks/dbinstance/status.js';
import { validateSpec } from '../../../../hooks/core/spec-validation.js';
import { DBInstanceSpecSchema, type DBInstanceSpec, type DBInstanceStatus } from '../../../../schemas/dbinstance.js';

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const owner = { cluster: 'default', namespace: 'team-a', name: 'shop', uid: 'uid-shop', kind: 'DBInstance' };
const b64 = (s: string) => Buffer.from(s).toString('base64');
const secrets = (data: Record<string, string>): ObjectMap => ({ 'Secret.v1': { 'team-a/shop-master': { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'shop-master', namespace: 'team-a' }, data } } });

t.test('create never sends an instance to RDS without the master password from its Secret', async (t) => {
  const sent: string[] = [];
  const ctx: KindContext = { config: DEFAULT_HOOKS_CONFIG, aws: new AwsClients(), now: () => new Date(), log: silent, owner };
  const manager = dbInstanceManager(ctx, () => ({ send: (cmd: { constructor: { name: string } }) => (sent.push(cmd.constructor.name), Promise.resolve({})) }) as never);
  const desired = { region: 'us-east-1', identifier: 'awshooks-team-a-shop' } as DBInstanceDesired;
  await t.rejects(manager.create(desired, undefined), WaitError, 'waits for the Secret');
  t.same(sent, [], 'no call to RDS');
});

t.test('an observed Secret with an empty password: wait for it, and the child gets a fresh one', async (t) => {
  const spec = validateSpec<DBInstanceSpec>(DBInstanceSpecSchema, {});
  const parent = { apiVersion: 'rds.awshooks.dev/v1alpha1', kind: 'DBInstance', metadata: { name: 'shop', namespace: 'team-a', uid: 'uid-shop' }, spec } as Parent<DBInstanceSpec, DBInstanceStatus>;
  const input = { parent, spec, children: secrets({ password: b64(''), username: b64('sysadmin') }), related: {}, config: DEFAULT_HOOKS_CONFIG, owner, finalizing: false, now: new Date() };
  t.throws(() => desiredDBInstance(input), { reason: 'WaitingForSecret', message: /Secret shop-master/ }, 'not InvalidSecret: the Secret is being written');
  const noKey = { ...input, children: secrets({ username: b64('sysadmin') }) };
  t.throws(() => desiredDBInstance(noKey), { reason: 'WaitingForSecret', message: /Secret shop-master/ }, 'a Secret without a password key: wait for ours');
  t.equal(childPassword(noKey.children, 'team-a', 'shop-master', () => 'Generated-pw-0123456789'), 'Generated-pw-0123456789');
  t.equal(childPassword(input.children, 'team-a', 'shop-master', () => 'Generated-pw-0123456789'), 'Generated-pw-0123456789', 'an empty password is replaced');
  t.equal(childPassword(secrets({ password: b64('Kept-pw-0123456789ab') }), 'team-a', 'shop-master', () => 'x'), 'Kept-pw-0123456789ab', 'a password is never regenerated');
});

t.test('secretValue: a key the Secret does not have is undefined', async (t) => {
  t.equal(secretValue(secrets({ username: b64('u') }), 'team-a', 'shop-master', 'password'), undefined);
  t.equal(secretValue(secrets({ username: b64('u') }), 'team-a', 'shop-master', 'username'), 'u');
  t.equal(secretValue({}, 'team-a', 'shop-master', 'password'), undefined);
});
