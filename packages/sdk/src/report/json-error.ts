/**
 * Finds where a JSON text stops being valid (internal to the report module).
 *
 * `JSON.parse` error messages differ by engine and often carry no position at all (Node 20:
 * `Unexpected token '}', "{"a":}" is not valid JSON`), so on failure we re-scan the text
 * with a small syntax checker to report a line and column.
 */

/** Where the first syntax error is. */
export interface JsonErrorLocation {
  /** 0-based UTF-16 offset. */
  position: number;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

/**
 * Scans `text` and returns the location of its first JSON syntax error, or `undefined`
 * when the text is valid JSON.
 */
export function locateJsonError(text: string): JsonErrorLocation | undefined {
  const pos = firstErrorPosition(text);
  if (pos === undefined) return undefined;
  let line = 1, lineStart = 0;
  for (let i = 0; i < pos; i++) {
    if (text.charCodeAt(i) === 10) { line++; lineStart = i + 1; }
  }
  return { position: pos, line, column: pos - lineStart + 1 };
}

class Fail {
  readonly at: number;
  constructor(at: number) {
    this.at = at;
  }
}

function firstErrorPosition(text: string): number | undefined {
  let i = 0;
  const n = text.length;
  const ws = (): void => {
    while (i < n && ' \t\n\r'.includes(text.charAt(i))) i++;
  };
  const literal = (word: string): void => {
    for (let k = 0; k < word.length; k++, i++) if (text.charAt(i) !== word.charAt(k)) throw new Fail(i);
  };
  const string = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= n) throw new Fail(i);
      const c = text.charCodeAt(i);
      if (c === 34) { i++; return; }
      if (c < 0x20) throw new Fail(i);
      if (c === 92) {
        const e = text.charAt(i + 1);
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new Fail(i);
          i += 6;
        } else if (ESCAPES.has(e)) i += 2;
        else throw new Fail(i);
      } else i++;
    }
  };
  const value = (): void => {
    ws();
    const c = text.charAt(i);
    if (c === '{') {
      i++; ws();
      if (text.charAt(i) === '}') { i++; return; }
      for (;;) {
        ws();
        if (text.charAt(i) !== '"') throw new Fail(i);
        string(); ws();
        if (text.charAt(i) !== ':') throw new Fail(i);
        i++; value(); ws();
        if (text.charAt(i) === ',') { i++; continue; }
        if (text.charAt(i) === '}') { i++; return; }
        throw new Fail(i);
      }
    }
    if (c === '[') {
      i++; ws();
      if (text.charAt(i) === ']') { i++; return; }
      for (;;) {
        value(); ws();
        if (text.charAt(i) === ',') { i++; continue; }
        if (text.charAt(i) === ']') { i++; return; }
        throw new Fail(i);
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    NUMBER_RE.lastIndex = i;
    const m = NUMBER_RE.exec(text);
    if (!m) throw new Fail(i);
    i += m[0].length;
  };
  try {
    value();
    ws();
    return i < n ? i : undefined;
  } catch (e) {
    if (e instanceof Fail) return e.at;
    throw e;
  }
}
