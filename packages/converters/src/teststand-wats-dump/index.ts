/**
 * The WATS TestStand add-on's report dump: `<TSReport>` with `<ReportInfo key value type>`
 * entries (report ID, Start with its UTC offset, SN, PN, Rev, PCode) and the `UUT`,
 * `StationInfo` and `MainSequenceResults` properties in TestStand's `<Prop>` serialisation — the
 * same result tree as the stock XML report, so the step conversion is shared with
 * `teststand-xml`. One file is one unit. The report ID in the file is kept (the WATS client
 * uses it too), so converting again overwrites instead of duplicating.
 * See docs/converters/teststand-wats-dump.md.
 */
import { isUuid, type UutReport } from '@tswats/sdk';
import type { InputFile } from '../input.js';
import { formatWithOffset, parseLocalTimestamp, zoneOffsetMinutes } from '../time.js';
import type { ConvertContext, Converter, Detection } from '../types.js';
import { xmlRoot } from '../xml.js';
import { at, clip, fail, findResult, itemProp, type PropNode, type Source } from '../teststand-xml/prop-tree.js';
import { readUnits, type RawUnit, type Shape } from '../teststand-xml/reader.js';
import { buildReport, readStation, readUut, resolveHeader, startFromDetails } from '../teststand-xml/report.js';

const NAME = 'teststand-wats-dump';

const SHAPE: Shape = {
  roots: { TSReport: 'unit' },
  unitName: 'TSReport',
  skipProps: new Set(['ReportOptions']),
};

export const teststandWatsDumpConverter: Converter = {
  name: NAME,
  description: 'WATS TestStand add-on report dump (<TSReport> with <ReportInfo> and TestStand <Prop> results)',
  extensions: ['.xml'],
  keepsIds: true,
  detect(file: InputFile): Detection {
    const text = file.headText();
    const root = xmlRoot(text);
    if (!root || root.namespace !== undefined || root.name !== 'TSReport') return { confidence: 0 };
    const info = /<ReportInfo\s[^>]*?\bkey\s*=/.test(text);
    const prop = /<Prop\s[^>]*?\bType\s*=\s*['"](?:Obj|TEResult|String|Number|Boolean|Array)['"]/.test(text);
    if (!info && !prop) return { confidence: 0 };
    const preview: NonNullable<Detection['preview']> = { units: 1 };
    const sn = reportInfoInHead(text, 'SN');
    const pn = reportInfoInHead(text, 'PN');
    const start = reportInfoInHead(text, 'Start');
    if (sn) preview.serialNumber = sn;
    if (pn) preview.partNumber = pn;
    if (start) preview.start = start;
    return { confidence: info && prop ? 0.98 : 0.9, preview };
  },
  async *convert(file: InputFile, ctx: ConvertContext): AsyncIterable<UutReport> {
    const src: Source = { file: file.name, format: NAME, warn: (m, p) => ctx.warn(m, p) };
    for await (const unit of readUnits(file, src, SHAPE)) yield convertDump(unit, src, ctx);
  },
};

function reportInfoInHead(text: string, key: string): string | undefined {
  const m = new RegExp(`<ReportInfo\\s+key\\s*=\\s*["']${key}["']\\s+value\\s*=\\s*["']([^"']*)["']`).exec(text);
  return m?.[1] || undefined;
}

function top(unit: RawUnit, name: string): PropNode | undefined {
  return unit.props.find((p) => p.name === name);
}

/** `MainSequenceResults` (a TEResult; also accepted: an array holding one). */
function mainResult(src: Source, unit: RawUnit): PropNode | undefined {
  const main = top(unit, 'MainSequenceResults');
  if (!main) return findResult(unit.props);
  if (main.type === 'TEResult') return main;
  if (main.type === 'Array') {
    if (main.items.length !== 1) fail(src, 'CONVERT_ERR_FORMAT', main, `MainSequenceResults is an array of ${main.items.length} results; one was expected`);
    const te = itemProp(main.items[0]!);
    if (te) return te;
  }
  return fail(src, 'CONVERT_ERR_FORMAT', main, `MainSequenceResults is a ${main.type ?? 'property without Type'}, not a TEResult`);
}

function convertDump(unit: RawUnit, src: Source, ctx: ConvertContext): UutReport {
  const info = unit.reportInfo;
  const val = (key: string): string | undefined => {
    const v = info.get(key)?.value;
    return v === undefined || v.trim() === '' ? undefined : v;
  };
  const infoPos = (key: string) => ({ line: info.get(key)!.line, element: `${unit.element}/ReportInfo[@key='${key}']` });
  const uut = top(unit, 'UUT');
  const station = top(unit, 'StationInfo');
  const root = mainResult(src, unit);
  const uutFields = readUut(src, uut);

  const agree = (key: string, fromInfo: string | undefined, fromProp: string | number | undefined, prop: string): void => {
    if (fromInfo !== undefined && fromProp !== undefined && String(fromProp) !== fromInfo) {
      src.warn(`ReportInfo ${key} is ${JSON.stringify(clip(fromInfo))} but UUT.${prop} is ${JSON.stringify(clip(String(fromProp)))}; the ReportInfo value is used`, infoPos(key));
    }
  };
  const sn = val('SN');
  const pn = val('PN');
  const rev = val('Rev');
  agree('SN', sn, uutFields.serialNumber, 'SerialNumber');
  agree('PN', pn, uutFields.partNumber, 'UUTPartNumber');
  agree('Rev', rev, uutFields.revision, 'UUTPartRevisionNumber');
  let processCode = uutFields.processCode;
  const pcode = val('PCode');
  if (pcode !== undefined) {
    if (!/^\s*[+-]?\d+\s*$/.test(pcode)) fail(src, 'CONVERT_ERR_VALUE', infoPos('PCode'), `ReportInfo PCode is not a whole number: ${JSON.stringify(clip(pcode))}`);
    agree('PCode', String(Number(pcode)), uutFields.processCode, 'UUTOperationType');
    processCode = Number(pcode);
  }

  const id = reportId(src, val('ID'), info.has('ID') ? infoPos('ID') : undefined);
  const start = startOf(src, ctx, unit, val, infoPos);
  const header = resolveHeader(src, ctx, unit, {
    ...(sn ?? uutFields.serialNumber) !== undefined ? { serialNumber: (sn ?? uutFields.serialNumber)! } : {},
    ...(pn ?? uutFields.partNumber) !== undefined ? { partNumber: (pn ?? uutFields.partNumber)! } : {},
    ...(rev ?? uutFields.revision) !== undefined ? { revision: (rev ?? uutFields.revision)! } : {},
    ...(processCode !== undefined ? { processCode } : {}),
    ...(uutFields.processName !== undefined ? { processName: uutFields.processName } : {}),
    station: readStation(station),
    start,
    ...(id !== undefined ? { id } : {}),
  }, { serial: at(uut, 'SerialNumber') ?? uut, start: undefined });
  // The dump has no UUTResult attribute: the add-on's verdict is the main sequence's status.
  return buildReport(src, ctx, unit, header, { uut, station, root, resultText: root ? at(root, 'Status')?.value : undefined, uutFields });
}

function reportId(src: Source, text: string | undefined, pos: { line: number; element: string } | undefined): string | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (isUuid(t) && !/^0{8}-0{4}-0{4}-0{4}-0{12}$/.test(t)) return t.toLowerCase();
  src.warn(`ReportInfo ID ${JSON.stringify(clip(text))} is not a report GUID; an id is derived from the content instead`, pos);
  return undefined;
}

/** `Start` (local time with its offset); else `StartUTC` shown in the station's zone; else StartDate/StartTime properties. */
function startOf(
  src: Source, ctx: ConvertContext, unit: RawUnit,
  val: (key: string) => string | undefined, infoPos: (key: string) => { line: number; element: string },
): string | undefined {
  const startText = val('Start');
  if (startText !== undefined) {
    const iso = parseLocalTimestamp(startText, ctx.options.timeZone);
    if (!iso) fail(src, 'CONVERT_ERR_VALUE', infoPos('Start'), `ReportInfo Start is not a date and time: ${JSON.stringify(clip(startText))}`);
    if (!/(?:Z|[+-]\d{2}:?\d{2})\s*$/i.test(startText)) src.warn(`ReportInfo Start has no UTC offset; read in ${ctx.options.timeZone}`, infoPos('Start'));
    return iso;
  }
  const utcText = val('StartUTC');
  if (utcText !== undefined) {
    const iso = parseLocalTimestamp(utcText, 'UTC');
    if (!iso) fail(src, 'CONVERT_ERR_VALUE', infoPos('StartUTC'), `ReportInfo StartUTC is not a date and time: ${JSON.stringify(clip(utcText))}`);
    const ms = Date.parse(iso);
    return formatWithOffset(ms, zoneOffsetMinutes(ctx.options.timeZone, ms));
  }
  return startFromDetails(src, ctx, top(unit, 'StartDate'), top(unit, 'StartTime'));
}
