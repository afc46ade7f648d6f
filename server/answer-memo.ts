/**
 * The last steady answer of each parent, keyed by the exact request body it answered.
 *
 * Metacontroller sends a converged, idle parent the same request body at every resync (the same
 * parent, children and related objects, serialized the same way). Once such a body was answered
 * from status (outcome `steady`), the answer to the same bytes is the same status and children:
 * everything the steady answer is computed from is in the body, the service's configuration and
 * the drift schedule, and nothing in it depends on the time. So a byte-identical body is answered
 * from here, without validating the spec, computing the desired state, hashing it or building
 * the children again (issue 10: the converged sync's own CPU). Whether the drift check is due
 * is still asked of the drift schedule at every call: when it is, the call goes the full way.
 *
 * Bounded by the bytes it holds (an LRU); a miss costs the full steady path, nothing else.
 */
import { LRUCache } from 'lru-cache';
import type { KubeObject } from '../hooks/core/types.js';

/**
 * Default size in bytes: about 1,400 parents of 2 KiB requests. It is worth most to small and
 * medium installs; at 100,000 parents a few MiB more do not make it hit.
 */
export const DEFAULT_ANSWER_MEMO_BYTES = 8 * 1024 * 1024;

/** One parent's last steady answer. */
export interface MemoizedAnswer {
  /** The request body it answered, byte for byte. */
  raw: string;
  /** The inputs hash the answer's status converged on. */
  inputHash: string;
  status: Record<string, unknown>;
  children: KubeObject[];
  /**
   * The answer's JSON up to its resync value, `{"status":…,"children":…,"resyncAfterSeconds":`,
   * serialized once: the answer is this, the resync and `}`, byte for byte what fastify would
   * serialize from the object (JSON.stringify, keys in that order), without serializing it again.
   */
  jsonHead?: string;
}

/** The JSON head of a memoized answer (see {@link MemoizedAnswer.jsonHead}). */
export function answerJsonHead(status: Record<string, unknown>, children: KubeObject[]): string {
  return `${JSON.stringify({ status, children }).slice(0, -1)},"resyncAfterSeconds":`;
}

/** Steady answers by parent key. */
export class AnswerMemo {
  private readonly entries: LRUCache<string, MemoizedAnswer>;

  constructor(maxBytes: number = DEFAULT_ANSWER_MEMO_BYTES) {
    // A JavaScript string holds up to two bytes per character; the answer is smaller than the body.
    this.entries = new LRUCache<string, MemoizedAnswer>({ maxSize: maxBytes, sizeCalculation: (e) => Math.max(1, e.raw.length * 3) });
  }

  /** The memoized answer to exactly this body, if any. */
  get(key: string, raw: string): MemoizedAnswer | undefined {
    const hit = this.entries.get(key);
    return hit?.raw === raw ? hit : undefined;
  }

  /** Remember a steady answer. */
  set(key: string, entry: MemoizedAnswer): void {
    this.entries.set(key, entry);
  }

  /** Forget a parent (any answer other than steady). */
  delete(key: string): void {
    this.entries.delete(key);
  }
}
