/**
 * A small glob matcher for the include/exclude lists of watch folders (Node 20 has no stable
 * one). Supported: `*` (any run of characters except `/`), `?` (one character except `/`),
 * `**` as a whole path segment (any number of folders, including none), `[abc]`, `[a-z]`,
 * `[!abc]`, `{a,b}` (nested allowed) and `\` to escape the next character.
 * A pattern without `/` is matched against the file name alone, so `*.xml` matches
 * `sub/run.xml` too; a pattern with `/` is matched against the whole relative path.
 */

/** Options of {@link compileGlob} and {@link createGlobMatcher}. */
export interface GlobOptions {
  /** Match letters regardless of case. @default true on Windows, false elsewhere */
  caseInsensitive?: boolean;
}

/** True on file systems that usually ignore case (Windows). */
export const DEFAULT_CASE_INSENSITIVE = process.platform === 'win32';

/** Compiles one glob into a RegExp matching a whole `/`-separated relative path (or name). */
export function compileGlob(pattern: string, options: GlobOptions = {}): RegExp {
  const ci = options.caseInsensitive ?? DEFAULT_CASE_INSENSITIVE;
  if (pattern === '') throw new SyntaxError('empty glob pattern');
  return new RegExp(`^${translate(pattern)}$`, ci ? 'i' : '');
}

/** Translates a glob (or one `{}` alternative) into a RegExp source. */
function translate(glob: string): string {
  let out = '';
  let i = 0;
  while (i < glob.length) {
    const c = glob[i]!;
    if (c === '\\') {
      const next = glob[i + 1];
      out += escapeRegExp(next ?? '\\');
      i += next === undefined ? 1 : 2;
    } else if (c === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        const end = i + 2;
        if (atStart && glob[end] === '/') {
          out += '(?:[^/]*/)*'; // `**/`: zero or more folders
          i = end + 1;
          continue;
        }
        if (atStart && end === glob.length) {
          out += '.*'; // trailing `**`: everything below
          i = end;
          continue;
        }
        out += '[^/]*'; // `**` inside a segment is just `*`
        i = end;
        continue;
      }
      out += '[^/]*';
      i++;
    } else if (c === '?') {
      out += '[^/]';
      i++;
    } else if (c === '[') {
      const close = findClassEnd(glob, i);
      if (close < 0) {
        out += '\\[';
        i++;
        continue;
      }
      let body = glob.slice(i + 1, close);
      let negate = false;
      if (body.startsWith('!') || body.startsWith('^')) {
        negate = true;
        body = body.slice(1);
      }
      const cls = body.replace(/\\(.)/g, '$1').replace(/[\\\]^]/g, (m) => `\\${m}`);
      out += negate ? `(?!/)[^${cls}]` : `(?!/)[${cls}]`;
      i = close + 1;
    } else if (c === '{') {
      const close = findBraceEnd(glob, i);
      if (close < 0) {
        out += '\\{';
        i++;
        continue;
      }
      const alternatives = splitTopLevel(glob.slice(i + 1, close));
      out += `(?:${alternatives.map(translate).join('|')})`;
      i = close + 1;
    } else {
      out += escapeRegExp(c);
      i++;
    }
  }
  return out;
}

function findClassEnd(glob: string, open: number): number {
  let j = open + 1;
  if (glob[j] === '!' || glob[j] === '^') j++;
  if (glob[j] === ']') j++; // a leading `]` is literal
  for (; j < glob.length; j++) {
    if (glob[j] === '\\') j++;
    else if (glob[j] === ']') return j;
    else if (glob[j] === '/') return -1;
  }
  return -1;
}

function findBraceEnd(glob: string, open: number): number {
  let depth = 0;
  for (let j = open; j < glob.length; j++) {
    const c = glob[j];
    if (c === '\\') j++;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return j;
  }
  return -1;
}

function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let j = 0; j < body.length; j++) {
    const c = body[j];
    if (c === '\\') j++;
    else if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(body.slice(start, j));
      start = j + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, (m) => (m === '/' ? '/' : `\\${m}`));
}

/** Tests a relative path (`/` separators) against include and exclude globs. */
export type GlobMatcher = (relativePath: string) => boolean;

/**
 * A matcher that accepts a path when it matches some `include` glob (or `include` is empty)
 * and no `exclude` glob. Backslashes in paths are read as separators.
 */
export function createGlobMatcher(include: readonly string[], exclude: readonly string[], options: GlobOptions = {}): GlobMatcher {
  const compile = (p: string) => ({ re: compileGlob(p.replace(/^\.\//, ''), options), base: !p.includes('/') });
  const inc = include.map(compile);
  const exc = exclude.map(compile);
  const test = (g: { re: RegExp; base: boolean }, rel: string, name: string) => g.re.test(g.base ? name : rel);
  return (relativePath) => {
    const rel = relativePath.replace(/\\/g, '/').replace(/^\.\//, '');
    const name = rel.slice(rel.lastIndexOf('/') + 1);
    if (inc.length > 0 && !inc.some((g) => test(g, rel, name))) return false;
    return !exc.some((g) => test(g, rel, name));
  };
}
