import { describe, expect, it } from 'vitest';
import { formatWatsDate, parseWatsDate } from '../../src/report/index.js';

describe('parseWatsDate', () => {
  it('reads the odd startUTC format with an empty fraction', () => {
    expect(parseWatsDate('2020-01-01T08:00:00.Z')?.toISOString()).toBe('2020-01-01T08:00:00.000Z');
  });

  it('reads offsets', () => {
    expect(parseWatsDate('2026-01-30T23:35:22.761344+01:00')?.toISOString()).toBe('2026-01-30T22:35:22.761Z');
    expect(parseWatsDate('2020-01-01T09:00:00+0100')?.toISOString()).toBe('2020-01-01T08:00:00.000Z');
    expect(parseWatsDate('2020-01-01T09:00:00-05:30')?.toISOString()).toBe('2020-01-01T14:30:00.000Z');
  });

  it('reads 7-digit fractions by dropping sub-millisecond digits', () => {
    expect(parseWatsDate('2020-08-05T07:03:58.7257865Z')?.toISOString()).toBe('2020-08-05T07:03:58.725Z');
    expect(parseWatsDate('2025-12-21T22:01:45.47Z')?.toISOString()).toBe('2025-12-21T22:01:45.470Z');
  });

  it('reads a date-time without offset as local time', () => {
    const d = parseWatsDate('2018-04-01T13:40:40');
    expect(d?.getTime()).toBe(new Date(2018, 3, 1, 13, 40, 40).getTime());
  });

  it('rejects nonsense', () => {
    for (const s of ['', 'yesterday', '2020-13-01T00:00:00Z', '2021-02-29T00:00:00Z', '2020-01-01T25:00:00Z', '2020-01-01T00:00:00+25:00']) {
      expect(parseWatsDate(s)).toBeUndefined();
    }
    expect(parseWatsDate('2024-02-29T00:00:00Z')).toBeInstanceOf(Date);
  });
});

describe('formatWatsDate', () => {
  it('writes local time with an explicit offset', () => {
    const d = new Date('2026-01-30T22:35:22.761Z');
    expect(formatWatsDate(d, 60)).toBe('2026-01-30T23:35:22.761+01:00');
    expect(formatWatsDate(d, 0)).toBe('2026-01-30T22:35:22.761+00:00');
    expect(formatWatsDate(d, -330)).toBe('2026-01-30T17:05:22.761-05:30');
  });

  it('defaults to the machine offset for that instant and round-trips', () => {
    const d = new Date('2026-07-01T12:00:00.123Z');
    const text = formatWatsDate(d);
    expect(text).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/);
    expect(parseWatsDate(text)?.getTime()).toBe(d.getTime());
  });

  it('rejects invalid dates and offsets', () => {
    expect(() => formatWatsDate(new Date(NaN))).toThrow(RangeError);
    expect(() => formatWatsDate(new Date(), 24 * 60)).toThrow(RangeError);
  });
});
