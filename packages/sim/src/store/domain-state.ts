import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SimError } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';

/**
 * State of the simulator's stateful domains (products, units, assets, software packages,
 * tickets, SCIM users, ...), one plain-JSON object per domain.
 *
 * Handlers get a domain's live object with `get(name, init)`, change it, and call
 * `await save(name)`. Without a data directory that is all; with one, `save` writes
 * `<dataDir>/state/<name>.json` crash-safely (temp file, fsync, rename), and `load` reads
 * every domain back when the simulator starts. Keep values JSON-safe: ISO strings for dates.
 */
export class DomainStates {
  private readonly dir: string | undefined;
  private readonly domains = new Map<string, object>();
  private loaded = new Map<string, unknown>();

  constructor(dataDir: string | undefined) {
    this.dir = dataDir === undefined ? undefined : join(dataDir, 'state');
  }

  /** Reads every saved domain (called once, when the server gets ready). */
  async load(): Promise<void> {
    if (!this.dir) return;
    await mkdir(this.dir, { recursive: true });
    for (const file of await readdir(this.dir)) {
      if (!file.endsWith('.json')) continue;
      const path = join(this.dir, file);
      try {
        this.loaded.set(file.slice(0, -5), JSON.parse(await readFile(path, 'utf8')));
      } catch (err) {
        throw new SimError('SIM_ERR_CORRUPT_DATA', `${path}: not valid JSON (${(err as Error).message})`);
      }
    }
  }

  /** The live state of one domain; `init()` makes it the first time (when nothing was saved). */
  get<T extends object>(name: string, init: () => T): T {
    let state = this.domains.get(name) as T | undefined;
    if (!state) {
      const saved = this.loaded.get(name);
      state = saved !== undefined ? ({ ...init(), ...(saved as T) } as T) : init();
      this.domains.set(name, state);
    }
    return state;
  }

  /** Persists one domain after a change (no-op in memory mode). */
  async save(name: string): Promise<void> {
    if (!this.dir) return;
    const state = this.domains.get(name);
    if (state === undefined) return;
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomic(join(this.dir, `${name}.json`), JSON.stringify(state));
  }
}
