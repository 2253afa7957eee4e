import type { FilterNode } from './parser.js';

/** A row to filter: header fields by name (dates as epoch ms) plus collections as arrays. */
export type Row = Record<string, unknown>;

type Value = string | number | boolean | null;

interface Context {
  root: Row;
  variables: Map<string, Row>;
}

// WATS runs on SQL Server with a case-insensitive collation, so string comparisons
// (eq, gt, contains, ...) ignore case there; the simulator does the same.
function fold(text: string): string {
  return text.toUpperCase();
}

function compareValues(a: Value, b: Value): number {
  if (typeof a === 'string' && typeof b === 'string') {
    const x = fold(a);
    const y = fold(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

function equal(a: Value, b: Value): boolean {
  if (a === null || b === null) return a === b;
  return compareValues(a, b) === 0;
}

function read(node: Extract<FilterNode, { k: 'field' }>, ctx: Context): Value {
  const row = node.variable === undefined ? ctx.root : ctx.variables.get(node.variable);
  const value = row?.[node.name];
  return value === undefined ? null : (value as Value);
}

function call(name: string, args: Value[]): Value {
  if (args.some((a) => a === null)) return null;
  const [a, b, c] = args as [string, string | number, number | undefined];
  switch (name) {
    case 'contains':
      return fold(a).includes(fold(b as string));
    case 'startswith':
      return fold(a).startsWith(fold(b as string));
    case 'endswith':
      return fold(a).endsWith(fold(b as string));
    case 'tolower':
      return a.toLowerCase();
    case 'toupper':
      return a.toUpperCase();
    case 'trim':
      return a.trim();
    case 'length':
      return a.length;
    case 'indexof':
      return fold(a).indexOf(fold(b as string));
    case 'concat':
      return a + (b as string);
    case 'substring':
      return c === undefined ? a.slice(b as number) : a.slice(b as number, (b as number) + c);
    default:
      throw new Error(`unhandled function ${name}`);
  }
}

function evaluateNode(node: FilterNode, ctx: Context): Value {
  switch (node.k) {
    case 'literal':
      return node.value;
    case 'field':
      return read(node, ctx);
    case 'call':
      return call(node.name, node.args.map((a) => evaluateNode(a, ctx)));
    case 'compare': {
      const a = evaluateNode(node.left, ctx);
      const b = evaluateNode(node.right, ctx);
      // Null-aware equality (C# semantics, as Entity Framework translates it); ordering
      // comparisons with null are false.
      if (node.op === 'eq') return equal(a, b);
      if (node.op === 'ne') return !equal(a, b);
      if (a === null || b === null) return false;
      const cmp = compareValues(a, b);
      return node.op === 'gt' ? cmp > 0 : node.op === 'ge' ? cmp >= 0 : node.op === 'lt' ? cmp < 0 : cmp <= 0;
    }
    case 'in': {
      const a = evaluateNode(node.left, ctx);
      return node.items.some((item) => equal(a, evaluateNode(item, ctx)));
    }
    case 'and': {
      const a = evaluateNode(node.left, ctx);
      if (a === false) return false;
      const b = evaluateNode(node.right, ctx);
      return b === false ? false : a === null || b === null ? null : true;
    }
    case 'or': {
      const a = evaluateNode(node.left, ctx);
      if (a === true) return true;
      const b = evaluateNode(node.right, ctx);
      return b === true ? true : a === null || b === null ? null : false;
    }
    case 'not': {
      const a = evaluateNode(node.operand, ctx);
      return a === null ? null : !a;
    }
    case 'lambda': {
      const owner = node.owner === undefined ? ctx.root : ctx.variables.get(node.owner);
      const items = (owner?.[node.collection] as Row[] | undefined) ?? [];
      if (!node.body || node.variable === undefined) return items.length > 0;
      const test = (item: Row): boolean => {
        const variables = new Map(ctx.variables).set(node.variable!, item);
        return evaluateNode(node.body!, { root: ctx.root, variables }) === true;
      };
      return node.quantifier === 'any' ? items.some(test) : items.every(test);
    }
  }
}

/** True when the row matches the filter (unknown, i.e. null, counts as no match). */
export function matches(filter: FilterNode, row: Row): boolean {
  return evaluateNode(filter, { root: row, variables: new Map() }) === true;
}
