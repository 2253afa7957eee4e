import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convert, ConversionError, convertStream, detect } from '@tswats/converters';
import type { UutReport } from '@tswats/sdk';
import { FIXTURE_OPTIONS, FIXTURES } from './helpers.js';

type AnyStep = { name: string; stepType: string; status: string; reportText?: string; steps?: AnyStep[]; numericMeas?: Array<Record<string, unknown>> };
const uut = (r: unknown) => r as UutReport;
const top = (r: unknown) => (uut(r).root as unknown as AnyStep).steps!;
const leaves = (r: unknown): AnyStep[] => {
  const out: AnyStep[] = [];
  const walk = (s: AnyStep) => (s.steps ? s.steps.forEach(walk) : out.push(s));
  top(r).forEach(walk);
  return out;
};

/** An ANL row: task, test no, description, result, measure, min, max, unit, nodes. */
const anl = (task: string, testNo: number, desc: string, result: string, meas: string, min: string, max: string, unit: string, nodes = '1 2 ') =>
  `ANL;1;${task};7;${testNo};${desc};;${result};${meas};${min};${max};${unit};${nodes};99`;
const runText = (o: { sn?: string; rows?: string[]; result?: string; start?: string; end?: string; format?: string; lot?: string } = {}) =>
  [
    `FORMAT;${o.format ?? 'mmdd'}`,
    `START;Programme;PCBA-100-TS;1.0.2;PCBA-100;op1;${o.start ?? '03/01/2025;10:00:00'}`,
    `LOT;${o.lot ?? ''}`,
    ...(o.rows ?? [anl('R100', 1, 'RESR100 1K 5%', 'PASS', '1.002000e+03', '9.500000e+02', '1.050000e+03', 'ohm')]),
    `SN;${o.sn ?? 'SN0007'}`,
    `BOARDRESULT;${o.result ?? 'PASS'}`,
    `END;${o.result ?? 'PASS'};${o.end ?? '03/01/2025;10:01:30'}`,
  ].join('\n') + '\n';
const run = (text: string | Buffer, options = {}) =>
  convert({ bytes: typeof text === 'string' ? Buffer.from(text, 'latin1') : text, name: 'spea.csv' }, { ...FIXTURE_OPTIONS, format: 'spea-ict3030', ...options });
const failure = async (text: string, options = {}) => {
  const err = await run(text, options).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConversionError);
  return err as ConversionError;
};

describe('spea-ict3030: every run is its own report', () => {
  it('the real log with ten runs gives ten reports, in file order (streamed)', async () => {
    const stream = convertStream(join(FIXTURES, 'spea-ict3030', 'testdata_SN9871234012.csv'), FIXTURE_OPTIONS);
    const seen: Array<[string, string, string]> = [];
    for await (const r of stream) seen.push([r.sn, r.result, r.start]);
    expect(seen).toHaveLength(10);
    expect(seen.map((x) => x[1]).join('')).toBe('FFFFFFFFFP');
    expect(seen[0]).toEqual(['SN9871234012', 'F', '2024-10-12T16:15:03.000+02:00']);
    expect(seen[9]![2]).toBe('2024-10-12T16:22:03.000+02:00');
  });

  it('runs of different boards keep their own serial numbers, results and times', async () => {
    const text = runText({ sn: 'A1' }) + runText({ sn: 'A2', result: 'FAIL', start: '03/01/2025;10:02:00', end: '03/01/2025;10:02:40', rows: [anl('C200', 1, 'CAPC200 100nF', 'FAIL(-)', '8.500000e-08', '9.000000e-08', '1.100000e-07', 'F')] });
    const { reports } = await run(text);
    expect(reports.map((r) => [r.sn, r.result, r.start, uut(r).uut?.execTime])).toEqual([
      ['A1', 'P', '2025-03-01T10:00:00.000+01:00', 90],
      ['A2', 'F', '2025-03-01T10:02:00.000+01:00', 40],
    ]);
  });
});

describe('spea-ict3030: tests, limits and units', () => {
  it.each([
    ['both limits', ['9.500000e+02', '1.050000e+03'], { compOp: 'GELE', lowLimit: 950, highLimit: 1050 }],
    ['no high limit (+1e10)', ['2.000000e+04', '1.000000e+10'], { compOp: 'GE', lowLimit: 20000 }],
    ['no low limit (-1e10)', ['-1.000000e+10', '5.000000e+00'], { compOp: 'LE', lowLimit: 5 }],
    ['min above a zero max (FUNC 1/1/0)', ['1.000000e+00', '0.000000e+00'], { compOp: 'GE', lowLimit: 1 }],
  ])('%s', async (_label, [min, max], expected) => {
    const { reports } = await run(runText({ rows: [anl('R1', 1, 'RESR1', 'PASS', '4.602250e+04', min!, max!, 'ohm')] }));
    expect(leaves(reports[0])[0]!.numericMeas![0]).toEqual({ status: 'P', value: 46022.5, unit: 'ohm', ...expected });
  });

  it('keeps units as written; Automatic and 0/0/0 rows without a unit are pass/fail tests', async () => {
    const rows = [
      anl('V31', 1, 'DIOV31 Vf', 'PASS', '4.290625e-01', '3.000000e-01', '5.600000e-01', 'V'),
      'ANL;1;SHO CHN DGND;226;1;SHO CHN DGND;;PASS;Automatic;;413;;;413',
      anl('ADA_POS_ICT', 1, 'ADA_POS_ICT', 'PASS', '0.000000e+00', '0.000000e+00', '0.000000e+00', '', ''),
    ];
    const { reports } = await run(runText({ rows }));
    expect(leaves(reports[0]).map((s) => [s.stepType, s.name, s.status, s.numericMeas?.[0]?.unit])).toEqual([
      ['ET_NLT', 'V31', 'P', 'V'], ['ET_PFT', 'SHO CHN DGND', 'P', undefined], ['ET_PFT', 'ADA_POS_ICT', 'P', undefined],
    ]);
  });

  it('a failing component keeps its value, limits, the failure direction and the test points; -NAN is NaN', async () => {
    const rows = [
      anl('C335', 1, 'CAPC335 1nF 10%', 'FAIL(+)', '1.153988e-09', '8.500000e-10', '1.150000e-09', 'F', '30 252 '),
      anl('C332', 1, 'CAPC332 1nF 10%', 'FAIL(+/-)', '-NAN', '8.500000e-10', '1.150000e-09', 'F', '30 250 '),
    ];
    const { reports } = await run(runText({ rows, result: 'FAIL' }));
    const [a, b] = leaves(reports[0]);
    expect(a).toMatchObject({ name: 'C335', status: 'F', reportText: 'CAPC335 1nF 10%\ntest points 30 252\nresult FAIL(+)' });
    expect(a!.numericMeas![0]).toEqual({ status: 'F', value: 1.153988e-9, unit: 'F', compOp: 'GELE', lowLimit: 8.5e-10, highLimit: 1.15e-9 });
    expect(b!.numericMeas![0]).toMatchObject({ status: 'F', value: 'NaN' });
    expect(reports[0]!.result).toBe('F');
  });

  it('groups tasks by the letters of their name; a task with several rows is a sequence of its rows', async () => {
    const rows = [
      anl('R1', 1, 'RESR1', 'PASS', '1.0e+03', '9.0e+02', '1.1e+03', 'ohm'),
      anl('R2', 1, 'RESR2', 'PASS', '1.0e+03', '9.0e+02', '1.1e+03', 'ohm'),
      'ANL;1;DSC-CP[C109];14;1;DSC-CP[C109] Connect Scanner;;PASS;0.000000e+00;0.000000e+00;0.000000e+00;;;1',
      'ANL;1;DSC-CP[C109];14;6;DSC-CP[C109] Verify capacitor discharge;;PASS;-9.062500e-04;-1.000000e-01;1.000000e-01;V;179 30 ;6',
      anl('5.3.1 12V_5V', 1, '12V rail', 'PASS', '1.2e+01', '1.1e+01', '1.3e+01', 'V'),
      anl('R3', 1, 'RESR3', 'PASS', '1.0e+03', '9.0e+02', '1.1e+03', 'ohm'),
    ];
    const { reports } = await run(runText({ rows }));
    expect(top(reports[0]).map((s) => [s.name, s.steps!.map((x) => x.name)])).toEqual([
      ['Resistors', ['R1', 'R2']],
      ['Discharge', ['DSC-CP[C109]', '5.3.1 12V_5V']],
      ['Resistors', ['R3']],
    ]);
    expect(top(reports[0])[1]!.steps![0]!.steps!.map((s) => s.name)).toEqual(['DSC-CP[C109] Connect Scanner', 'DSC-CP[C109] Verify capacitor discharge']);
  });
});

describe('spea-ict3030: header fields, encodings and options', () => {
  it('START, LOT, site and the board result go to the report header', async () => {
    const r = uut((await run(runText({ lot: 'B-12' }))).reports[0]);
    expect([r.pn, r.sn, r.uut?.user, r.uut?.batchSN, r.uut?.testSocketIndex, r.root.name, r.root.seqCall?.version, r.root.seqCall?.path]).toEqual([
      'PCBA-100', 'SN0007', 'op1', 'B-12', 1, 'PCBA-100-TS', '1.0.2', 'Programme',
    ]);
  });

  it('FORMAT;ddmm reads dates day first; the time zone gives the offset', async () => {
    const text = runText({ format: 'ddmm', start: '03/07/2025;10:00:00', end: '03/07/2025;10:00:10' });
    expect((await run(text)).reports[0]!.start).toBe('2025-07-03T10:00:00.000+02:00');
    expect((await run(text, { timeZone: 'Asia/Tokyo' })).reports[0]!.start).toBe('2025-07-03T10:00:00.000+09:00');
  });

  it('the partNumber option replaces the product (kept as misc info), processCode and partRevision apply', async () => {
    const r = uut((await run(runText(), { partNumber: 'PN-1', processCode: 31, partRevision: 'C' })).reports[0]);
    expect([r.pn, r.processCode, r.rev, r.miscInfos]).toEqual(['PN-1', 31, 'C', [{ description: 'Product', text: 'PCBA-100' }]]);
  });

  it('decodes a Latin-1 (ANSI) log and a UTF-8 log alike', async () => {
    const text = runText({ rows: [anl('R1', 1, 'Widerstand prüfen', 'PASS', '1.0e+03', '9.0e+02', '1.1e+03', 'ohm')] });
    for (const bytes of [Buffer.from(text, 'latin1'), Buffer.from(text, 'utf8')]) {
      const { reports } = await run(bytes);
      expect(leaves(reports[0])[0]!.reportText).toMatch(/^Widerstand prüfen/);
    }
  });

  it('BOARDRESULT wins over END when they disagree (with a warning)', async () => {
    const text = runText().replace('END;PASS', 'END;FAIL');
    const { reports, warnings } = await run(text);
    expect(reports[0]!.result).toBe('P');
    expect(warnings.map((w) => w.message).join()).toMatch(/disagree/);
  });
});

describe('spea-ict3030: malformed input gives typed errors naming the line', () => {
  it('a run without END at the end of the file is truncated (line of its START)', async () => {
    const text = runText() + 'FORMAT;mmdd\nSTART;Programme;PCBA-100-TS;1.0.2;PCBA-100;op1;03/01/2025;10:05:00\nLOT;\n' + anl('R1', 1, 'x', 'PASS', '1', '0', '2', 'V') + '\n';
    const err = await failure(text);
    expect([err.code, err.position?.line]).toEqual(['CONVERT_ERR_TRUNCATED', 9]);
  });

  it.each([
    ['a START before the END', (t: string) => t.replace('SN;SN0007', 'START;a;b;c;d;e;03/01/2025;10:00:00'), 'CONVERT_ERR_FORMAT', 5],
    ['a row with too few fields', (t: string) => t.replace(/^ANL.*$/m, 'ANL;1;R1;7;1;x;;PASS;1.0'), 'CONVERT_ERR_SYNTAX', 4],
    ['a measured value that is not a number', (t: string) => t.replace('1.002000e+03', '1.0O2e+03'), 'CONVERT_ERR_VALUE', 4],
    ['an unknown test result', (t: string) => t.replace(';PASS;1.002', ';MAYBE;1.002'), 'CONVERT_ERR_VALUE', 4],
    ['a bad start date', (t: string) => t.replace('03/01/2025;10:00:00', '13/45/2025;10:00:00'), 'CONVERT_ERR_VALUE', 2],
    ['no serial number', (t: string) => t.replace('SN;SN0007\n', ''), 'CONVERT_ERR_MISSING_FIELD', 6],
    ['a row before any START', (t: string) => `${anl('R1', 1, 'x', 'PASS', '1', '0', '2', 'V')}\n${t}`, 'CONVERT_ERR_FORMAT', 1],
    ['a garbled line', (t: string) => t.replace('LOT;', '\u0001#?!;'), 'CONVERT_ERR_SYNTAX', 3],
  ])('%s', async (_label, edit, code, line) => {
    const err = await failure(edit(runText()));
    expect([err.code, err.position?.line]).toEqual([code, line]);
    expect(err.message).toMatch(new RegExp(`^spea\\.csv \\(line ${line}\\)`));
  });

  it('an unknown record type is skipped with one warning', async () => {
    const { reports, warnings } = await run(runText().replace('LOT;', 'LOT;\nDIAG;1;x\nDIAG;2;y'));
    expect(reports).toHaveLength(1);
    expect(warnings.filter((w) => /DIAG/.test(w.message))).toHaveLength(1);
  });
});

describe('spea-ict3030: detection', () => {
  it('claims a SPEA log by its records; 0 for another semicolon file', async () => {
    const d = await detect({ bytes: Buffer.from(runText()), name: 'x.csv' });
    expect([d.format, d.confidence >= 0.9, d.preview]).toEqual(['spea-ict3030', true, { serialNumber: 'SN0007', partNumber: 'PCBA-100', start: '03/01/2025 10:00:00', units: 1 }]);
    const other = await detect({ bytes: Buffer.from('name;value;unit\nSTART;1;2\nR1;100;ohm\n'), name: 'x.csv' });
    expect(other.candidates.map((c) => c.format)).not.toContain('spea-ict3030');
  });
});
