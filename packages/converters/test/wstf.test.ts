import { describe, expect, it } from 'vitest';
import { convert, ConversionError, detect, type ConvertCallOptions } from '@tswats/converters';
import type { WsjfReport } from '@tswats/sdk';
import { FIXTURE_OPTIONS } from './helpers.js';

type Json = Record<string, any>;

const TITLES = 'StepType\tStepName\tMeasureName\tValue\tLowLimit\tHighLimit\tCompOperator\tUnit\tStepStatus\tStepExecutionTime\tStepReportText\tStepErrorCode\tStepErrorMessage\tCausedSequenceFailure';

/** A row from cells (tabs between them, as many as given). */
const row = (...cells: string[]) => cells.join('\t');

function uut(header: string[], rows: string[], footer: string[] = []): string {
  return [
    '--Header-Start--',
    'SerialNumber\tSN1', 'PartNumber\tPN1', 'Revision\tA', 'OperationTypeCode\t20', 'StartDateTime\t2025-01-15T10:00:00', 'StationName\tST1',
    ...header,
    '--Step-Data-Start--', TITLES, ...rows, '--Step-Data-End--', ...footer, '--UUT-End--',
  ].join('\n');
}

async function run(text: string, options: ConvertCallOptions = {}) {
  return convert({ bytes: Buffer.from(text, 'utf8'), name: 'in.txt' }, { ...FIXTURE_OPTIONS, format: 'wstf', ...options });
}

async function failure(text: string, options: ConvertCallOptions = {}): Promise<ConversionError> {
  const err = await run(text, options).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConversionError);
  return err as ConversionError;
}

const steps = (r: WsjfReport): Json[] => (r as Json).root.steps;

describe('wstf detection', () => {
  it('claims files that start with --Header-Start-- (0.98 with step data in the head, 0.85 without)', async () => {
    const full = uut([], [row('ActionStep', 'a')]);
    expect(await detect({ bytes: Buffer.from(full), name: 'x.txt' })).toMatchObject({ format: 'wstf', confidence: 0.98, preview: { serialNumber: 'SN1', partNumber: 'PN1', units: 1 } });
    const headerOnly = `\n--Header-Start--\t\t\nSerialNumber\tSN1\n${'Key\tvalue\n'.repeat(5000)}`;
    expect(await detect({ bytes: Buffer.from(headerOnly), name: 'x.log' })).toMatchObject({ format: 'wstf', confidence: 0.85 });
  });

  it('gives 0 to text without the marker on its first line, whatever the extension', async () => {
    const d = await detect({ bytes: Buffer.from('Some log\n--Header-Start--\nSerialNumber\t1\n'), name: 'x.txt' });
    expect(d.candidates.map((c) => c.format)).not.toContain('wstf');
  });
});

describe('wstf: continuation rows are measurements of one multi step', () => {
  it('rows with an empty StepName, or the same StepName, add measurements; a new name starts a new step', async () => {
    const { reports } = await run(uut([], [
      row('NumericLimitTest', 'Rails', 'V3', '3.31', '3.2', '3.4', 'GELE', 'V', 'Passed', '0.2'),
      row('NumericLimitTest', '', 'V5', '5.02', '4.9', '5.1', 'GELE', 'V', '', '0.3'),
      row('NumericLimitTest', 'Rails', 'V12', '12.1', '11.5', '12.5', 'GELE', 'V', 'Passed', '0.5'),
      row('NumericLimitTest', 'VCC', '', '5.0', '4.9', '5.1', 'GELE', 'V'),
      row('PassFailTest', 'Self', 'RAM', 'TRUE'),
      row('PassFailTest', '', 'Flash', 'FALSE'),
      row('StringValueTest', 'FW', 'main', '2.1', '2.1', '', 'EQ'),
      row('StringValueTest', 'FW', 'boot', '1.0', '1.1', '', 'EQ'),
    ]));
    const [rails, vcc, self, fw] = steps(reports[0]!);
    expect(rails).toMatchObject({ stepType: 'ET_MNLT', name: 'Rails', status: 'P', totTime: 1 });
    expect(rails!.numericMeas.map((m: Json) => [m.name, m.value, m.status])).toEqual([['V3', 3.31, 'P'], ['V5', 5.02, 'P'], ['V12', 12.1, 'P']]);
    expect(vcc).toMatchObject({ stepType: 'ET_NLT', name: 'VCC', numericMeas: [{ value: 5, lowLimit: 4.9, highLimit: 5.1, compOp: 'GELE', status: 'P' }] });
    expect(self).toMatchObject({ stepType: 'ET_MPFT', status: 'F', booleanMeas: [{ name: 'RAM', status: 'P' }, { name: 'Flash', status: 'F' }] });
    expect(fw).toMatchObject({ stepType: 'ET_MSVT', status: 'F', stringMeas: [{ name: 'main', status: 'P' }, { name: 'boot', value: '1.0', limit: '1.1', status: 'F' }] });
  });

  it('numbers repeated measurement names and names unnamed continuation rows, with warnings', async () => {
    const { reports, warnings } = await run(uut([], [
      row('NumericLimitTest', 'U1', 'Pin', '1', '0', '2', 'GELE'),
      row('NumericLimitTest', 'U1', 'Pin', '1.5', '0', '2', 'GELE'),
      row('NumericLimitTest', 'U1', '', '1.7', '0', '2', 'GELE'),
    ]));
    expect(steps(reports[0]!)[0]!.numericMeas.map((m: Json) => m.name)).toEqual(['Pin', 'Pin #2', 'U1']);
    expect(warnings.map((w) => [w.line, w.message])).toEqual([
      [12, expect.stringMatching(/without a MeasureName: the measurement is named after the step/)],
      [11, 'measurement name "Pin" repeats in step "U1": renamed "Pin #2"'],
    ]);
  });

  it('nests SequenceCall/EndSequenceCall; EndSequenceCall overrides status, time and text', async () => {
    const { reports } = await run(uut([], [
      row('SequenceCall', 'Outer', '', '', '', '', '', '', 'Passed', '9'),
      row('SequenceCall', 'Inner'),
      row('ActionStep', 'a', '', '', '', '', '', '', 'Done', '1'),
      row('EndSequenceCall', 'Inner', '', '', '', '', '', '', 'Error', '2', 'inner ended'),
      row('EndSequenceCall'),
    ]));
    const outer = steps(reports[0]!)[0]!;
    expect(outer).toMatchObject({ name: 'Outer', stepType: 'SequenceCall', status: 'E', totTime: 9 });
    expect(outer.steps[0]).toMatchObject({ name: 'Inner', status: 'E', totTime: 2, reportText: 'inner ended', steps: [{ name: 'a', status: 'D' }] });
  });
});

describe('wstf: several UUTs in one file', () => {
  it('gives one report per UUT, in file order', async () => {
    const one = (sn: string, result: string) => uut([`UUTStatus\t${result}`], [row('ActionStep', 'a')]).replace('SN1', sn);
    const { reports } = await run([one('A-1', 'Passed'), '', one('A-2', 'Failed'), one('A-3', 'Passed').replace('--UUT-End--', '-- UUT-End--')].join('\n'));
    expect(reports.map((r) => [r.sn, r.result])).toEqual([['A-1', 'P'], ['A-2', 'F'], ['A-3', 'P']]);
    expect(new Set(reports.map((r) => r.id)).size).toBe(3);
  });

  it('converts the last UUT when only --UUT-End-- is missing, with a warning', async () => {
    const text = uut([], [row('ActionStep', 'a')]).replace('--UUT-End--', '');
    const { reports, warnings } = await run(text);
    expect(reports).toHaveLength(1);
    expect(warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/ends without --UUT-End--/));
  });
});

describe('wstf ConverterMode', () => {
  const rows = [
    row('SequenceCall', 'Power', '', '', '', '', '', '', 'Passed'),
    row('NumericLimitTest', 'V', '', '6', '4', '5', 'GELE', 'V'),
    row('EndSequenceCall'),
  ];

  it('Active (default): a status missing from a row is computed from the limits, and raises its sequence and the result', async () => {
    const { reports, warnings } = await run(uut(['UUTStatus\tPassed'], rows));
    const power = steps(reports[0]!)[0]!;
    expect(power).toMatchObject({ status: 'F', steps: [{ status: 'F', numericMeas: [{ status: 'F' }] }] });
    expect(reports[0]!.result).toBe('F');
    expect(warnings.map((w) => w.message)).toEqual([
      'SequenceCall "Power" is Passed in the file but a step in it is Failed: Failed (ConverterMode Active)',
      'UUTStatus is Passed in the file but a step in it is Failed: Failed (ConverterMode Active)',
    ]);
  });

  it('Import: sequence and report statuses stay as written; missing ones are still computed', async () => {
    const { reports, warnings } = await run(uut(['ConverterMode\tImport', 'UUTStatus\tPassed'], rows));
    expect(steps(reports[0]!)[0]).toMatchObject({ status: 'P', steps: [{ status: 'F' }] });
    expect(reports[0]!.result).toBe('P');
    expect(warnings).toEqual([]);
    // The format setting gives the mode when the file has none.
    const viaOption = await run(uut(['UUTStatus\tPassed'], rows), { formats: { wstf: { converterMode: 'Import' } } });
    expect(viaOption.reports[0]!.result).toBe('P');
  });

  it('a status given in a row is used in both modes, even where the limits disagree', async () => {
    for (const mode of ['Active', 'Import']) {
      const { reports } = await run(uut([`ConverterMode\t${mode}`], [row('NumericLimitTest', 'V', '', '6', '4', '5', 'GELE', 'V', 'Passed')]));
      expect(steps(reports[0]!)[0]).toMatchObject({ status: 'P', numericMeas: [{ status: 'P' }] });
    }
  });
});

describe('wstf limits, charts and header', () => {
  it('single-limit operators use the LowLimit column; a limit only in HighLimit is used with a warning', async () => {
    const { reports, warnings } = await run(uut([], [
      row('NumericLimitTest', 'a', '', '0.5', '1', '1', 'LT', 'A'),
      row('NumericLimitTest', 'b', '', '0.5', '', '1', 'LE', 'A'),
      row('NumericLimitTest', 'c', '', '0.5', '0.1', '9', 'GT', 'A'),
    ]));
    expect(steps(reports[0]!).map((s) => s.numericMeas[0])).toEqual([
      { status: 'P', value: 0.5, unit: 'A', compOp: 'LT', lowLimit: 1 },
      { status: 'P', value: 0.5, unit: 'A', compOp: 'LE', lowLimit: 1 },
      { status: 'P', value: 0.5, unit: 'A', compOp: 'GT', lowLimit: 0.1 },
    ]);
    expect(warnings.map((w) => w.message)).toEqual(['LE has its limit only in HighLimit: used as the limit (lowLimit)', 'GT uses the LowLimit column only: HighLimit 9 dropped']);
  });

  it('a Chart row and its Series rows go to the step before them (numeric → WATS_XYGMNLT)', async () => {
    const { reports } = await run(uut([], [
      row('NumericLimitTest', 'Gain', '', '0.8', '0.5', '1', 'GELE', 'dB'),
      row('Chart', 'LineLogX', 'Gain curve', 'dB', 'Gain', 'Hz', 'Frequency'),
      row('Series', 'Gain', 'XYG', '0.5;0.8', '10;100'),
      row('PassFailTest', 'Eye', '', 'TRUE'),
      row('Chart', 'Line', 'Eye'),
      row('Series', 'Trace', 'XYG', '1;2;3'),
    ]));
    const [gain, eye] = steps(reports[0]!);
    expect(gain).toMatchObject({ stepType: 'WATS_XYGMNLT', chart: { chartType: 'LineLogX', label: 'Gain curve', yUnit: 'dB', yLabel: 'Gain', xUnit: 'Hz', xLabel: 'Frequency', series: [{ name: 'Gain', dataType: 'XYG', xdata: '10;100', ydata: '0.5;0.8' }] } });
    expect(eye).toMatchObject({ stepType: 'ET_PFT', chart: { chartType: 'Line', label: 'Eye', series: [{ name: 'Trace', ydata: '1;2;3' }] } });
  });

  it('maps the header: known keys, sub units, misc infos, software name/version on the root sequence', async () => {
    const { reports } = await run(uut([
      'OperatorName\tkari', 'SoftwareName\tmain.seq', 'SoftwareVersion\t2.0', 'BatchSerialNumber\tB1', 'FixtureId\tF1',
      'TestSocketIndex\t3', 'ExecutionTime\t12.5', 'Comment\thello', 'Subunit\tPCBA\tSUB-1\tS-9\tB', 'WorkOrder\tWO-7', 'OperationTypeName\tFCT',
    ], [row('ActionStep', 'a')], ['ErrorCode\t4', 'ErrorMessage\toops']));
    expect(reports[0]).toMatchObject({
      pn: 'PN1', sn: 'SN1', rev: 'A', processCode: 20, processName: 'FCT', machineName: 'ST1',
      uut: { user: 'kari', batchSN: 'B1', fixtureId: 'F1', testSocketIndex: 3, execTime: 12.5, comment: 'hello', errorCode: 4, errorMessage: 'oops' },
      subUnits: [{ partType: 'PCBA', pn: 'SUB-1', sn: 'S-9', rev: 'B' }],
      miscInfos: [{ description: 'WorkOrder', text: 'WO-7' }],
      root: { seqCall: { path: 'main.seq', version: '2.0' } },
    });
  });

  it('reads StartDateTime in the time zone; with UTCStartDateTime takes the real offset; UTC alone is shown in the zone', async () => {
    const at = async (header: string[], timeZone: string) => (await run(uut(header, [row('ActionStep', 'a')]).replace('StartDateTime\t2025-01-15T10:00:00\n', ''), { timeZone })).reports[0]!.start;
    expect(await at(['StartDateTime\t2025-01-15T10:00:00'], 'Europe/Oslo')).toBe('2025-01-15T10:00:00.000+01:00');
    expect(await at(['StartDateTime\t2025-01-15T10:00:00'], 'America/New_York')).toBe('2025-01-15T10:00:00.000-05:00');
    expect(await at(['StartDateTime\t2025-01-15T10:00:00', 'UTCStartDateTime\t2025-01-15T04:30:00'], 'Europe/Oslo')).toBe('2025-01-15T10:00:00.000+05:30');
    expect(await at(['UTCStartDateTime\t2025-07-15T08:00:00'], 'Europe/Oslo')).toBe('2025-07-15T10:00:00.000+02:00');
  });

  it('takes the process code from OperationTypeCode, else processCodes by name, else the option, else 10', async () => {
    const text = uut(['OperationTypeName\tICT'], [row('ActionStep', 'a')]).replace('OperationTypeCode\t20\n', '');
    expect((await run(text)).reports[0]).toMatchObject({ processCode: 10, processName: 'ICT' });
    expect((await run(text, { processCode: 30 })).reports[0]!.processCode).toBe(30);
    expect((await run(text, { formats: { wstf: { processCodes: { ict: 31 } } } })).reports[0]!.processCode).toBe(31);
  });

  it('removes control characters from cells with a warning naming the line', async () => {
    const { reports, warnings } = await run(uut([], [row('NumericLimitTest', 'U1', 'PD5\u0012-', '1', '0', '2', 'GELE')]));
    expect(steps(reports[0]!)[0]!.numericMeas[0].name).toBe('PD5-');
    expect(warnings).toContainEqual(expect.objectContaining({ line: 10, message: '1 control character removed (XML cannot carry them)' }));
  });
});

describe('wstf: malformed input is refused naming the line', () => {
  const cases: Array<[string, string, string, RegExp, number?, string?]> = [
    ['a value with a decimal comma', uut([], [row('NumericLimitTest', 'a', '', '1,5', '1', '2', 'GELE')]), 'CONVERT_ERR_VALUE', /Value '1,5' is not a number \(the decimal separator is '\.'\)/, 10, 'Value'],
    ['an unknown step type', uut([], [row('MeasureStuff', 'a')]), 'CONVERT_ERR_FORMAT', /'MeasureStuff' is not a WSTF step type/, 10],
    ['an unknown operator', uut([], [row('NumericLimitTest', 'a', '', '1', '1', '2', 'BETWEEN')]), 'CONVERT_ERR_VALUE', /CompOperator 'BETWEEN'/, 10, 'CompOperator'],
    ['a range without its high limit', uut([], [row('NumericLimitTest', 'a', '', '1', '1', '', 'GELE')]), 'CONVERT_ERR_MISSING_FIELD', /GELE needs LowLimit and HighLimit/, 10],
    ['an unknown status', uut([], [row('ActionStep', 'a', '', '', '', '', '', '', 'Fine')]), 'CONVERT_ERR_VALUE', /StepStatus 'Fine' is not one of/, 10],
    ['a pass/fail value that is no boolean', uut([], [row('PassFailTest', 'a', '', 'MAYBE')]), 'CONVERT_ERR_VALUE', /Value 'MAYBE' is not TRUE or FALSE/, 10],
    ['EndSequenceCall with nothing open', uut([], [row('EndSequenceCall')]), 'CONVERT_ERR_FORMAT', /EndSequenceCall without an open SequenceCall/, 10],
    ['EndSequenceCall closing another name', uut([], [row('SequenceCall', 'A'), row('EndSequenceCall', 'B')]), 'CONVERT_ERR_FORMAT', /"B" does not close the open SequenceCall "A"/, 11],
    ['a Series without a Chart', uut([], [row('ActionStep', 'a'), row('Series', 's', 'XYG', '1;2')]), 'CONVERT_ERR_FORMAT', /must follow a Chart row/, 11],
    ['a second chart on one step', uut([], [row('ActionStep', 'a'), row('Chart', 'Line'), row('Chart', 'Line')]), 'CONVERT_ERR_FORMAT', /already has a chart \(line 11\)/, 12],
    ['series of different lengths', uut([], [row('ActionStep', 'a'), row('Chart', 'Line'), row('Series', 's', 'XYG', '1;2', '1')]), 'CONVERT_ERR_VALUE', /2 Y values but 1 X values/, 12],
    ['a bad CausedSequenceFailure', uut([], [row('ActionStep', 'a', '', '', '', '', '', '', '', '', '', '', '', 'perhaps')]), 'CONVERT_ERR_VALUE', /CausedSequenceFailure 'perhaps'/, 10],
    ['a Subunit without serial number', uut(['Subunit\tPCBA\tP1'], []), 'CONVERT_ERR_MISSING_FIELD', /Subunit line needs/, 8],
    ['no SerialNumber', uut([], []).replace('SerialNumber\tSN1\n', ''), 'CONVERT_ERR_MISSING_FIELD', /no SerialNumber/, 1],
    ['no start time', uut([], []).replace('StartDateTime\t2025-01-15T10:00:00\n', ''), 'CONVERT_ERR_MISSING_FIELD', /no StartDateTime/, 1],
    ['a bad start time', uut([], []).replace('2025-01-15T10:00:00', '15.01.2025 10:00'), 'CONVERT_ERR_VALUE', /StartDateTime '15\.01\.2025 10:00' is not a date and time/, 6],
    ['a bad UUTStatus', uut(['UUTStatus\tGreat'], []), 'CONVERT_ERR_VALUE', /UUTStatus 'Great'/, 8],
    ['a bad OperationTypeCode', uut([], []).replace('OperationTypeCode\t20', 'OperationTypeCode\ttwenty'), 'CONVERT_ERR_VALUE', /OperationTypeCode 'twenty' is not a whole number/, 5],
    ['a file cut inside the step data', uut([], [row('ActionStep', 'a')]).split('--Step-Data-End--')[0]!, 'CONVERT_ERR_TRUNCATED', /ends inside the step data of the UUT that began on line 1/],
    ['a second header before --UUT-End--', `${uut([], []).replace('--UUT-End--', '')}\n--Header-Start--\n`, 'CONVERT_ERR_TRUNCATED', /before the UUT that began on line 1 ended/, 12],
    ['step data without a header', '--Step-Data-Start--\nActionStep\ta\n', 'CONVERT_ERR_FORMAT', /--Step-Data-Start-- without --Header-Start--/, 1],
  ];
  it.each(cases)('%s', async (_label, text, code, reason, line, element) => {
    const err = await failure(text);
    expect(err.code).toBe(code);
    expect(err.format).toBe('wstf');
    expect(err.reason).toMatch(reason);
    if (line !== undefined) expect(err.position?.line).toBe(line);
    if (element !== undefined) expect(err.position?.element).toBe(element);
  });

  it('a file with no UUT at all is empty', async () => {
    const err = await failure('\n\n');
    expect(err.code).toBe('CONVERT_ERR_EMPTY');
  });
});
