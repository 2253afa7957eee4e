import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BadRequestError,
  createUurReport,
  createUutReport,
  eq,
  forEachStep,
  guid,
  NotFoundError,
  WatsError,
  type Step,
  type WsjfReport,
} from '@tswats/sdk';
import { clientFor, testSim, wsjfFixture } from '../helpers.js';
import { pdfTextLines, readPdf, readZip } from './file-checks.js';

const UUT_FILE = 'WATS - WSJF UUT Example file.json';
const UUR_FILE = 'WATS - WSJF UUR Example file.json';
const WSXF_SAMPLE = readFileSync(new URL('../fixtures/wsxf/uut-wsxf.xml', import.meta.url), 'utf8');
const WSXF_ID = 'd26ddf31-fd90-47a5-af13-180404cde8be';

type Json = Record<string, unknown>;

/** Steps with an `attachment`, from the parsed fixture itself. */
function stepAttachments(report: Json): Array<{ stepId: number; name: string; contentType: string; data: string }> {
  const out: Array<{ stepId: number; name: string; contentType: string; data: string }> = [];
  const walk = (step: Json): void => {
    const att = step.attachment as Json | undefined;
    if (att) out.push({ stepId: step.id as number, name: att.name as string, contentType: att.contentType as string, data: att.data as string });
    for (const s of (step.steps as Json[] | undefined) ?? []) walk(s);
  };
  walk(report.root as Json);
  return out;
}

function allSteps(report: WsjfReport): Step[] {
  const steps: Step[] = [];
  forEachStep(report, (step) => {
    steps.push(step);
  });
  return steps;
}

function stepById(report: WsjfReport, id: number): Json {
  const step = allSteps(report).find((s) => s.id === id);
  if (!step) throw new Error(`no step ${id}`);
  return step as unknown as Json;
}

/** Drops `null`s (WSXF has no way to say null; absent is the same). */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
}

describe('report attachments', () => {
  it('returns the bytes of a test report attachment by reportId + stepId', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const report = wsjfFixture(UUT_FILE);
    await client.reports.submit(report);
    const expected = stepAttachments(report);
    expect(expected.map((a) => a.stepId)).toEqual([22, 23]);
    for (const att of expected) {
      const file = await client.reports.getAttachment({ reportId: String(report.id), stepId: att.stepId });
      expect(Buffer.from(file.data).equals(Buffer.from(att.data, 'base64'))).toBe(true);
      expect(file.contentType).toBe(att.contentType);
      expect(file.fileName).toBe(att.name);
    }
    await expect(client.reports.getAttachment({ reportId: String(report.id), stepId: 24 })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('returns a repair report attachment by reportId + attachmentId, with the ids the header query shows', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const uur = wsjfFixture(UUR_FILE);
    await client.reports.submit(uur);
    const failure = ((uur.subUnits as Json[])[0]!.failures as Json[])[0]!;
    const att = (failure.attachments as Json[])[0]!;
    const file = await client.reports.getAttachment({ reportId: String(uur.id), attachmentId: String(att.id) });
    expect(Buffer.from(file.data).equals(Buffer.from(String(att.data), 'base64'))).toBe(true);
    expect(file.contentType).toBe('image/png');

    // Report-level binaryData without an id: the header's uurAttachments id fetches it.
    const repair = createUurReport({
      partNumber: 'PSU-200', revision: 'B', serialNumber: 'SN-9', stationName: 'REPAIR-1', location: 'Line 1',
      purpose: 'Repair', repairProcessCode: 500, testProcessCode: 10,
    })
      .addAttachment({ name: 'notes.txt', contentType: 'text/plain', data: 'reflowed C12' })
      .build();
    await client.reports.submit(repair);
    const [header] = await client.reports.queryHeaders({ filter: eq('serialNumber', 'SN-9'), expand: ['uurAttachments'] });
    const listed = header!.uurAttachments as Json[];
    expect(listed).toEqual([{ id: expect.stringMatching(/^[0-9a-f-]{36}$/), filename: 'notes.txt' }]);
    const notes = await client.reports.getAttachment({ reportId: repair.id!, attachmentId: String(listed[0]!.id) });
    expect(Buffer.from(notes.data).toString('utf8')).toBe('reflowed C12');
    expect(notes.fileName).toBe('notes.txt');
  });

  it('always sends reportId, which the spec requires and pyWATS left out', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const report = wsjfFixture(UUT_FILE);
    await client.reports.submit(report);
    await client.reports.getAttachment({ reportId: String(report.id), stepId: 22 });
    expect(sim.contractViolations()).toEqual([]);
    // pyWATS's request, without reportId: the server refuses it.
    const pywats = client.request({ method: 'GET', path: '/api/Report/Attachment', query: { stepId: 22 } });
    await expect(pywats).rejects.toBeInstanceOf(BadRequestError);
    expect(sim.contractViolations()).toEqual([
      expect.objectContaining({ operationId: 'Report_GetAttachment', message: "parameter 'reportId' required" }),
    ]);
    sim.clearContractViolations();
    // Exactly one of attachmentId and stepId, checked before anything is sent.
    const both = { reportId: String(report.id), stepId: 22, attachmentId: String(report.id) } as never;
    await expect(client.reports.getAttachment(both)).rejects.toMatchObject({ code: 'WATS_ERR_ARGUMENT' });
  });

  it('returns every attachment of a report as a zip archive', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const report = wsjfFixture(UUT_FILE);
    await client.reports.submit(report);
    const zip = await client.reports.getAttachments(String(report.id));
    expect(zip.contentType).toBe('application/zip');
    expect(zip.fileName).toBe('FATTest-111_attachments.zip');
    const files = readZip(zip.data);
    const expected = stepAttachments(report);
    expect([...files.keys()]).toEqual(expected.map((a) => a.name));
    for (const att of expected) expect(files.get(att.name)!.equals(Buffer.from(att.data, 'base64'))).toBe(true);

    const uur = wsjfFixture(UUR_FILE);
    await client.reports.submit(uur);
    expect([...readZip((await client.reports.getAttachments(String(uur.id))).data).keys()]).toEqual(['FATTest-4106']);
    await expect(client.reports.getAttachments('00000000-0000-0000-0000-000000000001')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('report certificate', () => {
  it('is a valid PDF naming the unit, its result and its measurements', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const report = wsjfFixture(UUT_FILE);
    await client.reports.submit(report);
    const cert = await client.reports.getCertificate(String(report.id));
    expect(cert.contentType).toBe('application/pdf');
    expect(cert.fileName).toBe('FATTest-111.pdf');
    const lines = pdfTextLines(readPdf(cert.data));
    expect(lines).toContain('Test Certificate');
    expect(lines).toContain('Serial number: FATTest-111');
    expect(lines).toContain('Part number: FATPartNo111');
    expect(lines).toContain('Result: Failed');
    expect(lines).toContain('Operator: FAToper');
    expect(lines).toContain('MiscInfoString: Hello');
    expect(lines).toContain('MultiEQFail: 500 V EQ [501 .. ] Failed');

    const passing = createUutReport({
      partNumber: 'PSU-200', revision: 'B', serialNumber: 'SN-OK', processCode: 10, stationName: 'FCT-1',
      location: 'Line 1', purpose: 'Production',
    });
    passing.root.addNumeric('12V', { value: 12.1, unit: 'V', compOp: 'GELE', lowLimit: 11.4, highLimit: 12.6 });
    const built = passing.build();
    await client.reports.submit(built);
    const ok = pdfTextLines(readPdf((await client.reports.getCertificate(built.id!)).data));
    expect(ok).toEqual(expect.arrayContaining(['Serial number: SN-OK', 'Result: Passed', '12.1 V GELE [11.4 .. 12.6] Passed']));
    await expect(client.reports.getCertificate('00000000-0000-0000-0000-000000000002')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('header by misc info', () => {
  it('finds test reports by misc info description and data (the spec names, not pyWATS stringValue)', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await client.reports.submit(wsjfFixture(UUT_FILE));
    const other = createUutReport({
      partNumber: 'PSU-200', revision: 'B', serialNumber: 'SN-2', processCode: 10, stationName: 'FCT-1',
      location: 'Line 1', purpose: 'Production', start: new Date('2026-03-01T10:00:00Z'),
    }).addMiscInfo('MiscInfoString', 'Goodbye').addMiscInfo('Firmware', '2.14.0');
    other.root.addPassFail('boot', true);
    await client.reports.submit(other.build());

    const hello = await client.reports.headersByMiscInfo({ description: 'MiscInfoString', data: 'HELLO' });
    expect(hello).toEqual([
      {
        miscData: [
          { description: 'MiscInfoNumeric', data: '100' },
          { description: 'MiscInfoString', data: 'Hello' },
          { description: 'InvalidXML', data: 'This is a test with < and >' },
        ],
        uuid: 'c168601e-1512-40fe-946c-e4117c613449',
        serialNumber: 'FATTest-111',
        partNumber: 'FATPartNo111',
        start: '2020-01-01T08:00:00Z',
        result: 'Failed',
        processName: 'SW Debug',
        processCode: 10,
      },
    ]);
    const byDescription = await client.reports.headersByMiscInfo({ description: 'MiscInfoString' });
    expect(byDescription.map((r) => r.serialNumber)).toEqual(['SN-2', 'FATTest-111']);
    expect((await client.reports.headersByMiscInfo({ data: '2.14.0' })).map((r) => r.serialNumber)).toEqual(['SN-2']);
    expect(await client.reports.headersByMiscInfo({ description: 'MiscInfoString', serialNumber: 'SN-2', processCode: 20 })).toEqual([]);
    expect(await client.reports.headersByMiscInfo({ description: 'MiscInfoString', serialNumber: 'sn-2', processCode: 10 })).toHaveLength(1);
    await expect(client.reports.headersByMiscInfo({ serialNumber: 'SN-2' })).rejects.toBeInstanceOf(BadRequestError);

    // pyWATS sent `stringValue`: the server does not know it (the contract check names it).
    await client.request({ method: 'GET', path: '/api/Report/Query/HeaderByMiscInfo', query: { description: 'Firmware', stringValue: 'x' } });
    expect(sim.contractViolations().map((v) => v.message)).toEqual(["unknown query parameter 'stringValue'"]);
    sim.clearContractViolations();
  });
});

describe('WSXF', () => {
  it('stores the real WSXF sample as a report: header query, WSJF and back to WSXF', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const res = await client.reports.submitWsxf(WSXF_SAMPLE);
    expect(res).toMatchObject({ id: WSXF_ID, reportId: 1, attempts: 1 });

    const [header] = await client.reports.queryHeaders({ filter: eq('serialNumber', 'FATTest-422'), expand: ['miscInfo', 'subUnits'] });
    expect(header).toMatchObject({
      uuid: WSXF_ID, serialNumber: 'FATTest-422', partNumber: 'FATPartNo', revision: 'Rev1', result: 'Failed',
      reportType: 'T', start: '2017-06-07T07:24:20Z', stationName: 'VIC-WS-RE-LT', location: 'FAT Station Location',
      purpose: 'FAT Station Purpose', processCode: 10, processName: 'SW Debug', userName: 'FAToper',
      batchNumber: 'BatchSN', executionTime: 123.67, fixtureId: 'FAT FixtureId', errorMessage: 'Error code 999',
      comment: 'FAT Comment - can be 500 long', swFilename: 'Seq1', swVersion: '1.0.0', causedUutFailure: 'SingleEQFail',
      miscInfo: [{ description: 'MiscInfoNumeric', value: '100' }, { description: 'MiscInfoString', value: 'Hello' }],
      subUnits: [
        { partType: 'PCBA', serialNumber: 'SubPartSN1', partNumber: 'SubPartNo1', revision: 'Rev2' },
        { partType: 'MODULE', serialNumber: 'SubPartSN2', partNumber: 'SubPartNo2', revision: 'Rev3' },
      ],
    });

    // Checked by hand against uut-wsxf.xml: Step Id 1..50, Id 1 the MainSequence Callback.
    const wsjf = await client.reports.getWsjf(WSXF_ID);
    expect(wsjf).toMatchObject({ type: 'T', sn: 'FATTest-422', pn: 'FATPartNo', rev: 'Rev1', result: 'F', processCode: 10 });
    const steps = allSteps(wsjf);
    expect(steps).toHaveLength(50);
    expect(steps.map((s) => s.id)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(wsjf.root).toMatchObject({ name: 'MainSequence Callback', stepType: 'SequenceCall', status: 'F', seqCall: { path: 'Seq1', name: 'Seq1', version: '1.0.0' } });
    expect(stepById(wsjf, 6)).toMatchObject({
      name: 'SingleEQFail', stepType: 'ET_NLT', status: 'F', causedUUTFailure: true,
      numericMeas: [{ value: 500, lowLimit: 501, unit: 'V', compOp: 'EQ', status: 'P' }],
    });
    const multi = stepById(wsjf, 33);
    expect(multi).toMatchObject({ stepType: 'ET_MNLT', status: 'F' });
    expect((multi.numericMeas as Json[]).length).toBe(30);
    expect((multi.numericMeas as Json[])[29]).toEqual({ compOp: 'LOG', name: 'MultiLOGPass', status: 'F', unit: 'V', value: 500 });
    expect(stepById(wsjf, 38)).toMatchObject({ stepType: 'ET_MPFT', booleanMeas: [{ name: 'Pass', status: 'P' }, { name: 'Fail', status: 'F' }, { name: 'PassSkipped', status: 'P' }] });
    expect(stepById(wsjf, 42)).toMatchObject({ stepType: 'ET_SVT', stringMeas: [{ compOp: 'CASESENSIT', value: 'caseSensitive', limit: 'CaseSensitive', status: 'P' }] });
    expect(stepById(wsjf, 46)).toMatchObject({
      stepType: 'WATS_XYGMNLT',
      numericMeas: [{ value: 28.9230769230769, unit: 'Number', compOp: 'LOG' }],
      chart: { chartType: 'Line', label: 'Fibonacci numbers', series: [{ name: 'Fibionacci', ydata: '0;1;1;2;3;5;8;13;21;34;55;89;144', xdata: '0;1;2;3;4;5;6;7;8;9;10;11;12' }, { name: 'Mean' }] },
    });
    expect(stepById(wsjf, 49)).toMatchObject({ stepType: 'WATS_AttachFile', attachment: { name: 'winhlp32.exe', contentType: 'application/x-msdownload' } });

    const xml = await client.reports.getWsxf(WSXF_ID);
    expect(xml).toContain('<Reports xmlns="http://wats.virinco.com/schemas/WATS/Report/wsxf">');
    expect(xml).toContain('<Step Id="6" Group="Main" Name="SingleEQFail" StepType="ET_NLT" Status="Failed"');
    // Round trip: posting the fetched document again stores the same report (same id: overwritten).
    expect((await client.reports.submitWsxf(xml)).id).toBe(WSXF_ID);
    expect(await client.reports.getWsjf(WSXF_ID)).toEqual(wsjf);
    const [again] = await client.reports.queryHeaders({ filter: eq('uuid', guid(WSXF_ID)) });
    expect(again).toMatchObject({ receiveCount: 2, serialNumber: 'FATTest-422', result: 'Failed' });
  });

  it('renders a report received as WSJF as WSXF that reads back to the same steps', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const original = wsjfFixture(UUT_FILE) as WsjfReport;
    await client.reports.submit(original);
    const xml = await client.reports.getWsxf(String(original.id));
    const copyId = '0a6f3c1e-0000-4000-8000-000000000001';
    await client.reports.submitWsxf(xml.replace(`ID="${String(original.id)}"`, `ID="${copyId}"`));
    const copy = await client.reports.getWsjf(copyId);
    expect(withoutNulls(copy.root)).toEqual(withoutNulls(original.root));
    expect(withoutNulls(copy.subUnits)).toEqual(withoutNulls(original.subUnits));
    expect({ ...(copy as Json).uut as Json }).toEqual(withoutNulls((original as Json).uut));

    const lean = await client.reports.getWsxf(String(original.id), { includeAttachments: false, includeIndexes: false });
    expect(lean).not.toContain('MeasIndex=');
    expect(lean).toContain('<Attachment Name="winhlp32.exe" ContentType="application/x-msdownload" />');
    const header = await client.reports.getWsxf(String(original.id), { detailLevel: 0 });
    expect(header).not.toContain('<Step ');
  });

  it('round-trips a repair report: sub units, failures and their attachments', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const original = wsjfFixture(UUR_FILE) as WsjfReport;
    await client.reports.submit(original);
    const xml = await client.reports.getWsxf(String(original.id));
    expect(xml).toContain('<Report type="UUR"');
    expect(xml).toContain('<Failures Idx="0" PartIdx="0" Category="Solder Process" Code="Appearance" Comment="Failure on main unit" CompRef="R55" FunctionBlock="F16" StepID="16" />');
    const copyId = '0a6f3c1e-0000-4000-8000-000000000002';
    await client.reports.submitWsxf(xml.replace(`ID="${String(original.id)}"`, `ID="${copyId}"`));
    const copy = (await client.reports.getWsjf(copyId)) as Json;
    const source = original as Json;
    expect(withoutNulls(copy.subUnits)).toEqual(withoutNulls(source.subUnits));
    expect(copy.uur).toEqual(withoutNulls(source.uur));
    expect(copy).toMatchObject({ type: 'R', processCode: 500, result: 'P', sn: 'UURTestSerialNumber' });
    // The failure's attachment keeps its id: the same attachmentId fetches it from the copy.
    const file = await client.reports.getAttachment({ reportId: copyId, attachmentId: '14e90139-3169-4071-8556-99dda0de6ced' });
    expect(file.fileName).toBe('FATTest-4106');
  });

  it('refuses XML that is malformed, has a DTD, or is not in the WSXF namespace', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const bad = [
      [WSXF_SAMPLE.replace('</Reports>', ''), /not well-formed XML/],
      [`<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n${WSXF_SAMPLE}`, /DTD/],
      [WSXF_SAMPLE.replace('schemas/WATS/Report/wsxf', 'schemas/other'), /WSXF namespace/],
      [WSXF_SAMPLE.replace('NumericValue="500" LowLimit="501"', 'NumericValue="five" LowLimit="501"'), /WSXF Report\[0\]\/Step\[Id=6\]\/NumericLimit\[0\]: NumericValue 'five' is not a number/],
    ] as const;
    for (const [xml, message] of bad) {
      const err = await client.reports.submitWsxf(xml).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BadRequestError);
      expect((err as WatsError).message).toMatch(message);
    }
    expect(sim.reportCount()).toBe(0);
  });
});
