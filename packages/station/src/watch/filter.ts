/**
 * Which paths of a watch folder are input files. Never picked up, whatever the globs say:
 * dotfiles and anything under a dot-folder, our own sidecars (`*.error.json`), temp and
 * partial-download files, the Done/Error folders (of any watch folder), other watch folders
 * nested inside this one, and sub-folders unless the folder is recursive.
 */
import { isAbsolute, relative, sep } from 'node:path';
import { createGlobMatcher, DEFAULT_CASE_INSENSITIVE } from '../files/glob.js';

/** File names that are never inputs: sidecars, temp files, office lock files, partial downloads. */
const NEVER = [
  /\.error\.json$/i,
  /\.(tmp|temp|part|partial|crdownload|download|swp|swx|lck)$/i,
  /^~\$/, // Office lock files
  /~$/, // editor backups
];

export interface FolderFilterOptions {
  /** Absolute path of the watch folder. */
  root: string;
  include: readonly string[];
  exclude: readonly string[];
  recursive: boolean;
  /** Absolute folders never looked into (Done and Error folders, nested watch folders). */
  excludedDirs: readonly string[];
  /** @default true on Windows */
  caseInsensitive?: boolean;
}

export interface FolderFilter {
  readonly root: string;
  /** The path relative to the root with `/` separators, or undefined when outside it. */
  relative(path: string): string | undefined;
  /** True for paths never to look at or into (for the watcher); `isDir` when known. */
  isIgnored(path: string, isDir?: boolean): boolean;
  /** True when a file at `path` is an input: not ignored, and matching include/exclude. */
  accepts(path: string): boolean;
}

export function createFolderFilter(options: FolderFilterOptions): FolderFilter {
  const ci = options.caseInsensitive ?? DEFAULT_CASE_INSENSITIVE;
  const norm = (p: string) => (ci ? p.toLowerCase() : p);
  const root = options.root;
  const excluded = options.excludedDirs.filter((d) => norm(d) !== norm(root));
  const matches = createGlobMatcher(options.include, options.exclude, { caseInsensitive: ci });

  const rel = (path: string): string | undefined => {
    const r = relative(root, path);
    if (r === '') return '';
    if (r.startsWith('..') || isAbsolute(r)) return undefined;
    return sep === '/' ? r : r.split(sep).join('/');
  };
  const underExcluded = (path: string) =>
    excluded.some((d) => {
      const r = relative(norm(d), norm(path));
      return r === '' || (!r.startsWith('..') && !isAbsolute(r));
    });

  const isIgnored = (path: string, isDir?: boolean): boolean => {
    const r = rel(path);
    if (r === undefined) return true;
    if (r === '') return false; // the root itself
    const segments = r.split('/');
    if (segments.some((s) => s.startsWith('.'))) return true;
    if (underExcluded(path)) return true;
    // Not recursive: only files directly in the root; sub-folders are not entered.
    if (!options.recursive && (segments.length > 1 || isDir === true)) return true;
    if (isDir !== true && NEVER.some((re) => re.test(segments[segments.length - 1]!))) return true;
    return false;
  };

  return {
    root,
    relative: rel,
    isIgnored,
    accepts(path) {
      const r = rel(path);
      if (r === undefined || r === '' || isIgnored(path, false)) return false;
      return matches(r);
    },
  };
}
