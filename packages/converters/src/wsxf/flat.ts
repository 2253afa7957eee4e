/**
 * WRML, the report markup the WATS client itself writes, keeps a report's steps flat: every
 * `Step` has a `StepID` and a `ParentStepID`, and the step's data are sibling elements of the
 * `Report` that name the step by `StepID` (`SequenceCall`, `NumericLimit`, `PassFail`,
 * `StringValue`, `MessagePopup`, `Callexe`, `AdditionalResults`, and `Chart` rows: the chart
 * header, its series with binary data, or a two-row attachment). This module rebuilds the
 * nested WSXF shape from it, so one mapping serves both.
 *
 * Source of the layout: Virinco's public WSXF→WRML converter (C#), which writes exactly these
 * elements; the chart series data are little-endian float64 pairs (x, y), base64-encoded.
 */
import { ConversionError } from '../errors.js';
import { FORMAT, type XNode } from './xml-stream.js';

/** Elements of a flat report that belong to a step (named by their `StepID`). */
const STEP_DATA = new Set(['SequenceCall', 'NumericLimit', 'PassFail', 'StringValue', 'MessagePopup', 'Callexe', 'CallExe', 'Chart', 'AdditionalResults', 'Attachment']);

/** True when the report uses the flat layout (step data beside the steps, steps with `StepID`). */
export function isFlatReport(report: XNode): boolean {
  return report.children.some((c) => STEP_DATA.has(c.name) || (c.name === 'Step' && c.attrs.StepID !== undefined));
}

function attrOrChild(node: XNode, name: string): string | undefined {
  if (node.attrs[name] !== undefined) return node.attrs[name];
  const child = node.children.find((c) => c.name === name);
  return child ? child.text : undefined;
}

/** Chart rows of one step: header + series, or an attachment pair → nested `Chart` / `Attachment`. */
function chartNodes(rows: XNode[], file: string, where: string, warn: (m: string, line: number) => void): XNode[] {
  const out: XNode[] = [];
  const sorted = [...rows].sort((a, b) => Number(a.attrs.idx ?? 0) - Number(b.attrs.idx ?? 0));
  const isAttachment = sorted.some((r) => (r.attrs.ChartType ?? '').toUpperCase() === 'ATTACHMENT' || (r.attrs.DataType ?? '').toUpperCase() === 'ATTACHMENT');
  if (isAttachment) {
    const head = sorted.find((r) => (r.attrs.ChartType ?? '').toUpperCase() === 'ATTACHMENT');
    const body = sorted.find((r) => (r.attrs.DataType ?? '').toUpperCase() === 'ATTACHMENT');
    const attrs: Record<string, string> = {};
    if (head?.attrs.Label !== undefined) attrs.Name = head.attrs.Label;
    if (body?.attrs.PlotName !== undefined) attrs.ContentType = body.attrs.PlotName;
    out.push({ name: 'Attachment', ns: '', attrs, children: [], text: body ? (attrOrChild(body, 'Data') ?? body.text) : '', line: (head ?? sorted[0])!.line });
    return out;
  }
  const head = sorted.find((r) => r.attrs.PlotName === undefined && r.attrs.DataType === undefined) ?? sorted[0]!;
  const chart: XNode = { name: 'Chart', ns: '', attrs: {}, children: [], text: '', line: head.line };
  for (const k of ['ChartType', 'Label', 'XLabel', 'XUnit', 'YLabel', 'YUnit']) if (head.attrs[k] !== undefined) chart.attrs[k] = head.attrs[k]!;
  for (const row of sorted) {
    if (row === head) continue;
    const series: XNode = { name: 'Series', ns: '', attrs: {}, children: [], text: '', line: row.line };
    if (row.attrs.PlotName !== undefined) series.attrs.Name = row.attrs.PlotName;
    if (row.attrs.DataType !== undefined) series.attrs.DataType = row.attrs.DataType;
    const data = (attrOrChild(row, 'Data') ?? row.text).replace(/\s+/g, '');
    const { x, y } = decodeSeries(data, file, `${where}/Chart[idx=${row.attrs.idx ?? '?'}]`, row.line);
    if (y.length === 0) warn(`${where}: chart series "${row.attrs.PlotName ?? ''}" has no data`, row.line);
    series.children.push({ name: 'ydata', ns: '', attrs: {}, children: [], text: y.join(';'), line: row.line });
    series.children.push({ name: 'xdata', ns: '', attrs: {}, children: [], text: x.join(';'), line: row.line });
    chart.children.push(series);
  }
  out.push(chart);
  return out;
}

/** Base64 of little-endian float64 pairs (x, y) → the two lists. */
function decodeSeries(base64: string, file: string, element: string, line: number): { x: string[]; y: string[] } {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(base64)) {
    throw new ConversionError({ code: 'CONVERT_ERR_VALUE', file, format: FORMAT, position: { line, element }, reason: 'the chart series Data is not base64' });
  }
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length % 16 !== 0) {
    throw new ConversionError({ code: 'CONVERT_ERR_VALUE', file, format: FORMAT, position: { line, element }, reason: `the chart series Data has ${bytes.length} bytes; expected (x, y) pairs of 8-byte numbers` });
  }
  const x: string[] = [];
  const y: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    x.push(numberText(bytes.readDoubleLE(i)));
    y.push(numberText(bytes.readDoubleLE(i + 8)));
  }
  return { x, y };
}

function numberText(n: number): string {
  return Number.isNaN(n) ? 'NaN' : n === Infinity ? 'Infinity' : n === -Infinity ? '-Infinity' : String(n);
}

/**
 * A flat (WRML) report element rewritten in the nested layout: steps nest by `ParentStepID`,
 * each step's data elements move into it, `StepID` becomes `Id`. Throws ConversionError for a
 * step whose parent is unknown or comes later, and for data naming no step.
 */
export function nestFlatReport(report: XNode, file: string, where: string, warn: (m: string, line: number) => void): XNode {
  const out: XNode = { ...report, children: [] };
  const steps = new Map<string, XNode>();
  const charts = new Map<string, XNode[]>();
  const fail = (node: XNode, reason: string): never => {
    throw new ConversionError({ code: 'CONVERT_ERR_FORMAT', file, format: FORMAT, position: { line: node.line, element: `${where}/${node.name}` }, reason });
  };
  for (const child of report.children) {
    if (child.name === 'Step') {
      const id = child.attrs.StepID?.trim();
      if (id === undefined || id === '') fail(child, 'a Step in a flat (WRML) report needs a StepID');
      if (steps.has(id!)) fail(child, `StepID ${id} is used twice`);
      const { StepID: _id, ParentStepID: parentId, ...rest } = child.attrs;
      const step: XNode = { ...child, attrs: { Id: id!, ...rest }, children: [...child.children] };
      steps.set(id!, step);
      const parent = parentId?.trim();
      if (parent === undefined || parent === '' || parent === '-1') out.children.push(step);
      else {
        const p = steps.get(parent) ?? fail(child, `ParentStepID ${parent} names no earlier Step`);
        p.children.push(step);
      }
    } else if (STEP_DATA.has(child.name)) {
      const id = child.attrs.StepID?.trim() ?? '';
      const step = steps.get(id) ?? fail(child, `StepID ${id || '(none)'} names no earlier Step`);
      const { StepID: _id, ...rest } = child.attrs;
      if (child.name === 'Chart') {
        const list = charts.get(id) ?? [];
        if (list.length === 0) {
          charts.set(id, list);
          // A placeholder keeps the chart where its first row was.
          step.children.push({ name: '#chart', ns: '', attrs: { StepID: id }, children: [], text: '', line: child.line });
        }
        list.push({ ...child, attrs: rest });
      } else {
        step.children.push({ ...child, attrs: rest });
      }
    } else {
      out.children.push(child);
    }
  }
  for (const step of steps.values()) {
    const i = step.children.findIndex((c) => c.name === '#chart');
    if (i < 0) continue;
    const id = step.children[i]!.attrs.StepID!;
    step.children.splice(i, 1, ...chartNodes(charts.get(id)!, file, `${where}/Step[Id=${id}]`, warn));
  }
  return out;
}
