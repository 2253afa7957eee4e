import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { convert, ConversionError, detect } from '@tswats/converters';
import { FIXTURES, FIXTURE_OPTIONS } from './helpers.js';

const DIR = join(FIXTURES, 'xjtag');
const XJLOG = join(DIR, 'Demonstration hardware--28_10_2019.xjlog');
const PASS_XML = join(DIR, '567567_14_29_24_17_06_2020_Pass.xml');

const runXml = (serial: string, result = 'Passed', extra = '') => `<?xml version="1.0" encoding="utf-8"?>
<testrun datetime="2024-03-31T00:30:00.1234567Z">
  <testgroup name="Check Chain">
    <testfunction name="CheckChain">
      <text-output output-type="Pass"><![CDATA[CheckChain passed
]]></text-output>
      <result value="${result}" />
      <time-taken>232</time-taken>
    </testfunction>
  </testgroup>${extra}
  <testruninfo>
    <project-description>Demo board</project-description>
    <user>op</user>
    <serial>${serial}</serial>
    <xjlink-serial>10199</xjlink-serial>
    <result>${result}</result>
    <time-taken>1500</time-taken>
  </testruninfo>
</testrun>`;
const info = (count: number) => `<?xml version="1.0" encoding="utf-8"?><LogFileInfo><Version>1</Version><TestRunCount>${count}</TestRunCount></LogFileInfo>`;
const zip = (files: Record<string, string | Uint8Array>) =>
  zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? strToU8(v) : v])));
type Step = { name: string; status: string; totTime?: number; steps?: Step[] };
/** The top-level steps of a UUT report. */
const topSteps = (r: unknown) => (r as { root: Step }).root.steps!;
const run = (bytes: Uint8Array, name = 'log.xjlog', options = {}) => convert({ bytes, name }, { ...FIXTURE_OPTIONS, ...options });
const failure = async (bytes: Uint8Array, name = 'log.xjlog', options = {}) => {
  const err = await run(bytes, name, { format: 'xjtag', ...options }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConversionError);
  expect((err as ConversionError).file).toBe(name);
  return err as ConversionError;
};

describe('xjtag: every run of an .xjlog archive is its own report', () => {
  it('keeps all six runs of the demo archive, in run order (pyWATS keeps the first only)', async () => {
    const archive = unzipSync(new Uint8Array(readFileSync(XJLOG)));
    const declared = Number(/<TestRunCount>(\d+)</.exec(new TextDecoder().decode(archive['Info.xml']))![1]);
    const runEntries = Object.keys(archive).filter((n) => /^Run \d+\.xml$/.test(n));
    const { reports } = await convert(XJLOG, FIXTURE_OPTIONS);
    expect(declared).toBe(6);
    expect(runEntries).toHaveLength(6);
    expect(reports).toHaveLength(6);
    expect(reports.map((r) => [r.sn, r.result])).toEqual([
      ['10001', 'F'], ['1002', 'P'], ['10004', 'F'], ['10003', 'F'], ['10006', 'F'], ['10005', 'P'],
    ]);
    expect(reports.map((r) => r.miscInfos?.find((m) => m.description === 'Run')?.text)).toEqual(['1 of 6', '2 of 6', '3 of 6', '4 of 6', '5 of 6', '6 of 6']);
  });

  it('orders runs by number (Run 2 before Run 10), and warns about runs Info.xml counts but the archive lacks', async () => {
    const bytes = zip({ 'Run 10.xml': runXml('S10'), 'Info.xml': info(10), 'Run 2.xml': runXml('S2', 'Failed') });
    const { reports, warnings } = await run(bytes);
    expect(reports.map((r) => r.sn)).toEqual(['S2', 'S10']);
    const missing = warnings.filter((w) => /is not in the archive/.test(w.message)).map((w) => w.element);
    expect(missing).toEqual(['Run 1.xml', 'Run 3.xml', 'Run 4.xml', 'Run 5.xml', 'Run 6.xml', 'Run 7.xml', 'Run 8.xml', 'Run 9.xml']);
  });

  it('converts every run when Info.xml is missing, with a warning', async () => {
    const { reports, warnings } = await run(zip({ 'Run 1.xml': runXml('A'), 'Run 2.xml': runXml('B') }));
    expect(reports.map((r) => r.sn)).toEqual(['A', 'B']);
    expect(warnings.some((w) => /no Info.xml/.test(w.message))).toBe(true);
  });
});

describe('xjtag: fields, timestamps and options', () => {
  it('writes the UTC run time as local time of the station zone, with the real offset', async () => {
    const oslo = await convert(PASS_XML, FIXTURE_OPTIONS);
    expect(oslo.reports[0]!.start).toBe('2020-06-17T15:29:24.258+02:00');
    const utc = await convert(PASS_XML, { ...FIXTURE_OPTIONS, timeZone: 'UTC' });
    expect(utc.reports[0]!.start).toBe('2020-06-17T13:29:24.258+00:00');
    // 2024-03-31 00:30 UTC is 01:30 in Oslo, just before summer time begins at 02:00 local.
    const dst = await run(Buffer.from(runXml('S1')), 'run.xml');
    expect(dst.reports[0]!.start).toBe('2024-03-31T01:30:00.123+01:00');
  });

  it('maps run and function results, times and texts', async () => {
    const { reports } = await convert(PASS_XML, FIXTURE_OPTIONS);
    const r = reports[0]!;
    expect(r).toMatchObject({ sn: '567567', result: 'P', uut: { user: 'ADMINISTRATOR', execTime: 47.96 } });
    const flash = topSteps(r).find((s) => s.name === 'Flash Tests')!;
    expect(flash.steps!.map((s) => [s.name, s.status, s.totTime])).toEqual([
      ['ProgrammedFlashCheck', 'P', 0.089], ['IC3.TestNonDestructive', 'S', 0], ['IC3.TestDestructive', 'P', 0.406],
    ]);
  });

  it('takes part number, revision and process code from the options, else the project description with a warning', async () => {
    const given = await convert(PASS_XML, { ...FIXTURE_OPTIONS, partNumber: 'XJDEMO-1', partRevision: 'C', processCode: 210 });
    expect(given.reports[0]).toMatchObject({ pn: 'XJDEMO-1', rev: 'C', processCode: 210 });
    expect(given.reports[0]!.miscInfos).toContainEqual({ description: 'Project', text: 'Demonstration hardware' });
    const fallback = await convert(XJLOG, FIXTURE_OPTIONS);
    expect(fallback.reports.every((r) => r.pn === 'Demonstration hardware' && r.processCode === 10)).toBe(true);
    expect(fallback.warnings.filter((w) => /project description/.test(w.message))).toHaveLength(1);
  });

  it('keeps fault details that XJRunner wrote only as HTML (runs without plain-text)', async () => {
    const { reports } = await convert(XJLOG, FIXTURE_OPTIONS);
    const conn = (r: unknown) => topSteps(r).find((s) => s.name === 'Connection Test')!.steps![0] as Step & { reportText: string };
    expect(conn(reports[2]).status).toBe('F');
    expect(conn(reports[2]).reportText).toContain('Error: Short found between nets: IO13, IO14.');
    expect(conn(reports[4]).reportText).toContain('Error on net IO0-NetJP1_19: Stuck at 0.');
    expect(conn(reports[2]).reportText).not.toMatch(/<|Net Detail/);
  });

  it('an unknown function result fails the step with a warning', async () => {
    const { reports, warnings } = await run(Buffer.from(runXml('S1', 'Passed').replace('<result value="Passed" />', '<result value="Wobbly" />')), 'run.xml');
    const step = topSteps(reports[0])[0]!.steps![0]!;
    expect(step.status).toBe('F');
    expect(warnings.some((w) => /"Wobbly"/.test(w.message) && w.line === 7)).toBe(true);
  });
});

describe('xjtag: bad archives and logs give typed errors naming the file', () => {
  it('refuses an archive whose entries claim to inflate beyond the limit (ZIP bomb), before inflating', async () => {
    const bytes = zip({ 'Info.xml': info(1), 'Run 1.xml': runXml('S1') });
    // Declare a 3 GB uncompressed size in the central directory entry of Run 1.xml.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let cd = bytes.length - 22;
    while (view.getUint32(cd, true) !== 0x06054b50) cd--;
    let at = view.getUint32(cd + 16, true);
    for (;;) {
      const n = view.getUint16(at + 28, true);
      if (new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + n)) === 'Run 1.xml') break;
      at += 46 + n + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    }
    view.setUint32(at + 24, 3_000_000_000, true);
    const err = await failure(bytes);
    expect(err.code).toBe('CONVERT_ERR_VALUE');
    expect(err.reason).toMatch(/more than the 209715200 allowed \(a ZIP bomb\?\)/);
  });

  it('refuses an archive that really inflates beyond the configured limit', async () => {
    const bytes = zip({ 'Info.xml': info(1), 'Run 1.xml': runXml('S1', 'Passed', '<!--' + ' '.repeat(50_000) + '-->') });
    expect(bytes.length).toBeLessThan(5_000);
    const err = await failure(bytes, 'log.xjlog', { formats: { xjtag: { maxUncompressedBytes: 20_000 } } });
    expect(err.reason).toMatch(/more than the 20000 allowed/);
  });

  it('a truncated archive', async () => {
    const bytes = new Uint8Array(readFileSync(XJLOG));
    const err = await failure(bytes.subarray(0, bytes.length - 500));
    expect(err.code).toBe('CONVERT_ERR_TRUNCATED');
  });

  it('a corrupt entry (checksum mismatch) is named', async () => {
    const bytes = Uint8Array.from(zip({ 'Info.xml': info(1), 'Run 1.xml': runXml('S1') }));
    // Flip a byte inside Run 1.xml's compressed data, just after its local header's name.
    const name = Buffer.from(bytes).indexOf('Run 1.xml');
    bytes[name + 9 + 20] = bytes[name + 9 + 20]! ^ 0xff;
    const err = await failure(bytes);
    expect(err.code).toBe('CONVERT_ERR_FORMAT');
    expect(err.position?.element).toBe('Run 1.xml');
  });

  it('an archive without runs', async () => {
    const err = await failure(zip({ 'Info.xml': info(0) }));
    expect(err.code).toBe('CONVERT_ERR_EMPTY');
  });

  it('a run without a serial number names the entry and line', async () => {
    const err = await failure(zip({ 'Info.xml': info(1), 'Run 1.xml': runXml('') }));
    expect(err).toMatchObject({ code: 'CONVERT_ERR_MISSING_FIELD', position: { element: 'Run 1.xml: testrun/testruninfo', line: 11 } });
  });

  it('a run whose XML is cut off', async () => {
    const text = runXml('S1');
    const err = await failure(zip({ 'Info.xml': info(1), 'Run 1.xml': text.slice(0, text.length - 40) }));
    expect(err).toMatchObject({ code: 'CONVERT_ERR_TRUNCATED', position: { element: 'Run 1.xml' } });
  });

  it('a log with an unreadable start time', async () => {
    const err = await failure(Buffer.from(runXml('S1').replace('2024-03-31T00:30:00.1234567Z', 'last Tuesday')), 'run.xml');
    expect(err).toMatchObject({ code: 'CONVERT_ERR_VALUE', position: { line: 2, element: 'testrun' } });
  });

  it('XML that is not a testrun, when the format is forced', async () => {
    const err = await failure(Buffer.from('<?xml version="1.0"?>\n<results/>'), 'run.xml');
    expect(err.code).toBe('CONVERT_ERR_FORMAT');
  });
});

describe('xjtag: detection', () => {
  it('recognises the ZIP by its XJTAG entries, not by its extension', async () => {
    expect((await detect(XJLOG)).candidates).toEqual([{ format: 'xjtag', confidence: 0.95 }]);
    const other = await detect({ bytes: zip({ 'readme.txt': 'hello', 'data.csv': 'a,b' }), name: 'other.xjlog' });
    expect(other.candidates).toEqual([]);
    const err = await convert({ bytes: zip({ 'readme.txt': 'hello' }), name: 'other.zip' }).catch((e: unknown) => e);
    expect((err as ConversionError).code).toBe('CONVERT_ERR_NO_CONVERTER');
  });

  it('recognises the XML log by its root and elements', async () => {
    const d = await detect(PASS_XML);
    expect(d.candidates).toEqual([{ format: 'xjtag', confidence: 0.95 }]);
    expect(d.preview).toEqual({ serialNumber: '567567', units: 1 });
    expect((await detect({ bytes: Buffer.from('<testrun/>'), name: 'x.xml' })).candidates).toEqual([]);
  });
});
