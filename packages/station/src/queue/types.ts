/** Public shapes of the upload queue (the service, the status server and the CLI read these). */
import type { WsjfReport } from '@tswats/sdk';
import type { QueueState } from '../types.js';

/** What the caller knows about a report it queues. */
export interface EnqueueMeta {
  /** 1 = highest ... 10 = lowest; lower numbers are uploaded first. */
  priority: number;
  /** The source file the report came from (shown in status and `queue list`). */
  source?: { file: string; folder?: string };
}

/** Why the last upload attempt of an item failed. */
export interface QueueItemError {
  /** When (epoch ms). */
  at: number;
  /** The server's message when it sent one, else the error's message. */
  message: string;
  /** HTTP status, when the server answered. */
  status?: number;
  /** A stable error code (`WATS_ERR_*` from the SDK, `STATION_ERR_QUEUE_EXPIRED`, ...). */
  code?: string;
  /** true: sending it again will not help (4xx, invalid report); it waits for a manual retry. */
  permanent: boolean;
}

/** One queued report, as `get()`/`list()` show it (a snapshot; changing it changes nothing). */
export interface QueueItem {
  /** The report id (WSJF `id`, lower-cased); the queue's key. */
  id: string;
  state: QueueState;
  priority: number;
  /** First enqueue (epoch ms); kept when the same id is queued again. */
  createdAt: number;
  /** Last change of state, attempts or payload (epoch ms). */
  updatedAt: number;
  /** Upload attempts that got an answer from the server (connection failures are not counted). */
  attempts: number;
  /** Not sent before this time (epoch ms): backoff after a retryable failure. */
  nextAttemptAt: number;
  lastError?: QueueItemError;
  source?: { file: string; folder?: string };
  /** When the upload succeeded (epoch ms), for completed items. */
  completedAt?: number;
  /** Size of the stored report JSON in bytes. */
  bytes: number;
  /** An upload of it is in flight now. */
  sending: boolean;
}

/** The outcome of one enqueue. */
export interface EnqueueResult {
  id: string;
  /** false when the same id was already queued (payload replaced) or already uploaded unchanged (no-op). */
  created: boolean;
  state: QueueState;
}

/** Options of `purge()`. */
export interface PurgeOptions {
  state: QueueState;
  /**
   * Only items older than this (ms). Age is measured from `createdAt` for pending items,
   * from the last change (`updatedAt`) for failed items and from `completedAt` for
   * completed ones. 0 = all items in that state.
   */
  olderThanMs: number;
}

/** Filter of `list()`. */
export interface ListFilter {
  state?: QueueState;
  /** At most this many items (the oldest). */
  limit?: number;
}

/** The queue directory opened without uploading (for the CLI when no service runs). */
export interface QueueStoreHandle {
  readonly dir: string;
  counts(): Record<QueueState, number>;
  /** Oldest first (by `createdAt`). */
  list(filter?: ListFilter): QueueItem[];
  get(id: string): QueueItem | undefined;
  readReport(id: string): Promise<WsjfReport>;
  /** failed -> pending, attempts reset. false when there is no failed item with that id. */
  retry(id: string): Promise<boolean>;
  /** Every failed item -> pending; returns how many. */
  retryAllFailed(): Promise<number>;
  /** Removes items (files included) in a state; returns how many. */
  purge(options: PurgeOptions): Promise<number>;
  /** Releases the lock. */
  close(): Promise<void>;
}
