/**
 * Small durable-file helpers: identity of a file (to tell "the same file" from "a new file
 * with the same name"), fsync of files and folders, atomic writes.
 */
import { randomBytes } from 'node:crypto';
import { lstat, open, rename, stat, unlink } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** What tells one version of a file from another: size, modification time and inode. */
export interface FileIdentity {
  size: number;
  mtimeMs: number;
  /** Inode (file index on Windows); 0 when the file system has none. */
  ino: number;
}

export function identityOf(st: Stats): FileIdentity {
  return { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
}

/** True when two identities describe the same, unchanged file. */
export function sameIdentity(a: FileIdentity | undefined, b: FileIdentity | undefined): boolean {
  if (!a || !b) return false;
  if (a.size !== b.size || a.mtimeMs !== b.mtimeMs) return false;
  return a.ino === 0 || b.ino === 0 || a.ino === b.ino;
}

/** The identity of a regular file, or undefined when it does not exist (or is not a file). */
export async function statIdentity(path: string): Promise<FileIdentity | undefined> {
  try {
    const st = await stat(path);
    return st.isFile() ? identityOf(st) : undefined;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** True when the path exists (file, folder or anything else; symlinks not followed). */
export async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

export function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

export function isNotFound(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Removes a file; a missing file is fine. */
export async function unlinkIfExists(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/** Flushes a file's data to disk. */
export async function fsyncFile(path: string): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Flushes a folder's entries (a rename or new file in it) to disk. Windows cannot open a
 * folder for syncing, and NTFS journals metadata itself, so failures are ignored.
 */
export async function fsyncDir(path: string): Promise<void> {
  let fh;
  try {
    fh = await open(path, 'r');
    await fh.sync();
  } catch {
    // not supported on this platform / file system
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/** A temp name beside `path`: hidden (leading dot) so no watcher picks it up. */
export function tempPathFor(path: string, tag = randomBytes(6).toString('hex')): string {
  return join(dirname(path), `.${basename(path)}.${tag}.tmp`);
}

/** Writes a file atomically: temp file, fsync, rename over the target, fsync the folder. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempPathFor(path);
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlinkIfExists(tmp).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dirname(path));
}

/** Writes (or overwrites) a file and fsyncs it; for temp files that are published afterwards. */
export async function writeFileDurable(path: string, data: string | Uint8Array): Promise<void> {
  const fh = await open(path, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}
