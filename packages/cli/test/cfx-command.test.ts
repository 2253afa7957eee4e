/**
 * `tswats cfx map | send | bridge | status` against the built CLI, the local RabbitMQ (AMQP 1.0
 * plugin, guest/guest on 127.0.0.1:5672) and the simulator.
 */
import { randomUUID } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadBridgeConfig, resolveBridgeConfig, type BridgeStatus } from '@tswats/cfx';
import { BROKER_URL, expectedIds, tempDir, TEST_MAPPING, testSim, testTopology, unitsTested, waitFor } from '../../cfx/test/broker-helpers.js';
import { tswats } from './helpers.js';

const FIXTURES = fileURLToPath(new URL('../../cfx/test/fixtures/', import.meta.url));
const fixture = (name: string) => join(FIXTURES, name);
const EXAMPLE = fileURLToPath(new URL('../../../deploy/cfx/cfx-bridge.example.yaml', import.meta.url));

async function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  const p = tswats(args, env);
  const code = await p.exited;
  return { code, out: p.stdout(), err: p.stderr() };
}

/** A YAML config (the mapping as a JSON flow mapping, which is YAML too). */
async function configFile(dir: string, body: string): Promise<string> {
  const file = join(dir, `cfx-${randomUUID().slice(0, 8)}.yaml`);
  await writeFile(file, `${body}\nmapping: ${JSON.stringify(TEST_MAPPING)}\n`);
  return file;
}

interface MapOutput {
  file: string;
  error: { reason?: string } | null;
  envelopes: { status: string; messageName: string; reports: { id: string; type: string; sn: string; start: string; uur?: { refUUT?: string } }[]; assetUpdates: unknown[] }[];
}

const PANEL_IDS = ['dd32c968-3f94-598b-a172-225a2ff2639f', 'c8908935-2c7a-522c-b7d2-90b9ca74ca75'];

describe('tswats cfx map', () => {
  it('maps the fixtures with stable ids, tracks work and UUTs across files', async () => {
    const config = await configFile(await tempDir(), 'log: { level: warn }');
    const files = ['work-started.json', 'units-tested-panel.json', 'work-completed.json', 'units-repaired.json', 'batch.json', 'unknown-message.json', 'units-tested-panel.json.gz'].map(fixture);
    const a = await run(['cfx', 'map', '--config', config, ...files]);
    expect(a.err).not.toContain('tswats:');
    expect(a.code).toBe(0);
    const out = JSON.parse(a.out) as MapOutput[];
    expect(out.map((f) => f.envelopes.map((e) => e.status))).toEqual([['tracked'], ['mapped'], ['tracked'], ['mapped'], ['mapped', 'mapped'], ['unknown'], ['mapped']]);
    const panel = out[1]!.envelopes[0]!.reports;
    expect(panel.map((r) => r.id)).toEqual(PANEL_IDS); // one UUT per tested unit, same ids as the reviewed expectation
    expect(out[6]!.envelopes[0]!.reports.map((r) => r.id)).toEqual(PANEL_IDS); // the .gz holds the same message
    // The WorkStarted earlier in the run gives the start time (the units' own tests start later).
    const alone = JSON.parse((await run(['cfx', 'map', '--config', config, fixture('units-tested-panel.json')])).out) as MapOutput[];
    expect(alone[0]!.envelopes[0]!.reports[0]!.start).toBe('2026-03-04T09:16:58.100+01:00');
    expect(panel[0]!.start).not.toBe(alone[0]!.envelopes[0]!.reports[0]!.start);
    // The UnitsRepaired refers to the UUT mapped earlier in the same run.
    const uur = out[3]!.envelopes[0]!.reports[0]!;
    expect(uur.type).toBe('R');
    expect(uur.uur?.refUUT).toBe(PANEL_IDS[0]);
    expect(out[4]!.envelopes.map((e) => e.assetUpdates.length)).toEqual([1, 2]);
    expect(a.err).toMatch(/^# .*units-tested-panel\.json \[0\] UnitsTested 6f1c2a8e-3b7d-4c59-9e0a-1d2f3b4c5a6e: mapped, 2 reports, 0 asset updates, 0 production updates$/m);
    // The same run again: the same ids.
    const b = JSON.parse((await run(['cfx', 'map', '--config', config, ...files])).out) as MapOutput[];
    expect(b.flatMap((f) => f.envelopes.flatMap((e) => e.reports.map((r) => r.id)))).toEqual(out.flatMap((f) => f.envelopes.flatMap((e) => e.reports.map((r) => r.id))));
  }, 20_000);

  it('names a bad file and its reason, maps the others, exits 1; --out writes one file per report', async () => {
    const dir = await tempDir();
    const config = await configFile(dir, '');
    const r = await run(['cfx', 'map', '--config', config, fixture('malformed.json'), fixture('units-tested-panel.json')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/malformed\.json: bad-json: body is not valid JSON at position \d+/);
    const out = JSON.parse(r.out) as MapOutput[];
    expect(out[0]!.error?.reason).toBe('bad-json');
    expect(out[1]!.envelopes[0]!.reports).toHaveLength(2);

    // Without a config the defaults apply: no part number for the panel's units is a mapping error naming the field.
    const d = await run(['cfx', 'map', fixture('units-tested-panel.json')]);
    expect(d.code).toBe(1);
    expect(d.err).toContain('MessageBody.TestedUnits[0].UnitIdentifier: no part number');

    const outDir = join(dir, 'out');
    const w = await run(['cfx', 'map', '--config', config, '--out', outDir, fixture('units-tested-panel.json'), fixture('batch.json')]);
    expect(w.code).toBe(0);
    expect((await readdir(outDir)).sort()).toEqual(['batch.json.updates.json', 'units-tested-panel.json.1.wsjf.json', 'units-tested-panel.json.2.wsjf.json']);
    expect((JSON.parse(await readFile(join(outDir, 'units-tested-panel.json.2.wsjf.json'), 'utf8')) as { id: string }).id).toBe(PANEL_IDS[1]);
  }, 20_000);
});

describe('tswats cfx config', () => {
  it('exits 78 listing every problem with its path', async () => {
    const dir = await tempDir();
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'broker:\n  credit: 0\nwats: { url: http://127.0.0.1:9 }\nbogus: 1\n');
    const badMapping = join(dir, 'bad-mapping.yaml');
    await writeFile(badMapping, 'wats: { url: http://127.0.0.1:9 }\nshutdownGrace: soon\nmapping: { timeZone: Mars/Base }\n');
    for (const args of [['cfx', 'bridge', '--config', bad], ['cfx', 'map', '--config', bad, fixture('batch.json')]]) {
      const r = await run(args);
      expect(r.code).toBe(78);
      expect(r.err).toContain('broker.credit');
      expect(r.err).toContain('"bogus"');
    }
    const m = await run(['cfx', 'bridge', '--config', badMapping]);
    expect(m.code).toBe(78);
    expect(m.err).toContain('mapping.timeZone');
    expect(m.err).toContain('shutdownGrace');
    // The bridge needs WATS.
    const noWats = await run(['cfx', 'bridge', '--config', await configFile(dir, '')], { WATS_BASE_URL: '' });
    expect(noWats.code).toBe(78);
    expect(noWats.err).toContain('wats.url');
  }, 20_000);

  it('deploy/cfx/cfx-bridge.example.yaml loads and states the defaults', async () => {
    const env = { WATS_BASE_URL: 'https://wats.example.com' };
    const { config, warnings } = await loadBridgeConfig(EXAMPLE, { env });
    expect(warnings).toEqual([]);
    const defaults = (await resolveBridgeConfig({}, { env })).config;
    const { containerId: _a, ...broker } = config.broker;
    const { containerId: _b, ...defaultBroker } = defaults.broker;
    expect({ ...config, broker }).toEqual({ ...defaults, broker: defaultBroker });
  });
});

describe('tswats cfx send + bridge', () => {
  it('sends the panel fixture and a gzip batch; the bridge uploads one report per unit; status; SIGTERM stops it', async () => {
    const topo = await testTopology();
    const sim = await testSim();
    const dir = await tempDir();
    const config = await configFile(
      dir,
      [
        'broker:',
        `  url: ${BROKER_URL}`,
        `  source: /amq/queue/${topo.queue}`,
        `  deadLetter: /amq/queue/${topo.dlq}`,
        '  credit: 20',
        '  reconnect: { initialDelay: 100ms, maxDelay: 1s }',
        `wats: { url: '${sim.url}', token: dGVzdDp0ZXN0 }`,
        'retry: { initialDelay: 100ms, maxDelay: 500ms }',
        'http: { port: 0 }',
        'log: { level: warn }',
        'shutdownGrace: 2s',
        `send: { address: /exchange/${topo.exchange} }`,
      ].join('\n'),
    );
    // systemd's notify socket, as station-command.test.ts does it.
    const unix = createRequire(import.meta.url)('unix-dgram') as { createSocket(type: 'unix_dgram', onMessage: (msg: Buffer) => void): { bind(path: string): void; close(): void } };
    const notes: string[] = [];
    const sockPath = join(dir, 'notify.sock');
    const sock = unix.createSocket('unix_dgram', (msg) => notes.push(msg.toString('utf8')));
    sock.bind(sockPath);
    onTestFinished(() => sock.close());

    const bridge = tswats(['cfx', 'bridge', '--config', config], { NOTIFY_SOCKET: sockPath, WATCHDOG_USEC: '400000' });
    await waitFor(() => /status (http:\S+)\/status/.test(bridge.stderr()) || bridge.child.exitCode !== null, 15_000, 'the bridge to start');
    const url = /status (http:\S+)\/status/.exec(bridge.stderr())?.[1];
    expect(url, bridge.stderr()).toBeDefined();

    await waitFor(() => notes.some((m) => /^READY=1$/m.test(m)), 10_000, 'READY=1');
    expect(notes.find((m) => /^READY=1$/m.test(m))).toMatch(/^STATUS=running; /m);
    await waitFor(() => notes.some((m) => /^WATCHDOG=1$/m.test(m)), 5_000, 'WATCHDOG=1');

    // A gzip file holding a batch (a JSON array) of two UnitsTested envelopes: one batched message.
    const batch = [unitsTested({ units: 3 }), unitsTested({ units: 1 })];
    const gz = join(dir, 'batch.json.gz');
    await writeFile(gz, gzipSync(JSON.stringify(batch)));
    const sent = await run(['cfx', 'send', '--config', config, fixture('units-tested-panel.json'), gz]);
    expect(sent.err).toContain(`2 messages accepted`);
    expect(sent.code).toBe(0);
    const lines = sent.out.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^sent Acme\.FCT3000\.SN0042\.CFX\.Production\.TestAndInspection\.UnitsTested 6f1c2a8e-3b7d-4c59-9e0a-1d2f3b4c5a6e \d+ bytes \(1 envelope from /);
    expect(lines[1]).toContain(`${batch[0]!.UniqueID as string}`);
    expect(lines[1]).toContain('(2 envelopes from');

    const expected = PANEL_IDS.length + batch.flatMap((e) => expectedIds(e)).length; // one report per tested unit
    await waitFor(() => sim.reportCount() >= expected, 20_000, `${expected} reports in the simulator`);
    expect(sim.reportCount()).toBe(expected);

    const st = await run(['cfx', 'status', '--url', url!, '--json']);
    expect(st.code).toBe(0);
    const s = JSON.parse(st.out) as BridgeStatus;
    expect(s).toMatchObject({ state: 'running', ready: true, totals: { received: 2, accepted: 2, deadLettered: 0, envelopes: 3, reports: expected } });
    const human = await run(['cfx', 'status', '--url', url!]);
    expect(human.code).toBe(0);
    expect(human.out).toMatch(/^bridge {2}running \(ready\)/);
    expect(human.out).toContain(`reports ${expected}`);

    bridge.child.kill('SIGTERM');
    expect(await bridge.exited).toBe(0);
    expect(bridge.stderr()).toMatch(new RegExp(`tswats cfx bridge stopped \\(SIGTERM\\) after .*: messages received 2, accepted 2, .*reports ${expected},`));
    expect(notes.some((m) => /^STOPPING=1$/m.test(m))).toBe(true);
    expect(await topo.depth()).toBe(0);
    expect(await topo.depth(topo.dlq)).toBe(0);

    const gone = await run(['cfx', 'status', '--url', url!]);
    expect(gone.code).toBe(3);
  }, 45_000);

  it('send fails clearly: a bad file (nothing sent), an exchange that does not exist, an unreachable broker', async () => {
    const topo = await testTopology();
    const dir = await tempDir();
    const config = await configFile(dir, `broker: { url: '${BROKER_URL}' }\nsend: { address: /exchange/${topo.exchange} }`);
    const [badFile, noExchange, unreachable] = await Promise.all([
      run(['cfx', 'send', '--config', config, fixture('units-tested-panel.json'), fixture('malformed.json')]),
      run(['cfx', 'send', '--config', config, '--address', `/exchange/${topo.exchange}-missing`, fixture('units-tested-panel.json')]),
      run(['cfx', 'send', fixture('units-tested-panel.json')], { CFX_BROKER_URL: 'amqp://guest@127.0.0.1:1', CFX_BROKER_PASSWORD: 'secret-pw' }),
    ]);
    expect(badFile.code).toBe(1);
    expect(badFile.err).toMatch(/malformed\.json: bad-json: .*\n.*nothing sent/);
    expect(badFile.out).toBe('');
    expect(await topo.depth()).toBe(0);

    expect(noExchange.code).toBe(1);
    expect(noExchange.err).toContain(`/exchange/${topo.exchange}-missing`);
    expect(noExchange.err).toMatch(/exist/);

    expect(unreachable.code).toBe(1);
    expect(unreachable.err).toContain('cannot connect to the broker at amqp://guest@127.0.0.1:1 within 10 s');
    expect(unreachable.err).not.toContain('secret-pw');
  }, 30_000);
});
