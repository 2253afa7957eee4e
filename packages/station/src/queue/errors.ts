/**
 * Errors of the upload queue. Each carries a stable `code` (never reused) that operators,
 * the CLI and the status server can match on.
 */

/** The queue refuses new reports: too many waiting items, or too little free disk. */
export class QueueFullError extends Error {
  readonly code = 'STATION_ERR_QUEUE_FULL' as const;
  /** Why: `items` (pending + failed reached `maxItems`) or `disk` (free space below `minFreeBytes`). */
  readonly reason: 'items' | 'disk';
  constructor(message: string, reason: 'items' | 'disk') {
    super(message);
    this.name = 'QueueFullError';
    this.reason = reason;
  }
}

/** Another live process (a running service, or a CLI command) holds the queue directory. */
export class QueueLockedError extends Error {
  readonly code = 'STATION_ERR_QUEUE_LOCKED' as const;
  /** The pid written in the lock file. */
  readonly pid: number | undefined;
  readonly lockFile: string;
  constructor(message: string, lockFile: string, pid: number | undefined) {
    super(message);
    this.name = 'QueueLockedError';
    this.lockFile = lockFile;
    this.pid = pid;
  }
}

/** A report cannot be queued: it has no valid WSJF id (a UUID), which is the queue's key. */
export class QueueReportIdError extends Error {
  readonly code = 'STATION_ERR_QUEUE_REPORT_ID' as const;
  constructor(message: string) {
    super(message);
    this.name = 'QueueReportIdError';
  }
}

/** The queue (or store) was used after `close()`. */
export class QueueClosedError extends Error {
  readonly code = 'STATION_ERR_QUEUE_CLOSED' as const;
  constructor(message = 'the upload queue is closed') {
    super(message);
    this.name = 'QueueClosedError';
  }
}
