import { describe, expect, it } from 'vitest';
import { validateReport, type UurReport, type UutReport } from '@tswats/sdk';
import {
  assetStateForE10,
  CfxMappingError,
  createReportIndex,
  decodeCfxBody,
  mapEnvelope,
  parseEnvelope,
  WorkTracker,
} from '@tswats/cfx';
import { envelope, fixtureBytes, fixtureJson, testConfig } from './helpers.js';

const config = testConfig();

describe('UnitsInspected', () => {
  it('maps an AOI inspection to a UUT with one step per inspection', () => {
    const r = mapEnvelope(envelope('units-inspected-aoi.json'), config);
    expect(r.status).toBe('mapped');
    const [uut] = r.reports as UutReport[];
    expect(() => validateReport(uut!)).not.toThrow();
    expect(uut).toMatchObject({ sn: 'PSU48-2026-000913', pn: 'PSU-48V', processCode: 30, result: 'F', machineName: 'AOI-7' });
    const steps = uut!.root.steps ?? [];
    expect(steps.map((s) => [s.name, s.status])).toEqual([
      ['Solder joints U1', 'P'],
      ['Polarity C14', 'F'],
    ]);
    expect(steps[1]!.reportText).toContain('Defect REVERSED (Polarity) [C14 CAP-470U-63V]');
    expect(uut!.miscInfos).toContainEqual({ description: 'CFX InspectionMethod', text: 'AOI' });
    expect(uut!.miscInfos).toContainEqual({ description: 'CFX TotalInspectionCount', text: '412' });
    // `deg` is not a unit the normaliser knows: written as it came.
    expect(JSON.stringify(steps[1])).toContain('"unit":"deg"');
  });
});

describe('UnitsRepaired', () => {
  it('references the unit’s last UUT when known', () => {
    const reportIndex = createReportIndex();
    const tested = mapEnvelope(envelope('units-tested-panel.json'), config, { reportIndex });
    reportIndex.remember(tested.reports);
    const r = mapEnvelope(envelope('units-repaired.json'), config, { reportIndex });
    const [uur] = r.reports as UurReport[];
    expect(() => validateReport(uur!)).not.toThrow();
    expect(uur!.type).toBe('R');
    expect(uur!.processCode).toBe(500);
    expect(uur!.uur.refUUT).toBe(tested.reports[0]!.id);
    expect(uur!.uur.processCode).toBe(20);
    expect(uur!.uur.user).toBe('plund');
    expect(uur!.start).toBe('2026-03-04T10:52:00.000+01:00');
    expect(uur!.uur.execTime).toBe(750);
    const failure = uur!.subUnits?.[0]?.failures?.[0];
    expect(failure).toMatchObject({ category: 'CFX', code: 'CAP_ESR', comRef: 'C14', artNumber: 'CAP-470U-63V' });
    expect(r.warnings).toEqual([]);
  });

  it('maps by serial and part-number rules when no UUT is known', () => {
    const r = mapEnvelope(envelope('units-repaired.json'), config);
    const [uur] = r.reports as UurReport[];
    expect(uur!.uur.refUUT).toBeUndefined();
    expect(uur).toMatchObject({ sn: 'PSU48-2026-000913', pn: 'PSU-48V', rev: 'C' });
    expect(r.warnings[0]).toMatch(/no earlier UUT/);
    expect(() => validateReport(uur!)).not.toThrow();
    expect(uur!.id).not.toBe(mapEnvelope(envelope('units-tested-panel.json'), config).reports[0]!.id);
    expect(mapEnvelope(envelope('units-repaired.json'), config).reports[0]!.id).toBe(uur!.id);
  });
});

describe('asset messages', () => {
  it('MaintenancePerformed -> external maintenance record with tasks in the comment', () => {
    const r = mapEnvelope(envelope('maintenance-performed.json'), config);
    expect(r.assetUpdates).toHaveLength(1);
    const u = r.assetUpdates[0]!;
    expect(u.method).toBe('recordExternalMaintenance');
    if (u.method !== 'recordExternalMaintenance') return;
    expect(u.params).toMatchObject({ serialNumber: 'FCT3000-0042', fromDate: '2026-03-05T07:30:00.0000000+01:00' });
    expect(u.params.comment).toContain('Preventive');
    expect(u.params.comment).toContain('Replace pogo pins (T1) by edahl 0.75 h');
    expect(u.params.comment).toContain('POGO-P75 used 12');
  });

  it('uses the pre-25.3 routes when external routes are off', () => {
    const off = testConfig({ externalAssetRoutes: false });
    expect(mapEnvelope(envelope('maintenance-performed.json'), off).assetUpdates[0]!.method).toBe('recordMaintenance');
    const cal = mapEnvelope(envelope('calibration-performed.json'), off).assetUpdates[0]!;
    expect(cal).toMatchObject({ method: 'recordCalibration', params: { dateTime: '2026-03-05T08:05:00.0000000+01:00' } });
  });

  it('CalibrationPerformed -> external calibration record at CalibrationTime', () => {
    const [u] = mapEnvelope(envelope('calibration-performed.json'), config).assetUpdates;
    expect(u).toMatchObject({
      method: 'recordExternalCalibration',
      params: { serialNumber: 'FCT3000-0042', fromDate: '2026-03-05T08:05:00.0000000+01:00' },
    });
    expect(JSON.stringify(u)).toContain('code DMM-CAL');
  });

  it('FaultOccurred -> asset log message', () => {
    const [u] = mapEnvelope(envelope('fault-occurred.json'), config).assetUpdates;
    expect(u).toMatchObject({ method: 'addMessage', ref: { serialNumber: 'FCT3000-0042' }, reason: 'FaultOccurred' });
    if (u?.method !== 'addMessage') throw new Error('not addMessage');
    expect(u.content).toBe(
      'CFX fault Error MechanicalFailure, code E-217, Fixture clamp did not close, stage Press, at 2026-03-04T09:30:11.8000000+01:00, occurrence 6d7e8f9a-0b1c-4d2e-9f3a-4b5c6d7e8f9a',
    );
  });

  it('StationStateChanged -> log message and WATS state where one fits', () => {
    const r = mapEnvelope(envelope('station-state-changed.json'), config);
    expect(r.assetUpdates.map((u) => u.method)).toEqual(['addMessage', 'setState']);
    expect(r.assetUpdates[1]).toMatchObject({ state: 3 }); // 5300 repair -> in maintenance
    expect(assetStateForE10(1100)).toBe(1);
    expect(assetStateForE10(4500)).toBeUndefined();
  });

  it('a batch maps envelope by envelope', () => {
    const results = decodeCfxBody(fixtureBytes('batch.json')).map((e) => mapEnvelope(e, config));
    expect(results.map((r) => r.assetUpdates.length)).toEqual([1, 2]);
  });

  it('a handle without an asset serial is a mapping error on Source', () => {
    const raw = { ...fixtureJson('fault-occurred.json'), Source: 'Unknown.Handle' };
    expect(() => mapEnvelope(parseEnvelope(raw), config)).toThrow(CfxMappingError);
    expect(() => mapEnvelope(parseEnvelope(raw), config)).toThrow(/Source: no assetSerial/);
  });
});

describe('MaterialsInstalled', () => {
  it('gives addChildUnit calls for serialised sub-assemblies only', () => {
    const r = mapEnvelope(envelope('materials-installed.json'), config);
    expect(r.productionUpdates).toEqual([
      {
        method: 'addChildUnit',
        params: {
          parentSerialNumber: 'RACK-2026-0031',
          parentPartNumber: 'RACK-19',
          childSerialNumber: 'PSU48-2026-000914',
          childPartNumber: 'PSU-48V',
          checkPartNumber: 'PSU-48V',
        },
        referenceDesignator: 'PSU1',
      },
    ]);
  });

  it('with materials.check box-build, WATS checks the child against the box build instead', () => {
    const r = mapEnvelope(envelope('materials-installed.json'), testConfig({ materials: { check: 'box-build' } }));
    expect(r.productionUpdates[0]?.params).not.toHaveProperty('checkPartNumber');
  });
});

describe('other messages', () => {
  it('an unknown message name gives status unknown', () => {
    const r = mapEnvelope(envelope('unknown-message.json'), config);
    expect(r).toMatchObject({ status: 'unknown', messageName: 'CFX.Production.UnitsArrived', reports: [], assetUpdates: [] });
  });

  it('a Heartbeat is known and ignored; an unreadable TimeStamp is a warning', () => {
    const hb = parseEnvelope({
      MessageName: 'CFX.Heartbeat',
      UniqueID: '11111111-0000-4000-8000-000000000000',
      TimeStamp: 'not a date',
      Source: 'Acme.FCT3000.SN0042',
      MessageBody: { CFXHandle: 'Acme.FCT3000.SN0042', HeartbeatFrequency: '00:01:00' },
    });
    const r = mapEnvelope(hb, config);
    expect(r.status).toBe('ignored');
    expect(r.warnings).toEqual(['TimeStamp "not a date" is not a date']);
  });

  it('WorkStarted without a tracker is ignored, without TransactionID a mapping error', () => {
    expect(mapEnvelope(envelope('work-started.json'), config).status).toBe('ignored');
    const raw = fixtureJson('work-started.json');
    (raw.MessageBody as Record<string, unknown>).TransactionID = null;
    expect(() => mapEnvelope(parseEnvelope(raw), config, { work: new WorkTracker() })).toThrow(
      /MessageBody\.TransactionID: is missing/,
    );
  });
});

describe('every fixture', () => {
  it('maps to reports that pass strict validation, deterministically', async () => {
    const { readdirSync } = await import('node:fs');
    const { FIXTURES } = await import('./helpers.js');
    const files = readdirSync(FIXTURES).filter((f) => /\.json(\.gz)?$/.test(f) && !f.includes('expected') && f !== 'malformed.json');
    let reports = 0;
    for (const f of files) {
      for (const env of decodeCfxBody(fixtureBytes(f))) {
        const a = mapEnvelope(env, config, { work: new WorkTracker(), reportIndex: createReportIndex() });
        const b = mapEnvelope(env, config, { work: new WorkTracker(), reportIndex: createReportIndex() });
        expect(b).toEqual(a);
        for (const r of a.reports) {
          expect(() => validateReport(r), `${f} ${r.sn}`).not.toThrow();
          reports++;
        }
      }
    }
    expect(reports).toBe(6); // 2 (panel) + 2 (gzip panel) + 1 AOI + 1 UUR
  });

  it('reads timestamps without an offset in the configured time zone', () => {
    const raw = fixtureJson('units-repaired.json');
    const text = JSON.stringify(raw).replaceAll('.0000000+01:00', '');
    const r = mapEnvelope(parseEnvelope(JSON.parse(text), { timeZone: 'Europe/Oslo' }), testConfig({ timeZone: 'Europe/Oslo' }));
    expect(r.reports[0]!.start).toBe('2026-03-04T10:52:00.000+01:00');
  });
});
