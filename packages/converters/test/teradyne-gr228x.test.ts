import { describe, expect, it } from 'vitest';
import { convert, ConversionError, detect } from '@tswats/converters';
import type { UutReport } from '@tswats/sdk';
import { parseGr228xNumber } from '../src/teradyne-gr228x/index.js';
import { FIXTURE_OPTIONS } from './helpers.js';

const HEADER = 'F:\\BOARDS\\PCBA100_PROGRAM\\PCBA100.obc[01-MAR-25  09:59:58';
/** A GR228x log: the program header, then the given lines. */
const log = (...lines: string[]) => [HEADER, ...lines].join('\r\n') + '\r\n';
const unit = (sn: string, body: string[], end = '"01-MAR-25  10:00:09', start = '@01-MAR-25  10:00:01') => [`${start} SN ${sn}`, ...body, end];
const run = (text: string, options = {}) =>
  convert({ bytes: Buffer.from(text, 'latin1'), name: 'PCBA100.LOG' }, { ...FIXTURE_OPTIONS, format: 'teradyne-gr228x', ...options });
const failure = async (text: string, options = {}) => {
  const err = await run(text, options).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConversionError);
  return err as ConversionError;
};
type AnyStep = { name: string; stepType: string; status: string; reportText?: string; steps?: AnyStep[]; numericMeas?: Array<Record<string, unknown>> };
const leaves = (r: UutReport): AnyStep[] => {
  const out: AnyStep[] = [];
  const walk = (s: AnyStep) => (s.steps ? s.steps.forEach(walk) : out.push(s));
  (r.root as unknown as AnyStep).steps!.forEach(walk);
  return out;
};
const uut = (r: unknown) => r as UutReport;

describe('teradyne-gr228x: numbers with unit prefixes', () => {
  it.each([
    ['100.2K', 100200],
    ['100.20007K', 100200.07],
    ['45.131532MEG', 45131532],
    ['10.212763N', 1.0212763e-8],
    ['520.747483M', 0.520747483],
    ['-500M', -0.5],
    ['2.2U', 2.2e-6],
    ['4.7P', 4.7e-12],
    ['1.5E-3', 0.0015],
    ['12', 12],
    ['.5K', 500],
  ])('%s → %s (base units)', (text, value) => {
    expect(parseGr228xNumber(text)).toBe(value);
  });

  it.each(['', 'K', '1.2X', '1..2', 'abc', '1e'])('"%s" is not a number', (text) => {
    expect(parseGr228xNumber(text)).toBeUndefined();
  });
});

describe('teradyne-gr228x: every @ block is its own report', () => {
  it('converts several units in file order, each with its serial, start, result and duration', async () => {
    const text = log(
      ...unit('SN0001', ['R101=100.5(90,110)R'], '"01-MAR-25  10:00:09'),
      ...unit('SN0002', ['R101>131.0(90,110)R'], '/01-MAR-25  10:01:15', '@01-MAR-25  10:01:00'),
      ...unit('SN0003', ['(S 12,14'], '?01-MAR-25  10:02:03', '@01-MAR-25  10:02:00'),
    );
    const { reports } = await run(text);
    expect(reports.map((r) => [r.sn, r.result, r.start, uut(r).uut?.execTime])).toEqual([
      ['SN0001', 'P', '2025-03-01T10:00:01.000+01:00', 8],
      ['SN0002', 'F', '2025-03-01T10:01:00.000+01:00', 15],
      ['SN0003', 'T', '2025-03-01T10:02:00.000+01:00', 3],
    ]);
    expect(reports.every((r) => r.pn === 'PCBA100' && r.processCode === 20)).toBe(true);
  });

  it.each([
    ['"', 'P'], ['/', 'F'], ['?', 'T'], ['!', 'T'], ['*', 'E'], ['&', 'E'],
  ])('end event %s gives result %s', async (event, result) => {
    const { reports } = await run(log(...unit('SN1', ['R1=1K(0.9K,1.1K)R'], `${event}01-MAR-25  10:00:09`)));
    expect(reports[0]!.result).toBe(result);
  });

  it('a return-to-diagnose event (]) inside a unit ends it as terminated, with a warning', async () => {
    const { reports, warnings } = await run(log(...unit('SN1', ['R1=1K(0.9K,1.1K)R'], ']01-MAR-25  10:00:09')));
    expect(reports[0]!.result).toBe('T');
    expect(warnings.map((w) => w.message).join()).toMatch(/return-to-diagnose/);
  });

  it('a unit without an end event before the next one is kept as terminated, with a warning', async () => {
    const text = log('@01-MAR-25  10:00:01 SN SN1', 'R1=1K(0.9K,1.1K)R', ...unit('SN2', ['R1=1K(0.9K,1.1K)R'], '"01-MAR-25  10:01:09', '@01-MAR-25  10:01:01'));
    const { reports, warnings } = await run(text);
    expect(reports.map((r) => [r.sn, r.result])).toEqual([['SN1', 'T'], ['SN2', 'P']]);
    expect(warnings).toContainEqual(expect.objectContaining({ line: 2, message: expect.stringMatching(/no end event/) }));
  });
});

describe('teradyne-gr228x: measurement records', () => {
  it('maps limits to WSJF operators: both GELE, low only GE, high only LE (in lowLimit), none LOG', async () => {
    const { reports } = await run(log(...unit('SN1', [
      'R508=100.20007K(92.919K,105.131K)R ',
      'R402=45.131532MEG(500K,)R ',
      'V9=0.1(,0.5)V ',
      'R211#10.636159(,)R ',
    ])));
    const m = leaves(uut(reports[0])).map((s) => ({ name: s.name, status: s.status, ...s.numericMeas![0] }));
    expect(m).toEqual([
      { name: 'R508(R)', status: 'P', value: 100200.07, unit: 'Ohm', compOp: 'GELE', lowLimit: 92919, highLimit: 105131 },
      { name: 'R402(R)', status: 'P', value: 45131532, unit: 'Ohm', compOp: 'GE', lowLimit: 500000 },
      { name: 'V9(V)', status: 'P', value: 0.1, unit: 'V', compOp: 'LE', lowLimit: 0.5 },
      { name: 'R211(R)', status: 'D', value: 10.636159, unit: 'Ohm', compOp: 'LOG' },
    ]);
  });

  it('keeps the units of the test types (F, H, V, A, Hz) and none for arithmetic tests', async () => {
    const { reports } = await run(log(...unit('SN1', [
      'C206=10.212763N(7.999999N,12.000001N)CP', 'L3=2.2U(2U,2.4U)LS', 'I4=12M(10M,14M)I', 'F5=1.0K(0.9K,1.1K)HZ', 'R211=10.6(8.049,12.855)AR',
    ])));
    expect(leaves(uut(reports[0])).map((s) => [s.name, s.numericMeas![0]!.unit, s.numericMeas![0]!.value])).toEqual([
      ['C206(CP)', 'F', 1.0212763e-8], ['L3(LS)', 'H', 2.2e-6], ['I4(I)', 'A', 0.012], ['F5(HZ)', 'Hz', 1000], ['R211(AR)', undefined, 10.6],
    ]);
  });

  it('a failing component keeps its value, limits, failure direction and message', async () => {
    const { reports } = await run(log(...unit('SN1', ['R102>131.0(90,110)R =TOLERANCE', 'C7<1.2N(4N,6N)CP', 'Q1%0.9(0.5,0.7)V'], '/01-MAR-25  10:00:09')));
    const steps = leaves(uut(reports[0]));
    expect(steps.map((s) => [s.name, s.status, s.numericMeas![0]!.status, s.reportText])).toEqual([
      ['R102(R)', 'F', 'F', 'TOLERANCE\nfailed: above the high limit'],
      ['C7(CP)', 'F', 'F', 'failed: below the low limit'],
      ['Q1(V)', 'F', 'F', 'failed'],
    ]);
    expect(steps[0]!.numericMeas![0]).toMatchObject({ value: 131, compOp: 'GELE', lowLimit: 90, highLimit: 110 });
    expect(reports[0]!.result).toBe('F');
  });

  it('records without a value: pass/fail steps (limits in the text); "#" set-ups are Done actions', async () => {
    const { reports } = await run(log(...unit('SN1', ['D103_B1=', 'PS_OFF=(1.6,5.5)V ', 'K500_CLEAR#(,)VS', 'D9<'], '/01-MAR-25  10:00:09')));
    expect(leaves(uut(reports[0])).map((s) => [s.stepType, s.name, s.status, s.reportText])).toEqual([
      ['ET_PFT', 'D103_B1', 'P', undefined],
      ['ET_PFT', 'PS_OFF(V)', 'P', 'limits: 1.6 V .. 5.5 V'],
      ['Action', 'K500_CLEAR(VS)', 'D', undefined],
      ['ET_PFT', 'D9', 'F', 'failed: below the low limit'],
    ]);
  });

  it('global failures become failed pass/fail steps with the node list; lines of one kind merge', async () => {
    const { reports } = await run(log(...unit('SN1', ['(F 300,301,303', '', '(F 90,156 +', '(O 397,398,', 'R1=1K(0.9K,1.1K)R'], '/01-MAR-25  10:00:09')));
    const top = (uut(reports[0]).root as unknown as AnyStep).steps!;
    expect(top.map((s) => [s.stepType, s.name, s.status, s.reportText])).toEqual([
      ['ET_PFT', 'Fixture contact', 'F', 'CONTACT: fixture failure: 300,301,303\n90,156 +'],
      ['ET_PFT', 'Opens', 'F', 'OPENS test failed: 397,398,'],
      ['SequenceCall', 'R-Group1', 'P', undefined],
    ]);
  });

  it('groups records by the first letter of the component, a new group each time it changes', async () => {
    const { reports } = await run(log(...unit('SN1', ['R1=1K(0.9K,1.1K)R', 'R2=1K(0.9K,1.1K)R', 'C1=1N(0.9N,1.1N)CP', 'R3=1K(0.9K,1.1K)R'])));
    expect((uut(reports[0]).root as unknown as AnyStep).steps!.map((s) => [s.name, s.steps!.length])).toEqual([['R-Group1', 2], ['C-Group1', 1], ['R-Group2', 1]]);
  });
});

describe('teradyne-gr228x: header fields and options', () => {
  it('the part number is the .obc program name; the partNumber option overrides it; WATS_ lines override both', async () => {
    const body = unit('SN1', ['R1=1K(0.9K,1.1K)R']);
    expect((await run(log(...body))).reports[0]!.pn).toBe('PCBA100');
    expect((await run(log(...body), { partNumber: 'PN-9' })).reports[0]!.pn).toBe('PN-9');
    const text = log('@01-MAR-25  10:00:01 SN SN1', 'WATS_partNumber=123456', 'WATS_partRevision=C', 'WATS_operator=KB', 'WATS_stationName=AREL1001', 'WATS_sequenceName=CPU02', 'WATS_sequenceVersion=1.1', 'R1=1K(0.9K,1.1K)R', '"01-MAR-25  10:00:09');
    const r = uut((await run(text, { partNumber: 'PN-9' })).reports[0]);
    expect([r.pn, r.rev, r.machineName, r.uut?.user, r.root.name, r.root.seqCall?.version, r.root.seqCall?.path]).toEqual(['123456', 'C', 'AREL1001', 'KB', 'CPU02', '1.1', 'F:\\BOARDS\\PCBA100_PROGRAM\\PCBA100.obc']);
  });

  it('without a program header and without the option, the file name is the part number (with a warning)', async () => {
    const text = ['@01-MAR-25  10:00:01 SN SN1', 'R1=1K(0.9K,1.1K)R', '"01-MAR-25  10:00:09'].join('\n');
    const { reports, warnings } = await run(text);
    expect(reports[0]!.pn).toBe('PCBA100');
    expect(warnings[0]!.message).toMatch(/file name/);
  });

  it('reads local times in the given time zone (with summer time) and takes the process code and revision from the options', async () => {
    const text = log(...unit('SN1', ['R1=1K(0.9K,1.1K)R'], '"15-JUL-25  10:00:09', '@15-JUL-25  10:00:01'));
    const r = (await run(text, { timeZone: 'America/New_York', processCode: 31, partRevision: 'B' })).reports[0]!;
    expect([r.start, r.processCode, r.rev]).toEqual(['2025-07-15T10:00:01.000-04:00', 31, 'B']);
  });

  it('replaces characters that break server lookups in the serial number, with a warning', async () => {
    const { reports, warnings } = await run(log(...unit('SN/1*2', ['R1=1K(0.9K,1.1K)R'])));
    expect(reports[0]!.sn).toBe('SN_1_2');
    expect(warnings.some((w) => /break lookups/.test(w.message))).toBe(true);
  });
});

describe('teradyne-gr228x: malformed input gives typed errors naming the line', () => {
  it('a unit without an end event at the end of the file is truncated', async () => {
    const err = await failure(log('@01-MAR-25  10:00:01 SN SN1', 'R1=1K(0.9K,1.1K)R'));
    expect([err.code, err.position?.line]).toEqual(['CONVERT_ERR_TRUNCATED', 2]);
  });

  it.each([
    ['a value that is not a number', 'R1=1O0K(0.9K,1.1K)R', 'CONVERT_ERR_VALUE', /value "1O0K"/],
    ['a limit that is not a number', 'R1=1K(0.9X,1.1K)R', 'CONVERT_ERR_VALUE', /low limit "0.9X"/],
    ['a garbled record', 'R1 = 1K', 'CONVERT_ERR_SYNTAX', /not a GR228x record/],
    ['text after the test type', 'R1=1K(0.9K,1.1K)R junk', 'CONVERT_ERR_SYNTAX', /unexpected text/],
    ['an unknown global failure', '(X 1,2', 'CONVERT_ERR_SYNTAX', /unknown global failure/],
  ])('%s', async (_label, line, code, reason) => {
    const err = await failure(log(...unit('SN1', ['R0=1K(0.9K,1.1K)R', line])));
    expect(err.code).toBe(code);
    expect(err.position?.line).toBe(4);
    expect(err.reason).toMatch(reason);
    expect(err.message).toMatch(/^PCBA100\.LOG \(line 4\)/);
  });

  it('a unit start without a serial number', async () => {
    const err = await failure(log('@01-MAR-25  10:00:01', 'R1=1K(0.9K,1.1K)R', '"01-MAR-25  10:00:09'));
    expect([err.code, err.position?.line]).toEqual(['CONVERT_ERR_MISSING_FIELD', 2]);
  });

  it('an impossible date', async () => {
    const err = await failure(log('@31-FEB-25  10:00:01 SN SN1', '"01-MAR-25  10:00:09'));
    expect([err.code, err.position?.line]).toEqual(['CONVERT_ERR_VALUE', 2]);
  });

  it('a record outside any unit', async () => {
    const err = await failure(log('R1=1K(0.9K,1.1K)R'));
    expect([err.code, err.position?.line]).toEqual(['CONVERT_ERR_FORMAT', 2]);
  });

  it('a log without any unit is empty', async () => {
    const err = await failure(`${HEADER}\n`);
    expect(err.code).toBe('CONVERT_ERR_EMPTY');
  });

  it('a very long line of blanks does not hang', async () => {
    const t0 = Date.now();
    const err = await failure(log(...unit('SN1', [`R1=${' '.repeat(200_000)}x`])));
    expect(err.code).toBe('CONVERT_ERR_SYNTAX');
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});

describe('teradyne-gr228x: detection', () => {
  it('claims a GR228x log by its program header and unit lines, with a preview', async () => {
    const d = await detect({ bytes: Buffer.from(log(...unit('SN1', ['R1=1K(0.9K,1.1K)R']), ...unit('SN2', ['R1=1K(0.9K,1.1K)R']))), name: 'x.log' });
    expect(d.format).toBe('teradyne-gr228x');
    expect(d.confidence).toBeGreaterThanOrEqual(0.9);
    expect(d.preview).toMatchObject({ serialNumber: 'SN1', units: 2 });
  });

  it('gives 0 to a .LOG without the signature', async () => {
    const { teradyneGr228xConverter } = await import('../src/teradyne-gr228x/index.js');
    const { openInput } = await import('@tswats/converters');
    const file = await openInput({ bytes: Buffer.from('2025-03-01 10:00:01 INFO started\nR1 = 5 ohm\n'), name: 'tester.LOG' });
    expect((await teradyneGr228xConverter.detect(file)).confidence).toBe(0);
  });
});
