/**
 * In-database work: users, databases and grants, with the master credentials, through `pg`
 * (PostgreSQL) and `mysql2` (MySQL/MariaDB). Idempotent; never drops a database or a user.
 *
 * Every identifier is validated by desired() and quoted here; passwords go through the
 * driver's literal escaping (pg) or client-side placeholders (mysql2). Passwords never reach logs:
 * error messages are scrubbed before they leave this file.
 */
import pg from 'pg';
import mysql from 'mysql2/promise';
import { currentDeadline, remainingMs } from '../core/deadline.js';
import type { UserRole } from '../../schemas/dbinstance.js';
import { quoteMysqlGrantDatabase, quoteMysqlIdent, quotePgIdent } from './identifiers.js';

/** A user to create or update. */
export interface DbUser {
  name: string;
  roles: UserRole[];
  /** Undefined for an IAM user: it logs in with an IAM token, never a password. */
  password?: string;
  iamAuth?: boolean;
}

/** Everything one run of in-database work needs. */
export interface DbWork {
  engine: 'postgres' | 'mysql';
  host: string;
  port: number;
  masterUsername: string;
  masterPassword: string;
  /** Users to create or update (their Secrets exist). */
  users: DbUser[];
  /** Users removed from the spec: they lose the ability to log in. */
  lockUsers: string[];
  /** Databases and the users granted on them (only users that exist). */
  databases: { name: string; users: string[] }[];
  /** Users we manage: grants of these not listed for a database are revoked. */
  managedUsers: string[];
  connectTimeoutMs: number;
  /** TLS options for the driver (both take Node's tls options), or undefined for plain TCP. */
  tls?: { rejectUnauthorized: boolean; ca?: string; servername?: string };
}

/**
 * The drivers' TLS options for a DB_TLS mode. `servername` is the instance endpoint, so that
 * `verify-full` checks the certificate against the RDS name even through an endpoint mapping.
 */
export function tlsOptions(mode: 'disable' | 'require' | 'verify-full', endpoint: string, ca?: string): DbWork['tls'] {
  if (mode === 'disable') return undefined;
  if (mode === 'require') return { rejectUnauthorized: false };
  return { rejectUnauthorized: true, ...(ca ? { ca } : {}), servername: endpoint };
}

/** An in-database failure, with a condition reason and a message free of passwords. */
export class DatabaseError extends Error {
  override readonly name = 'DatabaseError';
  constructor(
    readonly reason: 'AuthenticationFailed' | 'ConnectionFailed' | 'SQLError',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Where to connect for an instance endpoint: RDS_ENDPOINT_MAP's entry for the host, else its
 * `*` entry, else the endpoint itself. NOTE: the emulator's endpoints do not resolve.
 */
export function resolveTarget(endpoint: string, port: number, map: Record<string, string>): { host: string; port: number } {
  const mapped = map[endpoint] ?? map[`${endpoint}:${port}`] ?? map['*'];
  if (!mapped) return { host: endpoint, port };
  const i = mapped.lastIndexOf(':');
  if (i <= 0) return { host: mapped, port };
  const p = Number(mapped.slice(i + 1));
  return { host: mapped.slice(0, i), port: Number.isInteger(p) && p > 0 ? p : port };
}

/** Remove every password of the work from a message. */
function scrub(message: string, work: DbWork): string {
  let out = message;
  for (const secret of [work.masterPassword, ...work.users.map((u) => u.password ?? '')]) {
    if (secret) out = out.split(secret).join('***');
  }
  return out.replace(/\s+/g, ' ').trim().slice(0, 300);
}

/** Classify a driver error into a condition reason. */
export function classifyDbError(err: unknown, work: DbWork): DatabaseError {
  // Anything may be thrown, null included.
  const e = (err ?? {}) as { code?: string | number; errno?: number; message?: string };
  const message = scrub(e.message ?? String(err), work);
  const code = String(e.code ?? '');
  if (code === '28P01' || code === '28000' || code === 'ER_ACCESS_DENIED_ERROR' || e.errno === 1045) return new DatabaseError('AuthenticationFailed', message);
  if (/^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|PROTOCOL_CONNECTION_LOST)$/.test(code) || /timeout|terminated/i.test(message)) {
    return new DatabaseError('ConnectionFailed', message);
  }
  return new DatabaseError('SQLError', code ? `${code}: ${message}` : message);
}

/** Run the work for the instance's engine. @throws DatabaseError */
export async function runDatabaseWork(work: DbWork): Promise<void> {
  try {
    if (work.engine === 'postgres') await postgresWork(work);
    else await mysqlWork(work);
  } catch (err) {
    if (err instanceof DatabaseError) throw err;
    throw classifyDbError(err, work);
  }
}

// ---------------------------------------------------------------- the hook deadline

/** A timeout no longer than the time left before the hook call's deadline (deadline.ts). */
function withinDeadline(ms: number): number {
  const left = remainingMs();
  return left === undefined ? ms : Math.max(1, Math.min(ms, left));
}

/**
 * Close a connection when the hook call's deadline runs out: whatever it is doing fails at once
 * instead of outliving the answer. Returns the function that stops watching.
 */
function closeOnDeadline(close: () => void): () => void {
  const deadline = currentDeadline();
  if (!deadline) return () => undefined;
  if (deadline.signal.aborted) {
    close();
    return () => undefined;
  }
  deadline.signal.addEventListener('abort', close, { once: true });
  return () => {
    deadline.signal.removeEventListener('abort', close);
  };
}

// ---------------------------------------------------------------- PostgreSQL

async function pgConnect(work: DbWork, database: string): Promise<pg.Client> {
  const client = new pg.Client({
    host: work.host,
    port: work.port,
    user: work.masterUsername,
    password: work.masterPassword,
    database,
    connectionTimeoutMillis: withinDeadline(work.connectTimeoutMs),
    query_timeout: withinDeadline(work.connectTimeoutMs * 2),
    // NOTE: RDS for PostgreSQL 15+ refuses unencrypted connections by default (rds.force_ssl).
    ...(work.tls ? { ssl: work.tls } : {}),
    application_name: 'awshooks',
  });
  // A connection dropped later emits 'error' on the client; without a listener it would crash the process.
  client.on('error', () => undefined);
  const unwatch = closeOnDeadline(() => void client.end().catch(() => undefined));
  client.on('end', unwatch);
  await client.connect();
  return client;
}

async function pgRoleExists(client: pg.Client, name: string): Promise<boolean> {
  return ((await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name])).rowCount ?? 0) > 0;
}

/**
 * The role attributes of a user. NOTE: RDS has no real SUPERUSER: `superuser` maps to membership
 * of `rds_superuser` (when that role exists, i.e. on RDS) plus CREATEROLE and CREATEDB; plain
 * PostgreSQL (tests, self-hosted) gets CREATEROLE and CREATEDB only. SUPERUSER is never granted.
 */
export function pgRoleAttributes(roles: readonly UserRole[]): string[] {
  const superuser = roles.includes('superuser');
  return ['LOGIN', superuser || roles.includes('createdb') ? 'CREATEDB' : 'NOCREATEDB', superuser ? 'CREATEROLE' : 'NOCREATEROLE'];
}

async function postgresWork(work: DbWork): Promise<void> {
  const client = await pgConnect(work, 'postgres');
  const existing = new Set<string>();
  try {
    const hasRdsSuperuser = await pgRoleExists(client, 'rds_superuser');
    for (const user of work.users) {
      const exists = await pgRoleExists(client, user.name);
      const verb = exists ? 'ALTER' : 'CREATE';
      // An IAM user has no password (PASSWORD NULL: a former one stops working) and rds_iam.
      const password = user.password !== undefined && !user.iamAuth ? client.escapeLiteral(user.password) : 'NULL';
      await client.query(`${verb} ROLE ${quotePgIdent(user.name)} WITH ${pgRoleAttributes(user.roles).join(' ')} PASSWORD ${password}`);
      if (user.iamAuth) {
        // NOTE: rds_iam exists on every RDS PostgreSQL instance; elsewhere IAM authentication cannot work.
        if (!(await pgRoleExists(client, 'rds_iam')))
          throw new DatabaseError('SQLError', `user ${user.name}: role rds_iam does not exist (IAM database authentication needs RDS)`);
        await client.query(`GRANT rds_iam TO ${quotePgIdent(user.name)}`);
      } else if (exists && (await pgRoleExists(client, 'rds_iam'))) {
        await client.query(`REVOKE rds_iam FROM ${quotePgIdent(user.name)}`);
      }
      if (hasRdsSuperuser) {
        if (user.roles.includes('superuser')) await client.query(`GRANT rds_superuser TO ${quotePgIdent(user.name)}`);
        else if (exists) await client.query(`REVOKE rds_superuser FROM ${quotePgIdent(user.name)}`);
      }
      existing.add(user.name);
    }
    for (const name of work.lockUsers) {
      if (!(await pgRoleExists(client, name))) continue;
      await client.query(`ALTER ROLE ${quotePgIdent(name)} WITH NOLOGIN`);
      // Sessions already open would survive NOLOGIN: end them.
      await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [name]);
      existing.add(name);
    }
    for (const u of work.managedUsers) if (!existing.has(u) && (await pgRoleExists(client, u))) existing.add(u);

    for (const db of work.databases) {
      const exists = ((await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [db.name])).rowCount ?? 0) > 0;
      // Owned by the master user (the connected user); never dropped.
      if (!exists) await client.query(`CREATE DATABASE ${quotePgIdent(db.name)}`);
      const qdb = quotePgIdent(db.name);
      // PostgreSQL lets every role connect to every database by default: only granted users may.
      await client.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${qdb} FROM PUBLIC`);
      for (const u of db.users) if (existing.has(u)) await client.query(`GRANT ALL PRIVILEGES ON DATABASE ${qdb} TO ${quotePgIdent(u)}`);
      const revoke = work.managedUsers.filter((u) => existing.has(u) && !db.users.includes(u));
      for (const u of revoke) await client.query(`REVOKE ALL PRIVILEGES ON DATABASE ${qdb} FROM ${quotePgIdent(u)}`);
      // NOTE: since PostgreSQL 15 only the database owner may create in schema public.
      const inner = await pgConnect(work, db.name);
      try {
        for (const u of db.users) if (existing.has(u)) await inner.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${quotePgIdent(u)}`);
        for (const u of revoke) await inner.query(`REVOKE CREATE ON SCHEMA public FROM ${quotePgIdent(u)}`);
      } finally {
        await inner.end().catch(() => undefined);
      }
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

// ---------------------------------------------------------------- MySQL / MariaDB

/**
 * Global privileges of `superuser` on MySQL: what the RDS master user itself holds (RDS refuses
 * SUPER and ALL PRIVILEGES ON *.*), with GRANT OPTION.
 */
export const MYSQL_SUPERUSER_PRIVILEGES = [
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'CREATE',
  'DROP',
  'RELOAD',
  'PROCESS',
  'REFERENCES',
  'INDEX',
  'ALTER',
  'SHOW DATABASES',
  'CREATE TEMPORARY TABLES',
  'LOCK TABLES',
  'EXECUTE',
  'REPLICATION SLAVE',
  'REPLICATION CLIENT',
  'CREATE VIEW',
  'SHOW VIEW',
  'CREATE ROUTINE',
  'ALTER ROUTINE',
  'CREATE USER',
  'EVENT',
  'TRIGGER',
];

/** `user`@`%`: every user we manage may connect from any host (the VPC's security groups decide). */
export function mysqlAccount(name: string): string {
  return `${quoteMysqlIdent(name)}@'%'`;
}

/** MySQL error numbers meaning "there was no such grant": fine when revoking. */
const NO_SUCH_GRANT = new Set([1141, 1147, 1403]);

async function mysqlWork(work: DbWork): Promise<void> {
  const conn = await mysql.createConnection({
    host: work.host,
    port: work.port,
    user: work.masterUsername,
    password: work.masterPassword,
    connectTimeout: withinDeadline(work.connectTimeoutMs),
    multipleStatements: false,
    ...(work.tls ? { ssl: work.tls } : {}),
  });
  conn.on('error', () => undefined);
  const unwatch = closeOnDeadline(() => {
    conn.destroy();
  });
  const revoke = async (sql: string) => {
    try {
      await conn.query(sql);
    } catch (err) {
      if (!NO_SUCH_GRANT.has((err as { errno?: number }).errno ?? 0)) throw err;
    }
  };
  try {
    for (const user of work.users) {
      const account = mysqlAccount(user.name);
      // Placeholders are escaped by mysql2 on the client (CREATE USER cannot be a server-side prepared statement everywhere).
      if (user.iamAuth || user.password === undefined) {
        // NOTE: RDS for MySQL and MariaDB ship the AWSAuthenticationPlugin; other servers do not
        // (ER_PLUGIN_IS_NOT_LOADED, ER_UNKNOWN_ERROR…): said plainly rather than as a bare SQL error.
        try {
          await conn.query(`CREATE USER IF NOT EXISTS ${account} IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'`);
          await conn.query(`ALTER USER ${account} IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' ACCOUNT UNLOCK`);
        } catch (err) {
          const e = err as { code?: string; message?: string };
          throw new DatabaseError(
            'SQLError',
            `user ${user.name}: the server refused AWSAuthenticationPlugin (IAM database authentication needs RDS): ${e.code ?? ''} ${e.message ?? ''}`.trim(),
          );
        }
      } else {
        await conn.query(`CREATE USER IF NOT EXISTS ${account} IDENTIFIED BY ?`, [user.password]);
        await conn.query(`ALTER USER ${account} IDENTIFIED BY ? ACCOUNT UNLOCK`, [user.password]);
      }
      if (user.roles.includes('superuser')) {
        await conn.query(`GRANT ${MYSQL_SUPERUSER_PRIVILEGES.join(', ')} ON *.* TO ${account} WITH GRANT OPTION`);
      } else {
        await revoke(`REVOKE ALL PRIVILEGES ON *.* FROM ${account}`);
        await revoke(`REVOKE GRANT OPTION ON *.* FROM ${account}`);
        // NOTE: MySQL has no "create databases only" privilege: createdb is global CREATE.
        if (user.roles.includes('createdb')) await conn.query(`GRANT CREATE ON *.* TO ${account}`);
      }
    }
    for (const name of work.lockUsers) {
      await conn.query(`ALTER USER IF EXISTS ${mysqlAccount(name)} ACCOUNT LOCK`);
    }
    const [rows] = await conn.query('SELECT User AS user FROM mysql.user WHERE Host = ?', ['%']);
    const existing = new Set((rows as { user: string }[]).map((r) => r.user));
    for (const db of work.databases) {
      await conn.query(`CREATE DATABASE IF NOT EXISTS ${quoteMysqlIdent(db.name)}`);
      const on = `${quoteMysqlGrantDatabase(db.name)}.*`;
      for (const u of db.users) if (existing.has(u)) await conn.query(`GRANT ALL PRIVILEGES ON ${on} TO ${mysqlAccount(u)}`);
      for (const u of work.managedUsers) {
        if (existing.has(u) && !db.users.includes(u)) await revoke(`REVOKE ALL PRIVILEGES ON ${on} FROM ${mysqlAccount(u)}`);
      }
    }
  } finally {
    unwatch();
    await conn.end().catch(() => undefined);
  }
}
