import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError, createUutReport, eq, WatsClient } from '@tswats/sdk';
import { firstLine, tswats } from './helpers.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

function report(serial: string) {
  const b = createUutReport({
    partNumber: 'PN-CLI', revision: 'A', serialNumber: serial, processCode: 10,
    stationName: 'ST', location: 'L', purpose: 'P',
  });
  b.root.addPassFail('ok', true);
  return b.build();
}

async function startSimProcess(args: string[]) {
  const p = tswats(['sim', '--port', '0', ...args]);
  const line = await firstLine(p);
  const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
  expect(match, `first line was: ${line}`).not.toBeNull();
  return { p, url: match![1]! };
}

describe('tswats sim (as a process)', () => {
  it('prints its URL first and serves the API', async () => {
    const { p, url } = await startSimProcess([]);
    const client = new WatsClient({ baseUrl: url, logLevel: 'off' });
    expect(await client.app.version()).toMatch(/\d+\.\d+/);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  it('requires the token given with --token', async () => {
    const { url } = await startSimProcess(['--token', 'c2VjcmV0']);
    await expect(new WatsClient({ baseUrl: url, token: 'bm9wZQ==', maxRetries: 0, logLevel: 'off' }).app.version())
      .rejects.toBeInstanceOf(AuthenticationError);
    await expect(new WatsClient({ baseUrl: url, token: 'c2VjcmV0', logLevel: 'off' }).app.version()).resolves.toBeTruthy();
  });

  it('keeps reports across a restart with --data', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tswats-cli-sim-'));
    dirs.push(dir);
    const first = await startSimProcess(['--data', dir]);
    const r = report('SN-PERSIST');
    await new WatsClient({ baseUrl: first.url, logLevel: 'off' }).reports.submit(r);
    first.p.child.kill('SIGKILL'); // not even a clean shutdown
    await first.p.exited;

    const second = await startSimProcess(['--data', dir]);
    const client = new WatsClient({ baseUrl: second.url, logLevel: 'off' });
    const headers = await client.reports.queryHeaders({ filter: eq('serialNumber', 'SN-PERSIST') });
    expect(headers.map((h) => h.uuid)).toEqual([r.id]);
    expect(await client.reports.getWsjf(r.id!)).toEqual(JSON.parse(JSON.stringify(r)));
  });

  it('applies fault flags: --error-rate 1 fails every request with the chosen status', async () => {
    const { url } = await startSimProcess(['--error-rate', '1', '--error-status', '502']);
    const err = await new WatsClient({ baseUrl: url, maxRetries: 0, logLevel: 'off' }).app.version().catch((e) => e);
    expect(err.status).toBe(502);
  });

  it('rejects a bad flag with a clear message and exit code', async () => {
    const p = tswats(['sim', '--port', 'eighty']);
    expect(await p.exited).not.toBe(0);
    expect(p.stderr()).toMatch(/--port must be a whole number/);
  });
});

describe('tswats demo (the main job)', () => {
  it('runs a station on the embedded simulator: every real sample converted and uploaded, the broken file in Error', { timeout: 60_000 }, async () => {
    const { mkdtemp, readdir, readFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'tswats-demo-test-'));
    try {
      const p = tswats(['demo', '--no-serve', '--dir', dir]);
      const code = await p.exited;
      expect(p.stderr()).toBe('');
      expect(code).toBe(0);
      const out = p.stdout();
      expect(out).toMatch(/^WATS simulator {3}http:\/\/127\.0\.0\.1:\d+ \(in memory; 13 reports stored\)/);
      expect(out).toMatch(/Station status {3}http:\/\/127\.0\.0\.1:\d+\/status/);
      expect(out).toContain(`Watch folder     ${join(dir, 'in')}`);
      expect(out).toMatch(/Converted 8 of 9 files into 13 reports/);
      expect(out).toMatch(/Demonstration hardware--28_10_2019\.xjlog +xjtag +6 report\(s\) +-> Done/);
      expect(out).toMatch(/truncated-run\.xml +FAILED: .*truncated/);
      expect(out).toMatch(/Uploaded 13 reports; queue: 0 pending, 0 failed/);
      expect((await readdir(join(dir, 'in', 'Done'))).length).toBe(8);
      expect((await readdir(join(dir, 'in', 'Error'))).sort()).toEqual(['truncated-run.xml', 'truncated-run.xml.error.json']);
      const log = await readFile(join(dir, 'station.log'), 'utf8');
      expect(log).toMatch(/"msg":"station running"/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('--sdk: submits a UUT and a UUR built in code, reads them back and prints a summary', async () => {
    const p = tswats(['demo', '--sdk', '--no-serve']);
    const code = await p.exited;
    expect(p.stderr()).toBe('');
    expect(code).toBe(0);
    const out = p.stdout();
    expect(out).toMatch(/^WATS simulator: http:\/\/127\.0\.0\.1:\d+ /);
    expect(out).toMatch(/UUT [0-9a-f-]{36} {2}result F {2}\d+ measurements, 1 failed: .*12V rail/);
    expect(out).toMatch(/UUR [0-9a-f-]{36} {2}repair of [0-9a-f-]{36}/);
    expect(out).toContain('identical to what was sent');
  });
});

describe('tswats sim fault flags', () => {
  it('--fail-next with --retry-after answers 429s the SDK rides out', async () => {
    const { url } = await startSimProcess(['--fail-next', '2', '--error-status', '429', '--retry-after', '0.05']);
    const client = new WatsClient({ baseUrl: url, logLevel: 'off' });
    const res = await client.reports.submit(report('SN-FLAGS'));
    expect(res.attempts).toBe(3);
    const stats = (await (await fetch(`${url}/_sim/stats`)).json()) as { rejected: { byStatus: Record<string, number> } };
    expect(stats.rejected.byStatus['429']).toBe(2);
  });

  it('--faults takes JSON and --drop-next drops connections', async () => {
    const { url } = await startSimProcess(['--faults', '{"latency":{"ms":1}}', '--drop-next', '1', '--drop-when', 'after']);
    const client = new WatsClient({ baseUrl: url, logLevel: 'off', retry: { initialDelayMs: 10 } });
    const r = report('SN-DROP');
    expect((await client.reports.submit(r)).attempts).toBe(2);
    const faults = (await (await fetch(`${url}/_sim/faults`)).json()) as Record<string, unknown>;
    expect(faults.latency).toEqual(expect.objectContaining({ ms: 1 }));
  });

  it('names the field of a bad --faults value', async () => {
    const p = tswats(['sim', '--port', '0', '--faults', '{"failNext":{"count":-1}}']);
    expect(await p.exited).toBe(2);
    expect(p.stderr()).toMatch(/failNext\.count/);
  });
});

describe('the installed command', () => {
  it('bin/tswats.mjs (what npm links as `tswats`) runs the built CLI', async () => {
    const { execFileSync } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const launcher = fileURLToPath(new URL('../bin/tswats.mjs', import.meta.url));
    expect(execFileSync(process.execPath, [launcher, '--version'], { encoding: 'utf8' }).trim()).toBe('0.1.0');
  });
});
