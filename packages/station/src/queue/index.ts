/** The station's durable upload queue: public API. */
export { openUploadQueue, UploadQueue } from './upload-queue.js';
export type { UploadedItem, UploadQueueEvents, UploadQueueOptions, UploadQueueStats } from './upload-queue.js';
export { openQueueStore } from './queue-store.js';
export type { QueueStoreOpenOptions } from './queue-store.js';
export { QueueClosedError, QueueFullError, QueueLockedError, QueueReportIdError } from './errors.js';
export type { EnqueueMeta, EnqueueResult, ListFilter, PurgeOptions, QueueItem, QueueItemError, QueueStoreHandle } from './types.js';
