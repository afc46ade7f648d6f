/** Bad input gets a clear answer (issue 8 §3): depth and size are bounded before anything recurses. */
import t from 'tap';
import { InvalidSpecError } from '../../../../hooks/core/errors.js';
import { checkBounds, validateSpec } from '../../../../hooks/core/spec-validation.js';
import { PolicySpecSchema } from '../../../../schemas/policy.js';
import { QueueSpecSchema } from '../../../../schemas/queue.js';

function nested(depth: number, leaf: unknown, wrap: (v: unknown) => unknown): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = wrap(v);
  return v;
}

t.test('a Policy Action nested 5,000 levels is InvalidSpec, not a stack overflow', async (t) => {
  const spec = { document: { Statement: [{ Effect: 'Allow', Action: nested(5000, 's3:Get', (v) => [v]), Resource: '*' }] } };
  let err: unknown;
  try {
    validateSpec(PolicySpecSchema, spec);
  } catch (e) {
    err = e;
  }
  t.ok(err instanceof InvalidSpecError, 'an InvalidSpecError (a condition), not a RangeError (a 500)');
  t.throws(() => validateSpec(PolicySpecSchema, spec), { message: /spec\.document\.Statement\[0\]\.Action(\[0\])+: nested more than 32 levels deep/ });
});

t.test('a Queue policy nested 1,000 levels is InvalidSpec', async (t) => {
  const spec = { region: 'eu-west-1', policy: { Statement: nested(1000, {}, (v) => ({ x: v })) } };
  t.throws(() => validateSpec(QueueSpecSchema, spec), { message: /spec\.policy\.Statement(\.x)+: nested more than 32 levels deep/ });
});

t.test('depth and size bounds, without recursion', async (t) => {
  t.doesNotThrow(() => {
    checkBounds(
      nested(31, 1, (v) => [v]),
      'spec',
    );
  }, '31 levels are fine');
  t.throws(
    () => {
      checkBounds(
        nested(33, 1, (v) => [v]),
        'spec',
      );
    },
    { message: /nested more than 32 levels/ },
  );
  t.throws(
    () => {
      checkBounds(
        nested(200_000, 1, (v) => [v]),
        'spec',
      );
    },
    { reason: 'InvalidSpec', message: /nested more than 32 levels/ },
    'very deep: still no stack overflow',
  );
  t.throws(
    () => {
      checkBounds({ tags: Object.fromEntries(Array.from({ length: 100_001 }, (_, i) => [`k${i}`, 'v'])) }, 'spec');
    },
    { message: /more than 100000 values/ },
  );
  t.doesNotThrow(() => {
    checkBounds({ a: [1, 2, { b: 'c' }], d: null }, 'spec');
  });
});

t.test('validateSpec applies defaults on a copy and names bad fields', async (t) => {
  const spec = { region: 'eu-west-1' };
  const out = validateSpec<Record<string, unknown>>(QueueSpecSchema, spec);
  t.same(spec, { region: 'eu-west-1' }, 'input untouched');
  t.equal(out.deletionPolicy, 'Delete');
  t.equal(out.fifo, false);
  t.equal(out.adopt, false);
  t.throws(() => validateSpec(QueueSpecSchema, { region: 'eu-west-1', delaySeconds: 901 }), { message: /spec\.delaySeconds: must be <= 900/ });
  t.throws(() => validateSpec(QueueSpecSchema, {}), { message: /spec\.region: required/ });
  t.throws(() => validateSpec(QueueSpecSchema, { region: 'eu-west-1', delaySecs: 1 }), { message: /unknown field "delaySecs"/ });
  t.throws(
    () => validateSpec(QueueSpecSchema, { region: 'eu-west-1', visibilityTimeout: '30' }),
    { message: /visibilityTimeout: must be integer/ },
    'no coercion of strings',
  );
  t.throws(() => validateSpec(QueueSpecSchema, { region: 'Mars' }), { reason: 'InvalidSpec', message: /spec\.region/ });
});
