import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NumericMeasurement, Step, StringMeasurement, UutReport } from '@tswats/sdk';
import { convert, convertStream, ConversionError, detect, type ConvertCallOptions, type InputFile } from '@tswats/converters';
import { atmlConverter, atmlVersionOf, detectAtmlVersion } from '../src/atml/index.js';
import { FIXTURES } from './helpers.js';

// ---------------------------------------------------------------------------------------------
// A small ATML writer for synthetic inputs (the real files are in fixtures/atml/).

const NS: Record<string, { root: string; decl: string }> = {
  '2.02': {
    root: 'tr:TestResults',
    decl: 'xmlns:tr="http://www.ieee.org/ATML/2007/TestResults" xmlns:c="http://www.ieee.org/ATML/2006/Common" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:ts="www.ni.com/TestStand/ATMLTestResults/1.0"',
  },
  '5.00': {
    root: 'trc:TestResultsCollection',
    decl: 'xmlns:trc="urn:IEEE-1636.1:2011:01:TestResultsCollection" xmlns:tr="urn:IEEE-1636.1:2011:01:TestResults" xmlns:c="urn:IEEE-1671:2010:Common" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:ts="www.ni.com/TestStand/ATMLTestResults/2.0"',
  },
  '6.01': {
    root: 'trc:TestResultsCollection',
    decl: 'xmlns:trc="urn:IEEE-1636.1:2013:TestResultsCollection" xmlns:tr="urn:IEEE-1636.1:2013:TestResults" xmlns:c="urn:IEEE-1671:2010:Common" xmlns:sc="urn:IEEE-1636.99:2013:SimicaCommon" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:ts="www.ni.com/TestStand/ATMLTestResults/3.0"',
  },
};

interface UnitInput {
  uuid?: string | null;
  sn?: string | null;
  pn?: string | null;
  operator?: string | null;
  station?: string | null;
  start?: string | null;
  end?: string | null;
  outcome?: string | null;
  qualifier?: string;
  steps?: string;
  extension?: string;
  uutExtension?: string;
}

let uuidCounter = 0;
function unit(u: UnitInput = {}, version = '6.01'): string {
  const uuid = u.uuid === undefined ? `00000000-0000-4000-8000-${String(++uuidCounter).padStart(12, '0')}` : u.uuid;
  const start = u.start === undefined ? '2024-03-01T10:00:00.000' : u.start;
  const end = u.end === undefined ? '2024-03-01T10:00:05.500' : u.end;
  const outcome = u.outcome === undefined ? 'Passed' : u.outcome;
  const tag = version === '2.02' ? 'tr:TestResults' : 'trc:TestResults';
  const ns = version === '2.02' ? ` ${NS['2.02']!.decl}` : '';
  return `<${tag}${ns}${uuid === null ? '' : ` uuid="${uuid}"`}>
${u.operator === null ? '' : `<tr:Personnel><tr:SystemOperator ID="${u.operator ?? 'kari'}" name="${u.operator ?? 'kari'}"/></tr:Personnel>`}
<tr:ResultSet ID="1" name="C:\\Seq\\Board.seq#MainSequence"${start === null ? '' : ` startDateTime="${start}"`}${end === null ? '' : ` endDateTime="${end}"`}>
<tr:Extension><ts:TSStepProperties><ts:StepType>SequenceCall</ts:StepType><ts:StepGroup>Main</ts:StepGroup><ts:BlockLevel value='0'/><ts:Index value='0'/><ts:TotalTime value='5.5'/></ts:TSStepProperties></tr:Extension>
${outcome === null ? '' : `<tr:Outcome value="${outcome}"${u.qualifier ? ` qualifier="${u.qualifier}"` : ''}/>`}
${u.steps ?? ''}
</tr:ResultSet>
${u.station === null ? '' : `<tr:TestStation><c:SerialNumber>${u.station ?? 'FCT-01'}</c:SerialNumber></tr:TestStation>`}
<tr:UUT><c:Definition><c:Identification><c:ModelName>UNKNOWN</c:ModelName>${u.pn === null ? '' : `<c:IdentificationNumbers><c:IdentificationNumber number="${u.pn ?? 'PCBA-100'}" type="Part"/></c:IdentificationNumbers>`}</c:Identification>${u.uutExtension ?? ''}</c:Definition>${u.sn === null ? '' : `<c:SerialNumber>${u.sn ?? 'SN-0001'}</c:SerialNumber>`}</tr:UUT>
${u.extension ?? ''}
</${tag}>`;
}

function doc(units: string[], version = '6.01', { close = true, prefix = '' } = {}): string {
  const head = '<?xml version="1.0" encoding="iso-8859-1" ?>\n';
  if (version === '2.02') return head + units[0]!;
  const ns = NS[version]!;
  return `${head}<${ns.root} ${ns.decl}>\n${prefix}${units.join('\n')}\n${close ? `</${ns.root}>\n` : ''}`;
}

interface StepInput {
  id?: number | string;
  name?: string;
  type?: string | null;
  element?: 'Test' | 'SessionAction' | 'TestGroup';
  outcome?: string | null;
  qualifier?: string;
  group?: string;
  body?: string;
  data?: string;
  caused?: boolean;
  totalTime?: string;
}

let stepId = 100;
function step(s: StepInput): string {
  const el = s.element ?? 'Test';
  const id = s.id ?? ++stepId;
  const props = s.type === null
    ? ''
    : `<tr:Extension><ts:TSStepProperties><ts:StepType>${s.type ?? 'PassFailTest'}</ts:StepType><ts:StepGroup>${s.group ?? 'Main'}</ts:StepGroup><ts:BlockLevel value='0'/>${s.caused ? "<ts:StepCausedSequenceFailure value='true'/>" : ''}<ts:Index value='0'/>${s.totalTime === undefined ? "<ts:TotalTime value='0.25'/>" : s.totalTime}</ts:TSStepProperties></tr:Extension>`;
  const outcomeTag = el === 'SessionAction' ? 'tr:ActionOutcome' : 'tr:Outcome';
  const outcome = s.outcome === null ? '' : `<${outcomeTag} value="${s.outcome ?? (el === 'SessionAction' ? 'Done' : 'Passed')}"${s.qualifier ? ` qualifier="${s.qualifier}"` : ''}/>`;
  const name = s.name ?? `Step ${id}`;
  const nameAttr = el === 'TestGroup' ? `name="C:\\Seq\\Board.seq#${name}" callerName="${name} call"` : `name="${name}"`;
  return `<tr:${el} ID="${id}" ${nameAttr} startDateTime="2024-03-01T10:00:01.000" endDateTime="2024-03-01T10:00:01.250">${s.data ? `<tr:Data><c:Collection>${s.data}</c:Collection></tr:Data>` : ''}${props}${outcome}${s.body ?? ''}</tr:${el}>`;
}

const datum = (value: string | number, unit?: string, type = 'ts:TS_double') => `<c:Datum value="${value}" xsi:type="${type}"${unit ? ` nonStandardUnit="${unit}"` : ''}/>`;
const strDatum = (value: string) => `<c:Datum xsi:type="ts:TS_string"><c:Value>${value}</c:Value></c:Datum>`;
const item = (name: string, inner: string) => `<c:Item name="${name}">${inner}</c:Item>`;

/** A numeric TestResult; `limits` is the content of `tr:Limits`. */
function numResult(value: string | number, limits?: string, opts: { name?: string; unit?: string; outcome?: string; after?: string } = {}): string {
  return `<tr:TestResult ID="tr-${++stepId}" name="${opts.name ?? 'Numeric'}"><tr:TestData>${datum(value, opts.unit)}</tr:TestData>${limits === undefined ? '' : `<tr:TestLimits><tr:Limits>${limits}</tr:Limits></tr:TestLimits>`}${opts.after ?? ''}${opts.outcome ? `<tr:Outcome value="${opts.outcome}"/>` : ''}</tr:TestResult>`;
}
const single = (cmp: string, v: number | string) => `<c:SingleLimit comparator="${cmp}">${datum(v)}</c:SingleLimit>`;
const expected = (cmp: string, v: number | string) => `<c:Expected comparator="${cmp}">${datum(v)}</c:Expected>`;
const pair = (operator: string, a: [string, number], b: [string, number]) =>
  `<c:LimitPair operator="${operator}"><c:Limit comparator="${a[0]}">${datum(a[1])}</c:Limit><c:Limit comparator="${b[0]}">${datum(b[1])}</c:Limit></c:LimitPair>`;

const OPTS: ConvertCallOptions = { timeZone: 'Europe/Oslo', stationName: 'OPT-STATION', location: 'Lab', purpose: 'Production' };
const latin1 = (s: string) => Buffer.from(s, 'latin1');

async function run(xml: string | Uint8Array, options: ConvertCallOptions = {}, name = 'report.xml') {
  return convert({ bytes: typeof xml === 'string' ? latin1(xml) : xml, name }, { ...OPTS, ...options });
}

async function fails(xml: string | Uint8Array, options: ConvertCallOptions = {}): Promise<ConversionError> {
  const err = await run(xml, options).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ConversionError);
  return err as ConversionError;
}

const stepsOf = (r: UutReport): Step[] => r.root.steps ?? [];
const num = (s: Step | undefined): NumericMeasurement[] => (s as unknown as { numericMeas: NumericMeasurement[] }).numericMeas;
const strs = (s: Step | undefined): StringMeasurement[] => (s as unknown as { stringMeas: StringMeasurement[] }).stringMeas;
const fixture = (name: string) => join(FIXTURES, 'atml', name);
const BATCH = 'Parallel Testing Strategies_BatchReport.6 45 31 AM..9 13 2022.xml';

// ---------------------------------------------------------------------------------------------

describe('atml: versions are recognised from the root namespace', () => {
  it.each([
    ['ATML 2.02 [123456789][2 30 27 PM][5 15 2019].XML', '2.02', 'TestResults', 'http://www.ieee.org/ATML/2007/TestResults', '1.0'],
    ['ATML 5.00 [2 31 11 PM][5 15 2019].xml', '5.00', 'TestResultsCollection', 'urn:IEEE-1636.1:2011:01:TestResultsCollection', '2.0'],
    ['ATML 6.01 [2 31 52 PM][5 15 2019].xml', '6.01', 'TestResultsCollection', 'urn:IEEE-1636.1:2013:TestResultsCollection', '3.0'],
  ])('%s is ATML %s', async (name, version, root, namespace, ext) => {
    const head = readFileSync(fixture(name), 'latin1').slice(0, 4096);
    expect(detectAtmlVersion(head)).toEqual({ version, root, namespace, testStandExtension: ext });
    const d = await detect(fixture(name));
    expect(d.format).toBe('atml');
    expect(d.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('matches namespaces by pattern, not by a fixed list of years', () => {
    expect(atmlVersionOf('urn:IEEE-1636.1:2019:TestResultsCollection')?.version).toBe('IEEE 1636.1:2019');
    expect(atmlVersionOf('http://www.ieee.org/ATML/2006/TestResults')?.version).toBe('2.02');
    expect(atmlVersionOf('urn:IEEE-1671:2010:Common')).toBeUndefined();
    expect(atmlVersionOf('http://example.com/TestResults')).toBeUndefined();
  });

  it('claims nothing without an ATML root (an extension is not a signature)', async () => {
    const cases: Array<[string, string]> = [
      ['<?xml version="1.0"?><TestResults><Result/></TestResults>', 'plain.xml'],
      ['<?xml version="1.0"?><Reports><Report Type="UUT"/></Reports>', 'teststand.xml'],
      ['<?xml version="1.0"?><tr:TestResults xmlns:tr="http://example.com/other"/>', 'other.atml'],
      ['not xml at all', 'x.atml'],
    ];
    for (const [text, name] of cases) {
      const file = { name, head: latin1(text), headText: () => text, size: text.length } as unknown as InputFile;
      expect(atmlConverter.detect(file), name).toMatchObject({ confidence: 0 });
    }
  });

  it('previews serial, part number, result, start and the number of units', async () => {
    const d = await detect(fixture('ATML 6.01 [2 31 52 PM][5 15 2019].xml'));
    expect(d.preview).toEqual({ serialNumber: '123456789', partNumber: 'Ragnar123', result: 'Failed', start: '2019-05-15T14:31:52.851', units: 1 });
    const three = await detect({ bytes: latin1(doc([unit(), unit(), unit()])), name: 'three.xml' });
    expect(three.preview?.units).toBe(3);
    const b = await detect(fixture(BATCH)); // larger than the 64 KiB head: not counted
    expect(b.preview?.units).toBeUndefined();
  });

  it('converts a synthetic document of each version the same way', async () => {
    const steps = step({ name: 'Rail', type: 'NumericLimitTest', body: numResult(5.02, pair('AND', ['GE', 4.9], ['LE', 5.1]), { unit: 'V' }) });
    for (const v of ['2.02', '5.00', '6.01']) {
      const res = await run(doc([unit({ steps, uuid: null }, v)], v));
      const r = res.reports[0] as UutReport;
      expect(r, v).toMatchObject({ sn: 'SN-0001', pn: 'PCBA-100', result: 'P', start: '2024-03-01T10:00:00.000+01:00' });
      expect(num(stepsOf(r)[0]), v).toEqual([{ status: 'P', value: 5.02, unit: 'V', compOp: 'GELE', lowLimit: 4.9, highLimit: 5.1 }]);
    }
  });
});

describe('atml: every TestResults element is its own report', () => {
  it('the batch report gives one report per TestResults in it (4, as its batch table lists), in file order', async () => {
    const text = readFileSync(fixture(BATCH), 'latin1');
    const stated = (text.match(/<trc:TestResults\s/g) ?? []).length;
    const sockets = (text.match(/<ts:UUTHref\s/g) ?? []).length;
    expect(stated).toBe(4);
    expect(sockets).toBe(4);
    const res = await convert(fixture(BATCH), { ...OPTS, partNumber: 'PTS-DEMO' });
    expect(res.reports).toHaveLength(stated);
    expect(res.reports.map((r) => (r as UutReport).uut?.testSocketIndex)).toEqual([0, 1, 2, 3]);
    expect(res.reports.map((r) => r.id)).toEqual([
      'baaa055f-332f-11ed-8520-6045bd92de90', 'baaa055c-332f-11ed-8520-6045bd92de90',
      'baaa055d-332f-11ed-8520-6045bd92de90', 'baaa055e-332f-11ed-8520-6045bd92de90',
    ]);
    expect((res.reports[3] as UutReport).uut?.batchSN).toBe('BatchSerialNumber');
    expect(res.warnings).toEqual([{ message: 'no part number in the file: "PTS-DEMO" from the options; said once per file', line: 873, element: 'TestResultsCollection/TestResults/UUT' }]);
  });

  it('a batch without a part number and no partNumber option is refused, naming the UUT', async () => {
    const err = await convert(fixture(BATCH), OPTS).then(() => undefined, (e: unknown) => e) as ConversionError;
    expect(err.code).toBe('CONVERT_ERR_MISSING_FIELD');
    expect(err.position).toEqual({ line: 873, element: 'TestResultsCollection/TestResults/UUT' });
    expect(err.reason).toMatch(/part number/);
  });

  it('yields the first report before the rest of the file has been read (streaming)', async () => {
    const units = Array.from({ length: 40 }, (_, i) => unit({ sn: `SN-${i}`, steps: step({ name: 'Pad', type: 'Action', element: 'SessionAction', data: item('Blob', strDatum('x'.repeat(3000))) }) }));
    const bytes = latin1(doc(units));
    let chunksRead = 0;
    const file: InputFile = {
      name: 'stream.xml', path: undefined, extension: '.xml', size: bytes.length, head: bytes.subarray(0, 65536), folder: undefined,
      bytes: async () => bytes, text: async () => bytes.toString('latin1'), headText: () => bytes.subarray(0, 65536).toString('latin1'),
      stream: async function* () {
        for (let i = 0; i < bytes.length; i += 4096) {
          chunksRead++;
          yield bytes.subarray(i, i + 4096);
        }
      },
    };
    const stream = convertStream(file, OPTS);
    const it = stream[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.value?.sn).toBe('SN-0');
    expect(chunksRead).toBeLessThan(Math.ceil(bytes.length / 4096) / 4);
    let count = 1;
    while (!(await it.next()).done) count++;
    expect(count).toBe(40);
  });

  it('keeps each unit\'s uuid as its report id; a repeated or missing uuid gets a content id (stable)', async () => {
    const xml = doc([unit({ uuid: '11111111-2222-4333-8444-555555555555', sn: 'A' }), unit({ uuid: '11111111-2222-4333-8444-555555555555', sn: 'B' }), unit({ uuid: null, sn: 'C' }), unit({ uuid: 'not-a-uuid', sn: 'D' })]);
    const a = await run(xml);
    const b = await run(xml);
    expect(a.reports[0]!.id).toBe('11111111-2222-4333-8444-555555555555');
    expect(new Set(a.reports.map((r) => r.id)).size).toBe(4);
    expect(b.reports.map((r) => r.id)).toEqual(a.reports.map((r) => r.id));
    expect(a.warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/already used by an earlier unit/),
      expect.stringMatching(/"not-a-uuid" is not a usable UUID/),
    ]);
  });
});

describe('atml: limits and comparators → WSJF compOps', () => {
  // [limits XML, value, expected compOp, lowLimit, highLimit, status from the file]
  const table: Array<[string, string, number, string, number | undefined, number | undefined]> = [
    ['SingleLimit GE', single('GE', 5), 6, 'GE', 5, undefined],
    ['SingleLimit GT', single('GT', 5), 6, 'GT', 5, undefined],
    ['SingleLimit LE (limit in lowLimit)', single('LE', 5), 4, 'LE', 5, undefined],
    ['SingleLimit LT (limit in lowLimit)', single('LT', 5), 4, 'LT', 5, undefined],
    ['SingleLimit EQ', single('EQ', 5), 5, 'EQ', 5, undefined],
    ['SingleLimit NE', single('NE', 5), 4, 'NE', 5, undefined],
    ['Expected EQ', expected('EQ', 44), 44, 'EQ', 44, undefined],
    ['Expected NE', expected('NE', 44), 43, 'NE', 44, undefined],
    ['LimitPair AND GE/LE', pair('AND', ['GE', 1], ['LE', 2]), 1.5, 'GELE', 1, 2],
    ['LimitPair AND GT/LT', pair('AND', ['GT', 1], ['LT', 2]), 1.5, 'GTLT', 1, 2],
    ['LimitPair AND GE/LT', pair('AND', ['GE', 1], ['LT', 2]), 1.5, 'GELT', 1, 2],
    ['LimitPair AND GT/LE', pair('AND', ['GT', 1], ['LE', 2]), 1.5, 'GTLE', 1, 2],
    ['LimitPair AND LE/GE (high bound first)', pair('AND', ['LE', 2], ['GE', 1]), 1.5, 'GELE', 1, 2],
    ['LimitPair OR LT/GT (outside)', pair('OR', ['LT', 1], ['GT', 2]), 3, 'LTGT', 1, 2],
    ['LimitPair OR LE/GE (outside)', pair('OR', ['LE', 1], ['GE', 2]), 3, 'LEGE', 1, 2],
    ['LimitPair OR LT/GE (outside)', pair('OR', ['LT', 1], ['GE', 2]), 0, 'LTGE', 1, 2],
    ['LimitPair OR GT/LE (outside, high first)', pair('OR', ['GT', 2], ['LE', 1]), 0, 'LEGT', 1, 2],
    ['no comparison (IsComparisonTypeLog)', "<c:Extension><ts:TSLimitProperties><ts:IsComparisonTypeLog value='true'/></ts:TSLimitProperties></c:Extension>", 7, 'LOG', undefined, undefined],
  ];

  it.each(table)('%s', async (_label, limits, value, compOp, low, high) => {
    const res = await run(doc([unit({ steps: step({ name: 'M', type: 'NumericLimitTest', body: numResult(value, limits) }) })]));
    const m = num(stepsOf(res.reports[0] as UutReport)[0])[0]!;
    expect(m.compOp).toBe(compOp);
    expect(m.lowLimit).toBe(low);
    expect(m.highLimit).toBe(high);
    expect(m.status).toBe('P'); // the step's outcome, given explicitly
    expect(res.warnings).toEqual([]);
  });

  it('a numeric step without limits (limits left out of the report) is a LOG measurement', async () => {
    const res = await run(doc([unit({ steps: step({ type: 'NumericLimitTest', body: numResult('0x1F') }) })]));
    expect(num(stepsOf(res.reports[0] as UutReport)[0])).toEqual([{ status: 'P', value: 31, compOp: 'LOG' }]);
  });

  it('reads TestStand number spellings: exponent, hex, Inf, NaN/IND', async () => {
    const body = ['5.59e-005', '0x10', '-Inf', 'NaN', 'IND'].map((v, i) => numResult(v, undefined, { name: `m${i}` })).join('');
    const res = await run(doc([unit({ steps: step({ type: 'NI_MultipleNumericLimitTest', body }) })]));
    expect(num(stepsOf(res.reports[0] as UutReport)[0]).map((m) => m.value)).toEqual([0.0000559, 16, '-Infinity', 'NaN', 'NaN']);
  });

  it('a comparator with no WSJF equivalent is kept as LOG, the original limits in the report text, with a warning', async () => {
    const res = await run(doc([unit({ steps: step({ name: 'Odd', type: 'NumericLimitTest', body: numResult(3, pair('AND', ['EQ', 1], ['EQ', 2])) }) })]));
    const s = stepsOf(res.reports[0] as UutReport)[0]!;
    expect(num(s)[0]).toMatchObject({ compOp: 'LOG', value: 3, status: 'P' });
    expect(s.reportText).toBe('Numeric: Limits: EQ 1 AND EQ 2');
    expect(res.warnings).toEqual([expect.objectContaining({ message: expect.stringMatching(/limit pair EQ\/EQ \(AND\) has no WSJF equivalent: kept as LOG/), element: expect.stringMatching(/Test\/TestResult$/) })]);
  });

  it('string tests: EQ is case-sensitive, CIEQ ignores case, no limit is LOG', async () => {
    const strResult = (v: string, cmp?: string, limit?: string) =>
      `<tr:TestResult ID="s" name="String"><tr:TestData>${strDatum(v)}</tr:TestData>${cmp ? `<tr:TestLimits><tr:Limits><c:Expected comparator="${cmp}">${strDatum(limit ?? '')}</c:Expected></tr:Limits></tr:TestLimits>` : ''}</tr:TestResult>`;
    const steps = [
      step({ name: 'Exact', type: 'StringValueTest', body: strResult('FW 2.1', 'EQ', 'FW 2.1') }),
      step({ name: 'Fold', type: 'StringValueTest', outcome: 'Failed', body: strResult('abc', 'CIEQ', 'xyz') }),
      step({ name: 'Log', type: 'StringValueTest', body: strResult('hello') }),
    ].join('');
    const res = await run(doc([unit({ steps, outcome: 'Failed' })]));
    const s = stepsOf(res.reports[0] as UutReport);
    expect(strs(s[0])).toEqual([{ status: 'P', value: 'FW 2.1', compOp: 'CASESENSIT', limit: 'FW 2.1' }]);
    expect(strs(s[1])).toEqual([{ status: 'F', value: 'abc', compOp: 'IGNORECASE', limit: 'xyz' }]);
    expect(strs(s[2])).toEqual([{ status: 'P', value: 'hello', compOp: 'LOG' }]);
    expect(s.map((x) => x.stepType)).toEqual(['ET_SVT', 'ET_SVT', 'ET_SVT']);
  });
});

describe('atml: threshold limits (nominal ± percentage / ppm / delta) become absolute limits', () => {
  const rawLimits = (type: string, nom: number, low: number, high: number) =>
    `<ts:TSLimitProperties><ts:ThresholdType>${type}</ts:ThresholdType><ts:RawLimits><ts:Nominal value="${nom}" xsi:type="c:double"/><ts:Low value="${low}" xsi:type="c:double"/><ts:High value="${high}" xsi:type="c:double"/></ts:RawLimits></ts:TSLimitProperties>`;
  // 5.00/6.01: c:Expected (the nominal) + Limits/c:Extension with the raw limits.
  const modern = (type: string, nom: number, low: number, high: number) => `${expected('EQ', nom)}<c:Extension>${rawLimits(type, nom, low, high)}</c:Extension>`;

  it.each([
    ['PERCENTAGE', 5, 10, 20, 4.5, 6, 'Numeric: Limits: nominal 5 -10 % / +20 % (percentage threshold) = [4.5, 6]'],
    ['PERCENTAGE', -5, 10, 10, -5.5, -4.5, 'Numeric: Limits: nominal -5 -10 % / +10 % (percentage threshold) = [-5.5, -4.5]'],
    ['PPM', 10, 100, 50, 9.999, 10.0005, 'Numeric: Limits: nominal 10 -100 ppm / +50 ppm (ppm threshold) = [9.999, 10.0005]'],
    ['DELTA', 3.3, 0.1, 0.2, 3.2, 3.5, 'Numeric: Limits: nominal 3.3 -0.1 / +0.2 (delta threshold) = [3.2, 3.5]'],
  ])('%s nominal %d -%d/+%d → GELE [%d, %d], original kept in the report text', async (type, nom, lo, hi, low, high, text) => {
    const res = await run(doc([unit({ steps: step({ type: 'NumericLimitTest', body: numResult(nom, modern(type, nom, lo, hi)) }) })]));
    const s = stepsOf(res.reports[0] as UutReport)[0]!;
    expect(num(s)[0]).toMatchObject({ compOp: 'GELE', lowLimit: low, highLimit: high, status: 'P' });
    expect(s.reportText).toBe(text);
  });

  it('reads the 2.02 layout: LimitPair with c:Nominal and the properties under TestResult/Extension', async () => {
    const limits = `<c:LimitPair operator="AND"><c:Nominal>${datum(100)}</c:Nominal><c:Limit comparator="GE">${datum(5)}</c:Limit><c:Limit comparator="LE">${datum(5)}</c:Limit></c:LimitPair>`;
    const body = numResult(103, limits, { after: `<tr:Extension>${rawLimits('PERCENTAGE', 100, 5, 5)}</tr:Extension>` });
    const res = await run(doc([unit({ steps: step({ type: 'NumericLimitTest', body }) }, '2.02')], '2.02'));
    expect(num(stepsOf(res.reports[0] as UutReport)[0])[0]).toMatchObject({ compOp: 'GELE', lowLimit: 95, highLimit: 105 });
  });

  it('raw limits alone (no ThresholdType) do not override the real limits', async () => {
    const limits = `${pair('AND', ['GE', 0], ['LE', 10])}<c:Extension><ts:TSLimitProperties><ts:RawLimits><ts:Nominal value="100"/><ts:Low value="0"/><ts:High value="10"/></ts:RawLimits></ts:TSLimitProperties></c:Extension>`;
    const res = await run(doc([unit({ steps: step({ type: 'NumericLimitTest', body: numResult(1, limits) }) })]));
    expect(num(stepsOf(res.reports[0] as UutReport)[0])[0]).toMatchObject({ compOp: 'GELE', lowLimit: 0, highLimit: 10 });
  });

  it('an unknown threshold type is kept as LOG with a warning', async () => {
    const res = await run(doc([unit({ steps: step({ type: 'NumericLimitTest', body: numResult(1, modern('SIGMA', 1, 1, 1)) }) })]));
    expect(num(stepsOf(res.reports[0] as UutReport)[0])[0]!.compOp).toBe('LOG');
    expect(res.warnings[0]!.message).toMatch(/unknown threshold type "SIGMA"/);
  });
});

describe('atml: multi-numeric steps and step contents', () => {
  it('several TestResults in one step become one ET_MNLT with unique names and per-measurement outcomes', async () => {
    const body = [
      numResult(1, pair('AND', ['GE', 0], ['LE', 10]), { name: 'Measurement 0', unit: 'V', outcome: 'Passed' }),
      numResult(12, pair('AND', ['GE', 0], ['LE', 10]), { name: 'Measurement 0', unit: 'V', outcome: 'Failed' }),
      numResult(3, single('LT', 5), { name: 'Ripple', unit: 'mV', outcome: 'Done' }),
    ].join('');
    const res = await run(doc([unit({ outcome: 'Failed', steps: step({ name: 'Rails', type: 'NI_MultipleNumericLimitTest', outcome: 'Failed', body }) })]));
    const s = stepsOf(res.reports[0] as UutReport)[0]!;
    expect(s).toMatchObject({ stepType: 'ET_MNLT', name: 'Rails', status: 'F' });
    expect(num(s)).toEqual([
      { name: 'Measurement 0', status: 'P', value: 1, unit: 'V', compOp: 'GELE', lowLimit: 0, highLimit: 10 },
      { name: 'Measurement 0 #2', status: 'F', value: 12, unit: 'V', compOp: 'GELE', lowLimit: 0, highLimit: 10 },
      { name: 'Ripple', status: 'P', value: 3, unit: 'mV', compOp: 'LT', lowLimit: 5 },
    ]);
    expect(res.reports[0]!.result).toBe('F');
  });

  it('a multiple-numeric step type with one result is still ET_MNLT', async () => {
    const res = await run(doc([unit({ steps: step({ type: 'NI_MultipleNumericLimitTest', body: numResult(1, single('GE', 0), { name: 'Only' }) }) })]));
    expect(stepsOf(res.reports[0] as UutReport)[0]).toMatchObject({ stepType: 'ET_MNLT', numericMeas: [{ name: 'Only' }] });
  });

  it('keeps report text, message popups, call executables, data items and sequence calls', async () => {
    const steps = [
      step({ element: 'SessionAction', name: 'If', type: 'NI_Flow_If', data: item('ReportText', strDatum('{True}')) }),
      step({ element: 'SessionAction', name: 'Ask', type: 'MessagePopup', data: item('ButtonHit', datum(2)) + item('Response', strDatum('OK then')) }),
      step({ element: 'SessionAction', name: 'Flash', type: 'CallExecutable', data: item('ExitCode', datum(3)) }),
      step({ element: 'SessionAction', name: 'Ids', type: 'AdditionalResults', data: item('Motor SN', strDatum('M-1')) + item('Temp', datum(21.5)) + item('Nested', `<c:Collection>${item('A', datum('true', undefined, 'ts:TS_boolean'))}</c:Collection>`) }),
      step({ name: 'Popup test', type: 'MessagePopup', body: `<tr:TestResult ID="b" name="ButtonHit"><tr:TestData>${datum(1)}</tr:TestData></tr:TestResult>` }),
      step({ element: 'TestGroup', name: 'Sub', type: 'SequenceCall', caused: true, outcome: 'Failed', body: step({ name: 'Inner', type: 'PassFailTest', outcome: 'Failed' }) }),
      step({ name: 'Checked', type: 'NumericLimitTest', body: numResult(1, single('GE', 0)) + `<tr:TestResult ID="rt" name="ReportText"><tr:TestData>${strDatum('measured on pin 3')}</tr:TestData></tr:TestResult>` }),
    ].join('');
    const res = await run(doc([unit({ steps, outcome: 'Failed' })]));
    const s = stepsOf(res.reports[0] as UutReport);
    expect(s[0]).toMatchObject({ stepType: 'NI_Flow_If', status: 'D', reportText: '{True}' });
    expect(s[1]).toMatchObject({ stepType: 'MessagePopup', messagePopup: { button: 2, response: 'OK then' } });
    expect(s[1]).not.toHaveProperty('additionalResults');
    expect(s[2]).toMatchObject({ stepType: 'CallExecutable', callExe: { exitCode: 3 } });
    expect(s[3]).toMatchObject({
      stepType: 'AdditionalResults',
      additionalResults: [
        { name: 'Motor SN', props: [{ name: 'Motor SN', type: 'String', value: 'M-1' }] },
        { name: 'Temp', props: [{ name: 'Temp', type: 'Number', value: '21.5' }] },
        { name: 'Nested', props: [{ name: 'Nested', type: 'Obj', props: [{ name: 'A', type: 'Boolean', value: 'true' }] }] },
      ],
    });
    expect(s[4]).toMatchObject({ stepType: 'MessagePopup', status: 'P', messagePopup: { button: 1 } });
    expect(s[5]).toMatchObject({ stepType: 'SequenceCall', name: 'Sub call', status: 'F', causedSeqFailure: true, seqCall: { name: 'Sub', path: 'C:\\Seq\\Board.seq' } });
    expect((s[5] as { steps: Step[] }).steps[0]).toMatchObject({ stepType: 'ET_PFT', name: 'Inner', status: 'F', booleanMeas: [{ status: 'F' }] });
    expect(s[6]).toMatchObject({ stepType: 'ET_NLT', reportText: 'measured on pin 3' });
  });

  it('marks the steps named in the critical failure stack as having caused the UUT failure', async () => {
    const steps = step({ id: 7, name: 'Bad', type: 'PassFailTest', outcome: 'Failed', caused: true });
    const extension = '<tr:Extension><ts:TSResultSetProperties><ts:NumOfResults value="1"/><ts:CriticalFailureStack><ts:CriticalFailureStackEntry resultID="7" stepName="Bad" sequenceName="MainSequence" sequenceFileName="Board.seq"/></ts:CriticalFailureStack></ts:TSResultSetProperties></tr:Extension>';
    const res = await run(doc([unit({ steps, extension, outcome: 'Failed' })]));
    expect(stepsOf(res.reports[0] as UutReport)[0]).toMatchObject({ causedUUTFailure: true, causedSeqFailure: true });
  });

  it('UUT additional data in the TestStand extension becomes misc infos', async () => {
    const uutExtension = `<c:Extension><ts:TSCollection>${item('AdditionalData', `<c:Collection>${item('Firmware', strDatum('2.14.0'))}${item('Board', `<c:Collection>${item('Rev', strDatum('C'))}</c:Collection>`)}</c:Collection>`)}</ts:TSCollection></c:Extension>`;
    const res = await run(doc([unit({ uutExtension })]));
    expect(res.reports[0]!.miscInfos).toEqual([{ description: 'Firmware', text: '2.14.0' }, { description: 'Board.Rev', text: 'C' }]);
  });

  it('shortens an over-long step name with a warning instead of failing', async () => {
    const res = await run(doc([unit({ steps: step({ name: 'N'.repeat(150) }) })]));
    expect(stepsOf(res.reports[0] as UutReport)[0]!.name).toBe('N'.repeat(100));
    expect(res.warnings[0]!.message).toMatch(/step name is 150 characters, shortened to the WSJF maximum of 100/);
  });
});

describe('atml: outcomes and qualifiers → step statuses', () => {
  it.each([
    ['Passed', undefined, 'P'],
    ['Failed', undefined, 'F'],
    ['Done', undefined, 'D'],
    ['Error', undefined, 'E'],
    ['Terminated', undefined, 'T'],
    ['Skipped', undefined, 'S'],
    ['NotStarted', undefined, 'S'],
    ['Aborted', undefined, 'T'],
    ['Aborted', 'Skipped', 'S'],
    ['UserDefined', 'Skipped', 'S'],
    ['UserDefined', 'Error', 'E'],
    ['UserDefined', 'Terminated', 'T'],
    ['Aborted', 'Error', 'E'],
  ])('%s (qualifier %s) → %s', async (value, qualifier, status) => {
    const res = await run(doc([unit({ outcome: 'Passed', steps: step({ type: 'Action', element: 'SessionAction', outcome: value, qualifier }) })]));
    expect(stepsOf(res.reports[0] as UutReport)[0]!.status).toBe(status);
    expect(res.warnings).toEqual([]);
  });

  it.each([
    ['Running', undefined, 'T', /still running/],
    ['UserDefined', 'Whatever', 'D', /no WATS equivalent: recorded as Done/],
    ['Unknown', undefined, 'D', /no WATS equivalent/],
  ])('%s (qualifier %s) → %s with a warning', async (value, qualifier, status, warning) => {
    const res = await run(doc([unit({ steps: step({ type: 'Action', element: 'SessionAction', outcome: value, qualifier }) })]));
    expect(stepsOf(res.reports[0] as UutReport)[0]!.status).toBe(status);
    expect(res.warnings[0]!.message).toMatch(warning);
  });

  it('the report result comes from the ResultSet outcome; a skipped pass/fail test has no measurement', async () => {
    const steps = step({ name: 'PF', type: 'PassFailTest', outcome: 'UserDefined', qualifier: 'Skipped' }) + step({ name: 'NL', type: 'NumericLimitTest', outcome: 'NotStarted' });
    const res = await run(doc([unit({ outcome: 'Aborted', qualifier: 'Terminated', steps })]));
    const r = res.reports[0] as UutReport;
    expect(r.result).toBe('T');
    expect(r.root.status).toBe('T');
    expect(stepsOf(r)[0]).toEqual(expect.objectContaining({ stepType: 'ET_PFT', status: 'S' }));
    expect(stepsOf(r)[0]).not.toHaveProperty('booleanMeas');
    expect(stepsOf(r)[1]).toEqual(expect.objectContaining({ stepType: 'ET_NLT', status: 'S' }));
  });

  it('a pass/fail test\'s own boolean result is its measurement, not additional data', async () => {
    const pf = (v: string) => `<tr:TestResult ID="pf" name="PassFail"><tr:TestData>${datum(v, undefined, 'ts:TS_boolean')}</tr:TestData></tr:TestResult>`;
    const steps = step({ name: 'A', type: 'PassFailTest', outcome: null, body: pf('false') }) + step({ name: 'B', type: 'PassFailTest', outcome: 'Passed', body: pf('true') });
    const res = await run(doc([unit({ steps, outcome: 'Failed' })]));
    const s = stepsOf(res.reports[0] as UutReport);
    expect(s[0]).toEqual(expect.objectContaining({ stepType: 'ET_PFT', status: 'F', booleanMeas: [{ status: 'F' }] }));
    expect(s[1]).toEqual(expect.objectContaining({ stepType: 'ET_PFT', status: 'P', booleanMeas: [{ status: 'P' }] }));
    expect(s[1]).not.toHaveProperty('additionalResults');
  });

  it('without an outcome the status is computed from the contents', async () => {
    const res = await run(doc([unit({ outcome: null, steps: step({ type: 'NumericLimitTest', outcome: null, body: numResult(7, single('LE', 5)) }) })]));
    const r = res.reports[0] as UutReport;
    expect(num(stepsOf(r)[0])[0]!.status).toBe('F');
    expect(r.result).toBe('F');
  });
});

describe('atml: header fields and options', () => {
  it('reads local times in the option time zone with their real offset, and keeps an offset written in the file', async () => {
    const xml = doc([unit({ start: '2024-07-01T10:00:00.123', end: '2024-07-01T10:01:00.123' }), unit({ start: '2024-07-01T10:00:00-05:00', end: '2024-07-01T10:00:30-05:00' })]);
    const oslo = await run(xml, { timeZone: 'Europe/Oslo' });
    expect(oslo.reports.map((r) => r.start)).toEqual(['2024-07-01T10:00:00.123+02:00', '2024-07-01T10:00:00.000-05:00']);
    expect(oslo.reports.map((r) => (r as UutReport).uut?.execTime)).toEqual([60, 30]);
    const ny = await run(xml, { timeZone: 'America/New_York' });
    expect(ny.reports[0]!.start).toBe('2024-07-01T10:00:00.123-04:00');
    expect(ny.reports[1]!.start).toBe('2024-07-01T10:00:00.000-05:00');
  });

  it('process code defaults to 10; options set process code and revision; the file wins for station and operator', async () => {
    const xml = doc([unit()]);
    const d = await run(xml);
    expect(d.reports[0]).toMatchObject({ processCode: 10, rev: '1', machineName: 'FCT-01', location: 'Lab', purpose: 'Production', uut: { user: 'kari' } });
    const o = await run(xml, { processCode: 40, partRevision: 'C', operator: 'opt-op', partNumber: 'OTHER' });
    expect(o.reports[0]).toMatchObject({ processCode: 40, rev: 'C', pn: 'PCBA-100', uut: { user: 'kari' } });
  });

  it('fills station, operator and part number from the options when the file has none', async () => {
    const res = await run(doc([unit({ station: null, operator: null, pn: null })]), { operator: 'opt-op', partNumber: 'OPT-PN' });
    expect(res.reports[0]).toMatchObject({ machineName: 'OPT-STATION', pn: 'OPT-PN', uut: { user: 'opt-op' } });
    expect(res.warnings.map((w) => w.message)).toEqual(['no part number in the file: "OPT-PN" from the options; said once per file']);
  });

  it('reads a Latin-1 file (TestStand writes iso-8859-1) and a UTF-8 one', async () => {
    const name = 'Sätt nätspänning';
    const l1 = await run(latin1(doc([unit({ steps: step({ name }) })])));
    expect(stepsOf(l1.reports[0] as UutReport)[0]!.name).toBe(name);
    const utf = doc([unit({ steps: step({ name }) })]).replace('iso-8859-1', 'UTF-8');
    const u8 = await run(Buffer.from(utf, 'utf8'));
    expect(stepsOf(u8.reports[0] as UutReport)[0]!.name).toBe(name);
  });
});

describe('atml: malformed input gives typed errors naming the position', () => {
  const good = doc([unit({ steps: step({ name: 'A', type: 'NumericLimitTest', body: numResult(1, single('GE', 0)) }) }), unit({ sn: 'SN-2' })]);

  it('a file cut inside a unit is CONVERT_ERR_TRUNCATED naming the open element', async () => {
    const cut = good.slice(0, good.indexOf('<c:SingleLimit') + 5);
    const err = await fails(cut);
    expect(err.code).toBe('CONVERT_ERR_TRUNCATED');
    expect(err.position?.element).toBe('TestResultsCollection/TestResults/ResultSet/Test/TestResult/TestLimits/Limits');
    expect(err.position?.line).toBe(cut.split('\n').length);
    expect(err.message).toMatch(/^report\.xml \(line \d+, TestResultsCollection\/TestResults\/ResultSet\/Test\/TestResult\/TestLimits\/Limits\): the file ends inside <Limits>/);
  });

  it('a file cut after complete units but before the collection end tag converts, with a warning', async () => {
    const res = await run(doc([unit(), unit({ sn: 'SN-2' })], '6.01', { close: false }));
    expect(res.reports.map((r) => r.sn)).toEqual(['SN-0001', 'SN-2']);
    expect(res.warnings).toEqual([expect.objectContaining({ message: expect.stringMatching(/ends without <\/TestResultsCollection> after 2 complete TestResults/) })]);
  });

  it('mismatched tags are CONVERT_ERR_SYNTAX with line and element', async () => {
    const bad = good.replace('</tr:TestLimits>', '</tr:TestLimitz>');
    const err = await fails(bad);
    expect(err.code).toBe('CONVERT_ERR_SYNTAX');
    expect(err.position?.line).toBe(bad.slice(0, bad.indexOf('</tr:TestLimitz>')).split('\n').length);
    expect(err.position?.element).toMatch(/TestResults\/ResultSet\/Test\/TestResult\/TestLimits$/);
    expect(err.reason).toBe('not well-formed XML: unexpected close tag. (the open element is <TestLimits>)');
  });

  it('a measured value that is not a number is CONVERT_ERR_VALUE naming the Datum', async () => {
    const err = await fails(good.replace('<c:Datum value="1"', '<c:Datum value="1,5V"'));
    expect(err.code).toBe('CONVERT_ERR_VALUE');
    expect(err.position?.element).toBe('TestResultsCollection/TestResults/ResultSet/Test/TestResult/TestData/Datum');
    expect(err.reason).toBe('measured value "1,5V" is not a number');
  });

  it('a limit that is not a number is CONVERT_ERR_VALUE naming the limit datum', async () => {
    const err = await fails(good.replace('<c:Datum value="0"', '<c:Datum value="zero"'));
    expect(err.code).toBe('CONVERT_ERR_VALUE');
    expect(err.position?.element).toMatch(/TestLimits\/Limits\/SingleLimit\/Datum$/);
  });

  it.each([
    ['no serial number', unit({ sn: null }), 'CONVERT_ERR_MISSING_FIELD', /serial number/, 'TestResultsCollection/TestResults/UUT'],
    ['no start time', unit({ start: null }), 'CONVERT_ERR_MISSING_FIELD', /startDateTime/, 'TestResultsCollection/TestResults/ResultSet'],
    ['a start time that is not one', unit({ start: '2024-02-30T10:00:00' }), 'CONVERT_ERR_VALUE', /"2024-02-30T10:00:00" is not a date/, 'TestResultsCollection/TestResults/ResultSet'],
    ['a serial number WATS refuses', unit({ sn: 'A/1' }), 'CONVERT_ERR_VALUE', /"A\/1" contains "\/"/, 'TestResultsCollection/TestResults/UUT/SerialNumber'],
    ['no ResultSet', '<trc:TestResults uuid="x"><tr:UUT><c:SerialNumber>S</c:SerialNumber></tr:UUT></trc:TestResults>', 'CONVERT_ERR_MISSING_FIELD', /no ResultSet/, 'TestResultsCollection/TestResults'],
  ])('%s', async (_label, u, code, reason, element) => {
    const err = await fails(doc([u]));
    expect(err.code).toBe(code);
    expect(err.reason).toMatch(reason);
    expect(err.position?.element).toBe(element);
    expect(err.position?.line).toBeGreaterThan(1);
  });

  it('a wrong root element is CONVERT_ERR_FORMAT; an empty document is refused', async () => {
    expect((await fails('<?xml version="1.0"?><Other/>', { format: 'atml' })).code).toBe('CONVERT_ERR_FORMAT');
    expect((await fails('<?xml version="1.0"?>\n', { format: 'atml' })).code).toBe('CONVERT_ERR_FORMAT');
  });

  it('a DOCTYPE is refused before parsing (CONVERT_ERR_UNSAFE_XML)', async () => {
    const bomb = good.replace('<trc:TestResultsCollection', '<!DOCTYPE r [<!ENTITY a "aaaa">]>\n<trc:TestResultsCollection');
    expect((await fails(bomb)).code).toBe('CONVERT_ERR_UNSAFE_XML');
    const plain = good.replace('<trc:TestResultsCollection', '<!DOCTYPE trc:TestResultsCollection>\n<trc:TestResultsCollection');
    expect((await fails(plain, { format: 'atml' })).code).toBe('CONVERT_ERR_UNSAFE_XML');
  });

  it('undefined entities are syntax errors (no expansion)', async () => {
    const err = await fails(good.replace('>SN-2<', '>&xxe;<'));
    expect(err.code).toBe('CONVERT_ERR_SYNTAX');
    expect(err.reason).toMatch(/undefined entity/);
  });

  it('bytes that are not valid in the declared encoding are CONVERT_ERR_ENCODING; an unknown encoding is named', async () => {
    const utf = Buffer.concat([Buffer.from(good.replace('iso-8859-1', 'UTF-8').slice(0, 600), 'latin1'), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from(good.slice(600), 'latin1')]);
    expect((await fails(utf)).code).toBe('CONVERT_ERR_ENCODING');
    const err = await fails(good.replace('iso-8859-1', 'x-klingon'), { format: 'atml' });
    expect(err.code).toBe('CONVERT_ERR_ENCODING');
    expect(err.reason).toMatch(/x-klingon/);
  });

  it('a read failure in the middle of the stream is CONVERT_ERR_READ', async () => {
    const bytes = latin1(good);
    const file: InputFile = {
      name: 'broken.xml', path: undefined, extension: '.xml', size: bytes.length, head: bytes, folder: undefined,
      bytes: async () => bytes, text: async () => good, headText: () => good,
      stream: async function* () {
        yield bytes.subarray(0, 100);
        throw new Error('EIO: i/o error, read');
      },
    };
    const err = await convert(file, OPTS).then(() => undefined, (e: unknown) => e) as ConversionError;
    expect(err).toBeInstanceOf(ConversionError);
    expect(err.code).toBe('CONVERT_ERR_READ');
    expect(err.reason).toMatch(/EIO/);
  });

  it('a start time with an impossible offset is CONVERT_ERR_VALUE', async () => {
    const err = await fails(doc([unit({ start: '2024-03-01T10:00:00+99:00' })]));
    expect(err.code).toBe('CONVERT_ERR_VALUE');
    expect(err.reason).toMatch(/out of range/);
  });

  it('every prefix of a real file ends in a typed error or a conversion, never a hang', async () => {
    const bytes = readFileSync(fixture('ATML 2.02 [123456789][2 30 27 PM][5 15 2019].XML'));
    for (let cut = 0; cut < bytes.length; cut += 97) {
      const res = await convert({ bytes: bytes.subarray(0, cut), name: 'cut.xml' }, { ...OPTS, format: 'atml' }).then(() => 'ok', (e: unknown) => e);
      if (res !== 'ok') expect(res, `cut at ${cut}`).toBeInstanceOf(ConversionError);
    }
  });
});
