/**
 * A tiny stand-in for Metacontroller over several kinds at once, for integration tests of kinds
 * that relate to each other (Subscription → Topic, Queue; Queue → Subscriptions): it keeps the
 * parents, asks each kind's customize hook which related objects it wants, hands them over with
 * every sync, and feeds answers back (status into the parent, children into the observed set).
 */
import { KINDS } from '../../hooks/registry.js';
import type { AnyKind } from '../../hooks/core/kind.js';
import type { ObjectMap, Parent, RelatedResourceRule, SyncResponse } from '../../hooks/core/types.js';
import { TEST_TOKEN, type TestApp } from './app.js';

const kindOf = (apiVersion: string, kind: string): AnyKind => {
  const k = KINDS.find((x) => `${x.names.group}/${x.names.version}` === apiVersion && x.names.kind === kind);
  if (!k) throw new Error(`unknown kind ${kind}.${apiVersion}`);
  return k;
};

const keyOf = (p: { kind: string; metadata: { namespace?: string; name: string } }) => `${p.kind}/${p.metadata.namespace}/${p.metadata.name}`;

/** Parents of several kinds, synced the way Metacontroller syncs them. */
export class MiniCluster {
  readonly parents = new Map<string, Parent>();
  readonly children = new Map<string, ObjectMap>();
  private nextUid = 1;
  private clock = 0;

  constructor(private readonly app: TestApp) {}

  /** Create (or replace the spec of) a parent; returns its key. */
  apply(obj: { apiVersion: string; kind: string; metadata: { name: string; namespace: string }; spec: Record<string, unknown> }): string {
    const key = keyOf(obj);
    const old = this.parents.get(key);
    const metadata = old
      ? { ...old.metadata, generation: (old.metadata.generation ?? 1) + 1 }
      : { ...obj.metadata, uid: `uid-${this.nextUid++}`, generation: 1, creationTimestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, this.clock++)).toISOString() };
    this.parents.set(key, { ...(old ?? {}), ...obj, metadata, ...(old?.status ? { status: old.status } : {}) });
    if (!this.children.has(key)) {
      const kind = kindOf(obj.apiVersion, obj.kind);
      this.children.set(key, Object.fromEntries(kind.childResources.map((c) => [`${c.kind}.${c.apiVersion}`, {}])));
    }
    return key;
  }

  /** The parent stored under a key. */
  get(key: string): Parent {
    const p = this.parents.get(key);
    if (!p) throw new Error(`no parent ${key}`);
    return p;
  }

  /** A parent's status, as a plain record. */
  status(key: string): Record<string, unknown> {
    return (this.get(key).status ?? {}) as Record<string, unknown>;
  }

  /** Mark a parent as being deleted. */
  markDeleted(key: string): void {
    const p = this.get(key);
    this.parents.set(key, { ...p, metadata: { ...p.metadata, deletionTimestamp: '2026-01-02T00:00:00Z' } });
  }

  /** Forget a parent (its finalizer was removed). */
  remove(key: string): void {
    this.parents.delete(key);
    this.children.delete(key);
  }

  private async post(path: string, payload: unknown): Promise<unknown> {
    const res = await this.app.hooks.inject({
      method: 'POST',
      url: path,
      headers: { authorization: `Bearer ${TEST_TOKEN}` },
      payload: payload as Record<string, unknown>,
    });
    if (res.statusCode !== 200) throw new Error(`${path} answered ${res.statusCode}: ${res.body}`);
    return res.json();
  }

  /** The related objects a parent's customize hook asks for, from the parents held here. */
  async related(key: string): Promise<ObjectMap> {
    const parent = this.get(key);
    const kind = kindOf(parent.apiVersion, parent.kind);
    if (!kind.customize) return {};
    const { relatedResources } = (await this.post(`/hooks/${kind.names.plural}/customize`, { controller: {}, parent })) as {
      relatedResources: RelatedResourceRule[];
    };
    const out: ObjectMap = {};
    for (const rule of relatedResources) {
      const target = KINDS.find((k) => `${k.names.group}/${k.names.version}` === rule.apiVersion && k.names.plural === rule.resource);
      if (!target) {
        // Core objects asked for by name (would-be children, to see who holds a name): this fake
        // cluster holds none of another owner's, so there is nothing to relate.
        if (rule.apiVersion === 'v1') continue;
        throw new Error(`customize asked for unknown ${rule.resource}`);
      }
      const bucket = (out[`${target.names.kind}.${rule.apiVersion}`] ??= {});
      for (const p of this.parents.values()) {
        if (p.kind !== target.names.kind || p.apiVersion !== rule.apiVersion) continue;
        // Metacontroller only ever relates objects of the parent's own namespace.
        if (p.metadata.namespace !== parent.metadata.namespace) continue;
        if (rule.names && !rule.names.includes(p.metadata.name)) continue;
        bucket[`${p.metadata.namespace}/${p.metadata.name}`] = p;
      }
    }
    return out;
  }

  /** One sync (or finalize, when the parent is being deleted); the answer is applied. */
  async sync(key: string): Promise<SyncResponse> {
    const parent = this.get(key);
    const kind = kindOf(parent.apiVersion, parent.kind);
    const finalizing = Boolean(parent.metadata.deletionTimestamp);
    const answer = (await this.post(`/hooks/${kind.names.plural}/${finalizing ? 'finalize' : 'sync'}`, {
      controller: {},
      parent,
      children: this.children.get(key),
      related: await this.related(key),
      ...(finalizing ? { finalizing: true } : {}),
    })) as SyncResponse;
    this.parents.set(key, { ...parent, status: answer.status });
    const children: ObjectMap = Object.fromEntries(kind.childResources.map((c) => [`${c.kind}.${c.apiVersion}`, {}]));
    for (const child of answer.children) {
      (children[`${child.kind}.${child.apiVersion}`] ??= {})[`${parent.metadata.namespace}/${child.metadata.name}`] = {
        ...child,
        metadata: { ...child.metadata, namespace: parent.metadata.namespace },
      };
    }
    this.children.set(key, children);
    if (finalizing && answer.finalized) this.remove(key);
    return answer;
  }

  /** Sync every parent, in insertion order, `rounds` times; returns the last answers by key. */
  async syncAll(rounds = 1): Promise<Map<string, SyncResponse>> {
    const last = new Map<string, SyncResponse>();
    for (let i = 0; i < rounds; i++) {
      for (const key of [...this.parents.keys()]) {
        if (this.parents.has(key)) last.set(key, await this.sync(key));
      }
    }
    return last;
  }
}

/** The condition of a type in an answer. */
export function condition(answer: SyncResponse, type: string): { status: string; reason: string; message: string } | undefined {
  return (answer.status.conditions as { type: string; status: string; reason: string; message: string }[] | undefined)?.find((c) => c.type === type);
}
