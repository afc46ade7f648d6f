/**
 * Pure: names. The RDS instance identifier, snapshot identifiers, child names, and SQL
 * identifier validation and quoting. Every SQL identifier is validated strictly AND quoted:
 * validation gives the user a clear message, quoting is the safety net.
 */
import { shortHash } from '../core/hash.js';
import { OWNER_TAGS } from '../core/ownership.js';
import type { DBInstanceObserved } from './delta.js';
import type { DBInstanceDesired } from './desired.js';
import type { Engine } from '../../schemas/dbinstance.js';
import { deriveName, namespaceNamePrefix } from '../core/naming.js';
import { RDS_IDENTIFIER_MAX, RDS_NAME_SCHEME, sanitizeRdsIdentifier } from '../shared/rds-names.js';

export { RDS_IDENTIFIER_MAX, RDS_NAME_SCHEME, defaultInstanceIdentifier, rdsIdentifierProblem, sanitizeRdsIdentifier } from '../shared/rds-names.js';

/** Where a namespace's instance identifiers start, or undefined when no custom identifier fits in 63 characters. */
export function instanceIdentifierPrefix(prefix: string, namespace: string): string | undefined {
  const head = namespaceNamePrefix(prefix, namespace, RDS_NAME_SCHEME);
  return head.length < RDS_IDENTIFIER_MAX ? head : undefined;
}

/** The identifier the pre-token scheme derived (`<prefix>-<namespace>-<name>`, ambiguous); kept for migration. */
export function legacyInstanceIdentifier(prefix: string, namespace: string, name: string): string {
  // Sanitize the parts first so that the hash suffix (added by deriveName) survives intact.
  const parts = [prefix, namespace, name].map((p) =>
    p
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
      .replace(/-{2,}/g, '-')
      .replace(/^-+|-+$/g, ''),
  );
  return sanitizeRdsIdentifier(deriveName(parts, { maxLength: RDS_IDENTIFIER_MAX, invalidChars: /[^a-z0-9-]/g }));
}

/** The final snapshot of a deleted instance: <identifier>-final-<first 8 characters of the uid>. */
export function finalSnapshotIdentifier(identifier: string, uid: string): string {
  const short =
    uid
      .replace(/[^a-z0-9]/gi, '')
      .toLowerCase()
      .slice(0, 8) || shortHash(identifier, 8);
  return sanitizeRdsIdentifier(`${identifier}-final-${short}`, 255);
}

/**
 * The identifier of the observed instance: the desired one, or the legacy one an instance created
 * before the namespace token keeps (readOne found it under that name, owner tags checked).
 */
export function instanceIdOf(desired: DBInstanceDesired, observed: DBInstanceObserved): string {
  return observed.instance.DBInstanceIdentifier ?? desired.identifier;
}

/** The final snapshot identifier of the observed instance (derived from its own identifier). */
export function finalSnapshotIdOf(desired: DBInstanceDesired, observed: DBInstanceObserved): string {
  const id = instanceIdOf(desired, observed);
  return id === desired.identifier ? desired.finalSnapshotIdentifier : finalSnapshotIdentifier(id, desired.ownerTags[OWNER_TAGS.uid] ?? '');
}

/** The prefix of awshooks' own manual snapshots of an instance. */
export function manualSnapshotPrefix(identifier: string): string {
  return `${identifier}-awshooks-`;
}

/** A manual snapshot identifier: <identifier>-awshooks-<UTC yyyymmddhhmm>. */
export function manualSnapshotIdentifier(identifier: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:T]/g, '').slice(0, 12);
  return `${manualSnapshotPrefix(identifier)}${stamp}`;
}

/** Name of the master Secret child. */
export function masterSecretName(parentName: string): string {
  return `${parentName}-master`;
}

/**
 * Why a user name would make an ambiguous Secret name, or undefined. `<name>-master` and
 * `<name>-user-<user>` (`_` → `-`) of two DBInstances can only coincide through a user named
 * `master`, `…_master`, `user_…` or `…_user_…` (DBInstance `shop` user `app_master` and DBInstance
 * `shop-user-app` both want `shop-user-app-master`); refusing those makes every DBInstance's
 * Secret names distinct from every other's in the namespace.
 */
export function userSecretNameProblem(user: string): string | undefined {
  if (/^master$|_master$|^user_|_user_/.test(user)) {
    return 'would give a Secret name another DBInstance could also have (user names may not be "master", end in "_master", start with "user_" or contain "_user_")';
  }
  return undefined;
}

/** Name of a user's Secret child (`_` is not allowed in Kubernetes names; user names have no `-`). */
export function userSecretName(parentName: string, user: string): string {
  return `${parentName}-user-${user.replace(/_/g, '-')}`;
}

// ---------------------------------------------------------------- engines

/** The SQL dialect and driver of an engine: MariaDB speaks MySQL's protocol and SQL. */
export function engineFamily(engine: Engine): 'postgres' | 'mysql' {
  return engine === 'postgres' ? 'postgres' : 'mysql';
}

/**
 * Whether an RDS engine name (`postgres`, `mysql`, `mariadb`, `aurora-postgresql`…) is what the spec
 * asks for. `mysql` also accepts `mariadb` (instances created before `mariadb` was an engine of its own).
 */
export function engineMatches(desired: Engine, observed: string): boolean {
  if (desired === 'postgres') return observed.startsWith('postgres');
  if (desired === 'mariadb') return observed === 'mariadb';
  return observed.startsWith('mysql') || observed === 'mariadb';
}

// ---------------------------------------------------------------- SQL identifiers

/** Names an engine reserves, or that would collide with RDS's own roles and databases. */
const RESERVED_USERS: Record<'postgres' | 'mysql', RegExp> = {
  postgres: /^(postgres|public|none|current_user|session_user|rdsadmin|rdsrepladmin|rdstopmgr|pg_.*|rds_.*)$/,
  mysql: /^(root|rdsadmin|rdsrepladmin|mysql.*|mariadb.*|public|none)$/,
};
const RESERVED_DATABASES: Record<'postgres' | 'mysql', RegExp> = {
  postgres: /^(postgres|template0|template1|rdsadmin|pg_.*)$/,
  mysql: /^(mysql|information_schema|performance_schema|sys|innodb|tmp|rdsadmin)$/,
};

/** The reason a user name is refused, or undefined when it is acceptable. */
export function sqlUserProblem(name: string, engine: 'postgres' | 'mysql', masterUsername?: string): string | undefined {
  if (!/^[a-z][a-z0-9_]{0,31}$/.test(name)) return 'must be a lower-case letter followed by up to 31 lower-case letters, digits or _';
  if (RESERVED_USERS[engine].test(name)) return `is reserved by ${engine} or RDS`;
  if (masterUsername !== undefined && name === masterUsername) return 'is the master user';
  return undefined;
}

/** The reason a database name is refused, or undefined when it is acceptable. */
export function sqlDatabaseProblem(name: string, engine: 'postgres' | 'mysql'): string | undefined {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) return 'must be a lower-case letter followed by up to 62 lower-case letters, digits or _';
  if (RESERVED_DATABASES[engine].test(name)) return `is reserved by ${engine} or RDS`;
  return undefined;
}

/** Quote a PostgreSQL identifier: double quotes, inner double quotes doubled. NUL is refused. */
export function quotePgIdent(name: string): string {
  if (name.includes('\0')) throw new Error('SQL identifier contains NUL');
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quote a MySQL/MariaDB identifier: backticks, inner backticks doubled. NUL is refused. */
export function quoteMysqlIdent(name: string): string {
  if (name.includes('\0')) throw new Error('SQL identifier contains NUL');
  return `\`${name.replace(/`/g, '``')}\``;
}

/**
 * Quote a database name for a MySQL GRANT/REVOKE `ON db.*`: there `_` and `%` are wildcards,
 * so `my_db` would also match `myXdb`. NOTE: escape them with a backslash inside the backticks.
 */
export function quoteMysqlGrantDatabase(name: string): string {
  return quoteMysqlIdent(name.replace(/\\/g, '\\\\').replace(/([_%])/g, '\\$1'));
}
