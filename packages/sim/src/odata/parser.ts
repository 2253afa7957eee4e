import { EDM_NAMES, type EdmType, type EntityModel } from './entity-model.js';
import { filterError, tokenize, type Token } from './lexer.js';

export type ValueType = EdmType | 'null';
export type ComparisonOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

/** The `$filter` syntax tree. Every node knows its static type (checked while parsing). */
export type FilterNode =
  | { k: 'literal'; type: ValueType; value: string | number | boolean | null }
  | { k: 'field'; type: EdmType; name: string; variable?: string }
  | { k: 'compare'; type: 'bool'; op: ComparisonOp; left: FilterNode; right: FilterNode }
  | { k: 'in'; type: 'bool'; left: FilterNode; items: FilterNode[] }
  | { k: 'and' | 'or'; type: 'bool'; left: FilterNode; right: FilterNode }
  | { k: 'not'; type: 'bool'; operand: FilterNode }
  | { k: 'call'; type: EdmType; name: string; args: FilterNode[] }
  | { k: 'lambda'; type: 'bool'; quantifier: 'any' | 'all'; collection: string; owner?: string; variable?: string; body?: FilterNode };

const EQUALITY = new Set(['eq', 'ne']);
const RELATIONAL = new Set(['gt', 'ge', 'lt', 'le']);
const ARITHMETIC = new Set(['add', 'sub', 'mul', 'div', 'divby', 'mod']);

/** Supported string functions: name → [argument types, result type]. */
const FUNCTIONS: Record<string, { args: EdmType[]; optional?: number; result: EdmType }> = {
  contains: { args: ['string', 'string'], result: 'bool' },
  startswith: { args: ['string', 'string'], result: 'bool' },
  endswith: { args: ['string', 'string'], result: 'bool' },
  tolower: { args: ['string'], result: 'string' },
  toupper: { args: ['string'], result: 'string' },
  trim: { args: ['string'], result: 'string' },
  length: { args: ['string'], result: 'int' },
  indexof: { args: ['string', 'string'], result: 'int' },
  concat: { args: ['string', 'string'], result: 'string' },
  substring: { args: ['string', 'int', 'int'], optional: 1, result: 'string' },
};

/** OData functions the real server rejects (arithmetic, number and date functions, casts). */
const UNSUPPORTED_FUNCTIONS = new Set([
  'year', 'month', 'day', 'hour', 'minute', 'second', 'fractionalseconds', 'date', 'time',
  'totaloffsetminutes', 'totalseconds', 'now', 'maxdatetime', 'mindatetime', 'round', 'floor',
  'ceiling', 'cast', 'isof', 'matchespattern', 'hassubset', 'hassubsequence',
]);

const NUMERIC = new Set<ValueType>(['int', 'number']);

function compatible(a: ValueType, b: ValueType): boolean {
  return a === 'null' || b === 'null' || a === b || (NUMERIC.has(a) && NUMERIC.has(b));
}

class Parser {
  private readonly tokens: Token[];
  private i = 0;
  private readonly scopes: Array<{ variable: string; model: EntityModel }> = [];
  private readonly root: EntityModel;

  constructor(source: string, root: EntityModel) {
    this.tokens = tokenize(source);
    this.root = root;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }

  private isWord(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && t.text === word;
  }

  private expect(kind: Token['kind'], what: string): Token {
    const t = this.next();
    if (t.kind !== kind) throw filterError(`expected ${what} but found ${describe(t)}`, t.pos);
    return t;
  }

  parse(): FilterNode {
    if (this.peek().kind === 'eof') throw filterError('the expression is empty');
    const node = this.parseOr();
    const t = this.peek();
    if (t.kind !== 'eof') throw filterError(`unexpected ${describe(t)}`, t.pos);
    return requireBool(node, 0);
  }

  private parseOr(): FilterNode {
    let left = this.parseAnd();
    while (this.isWord('or')) {
      const t = this.next();
      left = { k: 'or', type: 'bool', left: requireBool(left, t.pos), right: requireBool(this.parseAnd(), t.pos) };
    }
    return left;
  }

  private parseAnd(): FilterNode {
    let left = this.parseEquality();
    while (this.isWord('and')) {
      const t = this.next();
      left = { k: 'and', type: 'bool', left: requireBool(left, t.pos), right: requireBool(this.parseEquality(), t.pos) };
    }
    return left;
  }

  private parseEquality(): FilterNode {
    let left = this.parseRelational();
    while (this.peek().kind === 'ident' && EQUALITY.has(this.peek().text)) {
      const t = this.next();
      left = compare(t, left, this.parseRelational());
    }
    return left;
  }

  private parseRelational(): FilterNode {
    let left = this.parseUnary();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'ident') return left;
      if (RELATIONAL.has(t.text)) {
        this.next();
        left = compare(t, left, this.parseUnary());
      } else if (t.text === 'in') {
        this.next();
        left = this.parseIn(left, t);
      } else if (ARITHMETIC.has(t.text)) {
        throw filterError(`arithmetic operator '${t.text}' is not supported`, t.pos);
      } else if (t.text === 'has') {
        throw filterError(`the 'has' operator is not supported`, t.pos);
      } else {
        return left;
      }
    }
  }

  private parseIn(left: FilterNode, op: Token): FilterNode {
    this.expect('(', "'(' after 'in'");
    const items: FilterNode[] = [];
    do {
      const item = this.parseUnary();
      if (item.k !== 'literal') throw filterError(`'in' accepts literal values only`, op.pos);
      if (!compatible(left.type, item.type)) throw incompatible('in', left.type, item.type, op.pos);
      items.push(item);
    } while (this.peek().kind === ',' && this.next());
    this.expect(')', "')' to close the 'in' list");
    return { k: 'in', type: 'bool', left, items };
  }

  private parseUnary(): FilterNode {
    if (this.isWord('not')) {
      const t = this.next();
      const operand = this.parseUnary();
      if (operand.type !== 'bool') {
        throw filterError(`'not' needs a Boolean operand (write not (a eq b)), found ${EDM_NAMES[operand.type]}`, t.pos);
      }
      return { k: 'not', type: 'bool', operand };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): FilterNode {
    const t = this.next();
    switch (t.kind) {
      case '(': {
        const inner = this.parseOr();
        this.expect(')', "')'");
        return inner;
      }
      case 'string':
        return { k: 'literal', type: 'string', value: t.text };
      case 'int':
        return { k: 'literal', type: 'int', value: t.value as number };
      case 'decimal':
        return { k: 'literal', type: 'number', value: t.value as number };
      case 'datetime':
        return { k: 'literal', type: 'datetime', value: t.value as number };
      case 'guid':
        return { k: 'literal', type: 'guid', value: t.value as string };
      case 'ident':
        return this.parseIdentifier(t);
      default:
        throw filterError(`unexpected ${describe(t)}`, t.pos);
    }
  }

  private parseIdentifier(t: Token): FilterNode {
    if (t.text === 'true' || t.text === 'false') return { k: 'literal', type: 'bool', value: t.text === 'true' };
    if (t.text === 'null') return { k: 'literal', type: 'null', value: null };
    if (this.peek().kind === '(') return this.parseCall(t);
    const scope = [...this.scopes].reverse().find((s) => s.variable === t.text);
    if (scope) {
      this.expect('/', `'/' after the lambda variable '${t.text}'`);
      return this.parseMember(scope.model, this.expect('ident', 'a property name'), t.text);
    }
    return this.parseMember(this.root, t, undefined);
  }

  private parseMember(model: EntityModel, t: Token, variable: string | undefined): FilterNode {
    const type = model.fields.get(t.text);
    if (type) {
      if (this.peek().kind === '/') throw filterError(`'${t.text}' has no properties`, this.peek().pos);
      const node: FilterNode = { k: 'field', type, name: t.text };
      if (variable !== undefined) node.variable = variable;
      return node;
    }
    const collection = model.collections.get(t.text);
    if (!collection) throw filterError(`could not find a property named '${t.text}' on ${shortName(model)}`, t.pos);
    this.expect('/', `'/any(...)' or '/all(...)' after the collection '${t.text}'`);
    const q = this.expect('ident', "'any' or 'all'");
    if (q.text !== 'any' && q.text !== 'all') throw filterError(`expected 'any' or 'all' but found '${q.text}'`, q.pos);
    this.expect('(', "'('");
    const node: FilterNode = { k: 'lambda', type: 'bool', quantifier: q.text, collection: t.text };
    if (variable !== undefined) node.owner = variable;
    if (this.peek().kind === ')') {
      if (q.text === 'all') throw filterError(`'all' needs a lambda expression`, q.pos);
      this.next();
      return node;
    }
    const v = this.expect('ident', 'a lambda variable');
    this.expect(':', "':' after the lambda variable");
    this.scopes.push({ variable: v.text, model: collection });
    node.variable = v.text;
    node.body = requireBool(this.parseOr(), v.pos);
    this.scopes.pop();
    this.expect(')', "')' to close the lambda");
    return node;
  }

  private parseCall(t: Token): FilterNode {
    const fn = FUNCTIONS[t.text];
    if (!fn) {
      if (UNSUPPORTED_FUNCTIONS.has(t.text)) throw filterError(`function '${t.text}' is not supported`, t.pos);
      throw filterError(`unknown function '${t.text}'`, t.pos);
    }
    this.expect('(', "'('");
    const args: FilterNode[] = [];
    if (this.peek().kind !== ')') {
      do args.push(this.parseOr());
      while (this.peek().kind === ',' && this.next());
    }
    this.expect(')', `')' to close ${t.text}(...)`);
    const min = fn.args.length - (fn.optional ?? 0);
    if (args.length < min || args.length > fn.args.length) {
      throw filterError(`${t.text}() takes ${min === fn.args.length ? min : `${min}-${fn.args.length}`} arguments`, t.pos);
    }
    args.forEach((arg, n) => {
      const want = fn.args[n]!;
      if (!compatible(want, arg.type)) {
        throw filterError(`argument ${n + 1} of ${t.text}() must be ${EDM_NAMES[want]}, found ${EDM_NAMES[arg.type]}`, t.pos);
      }
    });
    return { k: 'call', type: fn.result, name: t.text, args };
  }
}

function describe(t: Token): string {
  if (t.kind === 'eof') return 'the end of the expression';
  if (t.kind === 'string') return `string '${t.text}'`;
  return `'${t.text}'`;
}

function shortName(model: EntityModel): string {
  return model.name.split('.').pop() ?? model.name;
}

function requireBool(node: FilterNode, pos: number): FilterNode {
  if (node.type !== 'bool') throw filterError(`expected a Boolean expression, found ${EDM_NAMES[node.type]}`, pos);
  return node;
}

function incompatible(op: string, a: ValueType, b: ValueType, pos: number): Error {
  return filterError(`a binary operator with incompatible types was detected: found operand types '${EDM_NAMES[a]}' and '${EDM_NAMES[b]}' for operator '${op}'`, pos);
}

function compare(t: Token, left: FilterNode, right: FilterNode): FilterNode {
  if (!compatible(left.type, right.type)) throw incompatible(t.text, left.type, right.type, t.pos);
  const ordered = RELATIONAL.has(t.text);
  const type = left.type === 'null' ? right.type : left.type;
  if (ordered && (type === 'bool' || type === 'guid')) {
    throw filterError(`operator '${t.text}' cannot compare ${EDM_NAMES[type]} values`, t.pos);
  }
  return { k: 'compare', type: 'bool', op: t.text as ComparisonOp, left, right };
}

/** Parses and type-checks a `$filter` expression against an entity model. Throws a 400 HttpError. */
export function parseFilter(source: string, model: EntityModel): FilterNode {
  return new Parser(source, model).parse();
}
