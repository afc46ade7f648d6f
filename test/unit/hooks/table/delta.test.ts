/** hooks/table/delta.ts: what differs, as the writes that fix it, in DynamoDB's order. */
import t from 'tap';
import type { GlobalSecondaryIndexDescription, TableDescription } from '@aws-sdk/client-dynamodb';
import { ownerTags } from '../../../../hooks/core/ownership.js';
import {
  checkKeySchema,
  observedBillingMode,
  observedKmsKeyArn,
  pointInTimeRecoveryDelta,
  sameKmsKey,
  streamArnOf,
  tableDelta,
  tableUpdates,
  timeToLiveDelta,
} from '../../../../hooks/table/delta.js';
import { desiredOf, SEED_004_SPEC, tableOwner } from '../../../helpers/table.js';

const ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/awshooks-shop-orders';
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const KEY_ARN = `arn:aws:kms:us-east-1:123456789012:key/${KEY_ID}`;
const key = (name: string, type = 'S') => ({ name, type });

/** The seed table as DynamoDB describes it, ACTIVE. */
function described(extra: Partial<TableDescription> = {}): TableDescription {
  return {
    TableName: 'awshooks-shop-orders',
    TableArn: ARN,
    TableStatus: 'ACTIVE',
    KeySchema: [
      { AttributeName: 'name', KeyType: 'HASH' },
      { AttributeName: 'created_at', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: 'created_at', AttributeType: 'S' },
      { AttributeName: 'name', AttributeType: 'S' },
    ],
    ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5, NumberOfDecreasesToday: 0 },
    DeletionProtectionEnabled: false,
    ...extra,
  };
}

function index(name: string, hash: string, extra: Partial<GlobalSecondaryIndexDescription> = {}): GlobalSecondaryIndexDescription {
  return {
    IndexName: name,
    KeySchema: [{ AttributeName: hash, KeyType: 'HASH' }],
    Projection: { ProjectionType: 'ALL' },
    IndexStatus: 'ACTIVE',
    ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
    ...extra,
  };
}

const gsi = (name: string, extra: Record<string, unknown> = {}) => ({ name, hashAttribute: key('g'), readCapacityUnits: 1, writeCapacityUnits: 1, ...extra });
const withG = (extra: Partial<TableDescription> = {}) =>
  described({ AttributeDefinitions: [...described().AttributeDefinitions!, { AttributeName: 'g', AttributeType: 'S' }], ...extra });
const steps = (spec: Record<string, unknown>, table: TableDescription, previous?: Record<string, unknown>) =>
  tableUpdates(desiredOf(spec), table, previous as never).map((u) => u.step);

t.test('the seed table as created is converged: nothing to write', async (t) => {
  const d = tableDelta(desiredOf(SEED_004_SPEC), { table: described(), tags: ownerTags(tableOwner) }, undefined);
  t.same(d, { paths: [], tagsToAdd: {}, tagsToRemove: [], tableUpdates: [] });
});

t.test('AWS quirks of DescribeTable', async (t) => {
  t.equal(observedBillingMode(described()), 'PROVISIONED', 'no BillingModeSummary: provisioned');
  t.equal(observedBillingMode(described({ BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' } })), 'PAY_PER_REQUEST');
  t.equal(
    streamArnOf(described({ LatestStreamArn: `${ARN}/stream/1`, StreamSpecification: { StreamEnabled: false } })),
    undefined,
    'a disabled stream keeps LatestStreamArn; not an app-usable ARN',
  );
  t.equal(
    streamArnOf(described({ LatestStreamArn: `${ARN}/stream/1`, StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } })),
    `${ARN}/stream/1`,
  );
  t.equal(observedKmsKeyArn(described()), undefined, 'no SSEDescription: AWS owned key');
  t.equal(observedKmsKeyArn(described({ SSEDescription: { Status: 'DISABLED' } })), undefined);
  t.equal(observedKmsKeyArn(described({ SSEDescription: { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: KEY_ARN } })), KEY_ARN);
  t.ok(sameKmsKey(KEY_ARN, KEY_ID), 'a key ID names its ARN');
  t.ok(sameKmsKey(KEY_ARN, KEY_ARN));
  t.notOk(sameKmsKey(KEY_ARN, '0000abcd-12ab-34cd-56ef-1234567890ab'));
});

t.test('the key schema cannot change: a table with other keys is a terminal KeySchemaMismatch', async (t) => {
  t.doesNotThrow(() => {
    checkKeySchema(desiredOf(SEED_004_SPEC), described());
  });
  const cases: [Partial<TableDescription>, RegExp][] = [
    [{ KeySchema: [{ AttributeName: 'name', KeyType: 'HASH' }] }, /key schema is name \(S\) but the spec says name \(S\), created_at \(S\)/],
    [
      {
        AttributeDefinitions: [
          { AttributeName: 'created_at', AttributeType: 'N' },
          { AttributeName: 'name', AttributeType: 'S' },
        ],
      },
      /created_at \(N\)/,
    ],
    [
      {
        KeySchema: [
          { AttributeName: 'id', KeyType: 'HASH' },
          { AttributeName: 'created_at', KeyType: 'RANGE' },
        ],
      },
      /key schema is id/,
    ],
  ];
  for (const [extra, message] of cases)
    t.throws(
      () => {
        checkKeySchema(desiredOf(SEED_004_SPEC), described(extra));
      },
      { reason: 'KeySchemaMismatch', message },
    );
  t.throws(
    () => {
      checkKeySchema(desiredOf({ ...SEED_004_SPEC, rangeAttribute: undefined }), described());
    },
    { reason: 'KeySchemaMismatch', message: /but the spec says name \(S\);/ },
    'a sort key the spec does not have',
  );
});

t.test('capacity and billing: one call with only what differs', async (t) => {
  const up = (spec: Record<string, unknown>, table: TableDescription) => tableUpdates(desiredOf(spec), table, undefined);
  t.same(up({ ...SEED_004_SPEC, readCapacityUnits: 10 }, described()), [
    { step: 'capacity', input: { ProvisionedThroughput: { ReadCapacityUnits: 10, WriteCapacityUnits: 5 } } },
  ]);
  t.same(up({ hashAttribute: key('name'), rangeAttribute: key('created_at'), billingMode: 'PAY_PER_REQUEST' }, described()), [
    { step: 'billingMode', input: { BillingMode: 'PAY_PER_REQUEST' } },
  ]);
  t.same(
    up(
      { hashAttribute: key('name'), rangeAttribute: key('created_at'), billingMode: 'PAY_PER_REQUEST' },
      described({ BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' }, ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 0 } }),
    ),
    [],
    'on demand: capacities (0) are not compared',
  );
  // Back to provisioned: the table's and every index's capacity at once.
  const ppr = withG({
    BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
    ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 0 },
    GlobalSecondaryIndexes: [index('by-g', 'g', { ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 0 } })],
  });
  t.same(up({ ...SEED_004_SPEC, globalSecondaryIndexes: [gsi('by-g', { readCapacityUnits: 2, writeCapacityUnits: 3 })] }, ppr), [
    {
      step: 'billingMode',
      input: {
        BillingMode: 'PROVISIONED',
        ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
        GlobalSecondaryIndexUpdates: [{ Update: { IndexName: 'by-g', ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 3 } } }],
      },
    },
  ]);
  // Only an index's capacity changed.
  t.same(up({ ...SEED_004_SPEC, globalSecondaryIndexes: [gsi('by-g', { writeCapacityUnits: 9 })] }, withG({ GlobalSecondaryIndexes: [index('by-g', 'g')] })), [
    {
      step: 'capacity',
      input: { GlobalSecondaryIndexUpdates: [{ Update: { IndexName: 'by-g', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 9 } } }] },
    },
  ]);
});

t.test('indexes: one create or delete per call, deletes first, only managed ones deleted', async (t) => {
  const two = { ...SEED_004_SPEC, globalSecondaryIndexes: [gsi('by-g'), gsi('by-h', { hashAttribute: key('h', 'N') })] };
  const ups = tableUpdates(desiredOf(two), described(), undefined);
  t.same(
    ups.map((u) => u.step),
    ['createIndex:by-g', 'createIndex:by-h'],
    'two creations, two calls',
  );
  t.same(
    ups[1]!.input,
    {
      AttributeDefinitions: [
        { AttributeName: 'created_at', AttributeType: 'S' },
        { AttributeName: 'h', AttributeType: 'N' },
        { AttributeName: 'name', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexUpdates: [
        {
          Create: {
            IndexName: 'by-h',
            KeySchema: [{ AttributeName: 'h', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'ALL' },
            ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
          },
        },
      ],
    },
    'a creation declares the attributes the table has plus the new keys',
  );
  const ondemand = tableUpdates(
    desiredOf({
      hashAttribute: key('name'),
      rangeAttribute: key('created_at'),
      billingMode: 'PAY_PER_REQUEST',
      globalSecondaryIndexes: [{ name: 'by-g', hashAttribute: key('g'), projection: { type: 'INCLUDE', nonKeyAttributes: ['b', 'a'] } }],
    }),
    described({ BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' } }),
    undefined,
  );
  t.same(
    ondemand[0]!.input.GlobalSecondaryIndexUpdates,
    [
      {
        Create: {
          IndexName: 'by-g',
          KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['a', 'b'] },
        },
      },
    ],
    'on demand: no capacity',
  );

  const table = withG({ GlobalSecondaryIndexes: [index('by-g', 'g'), index('legacy', 'g')] });
  t.same(
    steps(SEED_004_SPEC, table, { managedIndexNames: ['by-g'] }),
    ['deleteIndex:by-g'],
    'a managed index left the spec: deleted; an index made elsewhere is left alone',
  );
  t.same(steps(SEED_004_SPEC, table, undefined), [], 'nothing managed, nothing deleted');
  t.same(
    steps(SEED_004_SPEC, withG({ GlobalSecondaryIndexes: [index('by-g', 'g', { IndexStatus: 'DELETING' })] }), { managedIndexNames: ['by-g'] }),
    [],
    'never delete twice',
  );
  t.same(
    steps({ ...SEED_004_SPEC, globalSecondaryIndexes: [gsi('by-g')] }, withG({ GlobalSecondaryIndexes: [index('by-g', 'g', { IndexStatus: 'CREATING' })] })),
    [],
    'an index being created is not created again',
  );
  t.same(
    steps(
      { ...SEED_004_SPEC, globalSecondaryIndexes: [gsi('by-g'), gsi('by-new')], readCapacityUnits: 7 },
      withG({ GlobalSecondaryIndexes: [index('by-g', 'g'), index('old', 'g')] }),
      { managedIndexNames: ['by-g', 'old'] },
    ),
    ['deleteIndex:old', 'capacity', 'createIndex:by-new'],
    'order: deletions, capacity, creations',
  );
});

t.test('an index whose keys or projection changed is replaced: delete, then create', async (t) => {
  const table = withG({ GlobalSecondaryIndexes: [index('by-g', 'g')] });
  t.same(steps({ ...SEED_004_SPEC, globalSecondaryIndexes: [gsi('by-g', { projection: { type: 'KEYS_ONLY' } })] }, table), [
    'deleteIndex:by-g',
    'createIndex:by-g',
  ]);
  t.same(steps({ ...SEED_004_SPEC, globalSecondaryIndexes: [gsi('by-g', { rangeAttribute: key('r') })] }, table), ['deleteIndex:by-g', 'createIndex:by-g']);
  t.same(
    steps({ ...SEED_004_SPEC, globalSecondaryIndexes: [gsi('by-g', { hashAttribute: key('g', 'N') })] }, table),
    ['deleteIndex:by-g', 'createIndex:by-g'],
    'key type changed',
  );
  const include = withG({ GlobalSecondaryIndexes: [index('by-g', 'g', { Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['b', 'a'] } })] });
  t.same(
    steps({ ...SEED_004_SPEC, globalSecondaryIndexes: [gsi('by-g', { projection: { type: 'INCLUDE', nonKeyAttributes: ['a', 'b'] } })] }, include),
    [],
    'non-key attributes compared as a set',
  );
  t.same(steps({ ...SEED_004_SPEC, globalSecondaryIndexes: [gsi('by-g', { projection: { type: 'INCLUDE', nonKeyAttributes: ['a'] } })] }, include), [
    'deleteIndex:by-g',
    'createIndex:by-g',
  ]);
});

t.test('stream: enable, disable, and a view type change as off-then-on', async (t) => {
  const on = (type: string) =>
    described({ StreamSpecification: { StreamEnabled: true, StreamViewType: type as 'KEYS_ONLY' }, LatestStreamArn: `${ARN}/stream/1` });
  const up = (stream: Record<string, unknown>, table: TableDescription) => tableUpdates(desiredOf({ ...SEED_004_SPEC, stream }), table, undefined);
  t.same(up({ viewType: 'NEW_IMAGE' }, described()), [
    { step: 'stream', input: { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } } },
  ]);
  t.same(up({ viewType: 'NEW_IMAGE' }, on('NEW_IMAGE')), []);
  t.same(up({ enabled: false }, on('NEW_IMAGE')), [{ step: 'stream', input: { StreamSpecification: { StreamEnabled: false } } }]);
  t.same(up({ enabled: false }, described({ StreamSpecification: { StreamEnabled: false } })), []);
  t.same(
    up({ viewType: 'KEYS_ONLY' }, on('NEW_IMAGE')),
    [{ step: 'stream:off-to-change-view-type', input: { StreamSpecification: { StreamEnabled: false } } }],
    'off first; on at the next sync',
  );
});

t.test('encryption: owned, AWS managed, customer key', async (t) => {
  const kms = (arn: string, status = 'ENABLED') => described({ SSEDescription: { Status: status as 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: arn } });
  const up = (encryption: Record<string, unknown>, table: TableDescription, previous?: Record<string, unknown>) =>
    tableUpdates(desiredOf({ ...SEED_004_SPEC, encryption }), table, previous);
  const AWS_KEY = 'arn:aws:kms:us-east-1:123456789012:key/99999999-0000-0000-0000-000000000000';
  t.same(up({ keyType: 'AWS_OWNED' }, described()), []);
  t.same(up({ keyType: 'AWS_OWNED' }, kms(AWS_KEY)), [{ step: 'encryption', input: { SSESpecification: { Enabled: false } } }]);
  t.same(up({ keyType: 'AWS_MANAGED' }, described()), [{ step: 'encryption', input: { SSESpecification: { Enabled: true, SSEType: 'KMS' } } }]);
  t.same(up({ keyType: 'AWS_MANAGED' }, kms(AWS_KEY)), []);
  t.same(
    up({ keyType: 'AWS_MANAGED' }, kms(KEY_ARN), { customerKmsKeyArn: KEY_ARN }),
    [{ step: 'encryption', input: { SSESpecification: { Enabled: true, SSEType: 'KMS' } } }],
    'still on the customer key awshooks set before',
  );
  t.same(up({ keyType: 'CUSTOMER_MANAGED', kmsKeyId: KEY_ID }, kms(KEY_ARN)), [], 'key ID vs reported ARN');
  t.same(up({ keyType: 'CUSTOMER_MANAGED', kmsKeyId: KEY_ID }, kms(AWS_KEY)), [
    { step: 'encryption', input: { SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: KEY_ID } } },
  ]);
  t.same(up({ keyType: 'CUSTOMER_MANAGED', kmsKeyId: KEY_ID }, described()), [
    { step: 'encryption', input: { SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: KEY_ID } } },
  ]);
});

t.test('deletion protection and table class; unset means left alone', async (t) => {
  t.same(steps({ ...SEED_004_SPEC, deletionProtection: true }, described()), ['deletionProtection']);
  t.same(steps({ ...SEED_004_SPEC, deletionProtection: false }, described({ DeletionProtectionEnabled: true })), ['deletionProtection']);
  t.same(
    steps(
      SEED_004_SPEC,
      described({
        DeletionProtectionEnabled: true,
        TableClassSummary: { TableClass: 'STANDARD_INFREQUENT_ACCESS' },
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
        SSEDescription: { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: KEY_ARN },
      }),
    ),
    [],
    'left to AWS',
  );
  t.same(steps({ ...SEED_004_SPEC, tableClass: 'STANDARD' }, described()), [], 'no TableClassSummary: STANDARD');
  t.same(tableUpdates(desiredOf({ ...SEED_004_SPEC, tableClass: 'STANDARD_INFREQUENT_ACCESS' }), described(), undefined), [
    { step: 'tableClass', input: { TableClass: 'STANDARD_INFREQUENT_ACCESS' } },
  ]);
  t.same(
    steps(
      {
        ...SEED_004_SPEC,
        readCapacityUnits: 6,
        deletionProtection: true,
        stream: { viewType: 'KEYS_ONLY' },
        tableClass: 'STANDARD_INFREQUENT_ACCESS',
        encryption: { keyType: 'AWS_MANAGED' },
      },
      described(),
    ),
    ['deletionProtection', 'capacity', 'stream', 'encryption', 'tableClass'],
    'one UpdateTable per change kind, in a fixed order',
  );
});

t.test('time to live: never re-sent, an attribute change is off then on', async (t) => {
  const want = { attributeName: 'ttl', enabled: true };
  const off = { attributeName: 'ttl', enabled: false };
  const cases: [typeof want, { status: string; attributeName?: string }, unknown][] = [
    [want, { status: 'DISABLED' }, { enabled: true, attributeName: 'ttl' }],
    [want, { status: 'ENABLED', attributeName: 'ttl' }, undefined],
    [want, { status: 'ENABLING', attributeName: 'ttl' }, undefined],
    [want, { status: 'ENABLED', attributeName: 'old' }, { enabled: false, attributeName: 'old' }],
    [want, { status: 'DISABLING', attributeName: 'old' }, { blocked: { reason: 'TimeToLivePending' } }],
    [want, { status: 'ENABLING', attributeName: 'old' }, { blocked: { reason: 'TimeToLivePending' } }],
    [off, { status: 'ENABLED', attributeName: 'ttl' }, { enabled: false, attributeName: 'ttl' }],
    [off, { status: 'DISABLED' }, undefined],
    [off, { status: 'DISABLING', attributeName: 'ttl' }, undefined],
    [off, { status: 'ENABLING', attributeName: 'ttl' }, { blocked: { reason: 'TimeToLivePending' } }],
  ];
  for (const [desired, observed, expected] of cases) {
    const got = timeToLiveDelta(desired, observed);
    if (expected === undefined) t.equal(got, undefined, `${JSON.stringify(desired)} vs ${JSON.stringify(observed)}`);
    else t.match(got, expected, `${JSON.stringify(desired)} vs ${JSON.stringify(observed)}`);
  }
  t.equal(timeToLiveDelta(undefined, { status: 'ENABLED', attributeName: 'x' }), undefined, 'unset in the spec: left alone');
});

t.test('point-in-time recovery', async (t) => {
  t.same(pointInTimeRecoveryDelta({ enabled: true }, { status: 'DISABLED' }), { enabled: true });
  t.equal(pointInTimeRecoveryDelta({ enabled: true }, { status: 'ENABLED', recoveryPeriodInDays: 35 }), undefined, 'the period left to AWS');
  t.same(pointInTimeRecoveryDelta({ enabled: true, recoveryPeriodInDays: 7 }, { status: 'ENABLED', recoveryPeriodInDays: 35 }), {
    enabled: true,
    recoveryPeriodInDays: 7,
  });
  t.same(pointInTimeRecoveryDelta({ enabled: false }, { status: 'ENABLED' }), { enabled: false });
  t.equal(pointInTimeRecoveryDelta({ enabled: false }, { status: 'DISABLED' }), undefined);
  t.equal(pointInTimeRecoveryDelta(undefined, { status: 'ENABLED' }), undefined);
});

t.test('tags: ours set back, ours removed when gone from the spec, others left alone', async (t) => {
  const desired = desiredOf({ ...SEED_004_SPEC, tags: { team: 'payments' } });
  const observed = { table: described(), tags: { ...ownerTags(tableOwner), team: 'hijacked', tier: 'gold', 'cost-center': 'x' } };
  delete (observed.tags as Record<string, string>)['awshooks.dev/uid'];
  const d = tableDelta(desired, observed, { managedTagKeys: ['team', 'tier'] });
  t.same(d.tagsToAdd, { team: 'payments', 'awshooks.dev/uid': 'uid-shop-orders' });
  t.same(d.tagsToRemove, ['tier']);
  t.same(d.paths, ['tags']);
});

t.test('paths name every change; the delta carries the TTL and backups writes', async (t) => {
  const desired = desiredOf({ ...SEED_004_SPEC, readCapacityUnits: 6, timeToLive: { attributeName: 'ttl' }, pointInTimeRecovery: {} });
  const d = tableDelta(
    desired,
    { table: described(), tags: ownerTags(tableOwner), timeToLive: { status: 'DISABLED' }, pointInTimeRecovery: { status: 'DISABLED' } },
    undefined,
  );
  t.same(d.paths, ['timeToLive', 'pointInTimeRecovery', 'capacity']);
  t.same(d.timeToLive, { enabled: true, attributeName: 'ttl' });
  t.same(d.pointInTimeRecovery, { enabled: true });
});
