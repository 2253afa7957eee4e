/**
 * `@tswats/sdk/node`: the parts of the SDK that need Node's `fs` (the main entry stays
 * browser-safe). Explicit named exports only.
 */
export { FileCacheStorage } from './file-cache-storage.js';
