/** Pure: reading related objects of the parent's own namespace only (DESIGN.md §3.4). */
import type { KubeObject, ObjectMap } from '../core/types.js';

/** A related object of `namespace` named `name`, whatever else `related` holds. */
export function relatedObject(related: ObjectMap, key: string, namespace: string, name: string): KubeObject | undefined {
  const obj = related[key]?.[`${namespace}/${name}`];
  if (!obj || (obj.metadata.namespace !== undefined && obj.metadata.namespace !== namespace)) return undefined;
  return obj;
}

/**
 * A part of a related object (its spec, a block of it) as a record of fields still to check;
 * empty when it is not an object. Related objects are as the API server holds them: nothing in
 * them is trusted to have the kind's types.
 */
export function fieldsOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}
