/** hooks/table/desired.ts: names, the namespace rule, region, and every bound checked before AWS. */
import t from 'tap';
import { ownerTags } from '../../../../hooks/core/ownership.js';
import { checkTableNameInNamespace, defaultTableName, validateTableTags } from '../../../../hooks/table/desired.js';
import { DEFAULT_HOOKS_CONFIG } from '../../../../hooks/core/config.js';
import { desiredOf, SEED_004_SPEC, tableOwner } from '../../../helpers/table.js';

const key = (name: string, type = 'S') => ({ name, type });
const gsi = (name: string, extra: Record<string, unknown> = {}) => ({ name, hashAttribute: key('g'), readCapacityUnits: 1, writeCapacityUnits: 1, ...extra });

t.test("seed 004's example, as written, is a provisioned table with a sort key", async (t) => {
  const d = desiredOf(SEED_004_SPEC);
  t.same(d, {
    region: 'us-east-1',
    tableName: 'awshooks-shop-orders',
    hash: { name: 'name', type: 'S' },
    range: { name: 'created_at', type: 'S' },
    attributes: { created_at: 'S', name: 'S' },
    billingMode: 'PROVISIONED',
    throughput: { read: 5, write: 5 },
    indexes: [],
    tags: {},
    ownerTags: ownerTags(tableOwner),
    adopt: false,
    deletionPolicy: 'Delete',
    finalizing: false,
  });
});

t.test('table names: derived within 255 characters, custom ones stay in the namespace', async (t) => {
  t.equal(defaultTableName('awshooks', 'shop', 'orders'), 'awshooks-shop-orders');
  const long = defaultTableName('awshooks', 'n'.repeat(63), 'x'.repeat(253));
  t.equal(long.length, 255);
  t.match(long, /^[a-zA-Z0-9_.-]+-[0-9a-f]{8}$/);
  t.not(long, defaultTableName('awshooks', 'n'.repeat(63), `${'x'.repeat(252)}y`), 'long names that share a beginning differ');
  t.equal(desiredOf({ ...SEED_004_SPEC, tableName: 'awshooks-shop-orders.v2' }).tableName, 'awshooks-shop-orders.v2');
  t.throws(
    () => desiredOf({ ...SEED_004_SPEC, tableName: 'awshooks-other-orders' }),
    { reason: 'NameNotAllowed', message: /names starting with "awshooks-shop-"/ },
    'another namespace',
  );
  t.throws(() => desiredOf({ ...SEED_004_SPEC, tableName: 'legacy-orders' }), { reason: 'NameNotAllowed', message: /ALLOWED_AWS_NAMES/ });
  t.doesNotThrow(() => {
    checkTableNameInNamespace('legacy-orders', { ...DEFAULT_HOOKS_CONFIG, allowedAwsNames: [{ namespace: 'shop', pattern: 'legacy-*' }] }, tableOwner);
  }, 'a name the administrator allowed for the namespace');
  t.throws(
    () => {
      checkTableNameInNamespace('legacy-orders', { ...DEFAULT_HOOKS_CONFIG, allowedAwsNames: [{ namespace: 'other', pattern: 'legacy-*' }] }, tableOwner);
    },
    { reason: 'NameNotAllowed', message: /ALLOWED_AWS_NAMES/ },
    '...only for that namespace',
  );
  t.equal(defaultTableName('awshooks', 'team-a', 'orders'), 'awshooks-team_a-orders', 'the namespace token: team-a and team + a-orders never meet');
  t.not(defaultTableName('awshooks', 'team-a', 'orders'), defaultTableName('awshooks', 'team', 'a-orders'));
  t.throws(
    () => {
      checkTableNameInNamespace('awshooks-shopping-x', { ...DEFAULT_HOOKS_CONFIG }, tableOwner);
    },
    { message: /awshooks-shop-/ },
    'a namespace whose name starts the same is not ours',
  );
  for (const bad of ['ab', 'awshooks-shop-a b', `awshooks-shop-${'x'.repeat(250)}`, 'awshooks-shop-ä']) {
    t.throws(() => desiredOf({ ...SEED_004_SPEC, tableName: bad }), { reason: 'InvalidSpec', message: /spec.tableName/ }, `refused: ${bad.slice(0, 30)}`);
  }
});

t.test('region: the spec, else where the table is, else AWS_REGION; never a move', async (t) => {
  t.equal(desiredOf(SEED_004_SPEC).region, 'us-east-1', 'the service default');
  t.equal(desiredOf(SEED_004_SPEC, { config: { defaultRegion: 'eu-west-3' } }).region, 'eu-west-3');
  t.equal(desiredOf({ ...SEED_004_SPEC, region: 'eu-west-1' }).region, 'eu-west-1');
  const created = { tableArn: 'arn:aws:dynamodb:eu-west-3:123456789012:table/awshooks-shop-orders', region: 'eu-west-3' };
  t.equal(
    desiredOf(SEED_004_SPEC, { status: created, config: { defaultRegion: 'us-east-1' } }).region,
    'eu-west-3',
    'an AWS_REGION change does not move an existing table',
  );
  t.equal(desiredOf({ ...SEED_004_SPEC, region: 'eu-west-3' }, { status: created }).region, 'eu-west-3', 'naming the region it is in is fine');
  t.throws(() => desiredOf({ ...SEED_004_SPEC, region: 'eu-west-1' }, { status: created }), { reason: 'InvalidSpec', message: /created in eu-west-3/ });
});

t.test('billing mode and capacities', async (t) => {
  const ondemand = desiredOf({ hashAttribute: key('id'), billingMode: 'PAY_PER_REQUEST' });
  t.equal(ondemand.billingMode, 'PAY_PER_REQUEST');
  t.notOk('throughput' in ondemand, 'no capacity on demand');
  const invalid: [Record<string, unknown>, RegExp][] = [
    [{ hashAttribute: key('id') }, /required with billingMode PROVISIONED/],
    [{ hashAttribute: key('id'), readCapacityUnits: 5 }, /required with billingMode PROVISIONED/],
    [{ hashAttribute: key('id'), billingMode: 'PAY_PER_REQUEST', readCapacityUnits: 5, writeCapacityUnits: 5 }, /refused with billingMode PAY_PER_REQUEST/],
    [
      { hashAttribute: key('id'), billingMode: 'PAY_PER_REQUEST', globalSecondaryIndexes: [gsi('by-g')] },
      /globalSecondaryIndexes\[0\]: .*refused with billingMode PAY_PER_REQUEST/,
    ],
    [
      { ...SEED_004_SPEC, globalSecondaryIndexes: [{ name: 'by-g', hashAttribute: key('g') }] },
      /globalSecondaryIndexes\[0\]: .*required with billingMode PROVISIONED/,
    ],
    [{ ...SEED_004_SPEC, readCapacityUnits: 0 }, /readCapacityUnits: must be >= 1/],
    [{ ...SEED_004_SPEC, writeCapacityUnits: 1.5 }, /writeCapacityUnits: must be integer/],
    [{ ...SEED_004_SPEC, billingMode: 'ON_DEMAND' }, /billingMode: must be equal to one of the allowed values/],
  ];
  for (const [spec, message] of invalid) t.throws(() => desiredOf(spec), { reason: 'InvalidSpec', message }, JSON.stringify(spec));
});

t.test('key schema rules: types, distinct keys, one type per attribute everywhere', async (t) => {
  const invalid: [Record<string, unknown>, RegExp][] = [
    [{ ...SEED_004_SPEC, hashAttribute: key('id', 'BOOL') }, /hashAttribute.type: must be equal to one of the allowed values/],
    [{ ...SEED_004_SPEC, hashAttribute: key('') }, /hashAttribute.name: must NOT have fewer than 1 characters/],
    [{ ...SEED_004_SPEC, hashAttribute: key('x'.repeat(256)) }, /hashAttribute.name: must NOT have more than 255 characters/],
    [{ ...SEED_004_SPEC, rangeAttribute: key('name') }, /rangeAttribute: must differ from the hash attribute/],
    [
      { ...SEED_004_SPEC, globalSecondaryIndexes: [gsi('by-name', { hashAttribute: key('name', 'N') })] },
      /attribute "name" is declared as N here and as S elsewhere/,
    ],
    [
      {
        ...SEED_004_SPEC,
        globalSecondaryIndexes: [gsi('by-a', { hashAttribute: key('g', 'S') }), gsi('by-b', { hashAttribute: key('h'), rangeAttribute: key('g', 'B') })],
      },
      /globalSecondaryIndexes\[1\].rangeAttribute: attribute "g"/,
    ],
    [{ ...SEED_004_SPEC, globalSecondaryIndexes: [gsi('by-a', { rangeAttribute: key('g') })] }, /globalSecondaryIndexes\[0\].rangeAttribute: must differ/],
    [{ ...SEED_004_SPEC, hashAttribute: { name: 'id', type: 'S', extra: 1 } }, /unknown field "extra"/],
  ];
  for (const [spec, message] of invalid) t.throws(() => desiredOf(spec), { reason: 'InvalidSpec', message }, JSON.stringify(spec).slice(0, 120));
  const d = desiredOf({
    ...SEED_004_SPEC,
    globalSecondaryIndexes: [gsi('by-created', { hashAttribute: key('created_at'), rangeAttribute: key('score', 'N') })],
  });
  t.same(d.attributes, { created_at: 'S', name: 'S', score: 'N' }, 'a table key reused by an index is declared once');
});

t.test('global secondary indexes: names, count, projections', async (t) => {
  const d = desiredOf({
    ...SEED_004_SPEC,
    globalSecondaryIndexes: [
      gsi('z-index', { projection: { type: 'INCLUDE', nonKeyAttributes: ['b', 'a'] } }),
      gsi('a-index', { hashAttribute: key('h', 'N'), projection: { type: 'KEYS_ONLY' }, readCapacityUnits: 3, writeCapacityUnits: 4 }),
      gsi('m-index'),
    ],
  });
  t.same(
    d.indexes.map((i) => i.name),
    ['a-index', 'm-index', 'z-index'],
    'sorted by name',
  );
  t.same(d.indexes[0], { name: 'a-index', hash: key('h', 'N'), projection: { type: 'KEYS_ONLY' }, throughput: { read: 3, write: 4 } });
  t.same(d.indexes[1]!.projection, { type: 'ALL' }, 'projection defaults to ALL');
  t.same(d.indexes[2]!.projection, { type: 'INCLUDE', nonKeyAttributes: ['a', 'b'] }, 'non-key attributes sorted');
  const many = (n: number) => Array.from({ length: n }, (_, i) => gsi(`index-${i}`));
  t.equal(desiredOf({ ...SEED_004_SPEC, globalSecondaryIndexes: many(20) }).indexes.length, 20, '20 indexes');
  const attrs = (n: number, p: string) => Array.from({ length: n }, (_, i) => `${p}${i}`);
  const invalid: [Record<string, unknown>, RegExp][] = [
    [{ ...SEED_004_SPEC, globalSecondaryIndexes: many(21) }, /globalSecondaryIndexes: must NOT have more than 20 items/],
    [{ ...SEED_004_SPEC, globalSecondaryIndexes: [gsi('ab')] }, /globalSecondaryIndexes.0.name: must match pattern/],
    [{ ...SEED_004_SPEC, globalSecondaryIndexes: [gsi('by name')] }, /name: must match pattern/],
    [{ ...SEED_004_SPEC, globalSecondaryIndexes: [gsi('by-g'), gsi('by-g')] }, /"by-g" is used twice/],
    [{ ...SEED_004_SPEC, globalSecondaryIndexes: [gsi('by-g', { projection: { type: 'INCLUDE' } })] }, /nonKeyAttributes: required with type INCLUDE/],
    [{ ...SEED_004_SPEC, globalSecondaryIndexes: [gsi('by-g', { projection: { type: 'ALL', nonKeyAttributes: ['a'] } })] }, /refused otherwise/],
    [{ ...SEED_004_SPEC, globalSecondaryIndexes: [gsi('by-g', { projection: { type: 'INCLUDE', nonKeyAttributes: ['a', 'a'] } })] }, /names must be unique/],
    [
      { ...SEED_004_SPEC, globalSecondaryIndexes: [gsi('by-g', { projection: { type: 'INCLUDE', nonKeyAttributes: [] } })] },
      /must NOT have fewer than 1 items/,
    ],
    [
      {
        ...SEED_004_SPEC,
        globalSecondaryIndexes: [
          gsi('by-a', { projection: { type: 'INCLUDE', nonKeyAttributes: attrs(60, 'a') } }),
          gsi('by-b', { projection: { type: 'INCLUDE', nonKeyAttributes: attrs(41, 'b') } }),
        ],
      },
      /101 nonKeyAttributes in all; DynamoDB allows at most 100/,
    ],
    [{ ...SEED_004_SPEC, globalSecondaryIndexes: [gsi('by-g', { readCapacityUnits: 0 })] }, /readCapacityUnits: must be >= 1/],
  ];
  for (const [spec, message] of invalid) t.throws(() => desiredOf(spec), { reason: 'InvalidSpec', message }, JSON.stringify(spec).slice(0, 140));
});

t.test('TTL, point-in-time recovery, stream, encryption, protection, class', async (t) => {
  const d = desiredOf({
    ...SEED_004_SPEC,
    timeToLive: { attributeName: 'expires_at' },
    pointInTimeRecovery: { recoveryPeriodInDays: 7 },
    stream: { viewType: 'NEW_AND_OLD_IMAGES' },
    encryption: { keyType: 'CUSTOMER_MANAGED', kmsKeyId: '1234abcd-12ab-34cd-56ef-1234567890ab' },
    deletionProtection: true,
    tableClass: 'STANDARD_INFREQUENT_ACCESS',
  });
  t.same(d.timeToLive, { attributeName: 'expires_at', enabled: true }, 'enabled by default');
  t.same(d.pointInTimeRecovery, { enabled: true, recoveryPeriodInDays: 7 });
  t.same(d.stream, { enabled: true, viewType: 'NEW_AND_OLD_IMAGES' });
  t.same(d.encryption, { keyType: 'CUSTOMER_MANAGED', kmsKeyId: '1234abcd-12ab-34cd-56ef-1234567890ab' });
  t.equal(d.deletionProtection, true);
  t.equal(d.tableClass, 'STANDARD_INFREQUENT_ACCESS');
  t.same(
    desiredOf({ ...SEED_004_SPEC, stream: { enabled: false, viewType: 'KEYS_ONLY' } }).stream,
    { enabled: false },
    'a view type of a disabled stream means nothing',
  );
  const unset = desiredOf(SEED_004_SPEC);
  for (const f of ['timeToLive', 'pointInTimeRecovery', 'stream', 'encryption', 'deletionProtection', 'tableClass'])
    t.notOk(f in unset, `${f} unset: left to AWS`);
  const arn = 'arn:aws:kms:eu-west-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef';
  t.equal(desiredOf({ ...SEED_004_SPEC, encryption: { keyType: 'CUSTOMER_MANAGED', kmsKeyId: arn } }).encryption?.kmsKeyId, arn, 'a key ARN');
  const invalid: [Record<string, unknown>, RegExp][] = [
    [{ ...SEED_004_SPEC, timeToLive: { attributeName: '' } }, /timeToLive.attributeName: must NOT have fewer than 1 characters/],
    [{ ...SEED_004_SPEC, timeToLive: { enabled: true } }, /timeToLive.attributeName: required/],
    [{ ...SEED_004_SPEC, pointInTimeRecovery: { recoveryPeriodInDays: 36 } }, /recoveryPeriodInDays: must be <= 35/],
    [{ ...SEED_004_SPEC, pointInTimeRecovery: { recoveryPeriodInDays: 0 } }, /recoveryPeriodInDays: must be >= 1/],
    [{ ...SEED_004_SPEC, pointInTimeRecovery: { enabled: false, recoveryPeriodInDays: 7 } }, /needs enabled: true/],
    [{ ...SEED_004_SPEC, stream: {} }, /stream.viewType: required when the stream is enabled/],
    [{ ...SEED_004_SPEC, stream: { viewType: 'ALL' } }, /viewType: must be equal to one of the allowed values/],
    [{ ...SEED_004_SPEC, encryption: { keyType: 'CUSTOMER_MANAGED' } }, /kmsKeyId: required with keyType CUSTOMER_MANAGED/],
    [{ ...SEED_004_SPEC, encryption: { keyType: 'AWS_MANAGED', kmsKeyId: '1234abcd-12ab-34cd-56ef-1234567890ab' } }, /refused otherwise/],
    [{ ...SEED_004_SPEC, encryption: { keyType: 'CUSTOMER_MANAGED', kmsKeyId: 'alias/orders' } }, /kmsKeyId: must match pattern/],
    [{ ...SEED_004_SPEC, tableClass: 'GLACIER' }, /tableClass: must be equal to one of the allowed values/],
  ];
  for (const [spec, message] of invalid) t.throws(() => desiredOf(spec), { reason: 'InvalidSpec', message }, JSON.stringify(spec).slice(0, 140));
});

t.test('tags: reserved prefixes and DynamoDB characters', async (t) => {
  t.same(validateTableTags({ team: 'payments', 'cost-center': 'a:b/c=d+e@f_g.h i' }), { team: 'payments', 'cost-center': 'a:b/c=d+e@f_g.h i' });
  t.same(validateTableTags({ équipe: 'données' }), { équipe: 'données' }, 'Unicode letters are fine');
  for (const [tags, message] of [
    [{ 'awshooks.dev/name': 'x' }, /reserved for awshooks/],
    [{ 'aws:cloudformation:stack': 'x' }, /reserved by AWS/],
    [{ 'team#1': 'x' }, /key "team#1" may contain only letters/],
    [{ team: 'a;b' }, /spec\.tags\.team: the value may contain only/],
  ] as [Record<string, string>, RegExp][]) {
    t.throws(() => validateTableTags(tags), { reason: 'InvalidSpec', message }, JSON.stringify(tags));
  }
  t.throws(
    () => desiredOf({ ...SEED_004_SPEC, tags: Object.fromEntries(Array.from({ length: 41 }, (_, i) => [`k${i}`, 'v'])) }),
    { message: /must NOT have more than 40 properties/ },
    "at most 40 user tags (+5 owner tags ≤ DynamoDB's 50)",
  );
});

t.test('finalizing is carried to the reads', async (t) => {
  t.equal(desiredOf(SEED_004_SPEC, { finalizing: true }).finalizing, true);
});
