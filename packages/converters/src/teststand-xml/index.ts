/**
 * NI TestStand XML report, as written by TestStand's stock report generator (any stylesheet:
 * `horizontal.xsl`, `expand.xsl`, `report.xsl` only change how a browser shows it):
 * `<Reports><Report Type='UUT' UUTResult='…' StepCount='…'>` with `<Prop>` trees for the UUT,
 * the station, the start date and time, and the main sequence's results (`TEResult`).
 *
 * Every `<Report Type='UUT'>` becomes its own WSJF report, in file order (batch and parallel
 * models write several into one file); `<Report Type='Batch'>` summaries are skipped with a
 * warning (their units are the UUT reports). Reports built by the WATS TestStand add-on's
 * process model carry part number, revision, process code and name, location and purpose in
 * the same properties (`UUTPartNumber`, `UUTOperationType`, `StationInfo.Location`, ...), and
 * those are used. See docs/converters/teststand-xml.md.
 */
import type { UutReport } from '@tswats/sdk';
import type { InputFile } from '../input.js';
import type { ConvertContext, Converter, Detection } from '../types.js';
import { xmlRoot } from '../xml.js';
import { at, clip, findResult, type PropNode, type Source } from './prop-tree.js';
import { readUnits, type RawUnit, type Shape } from './reader.js';
import { buildReport, readStation, readUut, resolveHeader, startFromDetails } from './report.js';

const NAME = 'teststand-xml';

const SHAPE: Shape = {
  roots: { Reports: 'container', Report: 'unit' },
  unitName: 'Report',
  skipProps: new Set(['ReportOptions']),
};

/** A `<Report … Type='UUT|Batch'>` start tag. */
const REPORT_TAG = /<Report\s[^>]*?\bType\s*=\s*(['"])(UUT|Batch)\1/;
/** A TestStand property element. */
const PROP_TAG = /<Prop\s[^>]*?\bType\s*=\s*(['"])(?:Obj|TEResult|String|Number|Boolean|Array)\1/;

export const teststandXmlConverter: Converter = {
  name: NAME,
  description: 'NI TestStand XML report (stock report generator, any stylesheet); one report per <Report Type=\'UUT\'>',
  extensions: ['.xml'],
  detect(file: InputFile): Detection {
    const text = file.headText();
    const root = xmlRoot(text);
    if (!root || root.namespace !== undefined || (root.name !== 'Reports' && root.name !== 'Report')) return { confidence: 0 };
    if (!REPORT_TAG.test(text) || !PROP_TAG.test(text)) return { confidence: 0 };
    const serialNumber = /<Prop\s+Name\s*=\s*['"]SerialNumber['"][^>]*>\s*<Value>([^<]*)<\/Value>/.exec(text)?.[1];
    const partNumber = /<Prop\s+Name\s*=\s*['"](?:UUTPartNumber|PartNumber)['"][^>]*>\s*<Value>([^<]+)<\/Value>/.exec(text)?.[1];
    const result = /<Report\s[^>]*?\bUUTResult\s*=\s*['"]([^'"]*)['"]/.exec(text)?.[1];
    const preview: NonNullable<Detection['preview']> = {};
    if (serialNumber) preview.serialNumber = serialNumber;
    if (partNumber) preview.partNumber = partNumber;
    if (result) preview.result = result;
    if (file.size <= file.head.length) preview.units = text.match(/<Report\s[^>]*?\bType\s*=\s*['"]UUT['"]/g)?.length ?? 0;
    return { confidence: 0.95, preview };
  },
  async *convert(file: InputFile, ctx: ConvertContext): AsyncIterable<UutReport> {
    const src: Source = { file: file.name, format: NAME, warn: (m, p) => ctx.warn(m, p) };
    for await (const unit of readUnits(file, src, SHAPE)) {
      const type = unit.attrs.Type;
      if (type !== 'UUT') {
        const why = type === 'Batch'
          ? 'a batch summary: its units are the UUT reports of the file'
          : `not a UUT report (Type=${type === undefined ? 'missing' : JSON.stringify(clip(type))})`;
        ctx.warn(`<Report> ${unit.index} skipped: ${why}`, { line: unit.line, element: unit.element });
        continue;
      }
      yield convertUnit(unit, src, ctx);
    }
  },
};

function top(unit: RawUnit, name: string): PropNode | undefined {
  return unit.props.find((p) => p.name === name);
}

function convertUnit(unit: RawUnit, src: Source, ctx: ConvertContext): UutReport {
  const uut = top(unit, 'UUT');
  const station = top(unit, 'StationInfo');
  const root = findResult(unit.props);
  const uutFields = readUut(src, uut);
  const start = startFromDetails(src, ctx, top(unit, 'StartDate'), top(unit, 'StartTime'));
  const header = resolveHeader(src, ctx, unit, {
    ...(uutFields.serialNumber !== undefined ? { serialNumber: uutFields.serialNumber } : {}),
    ...(uutFields.partNumber !== undefined ? { partNumber: uutFields.partNumber } : {}),
    ...(uutFields.revision !== undefined ? { revision: uutFields.revision } : {}),
    ...(uutFields.processCode !== undefined ? { processCode: uutFields.processCode } : {}),
    ...(uutFields.processName !== undefined ? { processName: uutFields.processName } : {}),
    station: readStation(station),
    start,
  }, { serial: at(uut, 'SerialNumber') ?? uut, start: top(unit, 'StartDate') });
  return buildReport(src, ctx, unit, header, { uut, station, root, resultText: unit.attrs.UUTResult, uutFields });
}
