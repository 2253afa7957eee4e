/**
 * The ledger of files converted and kept in place (`postAction: 'keep'`): `<stateDir>/kept.jsonl`,
 * one line `{path, size, mtimeMs, ino, at}` per conversion, the last line of a path winning.
 * A file whose path, size, mtime and inode match its line is not converted again at restart or
 * rescan; a changed file is. Opening compacts the file (drops gone and changed files).
 */
import { open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fsyncDir, isNotFound, sameIdentity, statIdentity, writeFileAtomic, type FileIdentity } from './fs-utils.js';

export interface KeepLedger {
  /** True when `path` was converted and kept, and is unchanged since. */
  has(path: string, identity: FileIdentity | undefined): boolean;
  /** Records that `path` (as `identity`) was converted; durable when it resolves. */
  record(path: string, identity: FileIdentity): Promise<void>;
  /** Number of kept files known. */
  readonly size: number;
}

interface Line extends FileIdentity {
  path: string;
  at: string;
}

export async function openKeepLedger(file: string): Promise<KeepLedger> {
  const entries = new Map<string, Line>();
  let lines = 0;
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    lines++;
    try {
      const line = JSON.parse(raw) as Line;
      if (typeof line.path === 'string' && typeof line.size === 'number') entries.set(line.path, line);
    } catch {
      // a line cut short by a crash: that conversion is simply not recorded
    }
  }
  // Compact: keep only files still there and unchanged.
  // A last line without its newline (cut by a crash) would swallow the next append: rewrite.
  let dropped = lines - entries.size + (text && !text.endsWith('\n') ? 1 : 0);
  for (const [path, line] of [...entries]) {
    if (!sameIdentity(await statIdentity(path).catch(() => undefined), line)) {
      entries.delete(path);
      dropped++;
    }
  }
  if (dropped > 0) {
    await writeFileAtomic(file, [...entries.values()].map((l) => `${JSON.stringify(l)}\n`).join(''));
  }
  let firstWrite = !text;
  return {
    has(path, identity) {
      return identity !== undefined && sameIdentity(entries.get(path), identity);
    },
    async record(path, identity) {
      const line: Line = { path, size: identity.size, mtimeMs: identity.mtimeMs, ino: identity.ino, at: new Date().toISOString() };
      const fh = await open(file, 'a');
      try {
        await fh.appendFile(`${JSON.stringify(line)}\n`);
        await fh.datasync();
      } finally {
        await fh.close();
      }
      if (firstWrite) {
        firstWrite = false;
        await fsyncDir(dirname(file));
      }
      entries.set(path, line);
    },
    get size() {
      return entries.size;
    },
  };
}
