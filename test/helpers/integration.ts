/**
 * What integration tests share: the services `npm test` starts, a parent driven the way
 * Metacontroller drives it (sync, feed the answer back), and reading conditions from answers.
 */
import { randomBytes } from 'node:crypto';
import t from 'tap';
import type { AnyKind } from '../../hooks/core/kind.js';
import type { Condition, ObjectMap, Parent, SyncResponse } from '../../hooks/core/types.js';
import { applyAnswer, type TestApp } from './app.js';
import { resetMoto } from './moto.js';

/** Environment variables `npm test` sets for the services it starts (scripts/databases.sh). */
export type ServiceVariable = 'TEST_PG_URL' | 'TEST_MYSQL_URL' | 'TEST_DB_CA_FILE';

/** A service variable; a run without it fails loudly instead of skipping. */
export function serviceEnv(name: ServiceVariable): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run integration tests with \`npm test\`, which starts PostgreSQL and MariaDB (scripts/databases.sh)`);
  return value;
}

/** Every test of the calling file starts from an empty emulator. */
export function resetMotoBeforeEach(): void {
  t.beforeEach(() => resetMoto());
}

/** A condition of an answer's status, by type. */
export function condition(answer: SyncResponse, type: string): Condition | undefined {
  return (answer.status.conditions as Condition[] | undefined)?.find((c) => c.type === type);
}

/** A uid that differs between runs, so that leftovers of an earlier run are never ours. */
export function randomUid(): string {
  return `${randomBytes(4).toString('hex')}-0000-4000-8000-000000000000`;
}

/** A parent of a kind, generation 1. */
export function parentOf(kind: AnyKind, metadata: { name: string; namespace: string; uid: string }, spec: Record<string, unknown>): Parent {
  return { apiVersion: `${kind.names.group}/${kind.names.version}`, kind: kind.names.kind, metadata: { ...metadata, generation: 1 }, spec };
}

/** The keys of a kind's child types in Metacontroller's children map ("Secret.v1"). */
export function childTypesOf(kind: AnyKind): string[] {
  return kind.childResources.map((c) => `${c.kind}.${c.apiVersion}`);
}

/** One parent, driven like Metacontroller does: every answer's status and children are fed back. */
export class ParentDriver {
  children: ObjectMap;
  constructor(
    readonly app: TestApp,
    readonly kind: AnyKind,
    public parent: Parent,
  ) {
    this.children = Object.fromEntries(childTypesOf(kind).map((type) => [type, {}]));
  }

  /** One sync (or finalize) call, its answer applied. */
  async sync(hook: 'sync' | 'finalize' = 'sync', related?: ObjectMap): Promise<SyncResponse> {
    const request = { parent: this.parent, children: this.children, ...(related ? { related } : {}), ...(hook === 'finalize' ? { finalizing: true } : {}) };
    const answer = await this.app.sync(this.kind.names.plural, request, hook);
    const fed = applyAnswer(this.parent, answer, childTypesOf(this.kind));
    this.parent = fed.parent;
    this.children = fed.children;
    return answer;
  }

  /** The AWS calls one sync makes, with its answer. */
  async counted(hook: 'sync' | 'finalize' = 'sync'): Promise<{ answer: SyncResponse; calls: number }> {
    const before = await this.app.awsCalls();
    const answer = await this.sync(hook);
    return { answer, calls: (await this.app.awsCalls()) - before };
  }

  /** The user edits the spec: a new generation. */
  setSpec(spec: Record<string, unknown>): void {
    this.parent = { ...this.parent, spec, metadata: { ...this.parent.metadata, generation: (this.parent.metadata.generation ?? 1) + 1 } };
  }

  /** An observed Secret child's data, decoded; undefined when there is none. */
  secret(name: string): Record<string, string> | undefined {
    const s = this.children['Secret.v1']?.[`${this.parent.metadata.namespace ?? ''}/${name}`];
    if (!s) return undefined;
    return Object.fromEntries(Object.entries(s.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
  }

  /** A person (here: the test) sets a key of an observed Secret child. */
  setSecretValue(name: string, key: string, value: string): void {
    const s = this.children['Secret.v1']?.[`${this.parent.metadata.namespace ?? ''}/${name}`];
    if (!s) throw new Error(`no observed Secret ${name}`);
    (s.data as Record<string, string>)[key] = Buffer.from(value).toString('base64');
  }
}
