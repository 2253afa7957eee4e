/**
 * Step-tree validation (internal to the report module): statuses, groups, comparison
 * operators and their limits, multi-measurement names, unique step ids, charts and
 * attachments. Loops are deliberately not validated (their submit shape is unverified).
 */
import { COMP_OPS, normalizeCompOp, type CompOpLimits } from './comp-op.js';
import type { CompOp } from './types.js';
import { isBase64 } from './encoding.js';
import { MULTI_STEP_TYPES } from './steps.js';
import {
  absent, checkEnum, checkInt, checkNumber, checkText, describe, error, isObj, join,
  type Obj, type ValidationContext,
} from './validate-fields.js';

/** Valid step and measurement statuses. */
export const STEP_STATUSES = ['P', 'F', 'S', 'D', 'E', 'T'] as const;
const GROUPS = ['S', 'M', 'C'] as const;
const CHART_TYPES = ['Line', 'LineLogXY', 'LineLogX', 'LineLogY'] as const;
const SEQUENCE_TYPES = ['SequenceCall', 'WATS_SeqCall'];

/**
 * Validates a step tree rooted at `root` (a report's `root` or a sub unit's `root`).
 * Step ids must be unique within the tree.
 */
export function checkStepTree(ctx: ValidationContext, root: unknown, path: string): void {
  if (!isObj(root)) {
    error(ctx, path, `must be a step object, got ${describe(root)}`);
    return;
  }
  if (typeof root.stepType === 'string' && !SEQUENCE_TYPES.includes(root.stepType)) {
    error(ctx, join(path, 'stepType'), `the root step must be a SequenceCall, got ${describe(root.stepType)}`);
  }
  checkStep(ctx, root, path, new Map());
}

function checkStep(ctx: ValidationContext, step: unknown, path: string, ids: Map<string, string>): void {
  if (!isObj(step)) {
    error(ctx, path, `a step must be an object, got ${describe(step)}`);
    return;
  }
  if (typeof step.stepType !== 'string') error(ctx, join(path, 'stepType'), `must be a string, got ${describe(step.stepType)}`);
  checkText(ctx, step, 'name', path, { required: true, limit: 'step.name' });
  checkEnum(ctx, step, 'group', path, GROUPS);
  checkEnum(ctx, step, 'status', path, STEP_STATUSES, true);
  checkStepId(ctx, step, path, ids);
  if (isObj(step.seqCall)) {
    const p = join(path, 'seqCall');
    checkText(ctx, step.seqCall, 'name', p, { limit: 'seqCall.name' });
    checkText(ctx, step.seqCall, 'version', p, { limit: 'seqCall.version' });
    checkText(ctx, step.seqCall, 'path', p, { limit: 'seqCall.path' });
  }
  const multi = MULTI_STEP_TYPES.has(String(step.stepType));
  for (const key of ['numericMeas', 'booleanMeas', 'stringMeas'] as const) {
    checkMeasurements(ctx, step, key, path, multi);
  }
  if (!absent(ctx, step, 'chart', path)) checkChart(ctx, step.chart, join(path, 'chart'));
  if (!absent(ctx, step, 'attachment', path)) checkAttachment(ctx, step.attachment, join(path, 'attachment'), 'attachment');
  if (isObj(step.messagePopup)) {
    const p = join(path, 'messagePopup');
    checkText(ctx, step.messagePopup, 'response', p, { limit: 'messagePopup.response' });
    checkInt(ctx, step.messagePopup, 'button', p);
  }
  if (isObj(step.callExe)) checkNumber(ctx, step.callExe, 'exitCode', join(path, 'callExe'));
  checkAdditionalData(ctx, step, 'additionalResults', path);
  if (absent(ctx, step, 'steps', path)) return;
  if (!Array.isArray(step.steps)) {
    error(ctx, join(path, 'steps'), `must be an array, got ${describe(step.steps)}`);
    return;
  }
  step.steps.forEach((child: unknown, i) => checkStep(ctx, child, `${join(path, 'steps')}[${i}]`, ids));
}

function checkStepId(ctx: ValidationContext, step: Obj, path: string, ids: Map<string, string>): void {
  if (absent(ctx, step, 'id', path)) return;
  const id = step.id;
  if (typeof id !== 'number' && typeof id !== 'string') {
    error(ctx, join(path, 'id'), `must be an integer or a string, got ${describe(id)}`);
    return;
  }
  const key = String(id);
  const first = ids.get(key);
  if (first !== undefined) error(ctx, join(path, 'id'), `duplicate step id ${key} (also used by ${first})`);
  else ids.set(key, path);
}

function checkMeasurements(ctx: ValidationContext, step: Obj, key: 'numericMeas' | 'booleanMeas' | 'stringMeas', path: string, multi: boolean): void {
  if (absent(ctx, step, key, path)) return;
  const list = step[key];
  const listPath = join(path, key);
  if (!Array.isArray(list)) {
    error(ctx, listPath, `must be an array, got ${describe(list)}`);
    return;
  }
  const needNames = multi || list.length > 1;
  const names = new Map<string, number>();
  list.forEach((m: unknown, i) => {
    const p = `${listPath}[${i}]`;
    if (!isObj(m)) {
      error(ctx, p, `a measurement must be an object, got ${describe(m)}`);
      return;
    }
    checkEnum(ctx, m, 'status', p, STEP_STATUSES, true);
    const name = checkText(ctx, m, 'name', p, { required: needNames, nonEmpty: needNames });
    if (needNames && name !== undefined && name.trim() !== '') {
      const first = names.get(name);
      if (first !== undefined) error(ctx, join(p, 'name'), `duplicate measurement name ${describe(name)} (also ${key}[${first}])`);
      else names.set(name, i);
    }
    if (key === 'numericMeas') checkNumeric(ctx, m, p);
    if (key === 'stringMeas') checkString(ctx, m, p);
  });
}

interface ResolvedOp {
  op: CompOp;
  limits: CompOpLimits;
}

/** The measurement's operator (missing = LOG), or undefined after reporting an invalid one. */
function compOpOf(ctx: ValidationContext, m: Obj, path: string, kind: 'numeric' | 'string'): ResolvedOp | undefined {
  if (absent(ctx, m, 'compOp', path)) return { op: 'LOG', limits: 'none' };
  const op = normalizeCompOp(m.compOp);
  if (!op) {
    error(ctx, join(path, 'compOp'), `unknown comparison operator ${describe(m.compOp)}`);
    return undefined;
  }
  const info = COMP_OPS[op];
  if (!info[kind]) {
    error(ctx, join(path, 'compOp'), `${op} is not valid on a ${kind} measurement`);
    return undefined;
  }
  return { op, limits: info.limits };
}

function checkWsjfNumber(ctx: ValidationContext, m: Obj, key: string, path: string, requiredBecause?: string): void {
  if (absent(ctx, m, key, path)) {
    if (requiredBecause) error(ctx, join(path, key), `is required ${requiredBecause}`);
    return;
  }
  const v = m[key];
  if (typeof v !== 'number' && typeof v !== 'string') error(ctx, join(path, key), `must be a number or a numeric string, got ${describe(v)}`);
}

function checkNumeric(ctx: ValidationContext, m: Obj, path: string): void {
  checkWsjfNumber(ctx, m, 'value', path, 'for a numeric measurement');
  checkText(ctx, m, 'unit', path);
  const r = compOpOf(ctx, m, path, 'numeric');
  const by = r ? `by compOp ${r.op}` : undefined;
  checkWsjfNumber(ctx, m, 'lowLimit', path, r && r.limits !== 'none' ? by : undefined);
  checkWsjfNumber(ctx, m, 'highLimit', path, r && r.limits === 'both' ? by : undefined);
}

function checkString(ctx: ValidationContext, m: Obj, path: string): void {
  checkText(ctx, m, 'value', path, { required: true });
  const r = compOpOf(ctx, m, path, 'string');
  if (absent(ctx, m, 'limit', path)) {
    if (r && r.limits !== 'none') error(ctx, join(path, 'limit'), `is required by compOp ${r.op}`);
  } else checkText(ctx, m, 'limit', path);
}

function checkChart(ctx: ValidationContext, chart: unknown, path: string): void {
  if (!isObj(chart)) {
    error(ctx, path, `must be an object, got ${describe(chart)}`);
    return;
  }
  checkEnum(ctx, chart, 'chartType', path, CHART_TYPES, true);
  checkText(ctx, chart, 'label', path, { limit: 'chart.label' });
  checkText(ctx, chart, 'xLabel', path, { limit: 'chart.xLabel' });
  checkText(ctx, chart, 'yLabel', path, { limit: 'chart.yLabel' });
  checkText(ctx, chart, 'xUnit', path, { limit: 'chart.xUnit' });
  checkText(ctx, chart, 'yUnit', path, { limit: 'chart.yUnit' });
  if (absent(ctx, chart, 'series', path)) return;
  if (!Array.isArray(chart.series)) {
    error(ctx, join(path, 'series'), `must be an array, got ${describe(chart.series)}`);
    return;
  }
  chart.series.forEach((s: unknown, i) => {
    const p = `${join(path, 'series')}[${i}]`;
    if (!isObj(s)) return error(ctx, p, `must be an object, got ${describe(s)}`);
    checkText(ctx, s, 'name', p, { limit: 'chart.seriesName' });
    checkText(ctx, s, 'xdata', p);
    checkText(ctx, s, 'ydata', p, { required: true });
  });
}

/** Checks a step `attachment` or a `binaryData[]` element. */
export function checkAttachment(ctx: ValidationContext, a: unknown, path: string, kind: 'attachment' | 'binaryData'): void {
  if (!isObj(a)) {
    error(ctx, path, `must be an object, got ${describe(a)}`);
    return;
  }
  checkText(ctx, a, 'name', path, { required: true, nonEmpty: true, limit: `${kind}.name` });
  checkText(ctx, a, 'contentType', path, { required: true, nonEmpty: true, limit: `${kind}.contentType` });
  checkText(ctx, a, 'description', path, { limit: `${kind}.description` });
  const data = checkText(ctx, a, 'data', path, { required: true });
  if (data !== undefined && !isBase64(data)) error(ctx, join(path, 'data'), 'is not valid base64');
  checkInt(ctx, a, 'failIdx', path);
}

/** Checks `additionalData[]` / `additionalResults[]`: an array of `{ name, props }`. */
export function checkAdditionalData(ctx: ValidationContext, holder: Obj, key: string, path: string): void {
  if (absent(ctx, holder, key, path)) return;
  const list = holder[key];
  if (!Array.isArray(list)) return error(ctx, join(path, key), `must be an array, got ${describe(list)}`);
  list.forEach((d: unknown, i) => {
    const p = `${join(path, key)}[${i}]`;
    if (!isObj(d)) return error(ctx, p, `must be an object, got ${describe(d)}`);
    checkText(ctx, d, 'name', p, { required: true, limit: 'additionalData.name' });
    if (!absent(ctx, d, 'props', p) && !Array.isArray(d.props)) error(ctx, join(p, 'props'), `must be an array, got ${describe(d.props)}`);
  });
}
