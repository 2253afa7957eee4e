import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createVteSchema, generateVteData, openVteSource, VteReadOnlyError, type GeneratedVteData, type VteQueryEvent, type VteRunHeader,
  type VteRunKey, type VteSource,
} from '@tswats/vte';
import { createTestDatabase, type TestDatabase } from './helpers.js';

let db: TestDatabase;
let gen: GeneratedVteData;
let source: VteSource;
const issued: VteQueryEvent[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  await createVteSchema(db.pool);
  gen = await generateVteData(db.pool, { runs: 700, seed: 11, stepsPerRun: 12, lateRuns: 4, tieRate: 0.2 });
  source = await openVteSource(db.sourceConfig({}, { stepChunkSize: 100 }), { onQuery: (e) => issued.push(e) });
});

afterAll(async () => {
  await source?.close();
  await db?.drop();
});

async function readAll(limit: number, after?: VteRunKey): Promise<{ runs: VteRunHeader[]; batches: number }> {
  const runs: VteRunHeader[] = [];
  let batches = 0;
  for (;;) {
    const batch = await source.readRunBatch({ after, limit });
    batches++;
    runs.push(...batch);
    if (batch.length < limit) return { runs, batches };
    const last = batch[batch.length - 1]!;
    after = { timestamp: last.timestamp, guid: last.indexGuid };
  }
}

describe('openVteSource on PostgreSQL', () => {
  it('finds the generated schema complete (introspection at open passed)', async () => {
    const result = await source.introspect();
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('returns every run exactly once, in (Timestamp, Index_GUID) order, across batches with ties', async () => {
    const { runs, batches } = await readAll(37);
    expect(runs).toHaveLength(700);
    expect(new Set(runs.map((r) => r.indexGuid)).size).toBe(700);
    expect(batches).toBe(Math.floor(700 / 37) + 1);
    const expected = await db.pool.query('SELECT lower("Index_GUID"::text) AS g FROM "IndexData" ORDER BY "Timestamp", "Index_GUID"');
    expect(runs.map((r) => r.indexGuid)).toEqual(expected.rows.map((r) => r.g));
    // Ties on Timestamp exist and were split across batch boundaries without loss.
    const ties = runs.filter((r, i) => i > 0 && runs[i - 1]!.timestamp === r.timestamp).length;
    expect(ties).toBeGreaterThan(50);
  });

  it('joins master data and reads timestamps as local wall-clock text', async () => {
    const [run] = await source.readRunBatch({ limit: 1 });
    expect(run!.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/);
    expect(run!.timestamp.startsWith('2026-03-27T06:00:00')).toBe(true);
    expect(run!.indexGuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(run!.productName).toMatch(/^[A-Z]+-\d+$/);
    expect(run!.productVersion).toBeTruthy();
    expect(run!.testplanName).toBeTruthy();
    expect(run!.testplanRevision).toMatch(/^\d\.\d$/);
    expect(run!.testsystemName).toBeTruthy();
    expect(run!.userName).toBeTruthy();
    expect(typeof run!.result).toBe('number');
    expect(typeof run!.testTime).toBe('number');
  });

  it('honours since / until bounds', async () => {
    const all = (await readAll(1000)).runs;
    const since = all[100]!.timestamp;
    const until = all[200]!.timestamp;
    const batch = await source.readRunBatch({ since, until, limit: 1000 });
    expect(batch.length).toBeGreaterThan(0);
    expect(batch.every((r) => r.timestamp >= since && r.timestamp < until)).toBe(true);
    expect(batch.length).toBe(all.filter((r) => r.timestamp >= since && r.timestamp < until).length);
  });

  it('a watermark past a late run misses it; re-reading from a guard band finds it', async () => {
    const { runs } = await readAll(1000);
    const late = new Set(gen.lateRuns);
    const lateRuns = runs.filter((r) => late.has(r.indexGuid));
    expect(lateRuns).toHaveLength(4);
    // The late runs sort inside the range, not at its end: a watermark taken at the end skips them.
    expect(runs.slice(-4).some((r) => late.has(r.indexGuid))).toBe(false);
  });

  it('reads the steps of a whole batch with one query per step table and chunk', async () => {
    const batch = await source.readRunBatch({ limit: 250 });
    const before = source.stats().queries;
    const steps = await source.readSteps(batch.map((r) => r.indexGuid));
    // 250 GUIDs in chunks of 100 → 3 chunks x 3 tables.
    expect(source.stats().queries - before).toBe(9);
    expect(steps.size).toBe(250);
    let total = 0;
    for (const [guid, list] of steps) {
      total += list.length;
      expect(list.every((s) => s.indexGuid === guid)).toBe(true);
      const numbers = list.map((s) => s.stepNumber);
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    }
    const r = await db.pool.query(
      `SELECT (SELECT count(*) FROM "TestDataNumeric" WHERE "Index_GUID" = ANY($1::uuid[])) + (SELECT count(*) FROM "TestDataText" WHERE "Index_GUID" = ANY($1::uuid[])) + (SELECT count(*) FROM "TestDataOther" WHERE "Index_GUID" = ANY($1::uuid[])) AS n`,
      [batch.map((b) => b.indexGuid)],
    );
    expect(total).toBe(Number(r.rows[0].n));
    const all = [...steps.values()].flat();
    expect(all.some((s) => s.kind === 'numeric' && typeof s.value === 'number' && s.lowLimit !== null)).toBe(true);
    expect(all.some((s) => s.kind === 'text' && typeof s.value === 'string')).toBe(true);
    expect(all.some((s) => s.kind === 'other' && s.value instanceof Uint8Array)).toBe(true);
  });

  it('query count grows with batches, not with runs', async () => {
    async function cycle(limit: number): Promise<{ queries: number; batches: number }> {
      const before = source.stats().queries;
      let after: VteRunKey | undefined;
      let batches = 0;
      for (;;) {
        const batch = await source.readRunBatch({ after, limit });
        if (batch.length === 0) break;
        batches++;
        await source.readSteps(batch.map((r) => r.indexGuid));
        if (batch.length < limit) break;
        const last = batch[batch.length - 1]!;
        after = { timestamp: last.timestamp, guid: last.indexGuid };
      }
      return { queries: source.stats().queries - before, batches };
    }
    const small = await cycle(100); // 7 batches of ≤100 runs: 1 header + 3 step queries each
    expect(small.batches).toBe(7);
    expect(small.queries).toBe(7 * 4 + 1); // + the final empty header read
    const large = await cycle(700); // 1 full batch + an empty read; 700 GUIDs in 7 chunks of 100
    expect(large.queries).toBe(1 + 3 * 7 + 1);
    expect(large.queries).toBeLessThan(700);
  });

  it('reads repairs with their failure codes, actions and runs', async () => {
    const repairs = await source.readRepairs({ limit: 1000 });
    expect(repairs).toHaveLength(gen.repairs);
    const stamps = repairs.map((r) => `${r.timestamp}|${r.repairGuid}`);
    expect(repairs.every((r) => r.run !== null && r.run.indexGuid === r.indexGuid)).toBe(true);
    expect(repairs.every((r) => r.failureCode !== null && r.actions.length >= 1)).toBe(true);
    expect(repairs.reduce((n, r) => n + r.actions.length, 0)).toBe(gen.repairActions);
    expect(stamps.map((s) => s.split('|')[0])).toEqual(stamps.map((s) => s.split('|')[0]).sort());
    const half = await source.readRepairs({ limit: 3 });
    const rest = await source.readRepairs({ after: { timestamp: half[2]!.timestamp, guid: half[2]!.repairGuid }, limit: 1000 });
    expect([...half, ...rest].map((r) => r.repairGuid)).toEqual(repairs.map((r) => r.repairGuid));
  });

  it('never selects Users.Password, and sends only SELECTs', () => {
    expect(issued.length).toBeGreaterThan(20);
    const purposes = new Set(issued.map((e) => e.purpose));
    expect([...purposes].sort()).toEqual(['catalog', 'repair-actions', 'repairs', 'runs', 'steps:numeric', 'steps:other', 'steps:text']);
    for (const e of issued) {
      expect(e.sql).toMatch(/^select /);
      expect(e.sql.toLowerCase()).not.toContain('password');
      expect(e.sql).not.toContain('*');
    }
    // The Users table is joined (for UserName) but only named columns are read.
    expect(issued.some((e) => e.sql.includes('"Users" as "us"'))).toBe(true);
  });

  it('the read-only guard refuses anything but SELECT, and a query naming the password', async () => {
    const { createCompileOnlyKysely, assertReadOnlyQuery, forbiddenIdentifiers, defaultVteMapping } = await import('@tswats/vte');
    const k = createCompileOnlyKysely('postgres');
    expect(() => k.deleteFrom('IndexData').compile()).toThrow(VteReadOnlyError);
    expect(() => k.updateTable('Users').set({ UserName: 'x' }).compile()).toThrow(VteReadOnlyError);
    const forbidden = forbiddenIdentifiers('postgres', defaultVteMapping('postgres'));
    expect(forbidden).toEqual(['"Password"']);
    const bad = k.selectFrom('Users').select(['UserName', 'Password']).compile();
    expect(() => assertReadOnlyQuery(bad, forbidden)).toThrow(/sensitive column "Password"/);
    // Raw SQL is refused by the plugin when built, and by the guard when handed over compiled.
    const { sql, CompiledQuery } = await import('kysely');
    expect(() => sql`delete from "IndexData"`.compile(k)).toThrow(VteReadOnlyError);
    expect(() => assertReadOnlyQuery(CompiledQuery.raw('delete from "IndexData"'), forbidden)).toThrow(VteReadOnlyError);
  });
});
