/**
 * `@tswats/sdk/node`: the parts of the SDK that need Node (`fs`, and `undici`, the package's one
 * runtime dependency); the main entry stays browser-safe and dependency-free. Explicit named exports only.
 */
export { FileCacheStorage } from './file-cache-storage.js';
export { createNodeFetch } from './node-fetch.js';
export type { NodeFetch, NodeFetchOptions } from './node-fetch.js';
