/**
 * Streams files into a ZIP archive (fflate), chunk by chunk, so a large source never sits in
 * memory: each compressed chunk is written out before the next input chunk is read.
 */
import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Zip, ZipDeflate } from 'fflate';

/** One file to put into the archive. */
export interface ZipEntry {
  /** Absolute path of the file on disk. */
  path: string;
  /** Its name inside the archive (`/` separators). */
  name: string;
}

/** The entries of a file plus, when given, every file below its companion folder (as `folder/...`). */
export async function zipEntriesFor(file: string, name: string, companion?: { path: string; name: string }): Promise<ZipEntry[]> {
  const entries: ZipEntry[] = [{ path: file, name }];
  if (companion) {
    const walk = async (dir: string, prefix: string): Promise<void> => {
      const list = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of list) {
        if (e.isDirectory()) await walk(join(dir, e.name), `${prefix}${e.name}/`);
        else if (e.isFile()) entries.push({ path: join(dir, e.name), name: `${prefix}${e.name}` });
      }
    };
    await walk(companion.path, `${companion.name}/`);
  }
  return entries;
}

/**
 * Writes a new ZIP archive at `target` (which must not exist) holding `entries`, deflated,
 * with their modification times, and fsyncs it.
 */
export async function writeZip(target: string, entries: readonly ZipEntry[], options: { level?: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 } = {}): Promise<void> {
  const fh = await open(target, 'wx');
  try {
    const pending: Uint8Array[] = [];
    let failure: Error | undefined;
    let ended = false;
    const zip = new Zip((err, chunk, final) => {
      if (err) failure = err;
      else pending.push(chunk);
      if (final) ended = true;
    });
    const flush = async () => {
      if (failure) throw failure;
      while (pending.length) await fh.write(pending.shift()!);
    };
    for (const entry of entries) {
      const st = await stat(entry.path);
      const file = new ZipDeflate(entry.name, { level: options.level ?? 6 });
      // DOS dates cover 1980-2099 only; outside that fflate would throw, so the time is left out.
      if (st.mtime.getFullYear() >= 1980 && st.mtime.getFullYear() <= 2099) file.mtime = st.mtime;
      zip.add(file);
      for await (const chunk of createReadStream(entry.path, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
        file.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        await flush();
      }
      file.push(new Uint8Array(0), true);
      await flush();
    }
    zip.end();
    await flush();
    if (!ended) throw new Error('zip stream did not finish');
    await fh.sync();
  } finally {
    await fh.close();
  }
}
