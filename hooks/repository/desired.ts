/** Pure: a Repository's spec (plus config) → the desired ECR repository. */
import { checkChildNames } from '../core/child-names.js';
import { repositoryWouldBeChildren } from './status.js';
import { InvalidSpecError } from '../core/errors.js';
import type { DesiredInput } from '../core/kind.js';
import { ownerTags } from '../core/ownership.js';
import { checkResourcePolicy } from '../shared/resource-policy.js';
import { validateUserTags } from '../shared/tags.js';
import type { ResourcePolicyDocument } from '../../schemas/resource-policy.js';
import type { RepositorySpec, RepositoryStatus } from '../../schemas/repository.js';
import { checkLifecyclePolicy, type LifecyclePolicyDocument } from './lifecycle.js';
import { repositoryNameFor } from './names.js';

/** ECR's limit on the repository policy text. */
export const REPOSITORY_POLICY_MAX_CHARS = 10240;

/** Encryption at rest as ECR names it. */
export interface RepositoryEncryption {
  type: 'AES256' | 'KMS';
  kmsKey?: string;
}

/** The desired ECR repository. Optional parts are managed only when set. */
export interface RepositoryDesired {
  region: string;
  repositoryName: string;
  imageTagMutability: 'MUTABLE' | 'IMMUTABLE';
  scanOnPush: boolean;
  /** Set at creation only (ECR cannot change it); undefined = ECR's default (AES256). */
  encryption?: RepositoryEncryption;
  lifecyclePolicy?: LifecyclePolicyDocument;
  policy?: ResourcePolicyDocument;
  tags: Record<string, string>;
  ownerTags: Record<string, string>;
  /** Delete the repository with its images. */
  force: boolean;
  adopt: boolean;
  deletionPolicy: 'Delete' | 'Retain';
  /** Finalize reads only what deletion needs (existence and tags). */
  finalizing: boolean;
}

/** Pure: the desired repository. Throws InvalidSpecError (no AWS call is made then). */
export function desiredRepository(input: DesiredInput<RepositorySpec, RepositoryStatus>): RepositoryDesired {
  const { spec, config, owner } = input;
  const repositoryName = repositoryNameFor(spec, config, owner);
  if (!input.finalizing)
    checkChildNames(
      repositoryWouldBeChildren(input.parent.metadata.name),
      input.parent,
      input.children,
      input.related,
      'rename this Repository or the other object',
    );
  if (spec.lifecyclePolicy) checkLifecyclePolicy(spec.lifecyclePolicy);
  if (spec.policy) checkResourcePolicy(spec.policy, 'spec.policy', { actionPrefix: 'ecr', resourceRequired: false, maxChars: REPOSITORY_POLICY_MAX_CHARS });
  const enc = spec.encryption;
  if (enc && enc.type !== 'KMS' && enc.kmsKey !== undefined) throw new InvalidSpecError('spec.encryption.kmsKey: needs type KMS');
  const tags = validateUserTags(spec.tags);
  for (const key of Object.keys(tags)) {
    if (key.toLowerCase().startsWith('aws:')) throw new InvalidSpecError(`spec.tags: key "${key}" is reserved by AWS`);
  }
  return {
    region: spec.region,
    repositoryName,
    imageTagMutability: spec.imageTagMutability,
    scanOnPush: spec.scanOnPush,
    ...(enc ? { encryption: { type: enc.type, ...(enc.kmsKey !== undefined ? { kmsKey: enc.kmsKey } : {}) } } : {}),
    ...(spec.lifecyclePolicy ? { lifecyclePolicy: spec.lifecyclePolicy } : {}),
    ...(spec.policy ? { policy: spec.policy } : {}),
    tags,
    ownerTags: ownerTags(owner),
    force: spec.force,
    adopt: spec.adopt,
    deletionPolicy: spec.deletionPolicy,
    finalizing: input.finalizing,
  };
}

/** What decides whether AWS must be visited: everything but the finalize flag. */
export function repositoryFingerprint(desired: RepositoryDesired): unknown {
  const { finalizing: _finalizing, ...rest } = desired;
  return rest;
}
