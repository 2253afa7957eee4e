import type { RequestOptions } from '../client.js';
import type { WatsError } from '../core/errors.js';
import type { ReferenceCacheStorage, ReferenceKind } from './cache-storage.js';

/** Options of `createReferenceCache`. */
export interface ReferenceCacheOptions {
  /** Where the cache survives restarts. @default a `MemoryCacheStorage` */
  storage?: ReferenceCacheStorage;
  /**
   * How often every cached entry is fetched again in the background, in ms; 0 turns the
   * background refresh off. The timer does not keep a Node process alive.
   * @default 600000 (10 minutes)
   */
  refreshIntervalMs?: number;
  /**
   * Up to this age an entry is answered from the cache without asking the server; older
   * entries are fetched again first (and still served from the cache when the server is
   * unreachable). 0 asks the server every time.
   * @default refreshIntervalMs (or 600000 when that is 0)
   */
  maxAgeMs?: number;
  /** Per-call options for the cache's requests, e.g. `{ maxRetries: 0, timeout: 5000 }` to fail over fast. */
  request?: RequestOptions;
}

/** An answer of the cache: the value, where it came from and how old it is. */
export interface CachedResult<T> {
  value: T;
  /** `server`: fetched by this call. `cache`: from the cache (fresh enough, or the server was unreachable). */
  source: 'server' | 'cache';
  /** When the server gave this value. */
  fetchedAt: Date;
  /** Its age when answered, in ms. */
  ageMs: number;
  /** Why the server was not used although the entry was due: the connection error or 5xx. */
  error?: WatsError;
}

/** The last failure of an entry. */
export interface CacheErrorInfo {
  message: string;
  code: string;
  /** The HTTP status, for an API error. */
  status?: number;
  at: Date;
}

/** `ReferenceCache.status()` of one entry. */
export interface CacheEntryStatus {
  key: string;
  kind: ReferenceKind;
  /** Where the value held now came from: fetched by this cache (`server`) or loaded from storage (`cache`). */
  source: 'server' | 'cache';
  fetchedAt: Date;
  ageMs: number;
  /** The last failed fetch since the last successful one. */
  lastError?: CacheErrorInfo;
}

/** `ReferenceCache.status()`. */
export interface ReferenceCacheStatus {
  entries: CacheEntryStatus[];
  /** The most recent failure of any entry (with its key), while it is not resolved. */
  lastError?: CacheErrorInfo & { key: string };
  /** When the last refresh (timer or `refresh()`) ended. */
  lastRefreshAt?: Date;
  refreshIntervalMs: number;
  /** True after a snapshot saved for another base URL or token was thrown away. */
  clearedForNewIdentity: boolean;
}

/** Query of `GET /api/App/Processes` (spec names); no flags = active test, repair and WIP operations. */
export interface ProcessQuery {
  includeTestOperations?: boolean;
  includeRepairOperations?: boolean;
  includeWipOperations?: boolean;
  includeInactiveProcesses?: boolean;
}

/** Which station: `GET /api/SystemManager/Client?name=` or `?identifier=`. */
export type StationQuery = { name: string; identifier?: never } | { identifier: string; name?: never };

/** What `ReferenceCache.refresh()` did. */
export interface RefreshResult {
  refreshed: string[];
  failed: { key: string; error: WatsError }[];
}
