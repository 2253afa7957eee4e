import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { VERSION, WatsClient, WatsError } from '@tswats/sdk';
import { clientFor, testSim } from './helpers.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('WatsClient configuration', () => {
  it('reads WATS_BASE_URL and WATS_AUTH_TOKEN when no options are given', () => {
    vi.stubEnv('WATS_BASE_URL', 'https://acme.wats.com/api/');
    vi.stubEnv('WATS_AUTH_TOKEN', 'dXNlcjpwYXNz');
    const client = new WatsClient();
    expect(client.config.baseUrl).toBe('https://acme.wats.com');
    expect(client.config.token).toBe('dXNlcjpwYXNz');
  });

  it('prefers options over the environment', () => {
    vi.stubEnv('WATS_BASE_URL', 'https://env.example');
    const client = new WatsClient({ baseUrl: 'https://opt.example/wats/', token: 't0k3n' });
    expect(client.config.baseUrl).toBe('https://opt.example/wats');
    expect(client.config.token).toBe('t0k3n');
  });

  it('says which setting is missing when there is no server', () => {
    vi.stubEnv('WATS_BASE_URL', '');
    expect(() => new WatsClient()).toThrow(/WATS_BASE_URL/);
  });

  it('rejects a base URL that is not http(s)', () => {
    expect(() => new WatsClient({ baseUrl: 'ftp://x' })).toThrow(WatsError);
    expect(() => new WatsClient({ baseUrl: 'not a url' })).toThrow(/not a URL/);
  });

  it('rejects nonsense retry and timeout settings', () => {
    expect(() => new WatsClient({ baseUrl: 'http://x', maxRetries: -1 })).toThrow(/maxRetries/);
    expect(() => new WatsClient({ baseUrl: 'http://x', timeout: 0 })).toThrow(/timeout/);
  });

  it('freezes its config and clones with withOptions()', () => {
    const a = new WatsClient({ baseUrl: 'http://a.example', maxRetries: 5 });
    const b = a.withOptions({ maxRetries: 0 });
    expect(Object.isFrozen(a.config)).toBe(true);
    expect(a.config.retry.maxRetries).toBe(5);
    expect(b.config.retry.maxRetries).toBe(0);
    expect(b.config.baseUrl).toBe('http://a.example');
  });

  it('keeps VERSION equal to package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });

  it('sends a user agent naming tswats and its version, and reads the server version', async () => {
    const sim = await testSim();
    const client = clientFor(sim, { userAgentSuffix: 'station-7/1.0' });
    expect(client.config.userAgent).toMatch(new RegExp(`^tswats-sdk/${VERSION.replace(/\./g, '\\.')} \\(node `));
    expect(client.config.userAgent.endsWith(' station-7/1.0')).toBe(true);
    const version = await client.app.version();
    expect(typeof version).toBe('string');
    expect(version.length).toBeGreaterThan(0);
  });
});

describe('connections', () => {
  it('reuses keep-alive connections instead of opening one per request', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    for (let i = 0; i < 20; i++) await client.app.version();
    expect(sim.stats().received).toBe(20);
    expect(sim.stats().connections).toBeLessThanOrEqual(2);
  });
});
