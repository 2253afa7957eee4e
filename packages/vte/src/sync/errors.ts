/** Errors of the sync engine, each with a stable `code` (never reused). */
import type { LockInfo } from './lock.js';

/** Another sync holds the state directory's lock. */
export class VteSyncLockedError extends Error {
  readonly code = 'VTE_ERR_SYNC_LOCKED';
  readonly lockFile: string;
  readonly owner: LockInfo | undefined;
  constructor(lockFile: string, owner: LockInfo | undefined) {
    super(
      owner
        ? `another VTE sync (pid ${owner.pid} on ${owner.host}, since ${owner.startedAt}) holds ${lockFile}; stop it, or remove the file if that process is gone`
        : `could not take the lock ${lockFile}`,
    );
    this.name = 'VteSyncLockedError';
    this.lockFile = lockFile;
    this.owner = owner;
  }
}

/** A file in the sync state directory cannot be read (hand-edited or damaged). */
export class VteSyncStateError extends Error {
  readonly code = 'VTE_ERR_SYNC_STATE';
  readonly file: string;
  constructor(file: string, message: string, cause?: unknown) {
    super(`${file}: ${message}`, cause === undefined ? undefined : { cause });
    this.name = 'VteSyncStateError';
    this.file = file;
  }
}

/** `runOnce` or `replay` was called while another one is running on the same sync. */
export class VteSyncBusyError extends Error {
  readonly code = 'VTE_ERR_SYNC_BUSY';
  constructor() {
    super('a sync pass is already running');
    this.name = 'VteSyncBusyError';
  }
}
