import { describe, expect, it } from 'vitest';
import { and, contains, endsWith, eq, ge, guid, isIn, literal, ne, not, or, raw, startsWith, WatsError } from '@tswats/sdk';

describe('the OData filter builder', () => {
  it('doubles single quotes in strings', () => {
    expect(String(eq('serialNumber', "O'Brien"))).toBe("serialNumber eq 'O''Brien'");
    expect(String(contains('partNumber', "a''b"))).toBe("contains(partNumber,'a''''b')");
    expect(literal("'")).toBe("''''");
  });

  it('writes dates as UTC ISO, GUIDs bare, numbers and booleans plainly', () => {
    expect(String(ge('start', new Date('2026-01-02T03:04:05+02:00')))).toBe('start ge 2026-01-02T01:04:05.000Z');
    expect(String(eq('uuid', guid('2961A76F-5631-49C6-8E93-15FE31635531')))).toBe(
      'uuid eq 2961a76f-5631-49c6-8e93-15fe31635531',
    );
    expect(String(ne('processCode', 10))).toBe('processCode ne 10');
    expect(String(eq('measuresDeleted', false))).toBe('measuresDeleted eq false');
    expect(String(eq('batchNumber', null))).toBe('batchNumber eq null');
  });

  it('composes with parentheses and skips absent parts', () => {
    const f = and(eq('a', 1), undefined, false, or(startsWith('b', 'x'), endsWith('b', 'y')), not(eq('c', 'z')));
    expect(String(f)).toBe("(a eq 1) and ((startswith(b,'x')) or (endswith(b,'y'))) and (not (c eq 'z'))");
    expect(String(and(eq('a', 1)))).toBe('a eq 1');
    expect(String(isIn('sn', ['a', "b'c"]))).toBe("sn in ('a','b''c')");
    expect(String(isIn('sn', []))).toBe('false');
    expect(String(raw('x eq 1'))).toBe('x eq 1');
  });

  it('refuses values and names that cannot be written safely', () => {
    expect(() => eq('n', Number.NaN)).toThrow(WatsError);
    expect(() => eq('n', new Date('nope'))).toThrow(/invalid Date/);
    expect(() => guid('not-a-guid')).toThrow(/not a GUID/);
    expect(() => eq("sn eq 'x' or 1 eq 1 or sn", 'y')).toThrow(/field name/);
  });
});
