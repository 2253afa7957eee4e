/**
 * A small typed view of TestStand's `<Prop>` serialisation, shared by the stock XML report
 * (`teststand-xml`) and the WATS add-on's property dump (`teststand-wats-dump`).
 *
 * TestStand writes every property as
 * `<Prop Name='X' Type='String|Number|Boolean|Obj|Array|TEResult|Reference…' [TypeName=…] Flags='0x…'>`
 * with either a scalar `<Value>text</Value>`, member `<Prop>` children (objects), or
 * `<Value ID='[i]'>…</Value>` elements (arrays; an element holds text or one `<Prop>`).
 * `ArrayElementPrototype`, `Attributes` and `Comment` children carry no result data and are not kept.
 *
 * Nodes remember their source line and parent so errors can name the element
 * (`Report[1]/Prop[TEResult]/Prop[TS]/…`) without building path strings for every node.
 */
import { ConversionError, type ConversionErrorCode } from '../errors.js';

/** One `<Value ID='[i]'>` element of an array property. */
export interface ArrayItem {
  readonly kind: 'item';
  /** The `ID` attribute, e.g. `[0]` or `[1][3]`. */
  readonly id: string;
  /** Text of a scalar element (undefined when the element holds a `<Prop>`). */
  text: string | undefined;
  /** The `<Prop>` an object element holds (usually one). */
  readonly props: PropNode[];
  readonly line: number;
  readonly parent: PropNode;
}

/** One `<Prop>` element. */
export interface PropNode {
  readonly kind: 'prop';
  /** The `Name` attribute; undefined for unnamed results (`<Prop Type='TEResult'>`). */
  readonly name: string | undefined;
  /** The `Type` attribute (`String`, `Number`, `Boolean`, `Obj`, `Array`, `TEResult`, ...). */
  readonly type: string | undefined;
  /** The `TypeName` attribute (`NI_LimitMeasurement`, `WATS_OperationType`, ...). */
  readonly typeName: string | undefined;
  /** The text of the scalar `<Value>` child ('' for `<Value></Value>`), undefined when there is none. */
  value: string | undefined;
  /** Member properties (objects and TEResults). */
  readonly props: PropNode[];
  /** Elements of an array property. */
  readonly items: ArrayItem[];
  readonly line: number;
  /** The array element or property that holds this one; undefined for a top-level property. */
  readonly parent: PropNode | ArrayItem | undefined;
  /** Path of the holder of a top-level property, e.g. `Reports/Report[2]`. */
  readonly base: string;
}

/** Where errors and warnings go: the file, the converter, and the warning sink. */
export interface Source {
  readonly file: string;
  readonly format: string;
  warn(message: string, position?: { line?: number; element?: string }): void;
}

export function newProp(attrs: Record<string, string>, line: number, parent: PropNode | ArrayItem | undefined, base: string): PropNode {
  return {
    kind: 'prop',
    name: attrs.Name,
    type: attrs.Type,
    typeName: attrs.TypeName,
    value: undefined,
    props: [],
    items: [],
    line,
    parent,
    base,
  };
}

/**
 * The element path of a node: `Reports/Report[1]/Prop[UUT]/Prop[SerialNumber]`; properties by
 * name (or type when unnamed), array elements by index (`Value[3]`).
 */
export function pathOf(node: PropNode | ArrayItem): string {
  const parts: string[] = [];
  let n: PropNode | ArrayItem | undefined = node;
  let base = '';
  while (n) {
    if (n.kind === 'item') {
      parts.push(/^(\[\d+\])+$/.test(n.id) ? `Value${n.id}` : `Value[${n.id}]`);
      n = n.parent;
    } else {
      parts.push(`Prop[${n.name ?? n.type ?? '?'}]`);
      base = n.base;
      n = n.parent;
    }
  }
  return [base, ...parts.reverse()].filter(Boolean).join('/');
}

/** A position for `ConversionError` / `ctx.warn`: the node's line and element path. */
export function where(node: PropNode | ArrayItem): { line: number; element: string } {
  return { line: node.line, element: pathOf(node) };
}

/** A node, or a position already worked out. */
export type At = PropNode | ArrayItem | { line?: number; element?: string };

/** The position of an {@link At} (element paths are built only when needed). */
export function positionOf(at: At | undefined): { line?: number; element?: string } | undefined {
  return at === undefined ? undefined : 'kind' in at ? where(at) : at;
}

/** Throws a ConversionError at a node (its line and element path) or at a given position. */
export function fail(src: Source, code: ConversionErrorCode, at: At | undefined, reason: string): never {
  throw new ConversionError({ code, file: src.file, format: src.format, position: positionOf(at), reason });
}

/** The member property called `name`. */
export function child(node: PropNode | undefined, name: string): PropNode | undefined {
  if (!node) return undefined;
  for (const p of node.props) if (p.name === name) return p;
  return undefined;
}

/** The property at a dotted path below `node`: `at(result, 'TS.SequenceCall.ResultList')`. */
export function at(node: PropNode | undefined, path: string): PropNode | undefined {
  let n = node;
  let from = 0;
  while (n) {
    const dot = path.indexOf('.', from);
    if (dot === -1) return child(n, from === 0 ? path : path.slice(from));
    n = child(n, path.slice(from, dot));
    from = dot + 1;
  }
  return undefined;
}

/** The scalar text at `path` (undefined when the property or its `<Value>` is missing). */
export function str(node: PropNode | undefined, path: string): string | undefined {
  return at(node, path)?.value;
}

/** Like {@link str}, but '' counts as missing. */
export function nonEmpty(node: PropNode | undefined, path: string): string | undefined {
  const v = str(node, path);
  return v === undefined || v.trim() === '' ? undefined : v;
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX = /^[+-]?0[xX][0-9a-fA-F]+$/;
const BIN = /^[+-]?0[bB][01]+$/;
const NAN = /^[+-]?(?:nan|ind|qnan|snan|1\.#(?:ind|qnan|snan)\d*|nan\(ind\))$/i;
const INF = /^([+-]?)(?:inf|infinity|1\.#inf\d*)$/i;

/**
 * Reads a TestStand number as written in a report: decimal (`5`, `2.75e-05`), hexadecimal or
 * binary (a `%x`/`%b` numeric format), `NaN`/`IND` and `INF` in their various spellings.
 * Returns undefined when the text is not a number.
 */
export function parseTsNumber(text: string): number | undefined {
  const t = text.trim();
  if (DECIMAL.test(t)) return Number(t);
  if (HEX.test(t) || BIN.test(t)) {
    const neg = t.startsWith('-');
    const body = t.replace(/^[+-]/, '');
    const n = Number(body);
    return neg ? -n : n;
  }
  if (NAN.test(t)) return NaN;
  const inf = INF.exec(t);
  if (inf) return inf[1] === '-' ? -Infinity : Infinity;
  return undefined;
}

/** The number at `path`; undefined when missing or empty; a `CONVERT_ERR_VALUE` when it is not a number. */
export function num(src: Source, node: PropNode | undefined, path: string): number | undefined {
  const p = at(node, path);
  return p ? numberFrom(src, p.value, p, p.name ?? path) : undefined;
}

/** A number from text (undefined when empty); a `CONVERT_ERR_VALUE` at `node` when it is not one. */
export function numberFrom(src: Source, text: string | undefined, node: PropNode | ArrayItem, label: string): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const n = parseTsNumber(text);
  if (n === undefined) fail(src, 'CONVERT_ERR_VALUE', node, `${label} is not a number: ${JSON.stringify(clip(text))}`);
  return n;
}

/** An integer at `path` (numbers with a fraction are a `CONVERT_ERR_VALUE`). */
export function int(src: Source, node: PropNode | undefined, path: string): number | undefined {
  const n = num(src, node, path);
  if (n === undefined) return undefined;
  if (!Number.isInteger(n)) fail(src, 'CONVERT_ERR_VALUE', at(node, path), `${path} must be a whole number, got ${n}`);
  return n;
}

/** The Boolean at `path` (`True`/`False`, any case; also 1/0); a `CONVERT_ERR_VALUE` otherwise. */
export function bool(src: Source, node: PropNode | undefined, path: string): boolean | undefined {
  const p = at(node, path);
  if (!p || p.value === undefined || p.value.trim() === '') return undefined;
  const v = p.value.trim().toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  return fail(src, 'CONVERT_ERR_VALUE', p, `${p.name ?? path} is not a Boolean: ${JSON.stringify(clip(p.value))}`);
}

/** The object an array element holds (its first `<Prop>`), or undefined for a scalar element. */
export function itemProp(item: ArrayItem): PropNode | undefined {
  return item.props[0];
}

/** The first unnamed `TEResult` property among `props` (a report's main result). */
export function findResult(props: readonly PropNode[]): PropNode | undefined {
  return props.find((p) => p.type === 'TEResult' && p.name === undefined) ?? props.find((p) => p.type === 'TEResult');
}

export function clip(s: string, max = 60): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
