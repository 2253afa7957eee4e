import { describe, expect, it } from 'vitest';
import { normalizeMessageName, parseCfxTime, parseEnvelope } from '@tswats/cfx';
import { fixtureJson, mapKeys } from './helpers.js';

describe('envelope', () => {
  it('reads fields case-insensitively and without $type', () => {
    const raw = fixtureJson('units-tested-panel.json');
    const camel = mapKeys(raw, (k) => k[0]!.toLowerCase() + k.slice(1));
    const lower = mapKeys(raw, (k) => k.toLowerCase());
    for (const v of [raw, camel, lower]) {
      const env = parseEnvelope(v);
      expect(env.messageName).toBe('CFX.Production.TestAndInspection.UnitsTested');
      expect(env.uniqueId).toBe('6f1c2a8e-3b7d-4c59-9e0a-1d2f3b4c5a6e');
      expect(env.source).toBe('Acme.FCT3000.SN0042');
      expect(env.timeStamp?.date.toISOString()).toBe('2026-03-04T08:17:41.512Z');
    }
    const body = { ...(raw.MessageBody as object) } as Record<string, unknown>;
    delete body.$type;
    expect(parseEnvelope({ ...raw, MessageBody: body }).shortName).toBe('UnitsTested');
  });

  it('falls back to MessageBody.$type when MessageName is absent', () => {
    const raw = fixtureJson('work-started.json');
    delete raw.MessageName;
    expect(parseEnvelope(raw).messageName).toBe('CFX.Production.WorkStarted');
  });

  it('normalises full and short message names', () => {
    expect(normalizeMessageName('UnitsTested')).toEqual({
      messageName: 'CFX.Production.TestAndInspection.UnitsTested',
      shortName: 'UnitsTested',
      known: true,
    });
    expect(normalizeMessageName('cfx.production.testandinspection.unitstested').known).toBe(true);
    expect(normalizeMessageName('CFX.ResourcePerformance.FaultOccurred, CFX').shortName).toBe('FaultOccurred');
    expect(normalizeMessageName('CFX.Production.Testing.UnitsTested').known).toBe(false); // pyWATS's wrong namespace
    expect(normalizeMessageName('CFX.Production.UnitsArrived')).toMatchObject({ known: false, shortName: 'UnitsArrived' });
  });

  it('parses timestamps with offsets, 7 fraction digits, Z, and without offset in the configured zone', () => {
    const t = parseCfxTime('2018-03-26T16:52:25.3769532-04:00')!;
    expect(t.date.toISOString()).toBe('2018-03-26T20:52:25.376Z');
    expect(t.offsetMinutes).toBe(-240);
    expect(t.hadOffset).toBe(true);
    expect(parseCfxTime('2026-03-04T09:00:00Z')!.offsetMinutes).toBe(0);
    expect(parseCfxTime('2026-03-04T09:00:00', '+05:30')!.date.toISOString()).toBe('2026-03-04T03:30:00.000Z');
    const oslo = parseCfxTime('2026-07-01T12:00:00', 'Europe/Oslo')!;
    expect(oslo.offsetMinutes).toBe(120);
    expect(oslo.hadOffset).toBe(false);
    expect(parseCfxTime('2026-01-01T12:00:00', 'Europe/Oslo')!.date.toISOString()).toBe('2026-01-01T11:00:00.000Z');
    expect(parseCfxTime('yesterday')).toBeUndefined();
    expect(parseCfxTime('2026-01-01T12:00:00', 'Mars/Base')).toBeUndefined();
  });
});
