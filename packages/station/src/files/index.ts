/** Durable file handling: post-actions with their journal and keep ledger, no-clobber moves, zips, globs. */
export { openPostActions } from './post-action.js';
export type { FileErrorInfo, FileIntent, MoveToErrorRequest, PostActionOutcome, PostActionRequest, PostActions, PostActionsOptions } from './post-action.js';
export { moveDirNoClobber, moveFileNoClobber, placeNoClobber } from './move.js';
export { freeName, numberedName, stemOf } from './names.js';
export { writeZip, zipEntriesFor } from './zip.js';
export type { ZipEntry } from './zip.js';
export { compileGlob, createGlobMatcher } from './glob.js';
export type { GlobMatcher, GlobOptions } from './glob.js';
export { sameIdentity, statIdentity } from './fs-utils.js';
export type { FileIdentity } from './fs-utils.js';
