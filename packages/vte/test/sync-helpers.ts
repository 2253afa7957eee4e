/**
 * Helpers of the sync tests: a generated VTE database, a contract-checked simulator, temp state
 * directories, and ways to see what the simulator holds and to add late rows.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { SimHandle } from '@tswats/sim';
import type { WatsClient } from '@tswats/sdk';
import {
  createVteSchema, createVteSync, generateVteData, openVteSource, repairReportId, resolveVteConfig, type GenerateVteDataOptions,
  type GeneratedVteData, type VteConfig, type VteSource, type VteSync, type VteSyncOptions,
} from '@tswats/vte';
import { createTestDatabase, type TestDatabase } from './helpers.js';

export { clientFor, testSim } from '../../sdk/test/helpers.js';

/** A fixed "now" after all generated data (the settle delay never matters unless a test wants it). */
export const NOW = new Date('2026-06-01T00:00:00Z');
export const ZONE = 'Europe/Oslo';

const dirs: string[] = [];
const syncs: VteSync[] = [];

afterEach(async () => {
  for (const s of syncs.splice(0)) await s.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

export async function tempDir(prefix = 'tswats-vte-sync-'): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

export interface SyncDb {
  db: TestDatabase;
  data: GeneratedVteData;
  config: VteConfig;
  source: VteSource;
  close(): Promise<void>;
}

/** A database with generated data and an open source on it. */
export async function syncDb(options: GenerateVteDataOptions): Promise<SyncDb> {
  const db = await createTestDatabase();
  await createVteSchema(db.pool);
  const data = await generateVteData(db.pool, options);
  const { config: resolved } = await resolveVteConfig({
    database: { dialect: 'postgres', host: '127.0.0.1', database: db.name },
    timeZone: ZONE,
    processCode: { default: 10 },
  });
  const sourceConfig = db.sourceConfig();
  const config: VteConfig = { ...resolved, database: sourceConfig.database, mapping: sourceConfig.mapping };
  const source = await openVteSource(sourceConfig);
  return {
    db, data, config, source,
    async close() {
      await source.close();
      await db.drop();
    },
  };
}

/** A sync on a fresh (or given) state directory, closed after the test. */
export async function testSync(s: SyncDb, client: WatsClient, over: Partial<VteSyncOptions> = {}): Promise<VteSync> {
  const sync = await createVteSync({
    config: s.config, source: s.source, client, stateDir: over.stateDir ?? (await tempDir()), batchSize: 100, uploadConcurrency: 4,
    guardBandMs: 10 * 60_000, settleMs: 30_000, startAt: '2026-01-01T00:00:00', now: () => NOW, ...over,
  });
  syncs.push(sync);
  return sync;
}

/** Every report id the simulator holds (UUT and UUR). */
export async function storedIds(client: WatsClient): Promise<Set<string>> {
  const out = new Set<string>();
  for await (const h of client.reports.queryHeaders({ select: ['uuid'], orderBy: 'uuid', pageSize: 10_000 })) out.add(String(h.uuid).toLowerCase());
  return out;
}

/** Runs in the database: all, and those with a serial (the ones that map). */
export async function runGuids(db: TestDatabase, where = 'true'): Promise<string[]> {
  const r = await db.pool.query<{ g: string }>(
    `select i."Index_GUID"::text as g from "IndexData" i left join "UutData" u on u."Uut_GUID" = i."Uut_GUID" where ${where} order by i."Timestamp", i."Index_GUID"`,
  );
  return r.rows.map((x) => x.g.toLowerCase());
}

/** UUR ids of the repairs whose run has a serial (the ones that map), with their run. */
export async function repairIds(db: TestDatabase): Promise<Map<string, string>> {
  const r = await db.pool.query<{ r: string; i: string }>(
    `select d."Repair_GUID"::text as r, d."Index_GUID"::text as i from "RepairData" d join "IndexData" x on x."Index_GUID" = d."Index_GUID"
     join "UutData" u on u."Uut_GUID" = x."Uut_GUID" where u."Serial" is not null`,
  );
  return new Map(r.rows.map((x) => [repairReportId(x.r), x.i.toLowerCase()]));
}

/** Inserts a copy of run `from` (same UUT, no steps) with a new GUID and timestamp, as a late commit would. */
export async function insertLateRun(db: TestDatabase, from: string, guid: string, timestamp: string): Promise<void> {
  const cols = await db.pool.query<{ c: string }>(
    `select column_name as c from information_schema.columns where table_schema = 'public' and table_name = 'IndexData' order by ordinal_position`,
  );
  const names = cols.rows.map((x) => x.c);
  const values = names.map((c) => (c === 'Index_GUID' ? '$1::uuid' : c === 'Timestamp' ? '$2::timestamp' : `"${c}"`));
  await db.pool.query(
    `insert into "IndexData" (${names.map((c) => `"${c}"`).join(', ')}) select ${values.join(', ')} from "IndexData" where "Index_GUID" = $3::uuid`,
    [guid, timestamp, from],
  );
}

/** The simulator's count of accepted report submissions (overwrites included). */
export function received(sim: SimHandle): number {
  return sim.stats().reports.received;
}
