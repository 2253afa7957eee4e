/**
 * The post-action intent journal: one JSON file per intent in `<stateDir>/journal/`, written
 * atomically (temp, fsync, rename, fsync folder) *before* the action touches anything and
 * removed after it finished. A crash in between leaves the intent; the next start completes
 * it (with the same target name) instead of doing it again.
 */
import { mkdir, readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { unlinkIfExists, writeFileAtomic } from './fs-utils.js';

/** A durable set of records keyed by `id`. */
export interface Journal<T extends { id: string }> {
  readonly dir: string;
  /** Every intent on disk (unreadable ones are set aside as `<id>.json.bad`). */
  list(): Promise<T[]>;
  /** Writes (or replaces) an intent; durable when it resolves. */
  write(intent: T): Promise<void>;
  /** Removes an intent (the action is complete). */
  remove(id: string): Promise<void>;
}

export async function openJournal<T extends { id: string }>(dir: string): Promise<Journal<T>> {
  await mkdir(dir, { recursive: true });
  const fileOf = (id: string) => {
    if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new TypeError(`bad journal id ${JSON.stringify(id)}`);
    return join(dir, `${id}.json`);
  };
  return {
    dir,
    async list() {
      const out: T[] = [];
      for (const name of (await readdir(dir)).sort()) {
        const full = join(dir, name);
        // Temp files of an atomic write the crash interrupted: the intent never existed.
        if (name.startsWith('.') && name.endsWith('.tmp')) {
          await unlinkIfExists(full);
          continue;
        }
        if (!name.endsWith('.json')) continue;
        try {
          const intent = JSON.parse(await readFile(full, 'utf8')) as T;
          if (typeof intent?.id !== 'string') throw new Error('no id');
          out.push(intent);
        } catch {
          await rename(full, `${full}.bad`).catch(() => undefined);
        }
      }
      return out;
    },
    async write(intent) {
      await writeFileAtomic(fileOf(intent.id), `${JSON.stringify(intent)}\n`);
    },
    async remove(id) {
      // Not fsynced: if the removal is lost, the next start re-runs an intent that is already
      // complete, which finds nothing left to do.
      await unlinkIfExists(fileOf(id));
    },
  };
}
