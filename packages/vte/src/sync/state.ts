/**
 * The sync state directory:
 *
 *   sync.lock               {pid, host, startedAt}: one sync per directory (see lock.ts)
 *   watermark-runs.json     {version, timestamp, guid, updatedAt}: the last run of the unbroken
 *                           prefix that was uploaded or dead-lettered (keyset position)
 *   watermark-repairs.json  the same for repairs (RepairData.Timestamp, Repair_GUID)
 *   ledger-runs.tsv         runs already uploaded inside the retention window (see ledger.ts)
 *   ledger-repairs.tsv
 *   dead-letter/<guid>.json one file per run or repair that could not be mapped or uploaded
 *
 * Watermarks are written atomically (temp, fsync, rename, directory fsync).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { VteLocalTimestamp } from '../db/types.js';
import { VteSyncStateError } from './errors.js';
import { writeFileAtomic } from './fs-atomic.js';
import { SyncLedger } from './ledger.js';
import { acquireLock, type SyncLock } from './lock.js';

/** What is synced: test runs (UUT) or repairs (UUR). */
export type VteSyncKind = 'run' | 'repair';

/** A keyset position: `(Timestamp, GUID)` of a run or a repair. */
export interface SyncWatermark {
  timestamp: VteLocalTimestamp;
  guid: string;
}

interface WatermarkFile extends SyncWatermark {
  version: 1;
  updatedAt: string;
}

/** The opened, locked state directory. Create with {@link openSyncState}; `close()` it. */
export interface SyncState {
  readonly dir: string;
  readonly deadLetterDir: string;
  watermark(kind: VteSyncKind): SyncWatermark | undefined;
  setWatermark(kind: VteSyncKind, mark: SyncWatermark): Promise<void>;
  ledger(kind: VteSyncKind): SyncLedger;
  /** Releases the lock and closes the ledgers. */
  close(): Promise<void>;
}

const FILE_SUFFIX: Record<VteSyncKind, string> = { run: 'runs', repair: 'repairs' };

/** Opens (creating) the state directory and takes its lock; `VteSyncLockedError` when another sync holds it. */
export async function openSyncState(dir: string): Promise<SyncState> {
  await mkdir(dir, { recursive: true });
  const deadLetterDir = join(dir, 'dead-letter');
  await mkdir(deadLetterDir, { recursive: true });
  const lock: SyncLock = await acquireLock(join(dir, 'sync.lock'));
  const ledgers: Partial<Record<VteSyncKind, SyncLedger>> = {};
  try {
    const marks: Partial<Record<VteSyncKind, SyncWatermark>> = {};
    for (const kind of ['run', 'repair'] as const) {
      marks[kind] = await readWatermark(join(dir, `watermark-${FILE_SUFFIX[kind]}.json`));
      ledgers[kind] = await SyncLedger.open(join(dir, `ledger-${FILE_SUFFIX[kind]}.tsv`));
    }
    return {
      dir,
      deadLetterDir,
      watermark: (kind) => (marks[kind] ? { ...marks[kind] } : undefined),
      async setWatermark(kind, mark) {
        const file: WatermarkFile = { version: 1, timestamp: mark.timestamp, guid: mark.guid.toLowerCase(), updatedAt: new Date().toISOString() };
        await writeFileAtomic(join(dir, `watermark-${FILE_SUFFIX[kind]}.json`), `${JSON.stringify(file, null, 2)}\n`);
        marks[kind] = { timestamp: file.timestamp, guid: file.guid };
      },
      ledger: (kind) => ledgers[kind]!,
      async close() {
        for (const l of Object.values(ledgers)) await l.close();
        await lock.release();
      },
    };
  } catch (err) {
    for (const l of Object.values(ledgers)) await l.close();
    await lock.release();
    throw err;
  }
}

async function readWatermark(path: string): Promise<SyncWatermark | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let parsed: Partial<WatermarkFile>;
  try {
    parsed = JSON.parse(text) as Partial<WatermarkFile>;
  } catch (err) {
    throw new VteSyncStateError(path, 'not valid JSON (the file is written atomically, so it was edited or damaged)', err);
  }
  if (typeof parsed.timestamp !== 'string' || typeof parsed.guid !== 'string') {
    throw new VteSyncStateError(path, 'expected {"timestamp": "<local time>", "guid": "<GUID>"}');
  }
  return { timestamp: parsed.timestamp, guid: parsed.guid.toLowerCase() };
}
