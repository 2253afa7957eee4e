import { readFile, writeFile, rename, open as openFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clientFor, tempDir, testSim, waitFor } from './helpers.js';
import { SAMPLES, TEST_IDENTITY, copySample, expectedIds, listNames, testStation } from './station-helpers.js';

describe('station service (real folders, simulator over loopback)', () => {
  it('converts files present at start and dropped later, uploads every unit once, moves sources to Done', async () => {
    const sim = await testSim();
    const dir = await tempDir();
    // A file present before the service starts (startup scan) ...
    await copySample(SAMPLES.wstfMulti, join(dir, 'in'));
    const station = await testStation(dir, sim.url);
    // ... and files dropped while it runs (one copied in place, one moved in).
    await copySample(SAMPLES.atml6, join(dir, 'in'));
    await copySample(SAMPLES.seica, dir, 'seica.xml');
    await rename(join(dir, 'seica.xml'), join(dir, 'in', '800721A_FailReport.xml'));

    const ids = [...(await expectedIds(SAMPLES.wstfMulti)), ...(await expectedIds(SAMPLES.atml6)), ...(await expectedIds(SAMPLES.seica))];
    expect(ids.length).toBeGreaterThan(3); // multi-unit WSTF: every unit is its own report
    await waitFor(() => sim.reportCount() === ids.length && station.queue.counts().pending === 0, 20_000, 'all reports at the simulator');
    await station.whenIdle();

    const client = clientFor(sim);
    for (const id of ids) expect((await client.reports.getWsjf(id)).id).toBe(id);
    expect(await listNames(join(dir, 'in', 'Done'))).toEqual(['800721A_FailReport.xml', 'ATML 6.01 [2 31 52 PM][5 15 2019].xml', 'multi-uut.txt']);
    expect(await listNames(join(dir, 'in'))).toEqual([]);
    const s = station.status();
    expect(s.state).toBe('running');
    expect(s.server.reachable).toBe(true);
    expect(s.totals).toMatchObject({ filesConverted: 3, filesFailed: 0, reportsQueued: ids.length, reportsUploaded: ids.length });
    expect(s.folders[0]).toMatchObject({ name: 'in', converted: 3, failed: 0 });
  });

  it('bad files end in Error with a reason file; the service keeps running', async () => {
    const sim = await testSim();
    const dir = await tempDir();
    const station = await testStation(dir, sim.url);
    const atml = await readFile(SAMPLES.atml6, 'utf8');
    await writeFile(join(dir, 'in', 'truncated.xml'), atml.slice(0, Math.floor(atml.length / 2)));
    await writeFile(join(dir, 'in', 'notes.txt'), 'Operator notes: fixture 3 was re-seated.\n');
    await writeFile(join(dir, 'in', 'empty.json'), '');
    await waitFor(async () => (await listNames(join(dir, 'in', 'Error'))).length === 6, 15_000, 'three files and three reason files in Error');

    const errorDir = join(dir, 'in', 'Error');
    expect(await listNames(errorDir)).toEqual(['empty.json', 'empty.json.error.json', 'notes.txt', 'notes.txt.error.json', 'truncated.xml', 'truncated.xml.error.json']);
    const reason = JSON.parse(await readFile(join(errorDir, 'truncated.xml.error.json'), 'utf8'));
    expect(reason).toMatchObject({ converter: 'auto', format: 'atml', folder: 'in' });
    expect(JSON.stringify(reason)).toMatch(/truncat|end of/i);
    const noFormat = JSON.parse(await readFile(join(errorDir, 'notes.txt.error.json'), 'utf8'));
    expect(JSON.stringify(noFormat)).toMatch(/CONVERT_ERR_NO_CONVERTER|no converter/i);

    // Still running: a good file after the bad ones goes through.
    await copySample(SAMPLES.atml6, join(dir, 'in'));
    const ids = await expectedIds(SAMPLES.atml6);
    await waitFor(() => sim.reportCount() === ids.length, 15_000, 'the good file uploaded');
    await station.whenIdle();
    expect(station.status().totals).toMatchObject({ filesFailed: 3, filesConverted: 1 });
    expect(station.status().lastErrors.length).toBeGreaterThanOrEqual(3);
  });

  it('a file written slowly in chunks is converted once, after it is complete', async () => {
    const sim = await testSim();
    const dir = await tempDir();
    const station = await testStation(dir, sim.url, { folders: [{ path: join(dir, 'in'), settle: '400ms' }] });
    const bytes = await readFile(SAMPLES.wstfMulti);
    const target = join(dir, 'in', 'slow.txt');
    const fh = await openFile(target, 'w');
    const chunks = 8;
    for (let i = 0; i < chunks; i++) {
      await fh.write(bytes.subarray(Math.floor((i * bytes.length) / chunks), Math.floor(((i + 1) * bytes.length) / chunks)));
      await fh.sync();
      await new Promise((r) => setTimeout(r, 150)); // shorter than the settle time
    }
    await fh.close();
    const ids = await expectedIds(SAMPLES.wstfMulti);
    await waitFor(() => sim.reportCount() === ids.length && station.queue.counts().pending === 0, 15_000, 'the slow file uploaded');
    await station.whenIdle();
    expect(await listNames(join(dir, 'in', 'Done'))).toEqual(['slow.txt']);
    expect(await listNames(join(dir, 'in', 'Error'))).toEqual([]);
    expect(station.status().totals).toMatchObject({ filesConverted: 1, filesFailed: 0, reportsQueued: ids.length });
    expect(sim.stats().reports.received).toBe(ids.length); // never a partial or second upload
  });

  it('keeps converting while the server is down and delivers the backlog once when it returns', async () => {
    const sim = await testSim();
    const dir = await tempDir();
    const station = await testStation(dir, sim.url);
    sim.faults.outage(60_000);
    await copySample(SAMPLES.wstfMulti, join(dir, 'in'));
    await copySample(SAMPLES.atml6, join(dir, 'in'));
    const ids = [...(await expectedIds(SAMPLES.wstfMulti)), ...(await expectedIds(SAMPLES.atml6))];
    // Conversion goes on: sources reach Done while reports wait in the queue.
    await waitFor(async () => (await listNames(join(dir, 'in', 'Done'))).length === 2, 15_000, 'sources post-actioned during the outage');
    await waitFor(() => station.status().server.reachable === false, 10_000, 'the station to notice the outage');
    expect(station.queue.counts().pending).toBe(ids.length);
    expect(sim.reportCount()).toBe(0);
    const s = station.status();
    expect(s.queue.oldestPendingAgeSeconds).not.toBeNull();
    expect(s.lastErrors[0]?.message).toMatch(/unreachable/);

    sim.faults.endOutage();
    await waitFor(() => sim.reportCount() === ids.length && station.queue.counts().pending === 0, 20_000, 'the backlog drained');
    expect(station.status().server.reachable).toBe(true);
    expect(station.queue.counts().failed).toBe(0);
  });

  it('delivers every report exactly once through a 503 storm, 429 with Retry-After and dropped connections', async () => {
    const sim = await testSim();
    const dir = await tempDir();
    const station = await testStation(dir, sim.url);
    sim.faults.failNext(3, { status: 503, retryAfter: 0.1 });
    sim.faults.failNext(2, { status: 429, retryAfter: 0.2 });
    sim.faults.dropNext(2, { when: 'after' }); // the server stored it, the answer was lost
    sim.faults.errorRate(0.3, { status: 503 });
    for (const s of [SAMPLES.wstfMulti, SAMPLES.atml6, SAMPLES.seica, SAMPLES.wsxf]) await copySample(s, join(dir, 'in'));
    const ids = new Set<string>();
    for (const s of [SAMPLES.wstfMulti, SAMPLES.atml6, SAMPLES.seica, SAMPLES.wsxf]) for (const id of await expectedIds(s)) ids.add(id);
    await waitFor(() => sim.reportCount() >= ids.size && station.queue.counts().pending === 0, 30_000, 'all reports through the storm');
    sim.faults.clear();
    expect(sim.reportCount()).toBe(ids.size);
    const client = clientFor(sim);
    for (const id of ids) expect((await client.reports.getWsjf(id)).id).toBe(id);
    expect(station.queue.counts().failed).toBe(0);
  });

  it('serves /health, /status and /metrics on loopback', async () => {
    const sim = await testSim();
    const dir = await tempDir();
    const station = await testStation(dir, sim.url);
    await copySample(SAMPLES.atml6, join(dir, 'in'));
    await waitFor(() => sim.reportCount() === 1, 15_000, 'one upload');
    const url = station.statusUrl as string;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);
    const status = (await (await fetch(`${url}/status`)).json()) as { state: string; queue: { counts: Record<string, number> }; folders: unknown[] };
    expect(status.state).toBe('running');
    expect(status.folders).toHaveLength(1);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/tswats_station_reports_uploaded_total 1/);
  });
});

describe('process names resolved through the offline cache', () => {
  it('a folder naming its process gets the code from the server, and still after a restart while the server is down', async () => {
    const sim = await testSim();
    const dir = await tempDir();
    const folder = { path: join(dir, 'in'), settle: '150ms', process: 'Final Function Test' };
    const first = await testStation(dir, sim.url, { folders: [folder] });
    await copySample(SAMPLES.atml6, join(dir, 'in'));
    await waitFor(() => sim.reportCount() === 1 && first.queue.counts().pending === 0, 15_000, 'the first upload');
    const [id] = await expectedIds(SAMPLES.atml6, { ...TEST_IDENTITY, processCode: 50 });
    expect((await clientFor(sim).reports.getWsjf(id as string)).processCode).toBe(50);
    await first.close();

    // Restart with the server unreachable: the cached process list still resolves the name.
    sim.faults.outage(60_000);
    const second = await testStation(dir, sim.url, { folders: [folder] });
    await copySample(SAMPLES.seica, join(dir, 'in'), 'seica.xml');
    await waitFor(async () => (await listNames(join(dir, 'in', 'Done'))).includes('seica.xml'), 15_000, 'conversion while offline');
    expect(second.queue.list({ state: 'pending' })).toHaveLength(1);
    sim.faults.endOutage();
    await waitFor(() => sim.reportCount() === 2, 15_000, 'the offline report uploaded');
    const [seicaId] = await expectedIds(SAMPLES.seica, { ...TEST_IDENTITY, processCode: 50 });
    expect((await clientFor(sim).reports.getWsjf(seicaId as string)).processCode).toBe(50);
  });

  it('an unknown process name keeps the file in place with a clear reason', async () => {
    const sim = await testSim();
    const dir = await tempDir();
    const station = await testStation(dir, sim.url, { folders: [{ path: join(dir, 'in'), settle: '100ms', process: 'No Such Test' }] });
    await copySample(SAMPLES.atml6, join(dir, 'in'));
    await waitFor(() => station.status().folders[0]?.lastError, 10_000, 'the folder error');
    expect(station.status().folders[0]?.lastError?.message).toMatch(/process "No Such Test" is not defined on the server; known: .*Final Function Test \(50\)/);
    expect(await listNames(join(dir, 'in'))).toEqual(['ATML 6.01 [2 31 52 PM][5 15 2019].xml']);
    expect(sim.reportCount()).toBe(0);
  });
});

describe('POST /run', () => {
  it('rescans the folders now (a file the watcher could not see is picked up)', async () => {
    const sim = await testSim();
    const dir = await tempDir();
    // Polling once an hour and no periodic rescan: only POST /run can find the file.
    const station = await testStation(dir, sim.url, { watch: { poll: '1h', rescanInterval: 0 } });
    await copySample(SAMPLES.atml6, join(dir, 'in'));
    await new Promise((r) => setTimeout(r, 500));
    expect(station.status().folders[0]?.waiting).toBe(0);
    const res = await fetch(`${station.statusUrl}/run`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(202);
    await waitFor(() => sim.reportCount() === 1, 15_000, 'the rescanned file uploaded');
  });
});
