/**
 * Collision-free names in Done and Error folders: `run.log`, then `run (1).log`, `run (2).log`…
 * A name is free only when every related name (the `.error.json` sidecar, a companion
 * folder) is free too, and no pending post-action has reserved it.
 */
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { isNotFound } from './fs-utils.js';

/** The `n`th alternative of a file name: `run.log` → `run (n).log` (n = 0 gives the name itself). */
export function numberedName(name: string, n: number): string {
  if (n === 0) return name;
  const ext = extname(name);
  const stem = ext && ext !== name ? name.slice(0, -ext.length) : name;
  return `${stem} (${n})${stem === name ? '' : ext}`;
}

/** The file name without its last extension (`run.log` → `run`); Klippel's companion folder is named so. */
export function stemOf(name: string): string {
  const ext = extname(name);
  return ext && ext !== name ? name.slice(0, -ext.length) : name;
}

/** Options of {@link freeName}. */
export interface FreeNameOptions {
  /** Names derived from a candidate that must be free too, e.g. `(n) => [n + '.error.json']`. */
  related?: (candidate: string) => string[];
  /** Absolute paths already promised to someone (pending post-actions). */
  reserved?: ReadonlySet<string>;
  /** Compare names without case (Windows). @default true on Windows */
  caseInsensitive?: boolean;
}

/**
 * The first name of `name`, `name (1)`, `name (2)`… that is free in `dir` (with its related
 * names). It reads the folder once; the caller creates the file without overwriting
 * (hard link or exclusive create), so a name taken in between is noticed, never clobbered.
 */
export async function freeName(dir: string, name: string, options: FreeNameOptions = {}): Promise<string> {
  const ci = options.caseInsensitive ?? process.platform === 'win32';
  const norm = (s: string) => (ci ? s.toLowerCase() : s);
  let taken: Set<string>;
  try {
    taken = new Set((await readdir(dir)).map(norm));
  } catch (err) {
    if (!isNotFound(err)) throw err;
    taken = new Set();
  }
  const reserved = new Set([...(options.reserved ?? [])].map(norm));
  const isFree = (n: string) => !taken.has(norm(n)) && !reserved.has(norm(join(dir, n)));
  for (let i = 0; ; i++) {
    const candidate = numberedName(name, i);
    if (isFree(candidate) && (options.related?.(candidate) ?? []).every(isFree)) return candidate;
  }
}
