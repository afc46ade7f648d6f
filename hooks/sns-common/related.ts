/** Pure: reading related objects of the parent's own namespace only (DESIGN.md §3.4). */
import type { KubeObject, ObjectMap } from '../core/types.js';

/** A related object of `namespace` named `name`, whatever else `related` holds. */
export function relatedObject(related: ObjectMap, key: string, namespace: string, name: string): KubeObject | undefined {
  const obj = related[key]?.[`${namespace}/${name}`];
  if (!obj || (obj.metadata.namespace !== undefined && obj.metadata.namespace !== namespace)) return undefined;
  return obj;
}
