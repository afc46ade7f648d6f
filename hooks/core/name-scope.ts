/**
 * Which AWS names a parent may use (DESIGN.md §3.3, §3.4): its own namespace's names
 * (`<prefix>-<namespace token>-…`, see naming.ts), names an administrator allowed for its
 * namespace (ALLOWED_AWS_NAMES), and — to keep resources created before the namespace token
 * existed — a resource whose owner tags already name this very parent.
 */
import { TerminalError } from './errors.js';
import { ownership } from './ownership.js';
import type { Owner } from './types.js';

/** One ALLOWED_AWS_NAMES entry: objects of namespaces matching `namespace` may use names/ARNs matching `pattern`. */
export interface NameAllowEntry {
  /** Glob of namespace names (`*` matches any run of characters). */
  namespace: string;
  /** Glob of AWS names or ARNs (`*` matches any run of characters, `:` and `/` included). */
  pattern: string;
}

/** Glob match: `*` matches any run of characters, every other character itself. */
export function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(value);
}

/** True when an entry for `namespace` matches one of `values` (a name, or an ARN and its name). */
export function allowedByAdmin(entries: readonly NameAllowEntry[], namespace: string, ...values: string[]): boolean {
  return entries.some((e) => globMatch(e.namespace, namespace) && values.some((v) => globMatch(e.pattern, v)));
}

/** The AWS name a parent uses, and what awshooks may do with it. */
export interface NameChoice {
  /** The name read first, and the only one ever created. */
  name: string;
  /**
   * True for the parent's own names (derived, or in its namespace's names, or allowed by the
   * administrator): created when absent, adoptable. False for any other name: used only for a
   * resource whose owner tags already name this parent; never created, never adopted.
   */
  claimable: boolean;
  /**
   * The name the pre-token scheme derived for this parent, when it differs: read when `name` is
   * absent, and used only when its owner tags name this parent (resources created before the upgrade).
   */
  legacy?: string;
  /** `<prefix>-<namespace token>-`: where the namespace's own names start (for messages). */
  ownPrefix?: string;
}

/** What {@link chooseName} needs. */
export interface NameChoiceInput {
  /** The spec's explicit name, when it sets one (already checked against the service's rules). */
  explicit?: string;
  /** The derived name (new scheme). */
  derived: string;
  /** The legacy derived name. */
  legacy: string;
  /** `<prefix>-<namespace token>-`, or undefined when no custom name fits the namespace's names. */
  ownPrefix: string | undefined;
  namespace: string;
  allow: readonly NameAllowEntry[];
}

/** Decide how a parent may use a name (pure). */
export function chooseName(input: NameChoiceInput): NameChoice {
  const { explicit, derived, legacy } = input;
  const ownPrefix = input.ownPrefix !== undefined ? { ownPrefix: input.ownPrefix } : {};
  if (explicit === undefined) return { name: derived, claimable: true, ...(legacy !== derived ? { legacy } : {}), ...ownPrefix };
  const own = explicit === derived || (input.ownPrefix !== undefined && explicit.startsWith(input.ownPrefix) && explicit.length > input.ownPrefix.length);
  return { name: explicit, claimable: own || allowedByAdmin(input.allow, input.namespace, explicit), ...ownPrefix };
}

/**
 * The error create() answers for a name that is not the parent's own: nothing of ours exists
 * under it, and awshooks never creates (or squats) a name outside the namespace's names.
 */
export function nameNotAllowed(field: string, name: string, ownPrefix: string | undefined, what: string): TerminalError {
  const own = ownPrefix ? `names starting with "${ownPrefix}"` : 'its derived name only (the namespace is too long for custom names)';
  return new TerminalError(
    'NameNotAllowed',
    `${field}: "${name}" is outside this namespace's names (${own}); awshooks uses such a name only for a ${what} whose owner tags already name this object, and there is none. Choose a name in the namespace's names, or ask the administrator to allow it (ALLOWED_AWS_NAMES)`,
  );
}

/**
 * Read the resource a parent uses, trying `choice.name` and `choice.legacy` (the legacy first
 * when the previous status names it, which keeps a drift check at its usual cost). A claimable
 * name is returned whatever its tags (the core judges ownership and adoption); any other name
 * only when its owner tags name `owner`, else it counts as absent.
 */
export async function readChosen<O>(
  choice: NameChoice,
  previousName: string | undefined,
  read: (name: string) => Promise<O | undefined>,
  tagsOf: (observed: O) => Record<string, string> | undefined,
  owner: Owner,
): Promise<O | undefined> {
  const names = choice.legacy && previousName === choice.legacy ? [choice.legacy, choice.name] : [choice.name, ...(choice.legacy ? [choice.legacy] : [])];
  for (const name of names) {
    const observed = await read(name);
    if (observed === undefined) continue;
    if (name === choice.name && choice.claimable) return observed;
    if (ownership(tagsOf(observed), owner) === 'ours') return observed;
  }
  return undefined;
}

/** The parts of an ARN, or undefined when it is not one. */
export function parseArn(arn: string): { partition: string; service: string; region: string; account: string; resource: string } | undefined {
  const m = /^arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|aws|):(.+)$/.exec(arn);
  if (!m) return undefined;
  const [, partition = '', service = '', region = '', account = '', resource = ''] = m;
  return { partition, service, region, account, resource };
}
