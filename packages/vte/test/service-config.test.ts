import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveVteConfig, VteConfigError, vteConfigJsonSchema } from '@tswats/vte';


const base = { timeZone: 'Europe/Oslo', processCode: { default: 50 }, database: { host: 'sql01', database: 'VTE9_3', user: 'r' } };

describe('VTE service config', () => {
  it('the committed JSON Schema is the generated one', () => {
    const committed = JSON.parse(readFileSync(new URL('../schema/vte-config.schema.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(vteConfigJsonSchema());
  });

  it('applies the service defaults', async () => {
    const { config } = await resolveVteConfig(base, { env: {}, baseDir: '/etc/tswats' });
    expect(config.server).toEqual({ baseUrl: '', token: undefined, timeoutMs: 60_000 });
    expect(config.sync).toEqual({
      stateDir: '/etc/tswats/vte-state', startAt: '1970-01-01T00:00:00', guardBandMs: 600_000, settleMs: 30_000, uploadConcurrency: 4,
      intervalMs: 300_000, connectivityIntervalMs: 60_000,
    });
    expect(config.http).toEqual({ enabled: true, host: '127.0.0.1', port: 8392, token: undefined });
    expect(config.alert).toBeUndefined();
  });

  it('reads the token file, env wins, durations parse, alert defaults', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tswats-vte-cfg-'));
    await writeFile(join(dir, 'token'), 'file-token\n');
    await writeFile(join(dir, 'smtp'), 'smtp-pw\n');
    const raw = {
      ...base, server: { url: 'https://acme.wats.com/', tokenFile: 'token' }, stateDir: 'state', startAt: '2026-01-01', guardBand: '5m', settle: 1000, interval: '1m',
      alert: { smtp: { host: 'mail', user: 'u', passwordFile: 'smtp' }, from: 'vte@acme', to: ['ops@acme'] },
    };
    const { config } = await resolveVteConfig(raw, { env: {}, baseDir: dir });
    expect(config.server).toMatchObject({ baseUrl: 'https://acme.wats.com', token: 'file-token' });
    expect(config.sync).toMatchObject({ stateDir: join(dir, 'state'), startAt: '2026-01-01T00:00:00', guardBandMs: 300_000, settleMs: 1000, intervalMs: 60_000 });
    expect(config.alert).toEqual({
      smtp: { host: 'mail', port: 587, secure: false, user: 'u', password: 'smtp-pw' }, from: 'vte@acme', to: ['ops@acme'], noProgressAfterMs: 3_600_000,
      errorThreshold: 10, minIntervalMs: 3_600_000,
    });
    const env = await resolveVteConfig(raw, { env: { WATS_BASE_URL: 'http://127.0.0.1:9', WATS_AUTH_TOKEN: 'env-token' }, baseDir: dir });
    expect(env.config.server).toMatchObject({ baseUrl: 'http://127.0.0.1:9', token: 'env-token' });
  });

  it('reports every service problem by path', async () => {
    const err = await resolveVteConfig(
      { ...base, server: { url: 'ftp://x', token: 't', tokenFile: 'f' }, interval: 'soon', http: { host: '0.0.0.0' } },
      { env: {}, requireServer: true },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VteConfigError);
    expect((err as VteConfigError).issues.map((i) => i.path)).toEqual(['interval']);
    const err2 = (await resolveVteConfig({ ...base, server: { url: 'ftp://x', token: 't', tokenFile: '/nonexistent/f' }, http: { host: '0.0.0.0' } }, { env: {}, requireServer: true }).catch((e: unknown) => e)) as VteConfigError;
    expect(err2.issues.map((i) => i.path).sort()).toEqual(['http.token', 'server.tokenFile', 'server.url']);
    const err3 = (await resolveVteConfig(base, { env: {}, requireServer: true }).catch((e: unknown) => e)) as VteConfigError;
    expect(err3.issues.map((i) => i.path)).toEqual(['server.url']);
  });
});
