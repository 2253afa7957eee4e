import { int, list, num, obj, str, type Json } from './json.js';

/**
 * Steps as analytics sees them. Paths follow the WATS measurement-path convention of the
 * `App/Measurements` description: step names from the root sequence down, joined by the
 * paragraph mark (`MainSequence Callback¶Power¶3V3`); a measurement of a multi-measurement step
 * adds two marks and its name (`…¶Load¶¶10 %`).
 */
export const PATH_SEPARATOR = '\u00b6';

export interface NumericFact {
  /** Measurement name (multi-measurement steps); absent for a single measurement. */
  name?: string;
  /** Undefined when the value is not a finite number (`"NaN"`). */
  value: number | undefined;
  low?: number;
  high?: number;
  compOp?: string;
  unit?: string;
  status?: string;
}

export interface StepFact {
  id?: number;
  name: string;
  /** Full path including the step's own name. */
  path: string;
  stepType: string;
  group?: string;
  /** WSJF status letter: P F S D E T. */
  status: string;
  /** Seconds. */
  totTime?: number;
  causedUutFailure: boolean;
  /** A sequence call (has or may have children); the root is one. */
  isSequence: boolean;
  numeric: NumericFact[];
}

const SEQUENCE_TYPES = new Set(['sequencecall', 'wats_seqcall']);

function numericOf(step: Json): NumericFact[] {
  const meas = list(step.numericMeas);
  return meas.map((m) => {
    const fact: NumericFact = { value: num(m.value) };
    const name = str(m.name);
    if (name !== undefined && meas.length > 1) fact.name = name;
    else if (name !== undefined && name !== '' && str(step.stepType)?.toUpperCase().includes('MNLT')) fact.name = name;
    const low = num(m.lowLimit);
    const high = num(m.highLimit);
    if (low !== undefined) fact.low = low;
    if (high !== undefined) fact.high = high;
    for (const key of ['compOp', 'unit', 'status'] as const) {
      const v = str(m[key]);
      if (v !== undefined) fact[key] = v;
    }
    return fact;
  });
}

/** Every step of a UUT's tree, depth-first in document order, the root first. No recursion. */
export function stepFacts(root: unknown): StepFact[] {
  const out: StepFact[] = [];
  const stack: Array<[unknown, string]> = [[root, '']];
  while (stack.length > 0) {
    const [value, parentPath] = stack.pop()!;
    const step = obj(value);
    if (!step) continue;
    const name = str(step.name) ?? '';
    const path = parentPath === '' ? name : `${parentPath}${PATH_SEPARATOR}${name}`;
    const stepType = str(step.stepType) ?? '';
    const children = Array.isArray(step.steps) ? step.steps : [];
    const fact: StepFact = {
      name,
      path,
      stepType,
      status: str(step.status) ?? 'P',
      causedUutFailure: step.causedUUTFailure === true,
      isSequence: SEQUENCE_TYPES.has(stepType.toLowerCase()) || children.length > 0,
      numeric: numericOf(step),
    };
    const id = int(step.id);
    if (id !== undefined) fact.id = id;
    const group = str(step.group);
    if (group !== undefined) fact.group = group;
    const totTime = num(step.totTime);
    if (totTime !== undefined) fact.totTime = totTime;
    out.push(fact);
    for (let i = children.length - 1; i >= 0; i--) stack.push([children[i], path]);
  }
  return out;
}

/** The path of a numeric measurement: the step path, plus `¶¶name` in a multi step. */
export function measurementPath(step: StepFact, m: NumericFact): string {
  return m.name === undefined ? step.path : `${step.path}${PATH_SEPARATOR}${PATH_SEPARATOR}${m.name}`;
}

/** Steps that do the testing (not sequence calls): the ones failure statistics count. */
export function isTestStep(step: StepFact): boolean {
  return !step.isSequence;
}
