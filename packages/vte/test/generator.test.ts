import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVteSchema, generateVteData, type GeneratedVteData } from '@tswats/vte';
import { createTestDatabase, type TestDatabase } from './helpers.js';

let db: TestDatabase;
let other: TestDatabase;
let gen: GeneratedVteData;

beforeAll(async () => {
  [db, other] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  await createVteSchema(db.pool);
  gen = await generateVteData(db.pool, { runs: 400, seed: 7, stepsPerRun: 20, lateRuns: 5, nullSerialRate: 0.05 });
});

afterAll(async () => {
  await Promise.all([db?.drop(), other?.drop()]);
});

async function count(table: string): Promise<number> {
  const r = await db.pool.query(`SELECT count(*)::int AS n FROM "${table}"`);
  return r.rows[0].n as number;
}

describe('generateVteData', () => {
  it('writes the rows it reports', async () => {
    expect(gen.runs).toBe(400);
    expect(await count('IndexData')).toBe(400);
    expect(await count('UutData')).toBe(400);
    expect(await count('TestDataNumeric')).toBe(gen.steps.numeric);
    expect(await count('TestDataText')).toBe(gen.steps.text);
    expect(await count('TestDataOther')).toBe(gen.steps.other);
    expect(await count('RepairData')).toBe(gen.repairs);
    expect(await count('RepairActions')).toBe(gen.repairActions);
    expect(await count('Products')).toBe(gen.products);
    expect(await count('Users')).toBe(gen.users);
    const steps = gen.steps.numeric + gen.steps.text + gen.steps.other;
    expect(steps / 400).toBeGreaterThan(14);
    expect(steps / 400).toBeLessThan(26);
    expect(gen.steps.text).toBeGreaterThan(0);
    expect(gen.steps.other).toBeGreaterThan(0);
    expect(gen.repairs).toBeGreaterThan(0);
  });

  it('produces passing and failing runs, and every result code', () => {
    expect(gen.results[0]).toBeGreaterThan(300);
    expect(gen.results[1]).toBeGreaterThan(10);
  });

  it('leaves some serials NULL, as reported', async () => {
    expect(gen.nullSerialRuns.length).toBeGreaterThan(0);
    const r = await db.pool.query(
      'SELECT lower(i."Index_GUID"::text) AS g FROM "IndexData" i JOIN "UutData" u ON u."Uut_GUID" = i."Uut_GUID" WHERE u."Serial" IS NULL ORDER BY 1',
    );
    expect(r.rows.map((x) => x.g)).toEqual([...gen.nullSerialRuns].sort());
  });

  it('inserts late runs last, with timestamps older than runs already written', async () => {
    expect(gen.lateRuns).toHaveLength(5);
    const r = await db.pool.query(
      `SELECT lower("Index_GUID"::text) AS g, "Timestamp" < (SELECT max("Timestamp") FROM "IndexData") AS older, xmin::text::bigint AS tx
         FROM "IndexData" ORDER BY xmin::text::bigint`,
    );
    const lastTx = r.rows.slice(-5);
    expect(lastTx.map((x) => x.g).sort()).toEqual([...gen.lateRuns].sort());
    expect(lastTx.every((x) => x.older)).toBe(true);
  });

  it('has ties on Timestamp (parallel stations)', async () => {
    const r = await db.pool.query('SELECT count(*)::int AS n FROM (SELECT "Timestamp" FROM "IndexData" GROUP BY 1 HAVING count(*) > 1) t');
    expect(r.rows[0].n).toBeGreaterThan(0);
  });

  it('is reproducible: the same seed gives the same data', async () => {
    await createVteSchema(other.pool);
    const again = await generateVteData(other.pool, { runs: 400, seed: 7, stepsPerRun: 20, lateRuns: 5, nullSerialRate: 0.05 });
    expect(again).toEqual(gen);
    const q = 'SELECT md5(string_agg("Index_GUID"::text || "Timestamp"::text || "Result", \',\' ORDER BY "Index_GUID")) AS h FROM "IndexData"';
    const [a, b] = await Promise.all([db.pool.query(q), other.pool.query(q)]);
    expect(a.rows[0].h).toBe(b.rows[0].h);
  });
});
