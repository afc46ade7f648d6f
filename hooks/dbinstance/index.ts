/** The `DBInstance` kind: an RDS DB instance, its in-database users and databases, Secrets and a Service. */
import { childNameRules } from '../core/child-names.js';
import { kindNames, type KindDefinition } from '../core/kind.js';
import { AGE_COLUMN, CONDITION_COLUMNS } from '../../schemas/printer-columns.js';
import {
  DBINSTANCE_SPEC_VALIDATIONS,
  DBInstanceSpecSchema,
  DBInstanceStatusSchema,
  type DBInstanceSpec,
  type DBInstanceStatus,
} from '../../schemas/dbinstance.js';
import { dbInstanceAfterConverge } from './after-converge.js';
import { dbInstanceManager, type RdsLike } from './aws.js';
import { dbInstanceKey, dbInstanceOrphanCandidates } from './candidates.js';
import { RDS_TERMINAL_CODES } from './codes.js';
import type { DbWork } from './database.js';
import { dbInstanceDelta, type DBInstanceObserved } from './delta.js';
import { dbInstanceFingerprint, dbInstanceWouldBeChildren, desiredDBInstance, iamUserNames, type DBInstanceDesired } from './desired.js';
import { instanceReadiness } from './state.js';
import { dbInstanceChildren, dbInstanceStatus } from './status.js';

/** Test seams: the RDS client factory (unit tests pass a fake). */
export interface DBInstanceKindOptions {
  rds?: (region: string) => RdsLike;
}

/** Build the kind; unit tests pass a fake RDS client and a fake database runner. */
export function makeDBInstanceKind(
  options: DBInstanceKindOptions = {},
  run?: (work: DbWork) => Promise<void>,
): KindDefinition<DBInstanceSpec, DBInstanceDesired, DBInstanceObserved, DBInstanceStatus> {
  return {
    names: kindNames({ kind: 'DBInstance', group: 'rds.awshooks.dev', version: 'v1alpha1', shortNames: ['rdsdb', 'dbi'] }),
    specSchema: DBInstanceSpecSchema,
    statusSchema: DBInstanceStatusSchema,
    specValidations: DBINSTANCE_SPEC_VALIDATIONS,
    printerColumns: [
      { name: 'Engine', type: 'string', jsonPath: '.status.engine' },
      { name: 'Version', type: 'string', jsonPath: '.status.engineVersion' },
      { name: 'Class', type: 'string', jsonPath: '.status.instanceClass', priority: 1 },
      { name: 'Status', type: 'string', jsonPath: '.status.dbInstanceStatus', description: 'The status RDS reports' },
      { name: 'Endpoint', type: 'string', jsonPath: '.status.endpoint', priority: 1 },
      ...CONDITION_COLUMNS,
      { name: 'Connectable', type: 'string', jsonPath: '.status.conditions[?(@.type=="Connectable")].status', priority: 1 },
      AGE_COLUMN,
    ],
    childResources: [
      { apiVersion: 'v1', resource: 'secrets', kind: 'Secret', updateStrategy: 'InPlace' },
      { apiVersion: 'v1', resource: 'services', kind: 'Service', updateStrategy: 'InPlace' },
      { apiVersion: 'v1', resource: 'configmaps', kind: 'ConfigMap', updateStrategy: 'InPlace' },
    ],
    relatedResources: [
      { apiVersion: 'v1', resource: 'secrets' },
      { apiVersion: 'v1', resource: 'services' },
      { apiVersion: 'v1', resource: 'configmaps' },
    ],
    terminalCodes: RDS_TERMINAL_CODES,
    // The Secrets' and the Service's names, to see whether another object already holds one.
    customize: (parent) =>
      childNameRules(parent, dbInstanceWouldBeChildren(parent.metadata.name, Object.keys(parent.spec.users ?? {}).sort(), iamUserNames(parent.spec))),
    // NOTE: RDS allows 12 requests/s per account and region, shared with every other tool; an
    // instance changes slowly and a check costs 1-2 calls.
    driftCheckIntervalSeconds: 300,
    desired: desiredDBInstance,
    fingerprint: dbInstanceFingerprint,
    resource: (ctx) => dbInstanceManager(ctx, options.rds),
    tagsOf: (observed) => observed.tags,
    delta: dbInstanceDelta,
    status: dbInstanceStatus,
    readiness: (observed) => instanceReadiness(observed.instance.DBInstanceStatus),
    children: (input) => dbInstanceChildren(input),
    afterConverge: (ctx, desired, observed, previous) => dbInstanceAfterConverge(ctx, desired, observed, previous, options.rds, run),
    existsPerStatus: (status) => Boolean(status?.dbInstanceIdentifier),
    // RDS deletes take minutes.
    deletePollSeconds: 30,
    orphanCandidates: dbInstanceOrphanCandidates,
    resourceKey: dbInstanceKey,
    // A final snapshot when the spec's deletionPolicy cannot be read: never lose data on a guess.
    safeDeletionPolicy: 'Snapshot',
    // NOTE: the emulator answers a second CreateDBInstance of the same identifier with
    // DBSnapshotAlreadyExists (its automated `rds:<id>-<minute>` snapshot); either way the core
    // re-reads the instance and checks its owner tags, so treating it alike is safe on AWS too.
    alreadyExistsCodes: new Set(['DBInstanceAlreadyExists', 'DBInstanceAlreadyExistsFault', 'DBSnapshotAlreadyExists', 'DBSnapshotAlreadyExistsFault']),
  };
}

/** The DBInstance kind definition. */
export const dbInstanceKind = makeDBInstanceKind();
