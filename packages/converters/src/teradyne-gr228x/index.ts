/**
 * Teradyne GR228x in-circuit tester log (`.LOG`): a `.obc` program header line, then per unit an
 * `@DD-MON-YY  HH:MM:SS SN <serial>` start line, global failure lines (`(S`, `(O`, `(B`, `(C`,
 * `(F` + node list), measurement records such as `R508=100.20007K(92.919K,105.131K)R` and an
 * end-event line (`"` pass, `/` fail, `?` aborted, `!` cancelled, `*` error, `&` system error).
 * A log holds many units: each `@` block becomes its own report.
 *
 * See docs/converters/teradyne-gr228x.md for the mapping.
 */
import { createUutReport, type SequenceBuilder, type StepStatus, type UutReport, type UutReportBuilder } from '@tswats/sdk';
import type { InputFile } from '../input.js';
import type { LocalDateTime } from '../time.js';
import type { ConvertContext, Converter, Detection } from '../types.js';
import { readLines, splitLines } from '../ict-common/lines.js';
import {
  fail, fullYear, limitsToCompOp, localDiffSeconds, monthNumber, num, parseDecimal, processCodeOf, Sanitizer,
  startOf, validLocal, type Pos,
} from '../ict-common/util.js';

const FORMAT = 'teradyne-gr228x';
/** The process code when the options give none (the GR228x/i3070 ICT default of the reference converters). */
export const GR228X_DEFAULT_PROCESS_CODE = 20;

const DATE = String.raw`(\d{1,2})-([A-Za-z]{3})-(\d{2}|\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})`;
const PROGRAM_RE = new RegExp(String.raw`^\s*(.*\.obc)\[\s*${DATE}\s*$`, 'i');
const START_RE = new RegExp(String.raw`^@\s*${DATE}(.*)$`);
const EVENT_RE = new RegExp(String.raw`^(["/?!*&\]])\s*${DATE}(.*)$`);
const GLOBAL_RE = /^\(([A-Za-z])(.*)$/;
const WATS_RE = /^WATS_(partNumber|partRevision|sequenceName|sequenceVersion|operator|stationName)=(.*)$/;
// Component ref, result code, value, optional (low,high), test type, rest (optionally "=message").
const MEAS_RE = /^([^=<>#%()\s]+)([=<>#%])([^()\s]*)(?:\(([^,()]*),([^()]*)\))?([A-Za-z]*)(.*)$/;
const VALUE_RE = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:E[+-]?\d{1,3})?)(MEG|[FPNUMKGT])?$/i;

/** Unit prefixes of GR228x numbers (SPICE style: M is milli, MEG is mega), as powers of ten. */
export const GR228X_PREFIX: Readonly<Record<string, number>> = Object.freeze({
  '': 0, F: -15, P: -12, N: -9, U: -6, M: -3, K: 3, MEG: 6, G: 9, T: 12,
});

/** Test type codes: description and the unit of the measured value. */
export const GR228X_TEST_TYPES: Readonly<Record<string, { description: string; unit?: string }>> = Object.freeze({
  AC: { description: 'MEAS DVM ACV', unit: 'V' },
  AI: { description: 'MEAS ACI ACM', unit: 'A' },
  AR: { description: 'TEST ARITH' },
  AV: { description: 'MEAS ACV ACM', unit: 'V' },
  AY: { description: 'MEAS DVM/DMM' },
  CP: { description: 'MEAS ACZ CP', unit: 'F' },
  CS: { description: 'MEAS ACZ CS', unit: 'F' },
  DC: { description: 'MEAS DVM DCV', unit: 'V' },
  DD: { description: 'MEAS ACZ D' },
  EV: { description: 'FTM EVENT' },
  HZ: { description: 'FTM FREQ', unit: 'Hz' },
  I: { description: 'MEAS DCM DCI', unit: 'A' },
  IS: { description: 'TEST DCS DCI', unit: 'A' },
  LP: { description: 'MEAS ACZ LP', unit: 'H' },
  LS: { description: 'MEAS ACZ LS', unit: 'H' },
  QQ: { description: 'MEAS ACZ Q' },
  R: { description: 'MEAS R', unit: 'Ohm' },
  RA: { description: 'FTM RATIO' },
  RP: { description: 'MEAS ACZ RP', unit: 'Ohm' },
  RS: { description: 'MEAS ACZ RS', unit: 'Ohm' },
  S: { description: 'FTM PERIOD', unit: 's' },
  TI: { description: 'FTM INTERNAL', unit: 's' },
  V: { description: 'MEAS DCM DCV', unit: 'V' },
  VS: { description: 'TEST DCS DCV', unit: 'V' },
  XP: { description: 'MEAS ACZ XP', unit: 'Ohm' },
  XS: { description: 'MEAS ACZ XS', unit: 'Ohm' },
  ZM: { description: 'MEAS ACZ Z', unit: 'Ohm' },
});

const GLOBAL_FAILURES: Readonly<Record<string, string>> = Object.freeze({
  S: 'Shorts', O: 'Opens', B: 'Bus test', C: 'Scratch probing', F: 'Fixture contact',
});
const GLOBAL_MEANING: Readonly<Record<string, string>> = Object.freeze({
  S: 'SHORTS test failed', O: 'OPENS test failed', B: 'BUSTEST: failure caused by the bus',
  C: 'SCRATCHPROBING connection failure', F: 'CONTACT: fixture failure',
});

/** End events: the report result and a description. `]` (return to diagnose) is handled apart. */
const EVENTS: Readonly<Record<string, { result: 'P' | 'F' | 'E' | 'T'; name: string }>> = Object.freeze({
  '"': { result: 'P', name: 'pass' },
  '/': { result: 'F', name: 'fail' },
  '?': { result: 'T', name: 'aborted' },
  '!': { result: 'T', name: 'cancelled' },
  '*': { result: 'E', name: 'error' },
  '&': { result: 'E', name: 'system error' },
});

function dateOf(m: RegExpExecArray, at: number): LocalDateTime | undefined {
  const month = monthNumber(m[at + 1]!);
  if (!month) return undefined;
  const l: LocalDateTime = {
    year: fullYear(Number(m[at + 2]), m[at + 2]!.length), month, day: Number(m[at]),
    hour: Number(m[at + 3]), minute: Number(m[at + 4]), second: Number(m[at + 5]),
  };
  return validLocal(l) ? l : undefined;
}

/** A GR228x number with its unit prefix, in base units; undefined when it does not read. */
export function parseGr228xNumber(text: string): number | undefined {
  const m = VALUE_RE.exec(text);
  if (!m) return undefined;
  return parseDecimal(m[1]!, GR228X_PREFIX[(m[2] ?? '').toUpperCase()]!);
}

interface Unit {
  serial: string;
  start: LocalDateTime;
  startLine: number;
  header: Partial<Record<'partNumber' | 'partRevision' | 'sequenceName' | 'sequenceVersion' | 'operator' | 'stationName', { value: string; line: number }>>;
  steps: StepDraft[];
}

type StepDraft =
  | { kind: 'global'; key: string; lines: string[]; line: number }
  | { kind: 'meas'; line: number; ref: string; result: string; value?: number; low?: number; high?: number; type: string; message: string };

export const teradyneGr228xConverter: Converter = {
  name: FORMAT,
  description: 'Teradyne GR228x in-circuit test log (.obc program header, @date SN unit blocks)',
  extensions: ['.log', '.txt'],
  detect(file: InputFile): Detection {
    const lines = splitLines(file.headText()).slice(0, 2000);
    let program = false;
    let starts = 0;
    let meas = 0;
    let serial: string | undefined;
    let start: string | undefined;
    for (const l of lines) {
      if (l.length > 2000) continue;
      if (PROGRAM_RE.test(l)) program = true;
      const s = START_RE.exec(l);
      if (s && dateOf(s, 1)) {
        starts++;
        const rest = s[7]!.trim();
        if (!serial && /^SN\b/.test(rest)) serial = rest.slice(2).trim();
        start ??= `${s[1]}-${s[2]}-${s[3]} ${s[4]}:${s[5]}:${s[6]}`;
      }
      const m = MEAS_RE.exec(l);
      if (m && m[4] !== undefined && /^\s*(=.*)?$/.test(m[7]!)) meas++;
    }
    const confidence = program && (starts > 0 || meas > 0) ? 0.95 : program ? 0.7 : starts > 0 && meas > 0 ? 0.85 : 0;
    return confidence ? { confidence, preview: { serialNumber: serial, start, units: starts } } : { confidence: 0 };
  },
  async *convert(file: InputFile, ctx: ConvertContext): AsyncIterable<UutReport> {
    const s = new Sanitizer(ctx, file.name, FORMAT);
    let program: { name: string; path: string; line: number } | undefined;
    let unit: Unit | undefined;
    let ended = 0;
    for await (const { text, line } of readLines(file, FORMAT)) {
      const l = text.trimEnd();
      if (l.trim() === '') continue;
      const pos: Pos = { line };
      const p = PROGRAM_RE.exec(l);
      if (p) {
        if (unit) fail('CONVERT_ERR_FORMAT', file.name, FORMAT, pos, `program header inside the unit started at line ${unit.startLine} (no end event before it)`);
        const path = p[1]!.trim();
        const base = path.split(/[\\/]/).pop()!;
        program = { name: base.replace(/\.obc$/i, ''), path, line };
        continue;
      }
      const st = START_RE.exec(l);
      if (st) {
        const start = dateOf(st, 1);
        if (!start) fail('CONVERT_ERR_VALUE', file.name, FORMAT, pos, `not a date: "${l.slice(1, 21).trim()}"`);
        if (unit) {
          ctx.warn(`the unit started at line ${unit.startLine} has no end event: its result is T (terminated)`, { line: unit.startLine });
          yield build(unit, { result: 'T', line, time: undefined }, program, file, ctx, s);
          ended++;
        }
        const rest = st[7]!.trim();
        const serial = /^SN\b/i.test(rest) ? rest.slice(2).trim() : '';
        if (!serial) fail('CONVERT_ERR_MISSING_FIELD', file.name, FORMAT, pos, 'the unit start line has no serial number ("@date time SN <serial>")');
        unit = { serial, start, startLine: line, header: {}, steps: [] };
        continue;
      }
      const ev = EVENT_RE.exec(l);
      if (ev) {
        const time = dateOf(ev, 2);
        if (!time) fail('CONVERT_ERR_VALUE', file.name, FORMAT, pos, `not a date: "${l.slice(1, 21).trim()}"`);
        const code = ev[1]!;
        if (!unit) {
          ctx.warn(code === ']' ? 'return-to-diagnose event outside a unit: ignored' : `end event "${code}" outside a unit: ignored`, pos);
          continue;
        }
        if (code === ']') {
          ctx.warn('return-to-diagnose event inside a unit: the unit ends here with result T (terminated)', pos);
          yield build(unit, { result: 'T', line, time }, program, file, ctx, s);
        } else {
          yield build(unit, { result: EVENTS[code]!.result, line, time }, program, file, ctx, s);
        }
        ended++;
        unit = undefined;
        continue;
      }
      if (!unit) {
        fail('CONVERT_ERR_FORMAT', file.name, FORMAT, pos, `"${l.slice(0, 60)}" is outside a unit (no "@date time SN serial" line before it)`);
      }
      const w = WATS_RE.exec(l);
      if (w) {
        unit.header[w[1] as keyof Unit['header']] = { value: w[2]!.trim(), line };
        continue;
      }
      const g = GLOBAL_RE.exec(l);
      if (g) {
        const key = g[1]!.toUpperCase();
        if (!GLOBAL_FAILURES[key]) fail('CONVERT_ERR_SYNTAX', file.name, FORMAT, pos, `unknown global failure record "(${g[1]}" (known: (S (O (B (C (F)`);
        const last = unit.steps[unit.steps.length - 1];
        if (last && last.kind === 'global' && last.key === key) last.lines.push(g[2]!.trim());
        else unit.steps.push({ kind: 'global', key, lines: [g[2]!.trim()], line });
        continue;
      }
      const m = MEAS_RE.exec(l);
      if (!m) fail('CONVERT_ERR_SYNTAX', file.name, FORMAT, pos, `not a GR228x record: "${l.slice(0, 60)}"`);
      const rest = m[7]!.trim();
      if (rest && !rest.startsWith('=')) fail('CONVERT_ERR_SYNTAX', file.name, FORMAT, pos, `unexpected text "${rest.slice(0, 30)}" after the test type`);
      const number = (t: string | undefined, what: string): number | undefined => {
        if (t === undefined || t.trim() === '') return undefined;
        const v = parseGr228xNumber(t.trim());
        if (v === undefined) fail('CONVERT_ERR_VALUE', file.name, FORMAT, pos, `${what} "${t}" of ${m[1]} is not a number (with an optional P N U M K MEG prefix)`);
        return v;
      };
      unit.steps.push({
        kind: 'meas', line, ref: m[1]!, result: m[2]!, value: number(m[3], 'the value'), low: number(m[4], 'the low limit'),
        high: number(m[5], 'the high limit'), type: m[6]!.toUpperCase(), message: rest.replace(/^=\s*/, ''),
      });
    }
    if (unit) {
      fail('CONVERT_ERR_TRUNCATED', file.name, FORMAT, { line: unit.startLine }, `the file ends inside the unit started at line ${unit.startLine} (SN ${unit.serial}): no end event (the tester may still be writing it)`);
    }
    if (ended === 0) fail('CONVERT_ERR_EMPTY', file.name, FORMAT, undefined, 'no unit in the file (no "@date time SN serial" line)');
  },
};

function build(
  unit: Unit, end: { result: 'P' | 'F' | 'E' | 'T'; line: number; time: LocalDateTime | undefined },
  program: { name: string; path: string; line: number } | undefined, file: InputFile, ctx: ConvertContext, s: Sanitizer,
): UutReport {
  const o = ctx.options;
  const h = unit.header;
  const at = (k: keyof Unit['header']): Pos => ({ line: h[k]?.line ?? unit.startLine });
  let pn = h.partNumber?.value || o.partNumber || program?.name;
  if (!pn) {
    pn = file.name.replace(/\.[^.]*$/, '') || file.name;
    ctx.warn(`no part number (no .obc program header, no partNumber option): the file name "${pn}" is used`, { line: unit.startLine });
  }
  const execTime = end.time ? localDiffSeconds(unit.start, end.time, o.timeZone) : undefined;
  if (execTime !== undefined && execTime < 0) ctx.warn(`the end event is earlier than the start: execution time not set`, { line: end.line });
  const rootName = s.text(h.sequenceName?.value || program?.name || 'GR228x test', 200, 'sequence name', at('sequenceName'));
  const operator = h.operator?.value || o.operator;
  const b = createUutReport({
    partNumber: s.id(pn, 'part number', at('partNumber')),
    serialNumber: s.id(unit.serial, 'serial number', { line: unit.startLine }),
    revision: s.id(h.partRevision?.value || o.partRevision, 'revision', at('partRevision')),
    processCode: processCodeOf(ctx, GR228X_DEFAULT_PROCESS_CODE),
    stationName: s.text(h.stationName?.value || o.stationName, 100, 'station name', at('stationName')),
    location: o.location,
    purpose: o.purpose,
    operator: operator ? s.text(operator, 100, 'operator', at('operator')) : undefined,
    ...startOf(unit.start, o.timeZone),
    execTime: execTime !== undefined && execTime >= 0 ? execTime : undefined,
    result: end.result,
    rootName,
    rootSequence: {
      status: end.result, // the unit's verdict from the end event
      ...(program ? { path: s.text(program.path, 500, 'program path', { line: program.line }) } : {}),
      ...(h.sequenceVersion?.value ? { version: s.text(h.sequenceVersion.value, 30, 'sequence version', at('sequenceVersion')) } : {}),
    },
  });
  addSteps(b, unit, ctx, s);
  return b.build({ consume: true });
}

function addSteps(b: UutReportBuilder, unit: Unit, ctx: ConvertContext, s: Sanitizer): void {
  let group: SequenceBuilder | undefined;
  let groupLetter = '';
  const counters = new Map<string, number>();
  const unknownTypes = new Set<string>();
  for (const st of unit.steps) {
    const pos: Pos = { line: st.line };
    if (st.kind === 'global') {
      group = undefined;
      groupLetter = '';
      b.root.addPassFail(GLOBAL_FAILURES[st.key]!, false, {
        status: 'F',
        reportText: s.text(`${GLOBAL_MEANING[st.key]}: ${st.lines.join('\n')}`, undefined, 'report text', pos),
      });
      continue;
    }
    const letter = st.ref[0]!.toUpperCase();
    if (!group || letter !== groupLetter) {
      const n = (counters.get(letter) ?? 0) + 1;
      counters.set(letter, n);
      group = b.root.addSequence(s.name(`${letter}-Group${n}`, pos));
      groupLetter = letter;
    }
    const type = GR228X_TEST_TYPES[st.type];
    if (st.type && !type && !unknownTypes.has(st.type)) {
      unknownTypes.add(st.type);
      ctx.warn(`unknown test type "${st.type}": values kept without a unit`, pos);
    }
    const name = s.name(st.type ? `${st.ref}(${st.type})` : st.ref, pos);
    const status: StepStatus = st.result === '=' ? 'P' : st.result === '#' ? 'D' : 'F';
    const why = st.result === '<' ? 'failed: below the low limit' : st.result === '>' ? 'failed: above the high limit' : st.result === '%' ? 'failed' : '';
    const text = [st.message, why].filter(Boolean).join('\n');
    const reportText = text ? s.text(text, undefined, 'report text', pos) : undefined;
    if (st.value !== undefined) {
      group.addNumeric(name, { value: st.value, ...(type?.unit ? { unit: type.unit } : {}), ...limitsToCompOp(st.low, st.high), status, reportText });
    } else if (st.result === '#') {
      // "#": the step ran and has no judgement (source set-ups such as K500_CLEAR#(,)VS).
      group.addAction(name, { status: 'D', reportText: limitsText(st, type?.unit, reportText) });
    } else {
      group.addPassFail(name, status === 'P', { status, reportText: limitsText(st, type?.unit, reportText) });
    }
  }
}

/** Limits of a record without a measured value go into the report text (a pass/fail step has no limits). */
function limitsText(st: Extract<StepDraft, { kind: 'meas' }>, unit: string | undefined, text: string | undefined): string | undefined {
  if (st.low === undefined && st.high === undefined) return text;
  const u = unit ? ` ${unit}` : '';
  const lim = `limits: ${st.low !== undefined ? num(st.low) + u : '-'} .. ${st.high !== undefined ? num(st.high) + u : '-'}`;
  return text ? `${text}\n${lim}` : lim;
}
