/** The validated-spec cache: a hit only for the same parent, generation and spec; frozen results. */
import t from 'tap';
import { SpecCache } from '../../../../hooks/core/spec-cache.js';
import { queueKind } from '../../../../hooks/queue/index.js';

t.test('the same spec at the same generation is validated once', async (t) => {
  const cache = new SpecCache();
  const a = cache.validated<Record<string, unknown>>(queueKind.specSchema, 'uid-1', 1, { region: 'eu-west-1', tags: { team: 'a' } });
  const b = cache.validated<Record<string, unknown>>(queueKind.specSchema, 'uid-1', 1, JSON.parse('{"tags":{"team":"a"},"region":"eu-west-1"}') as unknown);
  t.equal(a, b, 'the cached object');
  t.equal(a.deletionPolicy, 'Delete', 'with defaults');
  t.ok(Object.isFrozen(a) && Object.isFrozen(a.tags), 'frozen, deeply');
  t.throws(() => {
    (a as { region: string }).region = 'x';
  }, TypeError);
});

t.test('a different spec or generation is validated again', async (t) => {
  const cache = new SpecCache();
  const a = cache.validated<Record<string, unknown>>(queueKind.specSchema, 'uid-1', 1, { region: 'eu-west-1' });
  const b = cache.validated<Record<string, unknown>>(queueKind.specSchema, 'uid-1', 1, { region: 'us-east-1' });
  t.equal(b.region, 'us-east-1', 'same generation, another spec: not trusted');
  const c = cache.validated<Record<string, unknown>>(queueKind.specSchema, 'uid-1', 2, { region: 'us-east-1' });
  t.not(c, b, 'another generation');
  t.not(a, b);
  t.throws(() => cache.validated(queueKind.specSchema, 'uid-1', 3, { region: 5 }), { name: 'TerminalError', reason: 'InvalidSpec' });
  t.throws(
    () => cache.validated(queueKind.specSchema, 'uid-1', 3, { region: 5 }),
    { name: 'TerminalError', reason: 'InvalidSpec' },
    'an invalid spec is never cached',
  );
});

t.test('bounded', async (t) => {
  const cache = new SpecCache(2);
  const first = cache.validated(queueKind.specSchema, 'a', 1, { region: 'eu-west-1' });
  cache.validated(queueKind.specSchema, 'b', 1, { region: 'eu-west-1' });
  cache.validated(queueKind.specSchema, 'c', 1, { region: 'eu-west-1' });
  t.not(cache.validated(queueKind.specSchema, 'a', 1, { region: 'eu-west-1' }), first, 'the oldest entry was dropped');
});
