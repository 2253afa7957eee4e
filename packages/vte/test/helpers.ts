/**
 * Test databases on the local PostgreSQL (127.0.0.1:5432, user postgres, trust auth): each test
 * file creates its own `tswats_vte_<random>` database and drops it afterwards.
 */
import './pg-shim.js';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createVteMapping, type VteMappingOptions, type VteSourceConfig } from '@tswats/vte';

const ADMIN = { host: process.env.TSWATS_TEST_PGHOST ?? '127.0.0.1', port: Number(process.env.TSWATS_TEST_PGPORT ?? 5432), user: process.env.TSWATS_TEST_PGUSER ?? 'postgres' };

export interface TestDatabase {
  name: string;
  /** A writable pool (for the generator and schema changes); the source opens its own read-only one. */
  pool: pg.Pool;
  /** Source config for this database, with optional mapping overrides. */
  sourceConfig(mapping?: VteMappingOptions, extra?: Partial<Pick<VteSourceConfig, 'stepChunkSize' | 'repairs'>>): VteSourceConfig;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `tswats_vte_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ ...ADMIN, database: 'postgres' });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const pool = new pg.Pool({ ...ADMIN, database: name, max: 4 });
  return {
    name,
    pool,
    sourceConfig(mapping = {}, extra = {}) {
      const resolved = createVteMapping(mapping, 'postgres');
      if (resolved.issues.length) throw new Error(JSON.stringify(resolved.issues));
      return {
        database: {
          dialect: 'postgres', host: ADMIN.host, port: ADMIN.port, instanceName: undefined, database: name, user: ADMIN.user,
          password: undefined, domain: undefined, encrypt: false, trustServerCertificate: false, connectTimeoutMs: 10_000,
          requestTimeoutMs: 30_000, poolMax: 2,
        },
        mapping: resolved.mapping,
        stepChunkSize: extra.stepChunkSize ?? 1000,
        repairs: extra.repairs ?? { enabled: true },
      };
    },
    async drop() {
      await pool.end();
      const c = new pg.Client({ ...ADMIN, database: 'postgres' });
      await c.connect();
      try {
        // Wait for closing pools to disconnect; forcing would kill connections that are still
        // ending, and their clients would report it as an unhandled error.
        for (let attempt = 0; ; attempt++) {
          try {
            await c.query(`DROP DATABASE IF EXISTS "${name}"${attempt >= 50 ? ' WITH (FORCE)' : ''}`);
            break;
          } catch (err) {
            if ((err as { code?: string }).code !== '55006' || attempt >= 50) throw err;
            await new Promise((r) => setTimeout(r, 100));
          }
        }
      } finally {
        await c.end();
      }
    },
  };
}
