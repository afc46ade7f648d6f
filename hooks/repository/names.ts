/**
 * Pure: ECR repository names. Derived names are namespaced under the service prefix as
 * `<prefix>/<namespace>/<name>`: a namespace cannot contain `/`, so derived names of two
 * namespaces never meet, and the service's IAM policy is scoped to `repository/<prefix>/*`.
 */
import type { HooksConfig } from '../core/config.js';
import { InvalidSpecError } from '../core/errors.js';
import { shortHash } from '../core/hash.js';
import { allowedByAdmin } from '../core/name-scope.js';
import type { Owner } from '../core/types.js';

/** ECR's length limits of repository names. */
export const ECR_NAME_MIN = 2;
/** Longest repository name. */
export const ECR_NAME_MAX = 256;

/** ECR's repository name rule: components of [a-z0-9] joined by one of `. _ -`, separated by `/`. */
const ECR_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** What is wrong with a repository name under ECR's rules, or undefined. */
export function ecrNameProblem(name: string): string | undefined {
  if (name.length < ECR_NAME_MIN || name.length > ECR_NAME_MAX) return `must be ${ECR_NAME_MIN}-${ECR_NAME_MAX} characters`;
  if (!ECR_NAME.test(name)) return 'must be lower-case letters and digits, with single . _ or - between them and / between path components';
  return undefined;
}

/**
 * The default repository name: `<prefix>/<namespace>/<name>`. Kubernetes names may hold runs of
 * separators (`a--b`) that ECR refuses: those are collapsed, and such a name, or one cut to 256
 * characters, gets a short hash of the full name so that it stays unique.
 */
export function defaultRepositoryName(prefix: string, namespace: string, name: string): string {
  const collapse = (s: string) => s.replace(/[._-]{2,}/g, '-');
  const ns = collapse(namespace);
  const nm = collapse(name);
  const head = `${prefix}/${ns}/`;
  let repo = `${head}${nm}`;
  if (ns !== namespace || nm !== name || repo.length > ECR_NAME_MAX) {
    const hash = shortHash(`${prefix}/${namespace}/${name}`, 8);
    repo = `${head}${nm.slice(0, ECR_NAME_MAX - head.length - hash.length - 1).replace(/[._-]+$/, '')}-${hash}`;
  }
  const problem = ecrNameProblem(repo);
  if (problem) throw new InvalidSpecError(`the derived repository name "${repo}" ${problem}; set spec.repositoryName`);
  return repo;
}

/**
 * Whether a custom repository name stays inside the parent's namespace's names: it must start
 * with `<prefix>/<namespace>/`, as derived names do (a namespace holds no `/`, so no token is
 * needed), or be allowed by ALLOWED_AWS_NAMES. The one place this rule lives for repositories.
 */
export function repositoryNameInNamespace(repositoryName: string, config: HooksConfig, owner: Owner): string | undefined {
  const required = `${config.namePrefix}/${owner.namespace}/`;
  if (repositoryName.startsWith(required)) return undefined;
  // The administrator's shared allowance (ALLOWED_AWS_NAMES), by name as for every kind.
  if (allowedByAdmin(config.allowedAwsNames, owner.namespace, repositoryName)) return undefined;
  return `must start with "${required}" (a Repository may only use its own namespace's names unless the administrator allowed it in ALLOWED_AWS_NAMES)`;
}

/** The repository name a spec asks for, checked against ECR's rules and the namespace rule. */
export function repositoryNameFor(spec: { repositoryName?: string | undefined }, config: HooksConfig, owner: Owner): string {
  if (spec.repositoryName === undefined) return defaultRepositoryName(config.namePrefix, owner.namespace, owner.name);
  const problem = ecrNameProblem(spec.repositoryName) ?? repositoryNameInNamespace(spec.repositoryName, config, owner);
  if (problem) throw new InvalidSpecError(`spec.repositoryName: "${spec.repositoryName}" ${problem}`);
  return spec.repositoryName;
}
