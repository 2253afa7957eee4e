import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { UutReport } from '@tswats/sdk';
import { convert, ConversionError, detect, type ConvertCallOptions } from '@tswats/converters';
import { FIXTURES } from './helpers.js';
import { latin1, reportsFile, report } from './teststand-xml-builder.js';

const SAMPLE = readFileSync(`${FIXTURES}teststand-wats-dump/TSWithWats.xml`, 'utf8'); // BOM dropped by the utf8 read
const OPTS: ConvertCallOptions = { timeZone: 'Europe/Oslo', stationName: 'OPT', location: 'Opt', purpose: 'Opt' };

const run = (text: string, options: ConvertCallOptions = {}) => convert({ bytes: new Uint8Array(Buffer.from(text, 'utf8')), name: 'dump.xml' }, { ...OPTS, ...options });

async function fails(text: string, options: ConvertCallOptions = {}): Promise<ConversionError> {
  const err = await run(text, options).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ConversionError);
  return err as ConversionError;
}

const withInfo = (key: string, value: string | undefined): string => {
  const re = new RegExp(`\\s*<ReportInfo key="${key}" value="[^"]*" type="[^"]*" />`);
  if (value === undefined) return SAMPLE.replace(re, '');
  return SAMPLE.replace(re, `\n\t<ReportInfo key="${key}" value="${value}" type="System.String" />`);
};

describe('teststand-wats-dump', () => {
  it('keeps the report id of the file and the offset of its Start, whatever the time zone option', async () => {
    const a = await run(SAMPLE, { timeZone: 'America/New_York' });
    expect(a.format).toBe('teststand-wats-dump');
    expect(a.reports).toHaveLength(1);
    expect(a.reports[0]).toMatchObject({ id: 'f4fb0a29-93b1-4f7f-ada7-672b382774ab', start: '2022-06-23T10:55:04.370+02:00', sn: '12345', pn: 'PN1', rev: '1.0', processCode: 60 });
    expect(a.warnings).toEqual([]);
  });

  it('derives a stable content id when the file has no usable ID, with a warning for a bad one', async () => {
    const none = await run(withInfo('ID', undefined));
    const again = await run(withInfo('ID', undefined));
    expect(none.reports[0]!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(again.reports[0]!.id).toBe(none.reports[0]!.id);
    const bad = await run(withInfo('ID', '00000000-0000-0000-0000-000000000000'));
    expect(bad.warnings).toContainEqual(expect.objectContaining({ message: expect.stringMatching(/is not a report GUID/), element: "TSReport/ReportInfo[@key='ID']" }));
  });

  it('prefers ReportInfo over the UUT properties and warns when they disagree', async () => {
    const res = await run(withInfo('PN', 'PN-FROM-INFO'));
    expect(res.reports[0]!.pn).toBe('PN-FROM-INFO');
    expect(res.warnings).toContainEqual(expect.objectContaining({ message: 'ReportInfo PN is "PN-FROM-INFO" but UUT.UUTPartNumber is "PN1"; the ReportInfo value is used' }));
  });

  it('falls back to the UUT properties when ReportInfo lacks SN/PN/Rev/PCode', async () => {
    let text = SAMPLE;
    for (const k of ['SN', 'PN', 'Rev', 'PCode']) text = text.replace(new RegExp(`\\s*<ReportInfo key="${k}" [^>]*/>`), '');
    const res = await run(text);
    expect(res.reports[0]).toMatchObject({ sn: '12345', pn: 'PN1', rev: '1.0', processCode: 60 });
  });

  it('StartUTC alone is shown in the station\'s zone; a Start without offset is read in it, with a warning', async () => {
    const utcOnly = withInfo('Start', undefined).replace('key="EngineStarted"', 'key="StartUTC" value="2022-06-23T08:55:04.3700000Z" type="System.DateTime" /><ReportInfo key="EngineStarted"');
    expect((await run(utcOnly)).reports[0]!.start).toBe('2022-06-23T10:55:04.370+02:00');
    expect((await run(utcOnly, { timeZone: 'UTC' })).reports[0]!.start).toBe('2022-06-23T08:55:04.370+00:00');
    const local = await run(withInfo('Start', '2022-01-10T07:00:00'));
    expect(local.reports[0]!.start).toBe('2022-01-10T07:00:00.000+01:00');
    expect(local.warnings).toContainEqual(expect.objectContaining({ message: 'ReportInfo Start has no UTC offset; read in Europe/Oslo' }));
  });

  it('the result is the main sequence status; failing steps keep their status', async () => {
    const failed = SAMPLE.replace(/<Value>Passed<\/Value>/g, '<Value>Failed</Value>').replace('<Value>True</Value>\n\t\t\t\t\t\t\t</Prop>\n\t\t\t\t\t\t\t<Prop Name=\'ReportText\'', '<Value>False</Value>\n\t\t\t\t\t\t\t</Prop>\n\t\t\t\t\t\t\t<Prop Name=\'ReportText\'');
    const r = (await run(failed)).reports[0] as UutReport;
    expect(r.result).toBe('F');
    expect(r.root.steps?.[0]).toMatchObject({ stepType: 'ET_PFT', status: 'F', booleanMeas: [{ status: 'F' }] });
  });

  it('malformed input: a PCode that is not a whole number names the ReportInfo element', async () => {
    const err = await fails(withInfo('PCode', 'sixty'));
    expect(err.code).toBe('CONVERT_ERR_VALUE');
    expect(err.position).toEqual({ line: expect.any(Number), element: "TSReport/ReportInfo[@key='PCode']" });
  });

  it('malformed input: an unreadable Start', async () => {
    const err = await fails(withInfo('Start', 'yesterday'));
    expect(err.code).toBe('CONVERT_ERR_VALUE');
    expect(err.reason).toBe('ReportInfo Start is not a date and time: "yesterday"');
  });

  it('malformed input: no start at all', async () => {
    const err = await fails(withInfo('Start', undefined));
    expect(err.code).toBe('CONVERT_ERR_MISSING_FIELD');
    expect(err.reason).toBe('the report has no start date and time');
  });

  it('malformed input: MainSequenceResults that is not a result', async () => {
    const err = await fails(SAMPLE.replace("<Prop Name='MainSequenceResults' Type='TEResult'", "<Prop Name='MainSequenceResults' Type='String'"));
    expect(err.code).toBe('CONVERT_ERR_FORMAT');
    expect(err.position?.element).toBe('TSReport/Prop[MainSequenceResults]');
  });

  it('malformed input: truncated', async () => {
    const err = await fails(SAMPLE.slice(0, 5000));
    expect(err.code).toBe('CONVERT_ERR_TRUNCATED');
    expect(err.format).toBe('teststand-wats-dump');
  });

  it('detection: only the dump converter claims a dump, and it never claims a stock report', async () => {
    const d = await detect({ bytes: new Uint8Array(Buffer.from(SAMPLE)), name: 'dump.xml' });
    expect(d.candidates).toEqual([{ format: 'teststand-wats-dump', confidence: 0.98 }]);
    expect(d.preview).toEqual({ units: 1, serialNumber: '12345', partNumber: 'PN1', start: '2022-06-23T10:55:04.3700000+02:00' });
    const stock = await detect({ bytes: latin1(reportsFile(report({ sn: 'S', result: 'Passed' }))), name: 'r.xml' });
    expect(stock.candidates.map((c) => c.format)).toEqual(['teststand-xml']);
  });
});
