/**
 * SPEA ICT 3030 (in-circuit tester) result log: semicolon-separated records
 * `FORMAT;mmdd`, `START;...`, `LOT;...`, `ANL;...`/`FUNC;...` (one per test), `SN;<serial>`,
 * `BOARDRESULT;PASS|FAIL`, `END;<result>;<date>;<time>`. A file holds many runs (FORMAT/START
 * to END): each run becomes its own report, in file order.
 *
 * Streamed line by line (real files are megabytes). See docs/converters/spea-ict3030.md.
 */
import { createUutReport, type SequenceBuilder, type StepStatus, type UutReport } from '@tswats/sdk';
import type { InputFile } from '../input.js';
import type { LocalDateTime } from '../time.js';
import type { ConvertContext, Converter, Detection } from '../types.js';
import { readLines, splitLines } from '../ict-common/lines.js';
import {
  dateOrderOption, fail, limitsToCompOp, localDiffSeconds, num, parseDecimal, parseNumericDate, processCodeOf, Sanitizer,
  startOf, type Pos,
} from '../ict-common/util.js';

const FORMAT = 'spea-ict3030';
/** The process code when the options give none (ICT, as the other in-circuit converters). */
export const SPEA_DEFAULT_PROCESS_CODE = 20;
/** SPEA writes ±1.000000e+10 for "no limit". */
const NO_LIMIT = 1e10;

/** Task-name prefixes → sequence names (others are used as they are). */
export const SPEA_FAMILIES: Readonly<Record<string, string>> = Object.freeze({
  R: 'Resistors', RP: 'Resistors', RS: 'Resistors', RN: 'Resistors',
  C: 'Capacitors', CP: 'Capacitors', CS: 'Capacitors',
  L: 'Inductors', D: 'Diodes', DZ: 'Diodes', Q: 'Transistors', U: 'ICs', K: 'Relays', F: 'Fuses', T: 'Transformers',
  J: 'Jumpers', JP: 'Jumpers', SHO: 'Shorts', DSC: 'Discharge', FKT: 'Functional',
});

interface Row {
  line: number;
  kind: string;
  site: string;
  task: string;
  taskNo: string;
  testNo: string;
  description: string;
  partNo: string;
  result: string;
  measure: string;
  min: string;
  max: string;
  unit: string;
  nodes: string;
}

interface Run {
  line: number;
  order: 'MDY' | 'DMY';
  folder: string;
  testplan: string;
  version: string;
  product: string;
  operator: string;
  start: LocalDateTime;
  lot?: string;
  serial?: { value: string; line: number };
  boardResult?: { value: string; line: number };
  rows: Row[];
}

const START_LINE_RE = /^START;[^;\n]*;[^;\n]*;[^;\n]*;[^;\n]*;[^;\n]*;\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4};\d{1,2}:\d{2}/m;

export const speaIct3030Converter: Converter = {
  name: FORMAT,
  description: 'SPEA ICT 3030 result log (START/ANL/FUNC/SN/BOARDRESULT/END records; one report per run)',
  extensions: ['.csv', '.txt', '.log'],
  detect(file: InputFile): Detection {
    const head = file.headText();
    const start = START_LINE_RE.test(head);
    const format = /^FORMAT;(mmdd|ddmm)\s*$/im.test(head);
    const tests = /^(ANL|FUNC);\d*;/m.test(head);
    const end = /^(BOARDRESULT|END);/m.test(head);
    const confidence = start && (tests || end) ? 0.95 : start && format ? 0.9 : format && tests ? 0.85 : 0;
    if (!confidence) return { confidence: 0 };
    const lines = splitLines(head);
    const first = lines.find((l) => l.startsWith('START;'))?.split(';');
    return {
      confidence,
      preview: {
        serialNumber: lines.find((l) => l.startsWith('SN;'))?.slice(3).trim() || undefined,
        partNumber: first?.[4] || undefined,
        start: first ? `${first[6]} ${first[7]}` : undefined,
        units: lines.filter((l) => l.startsWith('START;')).length,
      },
    };
  },
  async *convert(file: InputFile, ctx: ConvertContext): AsyncIterable<UutReport> {
    const s = new Sanitizer(ctx, file.name, FORMAT);
    let order = dateOrderOption(ctx, FORMAT, 'MDY', file.name);
    let run: Run | undefined;
    let count = 0;
    const skipped = new Set<string>();
    for await (const { text, line } of readLines(file, FORMAT)) {
      if (text.trim() === '') continue;
      const f = text.split(';');
      const rec = f[0]!.trim().toUpperCase();
      const pos: Pos = { line };
      switch (rec) {
        case 'FORMAT': {
          const v = (f[1] ?? '').trim().toLowerCase();
          if (v === 'mmdd') order = 'MDY';
          else if (v === 'ddmm') order = 'DMY';
          else ctx.warn(`FORMAT "${f[1] ?? ''}" is not mmdd or ddmm: dates read as ${order === 'MDY' ? 'MM/dd' : 'dd/MM'}`, pos);
          break;
        }
        case 'START': {
          if (run) fail('CONVERT_ERR_FORMAT', file.name, FORMAT, pos, `START before the END of the run started at line ${run.line}`);
          if (f.length < 8) fail('CONVERT_ERR_SYNTAX', file.name, FORMAT, pos, `START has ${f.length} fields; expected 8 (START;folder;test plan;version;product;operator;date;time)`);
          const start = parseNumericDate(f[6]!, f[7]!, order);
          if (!start) fail('CONVERT_ERR_VALUE', file.name, FORMAT, pos, `START date "${f[6]} ${f[7]}" is not a ${order === 'MDY' ? 'MM/dd/yyyy' : 'dd/MM/yyyy'} HH:mm:ss time`);
          run = {
            line, order, folder: f[1]!.trim(), testplan: f[2]!.trim(), version: f[3]!.trim(), product: f[4]!.trim(),
            operator: f[5]!.trim(), start, rows: [],
          };
          break;
        }
        case 'LOT':
        case 'SN':
        case 'BOARDRESULT':
        case 'ANL':
        case 'FUNC':
        case 'END': {
          if (!run) fail('CONVERT_ERR_FORMAT', file.name, FORMAT, pos, `${rec} outside a run (no START before it)`);
          if (rec === 'LOT') run.lot = (f[1] ?? '').trim() || undefined;
          else if (rec === 'SN') run.serial = { value: (f[1] ?? '').trim(), line };
          else if (rec === 'BOARDRESULT') run.boardResult = { value: (f[1] ?? '').trim(), line };
          else if (rec === 'END') {
            yield build(run, f, line, file, ctx, s);
            count++;
            run = undefined;
          } else {
            if (f.length < 12) fail('CONVERT_ERR_SYNTAX', file.name, FORMAT, pos, `${rec} has ${f.length} fields; expected at least 12 (…;result;measure;min;max;unit)`);
            run.rows.push({
              line, kind: rec, site: f[1]!.trim(), task: f[2]!.trim(), taskNo: f[3]!.trim(), testNo: f[4]!.trim(), description: f[5]!.trim(),
              partNo: f[6]!.trim(), result: f[7]!.trim(), measure: f[8]!.trim(), min: f[9]!.trim(), max: f[10]!.trim(), unit: f[11]!.trim(),
              nodes: (f[12] ?? '').trim(),
            });
          }
          break;
        }
        default:
          if (!/^[A-Z][A-Z0-9_]{0,30}$/.test(rec)) fail('CONVERT_ERR_SYNTAX', file.name, FORMAT, pos, `not a SPEA record: "${text.slice(0, 60)}"`);
          if (!skipped.has(rec)) {
            skipped.add(rec);
            ctx.warn(`record type ${rec} is not known: its lines are skipped`, pos);
          }
      }
    }
    if (run) fail('CONVERT_ERR_TRUNCATED', file.name, FORMAT, { line: run.line }, `the file ends inside the run started at line ${run.line} (no END record; the tester may still be writing it)`);
    if (count === 0) fail('CONVERT_ERR_EMPTY', file.name, FORMAT, undefined, 'no run in the file (no START ... END)');
  },
};

const RESULTS: Readonly<Record<string, 'P' | 'F' | 'E' | 'T'>> = Object.freeze({
  PASS: 'P', PASSED: 'P', FAIL: 'F', FAILED: 'F', ERROR: 'E', NONE: 'E', INTERRUPTED: 'T', ABORTED: 'T', TERMINATED: 'T',
});

function resultOf(v: string): 'P' | 'F' | 'E' | 'T' | undefined {
  return RESULTS[v.trim().toUpperCase()];
}

function rowStatus(r: Row, file: InputFile): StepStatus {
  const v = r.result.toUpperCase();
  if (v.startsWith('PASS')) return 'P';
  if (v.startsWith('FAIL')) return 'F';
  if (v.startsWith('SKIP') || v === 'NOT TESTED' || v === 'NOTTESTED') return 'S';
  if (v.startsWith('ERR')) return 'E';
  return fail('CONVERT_ERR_VALUE', file.name, FORMAT, { line: r.line }, `unknown test result "${r.result}" (expected PASS or FAIL...)`);
}

/** A SPEA number: decimal, `-NAN`/`NAN`, `inf`; undefined for an empty field. */
function speaNumber(text: string, what: string, r: Row, file: InputFile): number | undefined {
  if (text === '') return undefined;
  const v = parseDecimal(text);
  if (v !== undefined) return v;
  const u = text.toUpperCase().replace(/^\+/, '');
  if (u === 'NAN' || u === '-NAN') return Number.NaN;
  if (u === 'INF') return Number.POSITIVE_INFINITY;
  if (u === '-INF') return Number.NEGATIVE_INFINITY;
  return fail('CONVERT_ERR_VALUE', file.name, FORMAT, { line: r.line }, `${what} "${text}" of ${r.task} is not a number`);
}

function build(run: Run, endFields: string[], endLine: number, file: InputFile, ctx: ConvertContext, s: Sanitizer): UutReport {
  const o = ctx.options;
  const runPos: Pos = { line: run.line };
  if (!run.serial?.value) fail('CONVERT_ERR_MISSING_FIELD', file.name, FORMAT, { line: endLine }, `the run started at line ${run.line} has no serial number (no "SN;<serial>" before END)`);
  const endResult = resultOf(endFields[1] ?? '');
  const board = run.boardResult ? resultOf(run.boardResult.value) : undefined;
  if (run.boardResult && !board) ctx.warn(`BOARDRESULT "${run.boardResult.value}" is not PASS/FAIL/ERROR`, { line: run.boardResult.line });
  if (board && endResult && board !== endResult) ctx.warn(`BOARDRESULT ${run.boardResult!.value} and END ${endFields[1]} disagree: BOARDRESULT is used`, { line: endLine });
  const result = board ?? endResult;
  if (!result) ctx.warn('no BOARDRESULT and no result on END: the result is computed from the tests', { line: endLine });
  let execTime: number | undefined;
  if (endFields.length >= 4) {
    const end = parseNumericDate(endFields[2]!, endFields[3]!, run.order);
    if (!end) fail('CONVERT_ERR_VALUE', file.name, FORMAT, { line: endLine }, `END date "${endFields[2]} ${endFields[3]}" is not a date and time`);
    execTime = localDiffSeconds(run.start, end, o.timeZone);
    if (execTime < 0) {
      ctx.warn('END is earlier than START: execution time not set', { line: endLine });
      execTime = undefined;
    }
  }
  const sites = new Set(run.rows.map((r) => r.site).filter(Boolean));
  const site = run.rows.find((r) => r.site)?.site;
  if (sites.size > 1) ctx.warn(`tests of several sites (${[...sites].join(', ')}) in one run: kept in one report, test socket index from the first`, runPos);
  const socket = site !== undefined && /^\d{1,5}$/.test(site) ? Number(site) : undefined;
  const pn = o.partNumber ?? (run.product || run.testplan);
  if (!pn) fail('CONVERT_ERR_MISSING_FIELD', file.name, FORMAT, runPos, 'no part number: START has no product and the partNumber option is not set');
  const operator = run.operator || o.operator;
  const b = createUutReport({
    partNumber: s.id(pn, 'part number', runPos),
    serialNumber: s.id(run.serial.value, 'serial number', { line: run.serial.line }),
    revision: s.id(o.partRevision, 'revision'),
    processCode: processCodeOf(ctx, SPEA_DEFAULT_PROCESS_CODE),
    stationName: s.text(o.stationName, 100, 'station name'),
    location: o.location,
    purpose: o.purpose,
    operator: operator ? s.text(operator, 100, 'operator', runPos) : undefined,
    ...startOf(run.start, o.timeZone),
    execTime,
    batchSerialNumber: run.lot ? s.text(run.lot, 100, 'lot', runPos) : undefined,
    testSocketIndex: socket,
    result,
    rootName: s.text(run.testplan || pn, 200, 'test plan', runPos),
    rootSequence: {
      status: result, // the board verdict of the file (a passing board may hold failed first tries)
      ...(run.folder ? { path: s.text(run.folder, 500, 'program folder', runPos) } : {}),
      ...(run.version ? { version: s.text(run.version, 30, 'test plan version', runPos) } : {}),
    },
  });
  if (run.product && o.partNumber !== undefined && o.partNumber !== run.product) b.addMiscInfo(...s.misc('Product', run.product, runPos));

  let family = '';
  let seq: SequenceBuilder | undefined;
  for (let i = 0; i < run.rows.length; ) {
    const first = run.rows[i]!;
    let j = i + 1;
    while (j < run.rows.length && run.rows[j]!.task === first.task && run.rows[j]!.taskNo === first.taskNo && run.rows[j]!.kind === first.kind) j++;
    const task = run.rows.slice(i, j);
    i = j;
    // Tasks are grouped by the letters their name starts with (R12 → Resistors); a task whose
    // name starts otherwise ("5.3.1 12V_5V_3.3V") stays in the current group.
    const prefix = /^[A-Za-z]+/.exec(first.task)?.[0];
    const fam = prefix ? (SPEA_FAMILIES[prefix.toUpperCase()] ?? prefix) : seq ? family : 'Tests';
    if (!seq || fam !== family) {
      seq = b.root.addSequence(s.text(fam, 100, 'sequence name', { line: first.line }));
      family = fam;
    }
    if (task.length === 1) {
      addRow(seq, first, first.task || first.description, true, file, ctx, s);
    } else {
      const sub = seq.addSequence(s.name(first.task || '(no task name)', { line: first.line }));
      for (const r of task) addRow(sub, r, r.description || `test ${r.testNo}`, false, file, ctx, s);
    }
  }
  return b.build({ consume: true });
}

function addRow(seq: SequenceBuilder, r: Row, stepName: string, single: boolean, file: InputFile, ctx: ConvertContext, s: Sanitizer): void {
  const pos: Pos = { line: r.line };
  const status = rowStatus(r, file);
  const notes: string[] = [];
  if (single && r.description && r.description !== stepName) notes.push(r.description);
  if (r.partNo) notes.push(`part ${r.partNo}`);
  if (r.nodes) notes.push(`test points ${r.nodes}`);
  if (status !== 'P') notes.push(`result ${r.result}`);
  const name = s.name(stepName || '(no name)', pos);
  const automatic = r.measure.toUpperCase() === 'AUTOMATIC';
  const value = automatic ? undefined : speaNumber(r.measure, 'the measured value', r, file);
  let low = speaNumber(r.min, 'the low limit', r, file);
  let high = speaNumber(r.max, 'the high limit', r, file);
  const reportText = (extra: string[] = []): string | undefined => {
    const all = [...notes, ...extra];
    return all.length ? s.text(all.join('\n'), undefined, 'report text', pos) : undefined;
  };
  if (automatic || value === undefined || (value === 0 && low === 0 && high === 0 && r.unit === '')) {
    // "Automatic" (shorts, floating-pin checks) or 0/0/0 without a unit: a test without a measured value.
    seq.addPassFail(name, status === 'P', { status, reportText: reportText() });
    return;
  }
  if (low !== undefined && low <= -NO_LIMIT) low = undefined;
  if (high !== undefined && high >= NO_LIMIT) high = undefined;
  const extra: string[] = [];
  if (low !== undefined && high !== undefined && low > high && high === 0) {
    extra.push(`max ${r.max} read as "no high limit"`);
    high = undefined;
  }
  if (low !== undefined && high !== undefined && low > high) {
    ctx.warn(`${r.task}: low limit ${num(low)} is above the high limit ${num(high)}; kept as written`, pos);
  }
  const unit = r.unit ? s.text(r.unit, 50, 'unit', pos) : '';
  seq.addNumeric(name, { value, ...(unit ? { unit } : {}), ...limitsToCompOp(low, high), status, reportText: reportText(extra) });
}
