/** The input hash: key order ignored, the same text (and so the same hashes in existing statuses) as before. */
import t from 'tap';
import { createHash } from 'node:crypto';
import { hashOf, shortHash, stableStringify } from '../../../../hooks/core/hash.js';

/** The former implementation: a key-sorted deep copy, then JSON.stringify. */
function sortedCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedCopy);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortedCopy(v);
    }
    return out;
  }
  return value;
}

const samples: unknown[] = [
  { b: 1, a: [3, { z: 'x', y: null, x: undefined }], c: { e: true, d: false } },
  { region: 'us-east-1', tags: { team: 'a', env: 'b' }, ownerTags: { 'awshooks.dev/uid': 'u', 'awshooks.dev/cluster': 'c' }, adopt: false },
  [1, 'two', [3, [4]], { k: 'v' }, null],
  { already: 1, sorted: 2, zz: { a: 1, b: 2 } },
  { 'a"quote': 'new\nline', é: 'ü', '': 0, n: -0.5e-7, big: 1e21 },
  'plain',
  42,
  {},
];

t.test('the same text as JSON.stringify of a key-sorted copy', async (t) => {
  for (const v of samples) t.equal(stableStringify(v), JSON.stringify(sortedCopy(v)), `${JSON.stringify(v) as string | undefined}`);
});

t.test('key order does not matter; values do', async (t) => {
  t.equal(hashOf({ a: 1, b: { c: 2, d: 3 } }), hashOf({ b: { d: 3, c: 2 }, a: 1 }));
  t.not(hashOf({ a: 1 }), hashOf({ a: 2 }));
  t.not(hashOf(['a', 'b']), hashOf(['b', 'a']), 'array order matters');
  t.equal(hashOf({ a: 1, b: undefined }), hashOf({ a: 1 }), 'undefined members are left out');
});

t.test('shortHash is a prefix of the SHA-256 hex digest', async (t) => {
  t.equal(shortHash('awshooks', 12), createHash('sha256').update('awshooks').digest('hex').slice(0, 12));
  t.equal(hashOf({ x: 1 }).length, 16);
});
