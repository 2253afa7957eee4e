import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Suffix of files being written; leftovers from a crash are removed when the store opens. */
export const TEMP_SUFFIX = '.tmp';

/**
 * Writes a file so that a crash leaves either the old or the new content, never a mix:
 * write a uniquely named temp file, fsync it, rename it over the target, fsync the directory.
 */
export async function writeFileAtomic(path: string, content: string | Buffer): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`);
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await rm(temp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  await syncDirectory(dir);
}

/** Makes a rename durable. Some platforms (Windows) cannot open directories; that is fine. */
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Not supported here: the rename is still atomic, only its durability is up to the OS.
  } finally {
    await handle?.close();
  }
}
