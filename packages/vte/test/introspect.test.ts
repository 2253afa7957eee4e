import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVteSchema, generateVteData, openVteSource, VteSchemaError } from '@tswats/vte';
import { createTestDatabase, type TestDatabase } from './helpers.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await createVteSchema(db.pool);
  await generateVteData(db.pool, { runs: 30, seed: 3, stepsPerRun: 5 });
  // Simulate another installation: a renamed run table, a missing Info3, a renamed step column.
  await db.pool.query('ALTER TABLE "IndexData" RENAME TO "IndexData931"');
  await db.pool.query('ALTER TABLE "IndexData931" DROP COLUMN "Info3"');
  await db.pool.query('ALTER TABLE "TestDataNumeric" RENAME COLUMN "LowLimit" TO "LowerLimit"');
  await db.pool.query('ALTER TABLE "TestDataText" RENAME COLUMN "TestName" to "testname"');
});

afterAll(async () => {
  await db?.drop();
});

describe('schema introspection', () => {
  it('reports every missing table and column with the config key that fixes it', async () => {
    const source = await openVteSource(db.sourceConfig(), { checkSchema: false });
    try {
      const result = await source.introspect();
      expect(result.ok).toBe(false);
      expect(result.problems.map((p) => p.configKey)).toEqual([
        'mapping.tables.IndexData',
        'mapping.columns.TestDataNumeric.LowLimit',
        'mapping.columns.TestDataText.TestName',
      ]);
      expect(result.problems[0]!.message).toContain('table "public.IndexData" not found');
      expect(result.problems[1]!.message).toContain('or to null if this installation has no such column');
      expect(result.problems[2]!.message).toContain('did you mean "testname"?');
    } finally {
      await source.close();
    }
  });

  it('openVteSource fails with VteSchemaError listing them', async () => {
    const err = await openVteSource(db.sourceConfig()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VteSchemaError);
    expect((err as VteSchemaError).problems).toHaveLength(3);
    expect((err as Error).message).toContain('mapping.tables.IndexData: table "public.IndexData" not found');
  });

  it('with the table renamed in the mapping, the dropped column is reported next', async () => {
    const source = await openVteSource(db.sourceConfig({ tables: { IndexData: 'IndexData931' } }), { checkSchema: false });
    try {
      const keys = (await source.introspect()).problems.map((p) => p.configKey);
      expect(keys).toContain('mapping.columns.IndexData.Info3');
      expect(keys).not.toContain('mapping.tables.IndexData');
    } finally {
      await source.close();
    }
  });

  it('mapping overrides make the source work on the changed schema', async () => {
    const source = await openVteSource(
      db.sourceConfig({
        tables: { IndexData: 'IndexData931' },
        columns: { IndexData: { Info3: null }, TestDataNumeric: { LowLimit: 'LowerLimit' }, TestDataText: { TestName: 'testname' } },
      }),
    );
    try {
      const runs = await source.readRunBatch({ limit: 100 });
      expect(runs).toHaveLength(30);
      expect(runs.every((r) => r.info3 === null)).toBe(true);
      const steps = [...(await source.readSteps(runs.map((r) => r.indexGuid))).values()].flat();
      expect(steps.some((s) => s.kind === 'numeric' && s.lowLimit !== null)).toBe(true);
      expect(steps.filter((s) => s.kind === 'text').every((s) => s.name !== null)).toBe(true);
    } finally {
      await source.close();
    }
  });

  it('repair tables are not checked when repairs are disabled', async () => {
    await db.pool.query('ALTER TABLE "RepairActions" RENAME TO "RepairActionsOld"');
    try {
      const mapping = { tables: { IndexData: 'IndexData931' }, columns: { IndexData: { Info3: null }, TestDataNumeric: { LowLimit: 'LowerLimit' }, TestDataText: { TestName: 'testname' } } };
      const withRepairs = await openVteSource(db.sourceConfig(mapping), { checkSchema: false });
      expect((await withRepairs.introspect()).problems.map((p) => p.configKey)).toEqual(['mapping.tables.RepairActions']);
      await withRepairs.close();
      const without = await openVteSource(db.sourceConfig(mapping, { repairs: { enabled: false } }));
      expect(await without.readRepairs({ limit: 10 })).toEqual([]);
      await without.close();
    } finally {
      await db.pool.query('ALTER TABLE "RepairActionsOld" RENAME TO "RepairActions"');
    }
  });
});
