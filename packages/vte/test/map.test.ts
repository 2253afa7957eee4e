import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateReport, type NumericMeasurement, type UutReport } from '@tswats/sdk';
import {
  createVteSchema, generateVteData, mapRepairToUur, mapRunToUut, openVteSource, repairReportId, resolveVteConfig, VteMappingError,
  type GeneratedVteData, type VteConfig, type VteRepair, type VteRunHeader, type VteStep,
} from '@tswats/vte';
import { createTestDatabase, type TestDatabase } from './helpers.js';

let config: VteConfig;

beforeAll(async () => {
  ({ config } = await resolveVteConfig({
    database: { dialect: 'postgres', host: '127.0.0.1', database: 'x' },
    timeZone: 'Europe/Oslo',
    processCode: { default: 50, byTestplan: { ICT: 30 } },
  }));
});

function run(over: Partial<VteRunHeader> = {}): VteRunHeader {
  return {
    indexGuid: '0f8fad5b-d9cb-469f-a165-70867728950e', timestamp: '2026-03-28T14:05:06.123', uutGuid: null, productGuid: null,
    testplanGuid: null, testplanRevisionGuid: null, testsystemGuid: null, userGuid: null, serial: 'SN0001', result: 0, exitCode: 0,
    testTime: 12.5, productName: 'PSU-200', productType: 'Power supply', productVersion: 'B', testplanName: 'FCT main',
    testplanVariant: 'Standard', testplanRevision: '1.1', testsystemName: 'FCT-01', hostname: 'vte-fct01', site: 'Line 1',
    userName: 'kari', info1: 'Order 1234', info2: null, info3: '  ', ...over,
  };
}

function step(over: Partial<VteStep>): VteStep {
  return {
    indexGuid: '0f8fad5b-d9cb-469f-a165-70867728950e', kind: 'numeric', stepNumber: 1, name: 'Step', description: null, testNumber: null,
    units: null, value: 1, lowLimit: null, highLimit: null, resultType: 0, ...over,
  };
}

function numeric(report: UutReport, i: number): NumericMeasurement & { compOp: string } {
  const s = report.root.steps![i] as unknown as { numericMeas: (NumericMeasurement & { compOp: string })[] };
  return s.numericMeas[0]!;
}

describe('mapRunToUut', () => {
  it('maps the run header', () => {
    const r = mapRunToUut(run(), [], config);
    expect(r).toMatchObject({
      id: '0f8fad5b-d9cb-469f-a165-70867728950e', type: 'T', pn: 'PSU-200', sn: 'SN0001', rev: 'B', processCode: 50, result: 'P',
      machineName: 'FCT-01', location: 'Line 1', purpose: 'Production', start: '2026-03-28T14:05:06.123+01:00',
    });
    expect(r.uut).toMatchObject({ user: 'kari', execTime: 12.5 });
    expect(r.root).toMatchObject({ name: 'FCT main', seqCall: { name: 'FCT main / Standard', version: '1.1' } });
    expect(r.miscInfos).toEqual([
      { description: 'Info1', text: 'Order 1234' },
      { description: 'Testplan variant', text: 'Standard' },
      { description: 'Product type', text: 'Power supply' },
    ]);
  });

  it('uses the id in lower case and the per-testplan process code', () => {
    const r = mapRunToUut(run({ indexGuid: '0F8FAD5B-D9CB-469F-A165-70867728950E', testplanName: 'ICT' }), [], config);
    expect(r.id).toBe('0f8fad5b-d9cb-469f-a165-70867728950e');
    expect(r.processCode).toBe(30);
  });

  it('writes the real offset on both sides of a DST change (Europe/Oslo, 2026-03-29 and 2026-10-25)', () => {
    const at = (timestamp: string) => mapRunToUut(run({ timestamp }), [], config).start;
    expect(at('2026-03-29T01:59:59.000')).toBe('2026-03-29T01:59:59.000+01:00');
    expect(at('2026-03-29T03:00:00.000')).toBe('2026-03-29T03:00:00.000+02:00');
    expect(at('2026-07-01T12:00:00')).toBe('2026-07-01T12:00:00.000+02:00');
    // The repeated hour in October is read as its first (summer-time) occurrence.
    expect(at('2026-10-25T02:30:00.000')).toBe('2026-10-25T02:30:00.000+02:00');
    expect(at('2026-10-25T03:30:00.000')).toBe('2026-10-25T03:30:00.000+01:00');
    expect(at('2026-03-28T14:05:06.123456')).toBe('2026-03-28T14:05:06.123+01:00');
  });

  it('maps result codes, and rejects unknown ones naming the run and field', () => {
    expect(mapRunToUut(run({ result: 1 }), [], config).result).toBe('F');
    expect(mapRunToUut(run({ result: 3 }), [], config).result).toBe('T');
    const err = (() => {
      try {
        mapRunToUut(run({ result: 42 }), [], config);
      } catch (e) {
        return e;
      }
    })() as VteMappingError;
    expect(err).toBeInstanceOf(VteMappingError);
    expect(err.code).toBe('VTE_ERR_MAPPING');
    expect(err.indexGuid).toBe('0f8fad5b-d9cb-469f-a165-70867728950e');
    expect(err.field).toBe('IndexData.Result');
    expect(err.message).toContain('unknown result code 42');
  });

  it('derives the comparison from which limits exist', () => {
    const r = mapRunToUut(run(), [
      step({ stepNumber: 1, value: 5, lowLimit: 4, highLimit: 6, units: 'V' }),
      step({ stepNumber: 2, value: 5, lowLimit: 4 }),
      step({ stepNumber: 3, value: 5, highLimit: 6 }),
      step({ stepNumber: 4, value: 5 }),
      step({ stepNumber: 5, value: 7, lowLimit: 4, highLimit: 6, resultType: 1 }),
      step({ stepNumber: 6, value: 7, lowLimit: 4, highLimit: 6, resultType: null }),
    ], config);
    expect(numeric(r, 0)).toMatchObject({ compOp: 'GELE', lowLimit: 4, highLimit: 6, unit: 'V', status: 'P' });
    expect(numeric(r, 1)).toMatchObject({ compOp: 'GE', lowLimit: 4 });
    // Single-limit operators carry their limit in lowLimit, LE included.
    expect(numeric(r, 2)).toMatchObject({ compOp: 'LE', lowLimit: 6 });
    expect(numeric(r, 2)).not.toHaveProperty('highLimit');
    expect(numeric(r, 3)).toMatchObject({ compOp: 'LOG' });
    expect(numeric(r, 4).status).toBe('F');
    // NULL TestResultType: computed from the limits.
    expect(numeric(r, 5).status).toBe('F');
    expect(r.root.steps!.map((s) => s.status)).toEqual(['P', 'P', 'P', 'P', 'F', 'F']);
    // The run's own result is kept (VTE said pass).
    expect(r.result).toBe('P');
  });

  it('maps step result codes to statuses and text/other steps to string steps or attachments', () => {
    const r = mapRunToUut(run({ result: 1 }), [
      step({ stepNumber: 1, kind: 'text', value: 'FW 2.14.0', resultType: 0, testNumber: 'T010', description: 'Read firmware' }),
      step({ stepNumber: 2, kind: 'text', value: 'x', resultType: 4 }),
      step({ stepNumber: 3, kind: 'other', value: Buffer.from('log line\r\nok'), resultType: 5 }),
      step({ stepNumber: 4, kind: 'other', value: Buffer.from([0, 1, 2, 255]), resultType: 2, name: 'Trace' }),
      step({ stepNumber: 5, kind: 'text', value: null, resultType: 1, name: null }),
    ], config);
    const steps = r.root.steps! as unknown as Record<string, unknown>[];
    expect(steps.map((s) => [s.stepType, s.name, s.status])).toEqual([
      ['ET_SVT', 'Step', 'P'],
      ['ET_SVT', 'Step', 'S'],
      ['ET_SVT', 'Step', 'D'],
      ['WATS_AttachFile', 'Trace', 'E'],
      ['ET_SVT', 'Step 5', 'F'],
    ]);
    expect(steps[0]).toMatchObject({ reportText: 'Read firmware', stringMeas: [{ value: 'FW 2.14.0', compOp: 'LOG' }] });
    expect(steps[2]).toMatchObject({ stringMeas: [{ value: 'log line\r\nok' }] });
    expect(steps[3]).toMatchObject({ attachment: { name: 'Trace.bin', contentType: 'application/octet-stream', data: 'AAEC/w==' } });
    expect(r.result).toBe('F');
    const prefixed = mapRunToUut(run(), [step({ kind: 'text', value: 'a', testNumber: 'T010', name: 'Read' })], { ...config, steps: { prefixTestNumber: true } });
    expect(prefixed.root.steps![0]!.name).toBe('T010 Read');
  });

  it('a NULL serial is a mapping error by default, or uses the run GUID when configured', () => {
    expect(() => mapRunToUut(run({ serial: null }), [], config)).toThrow(expect.objectContaining({ field: 'UutData.Serial' }));
    expect(mapRunToUut(run({ serial: ' ' }), [], { ...config, missingSerial: 'indexGuid' }).sn).toBe('0f8fad5b-d9cb-469f-a165-70867728950e');
  });

  it('falls back to the host name and configured station/location/revision', () => {
    const r = mapRunToUut(run({ testsystemName: null, site: null, productVersion: null }), [], config);
    expect(r).toMatchObject({ machineName: 'vte-fct01', location: 'unknown', rev: '1' });
    expect(() => mapRunToUut(run({ testsystemName: null, hostname: null }), [], config)).toThrow(expect.objectContaining({ field: 'IndexData.Hostname' }));
    expect(mapRunToUut(run({ testsystemName: null, hostname: null }), [], { ...config, station: { ...config.station, name: 'VTE' } }).machineName).toBe('VTE');
  });

  it('unknown step codes and non-numeric numeric results name the step', () => {
    expect(() => mapRunToUut(run(), [step({ stepNumber: 7, resultType: 99 })], config)).toThrow(
      expect.objectContaining({ field: 'TestDataNumeric[TestStepNumber=7].TestResultType' }),
    );
    expect(() => mapRunToUut(run(), [step({ stepNumber: 8, value: 'abc' })], config)).toThrow(
      expect.objectContaining({ field: 'TestDataNumeric[TestStepNumber=8].TestResult' }),
    );
  });

  it('a value the SDK refuses (a / in the serial) becomes a mapping error with the report path', () => {
    expect(() => mapRunToUut(run({ serial: 'SN/1' }), [], config)).toThrow(expect.objectContaining({ name: 'VteMappingError', field: 'sn' }));
  });
});

describe('mapRepairToUur', () => {
  const repair = (over: Partial<VteRepair> = {}): VteRepair => ({
    repairGuid: '9B2E1C50-1C0A-4E5B-8E52-0C6A1F1D2E3F', indexGuid: '0f8fad5b-d9cb-469f-a165-70867728950e', timestamp: '2026-07-01T09:00:00.000',
    userName: 'nils', comment: 'Checked on bench', failureCode: 'CAP_FAIL', failureCategory: 'Component', failureDescription: 'Capacitor out of tolerance',
    run: run({ result: 1, testplanName: 'ICT' }),
    actions: [
      { actionGuid: 'a', actionCode: 'REPLACE', actionDescription: 'Replaced component', component: 'C12', comment: null, timestamp: null },
      { actionGuid: 'b', actionCode: 'RETEST', actionDescription: null, component: 'C12', comment: 'ok', timestamp: null },
    ],
    ...over,
  });

  it('maps a repair to a UUR that refers to the run', () => {
    const r = mapRepairToUur(repair(), config);
    expect(r).toMatchObject({
      id: repairReportId('9b2e1c50-1c0a-4e5b-8e52-0c6a1f1d2e3f'), type: 'R', pn: 'PSU-200', sn: 'SN0001', rev: 'B', processCode: 500,
      machineName: 'FCT-01', purpose: 'Repair', start: '2026-07-01T09:00:00.000+02:00',
      uur: { user: 'nils', comment: 'Checked on bench', processCode: 30, refUUT: '0f8fad5b-d9cb-469f-a165-70867728950e' },
    });
    expect(r.subUnits![0]!.failures).toEqual([{ category: 'Component', code: 'CAP_FAIL', comment: 'Capacitor out of tolerance', comRef: 'C12' }]);
    expect(r.miscInfos).toEqual([
      { description: 'Action 1', text: 'REPLACE: Replaced component [C12]' },
      { description: 'Action 2', text: 'RETEST [C12] ok' },
    ]);
  });

  it('derives a stable v5 id from the repair GUID, whatever its case', () => {
    const id = repairReportId('9b2e1c50-1c0a-4e5b-8e52-0c6a1f1d2e3f');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(repairReportId('9B2E1C50-1C0A-4E5B-8E52-0C6A1F1D2E3F')).toBe(id);
    expect(id).not.toBe('9b2e1c50-1c0a-4e5b-8e52-0c6a1f1d2e3f');
  });

  it('a repair of a missing run is a mapping error naming the repair and run', () => {
    const err = (() => {
      try {
        mapRepairToUur(repair({ run: null }), config);
      } catch (e) {
        return e as VteMappingError;
      }
    })()!;
    expect(err).toMatchObject({ kind: 'repair', repairGuid: '9B2E1C50-1C0A-4E5B-8E52-0C6A1F1D2E3F', field: 'RepairData.Index_GUID' });
  });
});

describe('mapping generated VTE data', () => {
  let db: TestDatabase;
  let gen: GeneratedVteData;

  beforeAll(async () => {
    db = await createTestDatabase();
    await createVteSchema(db.pool);
    gen = await generateVteData(db.pool, { runs: 300, seed: 5, stepsPerRun: 30, nullSerialRate: 0.05 });
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('every run maps to a strictly valid UUT report, except NULL serials, which fail naming the run', async () => {
    const source = await openVteSource(db.sourceConfig());
    try {
      const runs = await source.readRunBatch({ limit: 1000 });
      const steps = await source.readSteps(runs.map((r) => r.indexGuid));
      const failures: VteMappingError[] = [];
      let ok = 0;
      for (const r of runs) {
        try {
          const report = mapRunToUut(r, steps.get(r.indexGuid) ?? [], config);
          expect(() => validateReport(report)).not.toThrow();
          expect(report.id).toBe(r.indexGuid);
          expect(report.root.steps).toHaveLength(steps.get(r.indexGuid)!.length);
          ok++;
        } catch (err) {
          failures.push(err as VteMappingError);
        }
      }
      expect(failures.map((f) => f.indexGuid).sort()).toEqual([...gen.nullSerialRuns].sort());
      expect(failures.every((f) => f.field === 'UutData.Serial')).toBe(true);
      expect(ok).toBe(300 - gen.nullSerialRuns.length);
      const withGuid = runs.filter((r) => r.serial === null).map((r) => mapRunToUut(r, steps.get(r.indexGuid) ?? [], { ...config, missingSerial: 'indexGuid' }));
      expect(withGuid.every((r) => r.sn === r.id)).toBe(true);
    } finally {
      await source.close();
    }
  });

  it('every repair maps to a strictly valid UUR referring to its run', async () => {
    const source = await openVteSource(db.sourceConfig());
    try {
      const repairs = await source.readRepairs({ limit: 1000 });
      expect(repairs.length).toBe(gen.repairs);
      const ids = new Set<string>();
      for (const rep of repairs) {
        if (rep.run?.serial === null) continue;
        const uur = mapRepairToUur(rep, config);
        expect(() => validateReport(uur)).not.toThrow();
        expect(uur.uur.refUUT).toBe(rep.indexGuid);
        expect(uur.subUnits![0]!.failures).toHaveLength(1);
        ids.add(uur.id!);
        expect(mapRepairToUur(rep, config).id).toBe(uur.id);
      }
      expect(ids.size).toBeGreaterThan(0);
    } finally {
      await source.close();
    }
  });
});
