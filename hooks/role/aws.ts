/** The Role kind's only AWS I/O: IAM calls behind ACK's four verbs. */
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRolePolicyCommand,
  DeleteRoleCommand,
  DetachRolePolicyCommand,
  GetPolicyCommand,
  GetRoleCommand,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  RemoveRoleFromInstanceProfileCommand,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
  paginateListAttachedRolePolicies,
  paginateListInstanceProfilesForRole,
  paginateListRolePolicies,
  type IAMClient,
  type Role,
} from '@aws-sdk/client-iam';
import { DescribeDBInstancesCommand, type DBInstance } from '@aws-sdk/client-rds';
import { isAwsError, TerminalError, WaitError } from '../core/errors.js';
import { hashOf } from '../core/hash.js';
import type { KindContext, ResourceManager } from '../core/kind.js';
import { readChosen } from '../core/name-scope.js';
import { describeOwner, OWNER_TAGS } from '../core/ownership.js';
import type { Owner } from '../core/types.js';
import { parsePolicyDocument } from '../shared/policy-document.js';
import { NO_SUCH_ENTITY } from '../iam-common/codes.js';
import { collect } from '../shared/paginate.js';
import { tagsFromList, tagsToList, withoutKeys } from '../shared/tags.js';
import type { RoleStatus } from '../../schemas/role.js';
import type { RoleDelta, RoleObserved } from './delta.js';
import { attachedArnsFor, DATABASE_ACCESS_POLICY, DEPENDENCY_WAIT_SECONDS, type RoleDesired } from './desired.js';
import type { PolicyDocument } from '../../schemas/policy.js';

async function listAttached(iam: IAMClient, roleName: string): Promise<string[]> {
  const pages = paginateListAttachedRolePolicies({ client: iam }, { RoleName: roleName });
  return (await collect(pages, (page) => page.AttachedPolicies?.map((p) => p.PolicyArn))).sort();
}

async function listInline(iam: IAMClient, roleName: string): Promise<string[]> {
  return (await collect(paginateListRolePolicies({ client: iam }, { RoleName: roleName }), (page) => page.PolicyNames)).sort();
}

async function listInstanceProfiles(iam: IAMClient, roleName: string): Promise<string[]> {
  const pages = paginateListInstanceProfilesForRole({ client: iam }, { RoleName: roleName });
  return (await collect(pages, (page) => page.InstanceProfiles?.map((p) => p.InstanceProfileName))).sort();
}

function fromRole(role: Role, attachedPolicyArns: string[], inlinePolicyNames: string[]): RoleObserved {
  return {
    arn: role.Arn ?? '',
    roleName: role.RoleName ?? '',
    path: role.Path ?? '/',
    // NOTE: IAM returns the trust policy URL-encoded (RFC 3986).
    trustPolicy: parsePolicyDocument(role.AssumeRolePolicyDocument),
    maxSessionDuration: role.MaxSessionDuration ?? 3600,
    ...(role.Description ? { description: role.Description } : {}),
    ...(role.PermissionsBoundary?.PermissionsBoundaryArn ? { permissionsBoundaryArn: role.PermissionsBoundary.PermissionsBoundaryArn } : {}),
    tags: tagsFromList(role.Tags),
    attachedPolicyArns,
    inlinePolicyNames,
  };
}

/** Ignore IAM's NoSuchEntity: the thing is already gone. */
async function unlessGone(work: Promise<unknown>): Promise<void> {
  try {
    await work;
  } catch (err) {
    if (!isAwsError(err, NO_SUCH_ENTITY)) throw err;
  }
}

/**
 * The ARNs among `arns` that may be attached only after a look at the policy's owner tags: legacy
 * names of this namespace's Policies (must name that Policy), and managed ARNs under our path
 * outside the namespace's names (must name a Policy of this namespace).
 */
function toVerify(desired: RoleDesired, roleArn: string): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const arn of desired.managedPolicyArnsToVerify) out.set(arn, undefined);
  for (const ref of desired.policyRefs.filter((r) => r.verifyOwner)) {
    for (const arn of attachedArnsFor({ managedPolicyArns: [], policyRefs: [ref], path: desired.path }, roleArn)) out.set(arn, ref.ref);
  }
  return out;
}

/**
 * Attach a policy only when its owner tags name a Policy of the role's namespace in this cluster
 * (and, for a Policy reference, that very Policy). One GetPolicy, only when attaching.
 */
async function verifyPolicyOwner(iam: IAMClient, arn: string, owner: Owner, ref: string | undefined): Promise<void> {
  let tags: Record<string, string> = {};
  try {
    tags = tagsFromList((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.Tags);
  } catch (err) {
    if (!isAwsError(err, NO_SUCH_ENTITY)) throw err;
  }
  const ours =
    tags[OWNER_TAGS.cluster] === owner.cluster &&
    tags[OWNER_TAGS.namespace] === owner.namespace &&
    tags[OWNER_TAGS.kind] === 'Policy' &&
    (ref === undefined || tags[OWNER_TAGS.name] === ref);
  if (!ours) {
    const who = tags[OWNER_TAGS.namespace] !== undefined ? `belongs to ${describeOwner(tags)}` : 'does not exist or is not managed by awshooks';
    const what = ref !== undefined ? `spec.policies: Policy "${ref}"'s IAM policy ${arn}` : `spec.managedPolicyArns: ${arn}`;
    throw new TerminalError('NameNotAllowed', `${what} ${who}; a Role attaches only Policies of its own namespace, or policies the administrator allowed`);
  }
}

/**
 * spec.databaseAccess: read each DBInstance's instance in RDS (its owner tags must name that
 * DBInstance of this namespace: never trust a status for a resource ID), and put the
 * least-privilege `rds-db:connect` statement for its resource ID and user into the desired inline
 * policies. One DescribeDBInstances per instance, only when AWS is visited anyway.
 */
export async function addDatabaseAccess(ctx: KindContext, desired: RoleDesired): Promise<void> {
  if (desired.databaseAccess.length === 0) return;
  const resources: string[] = [];
  const seen = new Map<string, { arn: string; resourceId: string }>();
  for (const access of desired.databaseAccess) {
    const key = `${access.region}/${access.identifier}`;
    let found = seen.get(key);
    if (!found) {
      let instance: DBInstance | undefined;
      try {
        instance = (await ctx.aws.rds(access.region).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: access.identifier }))).DBInstances?.[0];
      } catch (err) {
        if (!isAwsError(err, 'DBInstanceNotFound', 'DBInstanceNotFoundFault')) throw err;
      }
      if (!instance?.DbiResourceId || !instance.DBInstanceArn) {
        throw new WaitError(
          'DependencyNotReady',
          `spec.databaseAccess: the DB instance of DBInstance "${access.dbInstance}" does not exist yet`,
          DEPENDENCY_WAIT_SECONDS,
        );
      }
      const tags = tagsFromList(instance.TagList);
      const ours =
        tags[OWNER_TAGS.cluster] === ctx.owner.cluster &&
        tags[OWNER_TAGS.namespace] === ctx.owner.namespace &&
        tags[OWNER_TAGS.name] === access.dbInstance &&
        tags[OWNER_TAGS.kind] === 'DBInstance';
      if (!ours) {
        throw new TerminalError(
          'NameNotAllowed',
          `spec.databaseAccess: DB instance ${access.identifier} is not DBInstance "${access.dbInstance}" of namespace "${ctx.owner.namespace}" (its owner tags say otherwise)`,
        );
      }
      found = { arn: instance.DBInstanceArn, resourceId: instance.DbiResourceId };
      seen.set(key, found);
    }
    // arn:<partition>:rds:<region>:<account>:db:<id> → arn:<partition>:rds-db:<region>:<account>:dbuser:<resource id>/<user>
    const [, partition, , region, account] = found.arn.split(':');
    resources.push(`arn:${partition ?? 'aws'}:rds-db:${region ?? access.region}:${account ?? ''}:dbuser:${found.resourceId}/${access.user}`);
  }
  const document = {
    Version: '2012-10-17',
    Statement: [{ Sid: 'RdsDbConnect', Effect: 'Allow', Action: 'rds-db:connect', Resource: [...new Set(resources)].sort() }],
  };
  desired.inlinePolicies[DATABASE_ACCESS_POLICY] = document as unknown as PolicyDocument;
  desired.inlinePolicyHashes[DATABASE_ACCESS_POLICY] = hashOf(document);
}

/**
 * IAM I/O of a Role. A drift check costs three calls: GetRole (trust policy, tags, boundary,
 * session duration, description), ListAttachedRolePolicies and ListRolePolicies. Inline
 * documents are not read back (see roleDelta).
 */
export function roleManager(ctx: KindContext): ResourceManager<RoleDesired, RoleObserved, RoleStatus> {
  const iam = ctx.aws.iam(ctx.config.defaultRegion);

  const putInline = async (roleName: string, desired: RoleDesired, names: readonly string[]) => {
    for (const name of names) {
      await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: name, PolicyDocument: JSON.stringify(desired.inlinePolicies[name]) }));
    }
  };

  return {
    async readOne(desired, previous) {
      await addDatabaseAccess(ctx, desired);
      const read = async (roleName: string): Promise<RoleObserved | undefined> => {
        let role: Role | undefined;
        try {
          role = (await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role;
        } catch (err) {
          if (isAwsError(err, NO_SUCH_ENTITY)) return undefined;
          throw err;
        }
        if (!role) return undefined;
        try {
          const [attached, inline] = await Promise.all([listAttached(iam, roleName), listInline(iam, roleName)]);
          return fromRole({ ...role, RoleName: role.RoleName ?? roleName }, attached, inline);
        } catch (err) {
          if (isAwsError(err, NO_SUCH_ENTITY)) return undefined;
          throw err;
        }
      };
      return readChosen(desired.name, previous?.roleName, read, (o) => o.tags, ctx.owner);
    },

    async create(desired) {
      if (!desired.trustPolicy) throw new Error('cannot create a role without a trust policy');
      const tags = { ...desired.tags, ...desired.ownerTags };
      const out = await iam.send(
        new CreateRoleCommand({
          RoleName: desired.roleName,
          Path: desired.path,
          AssumeRolePolicyDocument: JSON.stringify(desired.trustPolicy),
          MaxSessionDuration: desired.maxSessionDuration,
          ...(desired.description !== undefined ? { Description: desired.description } : {}),
          // The admin's boundary from the first moment (the service's own policy requires it).
          ...(desired.permissionsBoundaryArn ? { PermissionsBoundary: desired.permissionsBoundaryArn } : {}),
          // Tags at creation, so the role is never seen without its owner tags.
          Tags: tagsToList(tags),
        }),
      );
      if (!out.Role?.Arn) throw new Error('CreateRole returned no Arn');
      // Policy ARNs are derived in the role's own account (from the ARN IAM just gave it).
      const arns = attachedArnsFor(desired, out.Role.Arn);
      const verify = toVerify(desired, out.Role.Arn);
      for (const arn of arns) {
        if (verify.has(arn)) await verifyPolicyOwner(iam, arn, ctx.owner, verify.get(arn));
        await iam.send(new AttachRolePolicyCommand({ RoleName: desired.roleName, PolicyArn: arn }));
      }
      const inline = Object.keys(desired.inlinePolicies).sort();
      await putInline(desired.roleName, desired, inline);
      return {
        ...fromRole({ ...out.Role, Tags: out.Role.Tags ?? tagsToList(tags) }, arns, inline),
        trustPolicy: desired.trustPolicy,
        ...(desired.permissionsBoundaryArn ? { permissionsBoundaryArn: desired.permissionsBoundaryArn } : {}),
      };
    },

    async update(desired, observed, delta) {
      const d = delta as RoleDelta;
      const roleName = observed.roleName;
      const next: RoleObserved = { ...observed, tags: { ...observed.tags } };
      if (d.trustPolicy && desired.trustPolicy) {
        await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: JSON.stringify(desired.trustPolicy) }));
        next.trustPolicy = desired.trustPolicy;
      }
      if (d.roleSettings) {
        await iam.send(
          new UpdateRoleCommand({
            RoleName: roleName,
            MaxSessionDuration: desired.maxSessionDuration,
            ...(desired.description !== undefined ? { Description: desired.description } : {}),
          }),
        );
        next.maxSessionDuration = desired.maxSessionDuration;
        if (desired.description !== undefined) next.description = desired.description;
      }
      if (d.permissionsBoundary && desired.permissionsBoundaryArn) {
        await iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: roleName, PermissionsBoundary: desired.permissionsBoundaryArn }));
        next.permissionsBoundaryArn = desired.permissionsBoundaryArn;
      }
      // Attach first, then detach: a policy swap never leaves the role with neither.
      const verify = toVerify(desired, observed.arn);
      for (const arn of d.policiesToAttach) {
        if (verify.has(arn)) await verifyPolicyOwner(iam, arn, ctx.owner, verify.get(arn));
        await iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: arn }));
      }
      for (const arn of d.policiesToDetach) await unlessGone(iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: arn })));
      next.attachedPolicyArns = attachedArnsFor(desired, observed.arn);
      await putInline(roleName, desired, d.inlineToPut);
      for (const name of d.inlineToDelete) await unlessGone(iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: name })));
      next.inlinePolicyNames = Object.keys(desired.inlinePolicies).sort();
      if (Object.keys(d.tagsToAdd).length > 0) {
        await iam.send(new TagRoleCommand({ RoleName: roleName, Tags: tagsToList(d.tagsToAdd) }));
        Object.assign(next.tags, d.tagsToAdd);
      }
      if (d.tagsToRemove.length > 0) {
        await iam.send(new UntagRoleCommand({ RoleName: roleName, TagKeys: d.tagsToRemove }));
        next.tags = withoutKeys(next.tags, d.tagsToRemove);
      }
      return next;
    },

    /**
     * NOTE: IAM refuses DeleteRole while the role has attached or inline policies or sits in
     * an instance profile: remove those first (read fresh, not from the drift check).
     */
    async delete(_desired, observed) {
      const roleName = observed.roleName;
      for (const arn of await listAttached(iam, roleName)) await unlessGone(iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: arn })));
      for (const name of await listInline(iam, roleName)) await unlessGone(iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: name })));
      for (const profile of await listInstanceProfiles(iam, roleName)) {
        await unlessGone(iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: profile, RoleName: roleName })));
      }
      await unlessGone(iam.send(new DeleteRoleCommand({ RoleName: roleName })));
      return 'deleted';
    },
  };
}
