import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { SimHandle } from '@tswats/sim';
import { expectNoViolations, fixture, fixtureBytes, getJson, makeUut, postReport, startTestSim, FIXTURE_FILES, json } from './helpers.js';

let sim: SimHandle;
beforeAll(async () => {
  sim = await startTestSim();
});
afterEach(() => expectNoViolations(sim));
afterAll(() => sim.close());

describe('POST /api/Report/WSJF and GET /api/Report/Wsjf/{id}', () => {
  test.each(Object.keys(FIXTURE_FILES) as Array<keyof typeof FIXTURE_FILES>)(
    'stores the real %s fixture and returns it exactly as sent',
    async (name) => {
      const report = fixture(name);
      const res = await postReport(sim, fixtureBytes(name));
      expect(res.status).toBe(200);
      const result = await json(res);
      expect(result).toEqual({ ID: report.id, uuid: report.id, Report_ID: expect.any(Number) });
      const back = await getJson(sim, `/api/Report/Wsjf/${String(report.id)}`);
      expect(back.status).toBe(200);
      expect(back.body).toEqual(report);
      expect(Object.keys(back.body)).toEqual(Object.keys(report));
    },
  );

  test('accepts a body that starts with a UTF-8 BOM', async () => {
    const report = makeUut();
    const res = await postReport(sim, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(report))]));
    expect(res.status).toBe(200);
    expect((await getJson(sim, `/api/Report/Wsjf/${String(report.id)}`)).body).toEqual(report);
  });

  test('gives a report without an id a new one and returns it with that id', async () => {
    const { id: _id, ...report } = makeUut({ sn: 'NO-ID' });
    const res = await postReport(sim, report);
    const result = await json(res);
    expect(result.ID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(result.uuid).toBe(result.ID);
    const back = await getJson(sim, `/api/Report/Wsjf/${result.ID}`);
    expect(back.body).toEqual({ ...report, id: result.ID });
  });

  test('overwrites a report re-submitted with the same id and counts the receive', async () => {
    const first = makeUut({ sn: 'OVERWRITE-1', result: 'F' });
    const before = sim.reportCount();
    const r1 = await json(await postReport(sim, first));
    const second = { ...first, result: 'P' };
    const r2 = await json(await postReport(sim, second));
    expect(r2.Report_ID).toBe(r1.Report_ID);
    expect(sim.reportCount()).toBe(before + 1);
    expect((await getJson(sim, `/api/Report/Wsjf/${String(first.id)}`)).body.result).toBe('P');
    const headers = await getJson(sim, '/api/Report/Query/Header', { $filter: "serialNumber eq 'OVERWRITE-1'" });
    expect(headers.body).toHaveLength(1);
    expect(headers.body[0]).toMatchObject({ receiveCount: 2, result: 'Passed' });
  });

  test('treats ids case-insensitively and answers with the canonical lower-case id', async () => {
    const report = makeUut();
    const upper = String(report.id).toUpperCase();
    const result = await json(await postReport(sim, { ...report, id: upper }));
    expect(result.ID).toBe(String(report.id));
    expect((await getJson(sim, `/api/Report/Wsjf/${upper}`)).status).toBe(200);
  });

  const malformed: Array<[string, unknown, string]> = [
    ['a JSON array', [makeUut()], 'report: must be a JSON object'],
    ['no part number', { ...makeUut(), pn: undefined }, 'pn: required'],
    ['an empty serial number', { ...makeUut(), sn: '  ' }, 'sn: required'],
    ['a numeric revision', { ...makeUut(), rev: 1 }, 'rev: must be a string'],
    ['a string processCode', { ...makeUut(), processCode: '10' }, 'processCode: must be an integer'],
    ['a fractional processCode', { ...makeUut(), processCode: 10.5 }, 'processCode: must be an integer'],
    ['type U', { ...makeUut(), type: 'U' }, 'type: must be "T" or "R"'],
    ['result S', { ...makeUut(), result: 'S' }, 'result: must be one of P, F, D, E, T'],
    ['a bad start', { ...makeUut(), start: '2024-13-01T00:00:00Z' }, 'start: not a valid date'],
    ['a bad id', { ...makeUut(), id: 'not-a-guid' }, 'id: not a GUID'],
    ['a UUT without root', { ...makeUut(), root: undefined }, 'root: required'],
    ['a UUR without uur', { ...makeUut(), type: 'R' }, 'uur: required'],
    ['subUnits not an array', { ...makeUut(), subUnits: {} }, 'subUnits: must be an array'],
  ];
  test.each(malformed)('rejects a report with %s (400 naming the field)', async (_name, report, message) => {
    const res = await postReport(sim, report);
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(Object.keys(body)).toEqual(['Message']);
    expect(body.Message).toContain(message);
  });

  test('names the path of a bad step deep in the tree', async () => {
    const report = makeUut();
    const root = report.root as { steps: Array<Record<string, unknown>> };
    root.steps.push({ stepType: 'Action' }, { stepType: 'Action' }, { name: 'no type' });
    root.steps.push({ stepType: 'SequenceCall', steps: [{ stepType: 'ET_NLT', numericMeas: { value: 1 } }] });
    const res = await postReport(sim, report);
    expect(res.status).toBe(400);
    const { Message } = await json(res);
    expect(Message).toContain('root.steps[3].stepType: required');
    expect(Message).toContain('root.steps[4].steps[0].numericMeas: must be an array');
  });

  test('keeps unusual keys such as "__proto__" in every view', async () => {
    const report = makeUut();
    const text = JSON.stringify(report).replace(/^\{/, '{"__proto__":{"polluted":true},');
    expect((await postReport(sim, text)).status).toBe(200);
    for (const level of ['3', '7']) {
      const back = await fetch(`${sim.url}/api/Report/Wsjf/${String(report.id)}?detailLevel=${level}`);
      expect(await back.text()).toContain('"__proto__":{"polluted":true}');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('rejects a body that is not JSON', async () => {
    const res = await postReport(sim, '{"type": "T",');
    expect(res.status).toBe(400);
    expect((await json(res)).Message).toMatch(/not valid JSON/);
  });

  test('accepts lenient real-world dates (empty fraction, 7 digits, startUTC only)', async () => {
    const { start: _s, ...noStart } = makeUut();
    for (const report of [
      { ...makeUut(), start: '2020-08-05T07:03:58.7257865Z' },
      { ...noStart, startUTC: '2020-01-01T08:00:00.Z' },
      { ...makeUut(), start: '2020-01-01T09:00:00' },
    ]) {
      expect((await postReport(sim, report)).status).toBe(200);
    }
  });
});

describe('GET /api/Report/Wsjf/{id} errors and views', () => {
  test('404 for an unknown id, with a Message', async () => {
    const res = await getJson(sim, '/api/Report/Wsjf/00000000-0000-0000-0000-000000000001');
    expect(res.status).toBe(404);
    expect(res.body.Message).toContain('00000000-0000-0000-0000-000000000001');
  });

  test('400 for an id that is not a GUID (and a recorded request violation)', async () => {
    const res = await getJson(sim, '/api/Report/Wsjf/12345');
    expect(res.status).toBe(400);
    expect(res.body.Message).toBe('id: not a GUID');
    expect(sim.contractViolations()).toEqual([
      expect.objectContaining({ operationId: 'Report_GetReportAsWSJF', direction: 'request' }),
    ]);
    sim.clearContractViolations();
  });

  test('400 for a detailLevel outside 0-7', async () => {
    const id = String(fixture('uut').id);
    expect((await getJson(sim, `/api/Report/Wsjf/${id}`, { detailLevel: '8' })).status).toBe(400);
  });

  test('drops attachment data and chart data on request', async () => {
    const report = fixture('uut');
    const res = await getJson(sim, `/api/Report/Wsjf/${String(report.id)}`, {
      includeAttachments: 'false',
      includeChartdata: 'false',
    });
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(/"xdata"|"ydata"/);
    expect(text).toContain('"attachment":{"name":"winhlp32.exe","contentType"');
    expect(text).not.toContain('"data":');
    expect(res.body.root.steps.length).toBe((report.root as { steps: unknown[] }).steps.length);
  });

  test('trims by detailLevel: 0 header, 1 collections, 2 steps, 3 measurements, 4 attachments, 6 charts', async () => {
    const report = fixture('uut');
    const at = async (level: number) =>
      JSON.stringify((await getJson(sim, `/api/Report/Wsjf/${String(report.id)}`, { detailLevel: String(level) })).body);
    const l0 = JSON.parse(await at(0));
    expect(l0).toMatchObject({ id: report.id, sn: report.sn, uut: report.uut });
    expect(l0.root).toBeUndefined();
    expect(l0.subUnits).toBeUndefined();
    const l1 = JSON.parse(await at(1));
    expect(l1.subUnits).toEqual(report.subUnits);
    expect(l1.root).toBeUndefined();
    const l2 = await at(2);
    expect(l2).toContain('"steps"');
    expect(l2).not.toContain('numericMeas');
    const l3 = await at(3);
    expect(l3).toContain('numericMeas');
    expect(l3).toContain('"chart"');
    expect(l3).not.toMatch(/"xdata"|"data":/);
    const l4 = await at(4);
    expect(l4).toContain('"data":');
    expect(l4).not.toContain('"xdata"');
    expect(JSON.parse(await at(6))).toEqual(report);
  });
});
