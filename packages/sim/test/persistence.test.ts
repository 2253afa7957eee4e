import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { startSim, type SimHandle } from '@tswats/sim';
import { expectNoViolations, fixture, fixtureBytes, getJson, makeUut, postReport, startTestSim, tempDir, json } from './helpers.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function open(dataDir: string): Promise<SimHandle> {
  const sim = await startTestSim({ dataDir });
  cleanups.push(async () => {
    expectNoViolations(sim);
    await sim.close();
  });
  return sim;
}

describe('dataDir persistence', () => {
  test('reports, receive counts and counters survive a restart on the same directory', async () => {
    const dir = await tempDir();
    cleanups.push(dir.remove);
    const first = await open(dir.path);
    const uut = fixture('uut');
    expect((await postReport(first, fixtureBytes('uut'))).status).toBe(200);
    expect((await postReport(first, fixtureBytes('uut'))).status).toBe(200);
    const other = makeUut({ sn: 'AFTER-RESTART' });
    const r1 = await json(await postReport(first, other));
    await first.close();

    const second = await open(dir.path);
    expect(second.reportCount()).toBe(2);
    const back = await getJson(second, `/api/Report/Wsjf/${String(uut.id)}`);
    expect(back.body).toEqual(uut);
    const headers = (await getJson(second, '/api/Report/Query/Header', { $orderby: 'timestamp' })).body;
    expect(headers.map((h: { uuid: string; receiveCount: number; timeStamp: number }) => [h.uuid, h.receiveCount, h.timeStamp])).toEqual([
      [uut.id, 2, 2],
      [other.id, 1, 3],
    ]);
    // Counters resume: a new report gets the next Report_ID and timeStamp.
    const r2 = await json(await postReport(second, makeUut()));
    expect(r2.Report_ID).toBe(r1.Report_ID + 1);
    const [latest] = (await getJson(second, '/api/Report/Query/Header', { $orderby: 'timestamp desc', $top: '1' })).body;
    expect(latest.timeStamp).toBe(4);
  });

  test('one file per report, and leftovers of an interrupted write are ignored and removed', async () => {
    const dir = await tempDir();
    cleanups.push(dir.remove);
    const first = await open(dir.path);
    const report = makeUut();
    await postReport(first, report);
    await postReport(first, makeUut());
    await first.close();
    const reportsDir = join(dir.path, 'reports');
    expect((await readdir(reportsDir)).sort()).toHaveLength(2);
    expect(await readdir(reportsDir)).toContain(`${String(report.id)}.json`);
    await writeFile(join(reportsDir, `.${String(report.id)}.json.1234.abcd.tmp`), '{"meta":{"id":"tru');

    const second = await open(dir.path);
    expect(second.reportCount()).toBe(2);
    expect((await readdir(reportsDir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  test('a corrupt report file stops the start with a coded error', async () => {
    const dir = await tempDir();
    cleanups.push(dir.remove);
    const first = await open(dir.path);
    await first.close();
    await writeFile(join(dir.path, 'reports', 'broken.json'), '{not json');
    await expect(startSim({ dataDir: dir.path })).rejects.toMatchObject({ code: 'SIM_ERR_CORRUPT_DATA' });
  });

  test('without dataDir, a new simulator starts empty', async () => {
    const a = await startTestSim();
    await postReport(a, makeUut());
    expectNoViolations(a);
    await a.close();
    const b = await startTestSim();
    expect(b.reportCount()).toBe(0);
    await b.close();
  });
});
