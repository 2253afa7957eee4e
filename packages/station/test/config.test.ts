import { mkdir, readFile, stat, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import Ajv2020 from 'ajv/dist/2020.js';
import {
  StationConfigError,
  initStation,
  parseDuration,
  parseSize,
  renderConfigTemplate,
  resolveStationConfig,
  stationConfigJsonSchema,
} from '@tswats/station';
import { tempDir } from './helpers.js';

async function issuesOf(p: Promise<unknown>): Promise<{ path: string; message: string }[]> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(StationConfigError);
    return [...(err as StationConfigError).issues];
  }
  throw new Error('expected a StationConfigError');
}

describe('station config', () => {
  it('the published JSON Schema is the one generated from the code (npm run gen:station-schema)', () => {
    const committed = JSON.parse(readFileSync(new URL('../schema/station-config.schema.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(stationConfigJsonSchema());
  });

  it('station init writes a commented config (mode 0600) and folders; it validates against the schema and resolves', async () => {
    const dir = await tempDir();
    const res = await initStation({ dir, serverUrl: 'https://acme.wats.com', stationName: 'ICT-1', folders: { ict: 'auto', atml: 'atml' } });
    expect(res.configFile).toBe(join(dir, 'station.yaml'));
    if (process.platform !== 'win32') expect((await stat(res.configFile)).mode & 0o777).toBe(0o600);
    for (const f of ['ict', 'ict/Done', 'ict/Error', 'atml/Done', 'data']) expect((await stat(join(dir, f))).isDirectory()).toBe(true);
    const text = await readFile(res.configFile, 'utf8');
    expect(text).toMatch(/^# tswats station configuration/);
    const ajv = new Ajv2020.default({ strict: false, allErrors: true });
    const validate = ajv.compile(stationConfigJsonSchema());
    expect(validate(parseYaml(text)), JSON.stringify(validate.errors)).toBe(true);

    const { config } = await resolveStationConfig({ file: res.configFile, env: {} });
    expect(config.server.baseUrl).toBe('https://acme.wats.com');
    expect(config.station.name).toBe('ICT-1');
    expect(config.folders.map((f) => [f.name, f.path, f.converter, f.doneFolder])).toEqual([
      ['ict', join(dir, 'ict'), 'auto', join(dir, 'ict', 'Done')],
      ['atml', join(dir, 'atml'), 'atml', join(dir, 'atml', 'Done')],
    ]);
    expect(config.folders[0]?.options.stationName).toBe('ICT-1');
    expect(config.dataDir).toBe(join(dir, 'data'));
    expect(config.queue.dir).toBe(join(dir, 'data', 'queue'));
    expect(config.http).toMatchObject({ enabled: true, host: '127.0.0.1', port: 8391 });
    expect(Object.isFrozen(config) && Object.isFrozen(config.folders[0])).toBe(true);

    await expect(initStation({ dir })).rejects.toThrow(/already exists/);
  });

  it('applies defaults < file < env < flags', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'in'));
    await mkdir(join(dir, 'other'));
    const file = join(dir, 'station.json');
    await writeFile(
      file,
      JSON.stringify({
        server: { url: 'https://file.example', token: 'file-token', timeout: '30s' },
        folders: [{ path: 'in', settle: 500 }],
        queue: { maxItems: 100 },
        log: { level: 'warn' },
      }),
    );
    const base = await resolveStationConfig({ file, env: {} });
    expect(base.config.server).toMatchObject({ baseUrl: 'https://file.example', token: 'file-token', timeoutMs: 30_000 });
    expect(base.config.queue).toMatchObject({ maxItems: 100, resumeAt: 80, concurrency: 4 });
    expect(base.config.folders[0]?.settleMs).toBe(500);
    expect(base.config.log.level).toBe('warn');

    const withEnv = await resolveStationConfig({ file, env: { WATS_BASE_URL: 'https://env.example', WATS_AUTH_TOKEN: 'env-token', TSWATS_LOG: 'debug' } });
    expect(withEnv.config.server).toMatchObject({ baseUrl: 'https://env.example', token: 'env-token' });
    expect(withEnv.config.log.level).toBe('debug');

    const withFlags = await resolveStationConfig({
      file,
      cwd: dir,
      env: { WATS_BASE_URL: 'https://env.example' },
      flags: { server: { url: 'https://flag.example' }, folders: [{ path: 'other' }], http: { port: 0 } },
    });
    expect(withFlags.config.server.baseUrl).toBe('https://flag.example');
    expect(withFlags.config.server.token).toBe('file-token'); // merged key by key
    expect(withFlags.config.folders.map((f) => f.path)).toEqual([join(dir, 'other')]); // arrays replace
    expect(withFlags.config.http.port).toBe(0);
  });

  it('reports every problem with its path, not just the first', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'a'));
    const file = join(dir, 'station.yaml');
    await writeFile(
      file,
      [
        'server:',
        '  url: ftp://nope',
        'folders:',
        '  - path: a',
        '    converter: atm',
        '    postAction: shred',
        '  - path: missing',
        '    options: { timeZone: Mars/Olympus }',
        '  - path: a',
        'queue: { maxItems: 10, resumeAt: 10, retry: { initialDelay: soon } }',
        'surprise: true',
      ].join('\n'),
    );
    const shapeIssues = await issuesOf(resolveStationConfig({ file, env: {} }));
    expect(shapeIssues.map((i) => i.path).sort()).toEqual(['folders[0].postAction', 'queue.retry.initialDelay', 'surprise'].sort());
    expect(shapeIssues.find((i) => i.path === 'queue.retry.initialDelay')?.message).toMatch(/duration like 500ms/);
    expect(shapeIssues.find((i) => i.path === 'surprise')?.message).toMatch(/unknown key "surprise"/);

    await writeFile(
      file,
      [
        'server:',
        '  url: ftp://nope',
        'folders:',
        '  - path: a',
        '    converter: atm',
        '  - path: missing',
        '    options: { timeZone: Mars/Olympus }',
        '  - path: a',
        'queue: { maxItems: 10, resumeAt: 10 }',
        'http: { host: 0.0.0.0 }',
      ].join('\n'),
    );
    const issues = await issuesOf(resolveStationConfig({ file, env: {} }));
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i.message]));
    expect(byPath['server.url']).toMatch(/must be http\(s\)/);
    expect(byPath['folders[0].converter']).toMatch(/unknown converter "atm"; known: auto, wsjf/);
    expect(byPath['folders[1].path']).toMatch(/missing does not exist/);
    expect(byPath['folders[1].options.timeZone']).toMatch(/unknown time zone "Mars\/Olympus"/);
    expect(byPath['folders[2].path']).toMatch(/already watched by folders\[0\]/);
    expect(byPath['queue.resumeAt']).toMatch(/below queue.maxItems/);
    expect(byPath['http.token']).toMatch(/required when http.host is not a loopback address/);
  });

  it('names the line of a YAML syntax error and a missing file', async () => {
    const dir = await tempDir();
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'server:\n  url: "https://x\nfolders: [\n');
    const issues = await issuesOf(resolveStationConfig({ file, env: {} }));
    expect(issues[0]?.path).toBe(file);
    expect(issues[0]?.message).toMatch(/not valid YAML \(line \d+, column \d+\)/);
    const missing = await issuesOf(resolveStationConfig({ file: join(dir, 'nope.yaml'), env: {} }));
    expect(missing[0]?.message).toBe('config file not found');
  });

  it('requires a server URL unless told not to, and says where to set it', async () => {
    const issues = await issuesOf(resolveStationConfig({ env: {}, requireFolders: false }));
    expect(issues).toEqual([{ path: 'server.url', message: 'not set (set it in the config file or in env WATS_BASE_URL)' }]);
    const { config } = await resolveStationConfig({ env: {}, requireServer: false, requireFolders: false, cwd: '/tmp' });
    expect(config.dataDir).toBe('/tmp/data');
  });

  it('reads the token from a file, warns when others can read it, and fails clearly when it is empty', async () => {
    const dir = await tempDir();
    const tokenFile = join(dir, 'token');
    await writeFile(tokenFile, 'c2VjcmV0OnRva2Vu\n');
    await chmod(tokenFile, 0o644);
    const res = await resolveStationConfig({ env: {}, requireFolders: false, flags: { server: { url: 'https://x.example', tokenFile } } });
    expect(res.config.server.token).toBe('c2VjcmV0OnRva2Vu');
    if (process.platform !== 'win32') expect(res.warnings.join('\n')).toMatch(/readable by other users \(mode 644\)/);
    await writeFile(tokenFile, '\n');
    const issues = await issuesOf(resolveStationConfig({ env: {}, requireFolders: false, flags: { server: { url: 'https://x.example', tokenFile } } }));
    expect(issues).toEqual([{ path: 'server.tokenFile', message: `${tokenFile} is empty` }]);
  });

  it('gives the folder the station identity unless the folder sets its own', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'a'));
    await mkdir(join(dir, 'b'));
    const { config } = await resolveStationConfig({
      env: {},
      cwd: dir,
      flags: {
        server: { url: 'https://x.example' },
        station: { name: 'ST-9', location: 'Line 2', purpose: 'Debug' },
        folders: [{ path: 'a' }, { path: 'b', options: { location: 'Lab', processCode: 20 }, priority: 1, postAction: 'zip' }],
      },
    });
    expect(config.folders[0]?.options).toMatchObject({ stationName: 'ST-9', location: 'Line 2', purpose: 'Debug' });
    expect(config.folders[1]?.options).toMatchObject({ stationName: 'ST-9', location: 'Lab', purpose: 'Debug', processCode: 20 });
    expect(config.folders[1]).toMatchObject({ priority: 1, postAction: 'zip', settleMs: 2000, include: ['*'] });
    expect(config.folders[1]?.exclude).toContain('*.error.json');
  });

  it('parses durations and sizes', () => {
    expect([parseDuration('500ms'), parseDuration('2s'), parseDuration('1.5m'), parseDuration('7d'), parseDuration(250), parseDuration('2 parsecs')]).toEqual([
      500, 2000, 90_000, 604_800_000, 250, undefined,
    ]);
    expect([parseSize('500MB'), parseSize('1GiB'), parseSize('10kb'), parseSize(42), parseSize('lots')]).toEqual([500e6, 2 ** 30, 10_000, 42, undefined]);
  });

  it('the template renders the given token only when asked', () => {
    expect(renderConfigTemplate({ folders: { in: 'auto' } })).toMatch(/# token: "\.\.\."/);
    expect(renderConfigTemplate({ folders: { in: 'auto' }, token: 'abc' })).toMatch(/ {2}token: "abc"/);
  });
});
