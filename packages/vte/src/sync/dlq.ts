/**
 * The dead-letter folder: one JSON file per run or repair that could not be mapped or was
 * refused by WATS (`<stateDir>/dead-letter/<guid>.json`, the run's Index_GUID or the repair's
 * Repair_GUID). A dead letter does not block the watermark; `replay` re-reads the record from
 * the database (after the data or the config was fixed), maps and uploads it, and removes the
 * file on success.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { VteMappingError } from '../errors.js';
import type { VteLocalTimestamp } from '../db/types.js';
import { fsyncDir, writeFileAtomic } from './fs-atomic.js';
import type { VteSyncKind } from './state.js';

/** Where it failed: mapping to a report, or the upload (WATS refused it). */
export type DeadLetterStage = 'map' | 'upload';

/** One dead letter, as stored in `<guid>.json`. */
export interface DeadLetterEntry {
  version: 1;
  /** When it (last) failed (ISO 8601). */
  time: string;
  /** When it first failed. */
  firstFailedAt: string;
  /** Failures so far (sync passes, replays). */
  attempts: number;
  kind: VteSyncKind;
  /** Index_GUID of a run, Repair_GUID of a repair (lower case); the file name. */
  guid: string;
  /** The run (for a repair: the repaired run). */
  indexGuid: string;
  /** The record's local timestamp (its keyset position). */
  timestamp: VteLocalTimestamp;
  stage: DeadLetterStage;
  reason: string;
  /** For a mapping error: the source field or report path at fault (`UutData.Serial`). */
  field?: string;
  /** For an upload refusal: the HTTP status and the server's message. */
  status?: number;
  serverMessage?: string;
}

/** What is known about a failure when it is recorded. */
export type DeadLetterInput = Pick<DeadLetterEntry, 'kind' | 'guid' | 'indexGuid' | 'timestamp' | 'stage' | 'reason' | 'field' | 'status' | 'serverMessage'>;

const GUID_FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.json$/;

/** The dead-letter folder; open with {@link DeadLetterFolder.open}. Keeps an index of the GUIDs in memory. */
export class DeadLetterFolder {
  readonly dir: string;
  readonly #guids = new Set<string>();

  private constructor(dir: string) {
    this.dir = dir;
  }

  static async open(dir: string): Promise<DeadLetterFolder> {
    const folder = new DeadLetterFolder(dir);
    for (const name of await readdir(dir)) {
      const m = GUID_FILE.exec(name);
      if (m) folder.#guids.add(m[1]!);
    }
    return folder;
  }

  get size(): number {
    return this.#guids.size;
  }

  has(guid: string): boolean {
    return this.#guids.has(guid.toLowerCase());
  }

  /** Records a failure (atomically); a repeat keeps `firstFailedAt` and counts `attempts`. */
  async add(input: DeadLetterInput, now = new Date()): Promise<DeadLetterEntry> {
    const guid = input.guid.toLowerCase();
    const previous = this.has(guid) ? await this.get(guid) : undefined;
    const entry: DeadLetterEntry = {
      version: 1,
      time: now.toISOString(),
      firstFailedAt: previous?.firstFailedAt ?? now.toISOString(),
      attempts: (previous?.attempts ?? 0) + 1,
      kind: input.kind,
      guid,
      indexGuid: input.indexGuid.toLowerCase(),
      timestamp: input.timestamp,
      stage: input.stage,
      reason: input.reason,
      ...(input.field === undefined ? {} : { field: input.field }),
      ...(input.status === undefined ? {} : { status: input.status }),
      ...(input.serverMessage === undefined ? {} : { serverMessage: input.serverMessage }),
    };
    await writeFileAtomic(this.#file(guid), `${JSON.stringify(entry, null, 2)}\n`);
    this.#guids.add(guid);
    return entry;
  }

  async get(guid: string): Promise<DeadLetterEntry | undefined> {
    try {
      return JSON.parse(await readFile(this.#file(guid), 'utf8')) as DeadLetterEntry;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** Every dead letter, oldest record first (by kind, then timestamp). */
  async list(): Promise<DeadLetterEntry[]> {
    const out: DeadLetterEntry[] = [];
    for (const guid of this.#guids) {
      const e = await this.get(guid);
      if (e) out.push(e);
    }
    return out.sort((a, b) => (a.kind === b.kind ? (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0) : a.kind === 'run' ? -1 : 1));
  }

  /** Removes a dead letter (after a successful upload); true when there was one. */
  async remove(guid: string): Promise<boolean> {
    const g = guid.toLowerCase();
    if (!this.#guids.has(g)) return false;
    await rm(this.#file(g), { force: true });
    await fsyncDir(this.dir);
    this.#guids.delete(g);
    return true;
  }

  #file(guid: string): string {
    return join(this.dir, `${guid.toLowerCase()}.json`);
  }
}

/** A dead-letter input for a failure to map `err` (a `VteMappingError` names the field). */
export function mappingDeadLetter(kind: VteSyncKind, key: { guid: string; indexGuid: string; timestamp: VteLocalTimestamp }, err: unknown): DeadLetterInput {
  if (err instanceof VteMappingError) return { kind, ...key, stage: 'map', reason: err.message, field: err.field };
  return { kind, ...key, stage: 'map', reason: `mapping failed: ${err instanceof Error ? err.message : String(err)}` };
}
