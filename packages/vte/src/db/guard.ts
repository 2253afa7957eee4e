/**
 * The read-only guard. Every query the source sends is compiled first and checked here: it must
 * be one plain SELECT (a Kysely `SelectQueryNode` whose text starts with `select`), with no
 * statement separator, and must not name a sensitive column (`Users.Password`). A Kysely
 * plugin applies the node check to anything else run on the same instance.
 */
import type { CompiledQuery, KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { VteReadOnlyError } from '../errors.js';
import { VTE_MODEL, VTE_TABLES, type VteMapping } from '../mapping.js';
import type { VteDialect } from '../config/types.js';

/**
 * The quoted physical names of every sensitive column (Users.Password), as they could appear in
 * SQL text. Kysely quotes with double quotes in both dialects (tedious connects with
 * QUOTED_IDENTIFIER ON); the T-SQL bracket form is refused too.
 */
export function forbiddenIdentifiers(dialect: VteDialect, mapping: VteMapping): string[] {
  const out: string[] = [];
  for (const table of VTE_TABLES) {
    for (const [column, spec] of Object.entries(VTE_MODEL[table])) {
      const physical = (mapping.columns[table] as Record<string, string | null>)[column];
      if (!(spec as { sensitive?: boolean }).sensitive || !physical) continue;
      out.push(`"${physical.replace(/"/g, '""')}"`);
      if (dialect === 'mssql') out.push(`[${physical.replace(/]/g, ']]')}]`);
    }
  }
  return out;
}

/** Throws `VteReadOnlyError` unless `query` is a single SELECT that names no forbidden identifier. */
export function assertReadOnlyQuery(query: CompiledQuery, forbidden: readonly string[]): void {
  if (query.query.kind !== 'SelectQueryNode') throw new VteReadOnlyError(`refusing to run a ${query.query.kind}: the VTE source runs SELECT only`);
  const text = query.sql;
  if (!/^\s*select\b/i.test(text)) throw new VteReadOnlyError('refusing to run a query that does not start with SELECT');
  if (text.includes(';')) throw new VteReadOnlyError('refusing to run a query with a statement separator (;)');
  const lower = text.toLowerCase();
  for (const id of forbidden) {
    if (lower.includes(id.toLowerCase())) throw new VteReadOnlyError(`refusing to run a query that names the sensitive column ${id}`);
  }
}

/** Kysely plugin: any query other than a SELECT fails before it is compiled. */
export class ReadOnlyPlugin implements KyselyPlugin {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (args.node.kind !== 'SelectQueryNode') throw new VteReadOnlyError(`refusing to build a ${args.node.kind}: the VTE source runs SELECT only`);
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
