import {
  createUutReport, normalizeCompOp, type CompOp, type NamedNumericInput, type NamedStringInput, type ReportResult,
  type SequenceBuilder, type StepStatus, type WsjfReport,
} from '@tswats/sdk';
import { ConversionError } from '../errors.js';
import type { InputFile } from '../input.js';
import { fieldLimit, fitText, startFromIso } from '../report-helpers.js';
import { localToIso, parseLocalTimestamp, validLocal } from '../time.js';
import type { ConvertContext, Converter, Detection } from '../types.js';
import { xmlRoot } from '../xml.js';
import { attrOf, childNamed, childrenNamed, parseXmlTree, pathOf, type XmlNode } from '../xml-tree.js';

const FORMAT = 'keysight-testexec-sl';
/** Default process code (the files name none). */
export const TESTEXEC_DEFAULT_PROCESS_CODE = 10;

/*
 * NO PUBLIC SAMPLE OF THIS FORMAT EXISTS. The element names below are the structure described
 * in station.md §2.6.11 (itself from pyWATS's docstring, which calls it a "composite"), with
 * their synonyms. They are a guess, not verified against real TestExec SL output: see
 * docs/converters/keysight-testexec-sl.md.
 */
const ROOTS_OWN = ['testexecresults', 'testexecsl'];
const ROOTS_SHARED = ['testresults', 'results'];
const HEADER = ['Header', 'TestHeader', 'FileHeader'];
const PROGRAM = ['ProgramName', 'TestProgram', 'SequenceName', 'Name'];
const VERSION = ['ProgramVersion', 'Version', 'SequenceVersion'];
const STATION = ['StationID', 'Station', 'StationName', 'TestStation'];
const OPERATOR = ['Operator', 'OperatorID', 'User', 'Technician'];
const LOCATION = ['Location', 'Site', 'Facility'];
const START = ['StartTime', 'Start', 'TestStart', 'BeginTime'];
const END = ['EndTime', 'End', 'TestEnd', 'FinishTime'];
const UUT = ['UUT', 'Unit', 'DUT', 'Device', 'Product'];
const SERIAL = ['SerialNumber', 'Serial', 'SN', 'UnitSerial', 'UnitID'];
const PART = ['PartNumber', 'Part', 'PN', 'ProductNumber', 'Model'];
const REVISION = ['Revision', 'Rev', 'HWRevision'];
const BATCH = ['Batch', 'Lot', 'BatchNumber', 'LotNumber'];
const SUMMARY = ['Summary', 'TestSummary'];
const SUMMARY_STATUS = ['Status', 'Result', 'Outcome', 'FinalResult'];
const DURATION = ['Duration', 'TestTime', 'ExecutionTime', 'TotalTime'];
const TOTAL = ['TotalTests', 'Total', 'TestCount'];
const PASSED = ['PassedTests', 'Passed', 'PassCount'];
const FAILED = ['FailedTests', 'Failed', 'FailCount'];
const CONTAINER = ['TestSequence', 'Tests', 'TestResults', 'Sequence', 'Steps'];
const TEST = ['test', 'teststep', 'step', 'measurement'];
const GROUP = ['testgroup', 'group', 'sequence', 'subsection'];
/** Blocks of one unit each inside a multi-unit root. */
const BLOCK = ['TestResults', 'TestResult', 'Results', 'UUTResult', 'TestRun'];
const TEST_NAME = ['Name', 'TestName', 'StepName'];
const TEST_STATUS = ['Status', 'Result', 'Outcome'];
const MEASUREMENT = ['Measurement'];
const MEASUREMENTS = ['Measurements'];
const VALUE = ['Value', 'MeasuredValue', 'Data'];
const UNIT = ['Units', 'Unit', 'MeasurementUnit'];
const LOW = ['LowLimit', 'LowerLimit', 'Min', 'LL'];
const HIGH = ['HighLimit', 'UpperLimit', 'Max', 'HL', 'UL'];
const COMP = ['CompOp', 'Comparison', 'ComparisonType'];
const TIME = ['Duration', 'ExecutionTime', 'TestTime', 'Time'];
const TEXT = ['Message', 'Comment', 'ReportText', 'Description'];
/** Elements that describe their parent (not steps): never warned about when walking tests. */
const NOT_STEPS = new Set([...HEADER, ...UUT, ...SUMMARY, ...TEST_NAME, ...TEST_STATUS, ...TIME, ...TEXT].map((n) => n.toLowerCase()));

/**
 * Keysight (Agilent) TestExec SL XML results, **as far as the structure can be determined
 * without a real sample**: a root `TestExecResults`/`TestExecSL` (or an un-namespaced
 * `TestResults`/`Results` with a `Header`), a `Header` (program, station, operator, times),
 * a `UUT` (serial, part, revision), a test container with tests and groups, and a `Summary`.
 * Each unit block becomes a report.
 */
export const keysightTestExecSlConverter: Converter = {
  name: FORMAT,
  description: 'Keysight TestExec SL XML results (structure as documented, no real sample verified)',
  extensions: ['.xml', '.txsl'],
  detect(file: InputFile): Detection {
    const head = file.headText();
    const root = xmlRoot(head);
    if (!root) return { confidence: 0 };
    const local = root.localName.toLowerCase();
    const sn = /<(?:SerialNumber|Serial|SN|UnitSerial)>([^<]{1,100})</i.exec(head)?.[1]?.trim();
    const preview = sn ? { serialNumber: sn } : undefined;
    if (ROOTS_OWN.includes(local)) {
      const hasParts = /<(?:\w+:)?(?:Header|TestHeader|FileHeader)[\s>]/i.test(head) || /<(?:\w+:)?(?:UUT|DUT)[\s>]/i.test(head);
      return { confidence: hasParts ? 0.9 : 0.6, ...(preview ? { preview } : {}) };
    }
    // `TestResults` is also ATML's root (always namespaced) and `Results` is generic: claim
    // them only without a namespace and with this structure's header and unit blocks.
    if (ROOTS_SHARED.includes(local) && root.namespace === undefined && !root.name.includes(':')) {
      const header = /<(?:Header|TestHeader)>\s*<(?:ProgramName|TestProgram|StationID|Operator)>/i.test(head);
      const unit = /<(?:UUT|DUT)>\s*<(?:SerialNumber|Serial|SN|UnitSerial|UnitID)>/i.test(head);
      if (header && unit) return { confidence: 0.6, ...(preview ? { preview } : {}) };
    }
    return { confidence: 0 };
  },
  async *convert(file: InputFile, ctx: ConvertContext): AsyncIterable<WsjfReport> {
    const root = parseXmlTree(await file.text(), file.name, FORMAT);
    const local = root.lower;
    if (!ROOTS_OWN.includes(local) && !ROOTS_SHARED.includes(local)) {
      throw new ConversionError({ code: 'CONVERT_ERR_FORMAT', file: file.name, format: FORMAT, position: { line: root.line, element: root.name }, reason: `the root element is <${root.name}>, not TestExecResults, TestExecSL, TestResults or Results` });
    }
    // A root holding several unit blocks (each with its own UUT) gives one report per block;
    // otherwise the root is the one block.
    const blocks = root.children.filter((c) => BLOCK.some((b) => b.toLowerCase() === c.lower) && childNamed(c, ...UUT));
    const units = blocks.length > 0 && !childNamed(root, ...UUT) ? blocks : [root];
    const shared = childNamed(root, ...HEADER);
    for (const block of units) yield convertBlock(block, shared, file, ctx);
  },
};

/** The text of the first child named like one of `names`, else the attribute of that name on `node`. */
function field(node: XmlNode | undefined, names: readonly string[]): { text: string; node: XmlNode } | undefined {
  if (!node) return undefined;
  const child = childNamed(node, ...names);
  const childText = child?.text.trim();
  if (child && childText) return { text: childText, node: child };
  const attr = attrOf(node, ...names)?.trim();
  return attr ? { text: attr, node } : undefined;
}

function convertBlock(block: XmlNode, sharedHeader: XmlNode | undefined, file: InputFile, ctx: ConvertContext): WsjfReport {
  const fail = (code: ConversionError['code'], node: XmlNode, reason: string): never => {
    throw new ConversionError({ code, file: file.name, format: FORMAT, position: { line: node.line, element: pathOf(node) }, reason });
  };
  const warn = (node: XmlNode, message: string) => ctx.warn(message, { line: node.line, element: pathOf(node) });
  const fit = (text: string, max: number, what: string, node: XmlNode) => fitText(text, max, what, (m) => warn(node, m));

  // The unit block's own header, then the root's (fields missing from one are looked up in the other).
  const ownHeader = childNamed(block, ...HEADER);
  const header = ownHeader ?? sharedHeader ?? block;
  const headerField = (names: readonly string[]) => field(ownHeader ?? block, names) ?? (sharedHeader && sharedHeader !== ownHeader ? field(sharedHeader, names) : undefined);
  const uut = childNamed(block, ...UUT);
  if (!uut) fail('CONVERT_ERR_MISSING_FIELD', block, `no unit block (${UUT.join('/')})`);
  const sn = field(uut, SERIAL);
  if (!sn) fail('CONVERT_ERR_MISSING_FIELD', uut!, `no serial number (${SERIAL.join('/')})`);
  const program = headerField(PROGRAM);
  let pn = field(uut, PART)?.text ?? ctx.options.partNumber;
  if (pn === undefined) {
    if (!program) fail('CONVERT_ERR_MISSING_FIELD', uut!, 'no part number in the unit block, no program name and no partNumber option');
    pn = program!.text;
    warn(uut!, `the unit names no part number: the program name "${pn}" is used (give partNumber to set one)`);
  }
  const rev = field(uut, REVISION)?.text ?? ctx.options.partRevision;
  const batch = field(uut, BATCH)?.text;

  const startField = headerField(START);
  if (!startField) fail('CONVERT_ERR_MISSING_FIELD', header, `no start time (${START.join('/')})`);
  const dateOrder = ctx.options.formats[FORMAT]?.dateOrder === 'MDY' ? 'MDY' : 'DMY';
  const startIso = parseTime(startField!.text, ctx.options.timeZone, dateOrder, (m) => warn(startField!.node, m));
  if (!startIso) fail('CONVERT_ERR_VALUE', startField!.node, `start time "${startField!.text}" is not a date-time this converter reads (ISO 8601, dd/MM/yyyy HH:mm:ss, dd-MM-yyyy HH:mm:ss, yyyyMMddHHmmss)`);
  const endField = headerField(END);
  const endIso = endField ? parseTime(endField.text, ctx.options.timeZone, dateOrder, (m) => warn(endField.node, m)) : undefined;
  if (endField && !endIso) warn(endField.node, `end time "${endField.text}" cannot be read: ignored`);

  const summary = childNamed(block, ...SUMMARY);
  const duration = field(summary, DURATION);
  let execTime = duration ? num(duration.text) : undefined;
  if (duration && execTime === undefined) warn(duration.node, `duration "${duration.text}" is not a number of seconds: ignored`);
  if (execTime === undefined && endIso) execTime = (Date.parse(endIso) - Date.parse(startIso!)) / 1000;

  // The result: the summary's status word, else its counts; otherwise computed from the steps.
  let result: ReportResult | undefined;
  const statusField = field(summary, SUMMARY_STATUS);
  if (statusField) {
    const s = statusWord(statusField.text);
    if (s && s !== 'S' && s !== 'D') result = s;
    else warn(statusField.node, `summary status "${statusField.text}" is not a known result word: the result is taken from the counts or the steps`);
  }
  const total = summary ? num(field(summary, TOTAL)?.text) : undefined;
  const passed = summary ? num(field(summary, PASSED)?.text) : undefined;
  const failed = summary ? num(field(summary, FAILED)?.text) : undefined;
  if (!result && failed !== undefined && failed > 0) result = 'F';
  else if (!result && total !== undefined && passed !== undefined && total === passed && total > 0) result = 'P';

  const station = headerField(STATION)?.text;
  const operator = headerField(OPERATOR)?.text ?? ctx.options.operator;
  const location = headerField(LOCATION)?.text;
  const version = headerField(VERSION)?.text;
  const node = uut!;
  const builder = createUutReport({
    partNumber: fit(pn, fieldLimit('pn'), 'part number', node),
    serialNumber: fit(sn!.text, fieldLimit('sn'), 'serial number', sn!.node),
    revision: fit(rev, fieldLimit('rev'), 'revision', node),
    processCode: ctx.options.processCode ?? TESTEXEC_DEFAULT_PROCESS_CODE,
    stationName: station ? fit(station, fieldLimit('machineName'), 'station', header) : ctx.options.stationName,
    location: location ? fit(location, fieldLimit('location'), 'location', header) : ctx.options.location,
    purpose: ctx.options.purpose,
    ...(operator ? { operator: fit(operator, fieldLimit('uut.user'), 'operator', header) } : {}),
    ...(batch ? { batchSerialNumber: fit(batch, fieldLimit('uut.batchSN'), 'batch', node) } : {}),
    ...startFromIso(startIso!),
    ...(execTime !== undefined && execTime >= 0 ? { execTime } : {}),
    ...(result ? { result } : {}),
    ...(program ? { rootSequence: { sequenceName: fit(program.text, fieldLimit('seqCall.name'), 'program name', program.node), ...(version ? { version: fit(version, fieldLimit('seqCall.version'), 'program version', header) } : {}) } } : {}),
  });
  if (program) builder.addMiscInfo('Test program', fit(program.text, fieldLimit('miscInfo.text'), 'program name', program.node));

  const container = childNamed(block, ...CONTAINER.filter((c) => c.toLowerCase() !== block.lower)) ?? block;
  let count = 0;
  const walk = (node: XmlNode, seq: SequenceBuilder) => {
    for (const child of node.children) {
      const kind = child.lower;
      if (TEST.includes(kind)) {
        addTest(child, seq);
        count++;
      } else if (GROUP.includes(kind)) {
        const name = attrOf(child, 'name') ?? childNamed(child, ...TEST_NAME)?.text.trim() ?? '';
        const label = name || `Group ${node.children.indexOf(child) + 1}`;
        if (!name) warn(child, `a test group without a name: named "${label}"`);
        const status = stepStatus(child);
        walk(child, seq.addSequence(fit(label, fieldLimit('step.name'), 'group name', child), status ? { status } : {}));
      } else if (!NOT_STEPS.has(kind)) {
        warn(child, `<${child.name}> is not a test or a test group: skipped`);
      }
    }
  };

  const addTest = (test: XmlNode, seq: SequenceBuilder) => {
    const explicitName = attrOf(test, 'name') ?? childNamed(test, ...TEST_NAME)?.text.trim();
    const name = fit(explicitName || `Test ${count + 1}`, fieldLimit('step.name'), 'test name', test);
    if (!explicitName) warn(test, `a test without a name: named "${name}"`);
    const status = stepStatus(test, (m) => warn(test, m));
    const seconds = num(field(test, TIME)?.text);
    const text = field(test, TEXT)?.text;
    const opts = {
      ...(status ? { status } : {}),
      ...(seconds !== undefined ? { totTime: seconds } : {}),
      ...(text ? { reportText: text } : {}),
    };
    // Measurements: Measurement children (directly or in Measurements), else the test itself when it has a value.
    let measNodes = [...childrenNamed(test, ...MEASUREMENT), ...childrenNamed(test, ...MEASUREMENTS).flatMap((m) => childrenNamed(m, ...MEASUREMENT))];
    if (measNodes.length === 0 && field(test, VALUE)) measNodes = [test];
    const measurements = measNodes.map((m, i) => measurement(m, measNodes.length > 1 ? `${name} ${i + 1}` : name, (msg) => warn(m, msg)));
    if (measurements.length === 0) {
      if (!status) warn(test, `test "${name}" has neither a status nor a value: status Done`);
      seq.addPassFail(name, status === 'P', { ...opts, status: status ?? 'D' });
      return;
    }
    const numeric = measurements.filter((m): m is NumericMeas => m.kind === 'numeric');
    const strings = measurements.filter((m): m is StringMeas => m.kind === 'string');
    if (measurements.length === 1) {
      const m = measurements[0]!;
      // The test's own status wins over the measurement's.
      if (m.kind === 'numeric') seq.addNumeric(name, { ...m.input, ...opts });
      else seq.addString(name, { ...m.input, ...opts });
    } else if (strings.length === 0) seq.addMultiNumeric(name, numeric.map((m) => m.input), opts);
    else if (numeric.length === 0) seq.addMultiString(name, strings.map((m) => m.input), opts);
    else {
      // Mixed numeric and text values: one sub-sequence with a step per measurement.
      const sub = seq.addSequence(name, opts);
      for (const m of measurements) {
        if (m.kind === 'numeric') sub.addNumeric(m.input.name, m.input);
        else sub.addString(m.input.name, m.input);
      }
    }
  };

  walk(container, builder.root);
  if (count === 0) warn(container, 'the unit block holds no test');
  if (total !== undefined && total !== count) warn(summary!, `the summary counts ${total} tests but the file holds ${count}`);
  return builder.build({ consume: true });
}

interface NumericMeas {
  kind: 'numeric';
  input: NamedNumericInput;
}
interface StringMeas {
  kind: 'string';
  input: NamedStringInput;
}

/** One measurement: numeric when the value is a number, text otherwise; limits and status from the file. */
function measurement(node: XmlNode, fallbackName: string, warn: (m: string) => void): NumericMeas | StringMeas {
  const name = attrOf(node, 'name') ?? childNamed(node, 'Name')?.text.trim() ?? fallbackName;
  const raw = field(node, VALUE)?.text ?? '';
  const status = node.lower === 'measurement' ? stepStatus(node, warn) : undefined;
  const unit = field(node, UNIT)?.text;
  const lowText = field(node, LOW)?.text;
  const highText = field(node, HIGH)?.text;
  const value = num(raw);
  if (value === undefined) {
    const limit = lowText !== undefined && highText === undefined ? lowText : undefined;
    return { kind: 'string', input: { name: name || fallbackName, value: raw, ...(limit !== undefined ? { compOp: 'CASESENSIT', limit } : { compOp: 'LOG' }), ...(status ? { status } : {}) } };
  }
  const lo = num(lowText);
  const hi = num(highText);
  if (lowText !== undefined && lo === undefined) warn(`low limit "${lowText}" is not a number: dropped`);
  if (highText !== undefined && hi === undefined) warn(`high limit "${highText}" is not a number: dropped`);
  const opText = field(node, COMP)?.text;
  const given = opText ? normalizeCompOp(opText) : undefined;
  if (opText && !given) warn(`comparison "${opText}" is not a WSJF operator: derived from the limits`);
  let op: CompOp;
  let limits: Pick<NamedNumericInput, 'lowLimit' | 'highLimit'>;
  if (given && given !== 'LOG' && ['EQ', 'NE', 'GT', 'GE', 'LT', 'LE'].includes(given)) {
    // Single-limit operators use lowLimit in WSJF, whichever limit the file gave.
    const limit = lo ?? hi;
    op = limit !== undefined ? given : 'LOG';
    limits = limit !== undefined ? { lowLimit: limit } : {};
  } else if (given && given !== 'LOG' && lo !== undefined && hi !== undefined) {
    op = given;
    limits = { lowLimit: lo, highLimit: hi };
  } else if (lo !== undefined && hi !== undefined) {
    op = 'GELE';
    limits = { lowLimit: lo, highLimit: hi };
  } else if (lo !== undefined) {
    op = 'GE';
    limits = { lowLimit: lo };
  } else if (hi !== undefined) {
    op = 'LE';
    limits = { lowLimit: hi };
  } else {
    op = 'LOG';
    limits = {};
  }
  return { kind: 'numeric', input: { name: name || fallbackName, value, ...(unit ? { unit } : {}), compOp: op, ...limits, ...(status ? { status } : {}) } };
}

/** The status a test or group gives itself (attribute or child element), if any. */
function stepStatus(node: XmlNode, warn?: (m: string) => void): StepStatus | undefined {
  const text = attrOf(node, 'status', 'result', 'outcome') ?? childNamed(node, ...TEST_STATUS)?.text.trim();
  if (text === undefined || text === '') return undefined;
  const s = statusWord(text);
  if (!s) warn?.(`status "${text}" is not a known result word: computed from the values`);
  return s;
}

/** Result words → status. */
function statusWord(word: string): StepStatus | undefined {
  switch (word.trim().toLowerCase()) {
    case 'pass': case 'passed': case 'p': case 'true': case '1': case 'ok':
      return 'P';
    case 'fail': case 'failed': case 'f': case 'false': case '0': case 'nok':
      return 'F';
    case 'error': case 'e':
      return 'E';
    case 'abort': case 'aborted': case 'terminated': case 't':
      return 'T';
    case 'skip': case 'skipped': case 's':
      return 'S';
    case 'done': case 'd':
      return 'D';
    default:
      return undefined;
  }
}

function num(text: string | undefined): number | undefined {
  const t = text?.trim();
  if (!t || !/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(t)) return undefined;
  const v = Number(t);
  return Number.isFinite(v) ? v : undefined;
}

/**
 * ISO 8601 (an offset kept, none read in `timeZone`), `yyyyMMddHHmmss`, or day/month/year
 * with `/`, `-` or `.` (month first when `order` is MDY; an unambiguous date is read either way).
 */
function parseTime(text: string, timeZone: string, order: 'DMY' | 'MDY', warn: (m: string) => void): string | undefined {
  const iso = parseLocalTimestamp(text, timeZone);
  if (iso) return iso;
  const t = text.trim();
  let m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(t);
  if (m) {
    const local = { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: +m[6]! };
    return validLocal(local) ? localToIso(local, timeZone) : undefined;
  }
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(t);
  if (!m) return undefined;
  let [a, b] = [+m[1]!, +m[2]!];
  let dayFirst = order === 'DMY';
  if (a > 12 && b <= 12) dayFirst = true;
  else if (b > 12 && a <= 12) dayFirst = false;
  else if (a !== b) warn(`date "${t}" could be day/month or month/day: read as ${dayFirst ? 'day/month' : 'month/day'} (formats.${FORMAT}.dateOrder)`);
  if (!dayFirst) [a, b] = [b, a];
  const local = { year: +m[3]!, month: b, day: a, hour: +m[4]!, minute: +m[5]!, second: m[6] ? +m[6] : 0 };
  return validLocal(local) ? localToIso(local, timeZone) : undefined;
}
