/** What a cached entry is: process definitions, or one station's configuration. */
export type ReferenceKind = 'processes' | 'stationConfig';

/** One cached answer, with what it takes to fetch it again. */
export interface CacheEntryRecord {
  kind: ReferenceKind;
  /** The operation's path, e.g. `/api/App/Processes`. */
  path: string;
  /** Its query parameters (spec names). */
  query: Record<string, string | boolean>;
  /** The server's answer as received. */
  value: unknown;
  /** When the server gave it (ISO 8601). */
  fetchedAt: string;
}

/**
 * Everything a {@link ReferenceCacheStorage} holds. `fingerprint` is a SHA-256 over the base
 * URL and the token (never the token itself): a snapshot made for another server or token is
 * thrown away on load.
 */
export interface CacheSnapshot {
  version: 1;
  fingerprint: string;
  /** When it was written (ISO 8601). */
  savedAt: string;
  entries: Record<string, CacheEntryRecord>;
}

/**
 * Where a reference cache keeps its data between runs. The SDK stays browser-safe by leaving
 * the medium open: {@link MemoryCacheStorage} here, a file in `@tswats/sdk/node`
 * (`FileCacheStorage`), or anything else (IndexedDB, localStorage) implementing these three.
 */
export interface ReferenceCacheStorage {
  /** The saved snapshot, or undefined when there is none (or it cannot be read). */
  load(): Promise<CacheSnapshot | undefined>;
  /** Replaces the saved snapshot; must never leave a half-written one behind. */
  save(snapshot: CacheSnapshot): Promise<void>;
  /** Forgets the saved snapshot. */
  clear(): Promise<void>;
}

/** Keeps the snapshot in memory only (the default): survives a server outage, not a restart. */
export class MemoryCacheStorage implements ReferenceCacheStorage {
  private snapshot: CacheSnapshot | undefined;

  async load(): Promise<CacheSnapshot | undefined> {
    return this.snapshot === undefined ? undefined : structuredClone(this.snapshot);
  }

  async save(snapshot: CacheSnapshot): Promise<void> {
    this.snapshot = structuredClone(snapshot);
  }

  async clear(): Promise<void> {
    this.snapshot = undefined;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True when `value` has the shape of a {@link CacheSnapshot} (storages use it on load). */
export function isCacheSnapshot(value: unknown): value is CacheSnapshot {
  if (!isRecord(value) || value.version !== 1 || typeof value.fingerprint !== 'string' || !isRecord(value.entries)) {
    return false;
  }
  return Object.values(value.entries).every(
    (e) =>
      isRecord(e) &&
      (e.kind === 'processes' || e.kind === 'stationConfig') &&
      typeof e.path === 'string' &&
      isRecord(e.query) &&
      typeof e.fetchedAt === 'string' &&
      !Number.isNaN(Date.parse(e.fetchedAt)),
  );
}

/**
 * The fingerprint of a server + token pair: hex SHA-256 (Web Crypto, so it runs in browsers
 * too). The token never leaves memory; only this hash is stored.
 */
export async function cacheFingerprint(baseUrl: string, token: string | undefined): Promise<string> {
  const data = new TextEncoder().encode(`tswats-reference-cache/1\n${baseUrl}\n${token ?? ''}`);
  const digest = await globalThis.crypto.subtle.digest('SHA-256', data);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
