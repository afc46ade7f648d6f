/** A fake IAM (and STS) that refuses what AWS refuses and moto does not, for the order of IAM writes. */
import { IAMClient } from '@aws-sdk/client-iam';
import type { AwsClients } from '../../hooks/core/aws-clients.js';
import { DEFAULT_HOOKS_CONFIG, type HooksConfig } from '../../hooks/core/config.js';
import type { Logger } from '../../hooks/core/logger.js';
import { ownerTags } from '../../hooks/core/ownership.js';
import type { Parent } from '../../hooks/core/types.js';

/** The fake's account. */
export const ACCOUNT = '123456789012';

/** The test Policy's ARN. */
export const POLICY_ARN = `arn:aws:iam::${ACCOUNT}:policy/awshooks/awshooks-default-ddd`;

/** Hooks configuration for the fake's account. */
export const fakeIamConfig: HooksConfig = {
  ...DEFAULT_HOOKS_CONFIG,
  accountId: ACCOUNT,
  oidcProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.example/id/X`,
  oidcIssuer: 'oidc.example/id/X',
};

/** A logger that says nothing. */
export const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Tags as IAM lists them. */
export const tagList = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/** The owner of the test Policy. */
export const policyOwner = { cluster: 'default', namespace: 'default', name: 'ddd', uid: 'uid-ddd', kind: 'Policy' };

/** The owner of a test Role. */
export const roleOwnerNamed = (name: string, cluster = 'default') => ({ cluster, namespace: 'default', name, uid: `uid-${name}`, kind: 'Role' });

/** An AWS SDK-like error. */
export function awsError(code: string, message: string): Error {
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
export class FakeIam {
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

/** The test Policy parent, with this status. */
export const policyParent = (status: Record<string, unknown>): Parent => ({
  apiVersion: 'iam.awshooks.dev/v1alpha1',
  kind: 'Policy',
  metadata: { name: 'ddd', namespace: 'default', uid: 'uid-ddd' },
  spec: { document: { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] } },
  status,
});
