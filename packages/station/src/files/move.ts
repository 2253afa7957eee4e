/**
 * Moves that never overwrite and survive a crash at any point: a file is hard-linked to its
 * new name and then unlinked (the link fails with EEXIST instead of clobbering); across
 * devices (EXDEV) it is copied to a hidden temp file, fsynced, linked into place, and only
 * then is the source removed. File systems without hard links fall back to a checked rename.
 */
import { constants as fsConstants } from 'node:fs';
import { copyFile, link, mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { errorCode, exists, fsyncDir, fsyncFile, unlinkIfExists } from './fs-utils.js';

/** Link errors meaning "this file system has no hard links"; a checked rename is used then. */
const NO_LINK = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK', 'EINVAL']);

function eexist(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`EEXIST: file already exists, '${path}'`), { code: 'EEXIST', path });
}

/**
 * Gives `src` the name `dst` and removes the name `src` (same device). Throws EEXIST when
 * `dst` exists and EXDEV across devices; never overwrites.
 */
export async function placeNoClobber(src: string, dst: string): Promise<void> {
  try {
    await link(src, dst);
  } catch (err) {
    const code = errorCode(err);
    if (code === 'EEXIST' || code === 'EXDEV' || !NO_LINK.has(code ?? '')) throw err;
    // No hard links here (FAT, some network shares): rename, after checking the name is free.
    if (await exists(dst)) throw eexist(dst);
    await rename(src, dst);
    return;
  }
  await unlinkIfExists(src);
}

/** Options of {@link moveFileNoClobber}. */
export interface MoveFileOptions {
  /** Temp file beside `dst` for the cross-device copy. @default a hidden name beside dst */
  tmp?: string;
  /** Copy even on the same device (tests of the cross-device path). */
  forceCopy?: boolean;
}

/**
 * Moves a file to `dst` without overwriting (EEXIST if taken), across devices too. After it
 * resolves the move is on disk (both folders fsynced).
 */
export async function moveFileNoClobber(src: string, dst: string, options: MoveFileOptions = {}): Promise<void> {
  await mkdir(dirname(dst), { recursive: true });
  if (!options.forceCopy) {
    try {
      await placeNoClobber(src, dst);
      await fsyncDir(dirname(dst));
      await fsyncDir(dirname(src));
      return;
    } catch (err) {
      if (errorCode(err) !== 'EXDEV') throw err;
    }
  }
  const tmp = options.tmp ?? join(dirname(dst), `.${Date.now().toString(36)}.move.tmp`);
  await copyDurable(src, tmp);
  try {
    await placeNoClobber(tmp, dst);
  } catch (err) {
    await unlinkIfExists(tmp).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dirname(dst));
  await unlinkIfExists(src);
  await fsyncDir(dirname(src));
}

/** Copies a file to a fresh `dst` (replacing a stale temp), keeps its times, fsyncs it. */
export async function copyDurable(src: string, dst: string): Promise<void> {
  await unlinkIfExists(dst);
  await copyFile(src, dst, fsConstants.COPYFILE_EXCL);
  const st = await stat(src);
  await utimes(dst, st.atime, st.mtime);
  await fsyncFile(dst);
}

/**
 * Moves a folder (Klippel's companion folder) to `dst`, which must not exist. Across devices
 * the tree is copied to `tmp`, renamed into place, and the source removed.
 */
export async function moveDirNoClobber(src: string, dst: string, tmp: string): Promise<void> {
  if (await exists(dst)) throw eexist(dst);
  await mkdir(dirname(dst), { recursive: true });
  try {
    await rename(src, dst);
    await fsyncDir(dirname(dst));
    await fsyncDir(dirname(src));
    return;
  } catch (err) {
    if (errorCode(err) !== 'EXDEV') throw err;
  }
  await rm(tmp, { recursive: true, force: true });
  await copyTree(src, tmp);
  if (await exists(dst)) throw eexist(dst);
  await rename(tmp, dst);
  await fsyncDir(dirname(dst));
  await rm(src, { recursive: true, force: true });
  await fsyncDir(dirname(src));
}

async function copyTree(src: string, dst: string): Promise<void> {
  await mkdir(dst, { recursive: true });
  for (const entry of await readdir(src, { withFileTypes: true })) {
    const from = join(src, entry.name);
    const to = join(dst, entry.name);
    if (entry.isDirectory()) await copyTree(from, to);
    else if (entry.isFile()) await copyDurable(from, to);
  }
  await fsyncDir(dst);
}
