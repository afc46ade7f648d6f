/** The `Repository` kind: an ECR repository plus a ConfigMap apps read with envFrom. */
import { childNameRules } from '../core/child-names.js';
import { kindNames, type KindDefinition } from '../core/kind.js';
import { AGE_COLUMN, CONDITION_COLUMNS } from '../../schemas/printer-columns.js';
import { repositoryKey, repositoryOrphanCandidates } from './candidates.js';
import {
  REPOSITORY_SPEC_VALIDATIONS,
  RepositorySpecSchema,
  RepositoryStatusSchema,
  type RepositorySpec,
  type RepositoryStatus,
} from '../../schemas/repository.js';
import { repositoryManager, type EcrLike } from './aws.js';
import { repositoryDelta, type RepositoryObserved } from './delta.js';
import { desiredRepository, repositoryFingerprint, type RepositoryDesired } from './desired.js';
import { repositoryChildren, repositoryStatus, repositoryWouldBeChildren } from './status.js';

/** ECR error codes that need the user (or the admin) to act; everything else is retried. */
const TERMINAL_CODES = new Set([
  'AccessDeniedException',
  'InvalidParameterException',
  'InvalidTagParameterException',
  'TooManyTagsException',
  'LimitExceededException',
  'KmsException',
  'LifecyclePolicyPreviewInProgressException',
  'ValidationException',
]);

/** Test seam: the ECR client factory (unit tests pass a fake). */
export interface RepositoryKindOptions {
  ecr?: (region: string) => EcrLike;
}

/** Build the Repository kind (tests inject a fake ECR). */
export function makeRepositoryKind(
  options: RepositoryKindOptions = {},
): KindDefinition<RepositorySpec, RepositoryDesired, RepositoryObserved, RepositoryStatus> {
  return {
    names: kindNames({ kind: 'Repository', group: 'ecr.awshooks.dev', version: 'v1alpha1', shortNames: ['ecrrepo'] }),
    specSchema: RepositorySpecSchema,
    statusSchema: RepositoryStatusSchema,
    specValidations: REPOSITORY_SPEC_VALIDATIONS,
    // Seed 000's 30 s, like a Queue: S3 and ECR reads are cheap and settings are often changed by hand.
    driftCheckIntervalSeconds: 30,
    printerColumns: [
      { name: 'URI', type: 'string', jsonPath: '.status.repositoryUri', description: 'The URI to push to and pull from' },
      { name: 'Mutability', type: 'string', jsonPath: '.spec.imageTagMutability', priority: 1 },
      ...CONDITION_COLUMNS,
      AGE_COLUMN,
    ],
    childResources: [{ apiVersion: 'v1', resource: 'configmaps', kind: 'ConfigMap', updateStrategy: 'InPlace' }],
    // ConfigMaps by name, to see whether another object already holds a child's name.
    relatedResources: [{ apiVersion: 'v1', resource: 'configmaps' }],
    customize: (parent) => childNameRules(parent, repositoryWouldBeChildren(parent.metadata.name)),
    terminalCodes: TERMINAL_CODES,
    desired: desiredRepository,
    fingerprint: repositoryFingerprint,
    resource: (ctx) => repositoryManager(ctx, options.ecr),
    tagsOf: (observed) => observed.tags,
    delta: repositoryDelta,
    status: (desired, observed) => repositoryStatus(desired, observed),
    children: repositoryChildren,
    existsPerStatus: (status) => Boolean(status?.repositoryArn),
    orphanCandidates: repositoryOrphanCandidates,
    resourceKey: repositoryKey,
  };
}

/** The Repository kind definition. */
export const repositoryKind = makeRepositoryKind();
