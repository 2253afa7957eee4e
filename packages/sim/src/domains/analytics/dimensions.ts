import { HttpError } from '../../errors.js';

/** One entry of a `dimensions` value: `unitCount desc`, `partNumber`, ... */
export interface OrderSpec {
  name: string;
  descending: boolean;
}

export interface ParsedDimensions {
  /** Grouping dimensions, in the order given. */
  dimensions: OrderSpec[];
  /** KPIs named (to order by, and to return: only these when any are named). */
  kpis: OrderSpec[];
  /** Everything, in the order given: the sort order of the rows. */
  order: OrderSpec[];
}

/**
 * Parses a `dimensions` value: names separated by `;`, each optionally followed by `asc` or
 * `desc`. Names ignore case and come back spelled as the operation documents them; an unknown
 * name is a 400 listing what is supported.
 */
export function parseDimensions(text: string, dimensions: readonly string[], kpis: readonly string[]): ParsedDimensions {
  const dimByLower = new Map(dimensions.map((d) => [d.toLowerCase(), d]));
  const kpiByLower = new Map(kpis.map((k) => [k.toLowerCase(), k]));
  const out: ParsedDimensions = { dimensions: [], kpis: [], order: [] };
  for (const part of text.split(';').map((p) => p.trim()).filter((p) => p !== '')) {
    const [word = '', direction, ...rest] = part.split(/\s+/);
    if (rest.length > 0 || (direction !== undefined && !/^(asc|desc)$/i.test(direction))) {
      throw new HttpError(400, `dimensions: cannot read '${part}' (expected a name, optionally followed by asc or desc)`);
    }
    const lower = word.toLowerCase();
    const dim = dimByLower.get(lower);
    const kpi = kpiByLower.get(lower);
    if (!dim && !kpi) {
      throw new HttpError(400, `dimensions: '${word}' is not supported. Dimensions: ${dimensions.join(', ')}. KPIs: ${kpis.join(', ')}.`);
    }
    const spec: OrderSpec = { name: (dim ?? kpi)!, descending: /^desc$/i.test(direction ?? '') };
    (dim ? out.dimensions : out.kpis).push(spec);
    out.order.push(spec);
  }
  return out;
}

type Row = Record<string, unknown>;

function compareValues(x: unknown, y: unknown): number {
  // Missing values sort last whatever the direction, as SQL Server's NULLs do for ascending.
  if (x === undefined || x === null) return y === undefined || y === null ? 0 : 1;
  if (y === undefined || y === null) return -1;
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  const [a, b] = [String(x).toUpperCase(), String(y).toUpperCase()];
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts rows by the given order (missing values last). Stable. */
export function sortRows<T extends Row>(rows: T[], order: OrderSpec[]): T[] {
  return [...rows].sort((a, b) => {
    for (const { name, descending } of order) {
      const av = a[name];
      const bv = b[name];
      const missing = av === undefined || av === null || bv === undefined || bv === null;
      const cmp = compareValues(av, bv);
      if (cmp !== 0) return descending && !missing ? -cmp : cmp;
    }
    return 0;
  });
}
