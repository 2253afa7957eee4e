/**
 * `GET /api/Product/Query`: OData over `ProductView {partNumber, name, category, nonSerial, state}`.
 *
 * The spec's own examples write `PartNumber eq 'XYZ123'` and `Category eq 'PCB'`, so property
 * names are accepted in camelCase (as the schema spells them) and in PascalCase. Without a
 * `$filter` at most 1000 products come back (as the spec says); with one, all matches unless
 * `$top` says otherwise. `$top` is capped at 10000 like the header query. Default order:
 * part number.
 */
import type { EdmType, EntityModel } from '../../odata/entity-model.js';
import { matches, type Row } from '../../odata/evaluate.js';
import { parseODataQuery, type ODataRules, type OrderBy } from '../../odata/query-options.js';
import { defined } from './body.js';
import type { StoredProduct } from './product-state.js';

const FIELDS: [string, EdmType][] = [
  ['partNumber', 'string'],
  ['name', 'string'],
  ['category', 'string'],
  ['nonSerial', 'bool'],
  ['state', 'int'],
];

const pascal = (name: string): string => name[0]!.toUpperCase() + name.slice(1);

/** Both spellings of every property → the schema's spelling. */
const CANONICAL: Record<string, string> = Object.fromEntries(FIELDS.flatMap(([f]) => [[f, f], [pascal(f), f]]));

const MODEL: EntityModel = {
  name: 'Virinco.WATS.Web.Dashboard.Models.Mes.Product.ProductView',
  fields: new Map(FIELDS.flatMap(([f, t]) => [[f, t], [pascal(f), t]] as [string, EdmType][])),
  collections: new Map(),
};

const UNFILTERED_TOP = 1000;
const MAX_TOP = 10_000;

function rules(filtered: boolean): ODataRules {
  return {
    model: MODEL,
    defaultTop: filtered ? MAX_TOP : UNFILTERED_TOP,
    maxTop: MAX_TOP,
    orderable: CANONICAL,
    defaultOrder: [{ field: 'partNumber', descending: false }],
  };
}

function rowOf(p: StoredProduct): Row {
  const row: Row = { partNumber: p.partNumber, name: p.name, category: p.productCategoryName, nonSerial: p.nonSerial, state: p.state };
  for (const [f] of FIELDS) row[pascal(f)] = row[f];
  return row;
}

function compare(order: OrderBy[]): (a: Row, b: Row) => number {
  return (a, b) => {
    for (const { field, descending } of order) {
      const x = a[field];
      const y = b[field];
      if (x === y) continue;
      // Absent values sort first, as NULLs do in SQL Server.
      if (x === undefined) return descending ? 1 : -1;
      if (y === undefined) return descending ? -1 : 1;
      const [p, q] = typeof x === 'string' && typeof y === 'string' ? [x.toUpperCase(), y.toUpperCase()] : [x as number, y as number];
      const cmp = p < q ? -1 : p > q ? 1 : 0;
      if (cmp !== 0) return descending ? -cmp : cmp;
    }
    return 0;
  };
}

/** Runs the query over the stored products; returns `ProductView` rows. */
export function queryProducts(products: StoredProduct[], odata: Record<string, string | string[]>): Record<string, unknown>[] {
  const query = parseODataQuery(odata, rules(odata.$filter !== undefined));
  let rows = products.map(rowOf);
  const filter = query.filter;
  if (filter) rows = rows.filter((row) => matches(filter, row));
  rows.sort(compare([...query.orderBy, { field: 'partNumber', descending: false }]));
  const page = rows.slice(query.skip, query.skip + query.top);
  const selected = query.select?.map((f) => CANONICAL[f] ?? f);
  return page.map((row) => {
    const out: Record<string, unknown> = {};
    for (const [f] of FIELDS) if (!selected || selected.includes(f)) out[f] = row[f];
    return defined(out);
  });
}
