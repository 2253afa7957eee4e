import { describe, expect, it } from 'vitest';
import { BadRequestError, type WatsClient } from '@tswats/sdk';
import type { SimHandle } from '@tswats/sim';
import { clientFor, testSim } from '../helpers.js';
import { repairOf, stepId, submitAll, testRun } from './analytics-helpers.js';

const ROUTE = '/api/internal/Survey/GetUnitReportHistory';

/** SN-U: fails (3V3), is repaired (C12), passes. Also SN_U (a serial an SQL LIKE pattern would confuse with SN-U) and SN-V. */
async function unitStory(client: WatsClient) {
  const failed = testRun({ sn: 'SN-U', minutesAgo: 60, v3: 3.6, misc: [['Firmware', '2.1']], subUnits: [{ pn: 'CTRL-44', sn: 'C-1' }] });
  const repair = repairOf(failed, [{ category: 'Component', code: 'Defective', comRef: 'C12', refStepId: stepId(failed, '3V3') }], 40);
  const passed = testRun({ sn: 'SN-U', minutesAgo: 20, execTime: 42 });
  await submitAll(client, [failed, repair, passed, testRun({ sn: 'SN_U', minutesAgo: 10 }), testRun({ sn: 'SN-V', minutesAgo: 5 })]);
  return { failed, repair, passed };
}

function refuseInternal(sim: SimHandle, status = 404): void {
  sim.faults.failNext(1, { status, route: ROUTE });
}

describe('analytics.unitHistory', () => {
  it('uses the internal route: newest first, with details (failed steps, repair failures, sub units, misc infos)', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const { failed, repair, passed } = await unitStory(client);
    const history = await client.analytics.unitHistory('SN-U', 'PSU-100', { details: true });
    expect(history.source).toBe('internal');
    expect(history.reports.map((r) => [r.id, r.reportType, r.result, r.processName])).toEqual([
      [passed.id, 'T', 'Passed', 'Final Function Test'],
      [repair.id, 'R', 'Passed', 'Repair'],
      [failed.id, 'T', 'Failed', 'Final Function Test'],
    ]);
    const [p, r, f] = history.reports;
    expect(p).toMatchObject({ serialNumber: 'SN-U', partNumber: 'PSU-100', revision: 'A', operator: 'kari', stationName: 'FCT-01', executionTime: 42 });
    expect(p!.start).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(f!.details).toEqual({
      subUnits: [{ partNumber: 'CTRL-44', serialNumber: 'C-1', revision: 'A', partType: 'PCBA' }],
      miscInfo: [{ description: 'Firmware', value: '2.1' }],
      failedSteps: [{ path: 'MainSequence Callback¶Power¶3V3', name: '3V3', stepType: 'ET_NLT', status: 'F' }],
      failures: [],
    });
    expect(f!.causedUutFailure).toBeUndefined(); // no step is flagged causedUUTFailure by the builder
    expect(r!.details).toEqual({
      subUnits: [{ partNumber: 'PSU-100', serialNumber: 'SN-U', revision: 'A' }],
      miscInfo: [],
      failedSteps: [],
      failures: [{ category: 'Component', code: 'Defective', componentRef: 'C12' }],
    });
    expect(p!.details).toEqual({ subUnits: [], miscInfo: [], failedSteps: [], failures: [] });
    // Without details there are none; `top` keeps the newest.
    const top = await client.analytics.unitHistory('SN-U', undefined, { top: 2 });
    expect(top.reports.map((e) => e.id)).toEqual([passed.id, repair.id]);
    expect(top.reports[0]!.details).toBeUndefined();
  });

  it('falls back to the public header query (and WSJF for details) when the internal route answers 404, with the same answer', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await unitStory(client);
    for (const details of [false, true]) {
      const internal = await client.analytics.unitHistory('SN-U', 'PSU-100', { details });
      refuseInternal(sim, 404);
      const fallback = await client.analytics.unitHistory('SN-U', 'PSU-100', { details });
      expect(internal.source).toBe('internal');
      expect(fallback.source).toBe('public');
      expect(fallback.reports).toEqual(internal.reports);
      expect(fallback.reports).toHaveLength(3);
    }
  });

  it('keeps falling back while the server refuses internal routes (403), honouring top and since', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const { repair, passed } = await unitStory(client);
    const expected = await client.analytics.unitHistory('SN-U', undefined, { since: new Date(Date.now() - 45 * 60_000), details: true });
    expect(expected.reports.map((e) => e.id)).toEqual([passed.id, repair.id]);
    sim.faults.set({ errorRate: { rate: 1, status: 403, route: '/api/internal/*' } });
    for (let i = 0; i < 2; i++) {
      const fallback = await client.analytics.unitHistory('SN-U', undefined, { since: new Date(Date.now() - 45 * 60_000), details: true });
      expect(fallback).toEqual({ source: 'public', reports: expected.reports });
    }
    const top = await client.analytics.unitHistory('SN-U', undefined, { top: 1 });
    expect(top).toMatchObject({ source: 'public', reports: [{ id: passed.id }] });
    expect(sim.stats().rejected.byStatus['403']).toBeGreaterThanOrEqual(3);
  });

  it('matches serial numbers exactly on both paths (the internal filter is a LIKE pattern)', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await unitStory(client);
    const internal = await client.analytics.unitHistory('SN_U');
    refuseInternal(sim, 405);
    const fallback = await client.analytics.unitHistory('SN_U');
    expect(internal.reports.map((e) => e.serialNumber)).toEqual(['SN_U']);
    expect(fallback).toEqual({ source: 'public', reports: internal.reports });
  });

  it('does not fall back on other errors', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    sim.faults.failNext(1, { status: 400, route: ROUTE, message: 'bad filter' });
    await expect(client.analytics.unitHistory('SN-U')).rejects.toBeInstanceOf(BadRequestError);
    await expect(client.analytics.unitHistory('')).rejects.toMatchObject({ code: 'WATS_ERR_ARGUMENT' });
  });
});

describe('internal.getUnitReportHistory', () => {
  it('sends the filter, details and the Referer internal routes need', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const { failed } = await unitStory(client);
    const entries = await client.internal.getUnitReportHistory({ partNumber: 'PSU-100', status: 'Failed' }, { details: true, useCache: true });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ uuid: failed.id, serialNumber: 'SN-U', reportType: 'T', reportTypeText: 'UUT', status: 'Failed', process: 'Final Function Test' });
    expect(entries[0]!.details?.failedSteps).toHaveLength(1);
    const all = await client.internal.getUnitReportHistory({ serialNumber: 'SN-U' });
    expect(all.map((e) => e.reportType)).toEqual(['T', 'R', 'T']);
    expect(all[1]).toMatchObject({ testProcess: 'Final Function Test', finalizeDateUtc: expect.any(String) });
    // Without a Referer the route is refused, as on a real server.
    const res = await fetch(`${sim.url}${ROUTE}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(403);
  });
});
