/**
 * WATS stores barcode identifier patterns as .NET regular expressions. JavaScript's RegExp
 * reads most of them the same way (classes, quantifiers, `(?<name>…)` groups, look-arounds);
 * this translates the few .NET spellings that differ and rejects what cannot be translated.
 */
export class RegexSyntaxError extends Error {}

/** Compiles a .NET pattern to a JS RegExp (search semantics, like `Regex.Match`). */
export function compileDotNetRegex(source: string): RegExp {
  let pattern = source;
  let flags = 'u';
  // Leading inline options such as (?i) or (?im): JS only takes these as flags.
  const inline = /^\(\?([imsx]+)\)/.exec(pattern);
  if (inline) {
    pattern = pattern.slice(inline[0].length);
    for (const f of inline[1]!) {
      if (f === 'x') throw new RegexSyntaxError('the (?x) option is not supported');
      if (!flags.includes(f)) flags += f;
    }
  }
  // \A start, \z end, \Z end or before a final newline.
  pattern = pattern.replace(/(^|[^\\])((?:\\\\)*)\\A/g, '$1$2^').replace(/(^|[^\\])((?:\\\\)*)\\[zZ]/g, '$1$2(?=\\n?$)');
  // .NET's (?<name>) and (?'name') groups: JS only knows the first spelling.
  pattern = pattern.replace(/\(\?'([A-Za-z_][A-Za-z0-9_]*)'/g, '(?<$1>');
  try {
    return new RegExp(pattern, flags);
  } catch (err) {
    // Some .NET patterns are not valid in unicode mode (e.g. needless escapes like \-): retry without it.
    try {
      return new RegExp(pattern, flags.replace('u', ''));
    } catch {
      throw new RegexSyntaxError((err as Error).message);
    }
  }
}

/**
 * The value a pattern finds in a text: its named group when it has exactly one, else its
 * first capturing group that matched, else the whole match. Undefined when it does not match.
 */
export function extractWith(regex: RegExp, text: string): string | undefined {
  const m = regex.exec(text);
  if (!m) return undefined;
  const named = m.groups ? Object.values(m.groups).filter((v) => v !== undefined) : [];
  if (named.length === 1) return named[0];
  for (let i = 1; i < m.length; i++) {
    if (m[i] !== undefined) return m[i];
  }
  return m[0];
}
