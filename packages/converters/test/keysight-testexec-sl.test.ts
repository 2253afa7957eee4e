import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convert, ConversionError, detect } from '@tswats/converters';
import { FIXTURES, FIXTURE_OPTIONS } from './helpers.js';

// No real TestExec SL sample exists: these tests pin the behaviour on the structure documented in
// docs/converters/keysight-testexec-sl.md (a guess), not on verified vendor output.
const DIR = join(FIXTURES, 'keysight-testexec-sl');
const unit = (serial: string, start = '2025-03-01T10:00:00', tests = '<Test name="T1" status="pass"><Value>1</Value></Test>') => `
  <TestResults>
    <Header><StartTime>${start}</StartTime></Header>
    <UUT><SerialNumber>${serial}</SerialNumber><PartNumber>PN-1</PartNumber></UUT>
    <TestSequence>${tests}</TestSequence>
  </TestResults>`;
const doc = (body: string) => `<?xml version="1.0"?>\n<TestExecResults>\n<Header><ProgramName>P</ProgramName><StationID>ST-1</StationID></Header>${body}\n</TestExecResults>\n`;
const run = (text: string, options = {}) => convert({ bytes: Buffer.from(text), name: 'tx.xml' }, { ...FIXTURE_OPTIONS, format: 'keysight-testexec-sl', ...options });
const failure = async (text: string, options = {}) => {
  const err = await run(text, options).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConversionError);
  expect((err as ConversionError).file).toBe('tx.xml');
  return err as ConversionError;
};
type Step = { name: string; status: string; steps?: Step[]; numericMeas?: Array<Record<string, unknown>> };
/** The top-level steps of a UUT report. */
const topSteps = (r: unknown) => (r as { root: Step }).root.steps!;

describe('keysight-testexec-sl: units and fields', () => {
  it('every unit block is its own report, in file order', async () => {
    const source = readFileSync(join(DIR, 'batch-two-units.xml'), 'utf8');
    const { reports } = await convert(join(DIR, 'batch-two-units.xml'), FIXTURE_OPTIONS);
    expect(source.match(/<UUT /g)).toHaveLength(2);
    expect(reports.map((r) => [r.sn, r.result, r.machineName])).toEqual([['PSU-0001', 'P', 'EOL-07'], ['PSU-0002', 'F', 'EOL-07']]);
    const three = await run(doc(unit('A') + unit('B') + unit('C')));
    expect(three.reports.map((r) => r.sn)).toEqual(['A', 'B', 'C']);
  });

  it('reads local times in the time zone option and keeps an explicit offset', async () => {
    const kolkata = await run(doc(unit('A')), { timeZone: 'Asia/Kolkata' });
    expect(kolkata.reports[0]!.start).toBe('2025-03-01T10:00:00.000+05:30');
    const explicit = await run(doc(unit('A', '2025-03-01T10:00:00-07:00')));
    expect(explicit.reports[0]!.start).toBe('2025-03-01T10:00:00.000-07:00');
    const compact = await run(doc(unit('A', '20250715081502')));
    expect(compact.reports[0]!.start).toBe('2025-07-15T08:15:02.000+02:00');
  });

  it('reads an ambiguous day/month date day-first with a warning, month-first when told', async () => {
    const dmy = await run(doc(unit('A', '03/04/2025 08:00:00')));
    expect(dmy.reports[0]!.start).toBe('2025-04-03T08:00:00.000+02:00');
    expect(dmy.warnings.some((w) => /could be day\/month or month\/day/.test(w.message))).toBe(true);
    const mdy = await run(doc(unit('A', '03/04/2025 08:00:00')), { formats: { 'keysight-testexec-sl': { dateOrder: 'MDY' } } });
    expect(mdy.reports[0]!.start).toBe('2025-03-04T08:00:00.000+01:00');
  });

  it('maps limits: both → GELE, low → GE, high → LE on lowLimit, an explicit operator kept', async () => {
    const tests = [
      '<Test name="both" status="pass"><Value>5</Value><LowLimit>4</LowLimit><HighLimit>6</HighLimit></Test>',
      '<Test name="low" status="pass"><Value>5</Value><LowLimit>4</LowLimit></Test>',
      '<Test name="high" status="pass"><Value>5</Value><HighLimit>6</HighLimit></Test>',
      '<Test name="op" status="pass"><Value>5</Value><LowLimit>4</LowLimit><HighLimit>6</HighLimit><CompOp>GTLT</CompOp></Test>',
      '<Test name="none" status="pass"><Value>5</Value></Test>',
    ].join('');
    const steps = topSteps((await run(doc(unit('A', undefined, tests)))).reports[0]);
    expect(steps.map((s) => s.numericMeas![0])).toEqual([
      { status: 'P', value: 5, compOp: 'GELE', lowLimit: 4, highLimit: 6 },
      { status: 'P', value: 5, compOp: 'GE', lowLimit: 4 },
      { status: 'P', value: 5, compOp: 'LE', lowLimit: 6 },
      { status: 'P', value: 5, compOp: 'GTLT', lowLimit: 4, highLimit: 6 },
      { status: 'P', value: 5, compOp: 'LOG' },
    ]);
  });

  it('the status in the file wins; without one it is computed; the summary counts give the result', async () => {
    const tests = '<Test name="a" status="fail"><Value>5</Value><LowLimit>4</LowLimit><HighLimit>6</HighLimit></Test><Test name="b"><Value>9</Value><HighLimit>6</HighLimit></Test>';
    const withCounts = doc(unit('A', undefined, tests).replace('</TestSequence>', '</TestSequence><Summary><FailedTests>2</FailedTests></Summary>'));
    const { reports } = await run(withCounts);
    expect(topSteps(reports[0]).map((s) => s.status)).toEqual(['F', 'F']);
    expect(reports[0]!.result).toBe('F');
  });

  it('a test without status or value is Done, with a warning', async () => {
    const { reports, warnings } = await run(doc(unit('A', undefined, '<Test name="x"/>')));
    expect(topSteps(reports[0])[0]!.status).toBe('D');
    expect(warnings.some((w) => /neither a status nor a value/.test(w.message))).toBe(true);
  });

  it('takes the process code from the options (default 10) and the station from the file', async () => {
    const { reports } = await run(doc(unit('A')), { processCode: 20 });
    expect(reports[0]).toMatchObject({ processCode: 20, machineName: 'ST-1', pn: 'PN-1' });
  });
});

describe('keysight-testexec-sl: malformed input gives typed errors naming the place', () => {
  it('no unit block', async () => {
    const err = await failure('<TestExecSL><Header><StartTime>2025-01-01T00:00:00</StartTime></Header></TestExecSL>');
    expect(err).toMatchObject({ code: 'CONVERT_ERR_MISSING_FIELD', position: { element: 'TestExecSL', line: 1 } });
  });

  it('no serial number', async () => {
    const err = await failure(doc(unit('')));
    expect(err.code).toBe('CONVERT_ERR_MISSING_FIELD');
    expect(err.position?.element).toBe('TestExecResults/TestResults/UUT');
  });

  it('an unreadable start time', async () => {
    const err = await failure(doc(unit('A', 'tomorrow')));
    expect(err).toMatchObject({ code: 'CONVERT_ERR_VALUE', position: { element: 'TestExecResults/TestResults/Header/StartTime' } });
  });

  it('a cut-off file', async () => {
    const text = doc(unit('A'));
    expect((await failure(text.slice(0, text.length - 30))).code).toBe('CONVERT_ERR_TRUNCATED');
  });

  it('XML that is not well-formed', async () => {
    const err = await failure(doc(unit('A')).replace('</UUT>', '</Unit>'));
    expect(err.code).toBe('CONVERT_ERR_SYNTAX');
    expect(err.position?.line).toBe(6);
  });

  it('a root that is none of the TestExec roots', async () => {
    expect((await failure('<Reports/>')).code).toBe('CONVERT_ERR_FORMAT');
  });
});

describe('keysight-testexec-sl: strict detection', () => {
  it('claims its own roots', async () => {
    expect((await detect({ bytes: Buffer.from(doc(unit('A'))), name: 'a.xml' })).candidates).toEqual([{ format: 'keysight-testexec-sl', confidence: 0.9 }]);
    expect((await detect(join(DIR, 'fct-pcba100-fail.xml'))).candidates).toEqual([{ format: 'keysight-testexec-sl', confidence: 0.6 }]);
  });

  it('never claims ATML (namespaced TestResults) or a generic Results document', async () => {
    const atml = '<?xml version="1.0"?><tr:TestResults xmlns:tr="http://www.ieee.org/ATML/2007/TestResults"><Header><ProgramName>x</ProgramName></Header><UUT><SerialNumber>1</SerialNumber></UUT></tr:TestResults>';
    const unprefixed = atml.replace(/tr:TestResults/g, 'TestResults').replace('xmlns:tr=', 'xmlns=');
    const generic = '<Results><Row a="1"/></Results>';
    for (const text of [atml, unprefixed, generic]) {
      const d = await detect({ bytes: Buffer.from(text), name: 'x.xml' });
      expect(d.candidates.find((c) => c.format === 'keysight-testexec-sl'), text).toBeUndefined();
    }
  });
});
