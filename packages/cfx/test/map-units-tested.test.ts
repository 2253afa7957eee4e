import { describe, expect, it } from 'vitest';
import { forEachStep, isStepType, validateReport, type UutReport } from '@tswats/sdk';
import { CfxMappingError, mapEnvelope, parseEnvelope, WorkTracker } from '@tswats/cfx';
import { envelope, fixtureJson, mapKeys, testConfig } from './helpers.js';

function stepNamed(report: UutReport, name: string) {
  let found: unknown;
  forEachStep(report, (step) => {
    if (step.name === name) found = step;
  });
  if (found === undefined) throw new Error(`no step ${name}`);
  return found as Record<string, unknown> & { numericMeas?: Array<Record<string, unknown>> };
}

describe('UnitsTested', () => {
  const config = testConfig();

  it('maps the 2-up panel fixture to the reviewed WSJF', () => {
    const result = mapEnvelope(envelope('units-tested-panel.json'), config);
    expect(result.status).toBe('mapped');
    expect(result.warnings).toEqual([]);
    expect(result.reports).toEqual(fixtureJson('units-tested-panel.expected.json'));
    for (const r of result.reports) expect(() => validateReport(r)).not.toThrow();
  });

  it('makes one report per unit, keeping panel positions and results', () => {
    const [a, b] = mapEnvelope(envelope('units-tested-panel.json'), config).reports as UutReport[];
    expect([a!.sn, b!.sn]).toEqual(['PSU48-2026-000913', 'PSU48-2026-000914']);
    expect([a!.result, b!.result]).toEqual(['F', 'P']);
    expect([a!.uut?.testSocketIndex, b!.uut?.testSocketIndex]).toEqual([1, 2]);
    expect(a!.miscInfos).toContainEqual({ description: 'CFX PositionNumber', text: '1' });
    expect(a!.processCode).toBe(20); // byTestMethod FCT
    expect(a!.pn).toBe('PSU-48V');
    expect(a!.rev).toBe('C');
    expect(a!.uut?.user).toBe('kberg');
    expect(a!.start).toBe('2026-03-04T09:16:58.100+01:00');
    expect(a!.assets).toEqual([{ sn: 'FCT3000-0042', usageCount: 1 }]);
  });

  it('normalises value and limit units (Ohm/kOhm, mV, mA/A, kHz/Hz)', () => {
    const [a, b] = mapEnvelope(envelope('units-tested-panel.json'), config).reports as UutReport[];
    expect(stepNamed(a!, 'R_SENSE').numericMeas![0]).toMatchObject({ value: 28300, unit: 'Ohm', compOp: 'GELE', lowLimit: 27000, highLimit: 29000 });
    expect(stepNamed(a!, 'VRIPPLE_PP').numericMeas![0]).toMatchObject({ value: 0.212, unit: 'V', compOp: 'LE', lowLimit: 0.15, status: 'F' });
    expect(stepNamed(b!, 'I_STANDBY').numericMeas![0]).toMatchObject({ value: 0.035, unit: 'A', lowLimit: 0.01, highLimit: 0.05 });
    expect(stepNamed(b!, 'SWITCH_FREQ').numericMeas![0]).toMatchObject({ value: 132500, unit: 'Hz', compOp: 'GE', lowLimit: 120000 });
  });

  it('converts limits to the value unit when normalisation is off', () => {
    const [a, b] = mapEnvelope(envelope('units-tested-panel.json'), testConfig({ normalizeUnits: false })).reports as UutReport[];
    expect(stepNamed(a!, 'R_SENSE').numericMeas![0]).toMatchObject({ value: 28300, unit: 'Ohm', lowLimit: 27000, highLimit: 29000 });
    expect(stepNamed(a!, 'VRIPPLE_PP').numericMeas![0]).toMatchObject({ value: 212, unit: 'mV', lowLimit: 150 });
    expect(stepNamed(b!, 'I_STANDBY').numericMeas![0]).toMatchObject({ value: 35, unit: 'mA', lowLimit: 10, highLimit: 50 });
    expect(stepNamed(b!, 'SWITCH_FREQ').numericMeas![0]).toMatchObject({ value: 132.5, unit: 'kHz', lowLimit: 120 });
  });

  it('keeps symptoms and defects on the failed test and the related measurement', () => {
    const [a] = mapEnvelope(envelope('units-tested-panel.json'), config).reports as UutReport[];
    const ripple = stepNamed(a!, 'RIPPLE');
    expect(ripple.status).toBe('F');
    expect(ripple.errorMessage).toBe('Ripple above limit at full load');
    expect(ripple.reportText).toContain('Symptom RIPPLE_HIGH (Electrical Tests) [C14 CAP-470U-63V]');
    expect(ripple.reportText).toContain('Defect CAP_ESR (Component)');
    expect(stepNamed(a!, 'VRIPPLE_PP').reportText).toContain('RIPPLE_HIGH');
    expect(stepNamed(a!, 'FAN_RUNNING')).toMatchObject({ stepType: 'ET_PFT', status: 'P' });
    const fw = stepNamed(a!, 'FW_VERSION');
    expect(isStepType(fw as never, 'ET_SVT')).toBe(true);
    expect(fw).toMatchObject({ stringMeas: [{ value: '2.14.0', compOp: 'CASESENSIT', limit: '2.14.0' }] });
  });

  it('derives report ids deterministically from UniqueID and unit', () => {
    const first = mapEnvelope(envelope('units-tested-panel.json'), config).reports.map((r) => r.id);
    const again = mapEnvelope(envelope('units-tested-panel.json'), config).reports.map((r) => r.id);
    expect(again).toEqual(first);
    expect(new Set(first).size).toBe(2);
    const raw = fixtureJson('units-tested-panel.json');
    const other = mapEnvelope(parseEnvelope({ ...raw, UniqueID: '00000000-0000-4000-8000-000000000001' }), config).reports.map((r) => r.id);
    expect(other.some((id) => first.includes(id))).toBe(false);
  });

  it('maps the same message with camelCase or lower-case keys identically', () => {
    const raw = fixtureJson('units-tested-panel.json');
    const expected = mapEnvelope(parseEnvelope(raw), config).reports;
    const lower = parseEnvelope(mapKeys(raw, (k) => k.toLowerCase()));
    expect(mapEnvelope(lower, config).reports).toEqual(expected);
  });

  it('takes start and duration from WorkStarted/WorkCompleted, and position names', () => {
    const work = new WorkTracker();
    expect(mapEnvelope(envelope('work-started.json'), config, { work }).status).toBe('tracked');
    expect(mapEnvelope(envelope('work-completed.json'), config, { work }).status).toBe('tracked');
    const rec = work.get('B7E4D1C2-9A8F-4E3D-8C2B-1A0F9E8D7C6B')!;
    expect(rec.durationSeconds).toBe(47);
    expect(rec.result).toBe('Completed');
    const [a, b] = mapEnvelope(envelope('units-tested-panel.json'), config, { work }).reports as UutReport[];
    expect(a!.start).toBe('2026-03-04T09:16:55.000+01:00');
    expect(a!.uut?.execTime).toBe(47);
    expect(b!.miscInfos).toContainEqual({ description: 'CFX PositionName', text: 'Right' });
    expect(b!.miscInfos).toContainEqual({ description: 'CFX WorkOrder', text: 'WO-88213' });
  });

  it('splits a repeated panel id by position', () => {
    const raw = fixtureJson('units-tested-panel.json');
    const body = raw.MessageBody as { TestedUnits: Array<Record<string, unknown>> };
    for (const u of body.TestedUnits) u.UnitIdentifier = 'PSU48-2026-PANEL7';
    const r = mapEnvelope(parseEnvelope(raw), config);
    expect(r.reports.map((x) => x.sn)).toEqual(['PSU48-2026-PANEL7-1', 'PSU48-2026-PANEL7-2']);
    expect(r.warnings).toHaveLength(2);
    expect(new Set(r.reports.map((x) => x.id)).size).toBe(2);
  });

  it('uses a WATS production lookup when no rule gives a part number', () => {
    const bare = testConfig({ partNumbers: {} });
    const lookupUnit = (sn: string) => (sn.startsWith('PSU48') ? { partNumber: 'PSU-48V-WATS', revision: 'D' } : undefined);
    const r = mapEnvelope(envelope('units-tested-panel.json'), bare, { lookupUnit });
    expect(r.reports.map((x) => [x.pn, x.rev])).toEqual([['PSU-48V-WATS', 'D'], ['PSU-48V-WATS', 'D']]);
  });

  it('raises CfxMappingError naming message and field', () => {
    const bare = testConfig({ partNumbers: {} });
    let err: unknown;
    try {
      mapEnvelope(envelope('units-tested-panel.json'), bare);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CfxMappingError);
    const m = err as CfxMappingError;
    expect(m.code).toBe('CFX_ERR_MAPPING');
    expect(m.uniqueId).toBe('6f1c2a8e-3b7d-4c59-9e0a-1d2f3b4c5a6e');
    expect(m.messageName).toBe('CFX.Production.TestAndInspection.UnitsTested');
    expect(m.field).toBe('MessageBody.TestedUnits[0].UnitIdentifier');

    const raw = fixtureJson('units-tested-panel.json');
    const text = JSON.stringify(raw).replace('"MinimumAcceptableValueUnits":"kOhm"', '"MinimumAcceptableValueUnits":"V"');
    expect(() => mapEnvelope(parseEnvelope(JSON.parse(text)), config)).toThrow(
      /TestedUnits\[0\]\.Tests\[0\]\.Measurements\[1\]\.MeasuredValue\.MinimumAcceptableValueUnits: cannot convert V to Ohm/,
    );
    const bad = JSON.stringify(raw).replace('"OverallResult":"Failed"', '"OverallResult":"Maybe"');
    expect(() => mapEnvelope(parseEnvelope(JSON.parse(bad)), config)).toThrow(/OverallResult: unknown TestResult "Maybe"/);
  });
});
