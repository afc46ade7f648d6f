/** Table fixtures shared by the Table tests. */
import { validateSpec } from '../../hooks/core/spec-validation.js';
import { DEFAULT_HOOKS_CONFIG, type HooksConfig } from '../../hooks/core/config.js';
import type { DesiredInput } from '../../hooks/core/kind.js';
import type { Owner, Parent } from '../../hooks/core/types.js';
import { desiredTable, type TableDesired } from '../../hooks/table/desired.js';
import { TableSpecSchema, type TableSpec, type TableStatus } from '../../schemas/table.js';

/** Seed 004's DynamoDB example, as written there. */
export const SEED_004_SPEC = {
  hashAttribute: { name: 'name', type: 'S' },
  rangeAttribute: { name: 'created_at', type: 'S' },
  readCapacityUnits: 5,
  writeCapacityUnits: 5,
};

/** The owner of the test Tables. */
export const tableOwner: Owner = { cluster: 'default', namespace: 'shop', name: 'orders', uid: 'uid-shop-orders', kind: 'Table' };

/** A Table parent. */
export function tableParent(spec: Record<string, unknown>, status?: TableStatus, name = 'orders', namespace = 'shop'): Parent {
  return {
    apiVersion: 'dynamodb.awshooks.dev/v1alpha1',
    kind: 'Table',
    metadata: { name, namespace, uid: `uid-${namespace}-${name}`, generation: 1 },
    spec,
    ...(status ? { status } : {}),
  };
}

/** The desired-state input of a spec (schema defaults applied, as the core does). */
export function tableInput(
  spec: Record<string, unknown>,
  opts: { status?: TableStatus; config?: Partial<HooksConfig>; finalizing?: boolean } = {},
): DesiredInput<TableSpec, TableStatus> {
  const full = validateSpec<TableSpec>(TableSpecSchema, spec);
  const parent = { ...tableParent(full, opts.status), spec: full } as Parent<TableSpec, TableStatus>;
  return {
    parent,
    spec: full,
    children: {},
    related: {},
    config: { ...DEFAULT_HOOKS_CONFIG, ...opts.config },
    owner: tableOwner,
    finalizing: opts.finalizing ?? false,
    now: new Date(),
  };
}

/** The desired table of a spec. */
export function desiredOf(spec: Record<string, unknown>, opts: Parameters<typeof tableInput>[1] = {}): TableDesired {
  return desiredTable(tableInput(spec, opts));
}
