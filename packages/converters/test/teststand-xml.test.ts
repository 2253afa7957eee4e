import { describe, expect, it } from 'vitest';
import type { NumericMeasurement, Step, UutReport } from '@tswats/sdk';
import { convert, ConversionError, detect, type ConvertCallOptions } from '@tswats/converters';
import { teststandXmlConverter } from '../src/teststand-xml/index.js';
import { rng } from './helpers.js';
import {
  array, b, latin1, limitMeasurement, n, numeric, obj, prop, report, reportsFile, s, sequence, step,
} from './teststand-xml-builder.js';

const OPTS: ConvertCallOptions = { timeZone: 'Europe/Oslo', stationName: 'OPT-STATION', location: 'Opt location', purpose: 'Opt purpose', partNumber: 'PCBA-100' };

async function run(xml: string | Uint8Array, options: ConvertCallOptions = {}) {
  const bytes = typeof xml === 'string' ? latin1(xml) : xml;
  return convert({ bytes, name: 'Report[1].xml' }, { ...OPTS, ...options });
}

async function fails(xml: string | Uint8Array, options: ConvertCallOptions = {}): Promise<ConversionError> {
  const err = await run(xml, options).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ConversionError);
  return err as ConversionError;
}

function steps(r: UutReport): Step[] {
  return r.root.steps ?? [];
}

function meas(st: Step | undefined): NumericMeasurement {
  return (st as { numericMeas: NumericMeasurement[] }).numericMeas[0]!;
}

describe('teststand-xml: several <Report> elements in one file', () => {
  const file = reportsFile(
    report({ sn: 'BATCH', type: 'Batch' }),
    report({ sn: 'SN-001', result: 'Passed', steps: [step({ name: 'Powerup', type: 'PassFailTest', status: 'Passed', result: b('PassFail', true) })] }),
    report({ sn: 'SN-002', result: 'Failed', steps: [step({ name: 'Powerup', type: 'PassFailTest', status: 'Failed', result: b('PassFail', false) })] }),
    report({ sn: 'SN-003', result: 'Passed', time: [9, 31, 0, 0] }),
  );

  it('gives one report per UUT <Report>, in file order, and skips the batch summary with a warning', async () => {
    const res = await run(file);
    expect(res.format).toBe('teststand-xml');
    expect(res.reports.map((r) => [r.sn, r.result])).toEqual([['SN-001', 'P'], ['SN-002', 'F'], ['SN-003', 'P']]);
    expect(new Set(res.reports.map((r) => r.id)).size).toBe(3);
    expect(res.warnings).toContainEqual(expect.objectContaining({ message: expect.stringMatching(/<Report> 1 skipped: a batch summary/), element: 'Reports/Report[1]' }));
    const failed = res.reports[1] as UutReport;
    expect(steps(failed)[0]).toMatchObject({ stepType: 'ET_PFT', status: 'F', booleanMeas: [{ status: 'F' }] });
  });

  it('gives the same ids when converted again', async () => {
    const a = await run(file);
    const again = await run(file);
    expect(again.reports.map((r) => r.id)).toEqual(a.reports.map((r) => r.id));
  });

  it('reads hundreds of reports across stream chunk boundaries', async () => {
    const many = reportsFile(...Array.from({ length: 300 }, (_, i) => report({ sn: `SN-${i}`, result: i % 7 ? 'Passed' : 'Failed', steps: [step({ name: 'Rail', type: 'NumericLimitTest', status: i % 7 ? 'Passed' : 'Failed', result: numeric(i % 7 ? 5 : 9, 'GELE', 4.5, 5.5) })] })));
    expect(many.length).toBeGreaterThan(4 * 64 * 1024);
    const res = await run(many);
    expect(res.reports).toHaveLength(300);
    expect(res.reports.map((r) => r.sn)).toEqual(Array.from({ length: 300 }, (_, i) => `SN-${i}`));
    expect(res.reports[7]!.result).toBe('F');
  });

  it('also reads a file whose root is a single <Report>', async () => {
    const single = `<?xml version="1.0" encoding="iso-8859-1" ?>\n${report({ sn: 'ONE', result: 'Passed' })}`;
    const res = await run(single);
    expect(res.reports.map((r) => r.sn)).toEqual(['ONE']);
  });

  it('a file with only a batch summary holds no test result', async () => {
    const err = await fails(reportsFile(report({ sn: 'B', type: 'Batch' })));
    expect(err.code).toBe('CONVERT_ERR_EMPTY');
  });
});

describe('teststand-xml: numeric comparisons', () => {
  const cases: Array<[string, number | undefined, number | undefined, Partial<NumericMeasurement>]> = [
    ['GELE', 4.5, 5.5, { compOp: 'GELE', lowLimit: 4.5, highLimit: 5.5 }],
    ['GTLT', 0, 10, { compOp: 'GTLT', lowLimit: 0, highLimit: 10 }],
    ['GELT', 1, 2, { compOp: 'GELT', lowLimit: 1, highLimit: 2 }],
    ['GTLE', 1, 2, { compOp: 'GTLE', lowLimit: 1, highLimit: 2 }],
    ['LTGT', 1, 2, { compOp: 'LTGT', lowLimit: 1, highLimit: 2 }],
    ['LEGE', 1, 2, { compOp: 'LEGE', lowLimit: 1, highLimit: 2 }],
    ['LEGT', 1, 2, { compOp: 'LEGT', lowLimit: 1, highLimit: 2 }],
    ['LTGE', 1, 2, { compOp: 'LTGE', lowLimit: 1, highLimit: 2 }],
    ['EQ', 5, undefined, { compOp: 'EQ', lowLimit: 5 }],
    ['NE', 5, undefined, { compOp: 'NE', lowLimit: 5 }],
    ['GT', 5, undefined, { compOp: 'GT', lowLimit: 5 }],
    ['GE', 5, undefined, { compOp: 'GE', lowLimit: 5 }],
    // TestStand compares LT/LE against Limits.Low too, as WSJF does: the low limit stays the low limit.
    ['LT', 7, undefined, { compOp: 'LT', lowLimit: 7 }],
    ['LE', 7, 99, { compOp: 'LE', lowLimit: 7 }],
    ['LOG', undefined, undefined, { compOp: 'LOG' }],
    ['gele', 4.5, 5.5, { compOp: 'GELE', lowLimit: 4.5, highLimit: 5.5 }],
  ];

  it.each(cases)('%s (low %s, high %s)', async (comp, low, high, expected) => {
    const res = await run(reportsFile(report({ sn: 'C1', result: 'Passed', steps: [step({ name: 'Rail', type: 'NumericLimitTest', status: 'Passed', result: numeric(5.01, comp, low, high) })] })));
    const m = meas(steps(res.reports[0] as UutReport)[0]);
    expect(m).toEqual({ status: 'P', value: 5.01, unit: 'V', ...expected });
    expect(res.warnings).toEqual([]);
  });

  it('a failing measurement keeps the file\'s status, limits and unit', async () => {
    const res = await run(reportsFile(report({ sn: 'C2', result: 'Failed', steps: [step({ name: '12V rail', type: 'NumericLimitTest', status: 'Failed', result: numeric(12.9, 'GELE', 11.4, 12.6, 'V') })] })));
    const r = res.reports[0] as UutReport;
    expect(r.result).toBe('F');
    expect(steps(r)[0]).toMatchObject({ stepType: 'ET_NLT', name: '12V rail', status: 'F', numericMeas: [{ status: 'F', value: 12.9, unit: 'V', compOp: 'GELE', lowLimit: 11.4, highLimit: 12.6 }] });
  });

  it('EQT is written as GELE with the limits TestStand computes from nominal and thresholds', async () => {
    const eqt = n('Numeric', 10.2) + s('Units', 'V') + obj('Limits', n('Low', 5), n('High', 5), n('Nominal', 10), s('ThresholdType', 'Percentage')) + s('Comp', 'EQT');
    const delta = n('Numeric', -3) + obj('Limits', n('Low', 0.5), n('High', 0.25), n('Nominal', -3.1), s('ThresholdType', 'Delta')) + s('Comp', 'EQT');
    const res = await run(reportsFile(report({ sn: 'C3', result: 'Passed', steps: [
      step({ name: 'Pct', type: 'NumericLimitTest', status: 'Passed', result: eqt }),
      step({ name: 'Delta', type: 'NumericLimitTest', status: 'Passed', result: delta }),
    ] })));
    const [pct, del] = steps(res.reports[0] as UutReport);
    expect(meas(pct)).toMatchObject({ compOp: 'GELE', lowLimit: 9.5, highLimit: 10.5, status: 'P' });
    expect(meas(del)).toMatchObject({ compOp: 'GELE', lowLimit: -3.6, highLimit: -2.85 });
    expect(res.warnings.filter((w) => /EQT .* written as GELE/.test(w.message))).toHaveLength(2);
  });

  it('a comparison it cannot represent becomes LOG with a warning, never a wrong limit', async () => {
    const res = await run(reportsFile(report({ sn: 'C4', result: 'Failed', steps: [
      step({ name: 'NoHigh', type: 'NumericLimitTest', status: 'Failed', result: numeric(3, 'GELE', 1, undefined) }),
      step({ name: 'Odd', type: 'NumericLimitTest', status: 'Passed', result: numeric(3, 'ABOUT', 1, 2) }),
      step({ name: 'EqtHalf', type: 'NumericLimitTest', status: 'Passed', result: n('Numeric', 1) + obj('Limits', n('Low', 1)) + s('Comp', 'EQT') }),
    ] })));
    const [noHigh, odd, half] = steps(res.reports[0] as UutReport);
    expect(meas(noHigh)).toEqual({ status: 'F', value: 3, unit: 'V', compOp: 'LOG' });
    expect(meas(odd)).toEqual({ status: 'P', value: 3, unit: 'V', compOp: 'LOG' });
    expect(meas(half)).toEqual({ status: 'P', value: 1, compOp: 'LOG' });
    expect(res.warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/"NoHigh": GELE needs Limits.High/),
      expect.stringMatching(/"Odd": comparison type "ABOUT" is not a TestStand numeric comparison/),
      expect.stringMatching(/"EqtHalf": EQT comparison without a nominal value/),
    ]);
  });

  it('reads NaN, infinities and hexadecimal values', async () => {
    const res = await run(reportsFile(report({ sn: 'C5', result: 'Failed', steps: [
      step({ name: 'Nan', type: 'NumericLimitTest', status: 'Failed', result: numeric('NAN', 'GELE', 1, 2) }),
      step({ name: 'Inf', type: 'NumericLimitTest', status: 'Failed', result: numeric('-INF', 'GT', 0) }),
      step({ name: 'Hex', type: 'NumericLimitTest', status: 'Passed', result: numeric('0x1F', 'EQ', 31) }),
    ] })));
    const [nan, inf, hex] = steps(res.reports[0] as UutReport);
    expect(meas(nan).value).toBe('NaN');
    expect(meas(inf).value).toBe('-Infinity');
    expect(meas(hex).value).toBe(31);
  });
});

describe('teststand-xml: step kinds', () => {
  it('multiple numeric limit test: one measurement per NI_LimitMeasurement, names kept and made unique, own statuses', async () => {
    const mnlt = array('Measurement', [
      limitMeasurement('Vout', 3.3, 'GELE', 'Passed', 3.2, 3.4),
      limitMeasurement('Iout', 0.9, 'LT', 'Failed', 0.5),
      limitMeasurement('Vout', 3.31, 'LOG', 'Passed'),
    ], 'NI_LimitMeasurement');
    const res = await run(reportsFile(report({ sn: 'M1', result: 'Failed', steps: [step({ name: 'Supply', type: 'NI_MultipleNumericLimitTest', status: 'Failed', result: mnlt })] })));
    expect(steps(res.reports[0] as UutReport)[0]).toMatchObject({
      stepType: 'ET_MNLT', status: 'F',
      numericMeas: [
        { name: 'Vout', status: 'P', value: 3.3, unit: 'V', compOp: 'GELE', lowLimit: 3.2, highLimit: 3.4 },
        { name: 'Iout', status: 'F', value: 0.9, unit: 'V', compOp: 'LT', lowLimit: 0.5 },
        { name: 'Vout #2', status: 'P', value: 3.31, compOp: 'LOG' },
      ],
    });
  });

  it('string value test: IgnoreCase / CaseSensitive with the expected string', async () => {
    const res = await run(reportsFile(report({ sn: 'S1', result: 'Failed', steps: [
      step({ name: 'FW', type: 'StringValueTest', status: 'Passed', result: s('String', 'v2.14') + obj('Limits', s('String', 'V2.14')) + s('Comp', 'IgnoreCase') }),
      step({ name: 'HW', type: 'StringValueTest', status: 'Failed', result: s('String', 'B') + obj('Limits', s('String', 'C')) + s('Comp', 'CaseSensitive') }),
    ] })));
    const [fw, hw] = steps(res.reports[0] as UutReport);
    expect(fw).toMatchObject({ stepType: 'ET_SVT', status: 'P', stringMeas: [{ status: 'P', value: 'v2.14', compOp: 'IGNORECASE', limit: 'V2.14' }] });
    expect(hw).toMatchObject({ stepType: 'ET_SVT', status: 'F', stringMeas: [{ status: 'F', value: 'B', compOp: 'CASESENSIT', limit: 'C' }] });
  });

  it('WATS multi pass/fail and multi string steps use MeasName, PassFail, StringData, StringLimit', async () => {
    const mpft = array('Measurement', [
      obj(undefined, s('MeasName', 'Loopback'), b('PassFail', true)),
      obj(undefined, s('MeasName', 'Handshake'), b('PassFail', false)),
    ]);
    const msvt = array('Measurement', [
      obj(undefined, s('MeasName', 'Vendor'), s('StringData', 'ACME'), s('StringLimit', 'acme'), s('Comp', 'IGNORECASE'), s('Status', 'Passed')),
    ]);
    const res = await run(reportsFile(report({ sn: 'W1', result: 'Failed', steps: [
      step({ name: 'Bus', type: 'ET_MPFT', status: 'Failed', result: mpft }),
      step({ name: 'Ident', type: 'ET_MSVT', status: 'Passed', result: msvt }),
    ] })));
    const [bus, ident] = steps(res.reports[0] as UutReport);
    expect(bus).toMatchObject({ stepType: 'ET_MPFT', status: 'F', booleanMeas: [{ name: 'Loopback', status: 'P' }, { name: 'Handshake', status: 'F' }] });
    expect(ident).toMatchObject({ stepType: 'ET_MSVT', status: 'P', stringMeas: [{ name: 'Vendor', value: 'ACME', compOp: 'IGNORECASE', limit: 'acme', status: 'P' }] });
  });

  it('message popup, call executable, flow steps and nested sequences', async () => {
    const res = await run(reportsFile(report({ sn: 'K1', result: 'Passed', steps: [
      step({ name: 'Insert DUT', type: 'MessagePopup', status: 'Done', result: n('ButtonHit', 1) + s('Response', 'OK') }),
      step({ name: 'Flash', type: 'CallExecutable', status: 'Passed', result: n('ExitCode', 0) }),
      sequence('Sub', 'Passed', [step({ name: 'If', type: 'NI_Flow_If', status: 'Done', reportText: '{True}' })], 'SubSeq', 'Setup'),
    ] })));
    const [popup, exe, sub] = steps(res.reports[0] as UutReport);
    expect(popup).toMatchObject({ stepType: 'MessagePopup', status: 'D', messagePopup: { button: 1, response: 'OK' } });
    expect(exe).toMatchObject({ stepType: 'CallExecutable', status: 'P', callExe: { exitCode: 0 } });
    expect(sub).toMatchObject({ stepType: 'SequenceCall', name: 'Sub', group: 'S', seqCall: { name: 'SubSeq', path: 'C:\\Tests\\Board.seq', version: '1.2.3.4' }, steps: [{ stepType: 'NI_Flow_If', status: 'D', reportText: '{True}' }] });
  });

  it('WATS graph step: chart plots and numeric measurements', async () => {
    const plot = obj(undefined, s('PlotName', 'Gain'), array('PlotData', ['1', '2', '3', '10', '20', '30'].map((v) => v), '', true).replace(/ID='\[(\d)\]'/g, (_m, i: string) => `ID='[${Number(i) < 3 ? 0 : 1}][${Number(i) % 3}]'`));
    const chart = obj('Chart', s('ChartLabel', 'Response'), s('Xlabel', 'f'), s('Xunit', 'Hz'), s('Ylabel', 'G'), s('Yunit', 'dB'), s('ChartType', 'LineLogX'), array('Plots', [plot]));
    const res = await run(reportsFile(report({ sn: 'G1', result: 'Passed', steps: [
      step({ name: 'Sweep', type: 'WATS_XYGMNLT', status: 'Passed', result: array('Measurement', [limitMeasurement('Peak', 30, 'LE', 'Passed', 40, undefined, 'dB')], 'NI_LimitMeasurement') + chart }),
    ] })));
    expect(steps(res.reports[0] as UutReport)[0]).toMatchObject({
      stepType: 'WATS_XYGMNLT', status: 'P',
      numericMeas: [{ name: 'Peak', value: 30, compOp: 'LE', lowLimit: 40, unit: 'dB', status: 'P' }],
      chart: { chartType: 'LineLogX', label: 'Response', xLabel: 'f', xUnit: 'Hz', yLabel: 'G', yUnit: 'dB', series: [{ name: 'Gain', xdata: '1;2;3', ydata: '10;20;30' }] },
    });
  });
});

describe('teststand-xml: step statuses', () => {
  it('maps Passed/Failed/Error/Terminated/Skipped/Done and keeps error code and message', async () => {
    const res = await run(reportsFile(report({ sn: 'ST1', result: 'Terminated', rootStatus: 'Terminated', steps: [
      step({ name: 'p', type: 'PassFailTest', status: 'Passed', result: b('PassFail', true) }),
      step({ name: 'f', type: 'PassFailTest', status: 'Failed', result: b('PassFail', false) }),
      step({ name: 'e', type: 'NumericLimitTest', status: 'Error', result: numeric(0, 'GELE', 1, 2), error: { code: -17502, msg: 'Instrument timeout' } }),
      step({ name: 't', type: 'Action', status: 'Terminated' }),
      step({ name: 's', type: 'NumericLimitTest', status: 'Skipped', result: numeric(0, 'GELE', 1, 2) }),
      step({ name: 'd', type: 'Action', status: 'Done' }),
      step({ name: 'odd', type: 'Action', status: 'Looping' }),
    ] })));
    const r = res.reports[0] as UutReport;
    expect(r.result).toBe('T');
    expect(r.root.status).toBe('T');
    const [p, f, e, t, sk, d, odd] = steps(r);
    expect([p, f, e, t, sk, d, odd].map((x) => x!.status)).toEqual(['P', 'F', 'E', 'T', 'S', 'D', 'D']);
    expect(e).toMatchObject({ stepType: 'ET_NLT', errorCode: -17502, errorMessage: 'Instrument timeout', numericMeas: [{ status: 'E', value: 0 }] });
    // A skipped step carries no result data in TestStand: the step alone, with its WSJF type.
    expect(sk).toEqual(expect.objectContaining({ stepType: 'ET_NLT', status: 'S' }));
    expect(sk).not.toHaveProperty('numericMeas');
    expect(res.warnings).toContainEqual(expect.objectContaining({ message: expect.stringMatching(/"odd": status "Looping" is not a TestStand status/) }));
  });

  it('the report result is the file\'s UUTResult even when steps say otherwise; sequence statuses come from the file', async () => {
    const res = await run(reportsFile(report({ sn: 'ST2', result: 'Passed', rootStatus: 'Passed', steps: [
      sequence('Cleanup seq', 'Passed', [step({ name: 'x', type: 'PassFailTest', status: 'Failed', result: b('PassFail', false) })]),
    ] })));
    const r = res.reports[0] as UutReport;
    expect(r.result).toBe('P');
    expect(steps(r)[0]).toMatchObject({ status: 'P', steps: [{ status: 'F' }] });
  });

  it('the steps of the failure chain (UUT.CriticalFailureStack ResultId = TS.Id) get causedUUTFailure', async () => {
    const chain = array('CriticalFailureStack', [obj(undefined, s('StepName', 'Rail'), s('SequenceName', 'MainSequence'), s('SequenceFileName', 'Board.seq'), n('ResultId', 41))], 'NI_CriticalFailureStackEntry');
    const res = await run(reportsFile(report({ sn: 'CF', result: 'Failed', uutExtra: chain, steps: [
      step({ name: 'Ok', type: 'NumericLimitTest', status: 'Passed', id: 40, result: numeric(5, 'GELE', 4, 6) }),
      step({ name: 'Rail', type: 'NumericLimitTest', status: 'Failed', id: 41, result: numeric(7, 'GELE', 4, 6) }),
    ] })));
    const [ok, rail] = steps(res.reports[0] as UutReport);
    expect(ok).not.toHaveProperty('causedUUTFailure');
    expect(rail).toMatchObject({ status: 'F', causedUUTFailure: true });
  });

  it('without UUTResult the main sequence status is used, with a warning', async () => {
    const res = await run(reportsFile(report({ sn: 'ST3', rootStatus: 'Failed' })));
    expect(res.reports[0]!.result).toBe('F');
    expect(res.warnings).toContainEqual(expect.objectContaining({ message: expect.stringMatching(/no UUT result in the report: taken from the main sequence status \(Failed\)/) }));
  });

  it('ErrorText becomes the UUT error message', async () => {
    const res = await run(reportsFile(report({ sn: 'ST4', result: 'Error', rootStatus: 'Error', errorText: 'Run-time error in MainSequence' })));
    expect(res.reports[0]).toMatchObject({ result: 'E', uut: { errorMessage: 'Run-time error in MainSequence' } });
  });
});

describe('teststand-xml: time zones and header options', () => {
  it('reads StartDate/StartTime as local time in the given zone, with the offset of that date', async () => {
    const winter = reportsFile(report({ sn: 'T1', result: 'Passed', date: [2024, 1, 15], time: [9, 30, 5, 250] }));
    const summer = reportsFile(report({ sn: 'T2', result: 'Passed', date: [2024, 7, 15], time: [9, 30, 5, 0] }));
    expect((await run(winter)).reports[0]!.start).toBe('2024-01-15T09:30:05.250+01:00');
    expect((await run(summer)).reports[0]!.start).toBe('2024-07-15T09:30:05.000+02:00');
    expect((await run(winter, { timeZone: 'America/New_York' })).reports[0]!.start).toBe('2024-01-15T09:30:05.250-05:00');
    expect((await run(summer, { timeZone: 'Asia/Kolkata' })).reports[0]!.start).toBe('2024-07-15T09:30:05.000+05:30');
  });

  it('trusts the year in the date text when StartDate.Year disagrees, with a warning', async () => {
    const res = await run(reportsFile(report({ sn: 'T3', result: 'Passed', date: [2023, 7, 1], dateText: 'fredag 1. juli 2022' })));
    expect(res.reports[0]!.start).toBe('2022-07-01T09:30:05.250+02:00');
    expect(res.warnings).toContainEqual(expect.objectContaining({ message: 'StartDate.Year is 2023 but the date text says 2022; 2022 used' }));
  });

  it('an impossible date is a CONVERT_ERR_VALUE naming StartDate', async () => {
    const err = await fails(reportsFile(report({ sn: 'T4', result: 'Passed', date: [2024, 2, 30] })));
    expect(err.code).toBe('CONVERT_ERR_VALUE');
    expect(err.position?.element).toBe('Reports/Report[1]/Prop[StartDate]');
  });

  it('process code: the file\'s UUTOperationType, else the option, else 10', async () => {
    const wats = report({ sn: 'P1', result: 'Passed', partNumber: 'FILE-PN', uutExtra: s('UUTPartNumber', 'WATS-PN') + s('UUTPartRevisionNumber', 'C') + n('UUTOperationType', 60) + obj('UUTOperationTypeDetails', n('OpTypeCodeInt', 0), s('OpTypeName', 'Final Function')) });
    const stock = report({ sn: 'P2', result: 'Passed' });
    const fromFile = (await run(reportsFile(wats), { processCode: 20 })).reports[0]!;
    expect(fromFile).toMatchObject({ processCode: 60, processName: 'Final Function', pn: 'WATS-PN', rev: 'C' });
    expect((await run(reportsFile(stock), { processCode: 20, partRevision: 'B' })).reports[0]).toMatchObject({ processCode: 20, pn: 'PCBA-100', rev: 'B' });
    expect((await run(reportsFile(stock))).reports[0]).toMatchObject({ processCode: 10, rev: '1' });
  });

  it('station, location, purpose and operator: from the file, else the options', async () => {
    const withWats = report({ sn: 'H1', result: 'Passed', stationExtra: s('Location', 'Line 3') + s('Purpose', 'FCT') });
    expect((await run(reportsFile(withWats), { operator: 'nobody' })).reports[0]).toMatchObject({ machineName: 'FCT-07', location: 'Line 3', purpose: 'FCT', uut: { user: 'kari' } });
    expect((await run(reportsFile(report({ sn: 'H2', result: 'Passed' })))).reports[0]).toMatchObject({ location: 'Opt location', purpose: 'Opt purpose' });
  });

  it('sub units, misc infos and assets of the WATS add-on', async () => {
    const misc = obj('MiscUUTResult',
      array('UUT_Part_Info', [obj(undefined, s('Part_Type', 'PCBA'), s('Part_Number', 'CTRL-44'), s('Part_Serial_Number', 'C-1'), s('Part_Revision_Number', 'A'))], 'ET_UUT_Part_Info'),
      array('Misc_UUT_Info', [obj(undefined, s('Description', 'Firmware'), s('Data_String', '2.14.0'), n('Data_Numeric', 0)), obj(undefined, s('Description', 'Temp'), s('Data_String', ''), n('Data_Numeric', 23.5))], 'ET_Misc_UUT_Info'),
      array('Asset_Info', [obj(undefined, s('AssetSerialNumber', 'DMM-7'), n('UsageCount', 3))], 'WATS_Asset_Info'));
    const res = await run(reportsFile(report({ sn: 'X1', result: 'Passed', uutExtra: misc + s('Comment', 'rework 2') + s('UUT_Fixture_ID', 'FX-1') })));
    expect(res.reports[0]).toMatchObject({
      subUnits: [{ pn: 'CTRL-44', sn: 'C-1', rev: 'A', partType: 'PCBA' }],
      miscInfos: [{ description: 'Firmware', text: '2.14.0' }, { description: 'Temp', text: '23.5' }],
      assets: [{ sn: 'DMM-7', usageCount: 3 }],
      uut: { comment: 'rework 2', fixtureId: 'FX-1' },
    });
  });

  it('a missing part number (file and options) is a CONVERT_ERR_MISSING_FIELD', async () => {
    const err = await fails(reportsFile(report({ sn: 'PN0', result: 'Passed' })), { partNumber: undefined });
    expect(err.code).toBe('CONVERT_ERR_MISSING_FIELD');
    expect(err.reason).toMatch(/part number/);
    expect(err.position).toEqual({ line: expect.any(Number), element: 'Reports/Report[1]' });
  });

  it('over-long names are shortened with a warning', async () => {
    const long = 'N'.repeat(130);
    const res = await run(reportsFile(report({ sn: 'L1', result: 'Passed', steps: [step({ name: long, type: 'Action', status: 'Done' })] })));
    expect(steps(res.reports[0] as UutReport)[0]!.name).toBe('N'.repeat(100));
    expect(res.warnings).toContainEqual(expect.objectContaining({ message: expect.stringMatching(/step name is 130 characters long; shortened to the WSJF limit of 100/) }));
  });

  it('warns when StepCount disagrees with the results found', async () => {
    const res = await run(reportsFile(report({ sn: 'SC', result: 'Passed', stepCount: 5, steps: [step({ name: 'a', type: 'Action', status: 'Done' })] })));
    expect(res.warnings).toContainEqual(expect.objectContaining({ message: "the report says StepCount='5' but holds 1 step results" }));
  });

  it('decodes ISO-8859-1 text', async () => {
    const res = await run(reportsFile(report({ sn: 'Æ-1', result: 'Passed', steps: [step({ name: 'Måling ø', type: 'Action', status: 'Done' })] })));
    expect(res.reports[0]!.sn).toBe('Æ-1');
    expect(steps(res.reports[0] as UutReport)[0]!.name).toBe('Måling ø');
  });
});

describe('teststand-xml: malformed input names the position', () => {
  const ok = reportsFile(report({ sn: 'E1', result: 'Passed', steps: [step({ name: 'Rail', type: 'NumericLimitTest', status: 'Passed', result: numeric(5.125, 'GELE', 4, 6) })] }));

  it('not well-formed XML is CONVERT_ERR_SYNTAX with line and column', async () => {
    const err = await fails(ok.replace("<Prop Name='Comp'", "<Prop Name='Comp' <"));
    expect(err.code).toBe('CONVERT_ERR_SYNTAX');
    expect(err.position?.line).toBeGreaterThan(1);
    expect(err.position?.column).toBeGreaterThan(0);
  });

  it('a truncated file is CONVERT_ERR_TRUNCATED', async () => {
    const err = await fails(ok.slice(0, Math.floor(ok.length * 0.6)));
    expect(err.code).toBe('CONVERT_ERR_TRUNCATED');
  });

  it('an empty serial number is CONVERT_ERR_MISSING_FIELD naming UUT.SerialNumber', async () => {
    const err = await fails(reportsFile(report({ sn: '', result: 'Passed' })));
    expect(err.code).toBe('CONVERT_ERR_MISSING_FIELD');
    expect(err.position?.element).toBe('Reports/Report[1]/Prop[UUT]/Prop[SerialNumber]');
    expect(err.message).toMatch(/^Report\[1\]\.xml \(line \d+, Reports\/Report\[1\]\/Prop\[UUT\]\/Prop\[SerialNumber\]\): the UUT serial number is empty/);
  });

  it('a value that is not a number is CONVERT_ERR_VALUE naming the property', async () => {
    const err = await fails(ok.replace('<Value>5.125</Value>', '<Value>5,125</Value>'));
    expect(err.code).toBe('CONVERT_ERR_VALUE');
    expect(err.position?.element).toBe('Reports/Report[1]/Prop[TEResult]/Prop[TS]/Prop[SequenceCall]/Prop[ResultList]/Value[0]/Prop[TEResult]/Prop[Numeric]');
    expect(err.reason).toBe('Numeric is not a number: "5,125"');
  });

  it('a result without TS is CONVERT_ERR_MISSING_FIELD naming the result', async () => {
    const bare = prop(undefined, 'TEResult', s('Status', 'Passed'));
    const err = await fails(reportsFile(report({ sn: 'E2', result: 'Passed', steps: [bare] })));
    expect(err.code).toBe('CONVERT_ERR_MISSING_FIELD');
    expect(err.position?.element).toMatch(/Prop\[ResultList\]\/Value\[0\]\/Prop\[TEResult\]$/);
  });

  it('a step without Status is CONVERT_ERR_MISSING_FIELD', async () => {
    const err = await fails(ok.replace(/<Prop Name='Status' Type='String' Flags='0x0'>\n<Value>Passed<\/Value>\n<\/Prop>\n<Prop Name='Numeric'/, "<Prop Name='Numeric'"));
    expect(err.code).toBe('CONVERT_ERR_MISSING_FIELD');
    expect(err.reason).toMatch(/step "Rail" has no Status/);
  });

  it('another root element is CONVERT_ERR_FORMAT when the format is forced', async () => {
    const err = await fails('<?xml version="1.0"?><Results><Report Type="UUT"/></Results>', { format: 'teststand-xml' });
    expect(err.code).toBe('CONVERT_ERR_FORMAT');
    expect(err.position).toEqual({ line: 1, element: 'Results' });
    expect(err.reason).toBe('the root element is <Results>, not <Reports> or <Report>');
  });

  it('<Reports> without <Report> is CONVERT_ERR_EMPTY', async () => {
    const err = await fails('<?xml version="1.0"?><Reports></Reports>', { format: 'teststand-xml' });
    expect(err.code).toBe('CONVERT_ERR_EMPTY');
  });

  it('a DOCTYPE with entities is refused before parsing', async () => {
    const err = await fails(`<?xml version="1.0"?><!DOCTYPE Reports [<!ENTITY x "y">]>${ok.slice(ok.indexOf('<Reports>'))}`, { format: 'teststand-xml' });
    expect(err.code).toBe('CONVERT_ERR_UNSAFE_XML');
  });

  it('invalid UTF-8 in a file declared UTF-8 is CONVERT_ERR_ENCODING', async () => {
    const text = ok.replace('encoding="iso-8859-1"', 'encoding="utf-8"');
    const bytes = Buffer.concat([Buffer.from(text.slice(0, text.length - 200), 'utf8'), Buffer.alloc(70_000, 0x20), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from(text.slice(text.length - 200), 'utf8')]);
    const err = await fails(new Uint8Array(bytes), { format: 'teststand-xml' });
    expect(err.code).toBe('CONVERT_ERR_ENCODING');
  });

  it('mutated files give typed errors or valid reports, never a crash or a hang', async () => {
    const base = latin1(reportsFile(
      report({ sn: 'F1', result: 'Failed', steps: [
        step({ name: 'Supply', type: 'NI_MultipleNumericLimitTest', status: 'Failed', result: array('Measurement', [limitMeasurement('V', 3.3, 'GELE', 'Passed', 3, 4), limitMeasurement('I', 2, 'LT', 'Failed', 1)], 'NI_LimitMeasurement') }),
        sequence('Sub', 'Passed', [step({ name: 'FW', type: 'StringValueTest', status: 'Passed', result: s('String', 'a') + obj('Limits', s('String', 'a')) + s('Comp', 'CaseSensitive') })]),
      ] }),
      report({ sn: 'F2', result: 'Passed', steps: [step({ name: 'Rail', type: 'NumericLimitTest', status: 'Passed', result: numeric(5, 'GELE', 4, 6) })] }),
    ));
    const random = rng(4242);
    for (let i = 0; i < 60; i++) {
      const bytes = Uint8Array.from(base);
      if (i % 2) for (let k = 0; k < 1 + Math.floor(random() * 6); k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      const input = i % 2 ? bytes : bytes.subarray(0, Math.floor(random() * bytes.length));
      try {
        const res = await convert({ bytes: input, name: 'm.xml' }, { ...OPTS, format: 'teststand-xml' });
        expect(res.reports.length).toBeGreaterThan(0);
      } catch (err) {
        if (!(err instanceof ConversionError)) throw err;
        expect(err.code).not.toBe('CONVERT_ERR_INTERNAL');
        expect(err.code).not.toBe('CONVERT_ERR_INVALID_REPORT');
      }
    }
  });
});

describe('teststand-xml: detection', () => {
  const head = (text: string, name = 'x.xml') => teststandXmlConverter.detect({ name, path: undefined, extension: '.xml', size: text.length, head: latin1(text), folder: undefined, bytes: async () => latin1(text), text: async () => text, stream: async function* () { yield latin1(text); }, headText: () => text });

  it('claims TestStand XML reports, with a preview', async () => {
    const d = await head(reportsFile(report({ sn: 'D1', result: 'Failed', partNumber: 'PN-9' }), report({ sn: 'D2', result: 'Passed' })));
    expect(d).toEqual({ confidence: 0.95, preview: { serialNumber: 'D1', partNumber: 'PN-9', result: 'Failed', units: 2 } });
  });

  it.each([
    ['WSXF', '<Reports xmlns="http://wats.virinco.com/schemas/WATS/Report/wsxf"><Report type="UUT" ID="x" SN="1"><Step Id="1"/></Report></Reports>'],
    ['an extension only', 'hello'],
    ['other XML with a Reports root', '<?xml version="1.0"?><Reports><Report Type="Sales"><Line/></Report></Reports>'],
    ['the WATS dump', '<?xml version="1.0"?><TSReport><ReportInfo key="SN" value="1"/><Prop Name=\'UUT\' Type=\'Obj\'></Prop></TSReport>'],
  ])('gives 0 for %s', async (_label, text) => {
    expect((await head(text)).confidence).toBe(0);
  });

  it('the registry picks it for a real-shaped file and nothing else claims it', async () => {
    const d = await detect({ bytes: latin1(reportsFile(report({ sn: 'D3', result: 'Passed' }))), name: 'r.xml' });
    expect(d.format).toBe('teststand-xml');
    expect(d.candidates.map((c) => c.format)).toEqual(['teststand-xml']);
  });
});
