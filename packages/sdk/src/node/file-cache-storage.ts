import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isCacheSnapshot, type CacheSnapshot, type ReferenceCacheStorage } from '../cache/cache-storage.js';

/**
 * Keeps a reference cache in one JSON file, e.g. `C:\ProgramData\tswats\reference-cache.json`.
 *
 * Writes are atomic: the snapshot goes to a temporary file next to the target, is flushed to
 * disk, then renamed over it, so a crash or power cut leaves the old file or the new one, never
 * half of one. The file holds the fingerprint (a hash of base URL and token), never the token.
 * A file that is missing, unreadable or not a snapshot loads as empty and is replaced on the
 * next save.
 */
export class FileCacheStorage implements ReferenceCacheStorage {
  /** The file's path. */
  readonly path: string;

  constructor(path: string) {
    if (typeof path !== 'string' || path.trim() === '') {
      throw new TypeError('FileCacheStorage needs the path of the cache file');
    }
    this.path = path;
  }

  async load(): Promise<CacheSnapshot | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      const parsed: unknown = JSON.parse(text);
      return isCacheSnapshot(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  async save(snapshot: CacheSnapshot): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const file = await open(temp, 'w', 0o600);
    try {
      try {
        await file.writeFile(`${JSON.stringify(snapshot, null, 2)}\n`, 'utf8');
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temp, this.path);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  async clear(): Promise<void> {
    await rm(this.path, { force: true });
  }
}
