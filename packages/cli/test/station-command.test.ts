import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { startSim, type SimHandle } from '@tswats/sim';
import { convert } from '@tswats/converters';
import { tswats } from './helpers.js';

const FIXTURES = fileURLToPath(new URL('../../converters/test/fixtures/', import.meta.url));
const SAMPLE_FILES = [
  'wstf/multi-uut.txt',
  'wstf/WatsStandardTextFormat.txt',
  'atml/ATML 6.01 [2 31 52 PM][5 15 2019].xml',
  'atml/ATML 5.00 [2 31 11 PM][5 15 2019].xml',
  'atml/ATML 2.02 [123456789][2 30 27 PM][5 15 2019].XML',
  'seica-viva/800721A_FailReport.xml .xml',
  'wsxf/wrml-uut-and-uur.xml',
  'xjtag/567567_14_29_24_17_06_2020_Pass.xml',
  'teststand-xml/TSWithWats2.xml',
  'wsjf/WATS - WSJF UUT Example file.json',
  'wsjf/WATS - WSJF UUR Example file.json',
  'seica-viva/panel-2up-handwritten.xml',
].map((f) => join(FIXTURES, f));

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'tswats-station-cli-'));
  cleanup.push(() => rm(d, { recursive: true, force: true }));
  return d;
}

async function sim(options: Parameters<typeof startSim>[0] = {}): Promise<SimHandle> {
  const s = await startSim({ checkContract: true, ...options });
  cleanup.push(async () => {
    const v = s.contractViolations();
    await s.close();
    expect(v).toEqual([]);
  });
  return s;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

async function files(dir: string): Promise<string[]> {
  return (await readdir(dir, { withFileTypes: true }).catch(() => []))
    .filter((d) => d.isFile())
    .map((d) => d.name)
    .sort();
}

async function writeConfig(dir: string, url: string, port: number): Promise<string> {
  await mkdir(join(dir, 'in'), { recursive: true });
  const file = join(dir, 'station.json');
  await writeFile(
    file,
    JSON.stringify({
      server: { url, pingInterval: '500ms', timeout: '5s' },
      station: { name: 'CRASH-TEST' },
      dataDir: 'data',
      folders: [{ path: 'in', settle: '100ms' }],
      watch: { rescanInterval: '1s' },
      queue: { concurrency: 2, retry: { initialDelay: '50ms', maxDelay: '500ms' } },
      http: { port },
      log: { level: 'warn', file: 'station.log' },
    }),
  );
  return file;
}

async function status(port: number): Promise<{ state: string; queue: { counts: Record<string, number>; sending: number }; folders: { waiting: number; converting: number }[] } | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/status`, { signal: AbortSignal.timeout(2000) });
    return res.ok ? ((await res.json()) as never) : undefined;
  } catch {
    return undefined;
  }
}

async function waitFor<T>(check: () => Promise<T> | T, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('tswats station run (real processes)', () => {
  it('survives SIGKILL at random moments: the simulator holds every report exactly once, every source is post-actioned once', { timeout: 120_000 }, async () => {
    const server = await sim({ faults: { latency: { ms: 40 } } });
    const dir = await tempDir();
    const port = await freePort();
    const config = await writeConfig(dir, server.url, port);
    const expected = new Set<string>();
    for (const f of SAMPLE_FILES) for (const r of (await convert(f, { stationName: 'CRASH-TEST', location: 'unknown', purpose: 'Production' })).reports) expected.add(r.id as string);

    // Several cycles: drop a few files, let the service work for a random moment, SIGKILL it.
    const pending = [...SAMPLE_FILES];
    const cycles = 5;
    for (let cycle = 0; cycle < cycles; cycle++) {
      const p = tswats(['station', 'run', '--config', config]);
      const drop = pending.splice(0, Math.ceil(SAMPLE_FILES.length / cycles));
      for (const f of drop) await copyFile(f, join(dir, 'in', basename(f)));
      await new Promise((r) => setTimeout(r, 250 + Math.random() * 1200));
      p.child.kill('SIGKILL');
      await p.exited;
    }
    for (const f of pending) await copyFile(f, join(dir, 'in', basename(f)));

    // A last run finishes the work; then a graceful stop.
    const last = tswats(['station', 'run', '--config', config]);
    await waitFor(
      async () => {
        const s = await status(port);
        return (
          s !== undefined &&
          (await files(join(dir, 'in'))).length === 0 &&
          s.queue.counts.pending === 0 &&
          s.queue.sending === 0 &&
          s.folders.every((f) => f.waiting === 0 && f.converting === 0)
        );
      },
      60_000,
      'the last run to drain everything',
    );
    last.child.kill('SIGTERM');
    expect(await last.exited).toBe(0);

    // Exactly the expected report ids, none lost, none duplicated.
    expect(server.reportCount()).toBe(expected.size);
    for (const id of expected) {
      const res = await fetch(`${server.url}/api/Report/Wsjf/${id}`);
      expect(res.status, `report ${id}`).toBe(200);
    }
    // Every source post-actioned exactly once: in Done once under its own name; nothing in Error.
    expect(await files(join(dir, 'in', 'Done'))).toEqual(SAMPLE_FILES.map((f) => basename(f)).sort());
    expect(await files(join(dir, 'in', 'Error'))).toEqual([]);
  });

  it('tells systemd READY, WATCHDOG and STOPPING through a real NOTIFY_SOCKET, and exits 0 on SIGTERM', async () => {
    const require = createRequire(import.meta.url);
    const unix = require('unix-dgram') as { createSocket(type: 'unix_dgram', onMessage: (msg: Buffer) => void): { bind(path: string): void; close(): void } };
    const server = await sim();
    const dir = await tempDir();
    const port = await freePort();
    const config = await writeConfig(dir, server.url, port);
    const messages: string[] = [];
    const sockPath = join(dir, 'notify.sock');
    const sock = unix.createSocket('unix_dgram', (msg) => messages.push(msg.toString('utf8')));
    sock.bind(sockPath);
    cleanup.push(async () => sock.close());

    const p = tswats(['station', 'run', '--config', config], { NOTIFY_SOCKET: sockPath, WATCHDOG_USEC: '400000' });
    await waitFor(() => messages.some((m) => /^READY=1$/m.test(m)), 15_000, 'READY=1');
    await waitFor(() => messages.some((m) => /^WATCHDOG=1$/m.test(m)), 5_000, 'WATCHDOG=1');
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(messages.some((m) => /^STOPPING=1$/m.test(m))).toBe(true);
  });

  it('station init writes a config that station run --once accepts; queue list shows the uploads', async () => {
    const server = await sim();
    const dir = await tempDir();
    const init = tswats(['station', 'init', '--dir', dir, '--url', server.url, '--station', 'INIT-1']);
    expect(await init.exited).toBe(0);
    expect(init.stdout()).toMatch(/wrote .*station\.yaml \(mode 600\)/);
    await copyFile(SAMPLE_FILES[0] as string, join(dir, 'in', 'multi-uut.txt'));
    const port = await freePort();
    const run = tswats(['station', 'run', '--config', join(dir, 'station.yaml'), '--once', '--status-port', String(port)]);
    expect(await run.exited, run.stderr()).toBe(0);
    const ids = (await convert(SAMPLE_FILES[0] as string, { stationName: 'INIT-1', location: 'unknown', purpose: 'Production' })).reports.map((r) => r.id as string);
    expect(server.reportCount()).toBe(ids.length);
    const list = tswats(['queue', 'list', '--config', join(dir, 'station.yaml'), '--state', 'completed', '--json']);
    expect(await list.exited, list.stderr()).toBe(0);
    expect((JSON.parse(list.stdout()) as { id: string }[]).map((i) => i.id).sort()).toEqual([...ids].sort());
  });

  it('exits 78 and lists every config problem with its path', async () => {
    const dir = await tempDir();
    const file = join(dir, 'station.yaml');
    await writeFile(file, 'server:\n  url: nope\nfolders:\n  - path: missing\n    postAction: shred\n');
    const p = tswats(['station', 'run', '--config', file]);
    expect(await p.exited).toBe(78);
    expect(p.stderr()).toMatch(/folders\[0\]\.postAction/);
  });
});

describe('tswats submit, queue and station status', () => {
  it('submit uploads WSJF files through a durable queue; a bad file is named and the rest still go', async () => {
    const server = await sim();
    const dir = await tempDir();
    await mkdir(join(dir, 'in'));
    await copyFile(join(FIXTURES, 'wsjf/WATS - WSJF UUT Example file.json'), join(dir, 'in', 'uut.json'));
    await copyFile(join(FIXTURES, 'wsjf/WATS - WSJF UUR Example file.json'), join(dir, 'in', 'uur.json'));
    await writeFile(join(dir, 'in', 'broken.json'), '{"type": "T", "sn": ');
    const p = tswats(['submit', join(dir, 'in'), '--url', server.url, '--queue-dir', join(dir, 'q'), '--json']);
    expect(await p.exited).toBe(1); // one input was bad
    const lines = p.stdout().trim().split('\n').map((l) => JSON.parse(l) as { file: string; uploaded?: boolean; error?: string });
    expect(lines.filter((l) => l.uploaded).map((l) => basename(l.file)).sort()).toEqual(['uur.json', 'uut.json']);
    expect(lines.find((l) => l.error)?.file).toMatch(/broken\.json$/);
    expect(server.reportCount()).toBe(2);

    // Again, only the good files: exit 0, and the server still holds two reports (same ids).
    const again = tswats(['submit', join(dir, 'in', 'uut.json'), join(dir, 'in', 'uur.json'), '--url', server.url, '--queue-dir', join(dir, 'q'), '--no-progress']);
    expect(await again.exited, again.stderr()).toBe(0);
    expect(again.stderr()).toMatch(/2 uploaded, 0 failed/);
    expect(server.reportCount()).toBe(2);
  });

  it('queue retry and purge work on the queue folder, and through the running station', async () => {
    const server = await sim({ faults: { failNext: { count: 1, status: 400, route: '/api/Report/WSJF', method: 'POST' } } });
    const dir = await tempDir();
    const port = await freePort();
    const config = await writeConfig(dir, server.url, port);
    await copyFile(join(FIXTURES, 'atml/ATML 6.01 [2 31 52 PM][5 15 2019].xml'), join(dir, 'in', 'a.xml'));
    const once = tswats(['station', 'run', '--config', config, '--once']);
    expect(await once.exited).toBe(1); // a report failed permanently (400)
    const failed = tswats(['queue', 'list', '--config', config, '--state', 'failed', '--json']);
    expect(await failed.exited).toBe(0);
    const items = JSON.parse(failed.stdout()) as { id: string; lastError: { status: number; permanent: boolean } }[];
    expect(items).toHaveLength(1);
    expect(items[0]?.lastError).toMatchObject({ status: 400, permanent: true });

    // With the station running, the CLI goes through its status server.
    const run = tswats(['station', 'run', '--config', config]);
    await waitFor(() => status(port), 15_000, 'the station to start');
    const text = tswats(['station', 'status', '--config', config]);
    expect(await text.exited).toBe(0);
    expect(text.stdout()).toMatch(/queue +0 pending, 0 sending, 1 failed/);
    const retry = tswats(['queue', 'retry', '--config', config, '--all-failed']);
    expect(await retry.exited, retry.stderr()).toBe(0);
    expect(retry.stdout()).toMatch(/1 item\(s\) back to pending/);
    await waitFor(() => server.reportCount() === 1, 15_000, 'the retried report');
    const purge = tswats(['queue', 'purge', '--config', config, '--state', 'completed', '--older-than', '0ms']);
    expect(await purge.exited, purge.stderr()).toBe(0);
    expect(purge.stdout()).toMatch(/1 completed item\(s\) removed/);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    const after = tswats(['queue', 'list', '--config', config, '--json']);
    expect(await after.exited).toBe(0);
    expect(JSON.parse(after.stdout())).toEqual([]);
  });

  it('station status says clearly when no station runs', async () => {
    const port = await freePort();
    const p = tswats(['station', 'status', '--status-url', `http://127.0.0.1:${port}`]);
    expect(await p.exited).toBe(3);
    expect(p.stderr()).toMatch(/no station answers at http:\/\/127\.0\.0\.1:\d+/);
  });
});
