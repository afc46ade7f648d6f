/**
 * Pure: the DynamoDB tables a Table may own, found without a valid spec (finalize of a spec that
 * no longer validates). Finalize reads each and deletes only those whose owner tags name the parent.
 */
import type { OrphanInput } from '../core/kind.js';
import { ownerTags } from '../core/ownership.js';
import { candidatesByName, plainString, underPrefix } from '../shared/candidates.js';
import type { TableStatus } from '../../schemas/table.js';
import { defaultTableName, type TableDesired } from './desired.js';

/** DynamoDB's table name rule. */
const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;

/** A table's identity in AWS. */
export function tableKey(desired: Pick<TableDesired, 'region' | 'tableName'>): string {
  return `${desired.region}/${desired.tableName}`;
}

/**
 * The table status names, when it names one under our prefix; otherwise the raw spec's
 * `tableName` (when valid and under our prefix) and the derived name, in the status's, the raw
 * spec's or the default region. Only what finalize needs: name, region, owner tags, policy.
 */
export function tableOrphanCandidates(input: OrphanInput<TableStatus>): TableDesired[] {
  const { rawSpec, config, owner } = input;
  const usable = (name: string | undefined): name is string => underPrefix(name, config) && TABLE_NAME.test(name);
  const make = (region: string, tableName: string): TableDesired => ({
    region,
    tableName,
    hash: { name: 'unknown', type: 'S' },
    attributes: {},
    billingMode: 'PAY_PER_REQUEST',
    indexes: [],
    tags: {},
    ownerTags: ownerTags(owner),
    adopt: false,
    deletionPolicy: input.deletionPolicy === 'Retain' ? 'Retain' : 'Delete',
    finalizing: true,
  });
  return candidatesByName(
    input,
    'tableName',
    usable,
    [plainString(rawSpec, 'tableName'), defaultTableName(config.namePrefix, owner.namespace, owner.name)],
    make,
  );
}
