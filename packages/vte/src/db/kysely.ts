/**
 * Kysely instances for the two dialects: a live one per database config (pg for PostgreSQL,
 * tedious + tarn for SQL Server), and a compile-only one (no connection) for T-SQL snapshots.
 * Both carry the read-only plugin.
 */
import {
  DummyDriver, Kysely, MssqlAdapter, MssqlDialect, MssqlIntrospector, MssqlQueryCompiler, PostgresAdapter, PostgresDialect,
  PostgresIntrospector, PostgresQueryCompiler, type Dialect,
} from 'kysely';
import type { VteDatabaseConfig, VteDialect } from '../config/types.js';
import { ReadOnlyPlugin } from './guard.js';

/** `Kysely<any>`: table and column names come from the mapping at run time, not from types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type VteKysely = Kysely<any>;

const APP_NAME = 'tswats-vte';

/** A Kysely instance that compiles queries for `dialect` but cannot run them. */
export function createCompileOnlyKysely(dialect: VteDialect): VteKysely {
  const d: Dialect =
    dialect === 'mssql'
      ? {
          createAdapter: () => new MssqlAdapter(),
          createDriver: () => new DummyDriver(),
          createIntrospector: (db) => new MssqlIntrospector(db),
          createQueryCompiler: () => new MssqlQueryCompiler(),
        }
      : {
          createAdapter: () => new PostgresAdapter(),
          createDriver: () => new DummyDriver(),
          createIntrospector: (db) => new PostgresIntrospector(db),
          createQueryCompiler: () => new PostgresQueryCompiler(),
        };
  return new Kysely({ dialect: d, plugins: [new ReadOnlyPlugin()] });
}

/** A live Kysely instance for the configured database. Drivers are loaded only for the dialect in use. */
export async function createVteKysely(db: VteDatabaseConfig): Promise<VteKysely> {
  const dialect = db.dialect === 'mssql' ? await mssqlDialect(db) : await postgresDialect(db);
  return new Kysely({ dialect, plugins: [new ReadOnlyPlugin()] });
}

async function postgresDialect(db: VteDatabaseConfig): Promise<Dialect> {
  const pg = (await import('pg')).default;
  const pool = new pg.Pool({
    host: db.host,
    port: db.port,
    database: db.database,
    user: db.user,
    password: db.password,
    max: db.poolMax,
    connectionTimeoutMillis: db.connectTimeoutMs,
    statement_timeout: db.requestTimeoutMs,
    application_name: APP_NAME,
    // Belt and braces: the session itself refuses writes.
    options: '-c default_transaction_read_only=on',
  });
  return new PostgresDialect({ pool });
}

async function mssqlDialect(db: VteDatabaseConfig): Promise<Dialect> {
  const tedious = await import('tedious');
  const tarn = await import('tarn');
  const authentication = db.domain
    ? { type: 'ntlm' as const, options: { userName: db.user ?? '', password: db.password ?? '', domain: db.domain } }
    : { type: 'default' as const, options: { userName: db.user, password: db.password } };
  return new MssqlDialect({
    tarn: { ...tarn, options: { min: 0, max: db.poolMax } },
    tedious: {
      ...tedious,
      connectionFactory: () =>
        new tedious.Connection({
          server: db.host,
          authentication,
          options: {
            ...(db.instanceName ? { instanceName: db.instanceName } : { port: db.port }),
            database: db.database,
            encrypt: db.encrypt,
            trustServerCertificate: db.trustServerCertificate,
            connectTimeout: db.connectTimeoutMs,
            requestTimeout: db.requestTimeoutMs,
            appName: APP_NAME,
            // Routes to a readable secondary where one exists; a hint, the login is what enforces read-only.
            readOnlyIntent: true,
          },
        }),
    },
  });
}
