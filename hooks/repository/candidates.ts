/**
 * Pure: the ECR repositories a Repository may own, found without a valid spec (finalize of a spec
 * that no longer validates). Finalize reads each and deletes only those whose owner tags name the
 * parent; images go with it only when the raw spec plainly says `force: true`.
 */
import type { OrphanInput } from '../core/kind.js';
import { ownerTags } from '../core/ownership.js';
import { candidatesByName, plainBoolean, plainString } from '../shared/candidates.js';
import type { RepositoryStatus } from '../../schemas/repository.js';
import type { RepositoryDesired } from './desired.js';
import { defaultRepositoryName, ecrNameProblem } from './names.js';

/** A repository's identity in AWS. */
export function repositoryKey(desired: Pick<RepositoryDesired, 'region' | 'repositoryName'>): string {
  return `${desired.region}/${desired.repositoryName}`;
}

/** The derived name, or undefined when none can be derived. */
function derivedName(input: OrphanInput<RepositoryStatus>): string | undefined {
  try {
    return defaultRepositoryName(input.config.namePrefix, input.owner.namespace, input.owner.name);
  } catch {
    return undefined;
  }
}

/**
 * The repository status names, when it names one under our prefix (`<prefix>/`, the only
 * repositories the service's IAM policy reaches); otherwise the raw spec's `repositoryName` (when
 * valid and under our prefix) and the derived name, in the status's, the raw spec's or the
 * default region.
 */
export function repositoryOrphanCandidates(input: OrphanInput<RepositoryStatus>): RepositoryDesired[] {
  const { rawSpec, config, owner } = input;
  const usable = (name: string | undefined): name is string =>
    name !== undefined && name.startsWith(`${config.namePrefix}/`) && ecrNameProblem(name) === undefined;
  const make = (region: string, repositoryName: string): RepositoryDesired => ({
    region,
    repositoryName,
    imageTagMutability: 'MUTABLE',
    scanOnPush: false,
    tags: {},
    ownerTags: ownerTags(owner),
    // Images are deleted only when the spec plainly asked for it: never on a guess.
    force: plainBoolean(rawSpec, 'force') === true,
    adopt: false,
    deletionPolicy: input.deletionPolicy === 'Retain' ? 'Retain' : 'Delete',
    finalizing: true,
  });
  return candidatesByName(input, 'repositoryName', usable, [plainString(rawSpec, 'repositoryName'), derivedName(input)], make);
}
