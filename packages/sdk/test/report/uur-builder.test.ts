import { describe, expect, it } from 'vitest';
import { createUurReport, validateReport, type UurReportOptions } from '../../src/report/index.js';
import { fixtureJson } from './fixtures.js';

const OPTIONS: UurReportOptions = {
  partNumber: 'UURTestPartNumber', serialNumber: 'UURTestSerialNumber', revision: 'Rev1',
  repairProcessCode: 500, testProcessCode: 10, stationName: 'RW1', location: 'Line 1', purpose: 'Repair',
  operator: 'tech', comment: 'fixed', refUut: 'b6c95876-cb19-4c43-a010-7e51a86b0886',
  start: new Date('2020-01-01T08:00:00Z'), startOffsetMinutes: 60,
};

function keysOf(v: unknown): string[] {
  return Object.keys(v as object).sort();
}

function build() {
  return createUurReport(OPTIONS)
    .addSubUnit({ partNumber: 'FATPartNo', serialNumber: 'FATTest-4106', revision: 'Rev1', partType: 'PCBA' })
    .addFailure({ category: 'Solder Process', code: 'Appearance', comRef: 'R55', funcBlock: 'F16', refStepId: 16,
      attachments: [{ name: 'photo', contentType: 'image/png', data: new Uint8Array([137, 80, 78, 71]) }] })
    .addFailure({ category: 'Assembly Process', code: 'Missing component', subUnitIdx: 1, comment: 'U16 missing',
      artNumber: '12345', artRev: '2', artVendor: 'Test vendor' })
    .addMiscInfo('Bench', 'B2')
    .build();
}

describe('createUurReport', () => {
  it('writes the dual process codes, the uur block and the main unit at idx 0', () => {
    const r = build();
    expect(r).toMatchObject({ type: 'R', processCode: 500, result: 'P', start: '2020-01-01T09:00:00.000+01:00' });
    expect(r.uur).toEqual({
      user: 'tech', comment: 'fixed', processCode: 10, refUUT: OPTIONS.refUut,
      confirmDate: '2020-01-01T09:00:00.000+01:00', finalizeDate: '2020-01-01T09:00:00.000+01:00', execTime: 0,
    });
    expect(r.subUnits?.map((u) => [u.idx, u.parentIdx, u.pn])).toEqual([
      [0, undefined, 'UURTestPartNumber'], [1, 0, 'FATPartNo'],
    ]);
    expect(r.subUnits?.[0]?.failures?.[0]?.attachments?.[0]?.data).toBe('iVBORw==');
  });

  it('has the shape of the official UUR example (every key it writes exists there)', () => {
    const r = build() as unknown as Record<string, unknown>;
    const fx = fixtureJson('WATS - WSJF UUR Example file.json') as Record<string, any>;
    const builtUnits = r.subUnits as Array<Record<string, any>>;
    expect(keysOf(r).filter((k) => !(k in fx))).toEqual([]);
    for (const k of ['type', 'id', 'pn', 'sn', 'rev', 'processCode', 'result', 'machineName', 'location', 'purpose', 'start', 'uur', 'subUnits']) {
      expect(r).toHaveProperty(k);
    }
    expect(keysOf(r.uur).filter((k) => !(k in fx.uur))).toEqual([]);
    for (const k of ['processCode', 'confirmDate', 'finalizeDate', 'execTime', 'refUUT', 'user']) expect(r.uur).toHaveProperty(k);
    const fxUnitKeys = new Set(fx.subUnits.flatMap((u: object) => Object.keys(u)));
    const fxFailureKeys = new Set(fx.subUnits.flatMap((u: any) => u.failures.flatMap((f: object) => Object.keys(f))));
    const fxAttachmentKeys = new Set(Object.keys(fx.subUnits[0].failures[0].attachments[0]));
    for (const u of builtUnits) {
      expect(Object.keys(u).filter((k) => !fxUnitKeys.has(k))).toEqual([]);
      for (const f of u.failures ?? []) {
        expect(Object.keys(f).filter((k) => !fxFailureKeys.has(k))).toEqual([]);
        for (const a of f.attachments ?? []) expect(Object.keys(a).filter((k) => !fxAttachmentKeys.has(k))).toEqual([]);
      }
    }
  });

  it('passes strict validation', () => {
    expect(validateReport(build()).warnings).toEqual([]);
  });

  it('adds report-level attachments with failIdx and rejects unknown sub units', () => {
    const b = createUurReport(OPTIONS).addAttachment({ name: 'a.txt', contentType: 'text/plain', data: 'hi', failIdx: 0 });
    expect(b.build().binaryData).toEqual([{ name: 'a.txt', contentType: 'text/plain', data: 'aGk=', failIdx: 0 }]);
    expect(() => b.addFailure({ category: 'c', code: 'x', subUnitIdx: 7 })).toThrow(/no sub unit with idx 7/);
    expect(() => b.addSubUnit({ partNumber: 'p', serialNumber: '', idx: 0 })).toThrow(/idx 0/);
  });
});
