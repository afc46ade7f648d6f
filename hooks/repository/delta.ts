/** Pure: what differs between a desired and an observed repository. */
import type { Delta } from '../core/kind.js';
import { sameKmsKey } from '../shared/kms.js';
import { tagDelta } from '../core/ownership.js';
import { sameResourcePolicy } from '../shared/resource-policy.js';
import type { RepositoryStatus } from '../../schemas/repository.js';
import type { RepositoryDesired, RepositoryEncryption } from './desired.js';
import { sameLifecyclePolicy } from './lifecycle.js';

/** Optional configurations awshooks removes again when they leave the spec. */
export type ManagedConfiguration = 'lifecycle' | 'policy';

/**
 * A repository as read from ECR. The lifecycle and repository policies are read only when the
 * spec manages them (or did before): undefined when not read, `null` when ECR has none.
 */
export interface RepositoryObserved {
  arn: string;
  uri: string;
  imageTagMutability: string;
  scanOnPush: boolean;
  encryption: RepositoryEncryption;
  tags: Record<string, string>;
  lifecyclePolicy?: unknown;
  policy?: unknown;
}

/** Writes to make. */
export interface RepositoryDelta extends Delta {
  tagsToAdd: Record<string, string>;
  tagsToRemove: string[];
  imageTagMutability?: 'MUTABLE' | 'IMMUTABLE';
  scanOnPush?: boolean;
  /** ECR cannot change encryption: a difference is reported, never written. */
  encryptionMismatch?: string;
  lifecycle?: 'put' | 'delete';
  policy?: 'put' | 'delete';
}

/** Which optional policies a sync reads: the ones the spec manages, plus the ones it managed before. */
export function policiesToRead(desired: RepositoryDesired, previous: RepositoryStatus | undefined): { lifecycle: boolean; policy: boolean } {
  const before = previous?.repositoryName === desired.repositoryName ? (previous.managedConfigurations ?? []) : [];
  return {
    lifecycle: desired.lifecyclePolicy !== undefined || before.includes('lifecycle'),
    policy: desired.policy !== undefined || before.includes('policy'),
  };
}

/** The optional configurations this desired state applies. */
export function managedConfigurations(desired: RepositoryDesired): ManagedConfiguration[] {
  return [...(desired.lifecyclePolicy !== undefined ? (['lifecycle'] as const) : []), ...(desired.policy !== undefined ? (['policy'] as const) : [])];
}

/** How the observed encryption differs from the spec's, or undefined. */
export function encryptionMismatch(desired: RepositoryEncryption | undefined, observed: RepositoryEncryption): string | undefined {
  if (!desired) return undefined;
  if (desired.type !== observed.type) return `the repository is encrypted with ${observed.type}, the spec says ${desired.type}`;
  if (desired.type === 'KMS' && !sameKmsKey(desired.kmsKey, observed.kmsKey))
    return `the repository uses KMS key ${observed.kmsKey ?? '(default)'}, the spec says ${desired.kmsKey}`;
  return undefined;
}

/**
 * Compare by meaning: tags for keys we set (or set before), tag mutability, scan on push, the
 * lifecycle policy (rules by priority) and the repository policy (IAM-document semantics).
 */
export function repositoryDelta(desired: RepositoryDesired, observed: RepositoryObserved, previous: RepositoryStatus | undefined): RepositoryDelta {
  const managedKeys = previous?.repositoryName === desired.repositoryName ? (previous.managedTagKeys ?? []) : [];
  const { toAdd, toRemove } = tagDelta({ ...desired.tags, ...desired.ownerTags }, observed.tags, managedKeys);
  const delta: RepositoryDelta = { paths: [], tagsToAdd: toAdd, tagsToRemove: toRemove };
  if (Object.keys(toAdd).length || toRemove.length) delta.paths.push('tags');
  if (observed.imageTagMutability !== desired.imageTagMutability) {
    delta.imageTagMutability = desired.imageTagMutability;
    delta.paths.push('imageTagMutability');
  }
  if (observed.scanOnPush !== desired.scanOnPush) {
    delta.scanOnPush = desired.scanOnPush;
    delta.paths.push('scanOnPush');
  }
  const mismatch = encryptionMismatch(desired.encryption, observed.encryption);
  if (mismatch) {
    delta.encryptionMismatch = mismatch;
    delta.paths.push('encryption');
  }
  if (observed.lifecyclePolicy !== undefined) {
    if (desired.lifecyclePolicy === undefined) {
      if (observed.lifecyclePolicy !== null) delta.lifecycle = 'delete';
    } else if (!sameLifecyclePolicy(desired.lifecyclePolicy, observed.lifecyclePolicy)) {
      delta.lifecycle = 'put';
    }
    if (delta.lifecycle) delta.paths.push('lifecyclePolicy');
  }
  if (observed.policy !== undefined) {
    if (desired.policy === undefined) {
      if (observed.policy !== null) delta.policy = 'delete';
    } else if (!sameResourcePolicy(desired.policy, observed.policy, partitionOfArn(observed.arn))) {
      delta.policy = 'put';
    }
    if (delta.policy) delta.paths.push('policy');
  }
  return delta;
}

function partitionOfArn(arn: string): string {
  const partition = arn.split(':')[1];
  return partition === undefined || partition === '' ? 'aws' : partition;
}
