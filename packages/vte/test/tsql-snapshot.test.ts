/**
 * The T-SQL the adapter sends to SQL Server, compiled offline (Kysely's MssqlDialect with a dummy
 * driver) and compared with the checked-in files in __snapshots__/tsql/. A change to any query
 * shows up as a diff there; review it like code (`vitest -u` rewrites them).
 */
import { describe, expect, it } from 'vitest';
import { createCompileOnlyKysely, createVteMapping, createVteQueries, assertReadOnlyQuery, forbiddenIdentifiers, defaultVteMapping } from '@tswats/vte';

const mapping = defaultVteMapping('mssql');
const queries = createVteQueries(createCompileOnlyKysely('mssql'), 'mssql', mapping);
const guids = ['0f8fad5b-d9cb-469f-a165-70867728950e', '7c9e6679-7425-40de-944b-e07fc1f90ae7'];
const after = { timestamp: '2026-03-28T14:05:06.123', guid: guids[0]! };

function show(q: { sql: string; parameters: readonly unknown[] }): string {
  return `${q.sql}\n\n-- parameters: ${JSON.stringify(q.parameters)}\n`;
}

const cases = {
  'run-batch-first': queries.runBatch({ limit: 500 }),
  'run-batch-after': queries.runBatch({ after, until: '2026-03-28T15:00:00.000', limit: 500 }),
  'run-batch-since': queries.runBatch({ since: '2026-03-01T00:00:00', limit: 500 }),
  'newest-run': queries.newestRun(),
  'steps-numeric': queries.steps('numeric', guids),
  'steps-text': queries.steps('text', guids),
  'steps-other': queries.steps('other', guids),
  'runs-by-guid': queries.runsByGuid(guids),
  'repair-batch': queries.repairBatch({ after, limit: 200 }),
  'repairs-by-guid': queries.repairsByGuid(guids),
  'repair-actions': queries.repairActions(guids),
  catalog: queries.catalog(),
};

describe('T-SQL snapshots', () => {
  for (const [name, q] of Object.entries(cases)) {
    it(`${name}.sql`, async () => {
      assertReadOnlyQuery(q, forbiddenIdentifiers('mssql', mapping));
      expect(q.sql.toLowerCase()).not.toContain('password');
      await expect(show(q)).toMatchFileSnapshot(`./__snapshots__/tsql/${name}.sql`);
    });
  }

  it('quotes mapped names as identifiers (double quotes: tedious runs with QUOTED_IDENTIFIER ON)', () => {
    const { mapping: odd } = createVteMapping({ schema: 'vte', tables: { IndexData: 'Index]Data' }, columns: { IndexData: { Info3: null } } }, 'mssql');
    const q = createVteQueries(createCompileOnlyKysely('mssql'), 'mssql', odd).runBatch({ limit: 10 });
    expect(q.sql).toContain('from "vte"."Index]Data" as "i"');
    expect(q.sql).toContain('null as "info3"');
    const { mapping: quote } = createVteMapping({ tables: { IndexData: 'Index"Data' } }, 'mssql');
    expect(createVteQueries(createCompileOnlyKysely('mssql'), 'mssql', quote).runBatch({ limit: 1 }).sql).toContain('from "dbo"."Index""Data" as "i"');
    expect(q.sql.startsWith('select top(10) ')).toBe(true);
  });

  it('keeps IN lists below the SQL Server parameter limit', () => {
    expect(() => queries.steps('numeric', Array.from({ length: 2001 }, () => guids[0]!))).toThrow(RangeError);
    expect(queries.steps('numeric', Array.from({ length: 2000 }, () => guids[0]!)).parameters).toHaveLength(2000);
  });
});
