/**
 * One sync per state directory: `sync.lock` is created exclusively and holds the owner's pid and
 * host. A lock left by a process that no longer runs on this host (killed, crashed) is taken over;
 * a live owner, or one on another host (which cannot be checked), makes the second sync fail.
 */
import { hostname } from 'node:os';
import { open, readFile, rm } from 'node:fs/promises';
import { VteSyncLockedError } from './errors.js';

export interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
}

/** A held lock; `release()` removes the file. */
export interface SyncLock {
  readonly path: string;
  release(): Promise<void>;
}

export async function acquireLock(path: string): Promise<SyncLock> {
  const me: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(path, 'wx');
      try {
        await fh.writeFile(`${JSON.stringify(me)}\n`, 'utf8');
        await fh.sync();
      } finally {
        await fh.close();
      }
      let released = false;
      return {
        path,
        async release() {
          if (released) return;
          released = true;
          await rm(path, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = await readOwner(path);
    if (owner && (owner.host !== me.host || isAlive(owner.pid))) throw new VteSyncLockedError(path, owner);
    // Stale (owner gone) or unreadable (torn by a crash before its first write): take it over.
    await rm(path, { force: true });
  }
  throw new VteSyncLockedError(path, undefined);
}

async function readOwner(path: string): Promise<LockInfo | undefined> {
  try {
    const info = JSON.parse(await readFile(path, 'utf8')) as Partial<LockInfo>;
    if (typeof info.pid === 'number' && typeof info.host === 'string') return { pid: info.pid, host: info.host, startedAt: String(info.startedAt ?? '') };
  } catch {
    // Missing or torn: treated as stale.
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
