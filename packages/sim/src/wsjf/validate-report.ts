import { isGuid } from '../guid.js';
import { parseWsjfDate } from './dates.js';

/** A WSJF report as a plain JSON object. */
export type WsjfReport = Record<string, unknown>;

/** The report statuses a WSJF `result` may carry (no `S`: a report cannot be skipped). */
export const REPORT_RESULTS = ['P', 'F', 'D', 'E', 'T'] as const;

/** Measurement arrays a step may carry. */
const MEASUREMENT_KEYS = ['numericMeas', 'booleanMeas', 'stringMeas'] as const;
/** Report-level arrays. */
const REPORT_ARRAYS = ['subUnits', 'miscInfos', 'assets', 'assetStats', 'binaryData', 'additionalData'] as const;

/** Most errors are listed; after this many the rest are summarised. */
const MAX_ERRORS = 10;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null;
}

/**
 * The server-side checks on a submitted WSJF report. Returns `"field: problem"` texts (empty
 * when the report is accepted). Collections may be `null` (the .NET serializer accepts that),
 * but when present they must be arrays.
 */
export function validateWsjfReport(body: unknown): string[] {
  if (!isObject(body)) return ['report: must be a JSON object'];
  const errors: string[] = [];

  const type = body.type;
  if (isAbsent(type)) errors.push('type: required');
  else if (type !== 'T' && type !== 'R') errors.push('type: must be "T" or "R"');

  if (!isAbsent(body.id) && !isGuid(body.id)) errors.push('id: not a GUID');

  for (const key of ['pn', 'sn', 'rev'] as const) {
    const value = body[key];
    if (isAbsent(value)) errors.push(`${key}: required`);
    else if (typeof value !== 'string') errors.push(`${key}: must be a string`);
    else if (value.trim() === '') errors.push(`${key}: required`);
  }
  for (const key of ['machineName', 'location', 'purpose'] as const) {
    if (!isAbsent(body[key]) && typeof body[key] !== 'string') errors.push(`${key}: must be a string`);
  }

  if (isAbsent(body.processCode)) errors.push('processCode: required');
  else if (typeof body.processCode !== 'number' || !Number.isInteger(body.processCode)) {
    errors.push('processCode: must be an integer');
  }

  if (isAbsent(body.result)) errors.push('result: required');
  else if (!(REPORT_RESULTS as readonly unknown[]).includes(body.result)) {
    errors.push(`result: must be one of ${REPORT_RESULTS.join(', ')}`);
  }

  const start = isAbsent(body.start) ? body.startUTC : body.start;
  if (isAbsent(start)) errors.push('start: required');
  else if (typeof start !== 'string' || parseWsjfDate(start) === undefined) {
    errors.push(`${isAbsent(body.start) ? 'startUTC' : 'start'}: not a valid date`);
  }

  for (const key of REPORT_ARRAYS) {
    if (!isAbsent(body[key]) && !Array.isArray(body[key])) errors.push(`${key}: must be an array`);
  }

  if (type === 'T') {
    if (!isAbsent(body.uut) && !isObject(body.uut)) errors.push('uut: must be an object');
    if (isAbsent(body.root)) errors.push('root: required');
    else checkSteps(body.root, 'root', errors);
  } else if (type === 'R') {
    if (isAbsent(body.uur)) errors.push('uur: required');
    else if (!isObject(body.uur)) errors.push('uur: must be an object');
  }

  if (errors.length > MAX_ERRORS) {
    return [...errors.slice(0, MAX_ERRORS), `... and ${errors.length - MAX_ERRORS} more`];
  }
  return errors;
}

/** Walks the step tree without recursion (a deep tree must not overflow the stack). */
function checkSteps(root: unknown, rootPath: string, errors: string[]): void {
  const stack: Array<[unknown, string]> = [[root, rootPath]];
  while (stack.length > 0 && errors.length <= MAX_ERRORS) {
    const [step, path] = stack.pop()!;
    if (!isObject(step)) {
      errors.push(`${path}: must be an object`);
      continue;
    }
    if (isAbsent(step.stepType) || step.stepType === '') errors.push(`${path}.stepType: required`);
    else if (typeof step.stepType !== 'string') errors.push(`${path}.stepType: must be a string`);
    for (const key of MEASUREMENT_KEYS) {
      const meas = step[key];
      if (isAbsent(meas)) continue;
      if (!Array.isArray(meas)) errors.push(`${path}.${key}: must be an array`);
      else meas.forEach((m, i) => {
        if (!isObject(m)) errors.push(`${path}.${key}[${i}]: must be an object`);
      });
    }
    const steps = step.steps;
    if (isAbsent(steps)) continue;
    if (!Array.isArray(steps)) {
      errors.push(`${path}.steps: must be an array`);
      continue;
    }
    for (let i = steps.length - 1; i >= 0; i--) stack.push([steps[i], `${path}.steps[${i}]`]);
  }
}
