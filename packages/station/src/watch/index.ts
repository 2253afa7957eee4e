/** Watching folders: which files are inputs, listing them, telling when one is complete. */
export { createFolderFilter } from './filter.js';
export type { FolderFilter, FolderFilterOptions } from './filter.js';
export { createFolderWatcher } from './folder-watcher.js';
export type { FolderWatcher, FolderWatcherOptions } from './folder-watcher.js';
export { companionFolderOf, isInCompanionFolder, scanFolder } from './scan.js';
export type { ScannedFile } from './scan.js';
export { createStabilityTracker } from './stability.js';
export type { StabilityTracker, StabilityTrackerOptions, StableFile } from './stability.js';
