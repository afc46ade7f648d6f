/**
 * Pure: the RDS instances a DBInstance may own, found without a valid spec (finalize of a spec
 * that no longer validates). Finalize deletes one only when its owner tags name the parent, and
 * under the deletionPolicy as written (Snapshot when it cannot be read: never lose data on a guess).
 */
import type { OrphanInput } from '../core/kind.js';
import { ownerTags } from '../core/ownership.js';
import { candidatesByName, plainBoolean, plainString, underPrefix } from '../shared/candidates.js';
import type { DBInstanceStatus } from '../../schemas/dbinstance.js';
import type { DBInstanceDesired } from './desired.js';
import { defaultInstanceIdentifier, finalSnapshotIdentifier, legacyInstanceIdentifier, rdsIdentifierProblem } from './identifiers.js';

/** An instance's identity in AWS. */
export function dbInstanceKey(desired: Pick<DBInstanceDesired, 'region' | 'identifier'>): string {
  return `${desired.region}/${desired.identifier}`;
}

/**
 * The instance status names, when it names one under our prefix; otherwise the raw spec's
 * `instanceIdentifier` (when valid and under our prefix) and the derived default identifier,
 * in the status's, the raw spec's or the default region. Deletion protection is lifted only when
 * the raw spec says `deletionProtection: false` (or leaves it out, the schema's default).
 */
export function dbInstanceOrphanCandidates(input: OrphanInput<DBInstanceStatus>): DBInstanceDesired[] {
  const { rawSpec, config, owner } = input;
  const usable = (id: string | undefined): id is string => underPrefix(id, config) && rdsIdentifierProblem(id) === undefined;
  const written = plainBoolean(rawSpec, 'deletionProtection');
  const deletionProtection = written ?? rawSpec.deletionProtection !== undefined;
  const writtenEngine = plainString(rawSpec, 'engine');
  const engine = writtenEngine === 'mysql' || writtenEngine === 'mariadb' ? writtenEngine : 'postgres';
  const deletionPolicy: DBInstanceDesired['deletionPolicy'] =
    input.deletionPolicy === 'Delete' || input.deletionPolicy === 'Retain' ? input.deletionPolicy : 'Snapshot';
  // Only instances whose owner tags name this parent are ever deleted, so no name is claimable here.
  const make = (region: string, identifier: string): DBInstanceDesired => ({
    name: { name: identifier, claimable: false },
    region,
    identifier,
    engine,
    engineVersion: '',
    allowMajorVersionUpgrade: false,
    instanceClass: '',
    storageGB: 0,
    multiAZ: false,
    storageEncrypted: true,
    securityGroupIds: [],
    publiclyAccessible: false,
    masterUsername: '',
    users: [],
    databases: [],
    backupRetentionDays: 0,
    deletionPolicy,
    deletionProtection,
    applyImmediately: true,
    tags: {},
    ownerTags: ownerTags(owner),
    adopt: false,
    finalSnapshotIdentifier: finalSnapshotIdentifier(identifier, owner.uid),
    iamDatabaseAuth: false,
  });
  return candidatesByName(
    input,
    'dbInstanceIdentifier',
    usable,
    [
      plainString(rawSpec, 'instanceIdentifier'),
      defaultInstanceIdentifier(config.namePrefix, owner.namespace, owner.name),
      // An instance created before the namespace token keeps the identifier the old scheme derived.
      legacyInstanceIdentifier(config.namePrefix, owner.namespace, owner.name),
    ],
    make,
  );
}
