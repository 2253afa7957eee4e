/**
 * WATS filter values are SQL `LIKE` patterns: `%` any run of characters, `_` one character,
 * and `;` separates alternatives (`PSU-%;CTRL-1__`). Matching ignores case, as the SQL Server
 * collation behind WATS does. An empty pattern (or one of only `;`) matches everything.
 */
export type Matcher = (value: string | number | undefined | null) => boolean;

const cache = new Map<string, Matcher>();

function compile(alternative: string): RegExp {
  let body = '';
  for (const ch of alternative) {
    if (ch === '%') body += '[\\s\\S]*';
    else if (ch === '_') body += '[\\s\\S]';
    else body += ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${body}$`, 'i');
}

/** A matcher for one filter value (see the module comment). */
export function likeMatcher(pattern: string): Matcher {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const alternatives = pattern.split(';').map((p) => p.trim()).filter((p) => p !== '');
  let matcher: Matcher;
  if (alternatives.length === 0) {
    matcher = () => true;
  } else {
    const regexes = alternatives.map(compile);
    matcher = (value) => value !== undefined && value !== null && regexes.some((r) => r.test(String(value)));
  }
  if (cache.size > 500) cache.clear();
  cache.set(pattern, matcher);
  return matcher;
}

/** Splits a `;` list (`"2;5"`) into its trimmed, non-empty entries. */
export function splitList(text: string | undefined): string[] {
  return (text ?? '').split(';').map((p) => p.trim()).filter((p) => p !== '');
}
