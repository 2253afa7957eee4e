/**
 * Compares the mapping with the database catalog: every mapped table and column that the
 * database lacks is one problem, named by the config key that fixes it.
 */
import type { VteSchemaProblem } from '../errors.js';
import { REPAIR_TABLES, VTE_TABLES, columnConfigKey, columnSpec, tableConfigKey, vteColumns, type VteMapping, type VteTable } from '../mapping.js';

export interface VteIntrospection {
  /** True when every checked table and column exists. */
  ok: boolean;
  problems: VteSchemaProblem[];
  /** The logical tables that were checked. */
  tables: VteTable[];
}

/**
 * @param catalog - `(table, column)` pairs of the mapping's schema, as the database reports them.
 * @param caseInsensitive - SQL Server's usual collations match names regardless of case.
 */
export function compareWithCatalog(
  mapping: VteMapping,
  catalog: Iterable<{ tableName: string; columnName: string }>,
  options: { caseInsensitive: boolean; repairs: boolean },
): VteIntrospection {
  const fold = (s: string) => (options.caseInsensitive ? s.toLowerCase() : s);
  const byTable = new Map<string, { name: string; columns: Map<string, string> }>();
  for (const { tableName, columnName } of catalog) {
    let t = byTable.get(fold(tableName));
    if (!t) byTable.set(fold(tableName), (t = { name: tableName, columns: new Map() }));
    t.columns.set(fold(columnName), columnName);
  }
  const lowerTables = new Map([...byTable.values()].map((t) => [t.name.toLowerCase(), t.name]));
  const tables = VTE_TABLES.filter((t) => options.repairs || !REPAIR_TABLES.includes(t));
  const problems: VteSchemaProblem[] = [];
  for (const table of tables) {
    const physical = mapping.tables[table];
    const found = byTable.get(fold(physical));
    if (!found) {
      const near = lowerTables.get(physical.toLowerCase());
      problems.push({
        table,
        configKey: tableConfigKey(table),
        message: `table "${mapping.schema}.${physical}" not found${near ? ` (did you mean "${near}"? names are case-sensitive here)` : ''}; set ${tableConfigKey(table)} to its name`,
      });
      continue;
    }
    const lowerColumns = new Map([...found.columns.values()].map((c) => [c.toLowerCase(), c]));
    for (const column of vteColumns(table)) {
      const spec = columnSpec(table, column)!;
      if (spec.sensitive) continue; // never read; only the login script names it
      const name = (mapping.columns[table] as Record<string, string | null>)[column];
      if (name === null || name === undefined) continue;
      if (found.columns.has(fold(name))) continue;
      const near = lowerColumns.get(name.toLowerCase());
      const key = columnConfigKey(table, column);
      problems.push({
        table,
        column,
        configKey: key,
        message:
          `column "${name}" not found in table "${found.name}"` +
          (near ? ` (did you mean "${near}"?)` : '') +
          `; set ${key} to its name${spec.optional ? ', or to null if this installation has no such column' : ''}`,
      });
    }
  }
  return { ok: problems.length === 0, problems, tables };
}
