import { describe, expect, it } from 'vitest';
import { ReportValidationError } from '../../src/core/errors.js';
import {
  FIELD_LIMITS, parseReport, serializeReport, validateReport, type UutReport, type WsjfReport,
} from '../../src/report/index.js';
import { FIXTURE_NAMES, fixtureJson, fixtureText } from './fixtures.js';

function minimalUut(): UutReport {
  return {
    id: '2961a76f-5631-49c6-8e93-15fe31635531', type: 'T', pn: 'PN1', sn: 'SN1', rev: 'A', processCode: 10,
    result: 'P', machineName: 'ST', location: 'Loc', purpose: 'Prod', start: '2026-11-21T19:25:54.448+01:00',
    uut: { user: 'op' },
    root: {
      stepType: 'SequenceCall', name: 'MainSequence Callback', group: 'M', status: 'P', id: 0,
      seqCall: { name: 'MainSequence Callback' },
      steps: [
        { stepType: 'ET_NLT', name: 'V', group: 'M', status: 'P', id: 1,
          numericMeas: [{ status: 'P', value: 5, unit: 'V', compOp: 'GELE', lowLimit: 4.5, highLimit: 5.5 }] },
        { stepType: 'ET_MSVT', name: 'S', group: 'M', status: 'P', id: 2,
          stringMeas: [{ name: 'a', status: 'P', value: 'x', compOp: 'LOG' }, { name: 'b', status: 'P', value: 'y', compOp: 'LOG' }] },
      ],
    },
  };
}

function validationError(fn: () => unknown): ReportValidationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ReportValidationError);
    return e as ReportValidationError;
  }
  throw new Error('expected a ReportValidationError');
}

describe('validateReport on real files', () => {
  for (const name of FIXTURE_NAMES) {
    it(`accepts ${name} in strict mode without warnings`, () => {
      const report = parseReport(fixtureText(name));
      const { report: out, warnings } = validateReport(report);
      expect(warnings).toEqual([]);
      expect(out).toBe(report);
    });
  }

  it('accepts a minimal hand-written UUT', () => {
    expect(validateReport(minimalUut()).warnings).toEqual([]);
  });
});

describe('strict mode', () => {
  it('collects every problem, each with its path, in one error', () => {
    const r = minimalUut() as unknown as Record<string, any>;
    r.id = 'not-a-uuid';
    r.pn = '';
    r.processCode = 10.5;
    r.result = 'S';
    r.start = '2026-11-21T19:25:54';
    r.root.steps[0].numericMeas[0].compOp = 'GELE';
    delete r.root.steps[0].numericMeas[0].highLimit;
    r.root.steps[0].group = 'X';
    r.root.steps[1].id = 1;
    r.root.steps[1].stringMeas[1].name = 'a';
    const err = validationError(() => validateReport(r as WsjfReport));
    const paths = err.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining([
      'id', 'pn', 'processCode', 'result', 'start',
      'root.steps[0].group', 'root.steps[0].numericMeas[0].highLimit',
      'root.steps[1].id', 'root.steps[1].stringMeas[1].name',
    ]));
    expect(err.issues.length).toBe(9);
    expect(err.message).toContain('root.steps[0].numericMeas[0].highLimit: is required by compOp GELE');
    expect(err.message).toContain('root.steps[1].id: duplicate step id 1 (also used by root.steps[0])');
    expect(err.message).toContain('start: must carry a UTC offset');
  });

  it('requires lowLimit for single-limit operators, including LT', () => {
    const r = minimalUut();
    r.root.steps![0]!.numericMeas = [{ status: 'P', value: 1, compOp: 'LT', highLimit: 5 }];
    const err = validationError(() => validateReport(r));
    expect(err.issues).toEqual([{ path: 'root.steps[0].numericMeas[0].lowLimit', message: 'is required by compOp LT' }]);
  });

  it('checks compOp validity per measurement kind and statuses', () => {
    const r = minimalUut();
    r.root.steps![0]!.numericMeas = [{ status: 'X' as 'P', value: 1, compOp: 'IGNORECASE' }];
    const err = validationError(() => validateReport(r));
    expect(err.issues.map((i) => i.path)).toEqual(['root.steps[0].numericMeas[0].status', 'root.steps[0].numericMeas[0].compOp']);
  });

  it('requires a UUT root and the UUR fields', () => {
    const uut = minimalUut() as Partial<UutReport>;
    delete uut.root;
    expect(validationError(() => validateReport(uut as UutReport)).issues).toEqual([{ path: 'root', message: 'is required' }]);
    const uur = fixtureJson('WATS - WSJF UUR Example file.json');
    uur.uur = { processCode: '10' };
    const paths = validationError(() => validateReport(uur as unknown as WsjfReport)).issues.map((i) => i.path);
    expect(paths).toEqual(['uur.processCode', 'uur.confirmDate', 'uur.finalizeDate']);
  });

  it('flags problematic characters in pn/sn unless allowed', () => {
    const r = minimalUut();
    r.sn = 'SN/1*';
    expect(validationError(() => validateReport(r)).issues[0]?.path).toBe('sn');
    const { warnings } = validateReport(r, { allowProblematicChars: true });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain('/ *');
  });

  it('checks chart types and base64 data', () => {
    const r = minimalUut();
    r.root.steps!.push(
      { stepType: 'Chart', name: 'c', status: 'P', chart: { chartType: 'LineChart' as 'Line', series: [] } },
      { stepType: 'WATS_AttachFile', name: 'f', status: 'P', attachment: { name: 'a', contentType: 'text/plain', data: 'abc!' } },
    );
    const paths = validationError(() => validateReport(r)).issues.map((i) => i.path);
    expect(paths).toEqual(['root.steps[2].chart.chartType', 'root.steps[3].attachment.data']);
  });

  it('flags XML-invalid control characters', () => {
    const r = minimalUut();
    r.root.steps![0]!.reportText = 'bad\u0001text';
    expect(validationError(() => validateReport(r)).message).toContain('root.steps[0].reportText: contains 1 XML-invalid');
  });

  it('honours limit overrides and rejects unknown ones', () => {
    const r = minimalUut();
    expect(validationError(() => validateReport(r, { limits: { pn: 2 } })).issues[0]?.path).toBe('pn');
    expect(() => validateReport(r, { limits: { nope: 1 } as never })).toThrow(RangeError);
  });
});

describe('truncate mode', () => {
  it('shortens a 150-character pn to 100 with a warning, leaving the input unchanged', () => {
    const r = minimalUut();
    r.pn = 'P'.repeat(150);
    const before = serializeReport(r);
    const { report, warnings } = validateReport(r, { mode: 'truncate' });
    expect(report.pn).toHaveLength(FIELD_LIMITS.pn);
    expect(warnings).toEqual([{ path: 'pn', message: 'truncated from 150 to 100 characters (limit pn = 100)' }]);
    expect(serializeReport(r)).toStrictEqual(before);
    expect(report).not.toBe(r);
  });

  it('strips XML-invalid characters and truncates nested fields', () => {
    const r = minimalUut();
    r.root.steps![0]!.name = `x\u0000${'n'.repeat(120)}`;
    const { report, warnings } = validateReport(r, { mode: 'truncate' });
    const step = (report as UutReport).root.steps![0]!;
    expect(step.name).toBe(`x${'n'.repeat(99)}`);
    expect(warnings.map((w) => w.path)).toEqual(['root.steps[0].name', 'root.steps[0].name']);
  });

  it('does not split a surrogate pair', () => {
    const r = minimalUut();
    r.rev = `${'a'.repeat(99)}😀`;
    const { report } = validateReport(r, { mode: 'truncate' });
    expect(report.rev).toBe('a'.repeat(99));
  });

  it('still throws for problems truncation cannot fix', () => {
    const r = minimalUut();
    r.pn = 'P'.repeat(150);
    r.processCode = 'ten' as unknown as number;
    const err = validationError(() => validateReport(r, { mode: 'truncate' }));
    expect(err.issues).toEqual([{ path: 'processCode', message: 'must be an integer, got "ten"' }]);
  });
});
