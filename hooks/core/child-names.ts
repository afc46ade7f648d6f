/**
 * Children whose name another object already holds (DESIGN.md §3.4). Metacontroller only sends
 * the children a parent owns, so a Secret or ServiceAccount of the same name owned by another
 * parent (or by nobody) never appears in `children`: the parent would answer it, Metacontroller
 * would fail to create it on every sync, and the parent would never get it. The customize hook
 * therefore asks for the would-be children by name as related objects (same namespace only), and
 * sync compares their owner references with the parent: a clear `Conflict` naming the holder, and
 * the child left out of the answer.
 */
import { TerminalError } from './errors.js';
import type { KubeObject, ObjectMap, Parent, RelatedResourceRule } from './types.js';

/** A child a parent would create. */
export interface WouldBeChild {
  apiVersion: string;
  /** The plural resource (for the customize rule). */
  resource: string;
  kind: string;
  name: string;
}

interface OwnerReference {
  apiVersion?: unknown;
  kind?: unknown;
  name?: unknown;
  uid?: unknown;
  controller?: unknown;
}

/** Metacontroller's map key of a type: "<Kind>.<apiVersion>" ("Secret.v1"). */
function mapKey(kind: string, apiVersion: string): string {
  return `${kind}.${apiVersion}`;
}

/** The customize rules that bring the would-be children (by name, in the parent's namespace) as related objects. */
export function childNameRules(parent: Parent, children: readonly WouldBeChild[]): RelatedResourceRule[] {
  const byType = new Map<string, { apiVersion: string; resource: string; names: Set<string> }>();
  for (const c of children) {
    const key = `${c.apiVersion} ${c.resource}`;
    const entry = byType.get(key) ?? { apiVersion: c.apiVersion, resource: c.resource, names: new Set<string>() };
    entry.names.add(c.name);
    byType.set(key, entry);
  }
  // The namespace is always given: without it Metacontroller would match the names in every namespace.
  return [...byType.values()]
    .sort((a, b) => `${a.apiVersion} ${a.resource}`.localeCompare(`${b.apiVersion} ${b.resource}`))
    .map((t) => ({ apiVersion: t.apiVersion, resource: t.resource, namespace: parent.metadata.namespace ?? '', names: [...t.names].sort() }));
}

/** Who holds an object, as "<Kind> <name>" from its controller owner reference. */
function holderOf(obj: KubeObject): string {
  const refs = (obj.metadata as { ownerReferences?: unknown }).ownerReferences;
  const list = Array.isArray(refs) ? (refs.filter((r) => r && typeof r === 'object') as OwnerReference[]) : [];
  const ref = list.find((r) => r.controller === true) ?? list[0];
  if (!ref) return 'no owner (created by something else)';
  return `${typeof ref.kind === 'string' ? ref.kind : 'object'} ${typeof ref.name === 'string' ? ref.name : '?'}`;
}

/**
 * The would-be children that exist and are not the parent's, each with who holds it. A child is
 * the parent's when Metacontroller sent it among the observed children, or when its controller
 * reference names the parent's uid. Without related objects of a type (no customize answer yet)
 * nothing is reported.
 */
export function foreignChildren(
  wouldBe: readonly { apiVersion: string; kind: string; name: string }[],
  parent: Parent,
  observed: ObjectMap | undefined,
  related: ObjectMap | undefined,
): { kind: string; name: string; holder: string }[] {
  const namespace = parent.metadata.namespace ?? '';
  const uid = parent.metadata.uid;
  const out: { kind: string; name: string; holder: string }[] = [];
  for (const c of wouldBe) {
    const key = mapKey(c.kind, c.apiVersion);
    const existing = related?.[key]?.[`${namespace}/${c.name}`];
    if (!existing || observed?.[key]?.[`${namespace}/${c.name}`]) continue;
    const refs = (existing.metadata as { ownerReferences?: unknown }).ownerReferences;
    const ours = uid !== undefined && uid !== '' && Array.isArray(refs) && refs.some((r) => (r as OwnerReference | null)?.uid === uid);
    if (!ours) out.push({ kind: c.kind, name: c.name, holder: holderOf(existing) });
  }
  return out;
}

/**
 * Throw a `Conflict` naming the first would-be child another object holds (before any AWS work:
 * a parent whose child can never be created must not create AWS resources for it).
 */
export function checkChildNames(
  wouldBe: readonly { apiVersion: string; kind: string; name: string }[],
  parent: Parent,
  observed: ObjectMap | undefined,
  related: ObjectMap | undefined,
  hint = '',
): void {
  const [first] = foreignChildren(wouldBe, parent, observed, related);
  if (first) {
    throw new TerminalError(
      'Conflict',
      `${first.kind} ${first.name} already exists in namespace ${parent.metadata.namespace ?? ''} and belongs to ${first.holder}, not to ${parent.kind} ${parent.metadata.name}; awshooks will not answer it${hint ? `: ${hint}` : ''}`,
    );
  }
}

/** An answer's children without those another object holds (Metacontroller could never create them). */
export function withoutForeignChildren(children: KubeObject[], parent: Parent, observed: ObjectMap | undefined, related: ObjectMap | undefined): KubeObject[] {
  const foreign = new Set(
    foreignChildren(
      children.map((c) => ({ apiVersion: c.apiVersion, kind: c.kind, name: c.metadata.name })),
      parent,
      observed,
      related,
    ).map((f) => `${f.kind}/${f.name}`),
  );
  return foreign.size === 0 ? children : children.filter((c) => !foreign.has(`${c.kind}/${c.metadata.name}`));
}
