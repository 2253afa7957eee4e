import { HttpError } from '../errors.js';
import { parseWsjfDate } from '../wsjf/dates.js';

export type TokenKind =
  | 'ident'
  | 'string'
  | 'int'
  | 'decimal'
  | 'datetime'
  | 'guid'
  | '('
  | ')'
  | ','
  | ':'
  | '/'
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** Source text (for strings: the unescaped value). */
  text: string;
  /** Parsed value for literals: number, epoch ms, or canonical GUID. */
  value?: number | string;
  /** Character offset in the expression (0-based). */
  pos: number;
}

/** A 400 for a malformed or unsupported `$filter`, pointing at the offending position. */
export function filterError(message: string, pos?: number): HttpError {
  const where = pos === undefined ? '' : ` at position ${pos}`;
  return new HttpError(400, `$filter: ${message}${where}.`);
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![\w-])/i;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?(?![\w:.])/i;
const DATE = /^\d{4}-\d{2}-\d{2}(?![\w-])/;
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?(?![\w.])/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Splits an OData `$filter` expression into tokens. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < source.length) {
    const ch = source[pos]!;
    if (/\s/.test(ch)) {
      pos++;
      continue;
    }
    if ('(),:/'.includes(ch)) {
      tokens.push({ kind: ch as TokenKind, text: ch, pos });
      pos++;
      continue;
    }
    if (ch === "'") {
      let value = '';
      let i = pos + 1;
      for (;;) {
        if (i >= source.length) throw filterError('unterminated string literal', pos);
        if (source[i] === "'") {
          if (source[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          break;
        }
        value += source[i];
        i++;
      }
      tokens.push({ kind: 'string', text: value, value, pos });
      pos = i + 1;
      continue;
    }
    const rest = source.slice(pos);
    let m: RegExpExecArray | null;
    if ((m = GUID.exec(rest))) {
      tokens.push({ kind: 'guid', text: m[0], value: m[0].toLowerCase(), pos });
    } else if ((m = DATETIME.exec(rest))) {
      if (!/(?:Z|[+-]\d{2}:\d{2})$/i.test(m[0])) {
        throw filterError(`DateTimeOffset literal '${m[0]}' needs a time zone (Z or +hh:mm; send '+' as %2B in a URL)`, pos);
      }
      const ms = parseWsjfDate(m[0]);
      if (ms === undefined) throw filterError(`'${m[0]}' is not a valid DateTimeOffset`, pos);
      tokens.push({ kind: 'datetime', text: m[0], value: ms, pos });
    } else if ((m = DATE.exec(rest))) {
      throw filterError(`Edm.Date literal '${m[0]}' is not supported; use a DateTimeOffset like ${m[0]}T00:00:00Z`, pos);
    } else if ((m = NUMBER.exec(rest))) {
      const decimal = m[1] !== undefined || m[2] !== undefined;
      tokens.push({ kind: decimal ? 'decimal' : 'int', text: m[0], value: Number(m[0]), pos });
    } else if ((m = IDENT.exec(rest))) {
      tokens.push({ kind: 'ident', text: m[0], pos });
    } else {
      throw filterError(`unexpected character '${ch}'`, pos);
    }
    pos += m[0].length;
  }
  tokens.push({ kind: 'eof', text: '', pos });
  return tokens;
}
