import { describe, expect, it } from 'vitest';
import {
  and,
  contains,
  createUurReport,
  createUutReport,
  eq,
  ge,
  guid,
  isIn,
  lt,
  not,
  parseReport,
  ReportParseError,
  ReportValidationError,
  WatsClient,
  WatsError,
  type UutReport,
} from '@tswats/sdk';
import { clientFor, testSim, wsjfFixture, WSJF_FIXTURES } from './helpers.js';

function uut(serial: string, opts: { start?: Date; pn?: string; value?: number } = {}): UutReport {
  const b = createUutReport({
    partNumber: opts.pn ?? 'PN-Q',
    revision: 'A',
    serialNumber: serial,
    processCode: 10,
    stationName: 'ST-Q',
    location: 'Lab',
    purpose: 'Development',
    operator: 'tester',
    start: opts.start ?? new Date(),
  });
  b.root.addNumeric('V', { value: opts.value ?? 5, unit: 'V', compOp: 'GELE', lowLimit: 4.5, highLimit: 5.5 });
  return b.build();
}

describe('submitting and reading back reports', () => {
  it.each(WSJF_FIXTURES)('round-trips the real file %s through the server unchanged', async (name) => {
    const sim = await testSim();
    const client = clientFor(sim);
    const original = wsjfFixture(name);
    const res = await client.reports.submit(original);
    expect(res.id).toBe(original.id);
    expect(res.warnings).toEqual([]);
    const back = await client.reports.getWsjf(res.id);
    expect(back).toEqual(original);
  });

  it('gives a report without an id a fresh UUID, and keeps it over retries', async () => {
    const sim = await testSim();
    const report = { ...wsjfFixture('WATS - WSJF UUT Example file.json') };
    delete report.id;
    sim.faults.dropNext(1, { when: 'after' });
    const res = await clientFor(sim).reports.submit(report);
    expect(res.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.attempts).toBe(2);
    expect(sim.reportCount()).toBe(1);
  });

  it('resubmitting the same report overwrites it', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const r = uut('SN-OVER');
    await client.reports.submit(r);
    await client.reports.submit({ ...r, result: 'F' });
    expect(sim.reportCount()).toBe(1);
    expect((await client.reports.getWsjf(r.id!)).result).toBe('F');
  });

  it('strict validation lists every problem and sends nothing', async () => {
    const sim = await testSim();
    const bad = { ...uut('SN-BAD'), pn: '', machineName: 'M'.repeat(101), processCode: 1.5 };
    const err = await clientFor(sim).reports.submit(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReportValidationError);
    const paths = (err as ReportValidationError).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['pn', 'machineName', 'processCode']));
    expect(sim.stats().received).toBe(0);
  });

  it('truncate mode shortens over-long fields, reports each, and sends', async () => {
    const sim = await testSim();
    const client = clientFor(sim, { validation: 'truncate' });
    const r = { ...uut('SN-TRUNC'), location: 'L'.repeat(150) };
    const res = await client.reports.submit(r);
    expect(res.warnings.map((w) => w.path)).toEqual(['location']);
    const back = await client.reports.getWsjf(res.id);
    expect(back.location).toBe('L'.repeat(100));
    expect(r.location).toHaveLength(150); // the caller's object is untouched
  });

  it('validation can be chosen per call', async () => {
    const sim = await testSim();
    const strict = clientFor(sim); // strict by default
    const r = { ...uut('SN-PERCALL'), purpose: 'P'.repeat(120) };
    await expect(strict.reports.submit(r)).rejects.toBeInstanceOf(ReportValidationError);
    const res = await strict.reports.submit(r, { validation: 'truncate' });
    expect(res.warnings).toHaveLength(1);
  });

  it('rejects input that is not a report before sending', async () => {
    const sim = await testSim();
    await expect(clientFor(sim).reports.submit({ type: 'X' })).rejects.toBeInstanceOf(ReportParseError);
    expect(sim.stats().received).toBe(0);
  });

  it('submits a built UUR that refers to its UUT', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const t = uut('SN-REPAIR', { value: 7 });
    expect(t.result).toBe('F');
    const r = createUurReport({
      partNumber: t.pn,
      revision: t.rev,
      serialNumber: t.sn,
      repairProcessCode: 500,
      testProcessCode: 10,
      refUut: t.id,
      stationName: 'RP-1',
      location: 'Lab',
      purpose: 'Repair',
    });
    r.addFailure({ category: 'Component', code: 'Defective', comRef: 'R7' });
    await client.reports.submit(t);
    const res = await client.reports.submit(r.build());
    const [h] = await client.reports.queryHeaders({ filter: eq('uuid', guid(res.id)) });
    expect(h).toEqual(expect.objectContaining({ reportType: 'R', referencedUut: t.id, serialNumber: 'SN-REPAIR' }));
  });

  it('fetches with detail options', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const original = wsjfFixture('WATS - WSJF UUT Example file.json');
    await client.reports.submit(original);
    const lean = await client.reports.getWsjf(String(original.id), { includeAttachments: false, includeChartData: false });
    expect(JSON.stringify(lean)).not.toContain('"ydata"');
    expect(lean.sn).toBe(original.sn);
  });
});

describe('querying report headers', () => {
  it('escapes values: a serial number with a quote finds exactly its report', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await client.reports.submit(uut("O'Brien-1"));
    await client.reports.submit(uut('OBrien-1'));
    const found = await client.reports.queryHeaders({ filter: eq('serialNumber', "O'Brien-1") });
    expect(found.map((h) => h.serialNumber)).toEqual(["O'Brien-1"]);
    const byContains = await client.reports.queryHeaders({ filter: contains('serialNumber', "'Brien") });
    expect(byContains.map((h) => h.serialNumber)).toEqual(["O'Brien-1"]);
  });

  it('filters by dates, lists and negation', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const base = Date.parse('2026-03-01T12:00:00Z');
    for (let i = 0; i < 6; i++) {
      await client.reports.submit(uut(`SN-D${i}`, { start: new Date(base + i * 3600_000), pn: i % 2 ? 'PN-ODD' : 'PN-EVEN' }));
    }
    const late = await client.reports.queryHeaders({
      filter: and(ge('start', new Date(base + 2 * 3600_000)), lt('start', new Date(base + 5 * 3600_000))),
      orderBy: 'start',
    });
    expect(late.map((h) => h.serialNumber)).toEqual(['SN-D2', 'SN-D3', 'SN-D4']);
    const odd = await client.reports.queryHeaders({ filter: not(eq('partNumber', 'PN-EVEN')), orderBy: 'serialNumber' });
    expect(odd.map((h) => h.serialNumber)).toEqual(['SN-D1', 'SN-D3', 'SN-D5']);
    const some = await client.reports.queryHeaders({ filter: isIn('serialNumber', ['SN-D0', 'SN-D5', 'nope']) });
    expect(some.map((h) => h.serialNumber).sort()).toEqual(['SN-D0', 'SN-D5']);
    // Optional criteria that are all absent leave a filter that matches everything.
    const station: string | undefined = undefined;
    expect(await client.reports.queryHeaders({ filter: and(station && eq('stationName', station)) })).toHaveLength(6);
    expect(await client.reports.queryHeaders({ filter: isIn('serialNumber', []) })).toHaveLength(0);
  });

  it('always sends $top, so the server default of 10 never hides reports', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    for (let i = 0; i < 14; i++) await client.reports.submit(uut(`SN-T${i}`));
    expect(await client.reports.queryHeaders()).toHaveLength(14);
    expect(await client.reports.queryHeaders({ top: 5 })).toHaveLength(5);
  });

  it('iterates every page with for await, each report once', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const ids = new Set<string>();
    const base = Date.parse('2026-05-01T00:00:00Z');
    for (let i = 0; i < 23; i++) {
      const r = uut(`SN-P${i}`, { start: new Date(base + (i % 4) * 1000) }); // ties on start: order must still be stable
      ids.add(r.id!);
      await client.reports.submit(r);
    }
    const seen: string[] = [];
    for await (const h of client.reports.queryHeaders({ pageSize: 5 })) seen.push(h.uuid!);
    expect(seen).toHaveLength(23);
    expect(new Set(seen)).toEqual(ids);
    // 5 pages of 5 = 23 items: 4 full pages and a short one ends the loop.
    expect(sim.stats().byOperation.Report_HeaderQuery).toBe(5);
    expect(await client.reports.queryHeaders({ pageSize: 5, limit: 7 }).toArray()).toHaveLength(7);
  });

  it('selects and expands', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await client.reports.submit(wsjfFixture('example_report_from_server.json'));
    const [slim] = await client.reports.queryHeaders({ select: ['uuid', 'serialNumber'] });
    expect(Object.keys(slim!).sort()).toEqual(['serialNumber', 'uuid']);
    const [full] = await client.reports.queryHeaders({ expand: ['subUnits', 'miscInfo'] });
    expect(full!.subUnits).toHaveLength(2);
    expect(full!.miscInfo).toHaveLength(3);
  });

  it('refuses page sizes the server would refuse', () => {
    const client = new WatsClient({ baseUrl: 'http://127.0.0.1:9' });
    expect(() => client.reports.queryHeaders({ top: 10_001 })).toThrow(WatsError);
    expect(() => client.reports.queryHeaders({ pageSize: 0 })).toThrow(/pageSize/);
    expect(() => client.reports.queryHeaders({ skip: -1 })).toThrow(/skip/);
  });

  it('parses what it reads back losslessly', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const original = wsjfFixture('example_report_from_server.json');
    await client.reports.submit(original);
    const back = await client.reports.getWsjf(String(original.id));
    expect(parseReport(JSON.stringify(back))).toEqual(original);
  });
});
