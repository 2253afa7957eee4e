/**
 * The queue directory's owner lock: `<dir>/.lock`, a small JSON file
 * `{"pid":1234,"host":"station-7","since":"2026-...Z","nonce":"..."}`.
 *
 * Created atomically (written to a temp file, then hard-linked to `.lock`, which fails if
 * the lock exists), so a reader never sees a half-written lock. A lock whose pid is not
 * running on this host (or that was written before this host last booted) is stale and is
 * taken over; a lock from another host (a shared
 * network folder) is never taken over automatically, because its pid cannot be checked.
 */
import { randomBytes } from 'node:crypto';
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname, uptime } from 'node:os';
import { join } from 'node:path';
import { QueueLockedError } from './errors.js';

interface LockContent {
  pid: number;
  host: string;
  since: string;
  nonce: string;
}

/** A held lock; `release()` removes the file if it is still ours. */
export interface DirLock {
  readonly file: string;
  release(): Promise<void>;
}

const LOCK_NAME = '.lock';

function parseLock(text: string): Partial<LockContent> {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { pid: Number(trimmed) };
  try {
    const v = JSON.parse(trimmed) as unknown;
    return v && typeof v === 'object' ? (v as Partial<LockContent>) : {};
  } catch {
    return {};
  }
}

/** true when `pid` is a running process on this machine (EPERM: it runs, as another user). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function unlinkQuiet(file: string): Promise<void> {
  await unlink(file).catch(() => undefined);
}

/**
 * Takes `<dir>/.lock` for this process.
 * @throws QueueLockedError when a live process (or one on another host) holds it.
 */
export async function acquireDirLock(dir: string): Promise<DirLock> {
  const file = join(dir, LOCK_NAME);
  const me: LockContent = {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    nonce: randomBytes(8).toString('hex'),
  };
  const text = `${JSON.stringify(me)}\n`;
  const tmp = join(dir, `.lock.${me.nonce}.tmp`);
  await writeFile(tmp, text);
  try {
    for (let round = 0; round < 5; round++) {
      if (await tryCreate(tmp, file, text)) return makeHandle(file, me.nonce);
      const existing = await readText(file);
      if (existing === undefined) continue; // released meanwhile: try again
      const holder = parseLock(existing);
      const pid = typeof holder.pid === 'number' ? holder.pid : undefined;
      const otherHost = holder.host !== undefined && holder.host !== me.host;
      if (otherHost) {
        throw new QueueLockedError(
          `queue directory ${dir} is locked by pid ${pid ?? '?'} on host ${holder.host}; ` +
            `if no station runs there, delete ${file}`,
          file,
          pid,
        );
      }
      // A lock older than this boot is stale even if its pid now belongs to another process.
      const since = typeof holder.since === 'string' ? Date.parse(holder.since) : NaN;
      const beforeBoot = Number.isFinite(since) && since < Date.now() - uptime() * 1000 - 60_000;
      if (pid !== undefined && !beforeBoot && isProcessAlive(pid)) {
        throw new QueueLockedError(
          `queue directory ${dir} is in use by process ${pid}${pid === process.pid ? ' (this process)' : ''}; ` +
            'stop the station service (or the other command) first',
          file,
          pid,
        );
      }
      // Stale (dead pid, or unreadable content). Move it aside rather than unlinking, and
      // check that what we moved is the stale lock we read: if another process took the
      // lock over in between, put its lock back and look again.
      const aside = join(dir, `.lock.${me.nonce}.stale`);
      try {
        await rename(file, aside);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw err;
      }
      const moved = await readText(aside);
      if (moved !== existing) {
        await rename(aside, file).catch(() => undefined);
        continue;
      }
      await unlinkQuiet(aside);
    }
    throw new QueueLockedError(`could not take the lock ${file} (it keeps changing)`, file, undefined);
  } finally {
    await unlinkQuiet(tmp);
  }
}

/** Creates `file` from `tmp` only if it does not exist yet. */
async function tryCreate(tmp: string, file: string, text: string): Promise<boolean> {
  try {
    await link(tmp, file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // File systems without hard links (FAT, some shares): exclusive create instead.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS' || code === 'EXDEV') {
      try {
        await writeFile(file, text, { flag: 'wx' });
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw e;
      }
    }
    throw err;
  }
}

function makeHandle(file: string, nonce: string): DirLock {
  let released = false;
  return {
    file,
    async release() {
      if (released) return;
      released = true;
      const current = await readText(file);
      if (current !== undefined && parseLock(current).nonce === nonce) await unlinkQuiet(file);
    },
  };
}
