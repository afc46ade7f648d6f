/** In-database connections use TLS (RDS for PostgreSQL 15+ refuses plain connections by default). */
import t from 'tap';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { runDatabaseWork, tlsOptions, type DbWork } from '../../hooks/dbinstance/database.js';
import { serviceEnv } from '../helpers/integration.js';

const PG_URL = serviceEnv('TEST_PG_URL');
const MYSQL_URL = serviceEnv('TEST_MYSQL_URL');
const ca = readFileSync(serviceEnv('TEST_DB_CA_FILE'), 'utf8');

function work(engine: 'postgres' | 'mysql', url: string, tls: DbWork['tls'], host = '127.0.0.1'): DbWork {
  const u = new URL(url);
  return {
    engine,
    host,
    port: Number(u.port),
    masterUsername: decodeURIComponent(u.username),
    masterPassword: decodeURIComponent(u.password),
    users: [],
    lockUsers: [],
    databases: [],
    managedUsers: [],
    connectTimeoutMs: 3000,
    ...(tls ? { tls } : {}),
  };
}

t.test('DB_TLS modes map to driver options', async (t) => {
  t.equal(tlsOptions('disable', 'db.x.rds.amazonaws.com'), undefined);
  t.same(tlsOptions('require', 'db.x.rds.amazonaws.com'), { rejectUnauthorized: false });
  t.same(
    tlsOptions('verify-full', 'db.x.rds.amazonaws.com', 'PEM'),
    { rejectUnauthorized: true, ca: 'PEM', servername: 'db.x.rds.amazonaws.com' },
    'verified against the endpoint name, even through RDS_ENDPOINT_MAP',
  );
});

t.test('PostgreSQL: the connection is encrypted; verify-full checks the certificate', async (t) => {
  const u = new URL(PG_URL);
  const client = new pg.Client({
    host: '127.0.0.1',
    port: Number(u.port),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: 'postgres',
    ssl: tlsOptions('require', 'localhost'),
  });
  await client.connect();
  const row = (await client.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).rows[0] as { ssl: boolean };
  await client.end();
  t.equal(row.ssl, true, 'pg_stat_ssl says TLS');
  await t.resolves(runDatabaseWork(work('postgres', PG_URL, tlsOptions('require', 'localhost'))), 'require');
  await t.resolves(runDatabaseWork(work('postgres', PG_URL, tlsOptions('verify-full', 'localhost', ca))), 'verify-full with the right CA and name');
  await t.rejects(
    runDatabaseWork(work('postgres', PG_URL, tlsOptions('verify-full', 'db.other.rds.amazonaws.com', ca))),
    { name: 'DatabaseError' },
    'a certificate for another name is refused',
  );
  await t.rejects(runDatabaseWork(work('postgres', PG_URL, tlsOptions('verify-full', 'localhost'))), { name: 'DatabaseError' }, 'an unknown CA is refused');
});

t.test('MariaDB: the connection is encrypted; verify-full checks the certificate', async (t) => {
  const u = new URL(MYSQL_URL);
  const conn = await mysql.createConnection({
    host: '127.0.0.1',
    port: Number(u.port),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    ssl: tlsOptions('require', 'localhost')!,
  });
  const [rows] = await conn.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
  await conn.end();
  t.ok((rows as { Value: string }[])[0]?.Value, 'Ssl_cipher set: TLS');
  await t.resolves(runDatabaseWork(work('mysql', MYSQL_URL, tlsOptions('require', 'localhost'))), 'require');
  await t.resolves(runDatabaseWork(work('mysql', MYSQL_URL, tlsOptions('verify-full', 'localhost', ca))), 'verify-full with the right CA and name');
  await t.rejects(runDatabaseWork(work('mysql', MYSQL_URL, tlsOptions('verify-full', 'localhost'))), { name: 'DatabaseError' }, 'an unknown CA is refused');
});
