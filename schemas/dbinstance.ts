/** The `DBInstance` kind (rds.awshooks.dev/v1alpha1): spec and status schemas. */
import { Type, type Static } from '@sinclair/typebox';
import { Adopt, KindStatusSchema, ManagedTagKeys, StringEnum, StringMap, Tags, immutableFields } from './common.js';

/** SQL identifiers we accept for users and databases (checked again, with reserved names, in the hook). */
export const SQL_USER_PATTERN = '^[a-z][a-z0-9_]{0,31}$';
export const SQL_DATABASE_PATTERN = '^[a-z][a-z0-9_]{0,62}$';

/** The engines a DBInstance may run. */
export const ENGINES = ['postgres', 'mysql', 'mariadb'] as const;
export type Engine = (typeof ENGINES)[number];

/** Roles a user may get (mapped per engine to what RDS allows; see the README, DBInstance). */
export const USER_ROLES = ['superuser', 'createdb', 'iamAuth'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** Backups: automated retention plus awshooks' own manual snapshots. */
export const BackupSchema = Type.Object(
  {
    retentionDays: Type.Integer({
      minimum: 0,
      maximum: 35,
      default: 7,
      description: 'Automated backup retention in days (0 turns automated backups off). Also how long awshooks keeps its own manual snapshots.',
    }),
    every: Type.Optional(
      Type.String({
        pattern: '^([1-9][0-9]{0,4}(m|h|d)|off)$',
        description:
          'Take a manual snapshot at this interval ("30m", "24h", "7d"; at least 30m), or "off". Default: 24h while retentionDays is at least 1, else off. awshooks keeps its own snapshots retentionDays days and deletes only those.',
      }),
    ),
  },
  { additionalProperties: false, default: {}, description: 'Backup settings.' },
);

/** A point-in-time restore source: another DBInstance of the same namespace. */
export const PointInTimeSchema = Type.Object(
  {
    dbInstance: Type.String({
      minLength: 1,
      maxLength: 253,
      pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$',
      description: 'Name of a DBInstance of this namespace whose instance (derived identifier, our owner tags) is restored.',
    }),
    time: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'The point in time (RFC 3339, UTC). Default: the latest restorable time.',
      }),
    ),
  },
  { additionalProperties: false, description: 'Restore another DBInstance of this namespace as it was at a point in time.' },
);

/**
 * Where a new instance's data comes from. Only read when the instance is created; passwords in
 * the source are never needed: the master password and every user's password are reset to the
 * ones of this DBInstance's Secrets.
 */
export const RestoreFromSchema = Type.Object(
  {
    snapshotIdentifier: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 255,
        pattern: '^[a-z][a-z0-9-]*$',
        description:
          "A DB snapshot: this namespace's own final snapshot (<identifier>-final-<uid>), any snapshot with this namespace's owner tags, or one an administrator allowed (RDS_RESTORE_ALLOWED_SNAPSHOTS).",
      }),
    ),
    pointInTime: Type.Optional(PointInTimeSchema),
  },
  {
    additionalProperties: false,
    description: 'Create the instance from a snapshot or a point in time instead of empty. Only read at creation; immutable.',
    'x-kubernetes-validations': [
      { rule: 'has(self.snapshotIdentifier) != has(self.pointInTime)', message: 'restoreFrom: set exactly one of snapshotIdentifier and pointInTime' },
    ],
  },
);

/** DBInstance spec. */
export const DBInstanceSpecSchema = Type.Object(
  {
    region: Type.Optional(
      Type.String({
        pattern: '^[a-z]{2}(-[a-z]+)+-\\d$',
        description: "AWS region of the instance. Default: the service's default region. Immutable.",
      }),
    ),
    instanceIdentifier: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 63,
        pattern: '^[a-z][a-z0-9-]*$',
        description:
          'RDS DB instance identifier. Default: <prefix>-<namespace>-<name> (cut to 63 characters with a hash suffix). Must start with the service prefix. Immutable.',
      }),
    ),
    engine: StringEnum(ENGINES, { default: 'postgres', description: 'Database engine: postgres, mysql or mariadb. Immutable.' }),
    engineVersion: Type.Optional(
      Type.String({
        pattern: '^[0-9]+(\\.[0-9]+){0,2}$',
        description:
          'Engine version; a major version ("16", "8.0", "10.11") lets RDS pick the minor. Default: 16 for postgres, 8.0 for mysql, 10.11 for mariadb. A major upgrade needs allowMajorVersionUpgrade; downgrades are refused.',
      }),
    ),
    allowMajorVersionUpgrade: Type.Boolean({ default: false, description: 'Allow engineVersion to move to a new major version.' }),
    instanceClass: Type.String({ default: 'db.t3.micro', pattern: '^db\\.[a-z0-9-]+\\.[a-z0-9]+$', description: 'DB instance class.' }),
    storageGB: Type.Integer({
      minimum: 5,
      maximum: 65536,
      default: 10,
      description: 'Allocated storage in GiB. It can only grow.',
      'x-kubernetes-validations': [{ rule: 'self >= oldSelf', message: 'storageGB can only grow: RDS cannot shrink allocated storage' }],
    }),
    maxAllocatedStorage: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 65536,
        description: 'Storage autoscaling: the most RDS may grow storage to, in GiB (above storageGB); 0 turns autoscaling off. Unset: left as it is.',
      }),
    ),
    preferredBackupWindow: Type.Optional(
      Type.String({
        pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$',
        description: 'Daily automated backup window, UTC, hh:mm-hh:mm (at least 30 minutes). Unset: left to RDS.',
      }),
    ),
    preferredMaintenanceWindow: Type.Optional(
      Type.String({
        pattern: '^(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]$',
        description: 'Weekly maintenance window, UTC, ddd:hh:mm-ddd:hh:mm (at least 30 minutes). Unset: left to RDS.',
      }),
    ),
    enableCloudwatchLogsExports: Type.Optional(
      Type.Array(StringEnum(['postgresql', 'upgrade', 'audit', 'error', 'general', 'slowquery', 'iam-db-auth-error'] as const), {
        maxItems: 7,
        description:
          'Logs exported to CloudWatch Logs (postgres: postgresql, upgrade; mysql/mariadb: audit, error, general, slowquery; iam-db-auth-error). Unset: left as they are.',
      }),
    ),
    performanceInsights: Type.Optional(
      Type.Object(
        {
          enabled: Type.Boolean({ description: 'Performance Insights on or off.' }),
          retentionDays: Type.Optional(
            Type.Integer({ minimum: 7, maximum: 731, description: 'Retention of Performance Insights data: 7, 31 × months, or 731 days.' }),
          ),
        },
        { additionalProperties: false, description: 'Performance Insights. Unset: left as it is.' },
      ),
    ),
    caCertificateIdentifier: Type.Optional(
      Type.String({ pattern: '^[a-z0-9-]{1,64}$', description: 'The CA of the instance’s server certificate (rds-ca-rsa2048-g1, …). Unset: left to RDS.' }),
    ),
    storageType: Type.Optional(StringEnum(['gp2', 'gp3', 'io1', 'io2', 'standard'] as const, { description: 'Storage type. Default: left to RDS.' })),
    multiAZ: Type.Boolean({ default: false, description: 'Run a standby in another availability zone.' }),
    storageEncrypted: Type.Boolean({ default: true, description: 'Encrypt storage at rest. Immutable.' }),
    kmsKeyId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 2048, description: 'KMS key for storage encryption. Default: the RDS AWS-managed key. Immutable.' }),
    ),
    subnetGroupName: Type.Optional(
      Type.String({ minLength: 1, maxLength: 255, description: 'DB subnet group. Default: RDS_DEFAULT_SUBNET_GROUP. Immutable.' }),
    ),
    securityGroupIds: Type.Optional(
      Type.Array(Type.String({ pattern: '^sg-[0-9a-f]{8,17}$' }), {
        maxItems: 5,
        description: 'VPC security groups. Default: RDS_DEFAULT_SECURITY_GROUP_IDS.',
      }),
    ),
    publiclyAccessible: Type.Boolean({ default: false, description: 'Give the instance a public address.' }),
    masterUsername: Type.String({
      default: 'sysadmin',
      pattern: '^[a-z][a-z0-9_]{0,15}$',
      description: 'The master user. Immutable.',
    }),
    users: Type.Optional(
      StringMap(
        Type.Array(StringEnum(USER_ROLES), {
          maxItems: 3,
          description: 'Roles of the user: superuser, createdb; iamAuth: log in with an IAM token (rds_iam / AWSAuthenticationPlugin), no password Secret.',
        }),
        {
          maxProperties: 50,
          description:
            'In-database users: name → roles. Each gets a Secret <name>-user-<user> (an iamAuth user a ConfigMap of that name instead, with no password). A user removed from this map loses the ability to log in; it is not dropped.',
          'x-kubernetes-validations': [
            {
              rule: `self.all(k, k.matches('${SQL_USER_PATTERN}'))`,
              message: 'user names: a lower-case letter, then up to 31 lower-case letters, digits or _',
            },
          ],
        },
      ),
    ),
    databases: Type.Optional(
      StringMap(Type.Array(Type.String({ pattern: SQL_USER_PATTERN }), { maxItems: 50, description: 'Users granted all privileges on the database.' }), {
        maxProperties: 50,
        description: 'Databases to create: name → users granted on it. A database removed from this map is never dropped.',
        'x-kubernetes-validations': [
          {
            rule: `self.all(k, k.matches('${SQL_DATABASE_PATTERN}'))`,
            message: 'database names: a lower-case letter, then up to 62 lower-case letters, digits or _',
          },
        ],
      }),
    ),
    backup: BackupSchema,
    deletionPolicy: StringEnum(['Snapshot', 'Delete', 'Retain'] as const, {
      default: 'Snapshot',
      description: 'When this object is deleted: Snapshot deletes the instance after a final snapshot, Delete deletes it without one, Retain leaves it.',
    }),
    deletionProtection: Type.Boolean({
      default: false,
      description: 'RDS deletion protection. Set it to false before deleting the object (unless deletionPolicy is Retain).',
    }),
    applyImmediately: Type.Boolean({ default: false, description: 'Apply modifications now instead of in the next maintenance window.' }),
    tags: Type.Optional(Tags),
    adopt: Adopt,
    restoreFrom: Type.Optional(RestoreFromSchema),
  },
  { additionalProperties: false, description: 'The desired RDS DB instance, with its in-database users and databases.' },
);
export type DBInstanceSpec = Static<typeof DBInstanceSpecSchema>;

/** CEL rules on the whole DBInstance spec: what RDS cannot change, or awshooks must not (the identifier). */
export const DBINSTANCE_SPEC_VALIDATIONS = immutableFields({
  region: 'region is immutable',
  instanceIdentifier: 'instanceIdentifier is immutable: it cannot be set, changed or removed after creation',
  engine: 'engine is immutable',
  storageEncrypted: 'storageEncrypted is immutable',
  kmsKeyId: 'kmsKeyId is immutable: it cannot be set, changed or removed after creation',
  subnetGroupName: 'subnetGroupName is immutable: it cannot be set, changed or removed after creation',
  masterUsername: 'masterUsername is immutable',
  restoreFrom: 'restoreFrom only applies at creation: it cannot be set, changed or removed afterwards',
});

/** DBInstance status. */
export const DBInstanceStatusSchema = KindStatusSchema({
  dbInstanceIdentifier: Type.Optional(Type.String({ description: 'The RDS DB instance identifier.' })),
  dbInstanceArn: Type.Optional(Type.String()),
  region: Type.Optional(Type.String()),
  dbInstanceStatus: Type.Optional(Type.String({ description: 'The status RDS reports (available, creating, modifying, ...).' })),
  endpoint: Type.Optional(Type.String({ description: 'The instance endpoint host.' })),
  port: Type.Optional(Type.Integer()),
  engine: Type.Optional(Type.String()),
  engineVersion: Type.Optional(Type.String()),
  instanceClass: Type.Optional(Type.String()),
  storageGB: Type.Optional(Type.Integer({ description: 'Allocated storage RDS reports.' })),
  pendingModifications: Type.Optional(
    Type.Array(Type.String(), { description: 'Fields with a modification pending (applied in the maintenance window unless applyImmediately).' }),
  ),
  masterPasswordHash: Type.Optional(Type.String({ description: 'Salted hash of the master password last applied (never the password).' })),
  userPasswordHashes: Type.Optional(StringMap(Type.String(), { description: 'Salted hash of each user password last applied.' })),
  managedUsers: Type.Optional(Type.Array(Type.String(), { description: 'Users awshooks created (removed ones stay here, locked).' })),
  lockedUsers: Type.Optional(Type.Array(Type.String(), { description: 'Users removed from the spec that can no longer log in.' })),
  managedDatabases: Type.Optional(Type.Array(Type.String(), { description: 'Databases awshooks created or granted on.' })),
  dbWorkHash: Type.Optional(Type.String({ description: 'Hash of the in-database work last done.' })),
  managedTagKeys: ManagedTagKeys,
  lastSnapshotIdentifier: Type.Optional(Type.String({ description: 'The newest manual snapshot awshooks took (backup.every).' })),
  lastSnapshotTime: Type.Optional(Type.String({ description: 'When it was taken.' })),
  finalSnapshotIdentifier: Type.Optional(Type.String({ description: 'The final snapshot taken at deletion (deletionPolicy: Snapshot).' })),
  recentEvents: Type.Optional(
    Type.Array(Type.String({ maxLength: 200 }), {
      maxItems: 5,
      description: 'While the instance is not available: its last RDS events ("<time> <message>", oldest first), read at each visit to AWS.',
    }),
  ),
  restoredFrom: Type.Optional(
    Type.String({
      description: 'What the instance was restored from at creation: snapshot/<identifier> or pointInTime/<DB instance identifier>@<time|latest>.',
    }),
  ),
});
export type DBInstanceStatus = Static<typeof DBInstanceStatusSchema>;
