/** hooks/table/status.ts: readiness, status fields and the ConfigMap child. */
import t from 'tap';
import type { TableDescription } from '@aws-sdk/client-dynamodb';
import type { TableObserved } from '../../../../hooks/table/delta.js';
import { camelCase, configMapName, tableChildren, tableReadiness, tableStatus } from '../../../../hooks/table/status.js';
import type { TableStatus } from '../../../../schemas/table.js';
import { desiredOf, SEED_004_SPEC, tableParent } from '../../../helpers/table.js';

const ARN = 'arn:aws:dynamodb:eu-west-1:123456789012:table/awshooks-shop-orders';
const observed = (table: Partial<TableDescription> = {}, extra: Partial<TableObserved> = {}): TableObserved => ({
  table: { TableName: 'awshooks-shop-orders', TableArn: ARN, TableStatus: 'ACTIVE', ...table },
  tags: {},
  ...extra,
});

t.test('readiness: ACTIVE and settled is Ready; everything else waits with a requeue', async (t) => {
  t.same(tableReadiness(observed()), { ready: true });
  const cases: [TableObserved, string, number][] = [
    [observed({ TableStatus: 'CREATING' }), 'Creating', 10],
    [observed({ TableStatus: 'UPDATING' }), 'Updating', 10],
    [observed({ TableStatus: 'DELETING' }), 'Deleting', 10],
    [observed({ TableStatus: 'INACCESSIBLE_ENCRYPTION_CREDENTIALS' }), 'InaccessibleEncryptionCredentials', 300],
    [observed({ TableStatus: 'ARCHIVED' }), 'Archived', 300],
    [observed({}, { pending: ['createIndex:b'] }), 'Updating', 5],
    [observed({}, { blocked: { reason: 'TimeToLivePending', message: 'm', seconds: 300 } }), 'TimeToLivePending', 300],
    [observed({}, { pending: ['stream'], blocked: { reason: 'TimeToLivePending', message: 'm', seconds: 300 } }), 'Updating', 5],
    [
      observed({
        GlobalSecondaryIndexes: [
          { IndexName: 'a', IndexStatus: 'ACTIVE' },
          { IndexName: 'b', IndexStatus: 'CREATING', Backfilling: true },
        ],
      }),
      'IndexCreating',
      10,
    ],
    [observed({ GlobalSecondaryIndexes: [{ IndexName: 'a', IndexStatus: 'DELETING' }] }), 'IndexDeleting', 10],
    [observed({ SSEDescription: { Status: 'UPDATING' } }), 'EncryptionUpdating', 10],
  ];
  for (const [o, reason, seconds] of cases) {
    const r = tableReadiness(o);
    t.match(r, { ready: false, reason, requeueSeconds: seconds }, reason);
    t.notOk((r as { acceptsUpdates?: boolean }).acceptsUpdates, `${reason}: no write meanwhile`);
  }
  t.match(tableReadiness(observed({ GlobalSecondaryIndexes: [{ IndexName: 'b', IndexStatus: 'CREATING', Backfilling: true }] })), {
    message: /b \(CREATING, backfilling\)/,
  });
  t.equal(camelCase('REPLICATION_NOT_AUTHORIZED'), 'ReplicationNotAuthorized');
});

t.test('status: what apps and people need, every key present so nothing lingers', async (t) => {
  const desired = desiredOf({
    ...SEED_004_SPEC,
    region: 'eu-west-1',
    tags: { team: 'b', app: 'a' },
    globalSecondaryIndexes: [{ name: 'by-x', hashAttribute: { name: 'x', type: 'S' }, readCapacityUnits: 1, writeCapacityUnits: 1 }],
    timeToLive: { attributeName: 'ttl' },
  });
  const s = tableStatus(
    desired,
    observed(
      {
        BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
        LatestStreamArn: `${ARN}/stream/x`,
        GlobalSecondaryIndexes: [
          { IndexName: 'old', IndexStatus: 'DELETING' },
          { IndexName: 'by-x', IndexStatus: 'CREATING' },
        ],
      },
      { timeToLive: { status: 'ENABLED', attributeName: 'ttl' } },
    ),
    { managedIndexNames: ['old', 'gone'] },
  );
  t.same(
    s,
    {
      tableName: 'awshooks-shop-orders',
      tableArn: ARN,
      region: 'eu-west-1',
      tableStatus: 'ACTIVE',
      billingMode: 'PAY_PER_REQUEST',
      streamArn: `${ARN}/stream/x`,
      globalSecondaryIndexes: [
        { name: 'by-x', status: 'CREATING' },
        { name: 'old', status: 'DELETING' },
      ],
      timeToLiveStatus: 'ENABLED',
      pointInTimeRecoveryStatus: undefined,
      managedIndexNames: ['by-x', 'old'],
      customerKmsKeyArn: undefined,
      managedTagKeys: ['app', 'team'],
    },
    'an index being removed stays managed until gone; one already gone is forgotten',
  );
  const plain = tableStatus(desiredOf(SEED_004_SPEC), observed({ LatestStreamArn: `${ARN}/stream/x`, StreamSpecification: { StreamEnabled: false } }), {
    streamArn: 'old',
    managedIndexNames: ['gone'],
  });
  t.ok('streamArn' in plain && plain.streamArn === undefined, 'a disabled stream: the key is there, undefined, to override the previous status');
  t.equal(plain.billingMode, 'PROVISIONED');
  t.equal(plain.managedIndexNames, undefined);
  t.equal(plain.globalSecondaryIndexes, undefined);
});

t.test('status: the customer KMS key is remembered while the table uses it', async (t) => {
  const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const onKey = observed({ SSEDescription: { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: KEY } });
  t.equal(tableStatus(desiredOf({ ...SEED_004_SPEC, encryption: { keyType: 'CUSTOMER_MANAGED', kmsKeyId: KEY } }), onKey, undefined).customerKmsKeyArn, KEY);
  t.equal(
    tableStatus(desiredOf({ ...SEED_004_SPEC, encryption: { keyType: 'AWS_MANAGED' } }), onKey, { customerKmsKeyArn: KEY }).customerKmsKeyArn,
    KEY,
    'still on it: kept until the switch is done',
  );
  const onAwsKey = observed({ SSEDescription: { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/other' } });
  t.equal(
    tableStatus(desiredOf({ ...SEED_004_SPEC, encryption: { keyType: 'AWS_MANAGED' } }), onAwsKey, { customerKmsKeyArn: KEY }).customerKmsKeyArn,
    undefined,
  );
  t.equal(tableStatus(desiredOf(SEED_004_SPEC), observed(), undefined).customerKmsKeyArn, undefined);
});

t.test('children: the ConfigMap from status only, STREAM_ARN only while enabled', async (t) => {
  const parent = tableParent(SEED_004_SPEC) as Parameters<typeof tableChildren>[0]['parent'];
  const base = { parent, spec: undefined, desired: undefined, children: {}, config: {} as never, now: new Date() };
  t.same(tableChildren({ ...base, status: {} }), [], 'nothing before the table exists');
  const status: TableStatus = { tableName: 'awshooks-shop-orders', tableArn: ARN, region: 'eu-west-1' };
  t.same(tableChildren({ ...base, status }), [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'orders-table',
        labels: { 'app.kubernetes.io/managed-by': 'awshooks', 'awshooks.dev/owner-kind': 'Table', 'awshooks.dev/owner-name': 'orders' },
      },
      data: { TABLE_NAME: 'awshooks-shop-orders', TABLE_ARN: ARN, AWS_REGION: 'eu-west-1' },
    },
  ]);
  const withStream = tableChildren({ ...base, status: { ...status, streamArn: `${ARN}/stream/1` } });
  t.same((withStream[0] as unknown as { data: Record<string, string> }).data, {
    TABLE_NAME: 'awshooks-shop-orders',
    TABLE_ARN: ARN,
    STREAM_ARN: `${ARN}/stream/1`,
    AWS_REGION: 'eu-west-1',
  });
  t.equal(configMapName('dynamo-table'), 'dynamo-table-table');
  t.doesNotThrow(
    () => tableChildren({ ...base, parent: { ...parent, spec: { bogus: true } } as never, status: { tableArn: ARN } }),
    'never throws, whatever the spec and status',
  );
});
