/**
 * Lenient, lossless WSJF parsing and serialisation.
 *
 * The parsed report *is* the JSON tree (a fresh copy of it), typed. Parsing checks only what
 * is needed to call the input a report and to walk its step tree; every key, unknown step
 * type, `null` and odd value (`startUTC: "2020-01-01T08:00:00.Z"`) is kept exactly, so
 * `serializeReport(parseReport(x))` deep-equals `x`. Use `validateReport` for everything else.
 */
import { ReportParseError, type ReportIssue } from '../core/errors.js';
import { locateJsonError } from './json-error.js';
import { cloneJsonTree, JsonTreeError, shareJsonTree } from './json-tree.js';
import { MEASUREMENT_KEYS } from './steps.js';
import type { WsjfReport } from './types.js';

/** Options for {@link parseReport}. */
export interface ParseReportOptions {
  /** Where the input came from (a file name, a URL); prefixed to error messages. */
  source?: string;
}

/**
 * Parses a WSJF report leniently and losslessly.
 *
 * Accepts JSON text (a leading UTF-8 BOM is ignored), UTF-8 bytes, or an already parsed
 * object (deep-copied, so later changes to the input do not leak into the report).
 *
 * Throws {@link ReportParseError}, listing every problem with its JSON path, when the input
 * is not valid JSON (with line and column), not an object, has a `type` other than `T`/`R`,
 * has a `root` that is not an object, a step that is not an object or lacks a string
 * `stepType`, or a `steps`/`numericMeas`/`booleanMeas`/`stringMeas` value that is neither
 * an array (of objects) nor null.
 * @param input - JSON text, UTF-8 bytes, or a parsed JSON object.
 * @param options - See {@link ParseReportOptions}.
 */
export function parseReport(input: string | Uint8Array | object, options: ParseReportOptions = {}): WsjfReport {
  const fail = (issues: ReportIssue[], cause?: unknown): never => {
    throw new ReportParseError(issues, { cause, source: options.source });
  };
  let tree: unknown;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    let text: string;
    if (typeof input === 'string') text = input;
    else {
      try {
        // fatal: reject invalid UTF-8 rather than silently inserting U+FFFD.
        text = new TextDecoder('utf-8', { fatal: true }).decode(input);
      } catch (e) {
        return fail([{ path: '', message: 'input is not valid UTF-8' }], e);
      }
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    try {
      tree = JSON.parse(text);
    } catch (e) {
      return fail([{ path: '', message: describeJsonError(text, e) }], e);
    }
  } else {
    try {
      tree = cloneJsonTree(input, 'keep');
    } catch (e) {
      if (e instanceof JsonTreeError) return fail([{ path: e.path, message: e.message }], e);
      throw e;
    }
  }
  const issues = checkStructure(tree);
  if (issues.length > 0) fail(issues);
  return tree as WsjfReport;
}

/**
 * @internal The input itself, typed as a report, when it already is plain JSON that
 * {@link parseReport} would accept and copy unchanged (plain objects and arrays, strings,
 * booleans, null, finite numbers; no `toJSON`, no undefined) and that {@link serializeReport}
 * would not change either: then `JSON.stringify(input)` is exactly `reportToJson(parseReport(input))`.
 * Undefined otherwise (the caller takes the copying path, which gives the same result or error).
 * One walk without copying, for callers that serialise at once (`reports.submit`).
 */
export function plainReport(input: unknown): WsjfReport | undefined {
  if (typeof input !== 'object' || input === null || input instanceof Uint8Array) return undefined;
  try {
    if (shareJsonTree(input, 'string') !== input) return undefined;
  } catch {
    return undefined;
  }
  return checkStructure(input).length === 0 ? (input as WsjfReport) : undefined;
}

/**
 * Returns a plain, JSON-ready copy of a report: non-finite numbers become the strings
 * `"NaN"`, `"Infinity"` and `"-Infinity"`, undefined values are dropped, `toJSON()` is honoured.
 * @param report - The report (parsed, built or hand-written).
 * @throws TypeError when the report is not an object or contains a cycle or a bigint.
 */
export function serializeReport(report: WsjfReport): Record<string, unknown> {
  let out: unknown;
  try {
    out = cloneJsonTree(report, 'string');
  } catch (e) {
    if (e instanceof JsonTreeError) throw new TypeError(`serializeReport: ${e.message}`, { cause: e });
    throw e;
  }
  if (typeof out !== 'object' || out === null || Array.isArray(out)) {
    throw new TypeError('serializeReport: a report must be an object');
  }
  return out as Record<string, unknown>;
}

/**
 * Serialises a report to JSON text; non-finite numbers are written as `"NaN"`,
 * `"Infinity"` and `"-Infinity"` (never `null`, never bare `NaN`).
 * @param report - The report.
 * @param space - Indentation, as for `JSON.stringify`.
 */
export function reportToJson(report: WsjfReport, space?: string | number): string {
  return JSON.stringify(serializeReport(report), null, space);
}

function describeJsonError(text: string, err: unknown): string {
  const engine = err instanceof Error ? err.message : String(err);
  let where: string;
  try {
    const loc = locateJsonError(text);
    where = loc ? ` at line ${loc.line}, column ${loc.column} (position ${loc.position})` : '';
  } catch {
    where = ''; // e.g. absurd nesting depth: fall back to the engine's message alone
  }
  return `invalid JSON${where}: ${engine}`;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return `${typeof v} ${String(v)}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkStructure(tree: unknown): ReportIssue[] {
  const issues: ReportIssue[] = [];
  if (!isObject(tree)) {
    issues.push({ path: '', message: `expected a JSON object, got ${kindOf(tree)}` });
    return issues;
  }
  if (tree.type !== 'T' && tree.type !== 'R') {
    issues.push({
      path: 'type',
      message: tree.type === undefined ? 'is missing (expected "T" or "R")' : `must be "T" or "R", got ${kindOf(tree.type)}`,
    });
  }
  checkRoot(tree.root, 'root', issues);
  if (Array.isArray(tree.subUnits)) {
    tree.subUnits.forEach((u: unknown, i) => {
      if (isObject(u)) checkRoot(u.root, `subUnits[${i}].root`, issues);
    });
  }
  return issues;
}

function checkRoot(root: unknown, path: string, issues: ReportIssue[]): void {
  if (root === undefined || root === null) return;
  if (!isObject(root)) {
    issues.push({ path, message: `must be an object, got ${kindOf(root)}` });
    return;
  }
  checkStep(root, path, issues);
}

function checkStep(step: unknown, path: string, issues: ReportIssue[]): void {
  if (!isObject(step)) {
    issues.push({ path, message: `a step must be an object, got ${kindOf(step)}` });
    return;
  }
  if (typeof step.stepType !== 'string') {
    issues.push({
      path: `${path}.stepType`,
      message: step.stepType === undefined ? 'is missing' : `must be a string, got ${kindOf(step.stepType)}`,
    });
  }
  for (const key of MEASUREMENT_KEYS) {
    const list = step[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      issues.push({ path: `${path}.${key}`, message: `must be an array, got ${kindOf(list)}` });
      continue;
    }
    list.forEach((m: unknown, i) => {
      if (!isObject(m)) issues.push({ path: `${path}.${key}[${i}]`, message: `must be an object, got ${kindOf(m)}` });
    });
  }
  const children = step.steps;
  if (children === undefined || children === null) return;
  if (!Array.isArray(children)) {
    issues.push({ path: `${path}.steps`, message: `must be an array, got ${kindOf(children)}` });
    return;
  }
  children.forEach((child: unknown, i) => checkStep(child, `${path}.steps[${i}]`, issues));
}
