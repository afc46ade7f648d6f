/** The `Table` kind: a DynamoDB table plus a ConfigMap apps read with envFrom (seed 004). */
import { childNameRules } from '../core/child-names.js';
import { kindNames, type KindDefinition } from '../core/kind.js';
import { AGE_COLUMN, CONDITION_COLUMNS } from '../../schemas/printer-columns.js';
import { TABLE_SPEC_VALIDATIONS, TableSpecSchema, TableStatusSchema, type TableSpec, type TableStatus } from '../../schemas/table.js';
import { tableKey, tableOrphanCandidates } from './candidates.js';
import { tableManager } from './aws.js';
import { tableDelta, type TableObserved } from './delta.js';
import { desiredTable, type TableDesired } from './desired.js';
import { tableChildren, tableReadiness, tableStatus, tableWouldBeChildren } from './status.js';

/**
 * DynamoDB error codes that need the user (or the admin) to act; everything else is retried
 * with backoff (LimitExceededException included: DynamoDB's limits on concurrent table
 * operations and on capacity decreases per day clear with time).
 */
const TERMINAL_CODES = new Set([
  // NOTE: DynamoDB reports bad parameters, KMS keys it cannot use and refused changes as ValidationException.
  'ValidationException',
  'AccessDeniedException',
  'UnrecognizedClientException',
]);

/** The Table kind definition. */
export const tableKind: KindDefinition<TableSpec, TableDesired, TableObserved, TableStatus> = {
  names: kindNames({ kind: 'Table', group: 'dynamodb.awshooks.dev', version: 'v1alpha1', shortNames: ['ddbtable'] }),
  specSchema: TableSpecSchema,
  statusSchema: TableStatusSchema,
  specValidations: TABLE_SPEC_VALIDATIONS,
  // NOTE: DescribeTable and ListTagsOfResource are control-plane reads with generous limits, and a
  // table's settings are often changed by hand (capacity in a hurry): seed 000's 30 s, like a Queue.
  driftCheckIntervalSeconds: 30,
  printerColumns: [
    { name: 'Status', type: 'string', jsonPath: '.status.tableStatus', description: 'What DynamoDB reports: CREATING, UPDATING, ACTIVE, ...' },
    { name: 'Billing', type: 'string', jsonPath: '.status.billingMode', description: 'PROVISIONED or PAY_PER_REQUEST' },
    { name: 'Table', type: 'string', jsonPath: '.status.tableName', description: 'The DynamoDB table name', priority: 1 },
    ...CONDITION_COLUMNS,
    AGE_COLUMN,
  ],
  childResources: [{ apiVersion: 'v1', resource: 'configmaps', kind: 'ConfigMap', updateStrategy: 'InPlace' }],
  // ConfigMaps by name, to see whether another object already holds a child's name.
  relatedResources: [{ apiVersion: 'v1', resource: 'configmaps' }],
  customize: (parent) => childNameRules(parent, tableWouldBeChildren(parent.metadata.name)),
  terminalCodes: TERMINAL_CODES,
  desired: desiredTable,
  resource: tableManager,
  tagsOf: (observed) => observed.tags,
  delta: (desired, observed, previous) => tableDelta(desired, observed, previous),
  status: (desired, observed, previous) => tableStatus(desired, observed, previous),
  readiness: tableReadiness,
  children: tableChildren,
  existsPerStatus: (status) => Boolean(status?.tableArn),
  orphanCandidates: tableOrphanCandidates,
  resourceKey: tableKey,
  deletePollSeconds: 10,
};
