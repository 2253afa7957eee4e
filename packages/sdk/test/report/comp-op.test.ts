import { describe, expect, it } from 'vitest';
import {
  COMP_OPS, evaluateNumeric, evaluateString, forEachStep, normalizeCompOp, parseReport, type CompOp,
  type NumericMeasurement, type StringMeasurement,
} from '../../src/report/index.js';
import { fixtureText } from './fixtures.js';

type Case = [op: CompOp, value: number, low: number | undefined, high: number | undefined, expected: 'P' | 'F', why: string];

// For every operator: a pass, a fail, and the exact boundaries.
const NUMERIC_CASES: Case[] = [
  ['LOG', 1, undefined, undefined, 'P', 'always'],
  ['EQ', 5, 5, undefined, 'P', 'equal'],
  ['EQ', 5, 6, undefined, 'F', 'not equal'],
  ['NE', 5, 6, undefined, 'P', 'different'],
  ['NE', 5, 5, undefined, 'F', 'equal'],
  ['GT', 6, 5, undefined, 'P', 'above'],
  ['GT', 5, 5, undefined, 'F', 'at low'],
  ['GE', 5, 5, undefined, 'P', 'at low'],
  ['GE', 4, 5, undefined, 'F', 'below'],
  ['LT', 4, 5, undefined, 'P', 'below low'],
  ['LT', 5, 5, undefined, 'F', 'at low'],
  ['LT', 4, 5, 1, 'P', 'ignores highLimit'],
  ['LE', 5, 5, undefined, 'P', 'at low'],
  ['LE', 6, 5, undefined, 'F', 'above low'],
  ['LE', 6, 5, 10, 'F', 'ignores highLimit'],
  ['GTLT', 5, 4, 6, 'P', 'inside'],
  ['GTLT', 4, 4, 6, 'F', 'at low'],
  ['GTLT', 6, 4, 6, 'F', 'at high'],
  ['GTLE', 6, 4, 6, 'P', 'at high'],
  ['GTLE', 4, 4, 6, 'F', 'at low'],
  ['GTLE', 7, 4, 6, 'F', 'above'],
  ['GELT', 4, 4, 6, 'P', 'at low'],
  ['GELT', 6, 4, 6, 'F', 'at high'],
  ['GELT', 3, 4, 6, 'F', 'below'],
  ['GELE', 4, 4, 6, 'P', 'at low'],
  ['GELE', 6, 4, 6, 'P', 'at high'],
  ['GELE', 3, 4, 6, 'F', 'below'],
  ['GELE', 7, 4, 6, 'F', 'above'],
  ['LTGT', 3, 4, 6, 'P', 'below'],
  ['LTGT', 7, 4, 6, 'P', 'above'],
  ['LTGT', 4, 4, 6, 'F', 'at low'],
  ['LTGT', 6, 4, 6, 'F', 'at high'],
  ['LTGT', 5, 4, 6, 'F', 'inside'],
  ['LTGE', 6, 4, 6, 'P', 'at high'],
  ['LTGE', 4, 4, 6, 'F', 'at low'],
  ['LTGE', 3, 4, 6, 'P', 'below'],
  ['LEGT', 4, 4, 6, 'P', 'at low'],
  ['LEGT', 6, 4, 6, 'F', 'at high'],
  ['LEGT', 7, 4, 6, 'P', 'above'],
  ['LEGE', 4, 4, 6, 'P', 'at low'],
  ['LEGE', 6, 4, 6, 'P', 'at high'],
  ['LEGE', 5, 4, 6, 'F', 'inside'],
  ['EQT', 5.05, 5, 0.1, 'P', 'within tolerance'],
  ['EQT', 7, 5, 2, 'P', 'at tolerance'],
  ['EQT', 3, 5, 2, 'P', 'at tolerance below'],
  ['EQT', 8, 5, 2, 'F', 'beyond tolerance'],
];

describe('evaluateNumeric', () => {
  it.each(NUMERIC_CASES)('%s value=%s low=%s high=%s → %s (%s)', (op, value, low, high, expected) => {
    expect(evaluateNumeric(op, value, low, high)).toBe(expected);
  });

  it('covers every numeric operator', () => {
    const covered = new Set(NUMERIC_CASES.map((c) => c[0]));
    const numericOps = Object.entries(COMP_OPS).filter(([, i]) => i.numeric).map(([op]) => op);
    expect([...covered].sort()).toEqual(numericOps.sort());
  });

  it('fails a NaN value or NaN limit for every comparing operator, and LOG still passes', () => {
    for (const [op, info] of Object.entries(COMP_OPS)) {
      if (!info.numeric) continue;
      const expected = info.limits === 'none' ? 'P' : 'F';
      expect(evaluateNumeric(op, NaN, 0, 10), op).toBe(expected);
      expect(evaluateNumeric(op, 'NaN', 0, 10), op).toBe(expected);
      if (info.limits !== 'none') expect(evaluateNumeric(op, 5, 'NaN', 'NaN'), op).toBe('F');
    }
  });

  it('reads WSJF number strings and infinities', () => {
    expect(evaluateNumeric('GELE', '5.5', '5', '6')).toBe('P');
    expect(evaluateNumeric('GT', 1e300, '-Infinity')).toBe('P');
    expect(evaluateNumeric('LT', 'Infinity', 5)).toBe('F');
  });

  it('matches operator names in any case', () => {
    expect(evaluateNumeric('gele', 5, 4, 6)).toBe('P');
    expect(normalizeCompOp('Log')).toBe('LOG');
    expect(normalizeCompOp('BETWEEN')).toBeUndefined();
  });

  it('throws a clear error when a needed limit is missing', () => {
    expect(() => evaluateNumeric('GE', 5)).toThrow(/GE needs lowLimit/);
    expect(() => evaluateNumeric('LT', 5, undefined, 10)).toThrow(/lowLimit only/);
    expect(() => evaluateNumeric('GELE', 5, 4)).toThrow(/GELE needs highLimit/);
    expect(() => evaluateNumeric('GELE', 5, null, 6)).toThrow(TypeError);
  });

  it('rejects string-only and unknown operators', () => {
    expect(() => evaluateNumeric('CASESENSIT', 5, 5)).toThrow(/not valid for a numeric/);
    expect(() => evaluateNumeric('XYZ', 5, 5)).toThrow(/unknown compOp/);
  });
});

describe('evaluateString', () => {
  it.each([
    ['LOG', 'x', undefined, 'P'],
    ['EQ', 'abc', 'abc', 'P'],
    ['EQ', 'abc', 'ABC', 'F'],
    ['NE', 'abc', 'ABC', 'P'],
    ['NE', 'abc', 'abc', 'F'],
    ['CASESENSIT', 'CaseSensitive', 'CaseSensitive', 'P'],
    ['CASESENSIT', 'caseSensitive', 'CaseSensitive', 'F'],
    ['IGNORECASE', 'caseSensitive', 'CaseSensitive', 'P'],
    ['IGNORECASE', 'caseSensitive', 'CaseSensitive2', 'F'],
  ] as const)('%s %j vs %j → %s', (op, value, limit, expected) => {
    expect(evaluateString(op, value, limit)).toBe(expected);
  });

  it('needs a limit and a string operator', () => {
    expect(() => evaluateString('CASESENSIT', 'a')).toThrow(/needs a limit/);
    expect(() => evaluateString('GT', 'a', 'b')).toThrow(/not valid for a string/);
    expect(evaluateString('EQ', null, 'a')).toBe('F');
  });
});

describe('COMP_OPS', () => {
  it('lists the limits each operator needs', () => {
    expect(Object.keys(COMP_OPS)).toHaveLength(18);
    for (const op of ['EQ', 'NE', 'GT', 'GE', 'LT', 'LE'] as const) expect(COMP_OPS[op].limits).toBe('low');
    for (const op of ['GTLT', 'GTLE', 'GELT', 'GELE', 'LTGT', 'LTGE', 'LEGT', 'LEGE', 'EQT'] as const) {
      expect(COMP_OPS[op].limits).toBe('both');
    }
    expect(COMP_OPS.LOG.limits).toBe('none');
    expect(COMP_OPS.CASESENSIT).toMatchObject({ numeric: false, string: true });
    expect(Object.isFrozen(COMP_OPS)).toBe(true);
  });
});

describe('agreement with the server export', () => {
  it('evaluates every recorded P/F measurement status in example_report_from_server.json', () => {
    const report = parseReport(fixtureText('example_report_from_server.json'));
    const seen = new Set<string>();
    let checked = 0;
    forEachStep(report, (step, path) => {
      const numeric = (step.numericMeas ?? []) as NumericMeasurement[];
      numeric.forEach((m, i) => {
        if (!m.compOp || (m.status !== 'P' && m.status !== 'F')) return;
        expect(evaluateNumeric(m.compOp, m.value, m.lowLimit, m.highLimit), `${path}.numericMeas[${i}]`).toBe(m.status);
        seen.add(`${normalizeCompOp(m.compOp)}:${m.status}`);
        checked++;
      });
      const strings = (step.stringMeas ?? []) as StringMeasurement[];
      strings.forEach((m, i) => {
        if (!m.compOp || (m.status !== 'P' && m.status !== 'F')) return;
        expect(evaluateString(m.compOp, m.value, m.limit), `${path}.stringMeas[${i}]`).toBe(m.status);
        seen.add(`${normalizeCompOp(m.compOp)}:${m.status}`);
        checked++;
      });
    });
    expect(checked).toBe(129);
    // The export has a passing and a failing case for every comparing numeric operator but EQT.
    for (const op of ['EQ', 'NE', 'GT', 'GE', 'LT', 'LE', 'GTLT', 'GTLE', 'GELT', 'GELE', 'LTGT', 'LTGE', 'LEGT', 'LEGE']) {
      expect(seen).toContain(`${op}:P`);
      expect(seen).toContain(`${op}:F`);
    }
  });
});
