/**
 * The validated spec of a parent already seen at this generation, so that a steady-state sync
 * neither copies nor re-validates it (issue 10: `structuredClone` plus ajv with defaults were 5%
 * of a converged sync). Bounded (LRU), per replica; a miss only costs the validation.
 *
 * The API server bumps `metadata.generation` on every spec change, but a hook request is only
 * trusted so far: a hit also needs the raw spec to equal, by value, the one validated then.
 * Cached specs are deeply frozen, since every sync of the parent shares them: a kind that
 * mutated its spec would fail loudly instead of corrupting later syncs.
 */
import equal from 'fast-deep-equal';
import { LRUCache } from 'lru-cache';
import type { TSchema } from '@sinclair/typebox';
import { validateSpec } from './spec-validation.js';

/** Default size: a cached spec weighs about 1 KiB. */
export const DEFAULT_SPEC_CACHE_ENTRIES = 5_000;

interface Entry {
  schema: TSchema;
  generation: number;
  raw: unknown;
  spec: unknown;
}

/** Freeze an object and everything in it (parsed JSON or a validated spec: no cycles). */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Validated specs by parent. */
export class SpecCache {
  private readonly entries: LRUCache<string, Entry>;

  constructor(maxEntries: number = DEFAULT_SPEC_CACHE_ENTRIES) {
    this.entries = new LRUCache<string, Entry>({ max: maxEntries });
  }

  /**
   * The spec validated against `schema`, with defaults, frozen: from the cache when this parent's
   * spec at this generation was validated before, else validated now.
   * @throws InvalidSpecError naming every offending field.
   */
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the type its schema describes (TSchema erases it)
  validated<Spec>(schema: TSchema, key: string, generation: number | undefined, raw: unknown): Spec {
    if (!key || generation === undefined) return validateSpec<Spec>(schema, raw);
    const hit = this.entries.get(key);
    if (hit?.generation === generation && hit.schema === schema && equal(hit.raw, raw)) return hit.spec as Spec;
    const spec = deepFreeze(validateSpec<Spec>(schema, raw));
    this.entries.set(key, { schema, generation, raw, spec });
    return spec;
  }
}
