export type DimensionValue = string | number | undefined;

export interface Group<T> {
  /** The group's value of each dimension (as first seen; grouping ignores case). */
  values: Record<string, DimensionValue>;
  items: T[];
}

function keyPart(v: DimensionValue): string {
  if (v === undefined) return '\u0001';
  return typeof v === 'number' ? `n${v}` : `s${v.toUpperCase()}`;
}

/**
 * Groups items by the values of the named dimensions, ignoring case in text (as the SQL Server
 * collation behind WATS does). With no dimensions everything is one group.
 */
export function groupItems<T>(items: T[], names: string[], valueOf: (item: T, name: string) => DimensionValue): Group<T>[] {
  const groups = new Map<string, Group<T>>();
  for (const item of items) {
    const values: Record<string, DimensionValue> = {};
    for (const name of names) values[name] = valueOf(item, name);
    const key = names.map((n) => keyPart(values[n])).join('\u0000');
    let group = groups.get(key);
    if (!group) {
      group = { values, items: [] };
      groups.set(key, group);
    }
    group.items.push(item);
  }
  return [...groups.values()];
}

/**
 * Every combination of one choice per list (lists that are empty contribute `undefined`).
 * Used to spread a report over multi-valued dimensions (its misc infos, assets, groups).
 */
export function combinations<T extends Record<string, unknown>>(lists: { [K in keyof T]: Array<T[K]> }): Array<Partial<T>> {
  let out: Array<Partial<T>> = [{}];
  for (const [key, values] of Object.entries(lists) as Array<[keyof T, unknown[]]>) {
    const choices = values.length > 0 ? values : [undefined];
    out = out.flatMap((partial) => choices.map((v) => ({ ...partial, [key]: v }) as Partial<T>));
  }
  return out;
}

/** Copies a row without its undefined values (absent dimensions are left out of answers). */
export function compact(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) if (v !== undefined) out[k] = v;
  return out;
}
