/** Public types of the sync engine: options, modes, summaries and events. */
import type { WatsClient } from '@tswats/sdk';
import type { VteConfig } from '../config/types.js';
import type { VteSource } from '../db/source.js';
import type { VteLocalTimestamp } from '../db/types.js';
import type { VteMapConfig } from '../map/common.js';
import type { SqlRetryPolicy } from './classify.js';
import type { DeadLetterEntry, DeadLetterStage } from './dlq.js';
import type { SyncWatermark, VteSyncKind } from './state.js';

/** What the engine needs from the config (a full `VteConfig` will do). */
export type VteSyncConfig = VteMapConfig & Pick<VteConfig, 'batchSize'>;

/** A pino-compatible logger (`log.info({ obj }, 'message')`); pass a child logger. */
export interface VteSyncLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface VteSyncOptions {
  config: VteSyncConfig;
  /** The open source (owned by the caller: `close()` does not close it). */
  source: VteSource;
  /** The WATS client; its retry policy handles transient WATS errors (owned by the caller). */
  client: WatsClient;
  /** The state directory (watermarks, ledgers, dead letters, lock); created when missing. */
  stateDir: string;
  /** @default silent */
  log?: VteSyncLogger;
  /** Runs (and repairs) per batch. @default config.batchSize */
  batchSize?: number;
  /** Uploads in flight at once. @default 4 */
  uploadConcurrency?: number;
  /** Each normal pass re-reads from this long before the watermark (late commits). @default 600000 (10 min) */
  guardBandMs?: number;
  /** Records younger than this are left for the next pass (still being written). @default 30000 */
  settleMs?: number;
  /** Where the first pass starts (no watermark yet): local VTE text or an instant. Never read before this in normal mode. */
  startAt: VteLocalTimestamp | Date;
  /**
   * How far behind the guard band `checkGapRisk` looks; the ledger keeps uploaded GUIDs this long
   * (plus the guard band) behind the watermark. @default 86400000 (24 h)
   */
  gapWindowMs?: number;
  /** Backoff for transient SQL errors (connection loss, timeouts). @default 4 retries, 1 s doubling to 60 s, ±10 % */
  sqlRetry?: Partial<SqlRetryPolicy>;
  /** Per-report WATS retries; the client's default when unset. */
  maxRetries?: number;
  /** The clock (tests). @default () => new Date() */
  now?: () => Date;
}

/**
 * - `normal`: from the watermark (minus the guard band) to now minus the settle delay; skips what
 *   the ledger or the dead-letter folder holds; advances the watermark.
 * - `dry-run`: reads and maps what a normal pass would (or `[since, until)`), uploads nothing,
 *   writes nothing.
 * - `backfill`: `[since, until)`, skipping what the ledger holds; the watermark stays.
 * - `force`: `[since, until)`, everything re-sent (the server overwrites by id); the watermark stays.
 */
export type VteSyncMode = 'normal' | 'dry-run' | 'backfill' | 'force';

export interface RunOnceParams {
  /** @default 'normal' */
  mode?: VteSyncMode;
  /** Range start (inclusive), local VTE text or an instant; required for backfill and force. */
  since?: VteLocalTimestamp | Date;
  /** Range end (exclusive); at most now minus the settle delay. */
  until?: VteLocalTimestamp | Date;
  /** Sync only these kinds. @default both (repairs when enabled in the source) */
  kinds?: readonly VteSyncKind[];
  /** Stops after the uploads in flight; what was not sent stays ahead of the watermark. */
  signal?: AbortSignal;
}

/** Counters for one kind in one pass. */
export interface SyncKindSummary {
  /** Records read from the database (guard-band re-reads included). */
  read: number;
  /** Reports mapped (in a dry run: what would be uploaded). */
  mapped: number;
  uploaded: number;
  /** Already uploaded (in the ledger): not sent again. */
  skipped: number;
  /** Already in the dead-letter folder: left for `replay`. */
  skippedDeadLetter: number;
  /** Records that could not be mapped (dead-lettered, except in a dry run). */
  mappingFailed: number;
  /** Records written to the dead-letter folder in this pass (mapping or upload). */
  deadLettered: number;
  batches: number;
  watermarkBefore: SyncWatermark | undefined;
  watermarkAfter: SyncWatermark | undefined;
}

/** One record that failed in a pass (the first 100 are kept). */
export interface SyncFailure {
  kind: VteSyncKind;
  guid: string;
  timestamp: VteLocalTimestamp;
  stage: DeadLetterStage;
  reason: string;
  field?: string;
  status?: number;
}

/** Why a pass stopped early. What it did not send stays ahead of the watermark. */
export interface SyncAbort {
  kind: VteSyncKind;
  /** `read`: the database failed (after retries); `upload`: WATS unavailable or refusing the client; `stopped`: the signal. */
  stage: 'read' | 'upload' | 'stopped';
  reason: string;
  /** The record whose upload failed. */
  guid?: string;
  error?: unknown;
}

export interface SyncSummary {
  mode: VteSyncMode;
  /** The range read for runs (local text); `since` is undefined when reading from the very start. */
  range: { since: VteLocalTimestamp | undefined; until: VteLocalTimestamp };
  runs: SyncKindSummary;
  repairs: SyncKindSummary;
  /** Statements sent to the database in this pass. */
  queries: number;
  batches: number;
  startedAt: string;
  durationMs: number;
  failures: SyncFailure[];
  aborted: SyncAbort | undefined;
}

export interface SyncBatchEvent {
  kind: VteSyncKind;
  mode: VteSyncMode;
  /** 1-based, per kind and pass. */
  batch: number;
  read: number;
  uploaded: number;
  skipped: number;
  deadLettered: number;
  /** The watermark after the batch. */
  watermark: SyncWatermark | undefined;
}

export interface SyncUploadedEvent {
  kind: VteSyncKind;
  guid: string;
  reportId: string;
  attempts: number;
}

export interface SyncRetryEvent {
  stage: 'sql';
  attempt: number;
  delayMs: number;
  error: unknown;
}

/** Events of a sync (`sync.on('batch', ...)`), for logs, the status page and alerts. */
export interface VteSyncEvents {
  batch: [SyncBatchEvent];
  uploaded: [SyncUploadedEvent];
  deadLettered: [DeadLetterEntry];
  retry: [SyncRetryEvent];
  /** After each pass (`runOnce`), aborted or not. */
  pass: [SyncSummary];
}

/** A record the gap check found: older than the guard band, never uploaded nor dead-lettered. */
export interface GapRisk {
  kind: VteSyncKind;
  guid: string;
  indexGuid: string;
  timestamp: VteLocalTimestamp;
}

export interface GapRiskReport {
  /** The window checked per kind (local text), or undefined when the kind has no watermark yet. */
  windows: Record<VteSyncKind, { from: VteLocalTimestamp; to: VteLocalTimestamp } | undefined>;
  /** Records examined. */
  checked: number;
  risks: GapRisk[];
}

export interface ReplayResult {
  /** GUIDs uploaded and removed from the dead-letter folder. */
  uploaded: string[];
  /** GUIDs that failed again (still dead letters, with the new reason). */
  failed: { guid: string; reason: string }[];
  /** Dead letters whose record is no longer in the database (kept). */
  missing: string[];
  /** Requested GUIDs with no dead letter. */
  notFound: string[];
  aborted: SyncAbort | undefined;
}

/** The engine's state for a status page. */
export interface VteSyncStatus {
  running: boolean;
  watermarks: Record<VteSyncKind, SyncWatermark | undefined>;
  deadLetters: number;
  ledger: Record<VteSyncKind, number>;
  lastPass: SyncSummary | undefined;
}
