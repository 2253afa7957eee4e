/**
 * A full listing of a watch folder's input files (the startup scan and the periodic rescan),
 * oldest modification time first. A folder named like a file beside it without its extension
 * is that file's companion (Klippel's data folder), not a place to look for inputs.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { identityOf, isNotFound, type FileIdentity } from '../files/fs-utils.js';
import { stemOf } from '../files/names.js';
import type { FolderFilter } from './filter.js';

export interface ScannedFile {
  path: string;
  identity: FileIdentity;
}

/** Every input file under the filter's root (recursively when it allows), oldest first. */
export async function scanFolder(filter: FolderFilter): Promise<ScannedFile[]> {
  const out: ScannedFile[] = [];
  const walk = async (dir: string, isRoot: boolean): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (isRoot || !isNotFound(err)) throw err;
      return; // a sub-folder removed while we scanned
    }
    const stems = new Set(entries.filter((e) => e.isFile()).map((e) => stemOf(e.name)));
    for (const e of entries) {
      const full = join(dir, e.name);
      if (e.isDirectory()) {
        if (!stems.has(e.name) && !filter.isIgnored(full, true)) await walk(full, false);
        continue;
      }
      if (!e.isFile() && !e.isSymbolicLink()) continue;
      if (!filter.accepts(full)) continue;
      try {
        const st = await stat(full);
        if (st.isFile()) out.push({ path: full, identity: identityOf(st) });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  };
  await walk(filter.root, true);
  return out.sort((a, b) => a.identity.mtimeMs - b.identity.mtimeMs || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * True when `file` lies inside a companion folder below `root`: some folder on its way down
 * has a sibling file with the folder's name plus an extension.
 */
export async function isInCompanionFolder(root: string, file: string): Promise<boolean> {
  let dir = dirname(file);
  while (dir.length > root.length && dir.startsWith(root)) {
    const name = basename(dir);
    const parent = dirname(dir);
    try {
      const siblings = await readdir(parent, { withFileTypes: true });
      if (siblings.some((s) => s.isFile() && s.name !== name && stemOf(s.name) === name)) return true;
    } catch {
      return false;
    }
    dir = parent;
  }
  return false;
}

/** The companion folder of a file (`run.txt` → `run/`), when one exists beside it. */
export async function companionFolderOf(file: string): Promise<string | undefined> {
  const candidate = join(dirname(file), stemOf(basename(file)));
  if (candidate === file) return undefined;
  try {
    return (await stat(candidate)).isDirectory() ? candidate : undefined;
  } catch {
    return undefined;
  }
}
