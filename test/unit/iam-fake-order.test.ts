/**
 * The order of IAM writes, against a fake IAM that refuses what AWS refuses and moto does not:
 * DeletePolicy while attached or with non-default versions, DeleteRole while it has policies
 * or instance profiles, a sixth policy version, deleting the default version.
 */
import t from 'tap';
import { IAMClient } from '@aws-sdk/client-iam';
import type { AwsClients } from '../../hooks/core/aws-clients.js';
import { DEFAULT_HOOKS_CONFIG, type HooksConfig } from '../../hooks/core/config.js';
import type { KindContext } from '../../hooks/core/kind.js';
import type { Logger } from '../../hooks/core/logger.js';
import { ownerTags } from '../../hooks/core/ownership.js';
import { reconcile } from '../../hooks/core/reconcile.js';
import type { Parent } from '../../hooks/core/types.js';
import { accountInfo, resetAccountCache } from '../../hooks/iam-common/account.js';
import { policyManager } from '../../hooks/policy/aws.js';
import { policyKind } from '../../hooks/policy/index.js';
import { roleKind } from '../../hooks/role/index.js';

const ACCOUNT = '123456789012';
const ARN = `arn:aws:iam::${ACCOUNT}:policy/awshooks/awshooks-default-ddd`;
const config: HooksConfig = {
  ...DEFAULT_HOOKS_CONFIG,
  accountId: ACCOUNT,
  oidcProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.example/id/X`,
  oidcIssuer: 'oidc.example/id/X',
};
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const tagList = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
const policyOwner = { cluster: 'default', namespace: 'default', name: 'ddd', uid: 'uid-ddd', kind: 'Policy' };
const roleOwner = (name: string, cluster = 'default') => ({ cluster, namespace: 'default', name, uid: `uid-${name}`, kind: 'Role' });

/** An AWS SDK-like error. */
function awsError(code: string, message: string): Error {
  return Object.assign(new Error(message), { name: `${code}Exception`, Code: code, $fault: 'client', $metadata: { httpStatusCode: 409 } });
}

interface FakePolicy {
  versions: { id: string; isDefault: boolean; doc: string; created: number }[];
  tags: Record<string, string>;
  roles: Set<string>;
  users: Set<string>;
}
interface FakeRole {
  /** IAM path; roles awshooks creates live under /awshooks/. */
  path?: string;
  tags: Record<string, string>;
  attached: Set<string>;
  inline: Map<string, string>;
  profiles: Set<string>;
  trust: string;
}

/** The request fields the fake reads (the SDK's inputs, loosely). */
interface FakeInput {
  PolicyArn: string;
  RoleName: string;
  VersionId: string;
  PolicyName: string;
  InstanceProfileName: string;
  PolicyDocument: string;
  SetAsDefault?: boolean;
}

/** A tiny IAM with AWS's refusals. Records every call as "Operation arg". */
class FakeIam {
  calls: string[] = [];
  policies = new Map<string, FakePolicy>();
  roles = new Map<string, FakeRole>();
  stsCalls = 0;
  stsFails = 0;
  private clock = 0;

  addPolicy(arn: string, versions: number, defaultIndex: number, tags = ownerTags(policyOwner)): FakePolicy {
    const p: FakePolicy = { versions: [], tags, roles: new Set(), users: new Set() };
    for (let i = 1; i <= versions; i++)
      p.versions.push({
        id: `v${i}`,
        isDefault: i === defaultIndex,
        doc: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: `s3:A${i}`, Resource: '*' }] }),
        created: ++this.clock,
      });
    this.policies.set(arn, p);
    return p;
  }

  addRole(name: string, tags: Record<string, string>, path = '/awshooks/'): FakeRole {
    const r: FakeRole = { path, tags, attached: new Set(), inline: new Map(), profiles: new Set(), trust: '{}' };
    this.roles.set(name, r);
    return r;
  }

  private policy(arn: string): FakePolicy {
    const p = this.policies.get(arn);
    if (!p) throw awsError('NoSuchEntity', `Policy ${arn} not found`);
    return p;
  }

  private role(name: string): FakeRole {
    const r = this.roles.get(name);
    if (!r) throw awsError('NoSuchEntity', `Role ${name} not found`);
    return r;
  }

  /** The SDK's `send`, dispatching on the command's class name. */
  send = async (command: { constructor: { name: string }; input: Record<string, unknown> }): Promise<unknown> => {
    const op = command.constructor.name.replace(/Command$/, '');
    const i = command.input as unknown as FakeInput;
    // A call names only some of these; the others are undefined (FakeInput is the union of all calls' inputs).
    this.calls.push([op, i.RoleName, i.VersionId, i.PolicyName, i.InstanceProfileName].filter(Boolean).join(' '));
    switch (op) {
      case 'GetCallerIdentity':
        this.stsCalls++;
        if (this.stsFails-- > 0) throw awsError('Throttling', 'slow down');
        return { Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/awshooks` };
      case 'GetPolicy': {
        const p = this.policy(i.PolicyArn);
        return {
          Policy: {
            Arn: i.PolicyArn,
            PolicyName: i.PolicyArn.split('/').pop(),
            Path: '/awshooks/',
            DefaultVersionId: p.versions.find((v) => v.isDefault)!.id,
            AttachmentCount: p.roles.size + p.users.size,
            Tags: tagList(p.tags),
          },
        };
      }
      case 'GetPolicyVersion': {
        const v = this.policy(i.PolicyArn).versions.find((x) => x.id === i.VersionId);
        if (!v) throw awsError('NoSuchEntity', 'no such version');
        return { PolicyVersion: { VersionId: v.id, IsDefaultVersion: v.isDefault, Document: encodeURIComponent(v.doc) } };
      }
      case 'ListPolicyVersions':
        return {
          Versions: this.policy(i.PolicyArn).versions.map((v) => ({ VersionId: v.id, IsDefaultVersion: v.isDefault, CreateDate: new Date(v.created * 1000) })),
          IsTruncated: false,
        };
      case 'CreatePolicyVersion': {
        const p = this.policy(i.PolicyArn);
        if (p.versions.length >= 5) throw awsError('LimitExceeded', 'A managed policy can have up to 5 versions');
        const id = `v${Math.max(...p.versions.map((v) => Number(v.id.slice(1)))) + 1}`;
        if (i.SetAsDefault) for (const v of p.versions) v.isDefault = false;
        p.versions.push({ id, isDefault: Boolean(i.SetAsDefault), doc: i.PolicyDocument, created: ++this.clock });
        return { PolicyVersion: { VersionId: id, IsDefaultVersion: Boolean(i.SetAsDefault) } };
      }
      case 'DeletePolicyVersion': {
        const p = this.policy(i.PolicyArn);
        const v = p.versions.find((x) => x.id === i.VersionId);
        if (!v) throw awsError('NoSuchEntity', 'no such version');
        if (v.isDefault) throw awsError('DeleteConflict', 'Cannot delete the default version of a policy');
        p.versions = p.versions.filter((x) => x !== v);
        return {};
      }
      case 'ListEntitiesForPolicy': {
        const p = this.policy(i.PolicyArn);
        const prefix = (i as { PathPrefix?: string }).PathPrefix ?? '/';
        const roles = [...p.roles].filter((name) => (this.roles.get(name)?.path ?? '/').startsWith(prefix));
        if ((i as { EntityFilter?: string }).EntityFilter === 'Role') return { PolicyRoles: roles.map((RoleName) => ({ RoleName })), IsTruncated: false };
        return {
          PolicyRoles: roles.map((RoleName) => ({ RoleName })),
          PolicyUsers: prefix === '/' ? [...p.users].map((UserName) => ({ UserName })) : [],
          PolicyGroups: [],
          IsTruncated: false,
        };
      }
      case 'DeletePolicy': {
        const p = this.policy(i.PolicyArn);
        if (p.roles.size + p.users.size > 0) throw awsError('DeleteConflict', 'Cannot delete a policy attached to entities');
        if (p.versions.length > 1) throw awsError('DeleteConflict', 'This policy has more than one version');
        this.policies.delete(i.PolicyArn);
        return {};
      }
      case 'ListRoleTags':
        return { Tags: tagList(this.role(i.RoleName).tags), IsTruncated: false };
      case 'GetRole': {
        const r = this.role(i.RoleName);
        return {
          Role: {
            RoleName: i.RoleName,
            Arn: `arn:aws:iam::${ACCOUNT}:role/awshooks/${i.RoleName}`,
            Path: '/awshooks/',
            AssumeRolePolicyDocument: encodeURIComponent(r.trust),
            MaxSessionDuration: 3600,
            Tags: tagList(r.tags),
          },
        };
      }
      case 'ListAttachedRolePolicies':
        return { AttachedPolicies: [...this.role(i.RoleName).attached].map((PolicyArn) => ({ PolicyArn })), IsTruncated: false };
      case 'ListRolePolicies':
        return { PolicyNames: [...this.role(i.RoleName).inline.keys()], IsTruncated: false };
      case 'ListInstanceProfilesForRole':
        return { InstanceProfiles: [...this.role(i.RoleName).profiles].map((InstanceProfileName) => ({ InstanceProfileName })), IsTruncated: false };
      case 'DetachRolePolicy': {
        const r = this.role(i.RoleName);
        if (!r.attached.delete(i.PolicyArn)) throw awsError('NoSuchEntity', 'not attached');
        this.policies.get(i.PolicyArn)?.roles.delete(i.RoleName);
        return {};
      }
      case 'DeleteRolePolicy':
        if (!this.role(i.RoleName).inline.delete(i.PolicyName)) throw awsError('NoSuchEntity', 'no such inline policy');
        return {};
      case 'RemoveRoleFromInstanceProfile':
        this.role(i.RoleName).profiles.delete(i.InstanceProfileName);
        return {};
      case 'DeleteRole': {
        const r = this.role(i.RoleName);
        if (r.attached.size || r.inline.size || r.profiles.size) throw awsError('DeleteConflict', 'Cannot delete entity, must detach all policies first.');
        this.roles.delete(i.RoleName);
        return {};
      }
      default:
        throw new Error(`fake IAM: ${op} not implemented`);
    }
  };

  /** AwsClients whose IAM and STS clients are this fake. */
  clients(): AwsClients {
    // A real IAMClient (the SDK's paginators check the class) whose send is the fake's.
    const iam = Object.assign(new IAMClient({ region: 'us-east-1' }), { send: this.send });
    return { iam: () => iam, sts: () => ({ send: this.send }) } as unknown as AwsClients;
  }

  /** The write calls, in order. */
  writes(): string[] {
    return this.calls.filter((c) => !/^(Get|List)/.test(c));
  }
}

const policyParent = (status: Record<string, unknown>): Parent => ({
  apiVersion: 'iam.awshooks.dev/v1alpha1',
  kind: 'Policy',
  metadata: { name: 'ddd', namespace: 'default', uid: 'uid-ddd' },
  spec: { document: { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] } },
  status,
});

t.test('Policy finalize: detach from our roles, delete non-default versions, then DeletePolicy', async (t) => {
  const fake = new FakeIam();
  const p = fake.addPolicy(ARN, 3, 2);
  for (const name of ['r-b', 'r-a']) {
    fake.addRole(name, ownerTags(roleOwner(name))).attached.add(ARN);
    p.roles.add(name);
  }
  const { response, outcome } = await reconcile(
    policyKind,
    { controller: {} as never, parent: policyParent({ arn: ARN, policyName: 'awshooks-default-ddd', path: '/awshooks/' }), children: {}, finalizing: true },
    { config, aws: fake.clients(), log: silent },
  );
  t.equal(outcome, 'finalized');
  t.equal(response.finalized, true);
  t.same(
    fake.writes(),
    ['DetachRolePolicy r-a', 'DetachRolePolicy r-b', 'DeletePolicyVersion v1', 'DeletePolicyVersion v3', 'DeletePolicy'],
    'the order AWS needs',
  );
  t.equal(fake.policies.size, 0, 'the fake (AWS rules) accepted the DeletePolicy');
  t.same(fake.calls.slice(0, 2), ['GetPolicy', 'GetPolicyVersion v2'], 'read first, from the status ARN (no STS call)');
  t.equal(fake.calls.at(-1), 'GetPolicy', 'then read again to confirm the deletion');
  t.same(
    [...fake.roles.values()].map((r) => r.attached.size),
    [0, 0],
  );
});

t.test('Policy finalize blocked by attachments we do not own: no write at all, each named', async (t) => {
  const fake = new FakeIam();
  const p = fake.addPolicy(ARN, 2, 2);
  fake.addRole('mine', ownerTags(roleOwner('mine'))).attached.add(ARN);
  fake.addRole('prod-role', ownerTags(roleOwner('x', 'prod'))).attached.add(ARN);
  // A role outside our path that even carries our owner tags: never ours, and never looked at.
  fake.addRole('outside', ownerTags(roleOwner('outside')), '/').attached.add(ARN);
  p.roles.add('mine');
  p.roles.add('prod-role');
  p.roles.add('outside');
  p.users.add('alice');
  const parent = policyParent({ arn: ARN, policyName: 'awshooks-default-ddd' });
  const { response, outcome } = await reconcile(
    policyKind,
    { controller: {} as never, parent, children: {}, finalizing: true },
    { config, aws: fake.clients(), log: silent },
  );
  t.equal(outcome, 'terminal');
  t.equal(response.finalized, false);
  const ready = (response.status.conditions as { type: string; reason: string; message: string }[]).find((c) => c.type === 'Ready')!;
  t.equal(ready.reason, 'AttachedElsewhere');
  t.match(ready.message, /role prod-role/);
  t.match(ready.message, /role outside/, 'a role outside /awshooks/ is foreign whatever its tags');
  t.match(ready.message, /user alice/);
  t.notOk(fake.calls.includes('ListRoleTags outside'), 'tags of roles outside our path are not read (the service may not)');
  t.notMatch(ready.message, /role mine/, 'our own role is not a blocker');
  t.same(fake.writes(), [], 'nothing detached or deleted before the blocker is gone');
  t.ok(response.resyncAfterSeconds, 'retried later');
});

t.test('Policy update at the five-version limit deletes the oldest non-default version first', async (t) => {
  const fake = new FakeIam();
  fake.addPolicy(ARN, 5, 1); // the default is the OLDEST version
  const ctx: KindContext = { config, aws: fake.clients(), now: () => new Date(), log: silent, owner: policyOwner };
  const manager = policyManager(ctx);
  const desired = policyKind.desired({
    parent: policyParent({}) as never,
    spec: { document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:New', Resource: '*' }] }, deletionPolicy: 'Delete', adopt: false },
    children: {},
    related: {},
    config,
    owner: policyOwner,
    finalizing: false,
    now: new Date(),
  });
  const observed = (await manager.readOne(desired, { arn: ARN, policyName: 'awshooks-default-ddd' }))!;
  const delta = policyKind.delta(desired, observed, undefined);
  t.same(delta.paths, ['document']);
  fake.calls = [];
  const next = await manager.update(desired, observed, delta, undefined);
  t.same(fake.writes(), ['DeletePolicyVersion v2', 'CreatePolicyVersion'], 'v2 (oldest non-default) goes, v1 (default) stays');
  t.equal(next.defaultVersionId, 'v6');
  t.same(
    fake.policies.get(ARN)!.versions.map((v) => v.id),
    ['v1', 'v3', 'v4', 'v5', 'v6'],
  );
});

t.test('Role finalize: detach managed, delete inline, leave instance profiles, then DeleteRole', async (t) => {
  const fake = new FakeIam();
  const r = fake.addRole('awshooks-default-fff', ownerTags(roleOwner('fff')));
  r.attached.add(ARN);
  r.attached.add('arn:aws:iam::aws:policy/ReadOnlyAccess');
  r.inline.set('b', '{}');
  r.inline.set('a', '{}');
  r.profiles.add('legacy');
  const parent = {
    apiVersion: 'iam.awshooks.dev/v1alpha1',
    kind: 'Role',
    metadata: { name: 'fff', namespace: 'default', uid: 'uid-fff' },
    spec: { policies: ['gone'] },
    status: { roleArn: `arn:aws:iam::${ACCOUNT}:role/awshooks/awshooks-default-fff`, serviceAccountName: 'fff' },
  } as Parent;
  // No related Policy, no OIDC configuration: neither may block the deletion.
  const { response } = await reconcile(
    roleKind,
    { controller: {} as never, parent, children: {}, related: {}, finalizing: true },
    { config: { ...config, oidcProviderArn: undefined, oidcIssuer: undefined }, aws: fake.clients(), log: silent },
  );
  t.equal(response.finalized, true, JSON.stringify(response.status));
  t.same(fake.writes(), [
    `DetachRolePolicy awshooks-default-fff`,
    `DetachRolePolicy awshooks-default-fff`,
    'DeleteRolePolicy awshooks-default-fff a',
    'DeleteRolePolicy awshooks-default-fff b',
    'RemoveRoleFromInstanceProfile awshooks-default-fff legacy',
    'DeleteRole awshooks-default-fff',
  ]);
  t.equal(fake.roles.size, 0, 'the fake (AWS rules) accepted the DeleteRole');
  t.same(
    response.children.map((c) => c.kind),
    ['ServiceAccount'],
    'the ServiceAccount is kept until finalized (Metacontroller garbage-collects it)',
  );
});

t.test('Role finalize leaves a role that is not ours', async (t) => {
  const fake = new FakeIam();
  fake.addRole('awshooks-default-fff', ownerTags(roleOwner('fff', 'prod')));
  const parent = {
    apiVersion: 'iam.awshooks.dev/v1alpha1',
    kind: 'Role',
    metadata: { name: 'fff', namespace: 'default', uid: 'uid-fff' },
    spec: {},
    status: { roleArn: 'x' },
  } as Parent;
  const { response } = await reconcile(
    roleKind,
    { controller: {} as never, parent, children: {}, related: {}, finalizing: true },
    { config, aws: fake.clients(), log: silent },
  );
  t.equal(response.finalized, true);
  t.same(fake.writes(), []);
  t.ok(fake.roles.has('awshooks-default-fff'));
});

t.test('account ID: from configuration, else one cached sts:GetCallerIdentity per process', async (t) => {
  const fake = new FakeIam();
  const ctx = (cfg: HooksConfig) => ({ config: cfg, aws: fake.clients() });
  t.same(await accountInfo(ctx({ ...config, accountId: '111122223333' })), { accountId: '111122223333', partition: 'aws' });
  t.equal(fake.stsCalls, 0, 'configured: no call');
  t.same(
    await accountInfo(ctx({ ...config, accountId: '111122223333', oidcProviderArn: 'arn:aws-cn:iam::111122223333:oidc-provider/x' })),
    { accountId: '111122223333', partition: 'aws-cn' },
    'partition from the configured ARNs',
  );
  resetAccountCache();
  const noId = { ...DEFAULT_HOOKS_CONFIG };
  fake.stsFails = 1;
  await t.rejects(accountInfo(ctx(noId)), { name: 'ThrottlingException' });
  t.same(await accountInfo(ctx(noId)), { accountId: ACCOUNT, partition: 'aws' }, 'a failure is not cached');
  t.same(await accountInfo(ctx(noId)), { accountId: ACCOUNT, partition: 'aws' });
  await Promise.all([accountInfo(ctx(noId)), accountInfo(ctx(noId))]);
  t.equal(fake.stsCalls, 2, 'one failed call, then one call for every later lookup');
  resetAccountCache();
});

t.test('the fake refuses what AWS refuses (so the order tests above mean something)', async (t) => {
  const fake = new FakeIam();
  const p = fake.addPolicy(ARN, 2, 2);
  fake.addRole('r', {}).attached.add(ARN);
  p.roles.add('r');
  const send = (name: string, input: Record<string, unknown>) => fake.send({ constructor: { name: `${name}Command` }, input });
  await t.rejects(send('DeletePolicy', { PolicyArn: ARN }), { name: 'DeleteConflictException' }, 'attached');
  await send('DetachRolePolicy', { RoleName: 'r', PolicyArn: ARN });
  await t.rejects(send('DeletePolicy', { PolicyArn: ARN }), { name: 'DeleteConflictException' }, 'extra versions');
  await t.rejects(send('DeletePolicyVersion', { PolicyArn: ARN, VersionId: 'v2' }), { name: 'DeleteConflictException' }, 'the default version');
  fake.addPolicy(`${ARN}5`, 5, 5);
  await t.rejects(send('CreatePolicyVersion', { PolicyArn: `${ARN}5`, PolicyDocument: '{}' }), { name: 'LimitExceededException' }, 'a sixth version');
  fake.addRole('q', {}).inline.set('x', '{}');
  await t.rejects(send('DeleteRole', { RoleName: 'q' }), { name: 'DeleteConflictException' }, 'a role with an inline policy');
});
