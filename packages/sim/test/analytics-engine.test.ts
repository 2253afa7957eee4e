import { describe, expect, test } from 'vitest';
import { parseDimensions, sortRows } from '../src/domains/analytics/dimensions.js';
import { parseFilter } from '../src/domains/analytics/filter.js';
import { parseAvailableTime } from '../src/domains/analytics/oee.js';
import { DateGrouping, dateRange, periodLabel, periodStart } from '../src/domains/analytics/periods.js';
import { capability, specLimits, summarize } from '../src/domains/analytics/stats.js';
import { stepFacts } from '../src/domains/analytics/step-facts.js';
import { likeMatcher } from '../src/domains/process/wildcard.js';
import { HttpError } from '../src/errors.js';

const at = (iso: string): number => Date.parse(iso);

describe('filter values', () => {
  test('are LIKE patterns: % and _ wildcards, ; alternatives, case ignored', () => {
    expect(likeMatcher('PSU-%')('psu-100')).toBe(true);
    expect(likeMatcher('PSU-%')('XPSU-1')).toBe(false);
    expect(likeMatcher('SN_1')('SN-1')).toBe(true);
    expect(likeMatcher('SN_1')('SN--1')).toBe(false);
    expect(likeMatcher('A;B.c')('b.C')).toBe(true);
    expect(likeMatcher('a.c')('abc')).toBe(false); // regex characters are literal
    expect(likeMatcher('')('anything')).toBe(true);
    expect(likeMatcher('x')(undefined)).toBe(false);
  });

  test('a filter body binds like ASP.NET: names ignore case, wrong types are a 400 naming the field', () => {
    expect(parseFilter(Buffer.from('{"PARTNUMBER":"P1","topCount":"5","dateFrom":"2025-01-01T00:00:00Z","unknown":1,"level":null}'))).toEqual({
      partNumber: 'P1', topCount: 5, dateFrom: at('2025-01-01T00:00:00Z'),
    });
    expect(parseFilter(Buffer.alloc(0))).toEqual({});
    expect(() => parseFilter(Buffer.from('{"topCount":1.5,"dateTo":"soon","dateGrouping":9}'))).toThrow(
      new HttpError(400, 'topCount: must be an integer; dateTo: not a valid date; dateGrouping: must be one of -1, 0, 1, 2, 3, 4, 5'),
    );
    expect(() => parseFilter(Buffer.from('[1]'))).toThrow(/must be a JSON object/);
  });
});

describe('periods', () => {
  test('start and label of each grouping (UTC, ISO weeks starting Monday)', () => {
    const t = at('2025-12-31T13:45:00Z'); // a Wednesday in ISO week 2026-W01
    expect(periodLabel(t, DateGrouping.year)).toBe('2025');
    expect(periodLabel(t, DateGrouping.quarter)).toBe('2025-Q4');
    expect(periodLabel(t, DateGrouping.month)).toBe('2025-12');
    expect(periodLabel(t, DateGrouping.week)).toBe('2026-W01');
    expect(periodLabel(t, DateGrouping.day)).toBe('2025-12-31');
    expect(periodLabel(t, DateGrouping.hour)).toBe('2025-12-31 13:00');
    expect(periodLabel(t, DateGrouping.none)).toBeUndefined();
    expect(new Date(periodStart(t, DateGrouping.week)).toISOString()).toBe('2025-12-29T00:00:00.000Z');
    expect(new Date(periodStart(t, DateGrouping.quarter)).toISOString()).toBe('2025-10-01T00:00:00.000Z');
  });

  test('dateRange: explicit dates, else the last periodCount periods (the current one only when asked), else the default', () => {
    const now = at('2025-06-18T10:00:00Z');
    expect(dateRange({ dateFrom: 1, dateTo: 2 }, now)).toEqual({ from: 1, to: 2 });
    expect(dateRange({ periodCount: 2, dateGrouping: DateGrouping.month, includeCurrentPeriod: true }, now)).toEqual({ from: at('2025-05-01T00:00:00Z') });
    expect(dateRange({ periodCount: 2, dateGrouping: DateGrouping.month }, now)).toEqual({ from: at('2025-04-01T00:00:00Z'), to: at('2025-06-01T00:00:00Z') - 1 });
    expect(dateRange({ periodCount: 1 }, now)).toEqual({ from: at('2025-06-17T00:00:00Z'), to: at('2025-06-18T00:00:00Z') - 1 });
    expect(dateRange({}, now, { days: 7 })).toEqual({ from: at('2025-06-11T10:00:00Z') });
    expect(dateRange({}, now)).toEqual({});
  });
});

describe('statistics', () => {
  test('sample standard deviation, interpolated quartiles, capability from the comparison operator', () => {
    const s = summarize([1, 2, 3, 4])!;
    expect(s).toMatchObject({ count: 4, min: 1, max: 4, avg: 2.5, sum: 10, sum2: 30, median: 2.5, q1: 1.75, q3: 3.25 });
    expect(s.var).toBeCloseTo(5 / 3, 12);
    expect(summarize([7])).toMatchObject({ stdev: 0, var: 0 });
    expect(summarize([])).toBeUndefined();
    // Single-limit operators keep their limit in lowLimit, LT/LE included.
    expect(specLimits('LE', 5)).toEqual({ usl: 5 });
    expect(specLimits('gt', 1)).toEqual({ lsl: 1 });
    expect(specLimits('GELE', 1, 4)).toEqual({ lsl: 1, usl: 4 });
    expect(specLimits('EQT', 10, 0.5)).toEqual({ lsl: 9.5, usl: 10.5 });
    expect(specLimits('LOG')).toEqual({});
    const both = capability(s, { lsl: 0, usl: 6 });
    expect(both.cp).toBeCloseTo(6 / (6 * s.stdev), 12);
    expect(both.cpk).toBeCloseTo(2.5 / (3 * s.stdev), 12);
    expect(capability(s, { usl: 6 })).toEqual({ cpu: (6 - 2.5) / (3 * s.stdev), cpk: (6 - 2.5) / (3 * s.stdev) });
    expect(capability(summarize([3, 3])!, { lsl: 0, usl: 6 })).toEqual({});
  });
});

describe('dimensions and steps', () => {
  test('dimensions parse names, KPIs and directions; unknown names are a 400', () => {
    const d = parseDimensions('unitCount desc; PARTNUMBER ;period asc', ['partNumber', 'period'], ['unitCount']);
    expect(d.dimensions.map((x) => x.name)).toEqual(['partNumber', 'period']);
    expect(d.kpis).toEqual([{ name: 'unitCount', descending: true }]);
    expect(() => parseDimensions('colour', ['partNumber'], [])).toThrow(/'colour' is not supported/);
    expect(() => parseDimensions('partNumber sideways', ['partNumber'], [])).toThrow(/cannot read/);
    const rows = [{ a: 'b', n: 1 }, { a: 'A', n: 2 }, { n: 3 }];
    expect(sortRows(rows, [{ name: 'a', descending: true }]).map((r) => r.n)).toEqual([1, 2, 3]); // missing values last
  });

  test('step paths join names with ¶; sequences are told apart from test steps', () => {
    const steps = stepFacts({
      name: 'Main', stepType: 'SequenceCall', steps: [
        { name: 'Power', stepType: 'SequenceCall', steps: [{ name: '3V3', stepType: 'ET_NLT', status: 'F', numericMeas: [{ value: 'NaN', compOp: 'LOG' }] }] },
        { name: 'Load', stepType: 'ET_MNLT', numericMeas: [{ name: 'a', value: 1 }] },
      ],
    });
    expect(steps.map((s) => [s.path, s.isSequence])).toEqual([
      ['Main', true], ['Main¶Power', true], ['Main¶Power¶3V3', false], ['Main¶Load', false],
    ]);
    expect(steps[2]!.numeric).toEqual([{ value: undefined, compOp: 'LOG' }]);
    expect(steps[3]!.numeric[0]!.name).toBe('a'); // a multi step keeps names even with one measurement
  });

  test('availableTime needs seven hour counts', () => {
    expect(parseAvailableTime('8, 8,8,8,8,0,0')).toEqual([8, 8, 8, 8, 8, 0, 0]);
    for (const bad of ['24', '25,1,1,1,1,1,1', '1,1,1,,1,1,1', 'a,b,c,d,e,f,g']) expect(() => parseAvailableTime(bad)).toThrow(HttpError);
  });
});
