import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createUutReport, type NumericInput, type ReportResult, type StepStatus, type WsjfReport } from '@tswats/sdk';
import { ConversionError } from '../errors.js';
import { decodeText, listFolder, type InputFile } from '../input.js';
import { fieldLimit, fitText, startFromIso } from '../report-helpers.js';
import { formatWithOffset, validLocal, type LocalDateTime } from '../time.js';
import type { ConvertContext, Converter, Detection } from '../types.js';

const FORMAT = 'klippel';
/** Default process code (the files name none). */
export const KLIPPEL_DEFAULT_PROCESS_CODE = 10;
/** Biggest data file read from the folder (curve files are a few kB). */
const MAX_DATA_FILE_BYTES = 16 * 1024 * 1024;

/**
 * Units of Klippel QC result names. Klippel's text export writes no units (the headers are
 * `frq imp max min`), so they come from what each Klippel QC result measures; a header
 * cell written `name [unit]` overrides this, and so does `formats.klippel.units`.
 */
export const KLIPPEL_UNITS: Readonly<Record<string, string>> = Object.freeze({
  frq: 'Hz',
  imp: 'Ohm',
  re: 'Ohm',
  fs: 'Hz',
  resp: 'dB SPL',
  level: 'dB SPL',
  thd: 'dB',
  rbz: 'dB',
});

/** `Ctrl_OverallVerdict` and the `Results_*` lists: Klippel verdicts. */
const VERDICTS: Record<string, { name: string; report: ReportResult; step: StepStatus }> = {
  '-1': { name: 'Void', report: 'E', step: 'D' },
  '0': { name: 'Fail', report: 'F', step: 'F' },
  '1': { name: 'Pass', report: 'P', step: 'P' },
  '2': { name: 'Warning', report: 'P', step: 'P' },
  '3': { name: 'Noise', report: 'E', step: 'E' },
  '4': { name: 'Invalid', report: 'E', step: 'E' },
};
const RESULT_LISTS: Array<[key: string, verdict: string]> = [
  ['Results_Pass', '1'], ['Results_Fail', '0'], ['Results_Warning', '2'], ['Results_Void', '-1'], ['Results_Noise', '3'], ['Results_Invalid', '4'],
];

interface Header {
  values: Map<string, { value: string; line: number }>;
}

interface Verdict {
  code: string;
  line: number;
  used: boolean;
}

/**
 * Klippel QC (loudspeaker end-of-line): a summary file of `Cfg_*`/`Ctrl_*`/`Results_*`
 * key=value lines, and a folder named like it holding one tab-separated file per result:
 * curves (`frq y [max] [min]`) and single values (`name value [max] [min]`). One DUT per
 * summary file, one report. Curves become XY steps with a chart; values numeric steps.
 */
export const klippelConverter: Converter = {
  name: FORMAT,
  description: 'Klippel QC DUT summary file with its folder of curve and value files',
  extensions: ['.txt'],
  needsFolder: true,
  detect(file: InputFile): Detection {
    const head = file.headText();
    const keys = ['Cfg_SerialNumber', 'Ctrl_OverallVerdict', 'Cfg_DutStartTime'].filter((k) => new RegExp(`^${k}=`, 'm').test(head)).length;
    if (keys < 2) return { confidence: 0 };
    const sn = /^Cfg_SerialNumber=([^\r\n]{0,200})/m.exec(head)?.[1]?.trim();
    return { confidence: keys === 3 ? 0.95 : 0.7, preview: { ...(sn ? { serialNumber: sn } : {}), units: 1 } };
  },
  async *convert(file: InputFile, ctx: ConvertContext): AsyncIterable<WsjfReport> {
    const fail = (code: ConversionError['code'], reason: string, position?: { line?: number; element?: string }): never => {
      throw new ConversionError({ code, file: file.name, format: FORMAT, position, reason });
    };
    const header = parseHeader(await file.text(), file.name);
    const get = (key: string) => header.values.get(key)?.value.trim() || undefined;
    const lineOf = (key: string) => header.values.get(key)?.line;
    const warnAt = (key: string | undefined, message: string) => ctx.warn(message, key && lineOf(key) ? { line: lineOf(key) } : undefined);
    const fit = (text: string, max: number, what: string, key?: string) => fitText(text, max, what, (m) => warnAt(key, m));

    const sn = get('Cfg_SerialNumber');
    if (!sn) fail('CONVERT_ERR_MISSING_FIELD', 'no serial number (Cfg_SerialNumber)', { line: lineOf('Cfg_SerialNumber') });

    let pn = ctx.options.partNumber;
    const database = get('Cfg_DatabasePath');
    const databaseName = database ? basename(database.replace(/\\/g, '/')).replace(/\.kdbx?$/i, '') : undefined;
    if (pn === undefined) {
      if (!databaseName) fail('CONVERT_ERR_MISSING_FIELD', 'no part number: the file has no test database (Cfg_DatabasePath) to name the product and no partNumber option was given');
      pn = databaseName!;
      warnAt('Cfg_DatabasePath', `the file names no part number: the test database name "${pn}" (Cfg_DatabasePath) is used (give partNumber to set one)`);
    }

    const start = startTime(get('Cfg_DutStartTime'), file.name);
    if (!start) {
      fail(get('Cfg_DutStartTime') ? 'CONVERT_ERR_VALUE' : 'CONVERT_ERR_MISSING_FIELD',
        get('Cfg_DutStartTime') ? `start time "${get('Cfg_DutStartTime')}" is not Klippel's Year-Month-Week-JDay-WDay-Day-Hour-Minute-Second-MSec-UTCOffset and the file name carries none` : 'no start time (Cfg_DutStartTime) and the file name carries none',
        { line: lineOf('Cfg_DutStartTime') });
    }
    if (start!.warning) warnAt('Cfg_DutStartTime', start!.warning);

    const verdictText = get('Ctrl_OverallVerdict');
    let result: ReportResult | undefined;
    if (verdictText !== undefined) {
      const v = VERDICTS[verdictText];
      if (!v) fail('CONVERT_ERR_VALUE', `Ctrl_OverallVerdict "${verdictText}" is not a Klippel verdict (-1 void, 0 fail, 1 pass, 2 warning, 3 noise, 4 invalid)`, { line: lineOf('Ctrl_OverallVerdict') });
      result = v!.report;
      if (verdictText === '2') warnAt('Ctrl_OverallVerdict', 'overall verdict Warning (2): reported as Passed');
    } else warnAt(undefined, 'no overall verdict (Ctrl_OverallVerdict): the result is computed from the steps');

    // Per-result verdicts from the Results_* lists (tab-separated result names).
    const verdicts = new Map<string, Verdict>();
    for (const [key, code] of RESULT_LISTS) {
      for (const name of (header.values.get(key)?.value ?? '').split('\t').map((s) => s.trim()).filter(Boolean)) {
        if (verdicts.has(name.toLowerCase())) warnAt(key, `result "${name}" is listed under more than one verdict: the first is kept`);
        else verdicts.set(name.toLowerCase(), { code, line: lineOf(key) ?? 0, used: false });
      }
    }
    const verdictOf = (name: string) => {
      const v = verdicts.get(name.toLowerCase());
      if (!v) return undefined;
      v.used = true;
      return VERDICTS[v.code]!;
    };

    const operator = get('Cfg_UserName') ?? ctx.options.operator;
    const errorMessage = get('Ctrl_ErrorGeneral');
    const builder = createUutReport({
      partNumber: fit(pn!, fieldLimit('pn'), 'part number'),
      serialNumber: fit(sn!, fieldLimit('sn'), 'serial number', 'Cfg_SerialNumber'),
      revision: ctx.options.partRevision,
      processCode: ctx.options.processCode ?? KLIPPEL_DEFAULT_PROCESS_CODE,
      stationName: get('Cfg_PCName') ? fit(get('Cfg_PCName')!, fieldLimit('machineName'), 'station name', 'Cfg_PCName') : ctx.options.stationName,
      location: ctx.options.location,
      purpose: ctx.options.purpose,
      ...(operator ? { operator: fit(operator, fieldLimit('uut.user'), 'operator', 'Cfg_UserName') } : {}),
      ...(errorMessage ? { errorMessage } : {}),
      ...startFromIso(start!.iso),
      ...(result ? { result } : {}),
    });
    const misc = (description: string, key: string, value = get(key)) => {
      if (value) builder.addMiscInfo(description, fit(value, fieldLimit('miscInfo.text'), `miscInfo ${description}`, key));
    };
    if (verdictText !== undefined) misc('Overall verdict', 'Ctrl_OverallVerdict', `${verdictText} (${VERDICTS[verdictText]!.name})`);
    misc('Speaker', 'Cfg_Speaker');
    misc('Login mode', 'Cfg_LoginMode');
    if (ctx.options.partNumber !== undefined || !databaseName) misc('Test database', 'Cfg_DatabasePath', databaseName);
    misc('Monitor', 'Cfg_MonitorID');

    // The data folder: one tab-separated file per result, in name order; the part of the
    // name before the last "-" is the task (a sequence), consecutive files sharing it.
    const folder = file.folder!;
    let names: string[];
    try {
      names = await listFolder(folder);
    } catch (err) {
      return fail('CONVERT_ERR_READ', `cannot read the data folder "${basename(folder)}": ${(err as Error).message}`);
    }
    const dataFiles = names.filter((n) => /\.txt$/i.test(n));
    for (const n of names) if (!/\.txt$/i.test(n)) ctx.warn(`data folder: "${n}" is not a .txt result file: skipped`, { element: n });
    if (dataFiles.length === 0) ctx.warn(`the data folder "${basename(folder)}" holds no result file: only the verdicts are reported`, { element: basename(folder) });
    let task: string | undefined;
    let seq: ReturnType<typeof builder.root.addSequence> | undefined;
    for (const name of dataFiles) {
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(join(folder, name)));
      } catch (err) {
        ctx.warn(`data folder: "${name}" cannot be read (${(err as Error).message}): skipped`, { element: name });
        continue;
      }
      if (bytes.length > MAX_DATA_FILE_BYTES) fail('CONVERT_ERR_VALUE', `the data file is ${bytes.length} bytes, more than the ${MAX_DATA_FILE_BYTES} accepted`, { element: name });
      const table = parseTable(decodeText(bytes), name, file.name);
      if (!table) {
        ctx.warn(`data folder: "${name}" is empty: skipped`, { element: name });
        continue;
      }
      const stem = name.replace(/\.txt$/i, '');
      const dash = stem.lastIndexOf('-');
      const taskName = dash > 0 ? stem.slice(0, dash).trim() : stem;
      if (!seq || taskName !== task) {
        task = taskName;
        seq = builder.root.addSequence(fit(taskName, fieldLimit('step.name'), 'task name'));
      }
      const kind = table.columns[0]!.name.toLowerCase();
      if (kind === 'frq') addCurve(seq, table, name, file.name, ctx, verdictOf);
      else if (kind === 'name') addValues(seq, table, name, file.name, ctx, verdictOf);
      else ctx.warn(`data folder: "${name}" is neither a curve (first column "frq") nor a value table (first column "name"): skipped`, { element: name, line: 1 });
    }

    // Verdicts with no data file (Klippel lists e.g. polarity and fs without writing them).
    const orphans = [...verdicts.entries()].filter(([, v]) => !v.used);
    if (orphans.length) {
      const verdictSeq = builder.root.addSequence('Verdicts without data');
      for (const [key, v] of orphans) {
        const original = (header.values.get(RESULT_LISTS.find(([, c]) => c === v.code)![0])?.value ?? '').split('\t').map((s) => s.trim()).find((s) => s.toLowerCase() === key) ?? key;
        const status = VERDICTS[v.code]!.step;
        verdictSeq.addPassFail(fit(original, fieldLimit('step.name'), 'result name'), status === 'P', {
          status,
          reportText: `Klippel verdict ${VERDICTS[v.code]!.name}; the data folder holds no values for this result`,
        });
      }
    }
    yield builder.build({ consume: true });
  },
};

type Sequence = ReturnType<ReturnType<typeof createUutReport>['root']['addSequence']>;
type VerdictOf = (name: string) => (typeof VERDICTS)[string] | undefined;

interface Column {
  name: string;
  unit: string | undefined;
}

interface Table {
  columns: Column[];
  rows: { cells: string[]; line: number }[];
}

/** `Key=Value` lines (comments `//`); the last of a repeated key wins. */
function parseHeader(text: string, fileName: string): Header {
  const values = new Map<string, { value: string; line: number }>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/^\uFEFF/, '');
    if (!line.trim() || line.trimStart().startsWith('//')) return;
    const eq = line.indexOf('=');
    if (eq <= 0) return;
    values.set(line.slice(0, eq).trim(), { value: line.slice(eq + 1), line: i + 1 });
  });
  if (values.size === 0) {
    throw new ConversionError({ code: 'CONVERT_ERR_FORMAT', file: fileName, format: FORMAT, reason: 'no Key=Value line: not a Klippel QC summary file' });
  }
  return { values };
}

/** A tab-separated table with a header row; undefined when the file is empty. */
function parseTable(text: string, name: string, fileName: string): Table | undefined {
  const lines = text.split(/\r?\n/);
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0) return undefined;
  const columns = lines[first]!.split('\t').map(columnOf);
  if (columns.length < 2 || columns.some((c) => !c.name)) {
    throw new ConversionError({ code: 'CONVERT_ERR_FORMAT', file: fileName, format: FORMAT, position: { element: name, line: first + 1 }, reason: `${name}: the header row needs at least two tab-separated column names` });
  }
  const rows: Table['rows'] = [];
  for (let i = first + 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    rows.push({ cells: lines[i]!.split('\t').map((c) => c.trim()), line: i + 1 });
  }
  return { columns, rows };
}

/** `imp`, or `imp [Ohm]` / `imp (Ohm)` with a unit. */
function columnOf(cell: string): Column {
  const t = cell.trim();
  const open = Math.max(t.lastIndexOf('['), t.lastIndexOf('('));
  const close = t[t.length - 1];
  if (open > 0 && (close === ']' || close === ')')) {
    const unit = t.slice(open + 1, -1).trim();
    return { name: t.slice(0, open).trim(), unit: unit || undefined };
  }
  return { name: t, unit: undefined };
}

/** A cell as a number; `-` and empty are "no value"; anything else is an error. */
function cellNumber(cell: string | undefined, column: string, name: string, line: number, fileName: string): number | undefined {
  const t = cell?.trim() ?? '';
  if (t === '' || t === '-') return undefined;
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(t)) {
    throw new ConversionError({ code: 'CONVERT_ERR_VALUE', file: fileName, format: FORMAT, position: { element: name, line }, reason: `${name} line ${line}: ${column} "${t}" is not a number` });
  }
  return Number(t);
}

function unitOf(column: Column, ctx: ConvertContext): string | undefined {
  const custom = ctx.options.formats[FORMAT]?.units;
  if (custom && typeof custom === 'object') {
    const u = (custom as Record<string, unknown>)[column.name];
    if (typeof u === 'string') return u || undefined;
  }
  return column.unit ?? KLIPPEL_UNITS[column.name.toLowerCase()];
}

/** The indexes of the upper and lower limit columns (`max`/`min`, also `upper`/`lower`). */
function limitColumns(columns: Column[]): { max: number; min: number } {
  const find = (...names: string[]) => columns.findIndex((c, i) => i > 0 && names.includes(c.name.toLowerCase()));
  return { max: find('max', 'upper', 'high', 'hi'), min: find('min', 'lower', 'low', 'lo') };
}

/** A curve file: an XY step with the curve and its limit curves as a chart. */
function addCurve(seq: Sequence, table: Table, name: string, fileName: string, ctx: ConvertContext, verdictOf: VerdictOf): void {
  const [xCol, yCol] = table.columns as [Column, Column];
  const { max, min } = limitColumns(table.columns);
  const xUnit = unitOf(xCol, ctx);
  const yUnit = unitOf(yCol, ctx);
  const series = [1, max, min].filter((i) => i > 0).map((i) => ({ name: table.columns[i]!.name, x: [] as number[], y: [] as number[] }));
  let outside = 0;
  let lowest: number | undefined;
  let highest: number | undefined;
  for (const { cells, line } of table.rows) {
    const x = cellNumber(cells[0], xCol.name, name, line, fileName);
    if (x === undefined) {
      ctx.warn(`${name} line ${line}: no ${xCol.name} value: the row is skipped`, { element: name, line });
      continue;
    }
    const y = cellNumber(cells[1], yCol.name, name, line, fileName);
    const hi = max > 0 ? cellNumber(cells[max], table.columns[max]!.name, name, line, fileName) : undefined;
    const lo = min > 0 ? cellNumber(cells[min], table.columns[min]!.name, name, line, fileName) : undefined;
    [y, hi, lo].filter((_, k) => [1, max, min][k]! > 0).forEach((v, k) => {
      if (v !== undefined) {
        series[k]!.x.push(x);
        series[k]!.y.push(v);
      }
    });
    if (y !== undefined) {
      if ((hi !== undefined && y > hi) || (lo !== undefined && y < lo)) outside++;
      lowest = lowest === undefined ? y : Math.min(lowest, y);
      highest = highest === undefined ? y : Math.max(highest, y);
    }
  }
  const verdict = verdictOf(yCol.name);
  const measurements: Array<NumericInput & { name: string }> = [];
  const points = series[0]!.y.length;
  if (max > 0 || min > 0) measurements.push({ name: 'Points outside limits', value: outside, compOp: 'EQ', lowLimit: 0 });
  else measurements.push({ name: 'Points', value: points, compOp: 'LOG' });
  if (lowest !== undefined && highest !== undefined) {
    measurements.push({ name: 'Minimum', value: lowest, ...(yUnit ? { unit: yUnit } : {}), compOp: 'LOG' });
    measurements.push({ name: 'Maximum', value: highest, ...(yUnit ? { unit: yUnit } : {}), compOp: 'LOG' });
  } else ctx.warn(`${name}: the curve has no ${yCol.name} value`, { element: name });
  const stepName = fitText(yCol.name, fieldLimit('step.name'), `${name}: step name`, (m) => ctx.warn(m, { element: name }));
  const fitLabel = (t: string, key: 'chart.label' | 'chart.xLabel' | 'chart.yLabel' | 'chart.seriesName') => fitText(t, fieldLimit(key), `${name}: chart ${key}`, (m) => ctx.warn(m, { element: name }));
  seq.addXYNumeric(stepName, {
    measurements,
    chart: {
      chartType: 'LineLogX',
      label: fitLabel(name.replace(/\.txt$/i, ''), 'chart.label'),
      xLabel: fitLabel(xCol.name, 'chart.xLabel'),
      xUnit: xUnit ?? null,
      yLabel: fitLabel(yCol.name, 'chart.yLabel'),
      yUnit: yUnit ?? null,
      series: series.map((s) => ({ name: fitLabel(s.name, 'chart.seriesName'), x: s.x, y: s.y })),
    },
  }, {
    ...(verdict ? { status: verdict.step, reportText: `Klippel verdict ${verdict.name}` } : {}),
  });
}

/** A value file: one numeric step per row (`name value [max] [min]`, columns by header). */
function addValues(seq: Sequence, table: Table, name: string, fileName: string, ctx: ConvertContext, verdictOf: VerdictOf): void {
  const valueCol = table.columns.findIndex((c, i) => i > 0 && c.name.toLowerCase() === 'value');
  const v = valueCol > 0 ? valueCol : 1;
  const { max, min } = limitColumns(table.columns);
  for (const { cells, line } of table.rows) {
    const rowName = cells[0]?.trim();
    if (!rowName) {
      ctx.warn(`${name} line ${line}: a row without a name: skipped`, { element: name, line });
      continue;
    }
    const value = cellNumber(cells[v], table.columns[v]!.name, name, line, fileName);
    const hi = max > 0 ? cellNumber(cells[max], table.columns[max]!.name, name, line, fileName) : undefined;
    const lo = min > 0 ? cellNumber(cells[min], table.columns[min]!.name, name, line, fileName) : undefined;
    const limits: Pick<NumericInput, 'compOp' | 'lowLimit' | 'highLimit'> =
      lo !== undefined && hi !== undefined ? { compOp: 'GELE', lowLimit: lo, highLimit: hi }
      : lo !== undefined ? { compOp: 'GE', lowLimit: lo }
      : hi !== undefined ? { compOp: 'LE', lowLimit: hi }
      : { compOp: 'LOG' };
    const verdict = verdictOf(rowName);
    // No value: Klippel writes "-" when the result was not computed.
    let status: StepStatus | undefined = verdict?.step;
    if (value === undefined) {
      if (!status) status = 'S';
      ctx.warn(`${name} line ${line}: ${rowName} has no value ("-"): written as NaN with status ${status}`, { element: name, line });
    }
    const unit = unitOf({ name: rowName, unit: undefined }, ctx);
    seq.addNumeric(fitText(rowName, fieldLimit('step.name'), `${name}: step name`, (m) => ctx.warn(m, { element: name, line })), {
      value: value ?? Number.NaN,
      ...(unit ? { unit } : {}),
      ...limits,
      ...(status ? { status } : {}),
      ...(verdict ? { reportText: `Klippel verdict ${verdict.name}` } : {}),
    });
  }
}

/**
 * The start time: `Cfg_DutStartTime` (SciLab getdate(): Year-Month-Week-JDay-WDay-Day-Hour-
 * Minute-Second-MSec, then Klippel's UTC offset in minutes and the epoch seconds), else the
 * time in the file name (`2020-05-14 10-01-37-5 UTC+0200`). Both carry their offset.
 */
function startTime(text: string | undefined, fileName: string): { iso: string; warning?: string } | undefined {
  const fromName = nameTime(fileName);
  if (text) {
    const m = /^\s*(\d{4})-(\d{1,2})-(-?\d{1,2})-(-?\d{1,3})-(\d)-(\d{1,2})-(\d{1,2})-(\d{1,2})-(\d{1,2})-(\d{1,3})-(-?\d{1,4})(?:-.*)?$/.exec(text);
    if (m) {
      const local: LocalDateTime = { year: +m[1]!, month: +m[2]!, day: +m[6]!, hour: +m[7]!, minute: +m[8]!, second: +m[9]!, millisecond: +m[10]! };
      const offset = +m[11]!;
      if (validLocal(local) && Math.abs(offset) <= 18 * 60) {
        const utc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second, local.millisecond) - offset * 60_000;
        const iso = formatWithOffset(utc, offset);
        const warning = fromName && Math.abs(Date.parse(fromName) - utc) > 1000 ? `Cfg_DutStartTime (${iso}) and the time in the file name (${fromName}) differ: Cfg_DutStartTime is used` : undefined;
        return warning ? { iso, warning } : { iso };
      }
    }
    if (fromName) return { iso: fromName, warning: `Cfg_DutStartTime "${text}" cannot be read: the time in the file name is used` };
    return undefined;
  }
  return fromName ? { iso: fromName } : undefined;
}

/** `… 2020-05-14 10-01-37-5 UTC+0200.txt`: date, time, tenths of a second and offset. */
function nameTime(fileName: string): string | undefined {
  const m = /(\d{4})-(\d{2})-(\d{2}) (\d{2})-(\d{2})-(\d{2})(?:-(\d{1,3}))? UTC([+-])(\d{2}):?(\d{2})/.exec(fileName);
  if (!m) return undefined;
  const local: LocalDateTime = { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: +m[6]!, millisecond: m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0 };
  if (!validLocal(local)) return undefined;
  const offset = (m[8] === '-' ? -1 : 1) * (+m[9]! * 60 + +m[10]!);
  return formatWithOffset(Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second, local.millisecond) - offset * 60_000, offset);
}
