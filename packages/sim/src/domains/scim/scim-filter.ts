import { HttpError } from '../../errors.js';

/**
 * A SCIM filter (RFC 7644 §3.4.2.2) over user resources: `attrPath op value`, `attrPath pr`,
 * `and`, `or`, `not (…)`, parentheses. Operators `eq ne co sw ew gt ge lt le pr`; values are
 * JSON strings, numbers, `true`, `false`, `null`. Attribute names ignore case; a dotted path
 * (`name.familyName`, `emails.value`, `meta.created`) reads sub-attributes, and a multi-valued
 * attribute matches when any of its values does. Value filters in brackets (`emails[type eq
 * "work"]`) are not supported (400, like any syntax error).
 */
export type ScimPredicate = (resource: Record<string, unknown>) => boolean;

type Token = { kind: 'word'; text: string } | { kind: 'value'; value: unknown } | { kind: 'paren'; text: '(' | ')' };

const COMPARE_OPS = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
/** Attributes compared exactly (RFC 7643: `caseExact: true`); other strings ignore case. */
const CASE_EXACT = new Set(['id', 'externalid']);

function invalid(message: string): HttpError {
  return new HttpError(400, `invalidFilter: ${message}`);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: 'paren', text: c });
      i++;
    } else if (c === '"') {
      const m = /^"(?:[^"\\]|\\.)*"/.exec(text.slice(i));
      if (!m) throw invalid(`unterminated string at ${i}`);
      tokens.push({ kind: 'value', value: JSON.parse(m[0]) as string });
      i += m[0].length;
    } else {
      const m = /^[^\s()"]+/.exec(text.slice(i))!;
      const word = m[0];
      if (word.includes('[')) throw invalid(`value filters such as '${word}' are not supported`);
      if (/^-?\d+(\.\d+)?$/.test(word)) tokens.push({ kind: 'value', value: Number(word) });
      else if (/^(true|false|null)$/i.test(word)) tokens.push({ kind: 'value', value: JSON.parse(word.toLowerCase()) });
      else tokens.push({ kind: 'word', text: word });
      i += word.length;
    }
  }
  return tokens;
}

/** Every value at a dotted path, flattening arrays (multi-valued attributes). */
function valuesAt(resource: unknown, path: string[]): unknown[] {
  let current: unknown[] = [resource];
  for (const segment of path) {
    const next: unknown[] = [];
    for (const v of current.flat()) {
      if (typeof v !== 'object' || v === null) continue;
      const key = Object.keys(v).find((k) => k.toLowerCase() === segment);
      // A multi-valued attribute of plain objects compared directly means its `value`.
      if (key !== undefined) next.push((v as Record<string, unknown>)[key]);
    }
    current = next;
  }
  return current.flat().map((v) => (typeof v === 'object' && v !== null && 'value' in v ? (v as { value: unknown }).value : v));
}

function compare(op: string, actual: unknown, expected: unknown, exact: boolean): boolean {
  if (typeof actual === 'string' && typeof expected === 'string') {
    const a = exact ? actual : actual.toLowerCase();
    const e = exact ? expected : expected.toLowerCase();
    switch (op) {
      case 'eq': return a === e;
      case 'ne': return a !== e;
      case 'co': return a.includes(e);
      case 'sw': return a.startsWith(e);
      case 'ew': return a.endsWith(e);
      case 'gt': return a > e;
      case 'ge': return a >= e;
      case 'lt': return a < e;
      case 'le': return a <= e;
    }
  }
  if (op === 'eq') return actual === expected;
  if (op === 'ne') return actual !== expected;
  if (typeof actual === 'number' && typeof expected === 'number') {
    return op === 'gt' ? actual > expected : op === 'ge' ? actual >= expected : op === 'lt' ? actual < expected : op === 'le' ? actual <= expected : false;
  }
  if (['gt', 'ge', 'lt', 'le'].includes(op) && (typeof expected === 'boolean' || expected === null)) {
    throw invalid(`'${op}' cannot compare ${String(expected)}`);
  }
  return false;
}

/** Parses a filter; throws a 400 `HttpError` for anything it does not understand. */
export function parseScimFilter(text: string): ScimPredicate {
  const tokens = tokenize(text);
  let pos = 0;
  const peekWord = () => {
    const t = tokens[pos];
    return t?.kind === 'word' ? t.text.toLowerCase() : undefined;
  };
  const expectParen = (p: '(' | ')') => {
    const t = tokens[pos++];
    if (t?.kind !== 'paren' || t.text !== p) throw invalid(`expected '${p}'`);
  };

  const orExpr = (): ScimPredicate => {
    let left = andExpr();
    while (peekWord() === 'or') {
      pos++;
      const l = left;
      const r = andExpr();
      left = (x) => l(x) || r(x);
    }
    return left;
  };
  const andExpr = (): ScimPredicate => {
    let left = unary();
    while (peekWord() === 'and') {
      pos++;
      const l = left;
      const r = unary();
      left = (x) => l(x) && r(x);
    }
    return left;
  };
  const unary = (): ScimPredicate => {
    const t = tokens[pos];
    if (t?.kind === 'paren' && t.text === '(') {
      pos++;
      const inner = orExpr();
      expectParen(')');
      return inner;
    }
    if (peekWord() === 'not') {
      pos++;
      expectParen('(');
      const inner = orExpr();
      expectParen(')');
      return (x) => !inner(x);
    }
    if (t?.kind !== 'word') throw invalid('expected an attribute name');
    pos++;
    if (!/^[A-Za-z][\w$-]*(\.[A-Za-z][\w$-]*)*$/.test(t.text)) throw invalid(`'${t.text}' is not an attribute path`);
    const path = t.text.toLowerCase().split('.');
    const exact = CASE_EXACT.has(path[path.length - 1]!);
    const op = peekWord();
    if (op === undefined || (op !== 'pr' && !COMPARE_OPS.has(op))) throw invalid(`expected an operator after '${t.text}'`);
    pos++;
    if (op === 'pr') {
      return (x) => valuesAt(x, path).some((v) => v !== null && v !== undefined && v !== '');
    }
    const value = tokens[pos++];
    if (value?.kind !== 'value') throw invalid(`expected a value after '${t.text} ${op}'`);
    return (x) => {
      const values = valuesAt(x, path);
      if (op === 'ne') return !values.some((v) => compare('eq', v, value.value, exact));
      return values.some((v) => compare(op, v, value.value, exact));
    };
  };

  if (tokens.length === 0) throw invalid('the filter is empty');
  const predicate = orExpr();
  if (pos < tokens.length) throw invalid('unexpected text after the expression');
  return predicate;
}
