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
 * The same bytes are not even parsed again: the JSON parser of the sync routes finds the entry
 * by the parent's uid read from the text ({@link uidInBody}), and when the text is the entry's,
 * byte for byte, it hands fastify the request object parsed when the entry was made (frozen, and
 * equal to what parsing the text gives). Parsing was a seventh of a converged sync's CPU.
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
  /**
   * `raw` parsed, deeply frozen: what a request of the same bytes is given instead of a new parse.
   * Only the steady answer reads it; anything else parses `raw` again (hooks-routes.ts).
   */
  body: unknown;
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

/**
 * Where a sync body's text names the parent's uid: the first `"uid":"…"` after `"parent":`. That
 * pattern (quotes unescaped) is a key and its string value, never text inside a string. Metacontroller
 * sends the parent before its children, so this is the parent's uid, or an owner's when the parent
 * has ownerReferences (serialized before `uid`): then no entry matches and the text is parsed.
 * Found or not, it only picks the entry to compare with; the comparison is of every byte.
 */
export function uidInBody(raw: string): string | undefined {
  const parent = raw.indexOf('"parent":');
  if (parent < 0) return undefined;
  const start = raw.indexOf('"uid":"', parent);
  if (start < 0) return undefined;
  const end = raw.indexOf('"', start + 7);
  return end < 0 ? undefined : raw.slice(start + 7, end);
}

/** Steady answers by parent key. */
export class AnswerMemo {
  private readonly entries: LRUCache<string, MemoizedAnswer>;

  constructor(maxBytes: number = DEFAULT_ANSWER_MEMO_BYTES) {
    // A JavaScript string holds up to two bytes per character; the parsed body takes about as many
    // bytes as the text has characters, and the answer (objects and text) is smaller than the body.
    this.entries = new LRUCache<string, MemoizedAnswer>({ maxSize: maxBytes, sizeCalculation: (e) => Math.max(1, e.raw.length * 4) });
  }

  /**
   * Lookups so far (plain numbers, read by a metric at scrape time): found by the text alone (the
   * body was not parsed), found by the parsed body's key, and not found.
   */
  readonly lookups = { unparsed: 0, parsed: 0, miss: 0 };

  private find(key: string, raw: string): MemoizedAnswer | undefined {
    const hit = this.entries.get(key);
    return hit?.raw === raw ? hit : undefined;
  }

  /** The memoized answer to exactly this body, if any. */
  get(key: string, raw: string): MemoizedAnswer | undefined {
    const hit = this.find(key, raw);
    if (hit) this.lookups.parsed++;
    else this.lookups.miss++;
    return hit;
  }

  /** The entry of a sync body's text, found without parsing it ({@link uidInBody}); a miss is counted by {@link get}. */
  getByText(raw: string): MemoizedAnswer | undefined {
    const uid = uidInBody(raw);
    const hit = uid === undefined ? undefined : this.find(uid, raw);
    if (hit) this.lookups.unparsed++;
    return hit;
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
