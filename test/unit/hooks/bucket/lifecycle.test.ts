import t from 'tap';
import type { LifecycleRule as S3LifecycleRule } from '@aws-sdk/client-s3';
import { validateSpec } from '../../../../hooks/core/spec-validation.js';
import { checkLifecycleRules, sameLifecycleRules, toS3LifecycleRules } from '../../../../hooks/bucket/lifecycle.js';
import { LifecycleRuleSchema, type LifecycleRule } from '../../../../schemas/bucket.js';

const rule = (r: Record<string, unknown>): LifecycleRule => validateSpec<LifecycleRule>(LifecycleRuleSchema, { id: 'r', ...r });

t.test('rule shapes S3 refuses are InvalidSpec naming the field', async (t) => {
  const valid: Record<string, unknown>[] = [
    { expirationDays: 1 },
    {
      prefix: 'logs/',
      tags: { a: 'b' },
      expirationDays: 365,
      transitions: [
        { days: 30, storageClass: 'STANDARD_IA' },
        { days: 60, storageClass: 'GLACIER' },
      ],
    },
    { transitions: [{ days: 0, storageClass: 'GLACIER' }] },
    {
      transitions: [
        { days: 0, storageClass: 'INTELLIGENT_TIERING' },
        { days: 10, storageClass: 'DEEP_ARCHIVE' },
      ],
    },
    { expiredObjectDeleteMarker: true, noncurrentVersionExpirationDays: 30, abortIncompleteMultipartUploadDays: 7 },
    { noncurrentVersionTransitions: [{ noncurrentDays: 30, storageClass: 'STANDARD_IA' }], noncurrentVersionExpirationDays: 90 },
  ];
  for (const r of valid)
    t.doesNotThrow(() => {
      checkLifecycleRules([rule(r)]);
    }, JSON.stringify(r));
  const invalid: [Record<string, unknown>[], RegExp][] = [
    [[{}], /\[0\]: a lifecycle rule needs at least one action/],
    [[{ expiredObjectDeleteMarker: false }], /at least one action/],
    [[{ expirationDays: 5 }, { expirationDays: 6 }], /\[1\]\.id: "r" is used by another rule/],
    [[{ expirationDays: 5, expiredObjectDeleteMarker: true }], /expiredObjectDeleteMarker: cannot be combined with expirationDays/],
    [[{ tags: { a: 'b' }, expiredObjectDeleteMarker: true }], /not allow it with a tags filter/],
    [[{ tags: { a: 'b' }, abortIncompleteMultipartUploadDays: 3 }], /abortIncompleteMultipartUploadDays: S3 does not allow it with a tags filter/],
    [[{ transitions: [{ days: 29, storageClass: 'STANDARD_IA' }] }], /transitions: a transition to STANDARD_IA needs days of at least 30/],
    [[{ noncurrentVersionTransitions: [{ noncurrentDays: 10, storageClass: 'ONEZONE_IA' }] }], /noncurrentVersionTransitions: .*noncurrentDays of at least 30/],
    [
      [
        {
          transitions: [
            { days: 30, storageClass: 'GLACIER' },
            { days: 60, storageClass: 'GLACIER' },
          ],
        },
      ],
      /GLACIER is used twice/,
    ],
    [
      [
        {
          transitions: [
            { days: 30, storageClass: 'GLACIER' },
            { days: 90, storageClass: 'STANDARD_IA' },
          ],
        },
      ],
      /cannot move objects from GLACIER to STANDARD_IA/,
    ],
    [
      [
        {
          transitions: [
            { days: 30, storageClass: 'STANDARD_IA' },
            { days: 40, storageClass: 'GLACIER' },
          ],
        },
      ],
      /stay 30 days in STANDARD_IA.*day 60 or later/,
    ],
    [
      [
        {
          transitions: [
            { days: 30, storageClass: 'GLACIER' },
            { days: 30, storageClass: 'DEEP_ARCHIVE' },
          ],
        },
      ],
      /two transitions on day 30/,
    ],
    [[{ expirationDays: 30, transitions: [{ days: 30, storageClass: 'GLACIER' }] }], /expirationDays: must be later than every transition \(day 30\)/],
    [
      [{ noncurrentVersionExpirationDays: 30, noncurrentVersionTransitions: [{ noncurrentDays: 40, storageClass: 'GLACIER' }] }],
      /noncurrentVersionExpirationDays: must be later/,
    ],
  ];
  for (const [rules, message] of invalid) {
    t.throws(
      () => {
        checkLifecycleRules(rules.map(rule));
      },
      { reason: 'InvalidSpec', message },
      JSON.stringify(rules),
    );
  }
});

t.test('the schema bounds what it can', async (t) => {
  t.throws(() => rule({ expirationDays: 0 }), { message: /expirationDays/ });
  t.throws(() => rule({ transitions: [{ days: 1, storageClass: 'STANDARD' }] }), { message: /storageClass/ });
  t.throws(() => rule({ id: '', expirationDays: 1 }), { message: /id/ });
  t.throws(() => rule({ expirationDays: 1, sizeGreaterThan: 5 }), { message: /unknown field "sizeGreaterThan"/ });
  t.equal(rule({ expirationDays: 1 }).enabled, true, 'enabled by default');
});

t.test('S3 shape: one filter condition bare, several under And', async (t) => {
  const [a, b, c, d] = toS3LifecycleRules([
    rule({ id: 'a', expirationDays: 1 }),
    rule({ id: 'b', prefix: 'p/', expirationDays: 1 }),
    rule({ id: 'c', tags: { k: 'v' }, expirationDays: 1, enabled: false }),
    rule({
      id: 'd',
      prefix: 'p/',
      tags: { k2: 'v2', k: 'v' },
      transitions: [
        { days: 90, storageClass: 'GLACIER' },
        { days: 30, storageClass: 'STANDARD_IA' },
      ],
    }),
  ]);
  t.same(a, { ID: 'a', Status: 'Enabled', Filter: { Prefix: '' }, Expiration: { Days: 1 } });
  t.same(b!.Filter, { Prefix: 'p/' });
  t.same(c, { ID: 'c', Status: 'Disabled', Filter: { Tag: { Key: 'k', Value: 'v' } }, Expiration: { Days: 1 } });
  t.same(d!.Filter, {
    And: {
      Prefix: 'p/',
      Tags: [
        { Key: 'k', Value: 'v' },
        { Key: 'k2', Value: 'v2' },
      ],
    },
  });
  t.same(
    d!.Transitions,
    [
      { Days: 30, StorageClass: 'STANDARD_IA' },
      { Days: 90, StorageClass: 'GLACIER' },
    ],
    'transitions in day order',
  );
});

t.test('comparison by meaning', async (t) => {
  const desired = [
    rule({ id: 'logs', prefix: 'logs/', expirationDays: 365, transitions: [{ days: 30, storageClass: 'STANDARD_IA' }] }),
    rule({ id: 'all', abortIncompleteMultipartUploadDays: 7 }),
  ];
  const s3Form: S3LifecycleRule[] = [
    { ID: 'all', Status: 'Enabled', Filter: {}, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } },
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- an old rule written by another tool carries Prefix on the rule
    { ID: 'logs', Status: 'Enabled', Prefix: 'logs/', Expiration: { Days: 365 }, Transitions: [{ Days: 30, StorageClass: 'STANDARD_IA' }] },
  ];
  t.ok(sameLifecycleRules(desired, s3Form), 'rule order, an empty Filter vs Prefix "", a legacy rule-level Prefix');
  t.ok(
    sameLifecycleRules(
      [rule({ id: 'x', prefix: 'a/', tags: { k: 'v' }, expirationDays: 1 })],
      [{ ID: 'x', Status: 'Enabled', Filter: { And: { Prefix: 'a/', Tags: [{ Key: 'k', Value: 'v' }] } }, Expiration: { Days: 1 } }],
    ),
  );
  const differs: [string, S3LifecycleRule[]][] = [
    ['disabled', [s3Form[0]!, { ...s3Form[1]!, Status: 'Disabled' }]],
    ['other days', [s3Form[0]!, { ...s3Form[1]!, Expiration: { Days: 30 } }]],
    ['a rule missing', [s3Form[1]!]],
    ['an extra rule', [...s3Form, { ID: 'extra', Status: 'Enabled', Filter: {}, Expiration: { Days: 1 } }]],
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- an old rule written by another tool carries Prefix on the rule
    ['other prefix', [s3Form[0]!, { ...s3Form[1]!, Prefix: 'other/' }]],
    ['a size filter the spec cannot say', [{ ...s3Form[0]!, Filter: { ObjectSizeGreaterThan: 10 } }, s3Form[1]!]],
    ['an expiration date', [s3Form[0]!, { ...s3Form[1]!, Expiration: { Date: new Date('2030-01-01T00:00:00Z') } }]],
    ['newer noncurrent versions', [s3Form[0]!, { ...s3Form[1]!, NoncurrentVersionExpiration: { NoncurrentDays: 1, NewerNoncurrentVersions: 2 } }]],
  ];
  for (const [what, observed] of differs) t.notOk(sameLifecycleRules(desired, observed), what);
});
