import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convert, ConversionError, detect } from '@tswats/converters';
import type { UutReport } from '@tswats/sdk';
import { I3070Reader } from '../src/keysight-i3070/records.js';
import { FIXTURE_OPTIONS, FIXTURES } from './helpers.js';

type AnyStep = { name: string; stepType: string; status: string; reportText?: string; steps?: AnyStep[]; numericMeas?: Array<Record<string, unknown>>; booleanMeas?: Array<Record<string, unknown>> };
const uut = (r: unknown) => r as UutReport;
const top = (r: unknown) => (uut(r).root as unknown as AnyStep).steps!;
const find = (r: unknown, name: string): AnyStep | undefined => {
  let hit: AnyStep | undefined;
  const walk = (s: AnyStep) => {
    if (!hit && s.name === name) hit = s;
    s.steps?.forEach(walk);
  };
  top(r).forEach(walk);
  return hit;
};
const DIR = join(FIXTURES, 'keysight-i3070');
const BATCH = '{@BATCH|BRD-1|A|100|1||btest|250301100000|op|i3070-X|brd_1|1.0|||';
const btest = (o: { sn?: string; status?: string; start?: string; board?: string } = {}) =>
  `{@BTEST|${o.sn ?? 'SN1'}|${o.status ?? '00'}|${o.start ?? '250301100510'}|000012|0|all||n|n|250301100522||${o.board ?? '1'}|`;
const block = (d: string, rec: string, status = '00') => `{@BLOCK|${d}|${status}\n${rec}\n}`;
const res = (status = '0', value = '+1.003400E+04', lim = '{@LIM3|+1.000000E+04|+1.050000E+04|+9.500000E+03}') => `{@A-RES|${status}|${value}${lim}}`;
const log = (...inner: string[]) => [BATCH, btest(), ...inner, '}}'].join('\n') + '\n';
const run = (text: string, options = {}) => convert({ bytes: Buffer.from(text, 'latin1'), name: 'board.ict' }, { ...FIXTURE_OPTIONS, format: 'keysight-i3070', ...options });
const failure = async (text: string, options = {}) => {
  const err = await run(text, options).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConversionError);
  return err as ConversionError;
};

describe('keysight-i3070: the record reader', () => {
  const read = (lines: string[]) => {
    const r = new I3070Reader('t.ict', 'keysight-i3070');
    const closed = lines.flatMap((l, i) => r.feed(l, i + 1));
    r.end(lines.length);
    return closed;
  };

  it('reads nested records, heads spread over lines and records that follow on the same line', () => {
    const closed = read(['{@BATCH|A|B', '{@BTEST|SN1|00', '{@BLOCK|1%r1|00', '{@A-RES|0|+1.0E+03{@LIM2|+1.1E+03|+9.0E+02}}', '}', '}}{@BATCH|A|B', '{@BTEST|SN2|00', '}}']);
    expect(closed.map((c) => c.rec.name)).toEqual(['LIM2', 'A-RES', 'BLOCK', 'BTEST', 'BATCH', 'BTEST', 'BATCH']);
    expect(closed[1]!.rec.fields).toEqual(['0', '+1.0E+03']);
    expect(closed[3]!.ancestors.map((a) => a.fields[0])).toEqual(['A']);
  });

  it('keeps report messages whole (bars and backslashes included)', () => {
    const [c] = read(['{@RPT|C:\\logs\\a|b}']);
    expect(c!.rec.rest).toBe('C:\\logs\\a|b');
  });

  it.each([
    [['{@BATCH|A', '{@BTEST|SN1|00', '{@BLOCK|1%r1|00'], 'CONVERT_ERR_TRUNCATED', 3, /inside \{@BLOCK started at line 3 \(within \{@BATCH of line 1\)/],
    [['{@RPT|x}}'], 'CONVERT_ERR_SYNTAX', 1, /unbalanced "}"/],
    [['{@RPT|x}', 'junk'], 'CONVERT_ERR_SYNTAX', 2, /unexpected text "junk"/],
    [['{BATCH|A}'], 'CONVERT_ERR_SYNTAX', 1, /must start with "\{@NAME"/],
    [['{@A'.repeat(70) + '}'.repeat(70)], 'CONVERT_ERR_SYNTAX', 1, /nested deeper than 64/],
  ])('%j → %s at line %s', (lines, code, line, reason) => {
    let err: unknown;
    try {
      read(lines);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConversionError);
    expect([(err as ConversionError).code, (err as ConversionError).position?.line]).toEqual([code, line]);
    expect((err as ConversionError).reason).toMatch(reason);
  });
});

describe('keysight-i3070: one report per board', () => {
  it('a panel log: every BTEST is its own report, board number → test socket index', async () => {
    const { reports } = await run((await import('node:fs')).readFileSync(join(DIR, 'panel_two_boards.ict'), 'latin1'));
    expect(reports.map((r) => [r.sn, r.result, uut(r).uut?.testSocketIndex, r.start])).toEqual([
      ['MD7-2510-0041', 'F', 1, '2025-10-30T14:18:02.000+01:00'],
      ['MD7-2510-0042', 'P', 2, '2025-10-30T14:18:02.000+01:00'],
    ]);
  });

  it('one BATCH holding two BTESTs gives two reports, both with the batch fields', async () => {
    const text = [BATCH, btest({ sn: 'P1-B1', board: '1' }), block('1%r1', res()), '}', btest({ sn: 'P1-B2', board: '2', status: '06' }), block('2%r1', res('1', '+2.0E+04'), '01'), '}', '}'].join('\n');
    const { reports } = await run(text);
    expect(reports.map((r) => [r.sn, r.pn, r.rev, r.machineName, r.result, uut(r).uut?.fixtureId, uut(r).uut?.batchSN])).toEqual([
      ['P1-B1', 'BRD-1', 'A', 'i3070-X', 'P', '100', '250301100000'],
      ['P1-B2', 'BRD-1', 'A', 'i3070-X', 'F', '100', '250301100000'],
    ]);
    expect(top(reports[1])[0]!.steps![0]!.name).toBe('r1'); // the "2%" board prefix is dropped
  });

  it.each([
    ['00', 'P'], ['04', 'F'], ['06', 'F'], ['80', 'E'], ['81', 'T'], ['82', 'T'], ['13', 'T'], ['95', 'F'],
  ])('board status %s → result %s', async (status, result) => {
    const { reports } = await run([BATCH, btest({ status }), '}}'].join('\n'));
    expect(reports[0]!.result).toBe(result);
  });

  it('a reserved board status is read as failed, with a warning', async () => {
    const { reports, warnings } = await run([BATCH, btest({ status: '50' }), '}}'].join('\n'));
    expect(reports[0]!.result).toBe('F');
    expect(warnings[0]!.message).toMatch(/reserved/);
  });
});

describe('keysight-i3070: analog tests, limits and units', () => {
  it.each([
    ['LIM3 nominal|high|low', '{@LIM3|+1.000000E+04|+1.050000E+04|+9.500000E+03}', { compOp: 'GELE', lowLimit: 9500, highLimit: 10500 }],
    ['LIM2 high|low', '{@LIM2|+1.100000E+04|+9.000000E+03}', { compOp: 'GELE', lowLimit: 9000, highLimit: 11000 }],
    ['no high limit (+9.999999E+99)', '{@LIM2|+9.999999E+99|+1.000000E+03}', { compOp: 'GE', lowLimit: 1000 }],
    ['no low limit (-9.999999E+99)', '{@LIM2|+5.000000E+04|-9.999999E+99}', { compOp: 'LE', lowLimit: 50000 }],
    ['no limits', '', { compOp: 'LOG' }],
  ])('%s', async (_label, lim, expected) => {
    const { reports } = await run(log(block('1%r12', res('0', '+1.003400E+04', lim))));
    expect(find(reports[0], 'r12')!.numericMeas![0]).toEqual({ status: 'P', value: 10034, unit: 'Ohm', ...expected });
  });

  it.each([
    ['A-CAP', 'F'], ['A-IND', 'H'], ['A-DIO', 'V'], ['A-ZEN', 'V'], ['A-JUM', 'Ohm'], ['A-FUS', 'Ohm'], ['A-MEA', undefined], ['A-NPN', undefined],
  ])('%s values are in %s', async (type, unit) => {
    const { reports } = await run(log(block('1%x1', `{@${type}|0|+1.500000E-01{@LIM2|+2.000000E-01|+1.000000E-01}}`)));
    expect(find(reports[0], 'x1')!.numericMeas![0]!.unit).toBe(unit);
  });

  it('a failing analog test keeps value, limits and its report lines (printed before the block)', async () => {
    const { reports } = await run((await import('node:fs')).readFileSync(join(DIR, 'analog_fail.ict'), 'latin1'));
    const r27 = find(reports[0], 'r27')!;
    expect([r27.status, r27.numericMeas![0]]).toEqual(['F', { status: 'F', value: 5102.2, unit: 'Ohm', compOp: 'GELE', lowLimit: 4653, highLimit: 4747 }]);
    expect(r27.reportText).toContain('1%r27 HAS FAILED\n4.7K 1%\nMeasured:   5.1022k');
    expect(find(reports[0], 'r26')!.reportText).toBe('nominal 2200 Ohm');
    expect(find(reports[0], 'd9')!.reportText).toContain('1%d9 HAS FAILED');
    expect([reports[0]!.result, uut(reports[0]).miscInfos?.[0]]).toEqual(['F', { description: 'Board status', text: '6 failed analog test' }]);
  });

  it('a block of several measurements is a multiple numeric step; repeated names get #2 (with a warning)', async () => {
    const mea = (n: string, v: string) => `{@A-MEA|0|${v}|${n}{@LIM2|+3.465000E+00|+3.135000E+00}}`;
    const { reports, warnings } = await run(log(`{@BLOCK|1%u1%supply|00\n${mea('VDD', '+3.3E+00')}\n${mea('VDD', '+3.29E+00')}\n}`));
    const s = find(reports[0], 'u1%supply')!;
    expect([s.stepType, s.numericMeas!.map((m) => m.name)]).toEqual(['ET_MNLT', ['VDD', 'VDD #2']]);
    expect(warnings.some((w) => /repeats/.test(w.message))).toBe(true);
  });

  it('groups steps by test phase, a new sequence each time the phase changes', async () => {
    const { reports } = await run((await import('node:fs')).readFileSync(join(DIR, 'panel_two_boards.ict'), 'latin1'));
    expect(top(reports[1]).map((s) => s.name)).toEqual(['Pins', 'Analog', 'Shorts', 'Analog', 'TestJet', 'Measurements', 'Digital']);
  });
});

describe('keysight-i3070: shorts, pins, digital', () => {
  it('a failed shorts test is a failed pass/fail step with the shorted and open nodes in its text', async () => {
    const { reports } = await run((await import('node:fs')).readFileSync(join(DIR, 'panel_two_boards.ict'), 'latin1'));
    const shorts = find(reports[0], 'shorts')!;
    expect([shorts.stepType, shorts.status]).toEqual(['ET_PFT', 'F']);
    expect(shorts.reportText).toMatch(/^shorts 1, opens 1, phantoms 0\ntest status 1\n/);
    expect(shorts.reportText).toContain('short: source 1%VCC_5V (1 shorts, 0 phantoms)\nshort to: 1%GND (2)');
    expect(shorts.reportText).toContain('open: 1%N_MOT_A to 1%N_MOT_A_SNS (deviation 9)');
  });

  it('a block mixing digital tests and measurements is a sequence of its tests', async () => {
    const { reports } = await run((await import('node:fs')).readFileSync(join(DIR, 'panel_two_boards.ict'), 'latin1'));
    const s = find(reports[1], 'u4_enable')!;
    expect([s.stepType, s.steps!.map((x) => [x.stepType, x.name])]).toEqual(['SequenceCall', [['ET_PFT', 'u4_enable'], ['ET_NLT', 'EN_HI'], ['ET_PFT', 'u4_enable'], ['ET_NLT', 'EN_LO']]]);
  });
});

describe('keysight-i3070: header fields and options', () => {
  it('BATCH and BTEST fields go to the header and misc infos; user-defined records are misc infos', async () => {
    const r = uut((await run((await import('node:fs')).readFileSync(join(DIR, 'analog_fail.ict'), 'latin1'))).reports[0]);
    expect([r.pn, r.rev, r.sn, r.machineName, r.uut?.user, r.uut?.fixtureId, r.uut?.batchSN, r.uut?.execTime, r.root.name, r.root.seqCall?.version]).toEqual([
      'PSU-2200', 'C', 'PSU2200-00871', 'i3070-LINE3', 'op17', '1730', '250617101500', 37, 'psu_2200_ict', '4.0',
    ]);
    expect(r.start).toBe('2025-06-17T10:22:31.000+02:00');
    expect(r.miscInfos).toContainEqual({ description: 'End', text: '2025-06-17T10:23:08+02:00' });
    expect(r.miscInfos).toContainEqual({ description: 'FW_CHECK', text: '1.4.2|OK' });
  });

  it('the time zone, process code and (when the file has none) part number and station come from the options', async () => {
    const text = [btest(), '}'].join('\n');
    const r = (await run(text, { partNumber: 'PN-7', processCode: 25, timeZone: 'America/Chicago' })).reports[0]!;
    expect([r.pn, r.processCode, r.machineName, r.start]).toEqual(['PN-7', 25, 'TEST-STATION', '2025-03-01T10:05:10.000-06:00']);
    const err = await failure(text);
    expect([err.code, err.position?.line]).toEqual(['CONVERT_ERR_MISSING_FIELD', 1]);
  });
});

describe('keysight-i3070: malformed input gives typed errors naming the line', () => {
  it.each([
    ['a start time that is not yyMMddHHmmss', log().replace('250301100510', '2503011005'), 'CONVERT_ERR_VALUE', 2, /yyMMddHHmmss/],
    ['a board without a serial number', log().replace('{@BTEST|SN1|', '{@BTEST||'), 'CONVERT_ERR_MISSING_FIELD', 2, /board id/],
    ['a measured value that is not a number', log(block('1%r1', res('0', '+1.0O3E+04'))), 'CONVERT_ERR_VALUE', 4, /measured value "\+1\.0O3E\+04"/],
    ['a status that is not a number', log(block('1%r1', res('x'))), 'CONVERT_ERR_VALUE', 4, /status "x"/],
    ['a truncated log', log(block('1%r1', res())).replace(/}}\n$/, ''), 'CONVERT_ERR_TRUNCATED', 2, /inside \{@BTEST started at line 2/],
  ])('%s', async (_label, text, code, line, reason) => {
    const err = await failure(text);
    expect([err.code, err.position?.line]).toEqual([code, line]);
    expect(err.reason).toMatch(reason);
  });

  it('a file with a BATCH but no BTEST is empty', async () => {
    const err = await failure(`${BATCH}\n}\n`);
    expect(err.code).toBe('CONVERT_ERR_EMPTY');
  });
});

describe('keysight-i3070: detection', () => {
  it.each(['single_board_pass.ict', 'analog_fail.ict', 'panel_two_boards.ict'])('%s is claimed by keysight-i3070 only', async (name) => {
    const d = await detect(join(DIR, name));
    expect(d.candidates.map((c) => c.format)).toEqual(['keysight-i3070']);
    expect(d.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('gives 0 to text with braces that is not a log record file', async () => {
    const d = await detect({ bytes: Buffer.from('{"a": {"b": 1}}\n{@notes}\n'), name: 'x.ict' });
    expect(d.candidates.map((c) => c.format)).not.toContain('keysight-i3070');
  });

  // The real i3070 samples have no licence: they are read from the shared corpus when it is
  // there (never copied into the repository) and the test is skipped elsewhere.
  const SHARED = '/work/shared/samples/keysight_i3070';
  const real: Array<[string, number, string[]]> = [
    ['cmd_analog_nok.ict', 1, ['F']],
    ['panel_board_one_nok.ict', 2, ['F', 'P']],
  ];
  it.skipIf(!existsSync(SHARED)).each(real)('the real sample %s is detected and converted (%i boards)', async (name, boards, results) => {
    const path = join(SHARED, name);
    const d = await detect(path);
    expect(d.candidates.map((c) => c.format)).toEqual(['keysight-i3070']);
    const { reports } = await convert(path, FIXTURE_OPTIONS);
    expect(reports.map((r) => r.result)).toEqual(results);
    expect(reports).toHaveLength(boards);
    expect(reports.map((r) => uut(r).uut?.testSocketIndex)).toEqual(boards === 2 ? [1, 2] : [3]);
  });
});
