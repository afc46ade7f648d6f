/** Pure: a Table's spec (plus config and the previous status) → the desired DynamoDB table. */
import { checkChildNames } from '../core/child-names.js';
import { tableWouldBeChildren } from './status.js';
import type { HooksConfig } from '../core/config.js';
import { InvalidSpecError, TerminalError } from '../core/errors.js';
import type { DesiredInput } from '../core/kind.js';
import { inNamespaceNames, namespaceNamePrefix, scopedName, underscoreNamespaceToken, type NameScheme } from '../core/naming.js';
import { allowedByAdmin } from '../core/name-scope.js';
import { ownerTags } from '../core/ownership.js';
import type { Owner } from '../core/types.js';
import { validateUserTags } from '../shared/tags.js';
import type { GlobalSecondaryIndexSpec, KeyAttribute, TableSpec, TableStatus } from '../../schemas/table.js';

/** DynamoDB table names: 3-255 characters. */
export const TABLE_NAME_MAX = 255;
/** NOTE: DynamoDB counts NonKeyAttributes over all secondary indexes of a table together. */
export const NON_KEY_ATTRIBUTES_MAX = 100;
/** DynamoDB's limit of global secondary indexes per table (the default quota; also the schema's). */
export const GSI_MAX = 20;
/** Attribute types of key attributes. */
export type AttributeType = KeyAttribute['type'];

/** Provisioned capacity. */
export interface Throughput {
  read: number;
  write: number;
}

/** A desired global secondary index. */
export interface DesiredIndex {
  name: string;
  hash: KeyAttribute;
  range?: KeyAttribute;
  projection: { type: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; nonKeyAttributes?: string[] };
  /** Only with billing mode PROVISIONED. */
  throughput?: Throughput;
}

/** The desired DynamoDB table. Optional fields left unset in the spec are left to AWS. */
export interface TableDesired {
  region: string;
  tableName: string;
  hash: KeyAttribute;
  range?: KeyAttribute;
  /** Every key attribute of the table and its desired indexes, by name (AttributeDefinitions). */
  attributes: Record<string, AttributeType>;
  billingMode: 'PROVISIONED' | 'PAY_PER_REQUEST';
  /** Only with billing mode PROVISIONED. */
  throughput?: Throughput;
  /** Sorted by name. */
  indexes: DesiredIndex[];
  timeToLive?: { attributeName: string; enabled: boolean };
  pointInTimeRecovery?: { enabled: boolean; recoveryPeriodInDays?: number };
  stream?: { enabled: boolean; viewType?: 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES' };
  encryption?: { keyType: 'AWS_OWNED' | 'AWS_MANAGED' | 'CUSTOMER_MANAGED'; kmsKeyId?: string };
  deletionProtection?: boolean;
  tableClass?: 'STANDARD' | 'STANDARD_INFREQUENT_ACCESS';
  tags: Record<string, string>;
  ownerTags: Record<string, string>;
  adopt: boolean;
  deletionPolicy: 'Delete' | 'Retain';
  /** While finalizing only the table and its tags are read (TTL and backups do not matter to a delete). */
  finalizing: boolean;
}

/** The default AWS name of a Table: <prefix>-<namespace>-<name>, cut with a hash suffix. */
export function defaultTableName(prefix: string, namespace: string, name: string): string {
  return scopedName(prefix, namespace, name, DYNAMODB_NAME_SCHEME);
}

/**
 * How DynamoDB writes the names awshooks derives: it allows `_`, which no Kubernetes namespace
 * holds, so the namespace token is the namespace with `-` written `_` (core/naming.ts); object
 * names (`a-z0-9.-`) are valid as they are.
 */
export const DYNAMODB_NAME_SCHEME: NameScheme = {
  maxLength: TABLE_NAME_MAX,
  namespaceToken: underscoreNamespaceToken,
  objectPart: (name) => {
    const text = name.replace(/[^a-zA-Z0-9_.-]/g, '-');
    return { text, lossless: text === name };
  },
};

/**
 * The isolation rule for custom table names, in one place: a name from the spec must be one of
 * the parent's own namespace's names (`<prefix>-<namespace token>-…`, core/naming.ts), or one
 * the administrator allowed for the namespace (ALLOWED_AWS_NAMES), so that a Table can never
 * reach (or adopt) another namespace's table. @throws TerminalError (NameNotAllowed).
 */
export function checkTableNameInNamespace(tableName: string, config: HooksConfig, owner: Owner): void {
  if (inNamespaceNames(tableName, config.namePrefix, owner.namespace, DYNAMODB_NAME_SCHEME)) return;
  if (allowedByAdmin(config.allowedAwsNames, owner.namespace, tableName)) return;
  const own = namespaceNamePrefix(config.namePrefix, owner.namespace, DYNAMODB_NAME_SCHEME);
  throw new TerminalError(
    'NameNotAllowed',
    `spec.tableName: "${tableName}" is outside this namespace's names (names starting with "${own}"); choose such a name, or ask the administrator to allow it (ALLOWED_AWS_NAMES)`,
  );
}

/** The AWS name a Table spec asks for, validated against DynamoDB's rules and the namespace rule. */
export function tableNameFor(spec: Pick<TableSpec, 'tableName'>, config: HooksConfig, owner: Owner): string {
  if (spec.tableName === undefined) return defaultTableName(config.namePrefix, owner.namespace, owner.name);
  const name = spec.tableName;
  if (!/^[a-zA-Z0-9_.-]{3,255}$/.test(name)) throw new InvalidSpecError('spec.tableName: 3-255 characters of a-z, A-Z, 0-9, _, . and -');
  checkTableNameInNamespace(name, config, owner);
  return name;
}

/**
 * The region: the spec's, else where the table was created (status.region), else the service's
 * AWS_REGION. A spec region that differs from where the table already is would silently create
 * a second table and orphan the first: refused.
 */
export function regionFor(spec: Pick<TableSpec, 'region'>, previous: TableStatus | undefined, config: HooksConfig): string {
  const existing = previous?.tableArn ? previous.region : undefined;
  if (spec.region !== undefined && existing !== undefined && spec.region !== existing) {
    throw new InvalidSpecError(`spec.region: the table was created in ${existing}; the region of a table cannot change`);
  }
  return spec.region ?? existing ?? config.defaultRegion;
}

/**
 * DynamoDB's tag rules: the shared ones (hooks/shared/tags.ts) are exactly DynamoDB's character
 * set, lengths and reserved prefixes (`aws:`, `awshooks.dev/`), so nothing is added here.
 */
export function validateTableTags(tags: Record<string, string> | undefined): Record<string, string> {
  return validateUserTags(tags);
}

/** Record a key attribute's type, refusing an attribute declared with two types. */
function declare(attributes: Record<string, AttributeType>, attr: KeyAttribute, field: string): void {
  const known = attributes[attr.name];
  if (known !== undefined && known !== attr.type) {
    throw new InvalidSpecError(`${field}: attribute "${attr.name}" is declared as ${attr.type} here and as ${known} elsewhere; a key attribute has one type`);
  }
  attributes[attr.name] = attr.type;
}

function throughputOf(read: number | undefined, write: number | undefined, billingMode: TableSpec['billingMode'], field: string): Throughput | undefined {
  if (billingMode === 'PAY_PER_REQUEST') {
    if (read !== undefined || write !== undefined) {
      throw new InvalidSpecError(`${field}: readCapacityUnits and writeCapacityUnits are refused with billingMode PAY_PER_REQUEST`);
    }
    return undefined;
  }
  if (read === undefined || write === undefined) {
    throw new InvalidSpecError(`${field}: readCapacityUnits and writeCapacityUnits are required with billingMode PROVISIONED`);
  }
  return { read, write };
}

function desiredIndex(
  spec: GlobalSecondaryIndexSpec,
  i: number,
  billingMode: TableSpec['billingMode'],
  attributes: Record<string, AttributeType>,
): DesiredIndex {
  const field = `spec.globalSecondaryIndexes[${i}]`;
  declare(attributes, spec.hashAttribute, `${field}.hashAttribute`);
  if (spec.rangeAttribute) {
    if (spec.rangeAttribute.name === spec.hashAttribute.name) throw new InvalidSpecError(`${field}.rangeAttribute: must differ from the hash attribute`);
    declare(attributes, spec.rangeAttribute, `${field}.rangeAttribute`);
  }
  const projection = spec.projection ?? { type: 'ALL' as const };
  if ((projection.type === 'INCLUDE') !== (projection.nonKeyAttributes !== undefined)) {
    throw new InvalidSpecError(`${field}.projection.nonKeyAttributes: required with type INCLUDE and refused otherwise`);
  }
  const nonKey = projection.nonKeyAttributes;
  if (nonKey && new Set(nonKey).size !== nonKey.length) throw new InvalidSpecError(`${field}.projection.nonKeyAttributes: names must be unique`);
  const throughput = throughputOf(spec.readCapacityUnits, spec.writeCapacityUnits, billingMode, field);
  return {
    name: spec.name,
    hash: { ...spec.hashAttribute },
    ...(spec.rangeAttribute ? { range: { ...spec.rangeAttribute } } : {}),
    // Sorted: DynamoDB does not promise to keep the order, and the order has no meaning.
    projection: { type: projection.type, ...(nonKey ? { nonKeyAttributes: [...nonKey].sort() } : {}) },
    ...(throughput ? { throughput } : {}),
  };
}

/** Pure: the desired table. Throws InvalidSpecError (no AWS call is made then). */
export function desiredTable(input: DesiredInput<TableSpec, TableStatus>): TableDesired {
  const { spec, config, owner } = input;
  const previous = input.parent.status && Object.keys(input.parent.status).length > 0 ? input.parent.status : undefined;
  const tableName = tableNameFor(spec, config, owner);
  if (!input.finalizing)
    checkChildNames(tableWouldBeChildren(input.parent.metadata.name), input.parent, input.children, input.related, 'rename this Table or the other object');
  const region = regionFor(spec, previous, config);

  const attributes: Record<string, AttributeType> = {};
  declare(attributes, spec.hashAttribute, 'spec.hashAttribute');
  if (spec.rangeAttribute) {
    if (spec.rangeAttribute.name === spec.hashAttribute.name) throw new InvalidSpecError('spec.rangeAttribute: must differ from the hash attribute');
    declare(attributes, spec.rangeAttribute, 'spec.rangeAttribute');
  }
  const throughput = throughputOf(spec.readCapacityUnits, spec.writeCapacityUnits, spec.billingMode, 'spec');

  const gsis = spec.globalSecondaryIndexes ?? [];
  if (gsis.length > GSI_MAX) throw new InvalidSpecError(`spec.globalSecondaryIndexes: at most ${GSI_MAX} per table`);
  const names = new Set<string>();
  for (const [i, g] of gsis.entries()) {
    if (names.has(g.name)) throw new InvalidSpecError(`spec.globalSecondaryIndexes[${i}].name: "${g.name}" is used twice`);
    names.add(g.name);
  }
  const indexes = gsis.map((g, i) => desiredIndex(g, i, spec.billingMode, attributes)).sort((a, b) => a.name.localeCompare(b.name));
  const projected = indexes.reduce((n, g) => n + (g.projection.nonKeyAttributes?.length ?? 0), 0);
  if (projected > NON_KEY_ATTRIBUTES_MAX) {
    throw new InvalidSpecError(
      `spec.globalSecondaryIndexes: ${projected} nonKeyAttributes in all; DynamoDB allows at most ${NON_KEY_ATTRIBUTES_MAX} over all indexes of a table`,
    );
  }

  const pitr = spec.pointInTimeRecovery;
  if (pitr && !pitr.enabled && pitr.recoveryPeriodInDays !== undefined) {
    throw new InvalidSpecError('spec.pointInTimeRecovery.recoveryPeriodInDays: needs enabled: true');
  }
  const stream = spec.stream;
  if (stream?.enabled && stream.viewType === undefined) throw new InvalidSpecError('spec.stream.viewType: required when the stream is enabled');
  const enc = spec.encryption;
  if (enc && (enc.keyType === 'CUSTOMER_MANAGED') !== (enc.kmsKeyId !== undefined)) {
    throw new InvalidSpecError('spec.encryption.kmsKeyId: required with keyType CUSTOMER_MANAGED and refused otherwise');
  }

  return {
    region,
    tableName,
    hash: { ...spec.hashAttribute },
    ...(spec.rangeAttribute ? { range: { ...spec.rangeAttribute } } : {}),
    attributes: Object.fromEntries(Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b))),
    billingMode: spec.billingMode,
    ...(throughput ? { throughput } : {}),
    indexes,
    ...(spec.timeToLive ? { timeToLive: { attributeName: spec.timeToLive.attributeName, enabled: spec.timeToLive.enabled } } : {}),
    ...(pitr
      ? {
          pointInTimeRecovery: {
            enabled: pitr.enabled,
            ...(pitr.recoveryPeriodInDays !== undefined ? { recoveryPeriodInDays: pitr.recoveryPeriodInDays } : {}),
          },
        }
      : {}),
    ...(stream ? { stream: { enabled: stream.enabled, ...(stream.enabled && stream.viewType ? { viewType: stream.viewType } : {}) } } : {}),
    ...(enc ? { encryption: { keyType: enc.keyType, ...(enc.kmsKeyId ? { kmsKeyId: enc.kmsKeyId } : {}) } } : {}),
    ...(spec.deletionProtection !== undefined ? { deletionProtection: spec.deletionProtection } : {}),
    ...(spec.tableClass !== undefined ? { tableClass: spec.tableClass } : {}),
    tags: validateTableTags(spec.tags),
    ownerTags: ownerTags(owner),
    adopt: spec.adopt,
    deletionPolicy: spec.deletionPolicy,
    finalizing: input.finalizing,
  };
}
