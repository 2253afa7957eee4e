import { describe, expect, it } from 'vitest';
import { ReportParseError } from '../../src/core/errors.js';
import {
  forEachStep, isSequenceCall, isStepType, parseReport, reportToJson, serializeReport, type WsjfReport,
} from '../../src/report/index.js';
import { FIXTURE_NAMES, fixtureJson, fixtureText } from './fixtures.js';

function parseError(fn: () => unknown): ReportParseError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ReportParseError);
    return e as ReportParseError;
  }
  throw new Error('expected a ReportParseError');
}

describe('parseReport round trip', () => {
  for (const name of FIXTURE_NAMES) {
    it(`keeps every key of ${name} (text input)`, () => {
      const report = parseReport(fixtureText(name));
      expect(serializeReport(report)).toStrictEqual(fixtureJson(name));
    });

    it(`keeps every key of ${name} through reportToJson`, () => {
      const report = parseReport(fixtureText(name));
      expect(JSON.parse(reportToJson(report, 2))).toStrictEqual(fixtureJson(name));
    });

    it(`accepts ${name} as UTF-8 bytes with a BOM`, () => {
      const bytes = new TextEncoder().encode(`\uFEFF${fixtureText(name)}`);
      expect(serializeReport(parseReport(bytes))).toStrictEqual(fixtureJson(name));
    });

    it(`accepts ${name} as an object and copies it`, () => {
      const input = fixtureJson(name);
      const report = parseReport(input);
      expect(report).not.toBe(input);
      expect(serializeReport(report)).toStrictEqual(fixtureJson(name));
      (report as Record<string, unknown>).pn = 'changed';
      expect(input.pn).not.toBe('changed');
    });
  }

  it('accepts a text with a BOM', () => {
    const report = parseReport(`\uFEFF${fixtureText(FIXTURE_NAMES[0])}`);
    expect(report.type).toBe('T');
  });

  it('keeps odd values, nulls and unknown keys exactly', () => {
    const uut = parseReport(fixtureText('WATS - WSJF UUT Example file.json'));
    expect(uut.startUTC).toBe('2020-01-01T08:00:00.Z');
    const uur = parseReport(fixtureText('WATS - WSJF UUR Example file.json'));
    expect(uur.productName).toBeNull();
    expect(uur.type === 'R' && uur.uur.children).toBeNull();
    const custom = parseReport({ type: 'T', somethingNew: { deep: [1, null] }, root: { stepType: 'X_Custom', name: 'c', status: 'P', weird: true } });
    expect(serializeReport(custom)).toStrictEqual({
      type: 'T', somethingNew: { deep: [1, null] }, root: { stepType: 'X_Custom', name: 'c', status: 'P', weird: true },
    });
  });

  it('keeps an own "__proto__" key as data', () => {
    const report = parseReport('{"type":"T","__proto__":{"x":1}}');
    expect(Object.getPrototypeOf(report)).toBe(Object.prototype);
    expect(JSON.parse(reportToJson(report))).toStrictEqual(JSON.parse('{"type":"T","__proto__":{"x":1}}'));
  });

  it('walks every step of the server export, including unknown step types', () => {
    const report = parseReport(fixtureText('example_report_from_server.json'));
    const types = new Set<string>();
    let count = 0;
    forEachStep(report, (step) => {
      count++;
      types.add(step.stepType);
    });
    expect(count).toBe(186);
    expect(types).toContain('NI_IVIDmm');
    expect(types).toContain('WATS_XYGMNLT');
    const root = (report as WsjfReport & { root: never }).root;
    expect(isSequenceCall(root)).toBe(true);
    forEachStep(report, (step) => {
      if (isStepType(step, 'MessagePopup')) expect(Number.isInteger(step.messagePopup?.button)).toBe(true);
      if (isStepType(step, 'WATS_XYGMNLT')) expect(step.chart?.chartType).toBe('Line');
    });
  });
});

describe('serialisation of non-finite numbers', () => {
  it('writes NaN and infinities as strings, never null', () => {
    const report = parseReport({
      type: 'T',
      root: { stepType: 'ET_NLT', name: 'n', status: 'F', numericMeas: [{ status: 'F', value: NaN, lowLimit: -Infinity, highLimit: Infinity }] },
    });
    const text = reportToJson(report);
    expect(text).toContain('"value":"NaN"');
    expect(text).toContain('"lowLimit":"-Infinity"');
    expect(text).toContain('"highLimit":"Infinity"');
    expect(text).not.toContain('null');
  });
});

describe('parse errors', () => {
  it('reports invalid JSON with line and column', () => {
    const err = parseError(() => parseReport('{\n  "type": "T",\n  "pn": }', { source: 'bad.json' }));
    expect(err.message).toContain('bad.json');
    expect(err.message).toMatch(/invalid JSON at line 3, column 9/);
    expect(err.code).toBe('WATS_ERR_REPORT_PARSE');
  });

  it('reports truncated JSON', () => {
    expect(parseError(() => parseReport('{"type":"T"')).message).toMatch(/line 1, column 12/);
  });

  it('rejects invalid UTF-8 bytes', () => {
    expect(parseError(() => parseReport(new Uint8Array([0x7b, 0xff, 0x7d]))).message).toContain('UTF-8');
  });

  it('rejects an array', () => {
    expect(parseError(() => parseReport('[]')).message).toContain('expected a JSON object, got an array');
    expect(parseError(() => parseReport([])).issues[0]?.path).toBe('');
  });

  it('rejects a wrong or missing type', () => {
    const err = parseError(() => parseReport({ type: 'X' }));
    expect(err.issues).toEqual([{ path: 'type', message: 'must be "T" or "R", got the string "X"' }]);
    expect(parseError(() => parseReport({})).message).toContain('type: is missing');
  });

  it('rejects a root that is not an object', () => {
    expect(parseError(() => parseReport({ type: 'T', root: [] })).message).toContain('root: must be an object');
  });

  it('rejects steps that are not an array, naming the path', () => {
    const err = parseError(() =>
      parseReport({ type: 'T', root: { stepType: 'SequenceCall', steps: [{ stepType: 'SequenceCall', steps: {} }] } }),
    );
    expect(err.message).toContain('root.steps[0].steps: must be an array, got an object');
  });

  it('rejects a step without a string stepType and a measurement list that is not an array', () => {
    const err = parseError(() =>
      parseReport({
        type: 'T',
        root: { stepType: 'SequenceCall', steps: [{ name: 'x' }, { stepType: 'ET_NLT', numericMeas: 'nope' }, 5] },
      }),
    );
    expect(err.issues.map((i) => i.path)).toEqual([
      'root.steps[0].stepType', 'root.steps[1].numericMeas', 'root.steps[2]',
    ]);
  });

  it('rejects circular objects', () => {
    const a: Record<string, unknown> = { type: 'T' };
    a.self = a;
    expect(parseError(() => parseReport(a)).message).toContain('self: circular reference');
  });
});
