/**
 * Pure: ECR lifecycle policies. ECR takes the policy as a JSON document; the spec holds it as
 * an object whose shape the schema checks. The rules between fields are checked here (so a
 * bad policy is an InvalidSpec before any AWS call), and the document is compared by meaning.
 */
import { InvalidSpecError } from '../core/errors.js';
import { stableStringify } from '../core/hash.js';
import type { LifecyclePolicyRule } from '../../schemas/repository.js';

/** ECR's limit on the lifecycle policy text. */
export const LIFECYCLE_POLICY_MAX_CHARS = 30720;
/** ECR allows at most four `*` wildcards in a tag pattern. */
const MAX_WILDCARDS = 4;

/** The lifecycle policy document as ECR stores it. */
export interface LifecyclePolicyDocument {
  rules: LifecyclePolicyRule[];
}

/**
 * Check a policy against ECR's rules: unique priorities; a `tagged` rule selects by exactly
 * one of tag prefixes and tag patterns, `untagged` and `any` by neither; `countUnit` with
 * `sinceImagePushed` only; at most one `any` rule, with the highest priority; at most four
 * wildcards per pattern; the size limit. @throws InvalidSpecError naming the field.
 */
export function checkLifecyclePolicy(policy: LifecyclePolicyDocument, field = 'spec.lifecyclePolicy'): void {
  const priorities = new Set<number>();
  const highest = Math.max(...policy.rules.map((r) => r.rulePriority));
  let anyRules = 0;
  policy.rules.forEach((rule, i) => {
    const at = `${field}.rules[${i}]`;
    const s = rule.selection;
    if (priorities.has(rule.rulePriority))
      throw new InvalidSpecError(`${at}.rulePriority: ${rule.rulePriority} is used by another rule; priorities must be unique`);
    priorities.add(rule.rulePriority);
    const lists = (s.tagPrefixList ? 1 : 0) + (s.tagPatternList ? 1 : 0);
    if (s.tagStatus === 'tagged' && lists !== 1)
      throw new InvalidSpecError(`${at}.selection: tagStatus tagged needs exactly one of tagPrefixList and tagPatternList`);
    if (s.tagStatus !== 'tagged' && lists !== 0)
      throw new InvalidSpecError(`${at}.selection: tagStatus ${s.tagStatus} takes neither tagPrefixList nor tagPatternList`);
    if (s.countType === 'sinceImagePushed' && s.countUnit === undefined)
      throw new InvalidSpecError(`${at}.selection.countUnit: required with countType sinceImagePushed (days)`);
    if (s.countType === 'imageCountMoreThan' && s.countUnit !== undefined)
      throw new InvalidSpecError(`${at}.selection.countUnit: not allowed with countType imageCountMoreThan`);
    (s.tagPatternList ?? []).forEach((p, j) => {
      if ((p.match(/\*/g) ?? []).length > MAX_WILDCARDS) throw new InvalidSpecError(`${at}.selection.tagPatternList[${j}]: at most ${MAX_WILDCARDS} wildcards`);
    });
    if (s.tagStatus === 'any') {
      anyRules++;
      if (rule.rulePriority !== highest)
        throw new InvalidSpecError(`${at}.rulePriority: a tagStatus any rule must have the highest rulePriority (${highest} is higher)`);
    }
  });
  if (anyRules > 1) throw new InvalidSpecError(`${field}.rules: at most one rule may have tagStatus any`);
  const size = lifecyclePolicyText(policy).length;
  if (size > LIFECYCLE_POLICY_MAX_CHARS) throw new InvalidSpecError(`${field}: the document is ${size} characters; ECR allows ${LIFECYCLE_POLICY_MAX_CHARS}`);
}

/** The JSON text ECR receives. */
export function lifecyclePolicyText(policy: LifecyclePolicyDocument): string {
  return JSON.stringify({ rules: [...policy.rules].sort((a, b) => a.rulePriority - b.rulePriority) });
}

/** A document reduced to what it means: rules by priority, tag lists as sets. */
function canonical(document: unknown): string | undefined {
  if (!document || typeof document !== 'object' || !Array.isArray((document as { rules?: unknown }).rules)) return undefined;
  const rules = (document as { rules: Record<string, unknown>[] }).rules.map((rule) => {
    const selection = { ...((rule.selection as Record<string, unknown> | undefined) ?? {}) };
    for (const key of ['tagPrefixList', 'tagPatternList']) {
      if (Array.isArray(selection[key])) selection[key] = [...new Set(selection[key] as string[])].sort();
    }
    return { ...rule, selection, rulePriority: Number(rule.rulePriority), ...(rule.description === '' ? { description: undefined } : {}) };
  });
  return stableStringify(rules.sort((a, b) => a.rulePriority - b.rulePriority));
}

/** True when ECR's stored document means what the spec says. */
export function sameLifecyclePolicy(desired: LifecyclePolicyDocument, observed: unknown): boolean {
  const d = canonical(desired);
  return d !== undefined && d === canonical(observed);
}
