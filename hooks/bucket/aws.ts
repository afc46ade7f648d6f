/** The Bucket kind's only AWS I/O: S3 calls behind ACK's four verbs. */
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketLifecycleCommand,
  DeleteBucketPolicyCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  ListObjectVersionsCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  type BucketLocationConstraint,
  type S3Client,
} from '@aws-sdk/client-s3';
import { isAwsError, RecoverableError, TerminalError, WaitError } from '../core/errors.js';
import type { KindContext, ResourceManager } from '../core/kind.js';
import { ownership } from '../core/ownership.js';
import { parsePolicyDocument } from '../shared/policy-document.js';
import { accountInfo } from '../iam-common/account.js';
import type { BucketStatus } from '../../schemas/bucket.js';
import { bucketDelta, subresourcesToRead, type BucketDelta, type BucketObserved } from './delta.js';
import type { BucketDesired, DesiredEncryption } from './desired.js';
import { toS3LifecycleRules } from './lifecycle.js';

/** How often finalize looks again at a bucket that is not empty yet. */
export const NOT_EMPTY_POLL_SECONDS = 60;
/** Objects counted for the "not empty" message (one ListObjectVersions page). */
const COUNT_PAGE = 1000;

/** The S3 calls the manager makes (a fake in unit tests). */
export type S3Like = Pick<S3Client, 'send'>;

const tagList = (tags: Record<string, string>) =>
  Object.entries(tags)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([Key, Value]) => ({ Key, Value }));

/** Run `read`, answering `absent` when S3 says the configuration does not exist. */
async function orAbsent<T, A>(read: () => Promise<T>, absentCodes: string[], absent: A): Promise<T | A> {
  try {
    return await read();
  } catch (err) {
    if (isAwsError(err, ...absentCodes)) return absent;
    throw err;
  }
}

/**
 * S3 I/O. A drift check reads the tags (existence and ownership, before any write) and the
 * public access block, plus one call per optional configuration the spec manages: 2 calls for
 * a default Bucket, at most 6. Every call names our account as ExpectedBucketOwner, so that a
 * bucket of another account (bucket names are global) is never read or written.
 */
export function bucketManager(ctx: KindContext, client?: (region: string) => S3Like): ResourceManager<BucketDesired, BucketObserved, BucketStatus> {
  const s3 = (region: string): S3Like => (client ? client(region) : ctx.aws.s3(region));
  const expectedOwner = async () => (await accountInfo(ctx)).accountId;

  async function readTags(desired: BucketDesired, owner: string): Promise<Record<string, string> | undefined> {
    try {
      const out = await s3(desired.region).send(new GetBucketTaggingCommand({ Bucket: desired.bucketName, ExpectedBucketOwner: owner }));
      return Object.fromEntries((out.TagSet ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
    } catch (err) {
      if (isAwsError(err, 'NoSuchBucket')) return undefined;
      if (isAwsError(err, 'NoSuchTagSet')) return {};
      // NOTE: S3 answers 403 for a bucket of another account (bucket names are global), and
      // ExpectedBucketOwner turns any other owner into a 403 too.
      if (isAwsError(err, 'AccessDenied', 'Forbidden')) {
        // Finalize: a bucket we cannot read is not ours to delete (no owner tags seen): the
        // core leaves it in place (NotOwned) instead of blocking the deletion forever.
        if (desired.finalizing) return {};
        throw new TerminalError(
          'Conflict',
          `S3 denies access to bucket "${desired.bucketName}": bucket names are global, and this one most likely belongs to another AWS account (else a bucket policy or the service's IAM permissions deny awshooks). awshooks will not touch it; choose another name with spec.bucketName`,
        );
      }
      // NOTE: a bucket in another region answers 301 PermanentRedirect on the regional endpoint.
      if (isAwsError(err, 'PermanentRedirect', 'AuthorizationHeaderMalformed', 'IllegalLocationConstraintException')) {
        throw new TerminalError('WrongRegion', `bucket "${desired.bucketName}" exists in another region than ${desired.region}; awshooks will not touch it`);
      }
      throw err;
    }
  }

  async function readSubresources(desired: BucketDesired, previous: BucketStatus | undefined, owner: string): Promise<Omit<BucketObserved, 'tags'>> {
    const client = s3(desired.region);
    const reads = subresourcesToRead(desired, previous);
    const Bucket = desired.bucketName;
    const ExpectedBucketOwner = owner;
    const [versioning, encryption, publicAccessBlock, lifecycleRules, policy] = await Promise.all([
      reads.versioning ? client.send(new GetBucketVersioningCommand({ Bucket, ExpectedBucketOwner })).then((o) => o.Status ?? 'Off') : undefined,
      reads.encryption
        ? orAbsent(
            () =>
              client.send(new GetBucketEncryptionCommand({ Bucket, ExpectedBucketOwner })).then((o): DesiredEncryption | null => {
                const rule = o.ServerSideEncryptionConfiguration?.Rules?.[0];
                const def = rule?.ApplyServerSideEncryptionByDefault;
                if (!def?.SSEAlgorithm) return null;
                return {
                  algorithm: def.SSEAlgorithm as DesiredEncryption['algorithm'],
                  ...(def.KMSMasterKeyID ? { kmsKeyId: def.KMSMasterKeyID } : {}),
                  ...(rule?.BucketKeyEnabled !== undefined ? { bucketKeyEnabled: rule.BucketKeyEnabled } : {}),
                };
              }),
            ['ServerSideEncryptionConfigurationNotFoundError'],
            null,
          )
        : undefined,
      reads.publicAccessBlock
        ? orAbsent(
            () =>
              client.send(new GetPublicAccessBlockCommand({ Bucket, ExpectedBucketOwner })).then((o) => {
                const c = o.PublicAccessBlockConfiguration ?? {};
                return {
                  BlockPublicAcls: c.BlockPublicAcls ?? false,
                  IgnorePublicAcls: c.IgnorePublicAcls ?? false,
                  BlockPublicPolicy: c.BlockPublicPolicy ?? false,
                  RestrictPublicBuckets: c.RestrictPublicBuckets ?? false,
                };
              }),
            // NOTE: a removed public access block reads as "not found": everything allowed.
            ['NoSuchPublicAccessBlockConfiguration'],
            { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false },
          )
        : undefined,
      reads.lifecycle
        ? orAbsent(
            () => client.send(new GetBucketLifecycleConfigurationCommand({ Bucket, ExpectedBucketOwner })).then((o) => o.Rules ?? []),
            ['NoSuchLifecycleConfiguration'],
            [],
          )
        : undefined,
      reads.policy
        ? orAbsent(
            () => client.send(new GetBucketPolicyCommand({ Bucket, ExpectedBucketOwner })).then((o) => parsePolicyDocument(o.Policy) ?? null),
            ['NoSuchBucketPolicy'],
            null,
          )
        : undefined,
    ]);
    return {
      ...(versioning !== undefined ? { versioning: versioning as BucketObserved['versioning'] } : {}),
      ...(encryption !== undefined ? { encryption } : {}),
      ...(publicAccessBlock !== undefined ? { publicAccessBlock } : {}),
      ...(lifecycleRules !== undefined ? { lifecycleRules } : {}),
      ...(policy !== undefined ? { policy } : {}),
    };
  }

  /**
   * Apply the writes of a delta. The order matters: tags first (an adopted bucket carries our
   * owner tags before anything else changes); a public access block that is relaxed goes before
   * the policy that needs it, one that is tightened after the policy that it would refuse.
   */
  async function apply(desired: BucketDesired, observed: BucketObserved, delta: BucketDelta, owner: string): Promise<BucketObserved> {
    const client = s3(desired.region);
    const Bucket = desired.bucketName;
    const ExpectedBucketOwner = owner;
    const next: BucketObserved = { ...observed };
    if (delta.tagSet) {
      await client.send(new PutBucketTaggingCommand({ Bucket, ExpectedBucketOwner, Tagging: { TagSet: tagList(delta.tagSet) } }));
      next.tags = delta.tagSet;
    }
    const putPab = async () => {
      if (!delta.publicAccessBlock) return;
      await client.send(new PutPublicAccessBlockCommand({ Bucket, ExpectedBucketOwner, PublicAccessBlockConfiguration: delta.publicAccessBlock }));
      next.publicAccessBlock = delta.publicAccessBlock;
    };
    const pabFirst = delta.publicAccessBlock !== undefined && !delta.publicAccessBlock.BlockPublicPolicy;
    if (pabFirst) await putPab();
    if (delta.versioning) {
      await client.send(new PutBucketVersioningCommand({ Bucket, ExpectedBucketOwner, VersioningConfiguration: { Status: delta.versioning } }));
      next.versioning = delta.versioning;
    }
    if (delta.encryption) {
      const enc = delta.encryption;
      await client.send(
        new PutBucketEncryptionCommand({
          Bucket,
          ExpectedBucketOwner,
          ServerSideEncryptionConfiguration: {
            Rules: [
              {
                ApplyServerSideEncryptionByDefault: { SSEAlgorithm: enc.algorithm, ...(enc.kmsKeyId ? { KMSMasterKeyID: enc.kmsKeyId } : {}) },
                ...(enc.bucketKeyEnabled !== undefined ? { BucketKeyEnabled: enc.bucketKeyEnabled } : {}),
              },
            ],
          },
        }),
      );
      next.encryption = enc;
    }
    if (delta.policy === 'put' && desired.policy) {
      await client.send(new PutBucketPolicyCommand({ Bucket, ExpectedBucketOwner, Policy: JSON.stringify(desired.policy) }));
      next.policy = desired.policy;
    } else if (delta.policy === 'delete') {
      await client.send(new DeleteBucketPolicyCommand({ Bucket, ExpectedBucketOwner }));
      next.policy = null;
    }
    if (!pabFirst) await putPab();
    if (delta.lifecycle === 'put' && desired.lifecycleRules) {
      const Rules = toS3LifecycleRules(desired.lifecycleRules);
      await client.send(new PutBucketLifecycleConfigurationCommand({ Bucket, ExpectedBucketOwner, LifecycleConfiguration: { Rules } }));
      next.lifecycleRules = Rules;
    } else if (delta.lifecycle === 'delete') {
      await client.send(new DeleteBucketLifecycleCommand({ Bucket, ExpectedBucketOwner }));
      next.lifecycleRules = [];
    }
    return next;
  }

  /** How many object versions and delete markers the bucket holds (one page: "1000 or more"). */
  async function countObjects(desired: BucketDesired, owner: string): Promise<string> {
    const out = await s3(desired.region).send(new ListObjectVersionsCommand({ Bucket: desired.bucketName, ExpectedBucketOwner: owner, MaxKeys: COUNT_PAGE }));
    const n = (out.Versions?.length ?? 0) + (out.DeleteMarkers?.length ?? 0);
    if (out.IsTruncated) return `${n} or more object versions and delete markers`;
    return n === 1 ? '1 object version or delete marker' : `${n} object versions and delete markers`;
  }

  return {
    async readOne(desired, previous) {
      const owner = await expectedOwner();
      const tags = await readTags(desired, owner);
      if (tags === undefined) return undefined;
      // Finalize needs only existence and ownership.
      if (desired.finalizing) return { tags };
      return { tags, ...(await readSubresources(desired, previous, owner)) };
    },

    async create(desired) {
      const owner = await expectedOwner();
      const client = s3(desired.region);
      const tags = { ...desired.tags, ...desired.ownerTags };
      try {
        await client.send(
          new CreateBucketCommand({
            Bucket: desired.bucketName,
            CreateBucketConfiguration: {
              // NOTE: us-east-1 refuses a LocationConstraint naming itself; every other region needs one.
              ...(desired.region !== 'us-east-1' ? { LocationConstraint: desired.region as BucketLocationConstraint } : {}),
              // Tags at creation, so the bucket is never seen without its owner tags.
              Tags: tagList(tags),
            },
          }),
        );
      } catch (err) {
        if (isAwsError(err, 'BucketAlreadyExists')) {
          throw new TerminalError(
            'Conflict',
            `bucket name "${desired.bucketName}" is taken by another AWS account: S3 bucket names are global. awshooks will not touch it; choose another name with spec.bucketName`,
          );
        }
        if (isAwsError(err, 'BucketAlreadyOwnedByYou')) {
          // NOTE: a CreateBucket the SDK retried after a timeout finds the bucket its first
          // attempt made. Ours by its owner tags: carry on as an update. Otherwise (another
          // replica, another region, tags not there yet) the next sync reads it again.
          const existing = await readTags(desired, owner);
          if (existing && ownership(existing, ctx.owner) === 'ours') {
            const observed: BucketObserved = { tags: existing, ...(await readSubresources(desired, undefined, owner)) };
            return apply(desired, observed, bucketDelta(desired, observed, undefined), owner);
          }
          throw new RecoverableError('BucketAlreadyOwnedByYou', `bucket "${desired.bucketName}" already exists in this account; reading it again`, {
            cause: err,
          });
        }
        throw err;
      }
      try {
        // NOTE: the emulator (moto 5.2) ignores CreateBucketConfiguration.Tags; AWS applies
        // them. Putting the same set again costs one call per creation and guarantees both.
        await client.send(new PutBucketTaggingCommand({ Bucket: desired.bucketName, ExpectedBucketOwner: owner, Tagging: { TagSet: tagList(tags) } }));
      } catch (err) {
        // A bucket left without owner tags could never be managed again (Conflict): it is
        // empty and ours, remove it and let the next sync start over.
        await client.send(new DeleteBucketCommand({ Bucket: desired.bucketName, ExpectedBucketOwner: owner })).catch((cleanup: unknown) => {
          ctx.log.warn({ event: 'cleanup_failed', error: String(cleanup) }, 'could not remove a bucket whose tagging failed');
        });
        throw err;
      }
      // A new bucket: no versioning, no policy, no lifecycle; write everything the spec manages.
      const fresh: BucketObserved = {
        tags,
        ...(desired.versioning ? { versioning: 'Off' as const } : {}),
        ...(desired.encryption ? { encryption: null } : {}),
        publicAccessBlock: { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false },
        ...(desired.lifecycleRules ? { lifecycleRules: [] } : {}),
        ...(desired.policy ? { policy: null } : {}),
      };
      const delta: BucketDelta = {
        paths: ['create'],
        ...(desired.versioning === 'Enabled' ? { versioning: 'Enabled' as const } : {}),
        ...(desired.encryption ? { encryption: desired.encryption } : {}),
        publicAccessBlock: desired.publicAccessBlock,
        ...(desired.lifecycleRules?.length ? { lifecycle: 'put' as const } : {}),
        ...(desired.policy ? { policy: 'put' as const } : {}),
      };
      return apply(desired, fresh, delta, owner);
    },

    async update(desired, observed, delta) {
      return apply(desired, observed, delta, await expectedOwner());
    },

    async delete(desired) {
      const owner = await expectedOwner();
      try {
        // NOTE: S3 refuses to delete a bucket that holds anything (BucketNotEmpty), atomically.
        // awshooks never deletes objects; it asks the user to.
        await s3(desired.region).send(new DeleteBucketCommand({ Bucket: desired.bucketName, ExpectedBucketOwner: owner }));
      } catch (err) {
        if (isAwsError(err, 'NoSuchBucket')) return 'deleted';
        if (isAwsError(err, 'BucketNotEmpty')) {
          const count = await countObjects(desired, owner);
          throw new WaitError(
            'BucketNotEmpty',
            `bucket "${desired.bucketName}" still holds ${count}; awshooks never deletes objects: empty the bucket, or set spec.deletionPolicy: Retain to keep it`,
            NOT_EMPTY_POLL_SECONDS,
          );
        }
        throw err;
      }
      return 'deleted';
    },
  };
}
