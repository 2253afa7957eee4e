/**
 * Keysight (Agilent) i3070 in-circuit test log, "log record" format: `{@BATCH|...}` with one
 * `{@BTEST|...}` per board, holding `{@PF}` pins, `{@TS}` shorts, `{@BLOCK|designator|status}`
 * blocks of analog (`{@A-RES|status|value{@LIM3|nominal|high|low}}` ...), digital (`{@D-T}`),
 * TestJet (`{@TJET}`) ... records and `{@RPT|...}` report lines. A panel log holds one BTEST per
 * board: every BTEST becomes its own report (board number → test socket index).
 *
 * Field layouts follow Keysight's log record format description. See docs/converters/keysight-i3070.md.
 */
import { createUutReport, type NamedNumericInput, type NumericInput, type SequenceBuilder, type StepStatus, type UutReport } from '@tswats/sdk';
import type { InputFile } from '../input.js';
import { localToIso, type LocalDateTime } from '../time.js';
import type { ConvertContext, Converter, Detection } from '../types.js';
import { readLines } from '../ict-common/lines.js';
import { fail, limitsToCompOp, num, parseDecimal, processCodeOf, Sanitizer, startOf, uniqueMeasurementNames, validLocal, type Pos } from '../ict-common/util.js';
import { I3070Reader, type KRecord } from './records.js';

const FORMAT = 'keysight-i3070';
/** The process code when the options give none (the pyWATS/Virinco i3070 default). */
export const I3070_DEFAULT_PROCESS_CODE = 20;
/** The tester writes ±9.999999E+99 for "no limit". */
const NO_LIMIT = 9.999999e99;

/** Analog test records: what they measure and the unit of their values. */
export const I3070_ANALOG: Readonly<Record<string, { what: string; unit?: string }>> = Object.freeze({
  'A-CAP': { what: 'capacitor', unit: 'F' },
  'A-DIO': { what: 'diode', unit: 'V' },
  'A-FUS': { what: 'fuse', unit: 'Ohm' },
  'A-IND': { what: 'inductor', unit: 'H' },
  'A-JUM': { what: 'jumper', unit: 'Ohm' },
  'A-MEA': { what: 'measurement' },
  'A-NFE': { what: 'N-channel FET' },
  'A-NPN': { what: 'NPN transistor' },
  'A-PFE': { what: 'P-channel FET' },
  'A-PNP': { what: 'PNP transistor' },
  'A-POT': { what: 'potentiometer', unit: 'Ohm' },
  'A-RES': { what: 'resistor', unit: 'Ohm' },
  'A-SWI': { what: 'switch', unit: 'Ohm' },
  'A-ZEN': { what: 'zener', unit: 'V' },
});

/** Board test status codes (`{@BTEST}` field 2). */
export const I3070_BOARD_STATUS: Readonly<Record<number, string>> = Object.freeze({
  0: 'passed', 1: 'failed (uncategorized)', 2: 'failed pin test', 3: 'failed in learn mode', 4: 'failed shorts test',
  6: 'failed analog test', 7: 'failed power supply test', 8: 'failed digital or boundary-scan test', 9: 'failed functional test',
  10: 'failed pre-shorts test', 11: 'failed in board handler', 12: 'failed barcode', 13: "X'd out (not tested)",
  14: 'failed VTEP/TestJet test', 15: 'failed polarity check', 16: 'failed ConnectCheck', 17: 'failed analog cluster test',
  80: 'runtime error', 81: 'aborted (STOP)', 82: 'aborted (BREAK)',
});

/** Pass/fail test records: field positions of status, designator and extra data. */
const BOOLEAN_TESTS: Readonly<Record<string, { phase: string; status: number; designator: number; data: [number, string][] }>> = Object.freeze({
  PF: { phase: 'Pins', status: 1, designator: 0, data: [[2, 'total pins']] },
  TS: { phase: 'Shorts', status: 0, designator: 4, data: [[1, 'shorts'], [2, 'opens'], [3, 'phantoms']] },
  'D-T': { phase: 'Digital', status: 0, designator: 4, data: [[1, 'substatus'], [2, 'failing vector'], [3, 'pins']] },
  TJET: { phase: 'TestJet', status: 0, designator: 2, data: [[1, 'pins']] },
  'BS-CON': { phase: 'Boundary scan', status: 1, designator: 0, data: [[2, 'shorts'], [3, 'opens']] },
  PCHK: { phase: 'Polarity check', status: 0, designator: 1, data: [] },
  CCHK: { phase: 'Connect check', status: 0, designator: 2, data: [[1, 'pins']] },
  PRB: { phase: 'Probes', status: 0, designator: 2, data: [[1, 'pins']] },
});

/** Detail records shown in the report text of the test that holds them. */
const DETAIL_TEXT: Readonly<Record<string, (r: KRecord) => string>> = Object.freeze({
  'TS-S': (r) => `short: source ${r.fields[2] ?? ''} (${r.fields[0] ?? '?'} shorts, ${r.fields[1] ?? '?'} phantoms)`,
  'TS-D': (r) => `short to: ${pairs(r.fields).join(', ')}`,
  'TS-P': (r) => `phantom short, deviation ${r.fields[0] ?? ''}`,
  'TS-O': (r) => `open: ${r.fields[0] ?? ''} to ${r.fields[1] ?? ''} (deviation ${r.fields[2] ?? ''})`,
  'BS-O': (r) => `open: ${r.fields[0] ?? ''}.${r.fields[1] ?? ''} to ${r.fields[2] ?? ''}.${r.fields[3] ?? ''}`,
  'BS-S': (r) => `short (${r.fields[0] ?? ''}): ${r.fields.slice(1).join(' ')}`,
  PIN: (r) => `pins: ${r.fields.filter(Boolean).join(' ')}`,
  NODE: (r) => `nodes: ${r.fields.filter(Boolean).join(' ')}`,
  DPIN: (r) => `device ${r.fields[0] ?? ''}: ${r.fields.slice(1).filter(Boolean).join(' ')}`,
  INDICT: (r) => `indicted (${r.fields[0] ?? ''}): ${r.fields.slice(1).filter(Boolean).join(' ')}`,
  ARRAY: (r) => `array ${r.fields[0] ?? ''}: status ${r.fields[1] ?? ''}, ${r.fields[2] ?? ''} failures in ${r.fields[3] ?? ''} samples`,
});

function pairs(f: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < f.length; i += 2) if (f[i]) out.push(f[i + 1] ? `${f[i]} (${f[i + 1]})` : f[i]!);
  return out;
}

export const keysightI3070Converter: Converter = {
  name: FORMAT,
  description: 'Keysight/Agilent i3070 ICT log records ({@BATCH|...}{@BTEST|...}{@BLOCK|...}); one report per board',
  extensions: ['.ict', '.log', '.txt'],
  detect(file: InputFile): Detection {
    const head = file.headText();
    const batch = /\{@BATCH\|([^|{}\n]{0,200})\|/.exec(head);
    const btests = head.match(/\{@BTEST\|/g)?.length ?? 0;
    const blocks = /\{@BLOCK\|/.test(head);
    const analog = /\{@(A-[A-Z]{3}|TS|PF|D-T|TJET)\|/.test(head);
    const confidence = (batch || btests) && (blocks || analog || btests) ? 0.95 : blocks && analog ? 0.8 : 0;
    if (!confidence) return { confidence: 0 };
    const bt = /\{@BTEST\|([^|{}\n]{0,100})\|/.exec(head);
    return { confidence, preview: { serialNumber: bt?.[1] || undefined, partNumber: batch?.[1] || undefined, units: btests || undefined } };
  },
  async *convert(file: InputFile, ctx: ConvertContext): AsyncIterable<UutReport> {
    const s = new Sanitizer(ctx, file.name, FORMAT);
    const reader = new I3070Reader(file.name, FORMAT);
    let lastLine = 0;
    let count = 0;
    const batchesWithBoards = new WeakSet<KRecord>();
    for await (const { text, line } of readLines(file, FORMAT)) {
      lastLine = line;
      for (const { rec, ancestors } of reader.feed(text, line)) {
        if (rec.name === 'BTEST') {
          const batch = [...ancestors].reverse().find((a) => a.name === 'BATCH');
          if (batch) batchesWithBoards.add(batch);
          yield build(rec, batch, file, ctx, s);
          count++;
          const parent = ancestors[ancestors.length - 1];
          if (parent) parent.children.splice(parent.children.indexOf(rec), 1); // done with it: free memory
        } else if (ancestors.length === 0) {
          if (rec.name === 'BATCH') {
            if (!batchesWithBoards.has(rec)) ctx.warn('a BATCH record without any BTEST (board test): nothing to report for it', { line: rec.line });
          } else {
            ctx.warn(`record {@${rec.name} outside any BATCH/BTEST: skipped`, { line: rec.line });
          }
        }
      }
    }
    reader.end(lastLine);
    if (count === 0) fail('CONVERT_ERR_EMPTY', file.name, FORMAT, undefined, 'no board test in the file (no {@BTEST|...} record)');
  },
};

/** `yyMMddHHmmss` → local time. */
function parseStamp(v: string): LocalDateTime | undefined {
  const m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(v.trim());
  if (!m) return undefined;
  const l: LocalDateTime = { year: 2000 + Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6]) };
  return validLocal(l) ? l : undefined;
}

function intField(v: string | undefined): number | undefined {
  return v !== undefined && /^[+-]?\d{1,9}$/.test(v.trim()) ? Number(v.trim()) : undefined;
}

/** A step before it goes into the builder (report lines may still be attached to it). */
type Draft =
  | { kind: 'numeric'; name: string; designator?: string; input: NumericInput; status: StepStatus; text: string[]; line: number }
  | { kind: 'multi'; name: string; designator?: string; list: NamedNumericInput[]; status: StepStatus; text: string[]; line: number }
  | { kind: 'passfail'; name: string; designator?: string; status: StepStatus; text: string[]; line: number }
  | { kind: 'seq'; name: string; designator?: string; status: StepStatus | undefined; text: string[]; children: Draft[]; line: number };

interface Board {
  file: InputFile;
  ctx: ConvertContext;
  s: Sanitizer;
  boardNumber: number | undefined;
  /** Report lines not inside a test, in groups, waiting to be attached (`block`: the block they sit in). */
  pending: { lines: string[]; open: boolean; block?: string }[];
  misc: [string, string, Pos][];
}

function build(bt: KRecord, batch: KRecord | undefined, file: InputFile, ctx: ConvertContext, s: Sanitizer): UutReport {
  const o = ctx.options;
  const pos: Pos = { line: bt.line };
  const f = bt.fields;
  const bf = batch?.fields ?? [];
  const serial = f[0] ?? '';
  if (!serial) fail('CONVERT_ERR_MISSING_FIELD', file.name, FORMAT, pos, 'the {@BTEST record has no board id (serial number) in field 1');
  const statusCode = intField(f[1]);
  if (statusCode === undefined) fail('CONVERT_ERR_VALUE', file.name, FORMAT, pos, `board test status "${f[1] ?? ''}" is not a number`);
  const start = parseStamp(f[2] ?? '');
  if (!start) fail('CONVERT_ERR_VALUE', file.name, FORMAT, pos, `board test start "${f[2] ?? ''}" is not a yyMMddHHmmss time`);
  const duration = intField(f[3]);
  const boardNumber = intField(f[11]);
  const pn = bf[0] || o.partNumber;
  if (!pn) fail('CONVERT_ERR_MISSING_FIELD', file.name, FORMAT, batch ? { line: batch.line } : pos, 'no part number: no {@BATCH record with a UUT type before the board, and the partNumber option is not set');

  let result: 'P' | 'F' | 'E' | 'T';
  const meaning = I3070_BOARD_STATUS[statusCode];
  if (statusCode === 0) result = 'P';
  else if (statusCode === 80) result = 'E';
  else if (statusCode === 81 || statusCode === 82 || statusCode === 13) result = 'T';
  else {
    result = 'F';
    if (!meaning && !(statusCode >= 90 && statusCode <= 99)) ctx.warn(`board test status ${statusCode} is a reserved code: read as failed`, pos);
  }

  const board: Board = { file, ctx, s, boardNumber, pending: [], misc: [] };
  const drafts: { phase: string; draft: Draft }[] = [];
  let phase = '';
  for (const c of bt.children) {
    const d = topLevel(c, board, phase);
    if (d) {
      phase = d.phase;
      drafts.push(d);
    }
  }
  const comment = attachReports(drafts.map((d) => d.draft), board);

  const operator = bf[7] || o.operator;
  const b = createUutReport({
    partNumber: s.id(pn, 'part number', batch ? { line: batch.line } : pos),
    serialNumber: s.id(serial, 'serial number', pos),
    revision: s.id(bf[1] || o.partRevision, 'revision', batch ? { line: batch.line } : undefined),
    processCode: processCodeOf(ctx, I3070_DEFAULT_PROCESS_CODE),
    stationName: s.text(bf[8] || o.stationName, 100, 'controller', batch ? { line: batch.line } : undefined),
    location: o.location,
    purpose: o.purpose,
    operator: operator ? s.text(operator, 100, 'operator', batch ? { line: batch.line } : undefined) : undefined,
    ...startOf(start, o.timeZone),
    execTime: duration,
    fixtureId: bf[2] ? s.text(bf[2], 100, 'fixture id', { line: batch!.line }) : undefined,
    batchSerialNumber: bf[6] ? s.text(bf[6], 100, 'batch id', { line: batch!.line }) : undefined,
    testSocketIndex: boardNumber,
    comment: comment ? s.text(comment, 5000, 'report lines (comment)', pos) : undefined,
    result,
    rootName: s.text(bf[9] || pn, 200, 'testplan id', batch ? { line: batch.line } : pos),
    rootSequence: {
      status: result, // the board test status of the file
      ...(bf[10] ? { version: s.text(bf[10], 30, 'testplan revision', { line: batch!.line }) } : {}),
    },
  });
  if (statusCode !== 0) b.addMiscInfo(...s.misc('Board status', `${statusCode} ${meaning ?? 'failed (code not in the format description)'}`, pos));
  const batchMisc: [number, string][] = [[3, 'Testhead'], [4, 'Testhead type'], [5, 'Process step'], [11, 'Parent panel type'], [12, 'Parent panel type rev'], [13, 'Version label']];
  for (const [i, label] of batchMisc) if (bf[i]) b.addMiscInfo(...s.misc(label, bf[i]!, { line: batch!.line }));
  const btestMisc: [number, string][] = [[4, 'Multiple test'], [5, 'Log level'], [6, 'Log set'], [7, 'Learning'], [8, 'Known good'], [9, 'End'], [10, 'Status qualifier'], [12, 'Parent panel id']];
  for (const [i, label] of btestMisc) {
    if (!f[i]) continue;
    const end = i === 9 ? parseStamp(f[i]!) : undefined; // the end time, written with its offset
    b.addMiscInfo(...s.misc(label, end ? localToIso(end, o.timeZone) : f[i]!, pos));
  }
  for (const [d, t, p] of board.misc) b.addMiscInfo(...s.misc(d, t, p));

  let seq: SequenceBuilder | undefined;
  let current = '';
  for (const { phase: ph, draft } of drafts) {
    if (!seq || ph !== current) {
      seq = b.root.addSequence(ph);
      current = ph;
    }
    emit(seq, draft, board);
  }
  return b.build({ consume: true });
}

function strip(designator: string, board: Board): string {
  const m = /^(\d+)%(.+)$/.exec(designator);
  if (m && (board.boardNumber === undefined || Number(m[1]) === board.boardNumber)) return m[2]!;
  return designator;
}

function statusOfCode(v: string | undefined, rec: KRecord, board: Board): StepStatus {
  const n = intField(v);
  if (n === undefined) fail('CONVERT_ERR_VALUE', board.file.name, FORMAT, { line: rec.line }, `{@${rec.name} status "${v ?? ''}" is not a number`);
  return n === 0 ? 'P' : 'F';
}

function number(v: string | undefined, what: string, rec: KRecord, board: Board): number {
  const x = v === undefined ? undefined : parseDecimal(v);
  if (x === undefined) fail('CONVERT_ERR_VALUE', board.file.name, FORMAT, { line: rec.line }, `{@${rec.name} ${what} "${v ?? ''}" is not a number`);
  return x;
}

/** An analog record → a numeric measurement (name: its subtest designator, else the test type). */
function analog(rec: KRecord, board: Board): { name: string; input: NumericInput; status: StepStatus; text: string[] } {
  const info = I3070_ANALOG[rec.name]!;
  const status = statusOfCode(rec.fields[0], rec, board);
  const value = number(rec.fields[1], 'measured value', rec, board);
  const text: string[] = [];
  let low: number | undefined;
  let high: number | undefined;
  for (const c of rec.children) {
    if (c.name === 'LIM2' || c.name === 'LIM3') {
      const off = c.name === 'LIM3' ? 1 : 0;
      if (c.name === 'LIM3') text.push(`nominal ${num(number(c.fields[0], 'nominal value', c, board))}${info.unit ? ` ${info.unit}` : ''}`);
      high = number(c.fields[off], 'high limit', c, board);
      low = number(c.fields[off + 1], 'low limit', c, board);
      if (high >= NO_LIMIT) high = undefined;
      if (low <= -NO_LIMIT) low = undefined;
    } else if (c.name === 'RPT') {
      text.push(c.rest);
    } else {
      text.push(detail(c));
    }
  }
  if (status !== 'P') text.push(`${info.what} test status ${rec.fields[0]}`);
  const name = rec.fields[2] ? strip(rec.fields[2], board) : rec.name;
  return { name, input: { value, ...(info.unit ? { unit: info.unit } : {}), ...limitsToCompOp(low, high), status }, status, text };
}

function detail(r: KRecord): string {
  const fmt = DETAIL_TEXT[r.name];
  return fmt ? fmt(r) : `${r.name}: ${r.fields.join('|')}`;
}

/** A pass/fail test record (pins, shorts, digital, TestJet ...) → draft. */
function booleanTest(rec: KRecord, board: Board): Draft {
  const t = BOOLEAN_TESTS[rec.name]!;
  const status = statusOfCode(rec.fields[t.status], rec, board);
  const designator = strip(rec.fields[t.designator] ?? '', board) || rec.name;
  const text: string[] = [];
  const data = t.data.filter(([i]) => rec.fields[i]).map(([i, label]) => `${label} ${Number.isNaN(Number(rec.fields[i])) ? rec.fields[i] : Number(rec.fields[i])}`);
  if (data.length) text.push(data.join(', '));
  if (status !== 'P') text.push(`test status ${rec.fields[t.status]}`);
  for (const c of rec.children) text.push(c.name === 'RPT' ? c.rest : detail(c));
  return { kind: 'passfail', name: designator, designator, status, text, line: rec.line };
}

function phaseOfTest(name: string): string | undefined {
  if (name === 'A-MEA') return 'Measurements';
  if (I3070_ANALOG[name]) return 'Analog';
  return BOOLEAN_TESTS[name]?.phase;
}

function isTest(name: string): boolean {
  return Boolean(I3070_ANALOG[name] || BOOLEAN_TESTS[name]);
}

/** Report lines, user-defined and other records that are not tests (`block`: the block they sit in). */
function other(rec: KRecord, board: Board, into: string[] | undefined, block?: string): void {
  if (rec.name === 'RPT') {
    const last = board.pending[board.pending.length - 1];
    if (last?.open && last.block === block) last.lines.push(rec.rest);
    else board.pending.push({ lines: [rec.rest], open: true, block });
    return;
  }
  closeReportGroup(board);
  if (DETAIL_TEXT[rec.name] && into) {
    into.push(detail(rec));
    return;
  }
  // RETEST, NOTE, EXPRT, user-defined records ...: report-level misc info.
  board.misc.push([rec.name, rec.rest, { line: rec.line }]);
  for (const c of rec.children) other(c, board, into, block);
}

/** Marks the current group of report lines as complete (a non-RPT record came between). */
function closeReportGroup(board: Board): void {
  const last = board.pending[board.pending.length - 1];
  if (last) last.open = false;
}

function topLevel(c: KRecord, board: Board, phase: string): { phase: string; draft: Draft } | undefined {
  if (c.name === 'BLOCK') {
    closeReportGroup(board);
    return block(c, board, phase);
  }
  if (isTest(c.name)) {
    closeReportGroup(board);
    if (I3070_ANALOG[c.name]) {
      const a = analog(c, board);
      return { phase: phaseOfTest(c.name)!, draft: { kind: 'numeric', name: a.name, input: a.input, status: a.status, text: a.text, line: c.line } };
    }
    return { phase: phaseOfTest(c.name)!, draft: booleanTest(c, board) };
  }
  other(c, board, undefined);
  return undefined;
}

function block(blk: KRecord, board: Board, phase: string): { phase: string; draft: Draft } {
  const designator = strip(blk.fields[0] ?? '', board) || '(unnamed block)';
  const blockStatus = statusOfCode(blk.fields[1], blk, board);
  const tests = blk.children.filter((c) => isTest(c.name));
  const text: string[] = [];
  for (const c of blk.children) {
    if (!isTest(c.name)) other(c, board, text, designator);
    else closeReportGroup(board);
  }
  const ph = tests.length ? phaseOfTest(tests[0]!.name)! : phase || 'Other';
  const line = blk.line;
  const worstChild = tests.some((t) => statusOfCode(t.fields[BOOLEAN_TESTS[t.name]?.status ?? 0], t, board) !== 'P') ? 'F' : 'P';
  if (worstChild !== blockStatus) board.ctx.warn(`block ${designator}: block status ${blk.fields[1]} but its tests ${worstChild === 'F' ? 'failed' : 'passed'}: the step is failed`, { line });
  const status: StepStatus = worstChild === 'F' || blockStatus === 'F' ? 'F' : 'P';
  if (tests.length === 0) {
    return { phase: ph, draft: { kind: 'passfail', name: designator, designator, status: blockStatus, text, line } };
  }
  const allAnalog = tests.every((t) => I3070_ANALOG[t.name]);
  if (allAnalog && tests.length === 1) {
    const a = analog(tests[0]!, board);
    return { phase: ph, draft: { kind: 'numeric', name: designator, designator, input: a.input, status, text: [...a.text, ...text], line } };
  }
  if (allAnalog) {
    const list = tests.map((t) => analog(t, board));
    const names = uniqueMeasurementNames(list.map((a) => board.s.text(a.name, 100, 'measurement name', { line })), board.ctx, `block ${designator}`, { line });
    const notes = list.flatMap((a, i) => a.text.map((x) => `${names[i]}: ${x}`));
    return {
      phase: ph,
      draft: { kind: 'multi', name: designator, designator, list: list.map((a, i) => ({ ...a.input, name: names[i]! })), status, text: [...notes, ...text], line },
    };
  }
  if (tests.length === 1) {
    const d = booleanTest(tests[0]!, board);
    return { phase: ph, draft: { ...d, name: designator, designator, status, text: [...d.text, ...text] } };
  }
  // Several tests of different kinds (digital with measurements, TestJet pins ...): a sequence.
  const children: Draft[] = tests.map((t) => {
    if (I3070_ANALOG[t.name]) {
      const a = analog(t, board);
      return { kind: 'numeric', name: a.name, input: a.input, status: a.status, text: a.text, line: t.line };
    }
    return booleanTest(t, board);
  });
  return { phase: ph, draft: { kind: 'seq', name: designator, designator, status, text, children, line } };
}

/**
 * Report lines (`{@RPT}`) outside a test are printed by the tester near the failing test, not
 * inside it (often before the failing block). A group naming "<designator> HAS FAILED" goes to
 * that test's report text; the others go into the report comment.
 */
function attachReports(drafts: Draft[], board: Board): string | undefined {
  const byDesignator = new Map<string, Draft>();
  const index = (d: Draft): void => {
    if (d.designator && !byDesignator.has(d.designator)) byDesignator.set(d.designator, d);
    if (d.kind === 'seq') d.children.forEach(index);
  };
  drafts.forEach(index);
  const comment: string[] = [];
  for (const g of board.pending) {
    let target: Draft | undefined;
    for (const l of g.lines) {
      const m = /^\s*(\S+)\s+HAS FAILED/i.exec(l);
      if (m) target = byDesignator.get(strip(m[1]!, board)) ?? target;
    }
    // No "HAS FAILED" line: the lines belong to the block they sit in when that block failed.
    const own = g.block !== undefined ? byDesignator.get(g.block) : undefined;
    if (!target && own && own.status === 'F') target = own;
    const lines = g.lines.filter((l) => l.trim() !== '' && !/^-{5,}$/.test(l.trim()));
    if (target) target.text.push(...lines);
    else comment.push(...lines);
  }
  return comment.length ? comment.join('\n') : undefined;
}

function emit(seq: SequenceBuilder, d: Draft, board: Board): void {
  const { s } = board;
  const pos: Pos = { line: d.line };
  const name = s.name(d.name, pos);
  const reportText = d.text.length ? s.text(d.text.join('\n'), undefined, 'report text', pos) : undefined;
  switch (d.kind) {
    case 'numeric':
      seq.addNumeric(name, { ...d.input, status: d.status, reportText });
      break;
    case 'multi':
      seq.addMultiNumeric(name, d.list, { status: d.status, reportText });
      break;
    case 'passfail':
      seq.addPassFail(name, d.status === 'P', { status: d.status, reportText });
      break;
    case 'seq': {
      const sub = seq.addSequence(name, { status: d.status, reportText });
      for (const c of d.children) emit(sub, c, board);
      break;
    }
  }
}
