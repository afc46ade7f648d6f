import t from 'tap';
import { checkFilterPolicy } from '../../../../hooks/subscription/filter-policy.js';

t.test('filter policies SNS accepts', async (t) => {
  const ok: [unknown, 'MessageAttributes' | 'MessageBody'][] = [
    [{ store: ['example_corp'], event: ['order_placed'] }, 'MessageAttributes'],
    [{ price: [{ numeric: ['>=', 100] }], customer: [{ prefix: 'vip-' }], flag: [true, null], n: [1.5] }, 'MessageAttributes'],
    [{ order: { size: ['big'], lines: [{ exists: true }] } }, 'MessageBody'],
    [{ $or: [{ a: ['1'] }, { b: ['2'] }] }, 'MessageAttributes'],
    [{ k1: ['a', 'b', 'c', 'd', 'e'], k2: ['a', 'b', 'c', 'd', 'e'], k3: ['a', 'b', 'c', 'd', 'e', 'f'] }, 'MessageAttributes'], // 150 combinations
    [{ $or: [{ a: ['1'] }, { a: ['2'], b: ['3'] }], c: ['x'], d: ['y'], e: ['z'] }, 'MessageAttributes'], // a counts once: 5 keys
  ];
  for (const [policy, scope] of ok)
    t.doesNotThrow(() => {
      checkFilterPolicy(policy, scope);
    }, JSON.stringify(policy));
});

t.test('filter policies SNS refuses: InvalidSpec naming the field', async (t) => {
  const bad: [unknown, 'MessageAttributes' | 'MessageBody', RegExp][] = [
    [[], 'MessageAttributes', /spec\.filterPolicy: must be an object/],
    ['x', 'MessageAttributes', /must be an object/],
    [{}, 'MessageAttributes', /an empty object matches nothing/],
    [{ a: 'b' }, 'MessageAttributes', /spec\.filterPolicy\.a: must be a list of match values, e\.g\. \["b"\]/],
    [{ a: [] }, 'MessageAttributes', /spec\.filterPolicy\.a: an empty list matches nothing/],
    [{ a: [['nested']] }, 'MessageAttributes', /match values are strings, numbers, booleans, null or operator objects/],
    [{ order: { size: ['big'] } }, 'MessageAttributes', /spec\.filterPolicy\.order: nested objects need filterPolicyScope: MessageBody/],
    [{ a: ['1'], b: ['1'], c: ['1'], d: ['1'], e: ['1'], f: ['1'] }, 'MessageAttributes', /6 keys; SNS allows 5/],
    [{ x: { a: ['1'], b: ['1'], c: ['1'] }, y: { d: ['1'], e: ['1'], f: ['1'] } }, 'MessageBody', /6 keys/],
    [
      { k1: ['a', 'b', 'c', 'd', 'e', 'f'], k2: ['a', 'b', 'c', 'd', 'e'], k3: ['a', 'b', 'c', 'd', 'e', 'f'] },
      'MessageAttributes',
      /180 value combinations .* SNS allows 150/,
    ],
    [{ $or: [{ a: ['1'] }] }, 'MessageAttributes', /\$or: must be a list of at least two/],
    [{ $or: { a: ['1'] } }, 'MessageAttributes', /\$or: must be a list/],
    [{ big: ['x'.repeat(256 * 1024)] }, 'MessageAttributes', /bytes; SNS allows 262144/],
  ];
  for (const [policy, scope, message] of bad)
    t.throws(
      () => {
        checkFilterPolicy(policy, scope);
      },
      { reason: 'InvalidSpec', message },
      JSON.stringify(policy).slice(0, 80),
    );
});
