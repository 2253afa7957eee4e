import { describe, expect, it } from 'vitest';
import { convert, ConversionError, detect } from '@tswats/converters';
import type { UutReport } from '@tswats/sdk';
import { SpectrumTokenizer, type SNode } from '../src/teradyne-spectrum/tokenizer.js';
import { FIXTURE_OPTIONS } from './helpers.js';

type AnyStep = { name: string; stepType: string; status: string; reportText?: string; steps?: AnyStep[]; numericMeas?: Array<Record<string, unknown>> };
const uut = (r: unknown) => r as UutReport;
const top = (r: unknown) => (uut(r).root as unknown as AnyStep).steps!;
const leaves = (r: unknown): AnyStep[] => {
  const out: AnyStep[] = [];
  const walk = (s: AnyStep) => (s.steps ? s.steps.forEach(walk) : out.push(s));
  top(r).forEach(walk);
  return out;
};

/** A quantity `(KEY: (VAL: v) (SCALE: s) (UNIT: u))`. */
const q = (key: string, val: string, unit: string, scale?: string) => `(${key}: (VAL: ${val})${scale !== undefined ? ` (SCALE: ${scale})` : ''} (UNIT: ${unit}) )`;
/** One STEP with one PAGE holding an ANA test. */
const anaStep = (o: { sname?: string; page: string; stat?: string; time?: string; body: string }) => `
(STEP:
    (TYPE: RAW) (TIME: ${o.time ?? '03/01/2025 10:00:00'} )
     (SNAME: "${o.sname ?? `RES[${o.page}]`}")
    (DESC: "RESISTOR 10K TOP") (PAGE:
        (TYPE: RES) (PAGE_NAME: "${o.page}") (STAT: ${o.stat ?? 'PASS'})
        (ANA:
            (TYPE: RES) (STAT: ${o.stat ?? 'PASS'})
            ${o.body}
            (MEAS: (TPNUM: 35) (TPNAME: N_A) )
            (STIM: (TPNUM: 36) (TPNAME: N_B) ) )
        ) (STAT: ${o.stat ?? 'PASS'}))
`;
const res = (page: string, val: string, stat = 'PASS', extra = '') =>
  anaStep({ page, stat, body: `${q('LOLIM', '9', 'O', 'K')} ${q('NOMVAL', '10', 'O', 'K')} ${q('MEASVAL', val, 'O', 'K')} ${q('HILIM', '11', 'O', 'K')}${extra}` });
const board = (o: { program?: string; serial?: string; status?: string; steps?: string; user?: string } = {}) => `(PROGRAM_NAME: "${o.program ?? 'PB2941200'}")
(SECTION_NAME: "RESISTORS")
${o.steps ?? res('R1', '10.02')}
    (USER:  Serialnumber:${o.serial ?? 'SN0006'})
    (USER:  Operator:op1)
    (USER:  OrderNumber:WO-77)
${o.user ?? ''}
    (USER:  STATUS: ${o.status ?? 'BOARD PASSED'})
    (USER:  EndTime:10:00:05:250     )
`;
const run = (text: string, options = {}) =>
  convert({ bytes: Buffer.from(text.replace(/\n/g, '\r\n'), 'latin1'), name: 'PB2941200.txt' }, { ...FIXTURE_OPTIONS, format: 'teradyne-spectrum', ...options });
const failure = async (text: string, options = {}) => {
  const err = await run(text, options).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConversionError);
  return err as ConversionError;
};

describe('teradyne-spectrum: the tokenizer', () => {
  const tokens = (lines: string[]): SNode[] => {
    const t = new SpectrumTokenizer('t.txt', 'teradyne-spectrum');
    const out = lines.flatMap((l, i) => t.feed(l, i + 1));
    t.end(lines.length);
    return out;
  };

  it('reads nested records, quoted strings and plain text (with its own parentheses)', () => {
    const [a, b, c] = tokens(['(PROGRAM_NAME: "PB 1 (rev 2)")', '(EXTPROG: (PROG_NAME: C:\\Program Files (x86)\\x.exe) )', '(USER:  Serialnumber:1111)']);
    expect(a).toMatchObject({ key: 'PROGRAM_NAME', quoted: 'PB 1 (rev 2)', line: 1 });
    expect(b!.children[0]).toMatchObject({ key: 'PROG_NAME', text: 'C:\\Program Files (x86)\\x.exe' });
    expect(c).toMatchObject({ key: 'USER', text: 'Serialnumber:1111' });
  });

  it('keeps quotes inside quoted text and joins records spread over lines', () => {
    const [a] = tokens(['(PAGE: (DESC: "LCD 5" WIDE")', '   (STAT:', '  PASS))']);
    expect(a!.children.map((x) => [x.key, x.quoted ?? x.text])).toEqual([['DESC', 'LCD 5" WIDE'], ['STAT', 'PASS']]);
  });

  it.each([
    [['(STEP: (PAGE: (STAT: PASS)'], 'CONVERT_ERR_TRUNCATED', 1, /inside \(PAGE: started at line 1, within \(STEP: of line 1/],
    [['(STEP:', '  (PAGE_NAME: "R1'], 'CONVERT_ERR_TRUNCATED', 2, /quoted text started at line 2/],
    [['(STAT: PASS))'], 'CONVERT_ERR_SYNTAX', 1, /unbalanced "\)"/],
    [['(STAT: PASS)', 'garbage here'], 'CONVERT_ERR_SYNTAX', 2, /unexpected text "garbage here"/],
    [['(no key here)'], 'CONVERT_ERR_SYNTAX', 1, /does not start a \(KEY/],
    [[`${'(A: '.repeat(70)}x${')'.repeat(70)}`], 'CONVERT_ERR_SYNTAX', 1, /nested deeper than 64/],
  ])('%j → %s at line %s', (lines, code, line, reason) => {
    let err: unknown;
    try {
      tokens(lines);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConversionError);
    expect([(err as ConversionError).code, (err as ConversionError).position?.line]).toEqual([code, line]);
    expect((err as ConversionError).reason).toMatch(reason);
  });
});

describe('teradyne-spectrum: values, scales, units and limits', () => {
  it.each([
    ['4.7', 'n', 'F', 4.7e-9, 'F'],
    ['1.25', 'M', 'O', 1250000, 'Ohm'],
    ['193.4001', 'm', 'O', 0.1934001, 'Ohm'],
    ['2.2', 'K', 'O', 2200, 'Ohm'],
    ['2.2', 'k', 'O', 2200, 'Ohm'],
    ['100', 'p', 'F', 1e-10, 'F'],
    ['3.3', 'u', 'H', 3.3e-6, 'H'],
    ['38.324821', undefined, 'V', 38.324821, 'V'],
  ])('(VAL: %s) (SCALE: %s) (UNIT: %s) → %s %s', async (val, scale, unitText, value, unit) => {
    const steps = res('R1', '10').replace(q('MEASVAL', '10', 'O', 'K'), q('MEASVAL', val, unitText, scale)).replace(/\(LOLIM:.*?\) \) /, '').replace(/\(HILIM:.*?\) \)/, '');
    const { reports } = await run(board({ steps }));
    expect(leaves(reports[0])[0]!.numericMeas![0]).toMatchObject({ value, unit, compOp: 'LOG' });
  });

  it('both limits → GELE, low only → GE, high only → LE (in lowLimit); limits rescaled to base units', async () => {
    const steps = [
      res('R1', '10.02'),
      anaStep({ page: 'L3', body: `${q('HILIM', '5', 'O')} (INTC_RESULT: (STAT: PASS)${q('MEASVAL', '1.433', 'O')})` }),
      anaStep({ page: 'R9', body: `${q('LOLIM', '1', 'O', 'M')} ${q('MEASVAL', '3.6', 'O', 'M')}` }),
    ].join('');
    const { reports } = await run(board({ steps }));
    expect(leaves(reports[0]).map((s) => s.numericMeas![0])).toEqual([
      { status: 'P', value: 10020, unit: 'Ohm', compOp: 'GELE', lowLimit: 9000, highLimit: 11000 },
      { status: 'P', value: 1.433, unit: 'Ohm', compOp: 'LE', lowLimit: 5 },
      { status: 'P', value: 3600000, unit: 'Ohm', compOp: 'GE', lowLimit: 1000000 },
    ]);
  });

  it('keeps the nominal value, the description and the test nodes in the report text', async () => {
    const { reports } = await run(board());
    expect(leaves(reports[0])[0]!.reportText).toBe('step RES[R1]\nRESISTOR 10K TOP\nnominal 10 KOhm\nMEAS N_A (35)\nSTIM N_B (36)');
  });

  it('an unknown scale or a value that is not a number is a CONVERT_ERR_VALUE naming the line', async () => {
    const bad = await failure(board({ steps: anaStep({ page: 'R1', body: `${q('LOLIM', '9', 'O', 'Q')} ${q('MEASVAL', '10', 'O')}` }) }));
    expect(bad.code).toBe('CONVERT_ERR_VALUE');
    expect(bad.reason).toMatch(/unknown SCALE "Q"/);
    const nan = await failure(board({ steps: res('R1', 'ten') }));
    expect([nan.code, nan.position?.line]).toEqual(['CONVERT_ERR_VALUE', 11]); // the (MEASVAL: record
    expect(nan.reason).toMatch(/value "ten" is not a number/);
  });
});

describe('teradyne-spectrum: statuses, failing components and units', () => {
  it('a failing component: the page status from the file, the result from USER STATUS', async () => {
    const steps = res('R1', '10.02') + res('R2', '12.5', 'FAIL');
    const { reports } = await run(board({ steps, status: 'BOARD FAILED' }));
    const [r1, r2] = leaves(reports[0]);
    expect([r1!.status, r2!.status, r2!.numericMeas![0]!.status, r2!.numericMeas![0]!.value, reports[0]!.result]).toEqual(['P', 'F', 'F', 12500, 'F']);
  });

  it('a page without a measured value is a pass/fail step, limits and nodes in its text', async () => {
    const steps = anaStep({ page: 'C118_DSG', sname: 'DISCHARGE[C118]', body: q('HILIM', '30', 'V', 'm') });
    const { reports } = await run(board({ steps }));
    expect(leaves(reports[0])[0]).toMatchObject({ stepType: 'ET_PFT', name: 'C118_DSG', status: 'P', reportText: expect.stringContaining('RES PASS, high limit 30 mV') });
  });

  it('a STEP with several pages is a sequence call; a page with several tests a multiple numeric step', async () => {
    const page = (name: string, v: string) => `(PAGE: (PAGE_NAME: "${name}") (STAT: PASS) (ANA: (TYPE: REV_V) (STAT: PASS) ${q('LOLIM', '6.5', 'V')} ${q('MEASVAL', v, 'V')} ${q('HILIM', '8.5', 'V')} ) )`;
    const multi = `(PAGE: (PAGE_NAME: "U1") (STAT: PASS) (ANA: (TYPE: VOUT) (STAT: PASS) ${q('MEASVAL', '3.3', 'V')}) (ANA: (TYPE: VOUT) (STAT: PASS) ${q('MEASVAL', '3.31', 'V')}) )`;
    const steps = `(STEP: (TYPE: RAW) (TIME: 03/01/2025 10:00:00) (SNAME: "ARRAY[V100]") ${page('V100_1', '7.44')} ${page('V100_2', '7.45')} (STAT: PASS))\n(STEP: (TYPE: RAW) (TIME: 03/01/2025 10:00:01) (SNAME: "U1") ${multi} (STAT: PASS))`;
    const { reports, warnings } = await run(board({ steps }));
    const [seq, mnlt] = top(reports[0])[0]!.steps!;
    expect([seq!.stepType, seq!.name, seq!.steps!.map((s) => s.name)]).toEqual(['SequenceCall', 'ARRAY[V100]', ['V100_1', 'V100_2']]);
    expect([mnlt!.stepType, mnlt!.numericMeas!.map((m) => m.name)]).toEqual(['ET_MNLT', ['VOUT', 'VOUT #2']]);
    expect(warnings.some((w) => /repeats/.test(w.message))).toBe(true);
  });

  it('an unknown status word is a CONVERT_ERR_VALUE naming its line', async () => {
    const text = board({ steps: res('R1', '10', 'MAYBE') });
    const err = await failure(text);
    expect(err.code).toBe('CONVERT_ERR_VALUE');
    expect(text.split('\n')[err.position!.line! - 1]).toContain('(STAT: MAYBE)');
    expect(err.reason).toMatch(/unknown status "MAYBE"/);
  });

  it('without USER STATUS the result is computed from the steps, with a warning', async () => {
    const text = board({ steps: res('R1', '12.5', 'FAIL') }).replace(/.*STATUS:.*\n/, '');
    const { reports, warnings } = await run(text);
    expect(reports[0]!.result).toBe('F');
    expect(warnings.map((w) => w.message).join()).toMatch(/no \(USER: STATUS/);
  });
});

describe('teradyne-spectrum: boards, header fields and options', () => {
  it('every PROGRAM_NAME block is its own report, in file order', async () => {
    const text = board({ serial: 'SN-A' }) + board({ serial: 'SN-B', steps: res('R1', '12.5', 'FAIL'), status: 'BOARD FAILED' });
    const { reports } = await run(text);
    expect(reports.map((r) => [r.sn, r.result])).toEqual([['SN-A', 'P'], ['SN-B', 'F']]);
  });

  it('serial, operator, misc infos, start (first STEP TIME) and execution time (USER EndTime)', async () => {
    const r = uut((await run(board())).reports[0]);
    expect([r.pn, r.sn, r.uut?.user, r.start, r.uut?.execTime, r.root.name]).toEqual(['PB2941200', 'SN0006', 'op1', '2025-03-01T10:00:00.000+01:00', 5.25, 'PB2941200']);
    expect(r.miscInfos).toEqual([{ description: 'OrderNumber', text: 'WO-77' }, { description: 'STATUS', text: 'BOARD PASSED' }, { description: 'EndTime', text: '10:00:05:250' }]);
  });

  it('Machine and SequenceRev user fields set the station and the sequence version', async () => {
    const r = uut((await run(board({ user: '(USER: Machine: SPECTRUM-2)\n(USER: SequenceRev: 3.1)' }))).reports[0]);
    expect([r.machineName, r.root.seqCall?.version]).toEqual(['SPECTRUM-2', '3.1']);
  });

  it('dates are MM/dd/yyyy unless the dateOrder option says DMY; the time zone gives the offset', async () => {
    expect((await run(board())).reports[0]!.start).toBe('2025-03-01T10:00:00.000+01:00');
    const dmy = (await run(board(), { formats: { 'teradyne-spectrum': { dateOrder: 'DMY' } }, timeZone: 'UTC' })).reports[0]!;
    expect(dmy.start).toBe('2025-01-03T10:00:00.000+00:00');
    const bad = await failure(board(), { formats: { 'teradyne-spectrum': { dateOrder: 'YMD' } } });
    expect([bad.code, bad.reason]).toEqual(['CONVERT_ERR_VALUE', expect.stringMatching(/dateOrder/)]);
  });

  it('the partNumber and processCode options', async () => {
    const r = (await run(board(), { partNumber: 'PCBA-7', processCode: 30 })).reports[0]!;
    expect([r.pn, r.processCode, r.rev]).toEqual(['PCBA-7', 30, '1']);
  });

  it('no serial number is a CONVERT_ERR_MISSING_FIELD naming the board', async () => {
    const err = await failure(board().replace(/.*Serialnumber.*\n/, ''));
    expect([err.code, err.position?.line]).toEqual(['CONVERT_ERR_MISSING_FIELD', 1]);
  });

  it('a truncated export names the line of the open record', async () => {
    const text = board();
    const cut = text.slice(0, text.indexOf('(STIM:'));
    const err = await failure(cut);
    expect(err.code).toBe('CONVERT_ERR_TRUNCATED');
    expect(err.position?.line).toBe(9); // the innermost open record, (ANA:
    expect(err.reason).toMatch(/inside \(ANA: started at line 9, within \(STEP: of line 4/);
  });
});

describe('teradyne-spectrum: detection', () => {
  it('claims a CTRD export by its records; 0 for other parenthesised text', async () => {
    const d = await detect({ bytes: Buffer.from(board()), name: 'x.txt' });
    expect([d.format, d.confidence >= 0.9, d.preview?.serialNumber]).toEqual(['teradyne-spectrum', true, 'SN0006']);
    const other = await detect({ bytes: Buffer.from('(defun f (x) (* x 2))\n(PAGE 1)\n'), name: 'x.txt' });
    expect(other.candidates.map((c) => c.format)).not.toContain('teradyne-spectrum');
  });
});
