/**
 * Step-kind helpers: type guards for the {@link Step} union and a depth-first tree walk.
 */
import type { KnownStep, KnownStepType, SequenceCallStep, Step } from './step-types.js';
import type { WsjfReport } from './types.js';

/** The keys that hold measurement arrays, by measurement kind. */
export const MEASUREMENT_KEYS = ['numericMeas', 'booleanMeas', 'stringMeas'] as const;

/** One of {@link MEASUREMENT_KEYS}. */
export type MeasurementKey = (typeof MEASUREMENT_KEYS)[number];

/** Step types whose measurements must each carry a unique `name` (sdk.md §2.10). */
export const MULTI_STEP_TYPES: ReadonlySet<string> = new Set([
  'ET_MNLT', 'MultiNumericLimitTest', 'ET_MPFT', 'MultiBooleanTest', 'ET_MSVT', 'MultiStringTest',
]);

const SEQUENCE_STEP_TYPES: ReadonlySet<string> = new Set(['SequenceCall', 'WATS_SeqCall']);

/** The modelled step type(s) whose `stepType` can be `T`. */
export type StepOfType<T extends KnownStepType> = KnownStep extends infer S
  ? S extends KnownStep
    ? T extends S['stepType']
      ? S
      : never
    : never
  : never;

/**
 * True when `step` is a sequence call (`SequenceCall` or its alias `WATS_SeqCall`).
 * @param step - Any step.
 */
export function isSequenceCall(step: Step): step is SequenceCallStep {
  return SEQUENCE_STEP_TYPES.has(step.stepType);
}

/**
 * Narrows a step by its `stepType`, e.g. `isStepType(step, 'ET_NLT', 'NumericLimitTest')`.
 * Use this instead of a bare `switch`: unknown steps have `stepType: string`, so a plain
 * comparison cannot exclude them.
 * @param step - Any step.
 * @param types - The accepted `stepType` values.
 */
export function isStepType<T extends KnownStepType>(step: Step, ...types: T[]): step is StepOfType<T> {
  return (types as string[]).includes(step.stepType);
}

/**
 * Called for each step by {@link forEachStep}. Return `false` to skip the step's children.
 * @param step - The step.
 * @param path - Its JSON path, e.g. `root.steps[2]`.
 * @param parent - The enclosing sequence, if any.
 */
export type StepVisitor = (step: Step, path: string, parent: SequenceCallStep | undefined) => void | boolean;

/**
 * Walks steps depth-first in document order (parents before children).
 * Given a report, it walks `root` and every `subUnits[i].root`.
 * Tolerates missing or malformed `steps` arrays (skips anything that is not a step object).
 * @param from - A report or a step.
 * @param visit - Called once per step.
 * @param basePath - The path of `from` when it is a step (default `root`).
 */
export function forEachStep(from: WsjfReport | Step, visit: StepVisitor, basePath = 'root'): void {
  if ('stepType' in from && typeof from.stepType === 'string') {
    walk(from as Step, basePath, undefined, visit);
    return;
  }
  const report = from as Record<string, unknown>;
  if (isStepObject(report.root)) walk(report.root, 'root', undefined, visit);
  if (Array.isArray(report.subUnits)) {
    report.subUnits.forEach((unit: unknown, i) => {
      const root = isObject(unit) ? unit.root : undefined;
      if (isStepObject(root)) walk(root, `subUnits[${i}].root`, undefined, visit);
    });
  }
}

function walk(step: Step, path: string, parent: SequenceCallStep | undefined, visit: StepVisitor): void {
  if (visit(step, path, parent) === false) return;
  const children = (step as Record<string, unknown>).steps;
  if (!Array.isArray(children)) return;
  const self = step as SequenceCallStep;
  children.forEach((child: unknown, i) => {
    if (isStepObject(child)) walk(child, `${path}.steps[${i}]`, self, visit);
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStepObject(v: unknown): v is Step {
  return isObject(v) && typeof v.stepType === 'string';
}
