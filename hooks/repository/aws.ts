/** The Repository kind's only AWS I/O: ECR calls behind ACK's four verbs. */
import {
  CreateRepositoryCommand,
  DeleteLifecyclePolicyCommand,
  DeleteRepositoryCommand,
  DeleteRepositoryPolicyCommand,
  DescribeRepositoriesCommand,
  GetLifecyclePolicyCommand,
  GetRepositoryPolicyCommand,
  ListImagesCommand,
  ListTagsForResourceCommand,
  PutImageScanningConfigurationCommand,
  PutImageTagMutabilityCommand,
  PutLifecyclePolicyCommand,
  SetRepositoryPolicyCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type ECRClient,
  type Repository,
} from '@aws-sdk/client-ecr';
import { isAwsError, RecoverableError, TerminalError, WaitError } from '../core/errors.js';
import type { KindContext, ResourceManager } from '../core/kind.js';
import { ownership } from '../core/ownership.js';
import { parsePolicyDocument } from '../shared/policy-document.js';
import type { RepositoryStatus } from '../../schemas/repository.js';
import { withoutKeys } from '../shared/tags.js';
import { policiesToRead, repositoryDelta, type RepositoryDelta, type RepositoryObserved } from './delta.js';
import type { RepositoryDesired, RepositoryEncryption } from './desired.js';
import { lifecyclePolicyText } from './lifecycle.js';

/** How often finalize looks again at a repository that still holds images. */
export const NOT_EMPTY_POLL_SECONDS = 60;
/** Images counted for the "not empty" message (one ListImages page). */
const COUNT_PAGE = 1000;

/** The ECR calls the manager makes (a fake in unit tests). */
export type EcrLike = Pick<ECRClient, 'send'>;

const tagList = (tags: Record<string, string>) =>
  Object.entries(tags)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([Key, Value]) => ({ Key, Value }));

function fromRepository(repo: Repository, tags: Record<string, string>): RepositoryObserved {
  const enc = repo.encryptionConfiguration;
  const encryption: RepositoryEncryption = { type: enc?.encryptionType === 'KMS' ? 'KMS' : 'AES256', ...(enc?.kmsKey ? { kmsKey: enc.kmsKey } : {}) };
  return {
    arn: repo.repositoryArn ?? '',
    uri: repo.repositoryUri ?? '',
    imageTagMutability: repo.imageTagMutability ?? 'MUTABLE',
    scanOnPush: repo.imageScanningConfiguration?.scanOnPush ?? false,
    encryption,
    tags,
  };
}

async function orNull<T>(read: () => Promise<T>, absentCodes: string[]): Promise<T | null> {
  try {
    return await read();
  } catch (err) {
    if (isAwsError(err, ...absentCodes)) return null;
    throw err;
  }
}

/**
 * ECR I/O. A drift check costs DescribeRepositories (existence, tag mutability, scanning,
 * encryption) and ListTagsForResource (ownership), plus GetLifecyclePolicy and
 * GetRepositoryPolicy when the spec manages them: 2 to 4 calls.
 */
export function repositoryManager(
  ctx: KindContext,
  client?: (region: string) => EcrLike,
): ResourceManager<RepositoryDesired, RepositoryObserved, RepositoryStatus> {
  const ecr = (region: string): EcrLike => (client ? client(region) : ctx.aws.ecr(region));

  /** Apply a delta's writes; tags first, so that an adopted repository is ours before anything else changes. */
  async function apply(desired: RepositoryDesired, observed: RepositoryObserved, delta: RepositoryDelta): Promise<RepositoryObserved> {
    const c = ecr(desired.region);
    const repositoryName = desired.repositoryName;
    const next: RepositoryObserved = { ...observed, tags: { ...observed.tags } };
    if (Object.keys(delta.tagsToAdd).length) {
      await c.send(new TagResourceCommand({ resourceArn: observed.arn, tags: tagList(delta.tagsToAdd) }));
      Object.assign(next.tags, delta.tagsToAdd);
    }
    if (delta.tagsToRemove.length) {
      await c.send(new UntagResourceCommand({ resourceArn: observed.arn, tagKeys: delta.tagsToRemove }));
      next.tags = withoutKeys(next.tags, delta.tagsToRemove);
    }
    if (delta.imageTagMutability) {
      await c.send(new PutImageTagMutabilityCommand({ repositoryName, imageTagMutability: delta.imageTagMutability }));
      next.imageTagMutability = delta.imageTagMutability;
    }
    if (delta.scanOnPush !== undefined) {
      await c.send(new PutImageScanningConfigurationCommand({ repositoryName, imageScanningConfiguration: { scanOnPush: delta.scanOnPush } }));
      next.scanOnPush = delta.scanOnPush;
    }
    if (delta.lifecycle === 'put' && desired.lifecyclePolicy) {
      await c.send(new PutLifecyclePolicyCommand({ repositoryName, lifecyclePolicyText: lifecyclePolicyText(desired.lifecyclePolicy) }));
      next.lifecyclePolicy = desired.lifecyclePolicy;
    } else if (delta.lifecycle === 'delete') {
      await orNull(() => c.send(new DeleteLifecyclePolicyCommand({ repositoryName })), ['LifecyclePolicyNotFoundException']);
      next.lifecyclePolicy = null;
    }
    if (delta.policy === 'put' && desired.policy) {
      await c.send(new SetRepositoryPolicyCommand({ repositoryName, policyText: JSON.stringify(desired.policy) }));
      next.policy = desired.policy;
    } else if (delta.policy === 'delete') {
      await orNull(() => c.send(new DeleteRepositoryPolicyCommand({ repositoryName })), ['RepositoryPolicyNotFoundException']);
      next.policy = null;
    }
    return next;
  }

  /** Distinct images in the repository (one page: "1000 or more"). */
  async function countImages(desired: RepositoryDesired): Promise<string> {
    const out = await ecr(desired.region).send(new ListImagesCommand({ repositoryName: desired.repositoryName, maxResults: COUNT_PAGE }));
    // NOTE: ListImages lists one entry per tag; an image with two tags appears twice.
    const n = new Set((out.imageIds ?? []).map((id) => id.imageDigest ?? id.imageTag)).size;
    return out.nextToken ? `${n} or more images` : `${n} image${n === 1 ? '' : 's'}`;
  }

  /** The repository, or undefined; finalize reads no policy. */
  async function read(desired: RepositoryDesired, previous: RepositoryStatus | undefined): Promise<RepositoryObserved | undefined> {
    const c = ecr(desired.region);
    let repo: Repository | undefined;
    try {
      repo = (await c.send(new DescribeRepositoriesCommand({ repositoryNames: [desired.repositoryName] }))).repositories?.[0];
    } catch (err) {
      if (isAwsError(err, 'RepositoryNotFoundException')) return undefined;
      throw err;
    }
    if (!repo?.repositoryArn) return undefined;
    const arn = repo.repositoryArn;
    const reads = desired.finalizing ? { lifecycle: false, policy: false } : policiesToRead(desired, previous);
    const [tags, lifecyclePolicy, policy] = await Promise.all([
      c.send(new ListTagsForResourceCommand({ resourceArn: arn })).then((o) => Object.fromEntries((o.tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']))),
      reads.lifecycle
        ? orNull(
            () =>
              c.send(new GetLifecyclePolicyCommand({ repositoryName: desired.repositoryName })).then((o) => parsePolicyDocument(o.lifecyclePolicyText) ?? {}),
            ['LifecyclePolicyNotFoundException'],
          )
        : undefined,
      reads.policy
        ? orNull(
            () => c.send(new GetRepositoryPolicyCommand({ repositoryName: desired.repositoryName })).then((o) => parsePolicyDocument(o.policyText) ?? {}),
            ['RepositoryPolicyNotFoundException'],
          )
        : undefined,
    ]);
    return {
      ...fromRepository(repo, tags),
      ...(lifecyclePolicy !== undefined ? { lifecyclePolicy } : {}),
      ...(policy !== undefined ? { policy } : {}),
    };
  }

  /** ECR cannot change encryption: a difference is the user's to resolve. */
  function refuseEncryptionChange(delta: RepositoryDelta): void {
    if (delta.encryptionMismatch) {
      // NOTE: ECR fixes encryption at creation; nothing can be written to repair it.
      throw new TerminalError(
        'EncryptionMismatch',
        `${delta.encryptionMismatch}; ECR cannot change a repository's encryption. Delete this object with deletionPolicy: Retain and create it again with the repository's encryption, or remove the repository`,
      );
    }
  }

  return {
    readOne: read,

    async create(desired) {
      const c = ecr(desired.region);
      const tags = { ...desired.tags, ...desired.ownerTags };
      let repo: Repository | undefined;
      try {
        repo = (
          await c.send(
            new CreateRepositoryCommand({
              repositoryName: desired.repositoryName,
              imageTagMutability: desired.imageTagMutability,
              imageScanningConfiguration: { scanOnPush: desired.scanOnPush },
              ...(desired.encryption
                ? {
                    encryptionConfiguration: {
                      encryptionType: desired.encryption.type,
                      ...(desired.encryption.kmsKey ? { kmsKey: desired.encryption.kmsKey } : {}),
                    },
                  }
                : {}),
              // Tags at creation, so the repository is never seen without its owner tags.
              tags: tagList(tags),
            }),
          )
        ).repository;
      } catch (err) {
        if (isAwsError(err, 'RepositoryAlreadyExistsException')) {
          // NOTE: a CreateRepository the SDK retried after a timeout finds the repository its
          // first attempt made (with our owner tags): carry on as an update. Anything else
          // (another replica's, not ours) the next sync reads and judges again.
          const existing = await read(desired, undefined);
          if (existing && ownership(existing.tags, ctx.owner) === 'ours') {
            const delta = repositoryDelta(desired, existing, undefined);
            refuseEncryptionChange(delta);
            return apply(desired, existing, delta);
          }
          throw new RecoverableError('RepositoryAlreadyExistsException', `repository "${desired.repositoryName}" already exists; reading it again`, {
            cause: err,
          });
        }
        throw err;
      }
      if (!repo?.repositoryArn) throw new Error('CreateRepository returned no repository');
      const fresh: RepositoryObserved = {
        ...fromRepository(repo, tags),
        ...(desired.lifecyclePolicy ? { lifecyclePolicy: null } : {}),
        ...(desired.policy ? { policy: null } : {}),
      };
      return apply(desired, fresh, {
        paths: ['create'],
        tagsToAdd: {},
        tagsToRemove: [],
        ...(desired.lifecyclePolicy ? { lifecycle: 'put' as const } : {}),
        ...(desired.policy ? { policy: 'put' as const } : {}),
      });
    },

    async update(desired, observed, delta) {
      const d = delta as RepositoryDelta;
      refuseEncryptionChange(d);
      return apply(desired, observed, d);
    },

    async delete(desired) {
      try {
        await ecr(desired.region).send(new DeleteRepositoryCommand({ repositoryName: desired.repositoryName, force: desired.force }));
      } catch (err) {
        if (isAwsError(err, 'RepositoryNotFoundException')) return 'deleted';
        if (isAwsError(err, 'RepositoryNotEmptyException')) {
          const count = await countImages(desired);
          throw new WaitError(
            'RepositoryNotEmpty',
            `repository "${desired.repositoryName}" still holds ${count}; set spec.force: true to delete them with the repository, or spec.deletionPolicy: Retain to keep it`,
            NOT_EMPTY_POLL_SECONDS,
          );
        }
        throw err;
      }
      return 'deleted';
    },
  };
}
