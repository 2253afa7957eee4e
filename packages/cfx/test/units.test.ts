import { describe, expect, it } from 'vitest';
import { cfxReportId, convertUnit, parseUnit, uuidV5 } from '@tswats/cfx';

describe('unit normalisation', () => {
  it('parses prefixed units', () => {
    expect(parseUnit('kOhm')).toEqual({ base: 'Ohm', exponent: 3 });
    expect(parseUnit('MΩ')).toEqual({ base: 'Ohm', exponent: 6 });
    expect(parseUnit('mV')).toEqual({ base: 'V', exponent: -3 });
    expect(parseUnit('uA')).toEqual({ base: 'A', exponent: -6 });
    expect(parseUnit('MHz')).toEqual({ base: 'Hz', exponent: 6 });
    expect(parseUnit('ms')).toEqual({ base: 's', exponent: -3 });
    expect(parseUnit('Hz')).toEqual({ base: 'Hz', exponent: 0 });
    expect(parseUnit('S')).toBeUndefined(); // siemens, not seconds
    expect(parseUnit('%')).toBeUndefined();
    expect(parseUnit('m')).toBeUndefined();
  });

  it('converts exactly where decimal maths allows', () => {
    expect(convertUnit(28, 'kOhm', 'Ohm')).toBe(28000);
    expect(convertUnit(1.2, 'MOhm', 'Ohm')).toBe(1200000);
    expect(convertUnit(212, 'mV', 'V')).toBe(0.212);
    expect(convertUnit(0.05, 'A', 'mA')).toBe(50);
    expect(convertUnit(132.5, 'kHz', 'Hz')).toBe(132500);
    expect(convertUnit(2.5, 'MHz', 'kHz')).toBe(2500);
    expect(convertUnit(250, 'ms', 's')).toBe(0.25);
    expect(convertUnit(5, 'deg', 'deg')).toBe(5);
    expect(convertUnit(5, 'V', 'Ohm')).toBeUndefined();
    expect(convertUnit(5, 'dB', 'V')).toBeUndefined();
  });
});

describe('report ids', () => {
  it('are RFC 9562 v5 UUIDs, stable per message, unit, position and type', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
    const base = { uniqueId: '6f1c2a8e-3b7d-4c59-9e0a-1d2f3b4c5a6e', unitIdentifier: 'SN1', position: 1, type: 'T' as const };
    const id = cfxReportId(base);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(cfxReportId({ ...base, uniqueId: base.uniqueId.toUpperCase() })).toBe(id);
    expect(cfxReportId({ ...base, unitIdentifier: 'SN2' })).not.toBe(id);
    expect(cfxReportId({ ...base, position: 2 })).not.toBe(id);
    expect(cfxReportId({ ...base, type: 'R' })).not.toBe(id);
  });
});
