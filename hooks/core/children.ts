/**
 * The children of an answer. Metacontroller deletes every observed child a 200 answer leaves
 * out (DESIGN.md §3.2), so an answer that could not use fresh AWS data keeps the observed ones.
 */
import type { KubeObject, ObjectMap } from './types.js';

/**
 * An observed child reduced to what we would have returned for it (apply semantics):
 * no status, no server-set metadata.
 */
export function asDesiredChild(obj: KubeObject): KubeObject {
  const { status: _status, metadata, ...rest } = obj as KubeObject & { status?: unknown };
  const annotations = Object.fromEntries(
    Object.entries(metadata.annotations ?? {}).filter(
      ([k]) => !k.startsWith('metacontroller.k8s.io/') && k !== 'kubectl.kubernetes.io/last-applied-configuration',
    ),
  );
  return {
    ...rest,
    metadata: {
      name: metadata.name,
      ...(metadata.labels ? { labels: metadata.labels } : {}),
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
  };
}

/**
 * The children to answer with when the kind's computation could not use fresh AWS data:
 * the kind's own answer, plus every observed child it did not mention, unchanged. An observed
 * child left out of a 200 answer is deleted by Metacontroller (DESIGN.md §3.2).
 */
export function keepObservedChildren(computed: KubeObject[], observed: ObjectMap | undefined): KubeObject[] {
  const key = (o: { apiVersion: string; kind: string; metadata: { name: string } }) => `${o.kind}.${o.apiVersion}/${o.metadata.name}`;
  const seen = new Set(computed.map(key));
  const out = [...computed];
  for (const byName of Object.values(observed ?? {})) {
    for (const child of Object.values(byName)) {
      if (!seen.has(key(child))) {
        seen.add(key(child));
        out.push(asDesiredChild(child));
      }
    }
  }
  return out;
}

/** Sort children so that answers are byte-identical for the same input. */
export function sortChildren(children: KubeObject[]): KubeObject[] {
  return [...children].sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
}
