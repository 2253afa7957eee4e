import { describe, expect, it } from 'vitest';
import {
  createUurReport, createUutReport, validateReport, type UurReportOptions, type UutReportOptions,
} from '../../src/report/index.js';

const HEADER: UutReportOptions = {
  partNumber: 'PN1', serialNumber: 'SN1', revision: 'A', processCode: 10,
  stationName: 'ST1', location: 'Line 1', purpose: 'Production', operator: 'op',
  start: new Date('2026-01-30T22:35:22.761Z'), startOffsetMinutes: 60, id: '8c1f6f4e-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
};

/** A report using every kind of step and report part, with values JSON cannot hold as they are. */
function fill(b: ReturnType<typeof createUutReport>) {
  const seq = b.root.addSequence('Power', { path: 'p.seq', version: '1.0' });
  seq.addNumeric('V', { value: 5.01, unit: 'V', compOp: 'GELE', lowLimit: 4.5, highLimit: 5.5, totTime: 0.5 });
  seq.addNumeric('NaN value', { value: Number.NaN, compOp: 'LOG' });
  seq.addMultiNumeric('multi', [{ name: 'a', value: 1 }, { name: 'a', value: Infinity }]);
  seq.addPassFail('pf', false, { extra: { note: undefined, when: new Date('2026-01-01T00:00:00Z'), n: Number.NaN, list: [1, undefined, -Infinity] } });
  seq.addString('s', { value: 'abc', compOp: 'CASESENSIT', limit: 'abc' });
  const inner = seq.addSequence('Inner');
  inner.addAction('act', { additionalResults: [{ name: 'r', props: [] }] });
  inner.addAttachment('file', { name: 'f.txt', contentType: 'text/plain', data: 'hello' });
  b.root.addChart('chart', { series: [{ name: 's1', x: [1, 2], y: [3, 4] }] });
  b.root.addGeneric('Label', 'label', { status: 'D' });
  b.addMiscInfo('k', 1).addSubUnit({ partNumber: 'P2', serialNumber: 'S2' }).addAsset({ serialNumber: 'A1', usageCount: 3 });
  b.addAttachment({ name: 'r.txt', contentType: 'text/plain', data: 'x' });
  b.addAdditionalData('ad', [{ name: 'p', value: 1 } as never]);
  return { seq, inner };
}

describe('build({ consume: true })', () => {
  it('gives the same report as build()', () => {
    const plain = createUutReport({ ...HEADER, execTime: Number.NaN });
    fill(plain);
    const consumed = createUutReport({ ...HEADER, execTime: Number.NaN });
    fill(consumed);
    const a = plain.build();
    const b = consumed.build({ consume: true });
    expect(b).toStrictEqual(a);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect((b.uut as Record<string, unknown>).execTime).toBe('NaN');
    expect(() => validateReport(b)).toThrow(); // execTime "NaN" is not a number: same as build()
  });

  it('gives a valid report that build() would give for a valid builder', () => {
    const b = createUutReport(HEADER);
    b.root.addNumeric('V', { value: 5, compOp: 'GELE', lowLimit: 4, highLimit: 6 });
    const r = b.build({ consume: true });
    expect(validateReport(r).report).toBe(r);
    expect(r.root.steps?.[0]).toMatchObject({ stepType: 'ET_NLT', name: 'V', status: 'P', id: 1 });
  });

  it('does not mutate what the caller passed in', () => {
    const extra = { n: Number.NaN, u: undefined as unknown };
    const b = createUutReport(HEADER);
    b.root.addAction('a', { extra });
    const r = b.build({ consume: true });
    expect(extra).toStrictEqual({ n: Number.NaN, u: undefined });
    expect(r.root.steps?.[0]).toMatchObject({ n: 'NaN' });
    expect(Object.keys(r.root.steps![0]!)).not.toContain('u');
  });

  it('seals the UUT builder and all its sequences', () => {
    const b = createUutReport(HEADER);
    const { seq, inner } = fill(b);
    b.build({ consume: true });
    const sealed = /consumed by build\(\{ consume: true \}\)/;
    expect(() => b.build()).toThrow(TypeError);
    expect(() => b.build({ consume: true })).toThrow(sealed);
    expect(() => b.root.addNumeric('x', { value: 1 })).toThrow(sealed);
    expect(() => seq.addPassFail('x', true)).toThrow(sealed);
    expect(() => inner.addAction('x')).toThrow(sealed);
    expect(() => seq.addSequence('x')).toThrow(sealed);
    expect(() => b.root.addGeneric('Label', 'x')).toThrow(sealed);
    expect(() => b.addMiscInfo('a', 'b')).toThrow(sealed);
    expect(() => b.addSubUnit({ partNumber: 'p', serialNumber: 's' })).toThrow(sealed);
    expect(() => b.addAsset({ serialNumber: 's' })).toThrow(sealed);
    expect(() => b.addAttachment({ name: 'n', contentType: 'text/plain', data: 'x' })).toThrow(sealed);
    expect(() => b.addAdditionalData('n', [])).toThrow(sealed);
  });

  it('leaves build() repeatable and independent', () => {
    const b = createUutReport(HEADER);
    b.root.addNumeric('V', { value: 1 });
    const first = b.build();
    b.root.addPassFail('pf', false);
    const second = b.build();
    expect(first.root.steps).toHaveLength(1);
    expect(second.root.steps).toHaveLength(2);
    expect(second.result).toBe('F');
    expect(second.root).not.toBe(first.root);
    const last = b.build({ consume: true });
    expect(last).toStrictEqual(second);
  });

  it('seals the UUR builder', () => {
    const options: UurReportOptions = {
      partNumber: 'PN1', serialNumber: 'SN1', revision: 'A', repairProcessCode: 500, testProcessCode: 10,
      stationName: 'RW1', location: 'Line 1', purpose: 'Repair', start: HEADER.start, startOffsetMinutes: 60, id: HEADER.id,
    };
    const make = () => createUurReport(options).addFailure({ category: 'Component', code: 'CAP', comRef: 'C1' }).addMiscInfo('k', 'v');
    const plain = make().build();
    const b = make();
    expect(b.build({ consume: true })).toStrictEqual(plain);
    expect(() => b.build()).toThrow(TypeError);
    expect(() => b.addFailure({ category: 'c', code: 'x' })).toThrow(/consumed/);
    expect(() => b.addSubUnit({ partNumber: 'p', serialNumber: 's' })).toThrow(/consumed/);
    expect(() => b.addMiscInfo('a', 'b')).toThrow(/consumed/);
  });
});
