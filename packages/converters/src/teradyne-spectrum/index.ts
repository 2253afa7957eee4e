/**
 * Teradyne Spectrum in-circuit test results, CTRD ASCII export: nested parenthesised records
 * `(PROGRAM_NAME: "...")`, `(SECTION_NAME: "...")`, `(STEP: (TYPE: RAW) (TIME: ...) (SNAME: ...)
 * (PAGE: (PAGE_NAME: ...) (STAT: ...) (ANA: (LOLIM: ...) (MEASVAL: ...) (HILIM: ...) ...)))` and
 * `(USER: Key:Value)` lines (serial number, operator, order number, status ...).
 *
 * One report per `(PROGRAM_NAME:` block (a file normally holds one board). Sections become
 * sequence calls; a STEP with one PAGE becomes one test step named after the page, a STEP with
 * several pages a sequence call with one test step per page. See docs/converters/teradyne-spectrum.md.
 */
import { createUutReport, XML_INVALID_CHARS_RE, type NamedNumericInput, type SequenceBuilder, type StepStatus, type UutReport } from '@tswats/sdk';
import type { InputFile } from '../input.js';
import type { LocalDateTime } from '../time.js';
import type { ConvertContext, Converter, Detection } from '../types.js';
import { readLines } from '../ict-common/lines.js';
import {
  dateOrderOption, fail, limitsToCompOp, localDiffSeconds, parseDecimal, parseNumericDate, processCodeOf, Sanitizer,
  SI_EXPONENT, startOf, uniqueMeasurementNames, type Pos,
} from '../ict-common/util.js';
import { child, childrenOf, SpectrumTokenizer, valueOf, type SNode } from './tokenizer.js';

const XML_INVALID_G = new RegExp(XML_INVALID_CHARS_RE.source, 'g');

const FORMAT = 'teradyne-spectrum';
/** The process code when the options give none (ICT, as the other in-circuit converters). */
export const SPECTRUM_DEFAULT_PROCESS_CODE = 20;

/** Spectrum status words → WSJF statuses. */
const STATUS: Readonly<Record<string, StepStatus>> = Object.freeze({
  PASS: 'P', PASSED: 'P', OK: 'P', FAIL: 'F', FAILED: 'F', NOK: 'F', ERROR: 'E', ERR: 'E',
  SKIP: 'S', SKIPPED: 'S', NOT_TESTED: 'S', NOTTESTED: 'S', UNTESTED: 'S', ABORT: 'T', ABORTED: 'T', TERMINATED: 'T', DONE: 'D',
});

/** Unit letters of the export → WSJF units (O is ohm; the others are kept as written). */
const UNITS: Readonly<Record<string, string>> = Object.freeze({ O: 'Ohm' });

/** Records that carry limits or measured values (not node lists or texts). */
const LOW_KEYS = ['LOLIM', 'LOW'];
const HIGH_KEYS = ['HILIM', 'HIGH'];
const QUANTITY_KEYS = new Set(['LOLIM', 'LOW', 'HILIM', 'HIGH', 'MEASVAL', 'MEAS_VAL', 'NOMVAL', 'RES_LIMIT', 'CAP_LIMIT', 'THRESH']);
const NODE_KEYS: Readonly<Record<string, string>> = Object.freeze({
  MEAS: 'MEAS', GUARD: 'GUARD', STIM: 'STIM', LOWR_FROM_NODES: 'FROM', LOWR_TO_NODES: 'TO', CONNECTED_NODES: 'CONNECTED',
});

interface Quantity {
  value: number;
  /** As written, for report text: `4.7 nF`. */
  text: string;
  unit: string | undefined;
}

interface Unit {
  program: string | undefined;
  programLine: number;
  subprogram?: string;
  /** Sections in order; `name` undefined for steps before the first SECTION_NAME. */
  sections: { name: string | undefined; line: number; steps: SNode[] }[];
  user: { key: string; value: string; line: number }[];
  other: SNode[];
}

export const teradyneSpectrumConverter: Converter = {
  name: FORMAT,
  description: 'Teradyne Spectrum ICT CTRD ASCII export ((PROGRAM_NAME: ...) (STEP: (PAGE: (ANA: ...))))',
  extensions: ['.txt'],
  detect(file: InputFile): Detection {
    const head = file.headText();
    const program = /\(PROGRAM_NAME:\s*"([^"\n]{0,200})"\s*\)/.exec(head);
    const step = /\(STEP:/.test(head);
    const page = /\(PAGE_NAME:/.test(head) && /\(STAT:/.test(head);
    const meas = /\(MEASVAL:|\(SNAME:|\(SECTION_NAME:/.test(head);
    const confidence = program && (step || page) ? 0.95 : program && meas ? 0.9 : step && page ? 0.8 : 0;
    if (!confidence) return { confidence: 0 };
    const sn = /\(USER:\s*Serialnumber\s*:\s*([^)\n]{0,100})\)/i.exec(head)?.[1]?.trim();
    return { confidence, preview: { serialNumber: sn || undefined, partNumber: program?.[1], units: (head.match(/\(PROGRAM_NAME:/g) ?? []).length || undefined } };
  },
  async *convert(file: InputFile, ctx: ConvertContext): AsyncIterable<UutReport> {
    const order = dateOrderOption(ctx, FORMAT, 'MDY', file.name);
    const s = new Sanitizer(ctx, file.name, FORMAT);
    const tok = new SpectrumTokenizer(file.name, FORMAT);
    let unit: Unit | undefined;
    let lastLine = 0;
    let count = 0;
    const newUnit = (program: string | undefined, line: number): Unit => ({ program, programLine: line, sections: [], user: [], other: [] });
    for await (const { text, line } of readLines(file, FORMAT)) {
      lastLine = line;
      for (const node of tok.feed(text, line)) {
        switch (node.key) {
          case 'PROGRAM_NAME':
            if (unit && hasContent(unit)) {
              yield build(unit, file, ctx, s, order);
              count++;
            }
            unit = newUnit(valueOf(node)?.trim() || undefined, node.line);
            break;
          case 'SUBPROGRAM_NAME':
            unit ??= newUnit(undefined, node.line);
            unit.subprogram = valueOf(node)?.trim();
            break;
          case 'SECTION_NAME':
            unit ??= newUnit(undefined, node.line);
            unit.sections.push({ name: valueOf(node)?.trim() || '(unnamed section)', line: node.line, steps: [] });
            break;
          case 'STEP': {
            unit ??= newUnit(undefined, node.line);
            let sec = unit.sections[unit.sections.length - 1];
            if (!sec) {
              sec = { name: undefined, line: node.line, steps: [] };
              unit.sections.push(sec);
            }
            sec.steps.push(node);
            break;
          }
          case 'USER': {
            unit ??= newUnit(undefined, node.line);
            const v = valueOf(node) ?? '';
            const colon = v.indexOf(':');
            if (colon < 0) unit.user.push({ key: v.trim(), value: '', line: node.line });
            else unit.user.push({ key: v.slice(0, colon).trim(), value: v.slice(colon + 1).trim(), line: node.line });
            break;
          }
          default:
            unit ??= newUnit(undefined, node.line);
            unit.other.push(node);
        }
      }
    }
    tok.end(lastLine);
    if (unit && hasContent(unit)) {
      yield build(unit, file, ctx, s, order);
      count++;
    }
    if (count === 0) fail('CONVERT_ERR_EMPTY', file.name, FORMAT, undefined, 'no test result in the file (no STEP or USER record)');
  },
};

function hasContent(u: Unit): boolean {
  return u.sections.some((x) => x.steps.length > 0) || u.user.length > 0;
}

function userValue(u: Unit, key: string): { value: string; line: number } | undefined {
  const k = key.toLowerCase();
  for (let i = u.user.length - 1; i >= 0; i--) if (u.user[i]!.key.toLowerCase() === k) return u.user[i];
  return undefined;
}

function statusOf(node: SNode | undefined, file: InputFile): StepStatus | undefined {
  const v = valueOf(child(node, 'STAT'));
  if (v === undefined || v.trim() === '') return undefined;
  const st = STATUS[v.trim().toUpperCase()];
  if (!st) fail('CONVERT_ERR_VALUE', file.name, FORMAT, { line: child(node, 'STAT')!.line }, `unknown status "${v.trim()}" (known: ${Object.keys(STATUS).join(', ')})`);
  return st;
}

/** `(X: (VAL: v) (SCALE: s) (UNIT: u))` → value in base units. */
function quantity(node: SNode | undefined, file: InputFile): Quantity | undefined {
  if (!node) return undefined;
  const valText = valueOf(child(node, 'VAL'))?.trim() ?? (node.children.length === 0 ? node.text : '');
  if (!valText) return undefined;
  const scale = valueOf(child(node, 'SCALE'))?.trim() ?? '';
  const unitText = valueOf(child(node, 'UNIT'))?.trim() ?? '';
  const exp = SI_EXPONENT[scale];
  if (exp === undefined) fail('CONVERT_ERR_VALUE', file.name, FORMAT, { line: node.line }, `unknown SCALE "${scale}" in (${node.key}: (expected p n u m k K M G or nothing)`);
  let value = parseDecimal(valText, exp);
  if (value === undefined) {
    const special = valText.toUpperCase().replace(/^\+/, '');
    if (special === 'NAN') value = Number.NaN;
    else if (special === 'INF' || special === 'INFINITY') value = Number.POSITIVE_INFINITY;
    else if (special === '-INF' || special === '-INFINITY') value = Number.NEGATIVE_INFINITY;
    else fail('CONVERT_ERR_VALUE', file.name, FORMAT, { line: node.line }, `(${node.key}: value "${valText}" is not a number`);
  }
  const unit = unitText ? (UNITS[unitText] ?? unitText.replace(XML_INVALID_G, '')) : undefined;
  return { value, unit, text: `${valText} ${scale}${unit ?? ''}`.trim() };
}

function firstChild(node: SNode | undefined, keys: readonly string[]): SNode | undefined {
  for (const k of keys) {
    const c = child(node, k);
    if (c) return c;
  }
  return undefined;
}

/** A node list such as `(MEAS: (TPNUM: 35) (TPNAME: CH_/OUT14_B))` → `CH_/OUT14_B (35)`. */
function nodeList(node: SNode): string {
  const out: string[] = [];
  let num: string | undefined;
  for (const c of node.children) {
    if (c.key === 'TPNUM') num = valueOf(c)?.trim();
    else if (c.key === 'TPNAME') {
      out.push(`${valueOf(c)?.trim() ?? ''}${num ? ` (${num})` : ''}`);
      num = undefined;
    } else out.push(describe(c));
  }
  if (num) out.push(`(${num})`);
  if (node.text && node.text.replace(/[,\s]/g, '')) out.push(node.text);
  return out.join(', ');
}

/** Any record as text: `KEY: value (CHILD: ...)`. */
function describe(node: SNode): string {
  const v = (valueOf(node) ?? '').trim();
  const kids = node.children.map((c) => `(${describe(c)})`).join(' ');
  return `${node.key}: ${[v, kids].filter(Boolean).join(' ')}`.trim();
}

/** A PAGE child that is a test (has a status or a measured value), as opposed to node lists and texts. */
function isTest(n: SNode): boolean {
  return n.children.some((c) => c.key === 'STAT' || c.key === 'MEASVAL' || c.key === 'MEAS_VAL' || c.key === 'INTC_RESULT' || LOW_KEYS.includes(c.key) || HIGH_KEYS.includes(c.key));
}

interface TestInfo {
  name: string;
  measured: Quantity | undefined;
  low: Quantity | undefined;
  high: Quantity | undefined;
  status: StepStatus | undefined;
  /** The status word as written (`PASS`). */
  statusWord: string | undefined;
  notes: string[];
  line: number;
}

function readTest(n: SNode, file: InputFile): TestInfo {
  const result = child(n, 'INTC_RESULT');
  const measured = quantity(child(n, 'MEASVAL') ?? child(result, 'MEASVAL') ?? child(n, 'MEAS_VAL') ?? child(result, 'MEAS_VAL'), file);
  const low = quantity(firstChild(n, LOW_KEYS) ?? child(n, 'THRESH'), file);
  const high = quantity(firstChild(n, HIGH_KEYS), file);
  const notes: string[] = [];
  const type = valueOf(child(n, 'TYPE'))?.trim();
  const status = statusOf(n, file) ?? statusOf(result, file);
  const nominal = quantity(child(n, 'NOMVAL'), file);
  if (nominal) notes.push(`nominal ${nominal.text}`);
  for (const c of n.children) {
    if (c.key === 'RES_LIMIT' || c.key === 'CAP_LIMIT') notes.push(`${c.key} ${quantity(c, file)?.text ?? ''}`.trim());
    else if (NODE_KEYS[c.key]) notes.push(`${NODE_KEYS[c.key]} ${nodeList(c)}`);
    else if (c.key === 'INTC_RESULT') {
      for (const r of c.children) {
        if (r.key === 'STAT' || r.key === 'MEASVAL' || r.key === 'MEAS_VAL') continue;
        notes.push(NODE_KEYS[r.key] ? `${NODE_KEYS[r.key]} ${nodeList(r)}` : describe(r));
      }
    } else if (!QUANTITY_KEYS.has(c.key) && c.key !== 'TYPE' && c.key !== 'STAT') notes.push(describe(c));
  }
  const statusWord = (valueOf(child(n, 'STAT')) || valueOf(child(result, 'STAT')))?.trim() || undefined;
  return { name: type || n.key, measured, low, high, status, statusWord, notes, line: n.line };
}

function build(unit: Unit, file: InputFile, ctx: ConvertContext, s: Sanitizer, order: 'MDY' | 'DMY'): UutReport {
  const o = ctx.options;
  const unitPos: Pos = { line: unit.programLine };
  const serial = userValue(unit, 'Serialnumber');
  if (!serial || !serial.value) {
    fail('CONVERT_ERR_MISSING_FIELD', file.name, FORMAT, serial ? { line: serial.line } : unitPos, `no serial number for the board of line ${unit.programLine} (expected "(USER: Serialnumber:<serial>)")`);
  }
  const pn = o.partNumber ?? unit.program;
  if (!pn) fail('CONVERT_ERR_MISSING_FIELD', file.name, FORMAT, unitPos, 'no part number: the board has no (PROGRAM_NAME: ...) and the partNumber option is not set');

  // Start: the first step's TIME (the test start); else the USER Date + StartTime.
  let start: LocalDateTime | undefined;
  let last: LocalDateTime | undefined;
  for (const sec of unit.sections) {
    for (const st of sec.steps) {
      const t = child(st, 'TIME');
      if (!t) continue;
      const parts = (valueOf(t) ?? '').trim().split(/\s+/);
      const local = parseNumericDate(parts[0] ?? '', parts[1] ?? '', order);
      if (!local) fail('CONVERT_ERR_VALUE', file.name, FORMAT, { line: t.line }, `(TIME: "${valueOf(t)?.trim()}") is not a ${order === 'MDY' ? 'MM/dd/yyyy' : 'dd/MM/yyyy'} HH:mm:ss time (option formats.${FORMAT}.dateOrder)`);
      start ??= local;
      last = local;
    }
  }
  const userDate = userValue(unit, 'Date');
  const userStart = userValue(unit, 'StartTime');
  if (!start && userDate && userStart) {
    start = parseNumericDate(userDate.value, userStart.value, order);
  }
  if (!start) fail('CONVERT_ERR_MISSING_FIELD', file.name, FORMAT, unitPos, 'no start time: no (TIME: ...) in any STEP and no USER Date/StartTime');
  let execTime: number | undefined;
  const userEnd = userValue(unit, 'EndTime');
  if (userEnd) {
    const end = parseNumericDate(`${start.month}/${start.day}/${start.year}`, userEnd.value, 'MDY');
    if (end) {
      execTime = localDiffSeconds(start, end, o.timeZone);
      if (execTime < 0) execTime += 86_400; // ended after midnight
    } else ctx.warn(`USER EndTime "${userEnd.value}" is not a time: execution time taken from the last step`, { line: userEnd.line });
  }
  if (execTime === undefined && last) execTime = localDiffSeconds(start, last, o.timeZone);

  const statusText = userValue(unit, 'STATUS');
  let result: 'P' | 'F' | 'E' | 'T' | undefined;
  if (statusText) {
    const v = statusText.value.toUpperCase();
    result = /FAIL/.test(v) ? 'F' : /ERROR/.test(v) ? 'E' : /ABORT|TERMINAT|INTERRUPT/.test(v) ? 'T' : /PASS/.test(v) ? 'P' : undefined;
    if (!result) ctx.warn(`USER STATUS "${statusText.value}" is not PASSED/FAILED: the result is computed from the steps`, { line: statusText.line });
  } else {
    ctx.warn('no (USER: STATUS: ...) record: the result is computed from the steps', unitPos);
  }

  const operator = userValue(unit, 'Operator')?.value || o.operator;
  const machine = userValue(unit, 'Machine');
  const seqRev = userValue(unit, 'SequenceRev');
  const b = createUutReport({
    partNumber: s.id(pn, 'part number', unitPos),
    serialNumber: s.id(serial.value, 'serial number', { line: serial.line }),
    revision: s.id(o.partRevision, 'revision'),
    processCode: processCodeOf(ctx, SPECTRUM_DEFAULT_PROCESS_CODE),
    stationName: s.text(machine?.value || o.stationName, 100, 'station name', machine ? { line: machine.line } : undefined),
    location: o.location,
    purpose: o.purpose,
    operator: operator ? s.text(operator, 100, 'operator') : undefined,
    ...startOf(start, o.timeZone),
    execTime: execTime !== undefined && execTime >= 0 ? execTime : undefined,
    result,
    rootName: s.text(unit.program ?? pn, 200, 'program name', unitPos),
    rootSequence: {
      status: result, // the board verdict (USER STATUS) when the file has one; else computed
      ...(seqRev?.value ? { version: s.text(seqRev.value, 30, 'sequence version', { line: seqRev.line }) } : {}),
    },
  });
  if (unit.subprogram) b.addMiscInfo(...s.misc('SUBPROGRAM_NAME', unit.subprogram, unitPos));
  for (const u of unit.user) {
    const k = u.key.toLowerCase();
    if (k === 'serialnumber' || k === 'operator' || k === 'machine') continue;
    b.addMiscInfo(...s.misc(u.key || 'USER', u.value, { line: u.line }));
  }
  for (const n of unit.other) {
    ctx.warn(`record (${n.key}: is not part of the format as known: kept as a misc info`, { line: n.line });
    b.addMiscInfo(...s.misc(n.key, (valueOf(n) || describe(n)).trim(), { line: n.line }));
  }

  for (const sec of unit.sections) {
    if (sec.steps.length === 0) continue; // an empty section ran no test
    const seq = sec.name === undefined ? b.root : b.root.addSequence(s.text(sec.name, 100, 'section name', { line: sec.line }));
    for (const st of sec.steps) addStep(seq, st, file, ctx, s);
  }
  return b.build({ consume: true });
}

function addStep(seq: SequenceBuilder, st: SNode, file: InputFile, ctx: ConvertContext, s: Sanitizer): void {
  const sname = valueOf(child(st, 'SNAME'))?.trim() || undefined;
  const desc = valueOf(child(st, 'DESC'))?.trim() || undefined;
  const pages = childrenOf(st, 'PAGE');
  const stepStatus = statusOf(st, file);
  const extra = st.children.filter((c) => !['TYPE', 'TIME', 'SNAME', 'DESC', 'PAGE', 'STAT'].includes(c.key)).map(describe);
  const pos: Pos = { line: st.line };
  if (pages.length === 0) {
    const text = [desc, ...extra].filter(Boolean).join('\n');
    seq.addAction(s.name(sname ?? '(unnamed step)', pos), { status: stepStatus ?? 'D', reportText: text ? s.text(text, undefined, 'report text', pos) : undefined });
    return;
  }
  if (pages.length === 1) {
    const head = [sname && sname !== pageName(pages[0]!) ? `step ${sname}` : undefined, desc, ...extra];
    addPage(seq, pages[0]!, head, stepStatus, file, ctx, s);
    return;
  }
  const text = [desc, ...extra].filter(Boolean).join('\n');
  const sub = seq.addSequence(s.name(sname ?? '(unnamed step)', pos), { status: stepStatus, reportText: text ? s.text(text, undefined, 'report text', pos) : undefined });
  for (const p of pages) addPage(sub, p, [], undefined, file, ctx, s);
}

function pageName(p: SNode): string | undefined {
  return valueOf(child(p, 'PAGE_NAME'))?.trim() || undefined;
}

function addPage(seq: SequenceBuilder, page: SNode, head: (string | undefined)[], fallbackStatus: StepStatus | undefined, file: InputFile, ctx: ConvertContext, s: Sanitizer): void {
  const pos: Pos = { line: page.line };
  const name = s.name(pageName(page) ?? valueOf(child(page, 'TYPE'))?.trim() ?? '(unnamed page)', pos);
  const pageStatus = statusOf(page, file) ?? fallbackStatus;
  const lines: string[] = head.filter((x): x is string => Boolean(x));
  for (const k of ['COMMENT', 'FAIL_MSG']) {
    const v = valueOf(child(page, k))?.trim();
    if (v) lines.push(v);
  }
  const tests: TestInfo[] = [];
  for (const c of page.children) {
    if (['TYPE', 'PAGE_NAME', 'COMMENT', 'FAIL_MSG', 'STAT'].includes(c.key)) continue;
    if (c.key === 'EXTPROG') {
      for (const e of c.children) lines.push(`${e.key === 'PROG_NAME' ? 'program' : e.key} ${(valueOf(e) ?? '').trim()}`);
      continue;
    }
    if (isTest(c)) tests.push(readTest(c, file));
    else lines.push(NODE_KEYS[c.key] ? `${NODE_KEYS[c.key]} ${nodeList(c)}` : describe(c));
  }
  const measured = tests.filter((t) => t.measured);
  const textOf = (extraLines: string[]): string | undefined => {
    const all = [...lines, ...extraLines].filter(Boolean);
    return all.length ? s.text(all.join('\n'), undefined, 'report text', pos) : undefined;
  };
  const status = pageStatus ?? worst(tests.map((t) => t.status));
  if (measured.length === 0) {
    // No measured value: a pass/fail test; its limits and nodes go into the report text.
    const notes = tests.flatMap((t) => [
      `${t.name}${t.statusWord ? ` ${t.statusWord}` : ''}${t.low ? `, low limit ${t.low.text}` : ''}${t.high ? `, high limit ${t.high.text}` : ''}`,
      ...t.notes,
    ]);
    if (!status) fail('CONVERT_ERR_MISSING_FIELD', file.name, FORMAT, pos, `page "${name}" has neither a status nor a measured value`);
    seq.addPassFail(name, status === 'P' || status === 'D' || status === 'S', { status, reportText: textOf(notes) });
    return;
  }
  const inputs = measured.map((t) => numericInput(t, pageStatus, ctx));
  const notes = tests.flatMap((t) => (tests.length > 1 ? t.notes.map((x) => `${t.name}: ${x}`) : t.notes));
  for (const t of tests) if (!t.measured) notes.push(`${t.name}${t.statusWord ? ` ${t.statusWord}` : ''} (no measured value)`);
  if (inputs.length === 1) {
    seq.addNumeric(name, { ...inputs[0]!, status: inputs[0]!.status, reportText: textOf(notes) });
    return;
  }
  const names = uniqueMeasurementNames(measured.map((t) => s.text(t.name, 100, 'measurement name', { line: t.line })), ctx, `page "${name}"`, pos);
  const list: NamedNumericInput[] = inputs.map((m, i) => ({ ...m, name: names[i]! }));
  seq.addMultiNumeric(name, list, { status, reportText: textOf(notes) });
}

function worst(list: (StepStatus | undefined)[]): StepStatus | undefined {
  const order: StepStatus[] = ['T', 'E', 'F', 'P', 'D', 'S'];
  for (const s of order) if (list.includes(s)) return s;
  return undefined;
}

function numericInput(t: TestInfo, pageStatus: StepStatus | undefined, ctx: ConvertContext): Omit<NamedNumericInput, 'name'> {
  const m = t.measured!;
  const unit = m.unit ?? t.low?.unit ?? t.high?.unit;
  for (const lim of [t.low, t.high]) {
    if (lim?.unit && unit && lim.unit !== unit) ctx.warn(`limit unit ${lim.unit} differs from the measured unit ${unit}: values kept as written`, { line: t.line });
  }
  return {
    value: m.value,
    ...(unit ? { unit } : {}),
    ...limitsToCompOp(t.low?.value, t.high?.value),
    status: t.status ?? pageStatus, // neither: computed from the limits
  };
}
