import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { APIConnectionError, AuthenticationError, InternalServerError, type WatsClient } from '@tswats/sdk';
import { FileCacheStorage } from '@tswats/sdk/node';
import type { SimHandle } from '@tswats/sim';
import { createReferenceCache, type ReferenceCache, type ReferenceCacheOptions } from '@tswats/sdk';
import { clientFor, testSim } from '../helpers.js';

const dirs: string[] = [];
const caches: ReferenceCache[] = [];

afterEach(async () => {
  for (const c of caches.splice(0)) await c.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function cacheFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tswats-cache-'));
  dirs.push(dir);
  return join(dir, 'nested', 'reference-cache.json');
}

/** A client that fails over at once (no retries) and a cache on `file`. */
function cacheFor(client: WatsClient, file: string, options: ReferenceCacheOptions = {}): ReferenceCache {
  const cache = createReferenceCache(client, {
    storage: new FileCacheStorage(file),
    refreshIntervalMs: 0,
    request: { maxRetries: 0, timeout: 2000 },
    ...options,
  });
  caches.push(cache);
  return cache;
}

/** A station the simulator knows: WATS learns stations from the reports they send. */
async function knownStation(sim: SimHandle): Promise<string> {
  const client = clientFor(sim);
  const { createUutReport } = await import('@tswats/sdk');
  const b = createUutReport({
    partNumber: 'PN-C',
    serialNumber: 'SN-C1',
    revision: 'A',
    processCode: 10,
    stationName: 'ICT-7',
    location: 'Line 2',
    purpose: 'Production',
    operator: 'op',
  });
  b.root.addPassFail('ok', true);
  await client.reports.submit(b.build());
  return 'ICT-7';
}

async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('offline reference cache', () => {
  it('fills the file on the first fetch and serves it, marked as cached with its age, once the server is gone', async () => {
    const sim = await testSim();
    const file = await cacheFile();
    const token = Buffer.from('station:s3cret-token').toString('base64');
    const client = clientFor(sim, { token });
    const station = await knownStation(sim);

    const cache = cacheFor(client, file);
    const first = await cache.getProcesses();
    expect(first.source).toBe('server');
    expect(Array.isArray(first.value)).toBe(true);
    expect(first.value.length).toBeGreaterThan(0);
    const config = await cache.getStationConfig({ name: station });
    expect(config.source).toBe('server');
    await cache.close();

    const saved = readFileSync(file, 'utf8');
    expect(JSON.parse(saved)).toMatchObject({ version: 1, fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(saved).not.toContain(token);
    expect(saved).not.toContain('s3cret-token');

    await sim.close();
    await new Promise((r) => setTimeout(r, 50));
    // A new process (a new cache on the same file), the server unreachable.
    const offline = cacheFor(client, file, { maxAgeMs: 0 });
    const cached = await offline.getProcesses();
    expect(cached.source).toBe('cache');
    expect(cached.value).toEqual(first.value);
    expect(cached.error).toBeInstanceOf(APIConnectionError);
    expect(cached.ageMs).toBeGreaterThanOrEqual(50);
    expect(cached.ageMs).toBeLessThan(10_000);
    expect(cached.fetchedAt.toISOString()).toBe(first.fetchedAt.toISOString());
    const cachedConfig = await offline.getStationConfig({ name: station });
    expect(cachedConfig).toMatchObject({ source: 'cache', value: config.value });
    // Nothing cached for another station: the connection error comes through.
    await expect(offline.getStationConfig({ name: 'never-seen' })).rejects.toBeInstanceOf(APIConnectionError);
    const status = await offline.status();
    expect(status.entries.map((e) => [e.kind, e.source])).toEqual([
      ['processes', 'cache'],
      ['stationConfig', 'cache'],
    ]);
    expect(status.lastError?.code).toBe('WATS_ERR_CONNECTION');
  });

  it('is cleared when the token or the base URL changes', async () => {
    const sim = await testSim();
    const file = await cacheFile();
    const a = cacheFor(clientFor(sim, { token: 'dG9rZW4tQQ==' }), file);
    await a.getProcesses();
    await a.close();
    expect(existsSync(file)).toBe(true);

    // Same file, another token: the snapshot is dropped, so nothing can be served offline.
    const b = cacheFor(clientFor(sim, { token: 'dG9rZW4tQg==' }), file);
    expect(await b.status()).toMatchObject({ entries: [], clearedForNewIdentity: true });
    expect(existsSync(file)).toBe(false);
    await b.getProcesses();
    await b.close();

    // Same token, another base URL (a path below the same server): cleared too.
    const other = clientFor(sim, { token: 'dG9rZW4tQg==', baseUrl: `${sim.url}/wats` });
    const c = cacheFor(other, file);
    expect(await c.status()).toMatchObject({ entries: [], clearedForNewIdentity: true });
    await sim.close();
    await expect(c.getProcesses()).rejects.toBeInstanceOf(APIConnectionError);
  });

  it('answers fresh entries without a request and refreshes them on the interval', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const cache = cacheFor(client, await cacheFile(), { refreshIntervalMs: 150 });
    const first = await cache.getProcesses();
    const again = await cache.getProcesses();
    expect(again.source).toBe('cache');
    expect(sim.stats().byOperation.App_Processes).toBe(1);

    await until(() => (sim.stats().byOperation.App_Processes ?? 0) >= 3);
    const status = await cache.status();
    expect(status.lastRefreshAt).toBeInstanceOf(Date);
    expect(status.entries[0]!.fetchedAt.getTime()).toBeGreaterThan(first.fetchedAt.getTime());

    await cache.close();
    const count = sim.stats().byOperation.App_Processes;
    await new Promise((r) => setTimeout(r, 400));
    expect(sim.stats().byOperation.App_Processes).toBe(count);
  });

  it('reports the last error after a failed refresh, and serves a 5xx from the cache but not a 401', async () => {
    const sim = await testSim();
    const cache = cacheFor(clientFor(sim), await cacheFile(), { maxAgeMs: 0 });
    const first = await cache.getProcesses({ includeInactiveProcesses: true });

    sim.faults.failNext(1, { status: 503, route: 'App_Processes' });
    const result = await cache.refresh();
    expect(result.refreshed).toEqual([]);
    expect(result.failed[0]!.error).toBeInstanceOf(InternalServerError);
    const status = await cache.status();
    expect(status.entries[0]!.lastError).toMatchObject({ status: 503, code: 'WATS_ERR_SERVER' });
    expect(status.lastError).toMatchObject({ key: '/api/App/Processes?includeInactiveProcesses=true', status: 503 });

    sim.faults.failNext(1, { status: 500, route: 'App_Processes' });
    const served = await cache.getProcesses({ includeInactiveProcesses: true });
    expect(served).toMatchObject({ source: 'cache', value: first.value });
    expect(served.error).toBeInstanceOf(InternalServerError);

    // Refused credentials are not an outage: the error is thrown, not hidden behind the cache.
    sim.faults.failNext(1, { status: 401, route: 'App_Processes' });
    await expect(cache.getProcesses({ includeInactiveProcesses: true })).rejects.toBeInstanceOf(AuthenticationError);

    // The next success clears the error.
    expect((await cache.getProcesses({ includeInactiveProcesses: true })).source).toBe('server');
    expect((await cache.status()).lastError).toBeUndefined();
  });

  it('shares one request between concurrent callers and survives a corrupt file', async () => {
    const sim = await testSim();
    const file = await cacheFile();
    const cache = cacheFor(clientFor(sim), file);
    const results = await Promise.all([cache.getProcesses(), cache.getProcesses(), cache.getProcesses()]);
    expect(results.every((r) => r.source === 'server')).toBe(true);
    expect(sim.stats().byOperation.App_Processes).toBe(1);
    await cache.close();

    await writeFile(file, '{"version": 1, "fingerp');
    const fresh = cacheFor(clientFor(sim), file);
    expect((await fresh.status()).entries).toEqual([]);
    expect((await fresh.getProcesses()).source).toBe('server');
    await fresh.clear();
    expect(existsSync(file)).toBe(false);
  });
});
