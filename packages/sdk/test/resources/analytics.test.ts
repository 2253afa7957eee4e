import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BadRequestError, WatsError, type WatsClient } from '@tswats/sdk';
// Not yet re-exported by src/index.ts (the lead adds them); then import them from '@tswats/sdk'.
import { DateGrouping, measurementPath } from '@tswats/sdk';
import { clientFor, memoryLogger, testSim } from '../helpers.js';
import { repairOf, stepId, submitAll, testRun } from './analytics-helpers.js';

/**
 * A small line (all at Final Function Test, code 50):
 * - PSU-100 (product group 1 "Power supplies", location Line 1 → levels 3 ⊂ 2 ⊂ 1):
 *   SN-1 passes, SN-2 passes, SN-3 fails (3V3 = 3.6 V) on FCT-01 and passes on retest on FCT-02.
 * - CTRL-7 (group 2 "Controllers", location Lab → level 6): SN-9 fails Boot twice.
 */
async function line(client: WatsClient): Promise<void> {
  await submitAll(client, [
    testRun({ sn: 'SN-1', minutesAgo: 50, execTime: 50 }),
    testRun({ sn: 'SN-2', minutesAgo: 45, execTime: 60 }),
    testRun({ sn: 'SN-3', minutesAgo: 40, v3: 3.6, execTime: 70 }),
    testRun({ sn: 'SN-3', minutesAgo: 35, station: 'FCT-02', execTime: 55 }),
    testRun({ sn: 'SN-9', pn: 'CTRL-7', location: 'Lab', minutesAgo: 30, boot: false }),
    testRun({ sn: 'SN-9', pn: 'CTRL-7', location: 'Lab', minutesAgo: 25, boot: false }),
  ]);
}

/** The request lines the SDK logged at debug level (`GET http://…/api/…?…`). */
function requestLines(lines: string[]): string[] {
  return lines.filter((l) => /\] (GET|POST) http/.test(l)).map((l) => decodeURIComponent(l.split(' ').slice(1, 3).join(' ')));
}

describe('yield', () => {
  it('dynamicYield: 3 units, one failing then passing on retest → FPY 66.7 %, final yield 100 %', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await line(client);
    const rows = await client.analytics.dynamicYield({ dimensions: ['partNumber', 'testOperation'] });
    expect(rows.map((r) => r.partNumber)).toEqual(['CTRL-7', 'PSU-100']);
    const psu = rows[1]!;
    expect(psu).toMatchObject({
      partNumber: 'PSU-100', testOperation: 'Final Function Test',
      unitCount: 3, fpCount: 2, spCount: 3, tpCount: 3, lpCount: 3,
      testReportCount: 4, testYieldCount: 3, retestCount: 1, fpFailCount: 1, lpFailCount: 0,
      ppmFpy: 333333, ppmLpy: 0,
    });
    expect(psu.fpy).toBeCloseTo(200 / 3, 6); // 2 of 3 units passed their first run
    expect(psu.spy).toBe(100);
    expect(psu.lpy).toBe(100);
    expect(psu.testYield).toBe(75); // 3 of 4 reports passed
    // CTRL-7: one unit, failed twice: nothing passes.
    expect(rows[0]).toMatchObject({ unitCount: 1, fpCount: 0, lpCount: 0, fpy: 0, lpy: 0, testReportCount: 2, retestCount: 1 });
  });

  it('dynamicYield: default dimensions (unitCount desc), KPI selection, filters and the dimensions query parameter', async () => {
    const sim = await testSim();
    const logger = memoryLogger();
    const client = clientFor(sim, { logger, logLevel: 'debug' });
    await line(client);
    const byDefault = await client.analytics.dynamicYield();
    expect(byDefault.map((r) => [r.partNumber, r.unitCount])).toEqual([['PSU-100', 3], ['CTRL-7', 1]]);
    // Only the KPIs named come back; a unit counts at each station it was tested on.
    const byStation = await client.analytics.dynamicYield({ partNumber: 'PSU-%', dimensions: 'stationName;unitCount desc;fpy' });
    expect(byStation).toEqual([
      { stationName: 'FCT-01', unitCount: 3, fpy: expect.closeTo(200 / 3, 6) },
      { stationName: 'FCT-02', unitCount: 1, fpy: 100 },
    ]);
    expect(requestLines(logger.lines).at(-1)).toContain('/api/App/DynamicYield?dimensions=stationName;unitCount desc;fpy');
    // Wildcard alternatives, status and station filters.
    const ctrl = await client.analytics.dynamicYield({ partNumber: 'CTRL-_', status: 'Failed', dimensions: 'partNumber;testReportCount' });
    expect(ctrl).toEqual([{ partNumber: 'CTRL-7', testReportCount: 2 }]);
    await expect(client.analytics.dynamicYield({ dimensions: 'shoeSize' })).rejects.toBeInstanceOf(BadRequestError);
  });

  it('answers from the reports of a data directory after a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tswats-analytics-'));
    onTestFinished(() => rm(dataDir, { recursive: true, force: true }));
    const first = await testSim({ dataDir });
    await line(clientFor(first));
    const before = await clientFor(first).analytics.dynamicYield();
    await first.close();
    const second = await testSim({ dataDir });
    expect(await clientFor(second).analytics.dynamicYield()).toEqual(before);
    expect(before.map((r) => r.unitCount)).toEqual([3, 1]);
  });

  it('dynamicYield by period, with fixed dates', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await submitAll(client, [
      testRun({ sn: 'P-1', start: new Date('2025-03-03T08:00:00Z') }),
      testRun({ sn: 'P-2', start: new Date('2025-03-04T08:00:00Z'), v3: 3.0 }),
      testRun({ sn: 'P-3', start: new Date('2025-03-04T09:00:00Z') }),
      testRun({ sn: 'P-4', start: new Date('2025-05-04T09:00:00Z') }),
    ]);
    const filter = { dateFrom: new Date('2025-03-01T00:00:00Z'), dateTo: '2025-03-31T23:59:59Z', dateGrouping: DateGrouping.Day, dimensions: 'period;unitCount;fpy' };
    expect(await client.analytics.dynamicYield(filter)).toEqual([
      { period: '2025-03-03', unitCount: 1, fpy: 100 },
      { period: '2025-03-04', unitCount: 2, fpy: 50 },
    ]);
    const byMonth = await client.analytics.dynamicYield({ dateFrom: '2025-01-01T00:00:00Z', dateGrouping: DateGrouping.Month, dimensions: 'period desc;unitCount' });
    expect(byMonth).toEqual([{ period: '2025-05', unitCount: 1 }, { period: '2025-03', unitCount: 3 }]);
  });

  it('GET volumeYield/highVolume/worstYield filter by product group and level ids', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await line(client);
    const all = { days: 1, productGroupId: '', levelId: '' };
    const volume = await client.analytics.volumeYield(all);
    expect(volume.map((r) => [r.partNumber, r.testOperation, r.processCode, r.unitCount])).toEqual([
      ['CTRL-7', 'Final Function Test', 50, 1],
      ['PSU-100', 'Final Function Test', 50, 3],
    ]);
    expect((await client.analytics.volumeYield({ ...all, productGroupId: 1 })).map((r) => r.partNumber)).toEqual(['PSU-100']);
    expect((await client.analytics.volumeYield({ ...all, productGroupId: [2, 3] })).map((r) => r.partNumber)).toEqual(['CTRL-7']);
    // Level 2 ("Norway") contains Line 1; level 6 is the Lab.
    expect((await client.analytics.volumeYield({ ...all, levelId: 2 })).map((r) => r.partNumber)).toEqual(['PSU-100']);
    expect((await client.analytics.volumeYield({ ...all, levelId: '6' })).map((r) => r.partNumber)).toEqual(['CTRL-7']);
    expect((await client.analytics.highVolume(all)).map((r) => [r.partNumber, r.unitCount])).toEqual([['PSU-100', 3], ['CTRL-7', 1]]);
    const worst = await client.analytics.worstYield(all);
    expect(worst.map((r) => r.partNumber)).toEqual(['CTRL-7', 'PSU-100']);
    expect(worst[0]!.fpy).toBe(0);
    expect(await client.analytics.volumeYield({ days: 0, productGroupId: '', levelId: '' })).toEqual([]);
  });

  it('POST volume/high-volume/worst yield by filter and by product group', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await line(client);
    const recent = { periodCount: 2, dateGrouping: DateGrouping.Day, includeCurrentPeriod: true };
    const volume = await client.analytics.volumeYieldByFilter({ ...recent, productGroup: 'Controllers' });
    expect(volume.map((r) => [r.partNumber, r.unitCount, r.fpy])).toEqual([['CTRL-7', 1, 0]]);
    expect((await client.analytics.highVolumeByFilter({ level: 'Line 1' })).map((r) => r.partNumber)).toEqual(['PSU-100']);
    expect((await client.analytics.worstYieldByFilter({})).map((r) => r.partNumber)).toEqual(['CTRL-7', 'PSU-100']);
    const groups = await client.analytics.highVolumeByProductGroup({});
    expect(groups.map((r) => [r.productGroup, r.unitCount])).toEqual([['Power supplies', 3], ['Controllers', 1]]);
    const worstGroups = await client.analytics.worstYieldByProductGroup({ minCount: 2 });
    expect(worstGroups.map((r) => [r.productGroup, r.lpy])).toEqual([['Power supplies', 100]]);
  });
});

describe('failed steps and step statistics', () => {
  it('topFailed (GET, all six spec parameters) and topFailedByFilter count failing steps per path', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await line(client);
    await submitAll(client, [testRun({ sn: 'SN-4', minutesAgo: 20, v3: 3.1, boot: false })]);
    const top = await client.analytics.topFailed({ partNumber: 'PSU-100', processCode: 50, productGroupId: '', levelId: '', days: 1, count: 10 });
    // PSU-100: 5 reports; 3V3 failed twice (SN-3 run 1, SN-4), Boot once (SN-4).
    expect(top.map((s) => [s.stepPath, s.failCount, s.totalCount])).toEqual([
      ['MainSequence Callback¶Power¶3V3', 2, 5],
      ['MainSequence Callback¶Boot', 1, 5],
    ]);
    expect(top[0]).toMatchObject({ stepName: '3V3', stepType: 'ET_NLT', failRate: 40, causedUutFailureCount: 2, partNumber: 'PSU-100', testOperation: 'Final Function Test' });
    expect(top[1]!.failRate).toBe(20);
    expect(await client.analytics.topFailed({ partNumber: 'PSU-100', processCode: 50, productGroupId: '', levelId: '', days: 1, count: 1 })).toHaveLength(1);
    const byFilter = await client.analytics.topFailedByFilter({ testOperation: 'Final Function Test', topCount: 5 });
    expect(byFilter.map((s) => [s.partNumber, s.stepName, s.failCount])).toEqual([
      ['CTRL-7', 'Boot', 2],
      ['PSU-100', '3V3', 2],
      ['PSU-100', 'Boot', 1],
    ]);
  });

  it('testStepAnalysis: counts per status and measurement statistics of first runs', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    // First runs measure 3.25, 3.30, 3.35, 3.50 (the last fails); SN-D's retest (3.30) is a second run.
    await submitAll(client, [
      testRun({ sn: 'SN-A', v3: 3.25, minutesAgo: 50 }),
      testRun({ sn: 'SN-B', v3: 3.3, minutesAgo: 45 }),
      testRun({ sn: 'SN-C', v3: 3.35, minutesAgo: 40 }),
      testRun({ sn: 'SN-D', v3: 3.5, minutesAgo: 35 }),
      testRun({ sn: 'SN-D', v3: 3.3, minutesAgo: 30 }),
    ]);
    const rows = await client.analytics.testStepAnalysis({ partNumber: 'PSU-100', testOperation: '50' });
    const v3 = rows.find((r) => r.stepPath === 'MainSequence Callback¶Power¶3V3')!;
    // mean 3.35; sample σ = √((0.01 + 0.0025 + 0 + 0.0225) / 3) = √(0.035/3) ≈ 0.108012
    const sigma = Math.sqrt(0.035 / 3);
    expect(v3).toMatchObject({ stepCount: 4, stepPassedCount: 3, stepFailedCount: 1, stepCausedUutFailed: 1, measureCount: 4, min: 3.25, max: 3.5, limit1: 3.2, limit2: 3.4, compOperator: 'GELE', unit: 'V' });
    expect(v3.avg).toBeCloseTo(3.35, 9);
    expect(v3.stdev).toBeCloseTo(sigma, 9);
    expect(v3.cp).toBeCloseTo(0.2 / (6 * sigma), 9); // (USL − LSL) / 6σ
    expect(v3.cpk).toBeCloseTo(0.05 / (3 * sigma), 9); // min(3.4 − 3.35, 3.35 − 3.2) / 3σ
    expect(v3.stepTimeAvg).toBe(0.5);
    const power = rows.find((r) => r.stepName === 'Power')!;
    expect(power).toMatchObject({ stepType: 'SequenceCall', stepCount: 4, stepFailedCount: 1 });
    expect(power.measureName).toBeUndefined();
    const all = await client.analytics.testStepAnalysis({ partNumber: 'PSU-100', testOperation: 'Final Function Test', run: -2 });
    expect(all.find((r) => r.stepName === '3V3')!.stepCount).toBe(5);
    const last = await client.analytics.testStepAnalysis({ partNumber: 'PSU-100', testOperation: '50', run: -1 });
    expect(last.find((r) => r.stepName === '3V3')).toMatchObject({ stepCount: 4, stepFailedCount: 0 });
    // The description says partNumber and testOperation are required.
    const err = await client.analytics.testStepAnalysis({ partNumber: 'PSU-100' } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as BadRequestError).message).toMatch(/testOperation filter required/);
  });
});

describe('measurements', () => {
  it('measurements lists the values at a path; a multi-measurement path ends in ¶¶name', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await submitAll(client, [
      testRun({ sn: 'M-1', v3: 3.25, load: 5.0, minutesAgo: 40 }),
      testRun({ sn: 'M-2', v3: 3.35, load: 5.1, minutesAgo: 35 }),
      testRun({ sn: 'M-3', v3: 3.45, load: 5.2, minutesAgo: 30 }),
    ]);
    const v3 = measurementPath(['MainSequence Callback', 'Power', '3V3']);
    const load = measurementPath(['MainSequence Callback', 'Power', 'Load'], '10 %');
    expect(load).toBe('MainSequence Callback¶Power¶Load¶¶10 %');
    const groups = await client.analytics.measurements({ partNumber: 'PSU-100', testOperation: 'Final Function Test' }, { measurementPaths: [v3, load] });
    expect(groups.map((g) => g.groupName)).toEqual([v3, load]);
    const [g3, gl] = groups as [NonNullable<(typeof groups)[0]>, NonNullable<(typeof groups)[0]>];
    expect(g3.measurements!.map((m) => [m.s, m.v, m.ms, m.l, m.h, m.c, m.u])).toEqual([
      ['M-1', 3.25, 'P', 3.2, 3.4, 'GELE', 'V'],
      ['M-2', 3.35, 'P', 3.2, 3.4, 'GELE', 'V'],
      ['M-3', 3.45, 'F', 3.2, 3.4, 'GELE', 'V'],
    ]);
    expect(g3.measurements![2]).toMatchObject({ ts: 'Failed', cuf: true, p: 'PSU-100', to: 'Final Function Test' });
    expect(g3).toMatchObject({ count: 3, min: 3.25, max: 3.45, median: 3.35 });
    expect(g3.avg).toBeCloseTo(3.35, 9);
    expect(g3.stdev).toBeCloseTo(0.1, 9); // √((0.01 + 0 + 0.01) / 2)
    expect(gl.measurements!.map((m) => m.v)).toEqual([5.0, 5.1, 5.2]);
    expect(gl.avg).toBeCloseTo(5.1, 9);
    // Without paths: the measurements that failed most.
    const fallback = await client.analytics.measurements({ partNumber: 'PSU-100', testOperation: '50' });
    expect(fallback.map((g) => g.groupName)).toEqual([v3, load]);
  });

  it('aggregatedMeasurements gives count/min/max/avg/stdev/Cpk per period', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await submitAll(client, [
      testRun({ sn: 'A-1', v3: 3.28, start: new Date('2025-06-02T10:00:00Z') }),
      testRun({ sn: 'A-2', v3: 3.32, start: new Date('2025-06-02T11:00:00Z') }),
      testRun({ sn: 'A-3', v3: 3.3, start: new Date('2025-06-03T10:00:00Z') }),
    ]);
    const path = 'MainSequence Callback¶Power¶3V3';
    const [group] = await client.analytics.aggregatedMeasurements(
      { partNumber: 'PSU-100', testOperation: '50', dateFrom: '2025-06-01T00:00:00Z', dateTo: '2025-06-30T00:00:00Z', dateGrouping: DateGrouping.Day },
      { measurementPaths: path },
    );
    expect(group).toMatchObject({ groupName: path, count: 3, min: 3.28, max: 3.32 });
    expect(group!.avg).toBeCloseTo(3.3, 9);
    const sigma = 0.02; // √((0.0004 + 0.0004 + 0) / 2)
    expect(group!.stdev).toBeCloseTo(sigma, 9);
    expect(group!.cpk).toBeCloseTo(0.1 / (3 * sigma), 6);
    const days = group!.aggregatedMeasurements!;
    expect(days.map((d) => [d.period, d.count, d.stepTotalCount, d.stepPassCount])).toEqual([
      ['2025-06-02', 2, 2, 2],
      ['2025-06-03', 1, 1, 1],
    ]);
    expect(days[0]!.avg).toBeCloseTo(3.3, 9);
    expect(days[0]!.stdev).toBeCloseTo(Math.sqrt(0.0008), 9);
  });
});

describe('OEE', () => {
  it('oeeAnalysis sends the required availableTime and computes availability × performance × quality', async () => {
    const sim = await testSim();
    const logger = memoryLogger();
    const client = clientFor(sim, { logger, logLevel: 'debug' });
    // Monday 2025-06-02: three tests of 50, 60 and 70 s; the 70 s one fails.
    await submitAll(client, [
      testRun({ sn: 'O-1', start: new Date('2025-06-02T08:00:00Z'), execTime: 50 }),
      testRun({ sn: 'O-2', start: new Date('2025-06-02T09:00:00Z'), execTime: 60 }),
      testRun({ sn: 'O-3', start: new Date('2025-06-02T10:00:00Z'), execTime: 70, boot: false }),
    ]);
    const day = { dateFrom: '2025-06-02T00:00:00Z', dateTo: '2025-06-03T00:00:00Z' };
    const oee = await client.analytics.oeeAnalysis(day, { availableTime: [8, 8, 8, 8, 8, 0, 0] });
    // Planned 8 h (Monday) = 480 min; run 180 s = 3 min → availability 3/480 = 0.625 %.
    // Ideal cycle = fastest pass, 50 s → performance 50 × 3 / 180 = 83.33 %. Quality 2/3.
    expect(oee).toMatchObject({ plannedProductionTime: 480, runTime: 3, downTime: 477, totalCount: 3, goodCount: 2, rejectCount: 1, idealCycleTime: 50, actualCycleTime: 60 });
    expect(oee.availability).toBeCloseTo(0.625, 9);
    expect(oee.performance).toBeCloseTo(250 / 3, 9);
    expect(oee.quality).toBeCloseTo(200 / 3, 9);
    expect(oee.oee).toBeCloseTo(0.00625 * (5 / 6) * (2 / 3) * 100, 9);
    expect(requestLines(logger.lines).at(-1)).toContain('/api/App/OeeAnalysis?availableTime=8,8,8,8,8,0,0');
    // With a target of 4 units per day: performance 3/4. Execution-time filter drops the 70 s test.
    const target = await client.analytics.oeeAnalysis(day, { availableTime: '24,24,24,24,24,24,24', targetOutput: 4, maxExecutionTime: 65 });
    expect(target).toMatchObject({ totalCount: 2, goodCount: 2, performance: 50, quality: 100, plannedProductionTime: 1440 });
    await expect(client.analytics.oeeAnalysis(day, { availableTime: [8, 8] })).rejects.toThrow(WatsError);
  });
});

describe('report lists', () => {
  it('uutReports (GET and POST), uurReports and serialNumberHistory list headers newest first', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const failed = testRun({ sn: 'SN-R', minutesAgo: 40, v3: 3.6 });
    await submitAll(client, [testRun({ sn: 'SN-Q', minutesAgo: 50 }), failed, repairOf(failed, [{ category: 'Component', code: 'Defective' }]), testRun({ sn: 'SN-R', minutesAgo: 20 })]);
    const uuts = await client.analytics.uutReports({ partNumber: 'PSU-100', productGroupId: 1, levelId: '3' });
    expect(uuts.map((h) => [h.serialNumber, h.result, h.run])).toEqual([['SN-R', 'Passed', 2], ['SN-R', 'Failed', 1], ['SN-Q', 'Passed', 1]]);
    expect((await client.analytics.uutReports({ status: 'Failed' })).map((h) => h.uuid)).toEqual([failed.id]);
    expect(await client.analytics.uutReports({ dateTo: new Date(Date.now() - 3 * 3_600_000) })).toEqual([]);
    const posted = await client.analytics.uutReportsByFilter({ serialNumber: 'SN-R', topCount: 1 });
    expect(posted.map((h) => [h.serialNumber, h.run])).toEqual([['SN-R', 2]]);
    const uurs = await client.analytics.uurReports({ partNumber: 'PSU-100' });
    expect(uurs.map((h) => [h.reportType, h.serialNumber, h.processName, h.referencedUut])).toEqual([['R', 'SN-R', 'Repair', failed.id]]);
    const history = await client.analytics.serialNumberHistory({ serialNumber: 'SN-R' });
    expect(history.map((h) => [h.reportType, h.result])).toEqual([['T', 'Passed'], ['R', 'Passed'], ['T', 'Failed']]);
  });
});

describe('repairs', () => {
  it('dynamicRepair counts repairs and repair reports; relatedRepairHistory lists the failures with the failing step', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const a = testRun({ sn: 'F-1', minutesAgo: 60, v3: 3.6 });
    const b = testRun({ sn: 'F-2', minutesAgo: 55, boot: false });
    await submitAll(client, [
      a,
      b,
      repairOf(a, [{ category: 'Component', code: 'Defective', comRef: 'C12', refStepId: stepId(a, '3V3') }], 40),
      repairOf(b, [
        { category: 'Component', code: 'Defective', comRef: 'U3', refStepId: stepId(b, 'Boot') },
        { category: 'Solder Process', code: 'Bridge', comRef: 'U3' },
      ], 30),
    ]);
    const byDefault = await client.analytics.dynamicRepair();
    expect(byDefault).toEqual([{ partNumber: 'PSU-100', repairOperation: 'Repair', repairCount: 3, repairReportCount: 2 }]);
    const byCode = await client.analytics.dynamicRepair({ dimensions: ['repairCount desc', 'repairCode', 'referencedStepPath', 'testOperation'] });
    // Only the KPIs named come back; ties on repairCount go by repairCode, then step path.
    expect(byCode).toEqual([
      { repairCode: 'Bridge', testOperation: 'Final Function Test', repairCount: 1 },
      { repairCode: 'Defective', referencedStepPath: 'MainSequence Callback¶Boot', testOperation: 'Final Function Test', repairCount: 1 },
      { repairCode: 'Defective', referencedStepPath: 'MainSequence Callback¶Power¶3V3', testOperation: 'Final Function Test', repairCount: 1 },
    ]);
    const byCategory = await client.analytics.dynamicRepair({ dimensions: 'repairCategory;componentRef;repairReportCount;repairCount' });
    expect(byCategory).toEqual([
      { repairCategory: 'Component', componentRef: 'C12', repairReportCount: 1, repairCount: 1 },
      { repairCategory: 'Component', componentRef: 'U3', repairReportCount: 1, repairCount: 1 },
      { repairCategory: 'Solder Process', componentRef: 'U3', repairReportCount: 1, repairCount: 1 },
    ]);
    expect(await client.analytics.dynamicRepair({ dimensions: 'repairType;repairCount' })).toEqual([{ repairType: 'Default', repairCount: 3 }]);
    const history = await client.analytics.relatedRepairHistory({ partNumber: 'PSU-100', revision: 'A' });
    expect(history.map((h) => [h.serialNumber, h.code, h.componentRef, h.failStepPath])).toEqual([
      ['F-2', 'Defective', 'U3', 'MainSequence Callback¶Boot'],
      ['F-2', 'Bridge', 'U3', undefined],
      ['F-1', 'Defective', 'C12', 'MainSequence Callback¶Power¶3V3'],
    ]);
    expect(history[2]).toMatchObject({ uutReportId: a.id, repairOperationCode: 500, testOperationCode: 50, testOperation: 'Final Function Test', category: 'Component' });
    expect(await client.analytics.relatedRepairHistory({ partNumber: 'PSU-100', revision: 'A', repairOperationCode: 510 })).toEqual([]);
    expect(await client.analytics.relatedRepairHistory({ partNumber: 'PSU-100', revision: 'B' })).toEqual([]);
  });
});

describe('wire names follow the spec, not pyWATS (sdk.md §1.12)', () => {
  it('GET VolumeYield/HighVolume/WorstYield send days, productGroupId, levelId (pyWATS: productGroup, level)', async () => {
    const sim = await testSim();
    const logger = memoryLogger();
    const client = clientFor(sim, { logger, logLevel: 'debug' });
    const params = { days: 7, productGroupId: [1, 2], levelId: 3 };
    await client.analytics.volumeYield(params);
    await client.analytics.highVolume(params);
    await client.analytics.worstYield(params);
    for (const line of requestLines(logger.lines)) {
      expect(line).toMatch(/\?days=7&productGroupId=1;2&levelId=3$/);
    }
    // What pyWATS sends is refused: the three spec parameters are required.
    const res = await fetch(`${sim.url}/api/App/VolumeYield?productGroup=1&level=3`);
    expect(res.status).toBe(400);
    sim.clearContractViolations(); // that request broke the contract on purpose
  });

  it('GET TopFailed sends partNumber, processCode, productGroupId, levelId, days, count (pyWATS: productGroup, level, revision, topCount)', async () => {
    const sim = await testSim();
    const logger = memoryLogger();
    const client = clientFor(sim, { logger, logLevel: 'debug' });
    await client.analytics.topFailed({ partNumber: 'PSU-100', processCode: 50, productGroupId: '', levelId: '', days: 30, count: 5 });
    expect(requestLines(logger.lines)).toEqual([
      expect.stringMatching(/\/api\/App\/TopFailed\?partNumber=PSU-100&processCode=50&productGroupId=&levelId=&days=30&count=5$/),
    ]);
    const res = await fetch(`${sim.url}/api/App/TopFailed?partNumber=PSU-100&productGroup=&level=&revision=A&topCount=5`);
    expect(res.status).toBe(400);
    sim.clearContractViolations();
  });

  it('GET UutReport sends productGroupId and levelId (pyWATS: productGroup, level, topCount)', async () => {
    const sim = await testSim();
    const logger = memoryLogger();
    const client = clientFor(sim, { logger, logLevel: 'debug' });
    await client.analytics.uutReports({ productGroupId: 1, levelId: [2, 6], dateFrom: new Date('2025-01-01T00:00:00Z') });
    expect(requestLines(logger.lines)).toEqual([
      expect.stringMatching(/\/api\/App\/UutReport\?dateFrom=2025-01-01T00:00:00.000Z&productGroupId=1&levelId=2;6$/),
    ]);
  });

  it('POST OeeAnalysis always sends availableTime (pyWATS sends only the body)', async () => {
    const sim = await testSim();
    const res = await fetch(`${sim.url}/api/App/OeeAnalysis`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ Message: 'availableTime: required' });
    sim.clearContractViolations();
    const oee = await clientFor(sim).analytics.oeeAnalysis({}, { availableTime: '24,24,24,24,24,24,24' });
    expect(oee).toMatchObject({ totalCount: 0, plannedProductionTime: 7 * 24 * 60 });
  });
});
