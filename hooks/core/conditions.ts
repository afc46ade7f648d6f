import type { Condition } from './types.js';

/** A condition before it gets its transition time. */
export type ConditionInput = Omit<Condition, 'lastTransitionTime'>;

/**
 * Merge new conditions into the previous ones. `lastTransitionTime` changes only when a
 * condition's status changes, so that an unchanged situation gives a byte-identical status
 * and Metacontroller does not write (and re-sync) in a loop.
 */
export function mergeConditions(previous: Condition[] | undefined, next: ConditionInput[], now: Date): Condition[] {
  const prev = new Map((previous ?? []).map((c) => [c.type, c]));
  const out: Condition[] = next.map((c) => {
    const old = prev.get(c.type);
    const lastTransitionTime = old?.status === c.status ? old.lastTransitionTime : now.toISOString();
    return { ...c, lastTransitionTime };
  });
  // Keep conditions the kind did not mention this time (for example Connectable while waiting).
  for (const old of previous ?? []) if (!next.some((c) => c.type === old.type)) out.push(old);
  return out.sort((a, b) => a.type.localeCompare(b.type));
}

/** Find a condition by type. */
export function findCondition(conditions: Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** True when the named condition is present with status True. */
export function isTrue(conditions: Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === 'True';
}
