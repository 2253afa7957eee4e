/**
 * A typed OData `$filter` builder that always escapes values.
 *
 * ```ts
 * and(eq('serialNumber', "O'Brien"), ge('start', new Date('2026-01-01Z')), contains('partNumber', 'PCBA'))
 * // → serialNumber eq 'O''Brien' and start ge 2026-01-01T00:00:00.000Z and contains(partNumber,'PCBA')
 * ```
 *
 * The WATS header query supports string functions, `and/or/not`, and
 * `eq/ne/gt/ge/lt/le/in` (OpenAPI `Report_HeaderQuery`). Values are written as
 * OData v4 literals: strings quoted with `'` doubled, dates as UTC ISO 8601,
 * GUIDs bare, numbers only when finite.
 */
import { WatsError } from '../core/errors.js';

/** A built filter expression. `String(expr)` gives the `$filter` text. */
export interface Filter {
  readonly odata: string;
  toString(): string;
}

/** A GUID literal (written bare, as OData wants), checked when made. */
export interface Guid {
  readonly guid: string;
}

export type ODataValue = string | number | boolean | null | Date | Guid;

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FIELD_RE = /^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*$/;

function make(odata: string): Filter {
  return { odata, toString: () => odata };
}

/** Marks a value as a GUID literal. Throws if it is not one. */
export function guid(value: string): Guid {
  if (!GUID_RE.test(value)) throw new WatsError(`not a GUID: ${JSON.stringify(value)}`, { code: 'WATS_ERR_ODATA' });
  return { guid: value.toLowerCase() };
}

/** Formats one value as an OData literal. */
export function literal(value: ODataValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new WatsError(`OData cannot compare with ${value}`, { code: 'WATS_ERR_ODATA' });
    }
    return String(value);
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new WatsError('OData cannot compare with an invalid Date', { code: 'WATS_ERR_ODATA' });
    return value.toISOString();
  }
  if (typeof value === 'object' && 'guid' in value) return guid(value.guid).guid;
  throw new WatsError(`unsupported OData value: ${String(value)}`, { code: 'WATS_ERR_ODATA' });
}

function field(name: string): string {
  if (!FIELD_RE.test(name)) throw new WatsError(`not an OData field name: ${JSON.stringify(name)}`, { code: 'WATS_ERR_ODATA' });
  return name;
}

function compare(op: string) {
  return <F extends string>(name: F, value: ODataValue): Filter => make(`${field(name)} ${op} ${literal(value)}`);
}

/** `field eq value` */
export const eq = compare('eq');
/** `field ne value` */
export const ne = compare('ne');
/** `field gt value` */
export const gt = compare('gt');
/** `field ge value` */
export const ge = compare('ge');
/** `field lt value` */
export const lt = compare('lt');
/** `field le value` */
export const le = compare('le');

/** `field in (a, b, c)`; an empty list matches nothing. */
export function isIn(name: string, values: readonly ODataValue[]): Filter {
  if (values.length === 0) return make('false');
  return make(`${field(name)} in (${values.map(literal).join(',')})`);
}

function fn(name: string) {
  return (fieldName: string, text: string): Filter => make(`${name}(${field(fieldName)},${literal(text)})`);
}

/** `contains(field,'text')` */
export const contains = fn('contains');
/** `startswith(field,'text')` */
export const startsWith = fn('startswith');
/** `endswith(field,'text')` */
export const endsWith = fn('endswith');

function join(op: 'and' | 'or', parts: readonly (Filter | undefined | false)[]): Filter | undefined {
  const kept = parts.filter((p): p is Filter => !!p);
  if (kept.length === 0) return undefined;
  if (kept.length === 1) return kept[0];
  return make(kept.map((p) => `(${p.odata})`).join(` ${op} `));
}

/** All of the given filters. `undefined`/`false` entries are skipped, so optional criteria compose. */
export function and(...parts: (Filter | undefined | false)[]): Filter {
  return join('and', parts) ?? make('true');
}

/** Any of the given filters. */
export function or(...parts: (Filter | undefined | false)[]): Filter {
  return join('or', parts) ?? make('false');
}

/** Negation. */
export function not(part: Filter): Filter {
  return make(`not (${part.odata})`);
}

/**
 * An expression written by hand. Nothing is escaped: use only with constant
 * text, never with values that come from users or files.
 */
export function raw(odata: string): Filter {
  return make(odata);
}
