/**
 * Pre-submit report validation (sdk.md §3.2 "Recommendation").
 *
 * Rules were checked against the three real WSJF files: a server export that fails a rule
 * means the rule is wrong. So loops, `xUnit: null`, `testSocketIndex: -1`, UUR dates without
 * an offset, `compOp: "Log"` (any case) and status/measurement mismatches are all accepted;
 * `startUTC` is not validated at all.
 */
import { ReportValidationError, type ReportIssue } from '../core/errors.js';
import { cloneJsonTree } from './json-tree.js';
import { resolveFieldLimits, type FieldLimits } from './limits.js';
import type { WsjfReport } from './types.js';
import {
  absent, checkDate, checkEnum, checkInt, checkNumber, checkSnPnChars, checkText, checkUuid, checkXmlChars,
  describe, error, isObj, join, type Obj, type ValidationContext,
} from './validate-fields.js';
import { checkAdditionalData, checkAttachment, checkStepTree } from './validate-steps.js';

/** Options for {@link validateReport}. */
export interface ValidateReportOptions {
  /**
   * `strict` (default): every problem is collected and thrown as one `ReportValidationError`.
   * `truncate`: over-long strings are cut to their limit and XML-invalid control characters
   * removed, in a copy; each change is returned as a warning. Problems truncation cannot fix
   * still throw.
   */
  mode?: 'strict' | 'truncate';
  /** Overrides for {@link FIELD_LIMITS} (default: the pyWATS limits, sdk.md §3.1). */
  limits?: Partial<FieldLimits>;
  /**
   * Accept `* % ? [ ] ^ ! / \` in serial and part numbers (reported as warnings instead of errors).
   * @default false
   */
  allowProblematicChars?: boolean;
}

/** What {@link validateReport} returns. */
export interface ValidateReportResult<R extends WsjfReport = WsjfReport> {
  /** Strict mode: the input itself. Truncate mode: a corrected copy (the input is never mutated). */
  report: R;
  /** Changes made in truncate mode, and accepted problematic characters. */
  warnings: ReportIssue[];
}

const RESULTS = ['P', 'F', 'D', 'E', 'T'] as const;
/** The default limit table, resolved once (it is frozen). */
let defaultLimits: FieldLimits | undefined;

/**
 * Validates a report before submit and lists every problem as `path: message`, with paths
 * like `root.steps[2].numericMeas[0].lowLimit`.
 *
 * Checks: `id` is a UUID; `type`; `pn`, `sn`, `rev` non-empty and free of problematic
 * characters (pn/sn); integer `processCode`; `result` in P/F/D/E/T; `machineName`,
 * `location`, `purpose` present; `start` a date with an offset; a UUT has a SequenceCall
 * `root`; a UUR has `uur` with `processCode`, `confirmDate`, `finalizeDate`; step `group`
 * S/M/C; step and measurement statuses; compOp known and valid for the measurement kind,
 * with the limits it needs; multi-measurement names present and unique; step ids unique;
 * chart types; base64 data; field lengths from the limit table; XML-invalid characters.
 * @param report - The report to check (parsed, built or hand-written).
 * @param options - See {@link ValidateReportOptions}.
 * @throws ReportValidationError listing every problem that remains.
 */
export function validateReport<R extends WsjfReport>(report: R, options: ValidateReportOptions = {}): ValidateReportResult<R> {
  const mode = options.mode ?? 'strict';
  const ctx: ValidationContext = {
    mode,
    limits: options.limits === undefined ? (defaultLimits ??= resolveFieldLimits()) : resolveFieldLimits(options.limits),
    allowProblematicChars: options.allowProblematicChars ?? false,
    errors: [],
    warnings: [],
  };
  if (!isObj(report)) throw new ReportValidationError([{ path: '', message: `a report must be an object, got ${describe(report)}` }]);
  const working = (mode === 'truncate' ? cloneJsonTree(report, 'keep') : report) as Obj;
  checkXmlChars(ctx, working, '');
  checkHeader(ctx, working);
  if (working.type === 'T') {
    if (!absent(ctx, working, 'uut', '') && !isObj(working.uut)) error(ctx, 'uut', `must be an object, got ${describe(working.uut)}`);
    else if (isObj(working.uut)) checkUut(ctx, working.uut);
    if (!absent(ctx, working, 'root', '', true)) checkStepTree(ctx, working.root, 'root');
  } else if (working.type === 'R') {
    if (!absent(ctx, working, 'uur', '', true)) checkUur(ctx, working.uur);
  }
  checkList(ctx, working, 'subUnits', (u, p) => checkSubUnit(ctx, u, p, working.type === 'R'));
  checkList(ctx, working, 'miscInfos', (m, p) => {
    const kind = working.type === 'R' ? 'uurMiscInfo' : 'miscInfo';
    checkText(ctx, m, 'description', p, { required: true, nonEmpty: true, limit: `${kind}.description` });
    checkText(ctx, m, 'text', p, { limit: `${kind}.text` });
  });
  checkList(ctx, working, 'assets', (a, p) => {
    checkSnPnChars(ctx, checkText(ctx, a, 'sn', p, { required: true, nonEmpty: true, limit: 'asset.sn' }), join(p, 'sn'));
    checkInt(ctx, a, 'usageCount', p);
  });
  checkList(ctx, working, 'binaryData', (b, p) => checkAttachment(ctx, b, p, 'binaryData'));
  checkAdditionalData(ctx, working, 'additionalData', '');
  if (ctx.errors.length > 0) throw new ReportValidationError(ctx.errors);
  return { report: working as R, warnings: ctx.warnings };
}

function checkHeader(ctx: ValidationContext, r: Obj): void {
  checkUuid(ctx, r, 'id', '', true);
  checkEnum(ctx, r, 'type', '', ['T', 'R'], true);
  checkSnPnChars(ctx, checkText(ctx, r, 'pn', '', { required: true, nonEmpty: true, limit: 'pn' }), 'pn');
  checkSnPnChars(ctx, checkText(ctx, r, 'sn', '', { required: true, nonEmpty: true, limit: 'sn' }), 'sn');
  checkText(ctx, r, 'rev', '', { required: true, nonEmpty: true, limit: 'rev' });
  checkInt(ctx, r, 'processCode', '', true);
  checkEnum(ctx, r, 'result', '', RESULTS, true);
  checkText(ctx, r, 'machineName', '', { required: true, limit: 'machineName' });
  checkText(ctx, r, 'location', '', { required: true, limit: 'location' });
  checkText(ctx, r, 'purpose', '', { required: true, limit: 'purpose' });
  checkDate(ctx, r, 'start', '', true, true);
}

function checkUut(ctx: ValidationContext, uut: Obj): void {
  checkText(ctx, uut, 'user', 'uut', { limit: 'uut.user' });
  checkText(ctx, uut, 'comment', 'uut', { limit: 'uut.comment' });
  checkText(ctx, uut, 'fixtureId', 'uut', { limit: 'uut.fixtureId' });
  checkText(ctx, uut, 'batchSN', 'uut', { limit: 'uut.batchSN' });
  checkNumber(ctx, uut, 'execTime', 'uut');
  for (const k of ['testSocketIndex', 'errorCode', 'batchFailCount', 'batchLoopIndex', 'stepIdCausedUUTFailure']) {
    checkInt(ctx, uut, k, 'uut');
  }
}

function checkUur(ctx: ValidationContext, uur: unknown): void {
  if (!isObj(uur)) return error(ctx, 'uur', `must be an object, got ${describe(uur)}`);
  checkInt(ctx, uur, 'processCode', 'uur', true);
  // Real UUR files write confirmDate without an offset, so only parseability is required here.
  checkDate(ctx, uur, 'confirmDate', 'uur', true, false);
  checkDate(ctx, uur, 'finalizeDate', 'uur', true, false);
  checkUuid(ctx, uur, 'refUUT', 'uur');
  checkNumber(ctx, uur, 'execTime', 'uur');
}

function checkSubUnit(ctx: ValidationContext, u: Obj, path: string, isUur: boolean): void {
  checkSnPnChars(ctx, checkText(ctx, u, 'pn', path, { required: true, nonEmpty: true, limit: 'subUnit.pn' }), join(path, 'pn'));
  // A UUR sub unit may have an empty serial number (sdk.md §2.4).
  checkSnPnChars(ctx, checkText(ctx, u, 'sn', path, { required: true, nonEmpty: !isUur, limit: 'subUnit.sn' }), join(path, 'sn'));
  checkText(ctx, u, 'rev', path, { limit: 'subUnit.rev' });
  checkText(ctx, u, 'partType', path, { limit: 'subUnit.partType' });
  checkInt(ctx, u, 'idx', path, isUur);
  for (const k of ['parentIdx', 'position', 'replacedIdx']) checkInt(ctx, u, k, path);
  checkList(ctx, u, 'failures', (f, p) => {
    checkText(ctx, f, 'category', p, { required: true, nonEmpty: true });
    checkText(ctx, f, 'code', p, { required: true, nonEmpty: true });
    checkInt(ctx, f, 'refStepId', p);
    checkList(ctx, f, 'attachments', (a, ap) => checkAttachment(ctx, a, ap, 'binaryData'), p);
  }, path);
  if (!absent(ctx, u, 'root', path)) checkStepTree(ctx, u.root, join(path, 'root'));
}

/** Checks an optional array of objects at `holder[key]`, and UUR sub unit `idx` uniqueness. */
function checkList(ctx: ValidationContext, holder: Obj, key: string, each: (item: Obj, path: string) => void, base = ''): void {
  if (absent(ctx, holder, key, base)) return;
  const list = holder[key];
  const path = join(base, key);
  if (!Array.isArray(list)) return error(ctx, path, `must be an array, got ${describe(list)}`);
  const idxs = new Map<unknown, number>();
  list.forEach((item: unknown, i) => {
    const p = `${path}[${i}]`;
    if (!isObj(item)) return error(ctx, p, `must be an object, got ${describe(item)}`);
    if (key === 'subUnits' && typeof item.idx === 'number') {
      const first = idxs.get(item.idx);
      if (first !== undefined) error(ctx, join(p, 'idx'), `duplicate sub unit idx ${item.idx} (also subUnits[${first}])`);
      else idxs.set(item.idx, i);
    }
    each(item, p);
  });
}
