/**
 * Remembers WorkStarted/WorkCompleted per TransactionID, so reports of the same transaction get
 * the work's start time, and its duration once both have been seen, and panel positions.
 */
import type { CfxEnvelope } from '../envelope.js';
import { arr, num, obj, str } from '../json.js';
import type { CfxTime } from '../time.js';

/** One unit of a WorkStarted/WorkCompleted (`UnitPosition`). */
export interface WorkUnit {
  unitIdentifier: string;
  positionNumber?: number;
  positionName?: string;
}

/** What is known about one transaction. */
export interface WorkRecord {
  transactionId: string;
  /** Source handle of the WorkStarted. */
  source: string | undefined;
  start?: CfxTime;
  end?: CfxTime;
  /** Seconds from WorkStarted to WorkCompleted, when both were seen. */
  durationSeconds?: number;
  /** `WorkCompleted.Result` (Completed, Failed, Aborted, Skipped). */
  result?: string;
  units: WorkUnit[];
  recipeName?: string;
  recipeRevision?: string;
  workOrderId?: string;
}

/** Options of {@link WorkTracker}. */
export interface WorkTrackerOptions {
  /** Transactions kept; the oldest are forgotten first. @default 10000 */
  maxEntries?: number;
}

/** In-memory transaction store. The bridge keeps one per process. */
export class WorkTracker {
  private readonly records = new Map<string, WorkRecord>();
  private readonly maxEntries: number;

  constructor(options: WorkTrackerOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  /** Records a WorkStarted or WorkCompleted envelope. Returns the record, or undefined without a TransactionID. */
  record(envelope: CfxEnvelope): WorkRecord | undefined {
    const b = envelope.body;
    const tx = str(b, 'TransactionID');
    if (tx === undefined) return undefined;
    const key = tx.toLowerCase();
    const rec: WorkRecord = this.records.get(key) ?? { transactionId: tx, source: envelope.source, units: [] };
    this.records.delete(key); // re-insert: most recently used last
    const units = arr(b, 'Units').flatMap((u): WorkUnit[] => {
      const id = str(u, 'UnitIdentifier');
      if (id === undefined) return [];
      const w: WorkUnit = { unitIdentifier: id };
      const pos = num(u, 'PositionNumber');
      const name = str(u, 'PositionName');
      if (pos !== undefined) w.positionNumber = pos;
      if (name !== undefined) w.positionName = name;
      return [w];
    });
    if (units.length > 0) rec.units = units;
    const ts = envelope.timeStamp;
    if (envelope.shortName === 'WorkStarted') {
      if (ts) rec.start = ts;
      const recipe = str(b, 'RecipeName');
      const revision = str(b, 'Revision');
      const wo = str(obj(b, 'WorkOrderIdentifier'), 'WorkOrderId');
      if (recipe !== undefined) rec.recipeName = recipe;
      if (revision !== undefined) rec.recipeRevision = revision;
      if (wo !== undefined) rec.workOrderId = wo;
    } else {
      if (ts) rec.end = ts;
      const result = str(b, 'Result');
      if (result !== undefined) rec.result = result;
    }
    if (rec.start && rec.end) rec.durationSeconds = Math.max(0, (rec.end.date.getTime() - rec.start.date.getTime()) / 1000);
    this.records.set(key, rec);
    while (this.records.size > this.maxEntries) {
      const oldest = this.records.keys().next().value;
      if (oldest === undefined) break;
      this.records.delete(oldest);
    }
    return rec;
  }

  /** The record of a transaction (ids compared case-insensitively). */
  get(transactionId: string | undefined): WorkRecord | undefined {
    return transactionId === undefined ? undefined : this.records.get(transactionId.toLowerCase());
  }

  /** Number of transactions held. */
  get size(): number {
    return this.records.size;
  }
}
