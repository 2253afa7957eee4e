import { createUutReport, type StepStatus, type WsjfReport } from '@tswats/sdk';
import { ConversionError } from '../errors.js';
import { decodeText, type InputFile } from '../input.js';
import { fieldLimit, fitText, instantInZone, startFromIso } from '../report-helpers.js';
import { parseLocalTimestamp } from '../time.js';
import type { ConvertContext, Converter, Detection } from '../types.js';
import { xmlRoot } from '../xml.js';
import { childNamed, childrenNamed, parseXmlTree, pathOf, type XmlNode } from '../xml-tree.js';
import { extractZipEntries, readZipDirectory } from './zip.js';

const FORMAT = 'xjtag';
/** Default process code (the files name none). */
export const XJTAG_DEFAULT_PROCESS_CODE = 10;
/** Default cap on what an `.xjlog` archive may inflate to: 200 MB. */
export const XJTAG_MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024;
/** Longest step report text written; longer text is shortened with a warning. */
const MAX_REPORT_TEXT = 4000;

const RUN_ENTRY = /^Run (\d{1,6})\.xml$/;

/**
 * XJTAG XJRunner results: the XML log of one test run (`<testrun datetime>` with
 * `testgroup`/`testfunction`/`result`/`time-taken` and `testruninfo`), and the `.xjlog`
 * archive (a ZIP of `Info.xml` plus `Run 1.xml` … `Run N.xml`). Every run becomes its own
 * report, in run order (pyWATS keeps only the first).
 */
export const xjtagConverter: Converter = {
  name: FORMAT,
  description: 'XJTAG XJRunner test run log (.xml) and .xjlog archive (one report per run)',
  extensions: ['.xml', '.xjlog', '.zip'],
  detect(file: InputFile): Detection {
    if (isZip(file.head)) {
      const names = localHeaderNames(file.head);
      const runs = names.filter((n) => RUN_ENTRY.test(n) || /^Run \d{1,6}\.checksum$/.test(n)).length;
      const info = names.includes('Info.xml');
      if (runs === 0) return { confidence: 0 };
      return { confidence: info ? 0.95 : 0.85, preview: { units: names.filter((n) => RUN_ENTRY.test(n)).length || undefined } };
    }
    const head = file.headText();
    const root = xmlRoot(head);
    if (!root || root.name !== 'testrun' || root.namespace !== undefined) return { confidence: 0 };
    const markers = [/<testrun\s[^>]{0,400}?\bdatetime=/, /<testgroup[\s>]/, /<testfunction[\s>]/, /<testruninfo[\s>]/].filter((re) => re.test(head)).length;
    if (markers < 2) return { confidence: 0 };
    const serial = /<serial>([^<]{1,200})<\/serial>/.exec(head)?.[1]?.trim();
    return { confidence: markers >= 3 ? 0.95 : 0.8, preview: { ...(serial ? { serialNumber: serial } : {}), units: 1 } };
  },
  async *convert(file: InputFile, ctx: ConvertContext): AsyncIterable<WsjfReport> {
    if (!isZip(file.head)) {
      const tree = parseXmlTree(await file.text(), file.name, FORMAT);
      yield convertRun(tree, file, ctx, undefined, {});
      return;
    }
    const limit = maxBytes(ctx, file.name);
    if (file.size > limit) {
      throw new ConversionError({ code: 'CONVERT_ERR_VALUE', file: file.name, format: FORMAT, reason: `the archive is ${file.size} bytes, more than the ${limit} allowed` });
    }
    const data = await file.bytes();
    const limits = { maxTotalBytes: limit, maxEntries: 10_000 };
    const directory = readZipDirectory(data, file.name, FORMAT, limits);
    const runs = new Map<number, (typeof directory)[number]>();
    for (const e of directory) {
      const m = RUN_ENTRY.exec(e.name);
      if (m) runs.set(Number(m[1]), e);
    }
    const infoEntry = directory.find((e) => e.name === 'Info.xml');
    const wanted = [...(infoEntry ? [infoEntry] : []), ...runs.values()];
    const contents = extractZipEntries(data, wanted, file.name, FORMAT, limits);

    let declared: number | undefined;
    let projectPath: string | undefined;
    if (infoEntry) {
      const info = parseXmlTree(decodeText(contents.get('Info.xml')!), file.name, FORMAT, 'Info.xml');
      const countText = childNamed(info, 'TestRunCount')?.text.trim();
      declared = countText && /^\d{1,6}$/.test(countText) ? Number(countText) : undefined;
      if (countText !== undefined && declared === undefined) ctx.warn(`Info.xml: TestRunCount "${countText}" is not a number: the runs in the archive are used`, { element: 'Info.xml/TestRunCount' });
      projectPath = childNamed(info, 'ProjectPath')?.text.trim() || undefined;
    } else {
      ctx.warn('the archive has no Info.xml: every "Run N.xml" in it is converted', { element: 'Info.xml' });
    }
    const numbers = [...runs.keys()].sort((a, b) => a - b);
    if (declared !== undefined) {
      for (let n = 1; n <= declared; n++) {
        if (!runs.has(n)) ctx.warn(`Info.xml counts ${declared} runs but "Run ${n}.xml" is not in the archive: that run cannot be converted`, { element: `Run ${n}.xml` });
      }
      const extra = numbers.filter((n) => n > declared!);
      if (extra.length) ctx.warn(`the archive holds runs beyond the ${declared} Info.xml counts (${extra.map((n) => `Run ${n}.xml`).join(', ')}): converted too`, { element: 'Info.xml/TestRunCount' });
    }
    if (numbers.length === 0) {
      throw new ConversionError({ code: 'CONVERT_ERR_EMPTY', file: file.name, format: FORMAT, reason: 'the archive holds no "Run N.xml" test run' });
    }
    const once: Once = {};
    for (const n of numbers) {
      const entry = `Run ${n}.xml`;
      const tree = parseXmlTree(decodeText(contents.get(entry)!), file.name, FORMAT, entry);
      yield convertRun(tree, file, ctx, { entry, index: n, count: declared ?? numbers.length, projectPath }, once);
    }
  },
};

/** Warnings given once per file, not once per run. */
interface Once {
  partNumber?: boolean;
}

interface RunSource {
  entry: string;
  index: number;
  count: number;
  projectPath: string | undefined;
}

/** One `<testrun>` as a report. */
function convertRun(root: XmlNode, file: InputFile, ctx: ConvertContext, source: RunSource | undefined, once: Once): WsjfReport {
  const where = (node: XmlNode) => (source ? `${source.entry}: ${pathOf(node)}` : pathOf(node));
  const fail = (code: ConversionError['code'], node: XmlNode, reason: string): never => {
    throw new ConversionError({ code, file: file.name, format: FORMAT, position: { line: node.line, element: where(node) }, reason });
  };
  const warn = (node: XmlNode, message: string) => ctx.warn(message, { line: node.line, element: where(node) });
  if (root.local !== 'testrun') fail('CONVERT_ERR_FORMAT', root, `the root element is <${root.name}>, not XJTAG's <testrun>`);

  const info = childNamed(root, 'testruninfo');
  const infoText = (name: string) => (info ? childNamed(info, name)?.text.trim() || undefined : undefined);
  const serial = infoText('serial');
  if (!serial) fail('CONVERT_ERR_MISSING_FIELD', info ?? root, 'no serial number (testruninfo/serial)');

  const project = infoText('project-description');
  let pn = ctx.options.partNumber;
  if (pn === undefined) {
    if (!project) fail('CONVERT_ERR_MISSING_FIELD', info ?? root, 'no part number: the run has no project description (testruninfo/project-description) and no partNumber option was given');
    pn = project!;
    if (!once.partNumber) warn(info!, `the run names no part number: the project description "${project}" is used (give partNumber to set one)`);
    once.partNumber = true;
  }

  const datetime = root.attrs.datetime?.trim();
  if (!datetime) fail('CONVERT_ERR_MISSING_FIELD', root, 'no start time (testrun@datetime)');
  const parsed = parseLocalTimestamp(datetime!, ctx.options.timeZone);
  if (!parsed) fail('CONVERT_ERR_VALUE', root, `start time "${datetime}" is not an ISO 8601 date-time`);
  // The file writes UTC (`…Z`); the report shows the same instant as local time of the station's zone.
  const startIso = instantInZone(Date.parse(parsed!), ctx.options.timeZone);

  const runMs = msOf(infoText('time-taken'));
  const summary = summaryTimes(root);
  const execTime = runMs !== undefined ? runMs / 1000 : summary.total;
  const resultText = infoText('result');
  const runStatus = resultText !== undefined ? statusOf(resultText) : undefined;
  const result = runStatus === 'S' ? undefined : runStatus;
  if (resultText !== undefined && result === undefined) warn(childNamed(info!, 'result')!, `run result "${resultText}" is not a known XJTAG result: the result is computed from the tests`);
  if (resultText === undefined) warn(info ?? root, 'the run has no overall result (testruninfo/result): computed from the tests');
  const operator = infoText('user') ?? ctx.options.operator;

  const fit = (text: string, max: number, what: string, node: XmlNode) => fitText(text, max, what, (m) => warn(node, m));
  const builder = createUutReport({
    partNumber: fit(pn!, fieldLimit('pn'), 'part number', info ?? root),
    serialNumber: fit(serial!, fieldLimit('sn'), 'serial number', info ?? root),
    revision: ctx.options.partRevision,
    processCode: ctx.options.processCode ?? XJTAG_DEFAULT_PROCESS_CODE,
    stationName: ctx.options.stationName,
    location: ctx.options.location,
    purpose: ctx.options.purpose,
    ...(operator ? { operator: fit(operator, fieldLimit('uut.user'), 'operator', info ?? root) } : {}),
    ...startFromIso(startIso),
    ...(execTime !== undefined ? { execTime } : {}),
    ...(result ? { result } : {}),
  });
  const misc = (description: string, value: string | undefined) => {
    if (value) builder.addMiscInfo(description, fit(value, fieldLimit('miscInfo.text'), `miscInfo ${description}`, info ?? root));
  };
  if (ctx.options.partNumber !== undefined) misc('Project', project);
  misc('XJTAG version', infoText('xjtag-version'));
  misc('XJLink name', infoText('xjlink-name'));
  misc('XJLink serial', infoText('xjlink-serial'));
  if (source) {
    misc('Run', `${source.index} of ${source.count}`);
    misc('Project path', source.projectPath);
  }

  const functionTimes = snippetFunctionTimes(root);
  for (const group of childrenNamed(root, 'testgroup')) {
    const groupName = group.attrs.name?.trim() || `Test group ${root.children.indexOf(group) + 1}`;
    const groupTime = summary.groups.get(groupName)?.shift();
    const seq = builder.root.addSequence(fit(groupName, fieldLimit('step.name'), 'test group name', group), groupTime !== undefined ? { totTime: groupTime } : {});
    const functions = childrenNamed(group, 'testfunction');
    if (functions.length === 0) warn(group, `test group "${groupName}" holds no test function`);
    for (const fn of functions) {
      const name = fn.attrs.name?.trim() || `Test function ${functions.indexOf(fn) + 1}`;
      if (!fn.attrs.name?.trim()) warn(fn, `a test function without a name: named "${name}"`);
      const resultNode = childNamed(fn, 'result');
      const value = resultNode?.attrs.value?.trim() ?? resultNode?.text.trim();
      let status: StepStatus;
      if (value === undefined || value === '') {
        status = 'E';
        warn(fn, `test function "${name}" has no result: status Error`);
      } else {
        const s = statusOf(value);
        if (s === undefined) warn(resultNode!, `test function "${name}": result "${value}" is not a known XJTAG result: status Failed`);
        status = s ?? 'F';
      }
      const ms = msOf(childNamed(fn, 'time-taken')?.text);
      const seconds = ms !== undefined ? ms / 1000 : functionTimes.get(name)?.shift();
      const text = outputText(fn);
      seq.addPassFail(fit(name, fieldLimit('step.name'), 'test function name', fn), status === 'P', {
        status,
        ...(seconds !== undefined ? { totTime: seconds } : {}),
        ...(text ? { reportText: fit(text, MAX_REPORT_TEXT, `report text of "${name}"`, fn) } : {}),
      });
    }
  }
  if (childrenNamed(root, 'testgroup').length === 0) warn(root, 'the run holds no test group');
  return builder.build({ consume: true });
}

/** XJTAG result words → WSJF status. */
function statusOf(word: string): StepStatus | undefined {
  switch (word.trim().toLowerCase()) {
    case 'passed':
    case 'pass':
      return 'P';
    case 'failed':
    case 'fail':
      return 'F';
    case 'skipped':
    case 'not run':
      return 'S';
    case 'error':
      return 'E';
    case 'aborted':
    case 'stopped':
    case 'terminated':
    case 'cancelled':
      return 'T';
    default:
      return undefined;
  }
}

/** A whole number of milliseconds, or undefined. */
function msOf(text: string | undefined): number | undefined {
  const t = text?.trim();
  return t && /^\d{1,12}$/.test(t) ? Number(t) : undefined;
}

/**
 * The function's output: `plain-text` when present (its lines trimmed); else the `text-output`
 * blocks and the text of the `html-output` blocks, in file order (`.xjlog` runs have no
 * plain-text, and a connection test's fault list is only in its HTML); plus connection-test errors.
 */
function outputText(fn: XmlNode): string | undefined {
  const plain = childNamed(fn, 'plain-text')?.text;
  let text: string;
  if (plain !== undefined) text = plain.split(/\r?\n/).map((l) => l.trim()).join('\n').trim();
  else {
    let out = '';
    for (const child of fn.children) {
      if (child.local === 'text-output') out += child.text;
      else if (child.local === 'html-output') {
        const html = htmlText(child.text);
        if (!html) continue;
        const block = child.attrs.inline !== 'True';
        out += block && out && !out.endsWith('\n') ? `\n${html}\n` : block ? `${html}\n` : html;
      }
    }
    text = out.split(/\r?\n/).map((l) => l.trimEnd()).join('\n').replace(/\n{3,}/g, '\n\n').trim();
  }
  const conn = childNamed(fn, 'conntest-errors')?.text.trim();
  if (conn) text = `${text}${text ? '\n' : ''}Connection test: ${conn}`;
  return text || undefined;
}

/** Visible text of an XJRunner HTML fragment: tags dropped, block ends as line breaks, collapsed toggles ("Net Detail") left out. */
function htmlText(html: string): string {
  return decodeEntities(
    html
      .replace(/<h3 class="ct_detail">[\s\S]{0,2000}?<\/h3>/g, '')
      .replace(/<(?:br\s*\/?|\/h\d|\/p|\/div|\/li|\/tr)>|<(?:h\d|p|div|li|tr|ul|table)(?=[\s>])/gi, (m) => (m.startsWith('</') || /^<br/i.test(m) ? '\n' : `\n${m}`))
      .replace(/<[^<>]{0,2000}>/g, '')
      .replace(/&nbsp;/g, ' '),
  ).split('\n').map((l) => l.trim()).filter(Boolean).join('\n');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decodeEntities = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g, (whole, e: string) => {
    if (!e.startsWith('#')) return ENTITIES[e]!;
    const code = e[1] === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1));
    return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : whole;
  });

/**
 * Group times from the summary table (seconds; XJRunner writes no per-group time-taken),
 * in table order by group name, and the run's total.
 */
function summaryTimes(root: XmlNode): { groups: Map<string, number[]>; total: number | undefined } {
  const groups = new Map<string, number[]>();
  let total: number | undefined;
  const summary = childNamed(root, 'summary');
  if (!summary) return { groups, total };
  const html = childrenNamed(summary, 'html-output').map((h) => h.text).join('\n');
  let name: string | undefined;
  for (const m of html.matchAll(/class="ct_imgtoggle" \/>([^<]{0,500})<\/a>|<td class="testtime">([^<]{0,40})<\/td>|<th class="totaltime">([^<]{0,40})<\/th>/g)) {
    if (m[1] !== undefined) name = decodeEntities(m[1].trim());
    else if (m[2] !== undefined && name !== undefined) {
      const s = seconds(m[2]);
      if (s !== undefined) groups.set(name, [...(groups.get(name) ?? []), s]);
      name = undefined;
    } else if (m[3] !== undefined) total = seconds(m[3]);
  }
  return { groups, total };
}

/** Function times (seconds) from the summary snippets, by function name in file order. */
function snippetFunctionTimes(root: XmlNode): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const snippets = childNamed(root, 'snippets');
  if (!snippets) return out;
  for (const snippet of childrenNamed(snippets, 'snippet')) {
    if (!/^summ_test/.test(snippet.attrs.key ?? '')) continue;
    const html = childrenNamed(snippet, 'snippet-html').map((h) => h.text).join('\n');
    let name: string | undefined;
    for (const m of html.matchAll(/<td class="firstcolfunc">([^<]{0,500})<\/td>|<td class="testtime">([^<]{0,40})<\/td>/g)) {
      if (m[1] !== undefined) name = decodeEntities(m[1].trim());
      else if (m[2] !== undefined && name !== undefined) {
        const s = seconds(m[2]);
        if (s !== undefined) out.set(name, [...(out.get(name) ?? []), s]);
        name = undefined;
      }
    }
  }
  return out;
}

function seconds(text: string): number | undefined {
  const t = text.trim();
  return /^\d{1,9}(?:\.\d{1,9})?$/.test(t) ? Number(t) : undefined;
}

function isZip(head: Uint8Array): boolean {
  return head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

/** Entry names of the ZIP local file headers found in the first bytes. */
function localHeaderNames(head: Uint8Array): string[] {
  const names: string[] = [];
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  for (let at = 0; at + 30 <= head.length && names.length < 1000; at++) {
    if (head[at] !== 0x50 || head[at + 1] !== 0x4b || head[at + 2] !== 0x03 || head[at + 3] !== 0x04) continue;
    const length = view.getUint16(at + 26, true);
    if (at + 30 + length > head.length) break;
    names.push(new TextDecoder('latin1').decode(head.subarray(at + 30, at + 30 + length)));
  }
  return names;
}

function maxBytes(ctx: ConvertContext, fileName: string): number {
  const v = ctx.options.formats[FORMAT]?.maxUncompressedBytes;
  if (v === undefined) return XJTAG_MAX_UNCOMPRESSED_BYTES;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new ConversionError({ code: 'CONVERT_ERR_VALUE', file: fileName, format: FORMAT, reason: `formats.xjtag.maxUncompressedBytes must be a positive whole number, got ${JSON.stringify(v)}` });
  }
  return v;
}
