import type { RequestOptions, WatsClient } from '../client.js';
import { APIConnectionError, APIError, WatsError } from '../core/errors.js';
import {
  cacheFingerprint,
  MemoryCacheStorage,
  type CacheEntryRecord,
  type CacheSnapshot,
  type ReferenceCacheStorage,
  type ReferenceKind,
} from './cache-storage.js';
import type {
  CachedResult,
  CacheEntryStatus,
  CacheErrorInfo,
  ProcessQuery,
  ReferenceCacheOptions,
  ReferenceCacheStatus,
  RefreshResult,
  StationQuery,
} from './cache-types.js';

interface Entry {
  record: CacheEntryRecord;
  source: 'server' | 'cache';
  lastError?: CacheErrorInfo;
}

const DEFAULT_INTERVAL_MS = 600_000;

/** True for failures where the cached value should be served: no answer, a timeout, or a 5xx. */
export function isUnreachable(err: unknown): boolean {
  return err instanceof APIConnectionError || (err instanceof APIError && err.status >= 500);
}

function errorInfo(err: unknown): CacheErrorInfo {
  const info: CacheErrorInfo = {
    message: err instanceof Error ? err.message : String(err),
    code: err instanceof WatsError ? err.code : 'WATS_ERR',
    at: new Date(),
  };
  if (err instanceof APIError) info.status = err.status;
  return info;
}

function cacheKey(path: string, query: Record<string, string | boolean>): string {
  const q = Object.keys(query)
    .sort()
    .map((k) => `${k}=${encodeURIComponent(String(query[k]))}`)
    .join('&');
  return q ? `${path}?${q}` : path;
}

/**
 * An offline cache for reference data: process definitions (test, repair and WIP operation
 * types, `GET /api/App/Processes`) and station configuration (`GET /api/SystemManager/Client`).
 * The first successful fetch is saved to the storage; when the server is unreachable the saved
 * value is served (marked `source: 'cache'`, with its age); entries are refreshed in the
 * background; a snapshot saved for another base URL or token is discarded. Create it with
 * {@link createReferenceCache}; `close()` stops the timer.
 */
export class ReferenceCache {
  private readonly client: WatsClient;
  private readonly storage: ReferenceCacheStorage;
  private readonly maxAgeMs: number;
  private readonly requestOptions: RequestOptions | undefined;
  readonly refreshIntervalMs: number;
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<Entry>>();
  private ready: Promise<void> | undefined;
  private fingerprint: string | undefined;
  private writes: Promise<void> = Promise.resolve();
  private timer: ReturnType<typeof setInterval> | undefined;
  private refreshing: Promise<RefreshResult> | undefined;
  private lastRefreshAt: Date | undefined;
  private clearedForNewIdentity = false;

  constructor(client: WatsClient, options: ReferenceCacheOptions = {}) {
    const interval = options.refreshIntervalMs ?? DEFAULT_INTERVAL_MS;
    const maxAge = options.maxAgeMs ?? (interval > 0 ? interval : DEFAULT_INTERVAL_MS);
    for (const [name, v] of [['refreshIntervalMs', interval], ['maxAgeMs', maxAge]] as const) {
      if (!Number.isFinite(v) || v < 0) throw new WatsError(`${name} must be >= 0 ms, got ${v}`, { code: 'WATS_ERR_CONFIG' });
    }
    this.client = client;
    this.storage = options.storage ?? new MemoryCacheStorage();
    this.refreshIntervalMs = interval;
    this.maxAgeMs = maxAge;
    this.requestOptions = options.request;
    if (interval > 0) {
      this.timer = setInterval(() => void this.refresh().catch(() => {}), interval);
      // Node: never keep the process alive for the cache alone (browsers have no unref).
      (this.timer as { unref?: () => void }).unref?.();
    }
  }

  /**
   * Process definitions (`GET /api/App/Processes`). Without flags the server answers the
   * active test, repair and WIP operations.
   */
  getProcesses<T = unknown[]>(query: ProcessQuery = {}): Promise<CachedResult<T>> {
    const q: Record<string, boolean> = {};
    for (const [k, v] of Object.entries(query)) if (typeof v === 'boolean') q[k] = v;
    return this.get<T>('processes', '/api/App/Processes', q);
  }

  /** A station's configuration (`GET /api/SystemManager/Client`) by `name` or `identifier`. */
  getStationConfig<T = Record<string, unknown>>(station: StationQuery): Promise<CachedResult<T>> {
    const q: Record<string, string> = {};
    if (typeof station.name === 'string' && station.name !== '') q.name = station.name;
    else if (typeof station.identifier === 'string' && station.identifier !== '') q.identifier = station.identifier;
    else throw new WatsError('getStationConfig: give a name or an identifier', { code: 'WATS_ERR_ARGUMENT' });
    return this.get<T>('stationConfig', '/api/SystemManager/Client', q);
  }

  /**
   * Fetches every cached entry again now. Never throws for a failed fetch: failures are in
   * the result and in {@link status}, and the old values stay. Concurrent calls share one run.
   */
  refresh(): Promise<RefreshResult> {
    this.refreshing ??= this.runRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Age, source and last error of every entry. */
  async status(): Promise<ReferenceCacheStatus> {
    await this.load();
    const now = Date.now();
    let lastError: ReferenceCacheStatus['lastError'];
    const entries = [...this.entries].map(([key, e]) => {
      const fetchedAt = new Date(e.record.fetchedAt);
      const s: CacheEntryStatus = { key, kind: e.record.kind, source: e.source, fetchedAt, ageMs: now - fetchedAt.getTime() };
      if (e.lastError) {
        s.lastError = { ...e.lastError };
        if (!lastError || e.lastError.at >= lastError.at) lastError = { ...e.lastError, key };
      }
      return s;
    });
    const out: ReferenceCacheStatus = {
      entries,
      refreshIntervalMs: this.refreshIntervalMs,
      clearedForNewIdentity: this.clearedForNewIdentity,
    };
    if (lastError) out.lastError = lastError;
    if (this.lastRefreshAt) out.lastRefreshAt = this.lastRefreshAt;
    return out;
  }

  /** Forgets every entry, in memory and in the storage. */
  async clear(): Promise<void> {
    await this.load();
    this.entries.clear();
    await this.enqueue(() => this.storage.clear());
  }

  /** Stops the background refresh and waits for pending writes. The cache still answers afterwards. */
  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.refreshing?.catch(() => {});
    await this.writes;
  }

  private load(): Promise<void> {
    this.ready ??= (async () => {
      this.fingerprint = await cacheFingerprint(this.client.config.baseUrl, this.client.config.token);
      let snapshot: CacheSnapshot | undefined;
      try {
        snapshot = await this.storage.load();
      } catch {
        snapshot = undefined; // an unreadable store is an empty one; the next save replaces it
      }
      if (!snapshot) return;
      if (snapshot.fingerprint !== this.fingerprint) {
        this.clearedForNewIdentity = true;
        await this.enqueue(() => this.storage.clear());
        return;
      }
      for (const [key, record] of Object.entries(snapshot.entries)) this.entries.set(key, { record, source: 'cache' });
    })();
    return this.ready;
  }

  private async get<T>(kind: ReferenceKind, path: string, query: Record<string, string | boolean>): Promise<CachedResult<T>> {
    await this.load();
    const key = cacheKey(path, query);
    const held = this.entries.get(key);
    if (held && Date.now() - Date.parse(held.record.fetchedAt) < this.maxAgeMs) return this.answer<T>(held, 'cache');
    try {
      return this.answer<T>(await this.fetch(key, kind, path, query), 'server');
    } catch (err) {
      const current = this.entries.get(key);
      if (current && isUnreachable(err)) return this.answer<T>(current, 'cache', err as WatsError);
      throw err;
    }
  }

  private answer<T>(entry: Entry, source: 'server' | 'cache', error?: WatsError): CachedResult<T> {
    const fetchedAt = new Date(entry.record.fetchedAt);
    const result: CachedResult<T> = {
      value: structuredClone(entry.record.value) as T,
      source,
      fetchedAt,
      ageMs: Math.max(0, Date.now() - fetchedAt.getTime()),
    };
    if (error) result.error = error;
    return result;
  }

  /** One fetch per key at a time; a success replaces the entry and is saved. */
  private fetch(key: string, kind: ReferenceKind, path: string, query: Record<string, string | boolean>): Promise<Entry> {
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = (async () => {
        try {
          const res = await this.client.request<unknown>({ method: 'GET', path, query }, this.requestOptions);
          const entry: Entry = { record: { kind, path, query, value: res.data, fetchedAt: new Date().toISOString() }, source: 'server' };
          this.entries.set(key, entry);
          // A storage failure (disk full, read-only) must not cost the caller the fresh value.
          await this.persist().catch((err: unknown) => {
            entry.lastError = errorInfo(new WatsError(`Saving the reference cache failed: ${errorInfo(err).message}`, { code: 'WATS_ERR_CACHE_STORAGE', cause: err }));
          });
          return entry;
        } catch (err) {
          const held = this.entries.get(key);
          if (held) held.lastError = errorInfo(err);
          throw err;
        }
      })().finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async runRefresh(): Promise<RefreshResult> {
    await this.load();
    const result: RefreshResult = { refreshed: [], failed: [] };
    for (const [key, e] of [...this.entries]) {
      try {
        await this.fetch(key, e.record.kind, e.record.path, e.record.query);
        result.refreshed.push(key);
      } catch (err) {
        result.failed.push({ key, error: err instanceof WatsError ? err : new WatsError(String(err), { cause: err }) });
      }
    }
    this.lastRefreshAt = new Date();
    return result;
  }

  private persist(): Promise<void> {
    return this.enqueue(() => {
      const entries: Record<string, CacheEntryRecord> = {};
      for (const [key, e] of this.entries) entries[key] = e.record;
      return this.storage.save({ version: 1, fingerprint: this.fingerprint!, savedAt: new Date().toISOString(), entries });
    });
  }

  /** Storage calls run one after another, so an older snapshot never overwrites a newer one. */
  private enqueue(op: () => Promise<void>): Promise<void> {
    const next = this.writes.then(op, op);
    this.writes = next.catch(() => {});
    return next;
  }
}

/**
 * Creates an offline cache of reference data for one client (one server and token).
 *
 * ```ts
 * import { FileCacheStorage } from '@tswats/sdk/node';
 * const cache = createReferenceCache(wats, { storage: new FileCacheStorage('C:/tswats/reference-cache.json') });
 * const { value, source, ageMs } = await cache.getProcesses();
 * ```
 */
export function createReferenceCache(client: WatsClient, options: ReferenceCacheOptions = {}): ReferenceCache {
  return new ReferenceCache(client, options);
}
