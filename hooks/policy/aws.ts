/** The Policy kind's only AWS I/O: IAM calls behind ACK's four verbs. */
import {
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DetachRolePolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  TagPolicyCommand,
  UntagPolicyCommand,
  paginateListEntitiesForPolicy,
  paginateListPolicyVersions,
  paginateListRoleTags,
  type IAMClient,
  type Policy,
} from '@aws-sdk/client-iam';
import { isAwsError, TerminalError } from '../core/errors.js';
import type { KindContext, ResourceManager } from '../core/kind.js';
import { parseArn, readChosen } from '../core/name-scope.js';
import { parsePolicyDocument } from '../shared/policy-document.js';
import { accountInfo } from '../iam-common/account.js';
import { NO_SUCH_ENTITY } from '../iam-common/codes.js';
import { policyArn } from '../iam-common/names.js';
import { allPages, collect } from '../shared/paginate.js';
import { tagsFromList, tagsToList, withoutKeys } from '../shared/tags.js';
import type { PolicyStatus } from '../../schemas/policy.js';
import { planDetach, type PolicyAttachments } from './attachments.js';
import type { PolicyDelta, PolicyObserved } from './delta.js';
import type { PolicyDesired } from './desired.js';
import { versionsToDeleteBeforePolicy, versionToPrune, type PolicyVersionInfo } from './versions.js';

async function listVersions(iam: IAMClient, arn: string): Promise<PolicyVersionInfo[]> {
  const versions = await collect(paginateListPolicyVersions({ client: iam }, { PolicyArn: arn }), (page) => page.Versions);
  return versions.flatMap((v) =>
    v.VersionId ? [{ versionId: v.VersionId, isDefault: v.IsDefaultVersion === true, ...(v.CreateDate ? { createDate: new Date(v.CreateDate) } : {}) }] : [],
  );
}

async function listAttachments(iam: IAMClient, arn: string): Promise<{ roles: string[]; users: string[]; groups: string[] }> {
  const pages = await allPages(paginateListEntitiesForPolicy({ client: iam }, { PolicyArn: arn }));
  return {
    roles: pages.flatMap((page) => (page.PolicyRoles ?? []).flatMap((r) => (r.RoleName ? [r.RoleName] : []))),
    users: pages.flatMap((page) => (page.PolicyUsers ?? []).flatMap((u) => (u.UserName ? [u.UserName] : []))),
    groups: pages.flatMap((page) => (page.PolicyGroups ?? []).flatMap((g) => (g.GroupName ? [g.GroupName] : []))),
  };
}

/** Names of the roles under `path` the policy is attached to (IAM filters by path for us). */
async function rolesUnderPath(iam: IAMClient, arn: string, path: string): Promise<Set<string>> {
  const pages = paginateListEntitiesForPolicy({ client: iam }, { PolicyArn: arn, EntityFilter: 'Role', PathPrefix: path });
  return new Set(await collect(pages, (page) => page.PolicyRoles?.map((r) => r.RoleName)));
}

async function roleTags(iam: IAMClient, roleName: string): Promise<Record<string, string>> {
  return tagsFromList(await collect(paginateListRoleTags({ client: iam }, { RoleName: roleName }), (page) => page.Tags));
}

/** A role's tags; none when the role was deleted meanwhile. */
async function roleTagsUnlessGone(iam: IAMClient, roleName: string): Promise<Record<string, string>> {
  try {
    return await roleTags(iam, roleName);
  } catch (err) {
    if (isAwsError(err, NO_SUCH_ENTITY)) return {};
    throw err;
  }
}

function observedFrom(policy: Policy, document: unknown, fallback: PolicyDesired): PolicyObserved {
  return {
    arn: policy.Arn ?? '',
    policyName: policy.PolicyName ?? fallback.policyName,
    path: policy.Path ?? fallback.path,
    defaultVersionId: policy.DefaultVersionId ?? '',
    attachmentCount: policy.AttachmentCount ?? 0,
    document,
    ...(policy.Description ? { description: policy.Description } : {}),
    tags: tagsFromList(policy.Tags),
  };
}

/**
 * IAM I/O of a Policy. A drift check costs two calls: GetPolicy (tags, default version,
 * attachment count) and GetPolicyVersion (the default version's document). The ARN comes from
 * status; before the first create it is built from the account ID (configuration, or one
 * cached sts:GetCallerIdentity per process).
 */
export function policyManager(ctx: KindContext): ResourceManager<PolicyDesired, PolicyObserved, PolicyStatus> {
  const iam = ctx.aws.iam(ctx.config.defaultRegion);

  /**
   * The ARN of the policy named `policyName` under our path. The one status remembers is used only
   * when it is exactly that ARN in some account (status is writable by whoever may write
   * policies/status: an ARN naming another policy must never be read, adopted or deleted in place
   * of ours); otherwise it is built from the account ID.
   */
  const arnOf = async (desired: PolicyDesired, policyName: string, previous: PolicyStatus | undefined): Promise<string> => {
    const remembered = typeof previous?.arn === 'string' ? parseArn(previous.arn) : undefined;
    if (remembered?.service === 'iam' && previous?.arn === policyArn(remembered.partition, remembered.account, desired.path, policyName)) return previous.arn;
    const { accountId, partition } = await accountInfo(ctx);
    return policyArn(partition, accountId, desired.path, policyName);
  };

  return {
    async readOne(desired, previous) {
      const read = async (policyName: string): Promise<PolicyObserved | undefined> => {
        const arn = await arnOf(desired, policyName, previous);
        let policy: Policy | undefined;
        try {
          policy = (await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy;
        } catch (err) {
          if (isAwsError(err, NO_SUCH_ENTITY)) return undefined;
          throw err;
        }
        if (!policy?.DefaultVersionId) return undefined;
        let document: unknown;
        try {
          const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: policy.DefaultVersionId }));
          // NOTE: IAM returns the document URL-encoded (RFC 3986).
          document = parsePolicyDocument(version.PolicyVersion?.Document);
        } catch (err) {
          if (isAwsError(err, NO_SUCH_ENTITY)) return undefined;
          throw err;
        }
        return observedFrom({ ...policy, Arn: policy.Arn ?? arn, PolicyName: policy.PolicyName ?? policyName }, document, desired);
      };
      return readChosen(desired.name, previous?.policyName, read, (o) => o.tags, ctx.owner);
    },

    async create(desired) {
      const out = await iam.send(
        new CreatePolicyCommand({
          PolicyName: desired.policyName,
          Path: desired.path,
          PolicyDocument: JSON.stringify(desired.document),
          ...(desired.description !== undefined ? { Description: desired.description } : {}),
          // Tags at creation, so the policy is never seen without its owner tags.
          Tags: tagsToList({ ...desired.tags, ...desired.ownerTags }),
        }),
      );
      if (!out.Policy?.Arn) throw new Error('CreatePolicy returned no Arn');
      return observedFrom({ ...out.Policy, Tags: out.Policy.Tags ?? tagsToList({ ...desired.tags, ...desired.ownerTags }) }, desired.document, desired);
    },

    async update(desired, observed, delta) {
      const d = delta as PolicyDelta;
      const next: PolicyObserved = { ...observed, tags: { ...observed.tags } };
      if (d.document) {
        // NOTE: IAM keeps at most five versions; make room by deleting the oldest
        // non-default version (never the default one, which is the policy in force).
        const prune = versionToPrune(await listVersions(iam, observed.arn));
        if (prune) await iam.send(new DeletePolicyVersionCommand({ PolicyArn: observed.arn, VersionId: prune }));
        const out = await iam.send(
          new CreatePolicyVersionCommand({ PolicyArn: observed.arn, PolicyDocument: JSON.stringify(desired.document), SetAsDefault: true }),
        );
        next.defaultVersionId = out.PolicyVersion?.VersionId ?? next.defaultVersionId;
        next.document = desired.document;
      }
      if (Object.keys(d.tagsToAdd).length > 0) {
        await iam.send(new TagPolicyCommand({ PolicyArn: observed.arn, Tags: tagsToList(d.tagsToAdd) }));
        Object.assign(next.tags, d.tagsToAdd);
      }
      if (d.tagsToRemove.length > 0) {
        await iam.send(new UntagPolicyCommand({ PolicyArn: observed.arn, TagKeys: d.tagsToRemove }));
        next.tags = withoutKeys(next.tags, d.tagsToRemove);
      }
      return next;
    },

    /**
     * NOTE: AWS refuses DeletePolicy while the policy is attached or has non-default
     * versions (moto does not): detach from our roles, delete the other versions, then the
     * policy. Attachments we do not own block the deletion before anything is changed.
     */
    async delete(_desired, observed) {
      const found = await listAttachments(iam, observed.arn);
      // Only roles under our path can be ours: their tags are read; any other role is foreign
      // without a look (the service's IAM policy only reaches roles under /<prefix>/).
      const ourPath = found.roles.length > 0 ? await rolesUnderPath(iam, observed.arn, observed.path) : new Set<string>();
      const attachments: PolicyAttachments = {
        roles: await Promise.all(
          found.roles.map(async (roleName) => ({
            roleName,
            tags: ourPath.has(roleName) ? await roleTagsUnlessGone(iam, roleName) : {},
          })),
        ),
        users: found.users,
        groups: found.groups,
      };
      const plan = planDetach(attachments, ctx.config.clusterName);
      if (plan.blockers.length > 0) {
        throw new TerminalError(
          'AttachedElsewhere',
          `the policy is attached to ${plan.blockers.join(', ')}, not managed by awshooks in this cluster; detach it there and deletion continues`,
        );
      }
      for (const roleName of plan.detachFromRoles) {
        try {
          await iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: observed.arn }));
        } catch (err) {
          if (!isAwsError(err, NO_SUCH_ENTITY)) throw err;
        }
      }
      for (const versionId of versionsToDeleteBeforePolicy(await listVersions(iam, observed.arn))) {
        try {
          await iam.send(new DeletePolicyVersionCommand({ PolicyArn: observed.arn, VersionId: versionId }));
        } catch (err) {
          if (!isAwsError(err, NO_SUCH_ENTITY)) throw err;
        }
      }
      try {
        await iam.send(new DeletePolicyCommand({ PolicyArn: observed.arn }));
      } catch (err) {
        if (!isAwsError(err, NO_SUCH_ENTITY)) throw err;
      }
      return 'deleted';
    },
  };
}
