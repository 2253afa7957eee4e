import { describe, expect, it } from 'vitest';
import {
  createUutReport, forEachStep, formatWatsDate, isUuid, parseReport, reportToJson, validateReport,
  type CompOp, type NumericMeasurement, type SequenceCallStep, type Step, type UutReportOptions,
} from '../../src/report/index.js';

const HEADER: UutReportOptions = {
  partNumber: 'PN1', serialNumber: 'SN1', revision: 'A', processCode: 10,
  stationName: 'ST1', location: 'Line 1', purpose: 'Production', operator: 'op',
  start: new Date('2026-01-30T22:35:22.761Z'), startOffsetMinutes: 60,
};

function steps(seq: Step): Step[] {
  return ((seq as SequenceCallStep).steps ?? []) as Step[];
}

describe('createUutReport: computed status', () => {
  const cases: Array<[CompOp, number, number | undefined, number | undefined, 'P' | 'F']> = [
    ['LOG', 1, undefined, undefined, 'P'],
    ['EQ', 5, 5, undefined, 'P'], ['EQ', 5, 6, undefined, 'F'],
    ['NE', 5, 6, undefined, 'P'], ['NE', 5, 5, undefined, 'F'],
    ['GT', 5, 5, undefined, 'F'], ['GE', 5, 5, undefined, 'P'],
    ['LT', 5, 5, undefined, 'F'], ['LE', 5, 5, undefined, 'P'],
    ['GTLT', 4, 4, 6, 'F'], ['GTLE', 6, 4, 6, 'P'], ['GELT', 6, 4, 6, 'F'], ['GELE', 4, 4, 6, 'P'],
    ['LTGT', 5, 4, 6, 'F'], ['LTGE', 6, 4, 6, 'P'], ['LEGT', 4, 4, 6, 'P'], ['LEGE', 5, 4, 6, 'F'],
    ['EQT', 5.5, 5, 1, 'P'], ['EQT', 7, 5, 1, 'F'],
  ];
  it.each(cases)('%s value=%s low=%s high=%s → %s', (compOp, value, lowLimit, highLimit, expected) => {
    const b = createUutReport(HEADER);
    b.root.addNumeric('m', { value, compOp, lowLimit, highLimit });
    const step = steps(b.build().root)[0]!;
    expect((step.numericMeas as NumericMeasurement[])[0]!.status).toBe(expected);
    expect(step.status).toBe(expected);
  });

  it('computes string and pass/fail statuses', () => {
    const b = createUutReport(HEADER);
    b.root
      .addString('s1', { value: 'abc', compOp: 'IGNORECASE', limit: 'ABC' })
      .addString('s2', { value: 'abc', compOp: 'CASESENSIT', limit: 'ABC' })
      .addPassFail('b1', true)
      .addMultiPassFail('b2', [{ name: 'x', passed: true }, { name: 'y', passed: false }]);
    expect(steps(b.build().root).map((s) => s.status)).toEqual(['P', 'F', 'P', 'F']);
  });

  it('writes non-finite numbers as strings and fails them', () => {
    const b = createUutReport(HEADER);
    b.root.addNumeric('nan', { value: NaN, compOp: 'GE', lowLimit: 0 }).addNumeric('inf', { value: Infinity, unit: 'V' });
    const report = b.build();
    const [nan, inf] = steps(report.root) as Array<Step & { numericMeas: NumericMeasurement[] }>;
    expect(nan!.numericMeas[0]).toMatchObject({ value: 'NaN', status: 'F' });
    expect(inf!.numericMeas[0]).toMatchObject({ value: 'Infinity', status: 'P', compOp: 'LOG' });
    expect(reportToJson(report)).toContain('"value":"NaN"');
  });
});

describe('createUutReport: propagation', () => {
  it('fails parent sequences and the report result', () => {
    const b = createUutReport(HEADER);
    const outer = b.root.addSequence('outer');
    outer.addSequence('inner').addNumeric('v', { value: 6, compOp: 'LE', lowLimit: 5 });
    b.root.addSequence('ok').addNumeric('w', { value: 1, compOp: 'GE', lowLimit: 0 });
    const r = b.build();
    const [o, ok] = steps(r.root);
    expect([r.root.status, o!.status, steps(o!)[0]!.status, ok!.status, r.result]).toEqual(['F', 'F', 'F', 'P', 'F']);
  });

  it('stops at failParentOnFail: false on a step or a sequence', () => {
    const b = createUutReport(HEADER);
    b.root.addSequence('a').addNumeric('v', { value: 6, compOp: 'LE', lowLimit: 5, failParentOnFail: false });
    b.root.addSequence('b', { failParentOnFail: false }).addPassFail('p', false);
    const r = b.build();
    const [a, seqB] = steps(r.root);
    expect([steps(a!)[0]!.status, a!.status, steps(seqB!)[0]!.status, seqB!.status]).toEqual(['F', 'P', 'F', 'F']);
    expect([r.root.status, r.result]).toEqual(['P', 'P']);
  });

  it('propagateStatus: false keeps sequences and the result at P', () => {
    const b = createUutReport({ ...HEADER, propagateStatus: false });
    b.root.addSequence('s').addPassFail('p', false);
    const r = b.build();
    expect([steps(steps(r.root)[0]!)[0]!.status, steps(r.root)[0]!.status, r.root.status, r.result]).toEqual(['F', 'P', 'P', 'P']);
  });

  it('keeps an explicit status', () => {
    const b = createUutReport({ ...HEADER, result: 'D' });
    b.root.addNumeric('forced', { value: 6, compOp: 'LE', lowLimit: 5, status: 'P' });
    b.root.addSequence('s', { status: 'P' }).addPassFail('p', false);
    b.root.addAction('act', { status: 'F', failParentOnFail: false });
    const r = b.build();
    expect(steps(r.root).map((s) => s.status)).toEqual(['P', 'P', 'F']);
    expect((steps(r.root)[0]!.numericMeas as NumericMeasurement[])[0]!.status).toBe('P');
    expect([r.root.status, r.result]).toEqual(['P', 'D']);
  });

  it('propagates E and T by severity; D and S never raise', () => {
    const b = createUutReport(HEADER);
    const s1 = b.root.addSequence('s1');
    s1.addPassFail('f', false).addAction('e', { status: 'E' }).addPassFail('f2', false);
    const s2 = b.root.addSequence('s2');
    s2.addAction('t', { status: 'T' }).addAction('e', { status: 'E' });
    const s3 = b.root.addSequence('s3');
    s3.addAction('d', { status: 'D' }).addAction('s', { status: 'S' });
    const r = b.build();
    expect(steps(r.root).map((s) => s.status)).toEqual(['E', 'T', 'P']);
    expect([r.root.status, r.result]).toEqual(['T', 'T']);
  });

  it('takes the most severe measurement status for a multi step', () => {
    const b = createUutReport(HEADER);
    b.root.addMultiNumeric('m', [
      { name: 'a', value: 1, compOp: 'LOG' },
      { name: 'b', value: 1, compOp: 'GT', lowLimit: 2 },
      { name: 'c', value: 1, status: 'E' },
    ]);
    expect(steps(b.build().root)[0]!.status).toBe('E');
  });
});

describe('createUutReport: structure', () => {
  it('assigns step ids sequentially depth-first', () => {
    const b = createUutReport(HEADER);
    const a = b.root.addSequence('a');
    a.addAction('a1').addSequence('a2').addAction('a2x');
    a.addAction('a3');
    b.root.addAction('b');
    const ids: unknown[] = [];
    const names: unknown[] = [];
    forEachStep(b.build(), (s) => { ids.push(s.id); names.push(s.name); });
    expect(ids).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(names).toEqual(['MainSequence Callback', 'a', 'a1', 'a2', 'a2x', 'a3', 'b']);
    const first = createUutReport({ ...HEADER, firstStepId: 1 }).build();
    expect(first.root.id).toBe(1);
  });

  it('makes multi-measurement names unique: x, x #2, x #3', () => {
    const b = createUutReport(HEADER);
    b.root.addMultiNumeric('m', [{ name: 'x', value: 1 }, { name: 'x', value: 2 }, { name: 'x', value: 3 }]);
    b.root.addMultiString('s', [{ name: 'x', value: 'a' }, { name: 'x', value: 'b' }, { name: 'x #2', value: 'c' }]);
    const [m, s] = steps(b.build().root) as Array<Step & { numericMeas: Array<{ name: string }>; stringMeas: Array<{ name: string }> }>;
    expect(m!.numericMeas.map((x) => x.name)).toEqual(['x', 'x #2', 'x #3']);
    expect(s!.stringMeas.map((x) => x.name)).toEqual(['x', 'x #3', 'x #2']);
  });

  it('writes start with its real offset and invents no defaults', () => {
    const r = createUutReport(HEADER).build();
    expect(r.start).toBe('2026-01-30T23:35:22.761+01:00');
    expect(r.uut).toEqual({ user: 'op' });
    expect(r.root.seqCall).toEqual({ name: 'MainSequence Callback' });
    expect(isUuid(r.id)).toBe(true);
    expect(createUutReport(HEADER).build().id).not.toBe(r.id);
    const local = createUutReport({ ...HEADER, startOffsetMinutes: undefined }).build();
    expect(local.start).toBe(formatWatsDate(HEADER.start!));
  });

  it('returns a fresh object from every build', () => {
    const b = createUutReport(HEADER);
    const first = b.build();
    b.root.addAction('later');
    expect(steps(first.root)).toHaveLength(0);
    expect(steps(b.build().root)).toHaveLength(1);
  });

  it('rejects invalid input at the add call', () => {
    const root = createUutReport(HEADER).root;
    expect(() => root.addNumeric('x', { value: 1, compOp: 'GELE', lowLimit: 0 })).toThrow(/GELE needs highLimit/);
    expect(() => root.addNumeric('x', { value: 1, lowLimit: 0 })).toThrow(/compOp is required/);
    expect(() => root.addNumeric('x', { value: 1, compOp: 'LT', highLimit: 5 })).toThrow(/lowLimit/);
    expect(() => root.addChart('c', { chartType: 'LineChart' as 'Line', series: [] })).toThrow(/chartType/);
    expect(() => root.addMessagePopup('m', { button: 1.5 })).toThrow(/integer/);
    expect(() => root.addMultiNumeric('m', [{ name: '', value: 1 }])).toThrow(/needs a name/);
    expect(() => root.addAction('a', { extra: { id: 3 } })).toThrow(/set by the builder/);
  });
});

describe('createUutReport: every step kind', () => {
  it('builds a report that parses losslessly and passes strict validation', () => {
    const b = createUutReport({ ...HEADER, comment: 'c', fixtureId: 'FX1', execTime: 12.5 });
    b.addMiscInfo('Firmware', '1.2.3').addSubUnit({ partNumber: 'SUB', serialNumber: 'S2', revision: 'B', partType: 'PCBA' })
      .addAsset({ serialNumber: 'AS1', usageCount: 1 }).addAttachment({ name: 'log.txt', contentType: 'text/plain', data: 'hello' })
      .addAdditionalData('Env', [{ name: 'Temp', type: 'Number', value: '23' }]);
    const seq = b.root.addSequence('All', { path: 'main.seq', version: '1.0.0' });
    seq.addNumeric('V', { value: 5, unit: 'V', compOp: 'GELE', lowLimit: 4.5, highLimit: 5.5 })
      .addMultiNumeric('MN', [{ name: 'a', value: 1, compOp: 'GT', lowLimit: 0 }, { name: 'a', value: 2 }])
      .addPassFail('PF', true).addMultiPassFail('MPF', [{ name: 'p', passed: true }])
      .addString('S', { value: 'abc', compOp: 'IGNORECASE', limit: 'ABC' })
      .addMultiString('MS', [{ name: 'a', value: 'x' }, { name: 'b', value: 'y', compOp: 'EQ', limit: 'y' }])
      .addAction('Act', { totTime: 0.5, reportText: 'done' }).addCallExe('Exe', { exitCode: 0 })
      .addMessagePopup('Msg', { button: 1, response: 'ok' })
      .addChart('Ch', { label: 'Curve', xUnit: null, series: [{ name: 's', x: [0, 1, 2], y: [0, 1, 4] }] })
      .addXYNumeric('XY', { measurements: [{ value: 1.5, unit: 'A' }], chart: { series: [{ name: 'i', y: '1;2' }] } })
      .addAttachment('File', { name: 'bin', contentType: 'application/octet-stream', data: new Uint8Array([0, 1, 2, 255]) })
      .addGeneric('NI_Flow_If', 'If');
    const report = b.build();
    expect(validateReport(report).warnings).toEqual([]);
    expect(parseReport(reportToJson(report))).toStrictEqual(report);
    expect(report.binaryData).toEqual([{ name: 'log.txt', contentType: 'text/plain', data: 'aGVsbG8=' }]);
    const all = steps(steps(report.root)[0]!);
    expect(all.map((s) => s.stepType)).toEqual([
      'ET_NLT', 'ET_MNLT', 'ET_PFT', 'ET_MPFT', 'ET_SVT', 'ET_MSVT', 'Action', 'CallExecutable', 'MessagePopup',
      'Chart', 'WATS_XYGMNLT', 'WATS_AttachFile', 'NI_Flow_If',
    ]);
    expect(all[9]!.chart).toEqual({ chartType: 'Line', label: 'Curve', xUnit: null, series: [{ dataType: 'XYG', name: 's', xdata: '0;1;2', ydata: '0;1;4' }] });
    expect(all[11]!.attachment).toMatchObject({ data: 'AAEC/w==' });
    expect(steps(report.root)[0]!.seqCall).toEqual({ name: 'All', path: 'main.seq', version: '1.0.0' });
  });
});
