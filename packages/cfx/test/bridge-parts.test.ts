/** The bridge's parts on their own: WATS gate, effect ledger, unit cache, config resolution. */
import { readFileSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APIConnectionError, APIError, AuthenticationError, BadRequestError } from '@tswats/sdk';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse as parseYaml } from 'yaml';
import { CfxConfigError, UnitCache, WatsGate, bridgeConfigJsonSchema, fileLedger, memoryLedger, resolveBridgeConfig, unavailability } from '@tswats/cfx';
import { tempDir } from './broker-helpers.js';

const down = () => new APIConnectionError({ message: 'connect ECONNREFUSED 127.0.0.1:1' } as never);
const status = (s: number) => APIError.generate({ status: s, headers: new Headers(), body: { message: `status ${s}` }, method: 'POST', url: 'http://x/api' } as never);

describe('WatsGate', () => {
  it('classifies failures: connection errors, 5xx, 429 and 408 are "down"; 401/403 "unauthorized"; other 4xx are not about availability', () => {
    expect(unavailability(down())).toBe('down');
    for (const s of [500, 502, 503, 504, 429, 408]) expect(unavailability(status(s))).toBe('down');
    expect(unavailability(status(401))).toBe('unauthorized');
    expect(unavailability(status(403))).toBe('unauthorized');
    for (const s of [400, 404, 409, 422]) expect(unavailability(status(s))).toBeUndefined();
    expect(unavailability(new Error('bug'))).toBeUndefined();
  });

  it('closes on an outage, holds every caller, lets one probe through after the backoff, opens for all when it succeeds', async () => {
    const changes: string[] = [];
    const gate = new WatsGate({ initialDelayMs: 50, maxDelayMs: 200, onChange: (s) => changes.push(s) });
    let up = false;
    let calls = 0;
    const call = async () => {
      calls++;
      if (!up) throw down();
      return 'ok';
    };
    const results = Promise.all(Array.from({ length: 5 }, () => gate.run(call)));
    await new Promise((r) => setTimeout(r, 300));
    expect(gate.state).toBe('down');
    // 5 first attempts, then one probe at a time with growing delays: far fewer than 5 per probe round.
    const during = calls;
    expect(during).toBeLessThan(5 + 6);
    up = true;
    expect(await results).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(gate.state).toBe('open');
    expect(changes).toEqual(['down', 'open']);
    gate.close();
  });

  it('a request WATS refuses (400) passes straight through without closing the gate', async () => {
    const gate = new WatsGate({ initialDelayMs: 10, maxDelayMs: 10 });
    await expect(gate.run(async () => Promise.reject(status(400)))).rejects.toBeInstanceOf(BadRequestError);
    expect(gate.state).toBe('open');
  });

  it('401 makes the gate "unauthorized"; an aborted caller stops waiting; close() releases everyone', async () => {
    const gate = new WatsGate({ initialDelayMs: 10_000, maxDelayMs: 10_000 });
    const first = gate.run(async () => Promise.reject(status(401)));
    await new Promise((r) => setTimeout(r, 20));
    expect(gate.state).toBe('unauthorized');
    expect(gate.reason).toMatch(/401/);
    const ac = new AbortController();
    const waiting = gate.run(async () => 'never', ac.signal);
    ac.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    gate.close();
    await expect(first).rejects.toThrow(/closing/);
    expect(AuthenticationError).toBeDefined();
  });
});

describe('effect ledger', () => {
  it('a file ledger remembers across restarts and compacts to the newest keys', async () => {
    const dir = await tempDir();
    const a = fileLedger(dir, 3);
    for (const k of ['r:1', 'r:2', 'a:m1:0']) a.add(k);
    a.add('r:1'); // already there: no second line
    a.close();
    expect((await readFile(join(dir, 'effects.log'), 'utf8')).split('\n').filter(Boolean)).toEqual(['r:1', 'r:2', 'a:m1:0']);
    const b = fileLedger(dir, 3);
    expect(b.has('r:2') && b.has('a:m1:0')).toBe(true);
    for (const k of ['r:3', 'r:4', 'r:5', 'r:6']) b.add(k); // 7 lines > 2 × 3: compacted
    b.close();
    const c = fileLedger(dir, 3);
    expect(c.size).toBe(3);
    expect(c.has('r:6') && c.has('r:5') && c.has('r:4')).toBe(true);
    expect(c.has('r:1')).toBe(false);
    c.close();
  });

  it('a memory ledger keeps at most maxEntries, oldest out first', () => {
    const l = memoryLedger(2);
    l.add('x');
    l.add('y');
    l.add('z');
    expect([l.has('x'), l.has('y'), l.has('z'), l.size]).toEqual([false, true, true, 2]);
  });
});

describe('UnitCache', () => {
  it('answers from the cache only, for as long as the ttl (found) or negativeTtl (not found) says', () => {
    let now = 0;
    const cache = new UnitCache({ ttlMs: 1000, negativeTtlMs: 100, maxEntries: 10, now: () => now });
    cache.set('A', { partNumber: 'PN-A', revision: '2' });
    cache.set('B', undefined);
    expect(cache.lookup('A')).toEqual({ partNumber: 'PN-A', revision: '2' });
    expect([cache.knows('A'), cache.knows('B'), cache.knows('C')]).toEqual([true, true, false]);
    now = 500;
    expect(cache.knows('B')).toBe(false);
    expect(cache.knows('A')).toBe(true);
    now = 1500;
    expect(cache.lookup('A')).toBeUndefined();
  });
});

describe('resolveBridgeConfig', () => {
  it('the committed JSON Schema is the generated one, and the example config validates against it', () => {
    const committed = JSON.parse(readFileSync(new URL('../schema/cfx-bridge-config.schema.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(bridgeConfigJsonSchema());
    const ajv = new Ajv2020.default({ strict: false, allErrors: true });
    const validate = ajv.compile(bridgeConfigJsonSchema());
    const example = parseYaml(readFileSync(new URL('../../../deploy/cfx/cfx-bridge.example.yaml', import.meta.url), 'utf8'));
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ broker: { credit: 0 } })).toBe(false);
    expect(validate({ mapping: { processCodes: { repair: 'x' } } })).toBe(false);
  });

  it('defaults, env over file, secrets from files relative to the config folder', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'wats.token'), 'c2VjcmV0\n');
    await chmod(join(dir, 'wats.token'), 0o600);
    await writeFile(join(dir, 'broker.pw'), 'pw-from-file\n');
    await chmod(join(dir, 'broker.pw'), 0o600);
    const { config, warnings } = await resolveBridgeConfig(
      { broker: { url: 'amqp://cfx@broker.local:5673/factory', passwordFile: 'broker.pw' }, wats: { url: 'https://acme.wats.com', tokenFile: 'wats.token' }, dataDir: 'data' },
      { baseDir: dir, env: { WATS_BASE_URL: 'https://other.wats.com' } },
    );
    expect(config.broker).toMatchObject({ host: 'broker.local', port: 5673, username: 'cfx', password: 'pw-from-file', vhost: 'factory', source: '/queue/cfx-wats', deadLetter: '/queue/cfx-wats-dead', credit: 100 });
    expect(config.wats).toMatchObject({ url: 'https://other.wats.com', token: 'c2VjcmV0', timeoutMs: 30_000, concurrency: 16 });
    expect(config.dataDir).toBe(join(dir, 'data'));
    expect(config.unknownMessages).toBe('accept');
    expect(config.mapping.defaults.location).toBe('CFX');
    expect(warnings).toEqual([]);
  });

  it('reports every problem with its path in one error, mapping problems included', async () => {
    const err = await resolveBridgeConfig(
      {
        broker: { url: 'http://x', credit: 0, source: '/queue/a', deadLetter: '/queue/a', reconnect: { initialDelay: 'soon' } },
        http: { host: '0.0.0.0' },
        bogus: 1,
        mapping: { timeZone: 'Mars/Olympus' },
      },
      { env: {} },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CfxConfigError);
    const paths = (err as CfxConfigError).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['broker.credit', '', 'mapping.timeZone']));
    const err2 = await resolveBridgeConfig(
      { broker: { url: 'http://x', source: '/queue/a', deadLetter: '/queue/a', reconnect: { initialDelay: 'soon' } }, http: { host: '0.0.0.0' }, mapping: { timeZone: 'Mars/Olympus' } },
      { env: {} },
    ).catch((e: unknown) => e);
    const issues = (err2 as CfxConfigError).issues;
    expect(issues.map((i) => i.path).sort()).toEqual(['broker.deadLetter', 'broker.reconnect.initialDelay', 'broker.url', 'http.token', 'mapping.timeZone', 'wats.url']);
    expect((err2 as Error).message).toMatch(/unsupported scheme "http:"/);
  });

  it('env CFX_BROKER_URL and CFX_BROKER_PASSWORD override the file; a password in the file is a warning', async () => {
    const { config, warnings } = await resolveBridgeConfig(
      { broker: { url: 'amqp://a:5672', password: 'inline' }, wats: { url: 'http://127.0.0.1:1' } },
      { env: { CFX_BROKER_URL: 'amqps://guest@b.example:5671', CFX_BROKER_PASSWORD: 'from-env' } },
    );
    expect(config.broker).toMatchObject({ host: 'b.example', port: 5671, tls: true, username: 'guest', password: 'from-env' });
    expect(warnings.join('\n')).toMatch(/broker.password is in the config file/);
  });
});

describe('Preparer (the mapping worker\'s stage)', () => {
  it('asks for part numbers WATS may know and commits nothing until they come; then maps with them', async () => {
    const { Preparer } = await import('../src/bridge/prepare.js');
    const { resolveCfxConfig, createEnvelope, encodeCfxMessage } = await import('@tswats/cfx');
    const p = new Preparer({ mapping: resolveCfxConfig({}), lookup: { enabled: true, ttlMs: 60_000, negativeTtlMs: 1000, maxEntries: 10 } });
    const env = createEnvelope({
      messageName: 'UnitsTested',
      source: 'Acme.FCT3000.SN0042',
      body: { TestMethod: 'FCT', TestedUnits: [{ UnitIdentifier: 'CB-7', UnitPositionNumber: 1, OverallResult: 'Passed', Tests: [] }] },
    });
    const body = encodeCfxMessage(env).body;
    expect(p.prepare(body, undefined)).toEqual({ kind: 'lookup', serials: ['CB-7'] });
    p.addUnits([['CB-7', { partNumber: 'CTRL', revision: 'B' }]]);
    const out = p.prepare(body, undefined);
    expect(out.kind).toBe('ok');
    if (out.kind !== 'ok') return;
    expect(out.prepared.reports).toHaveLength(1);
    expect(JSON.parse(out.prepared.reports[0]!.json)).toMatchObject({ pn: 'CTRL', rev: 'B', sn: 'CB-7', id: out.prepared.reports[0]!.id });
    expect(out.prepared.envelopes).toEqual([expect.objectContaining({ short: 'UnitsTested', status: 'mapped' })]);
    // Not in WATS and no fallback: unprocessable, naming the field.
    const other = encodeCfxMessage(createEnvelope({ messageName: 'UnitsTested', source: 'X', body: { TestedUnits: [{ UnitIdentifier: 'ZZ-1', OverallResult: 'Passed' }] } })).body;
    expect(p.prepare(other, undefined)).toEqual({ kind: 'lookup', serials: ['ZZ-1'] });
    p.addUnits([['ZZ-1', undefined]]);
    expect(p.prepare(other, undefined)).toMatchObject({ kind: 'unprocessable', code: 'CFX_ERR_MAPPING', field: 'MessageBody.TestedUnits[0].UnitIdentifier' });
    expect(p.prepare(Buffer.from('{"oops'), undefined)).toMatchObject({ kind: 'unprocessable', code: 'CFX_ERR_DECODE' });
  });
});

describe('MapClient (the worker thread)', () => {
  it('prepares in a worker thread, answers its lookups, and replaces a worker that died', async () => {
    const { MapClient } = await import('../src/bridge/map-client.js');
    const { resolveCfxConfig, createEnvelope, encodeCfxMessage } = await import('@tswats/cfx');
    const errors: Error[] = [];
    const asked: string[][] = [];
    const client = new MapClient({
      preparer: { mapping: resolveCfxConfig({}), lookup: { enabled: true, ttlMs: 60_000, negativeTtlMs: 1000, maxEntries: 10 } },
      lookUp: async (serials) => {
        asked.push(serials);
        return serials.map((sn) => [sn, { partNumber: `PN-${sn}` }]);
      },
      onWorkerError: (e) => errors.push(e),
    });
    const msg = (sn: string) =>
      encodeCfxMessage(createEnvelope({ messageName: 'UnitsTested', source: 'H', body: { TestedUnits: [{ UnitIdentifier: sn, OverallResult: 'Passed' }] } })).body;
    const [a, b] = await Promise.all([client.prepare(msg('A-1'), undefined), client.prepare(msg('B-1'), undefined)]);
    expect(asked).toEqual([['A-1'], ['B-1']]);
    expect(a.kind === 'ok' && JSON.parse(a.prepared.reports[0]!.json).pn).toBe('PN-A-1');
    expect(b.kind === 'ok' && JSON.parse(b.prepared.reports[0]!.json).pn).toBe('PN-B-1');
    expect(client.units).toMatchObject({ misses: 2 });
    // The worker dies: what it held fails, the next message gets a new worker.
    await (client as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await new Promise((r) => setTimeout(r, 50));
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/exited/)]);
    const c = await client.prepare(msg('C-1'), undefined);
    expect(c.kind === 'ok' && JSON.parse(c.prepared.reports[0]!.json).pn).toBe('PN-C-1');
    await client.close();
    await expect(client.prepare(msg('D-1'), undefined)).rejects.toThrow(/closed/);
  });
});
