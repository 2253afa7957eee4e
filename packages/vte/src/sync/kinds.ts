/**
 * The two record kinds the sync moves, behind one small interface so the engine's loop, the
 * replay and the gap check are written once: runs (IndexData → UUT, steps read per batch) and
 * repairs (RepairData → UUR).
 */
import type { WsjfReport } from '@tswats/sdk';
import type { VteSource } from '../db/source.js';
import type { ReadRunBatchParams, VteRepair, VteRunHeader } from '../db/types.js';
import type { VteMapConfig } from '../map/common.js';
import { mapRepairToUur } from '../map/uur.js';
import { mapRunToUut } from '../map/uut.js';
import type { SyncWatermark, VteSyncKind } from './state.js';

/** How the engine reads and maps one kind of record. */
export interface KindAdapter<T> {
  readonly kind: VteSyncKind;
  /** One keyset page. */
  read(params: ReadRunBatchParams): Promise<T[]>;
  /** Records by GUID (replay). */
  byGuid(guids: readonly string[]): Promise<T[]>;
  key(item: T): SyncWatermark;
  /** The run (for a repair: the repaired run). */
  indexGuid(item: T): string;
  /** Reads what mapping the batch needs (steps), then returns the mapper; throws VteMappingError per record. */
  prepare(items: readonly T[]): Promise<(item: T) => WsjfReport>;
}

export function runAdapter(source: VteSource, config: VteMapConfig): KindAdapter<VteRunHeader> {
  return {
    kind: 'run',
    read: (p) => source.readRunBatch(p),
    byGuid: (guids) => source.readRuns(guids),
    key: (r) => ({ timestamp: r.timestamp, guid: r.indexGuid }),
    indexGuid: (r) => r.indexGuid,
    async prepare(items) {
      const steps = await source.readSteps(items.map((r) => r.indexGuid));
      return (r) => mapRunToUut(r, steps.get(r.indexGuid) ?? [], config);
    },
  };
}

export function repairAdapter(source: VteSource, config: VteMapConfig): KindAdapter<VteRepair> {
  return {
    kind: 'repair',
    read: (p) => source.readRepairs(p),
    byGuid: (guids) => source.readRepairsByGuid(guids),
    key: (r) => ({ timestamp: r.timestamp, guid: r.repairGuid }),
    indexGuid: (r) => r.indexGuid,
    prepare: () => Promise.resolve((r) => mapRepairToUur(r, config)),
  };
}
