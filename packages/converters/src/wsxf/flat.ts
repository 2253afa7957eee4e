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
import { attr, FORMAT, type XNode } from './xml-stream.js';

/** The attributes of `node` without those named `a` and `b`, in file order. */
function attrsWithout(node: XNode, a: string, b?: string): { keys: string[]; vals: string[] } {
  const keys: string[] = [];
  const vals: string[] = [];
  for (let i = 0; i < node.keys.length; i++) {
    const k = node.keys[i]!;
    if (k === a || k === b) continue;
    keys.push(k);
    vals.push(node.vals[i]!);
  }
  return { keys, vals };
}

/** An element made here (no namespace). */
function made(name: string, keys: string[], vals: string[], children: XNode[], text: string, line: number): XNode {
  return { name, ns: '', keys, vals, children, text, line };
}

/** Elements of a flat report that belong to a step (named by their `StepID`). */
const STEP_DATA = new Set(['SequenceCall', 'NumericLimit', 'PassFail', 'StringValue', 'MessagePopup', 'Callexe', 'CallExe', 'Chart', 'AdditionalResults', 'Attachment']);

/** True when the report uses the flat layout (step data beside the steps, steps with `StepID`). */
export function isFlatReport(report: XNode): boolean {
  return report.children.some((c) => STEP_DATA.has(c.name) || (c.name === 'Step' && attr(c, 'StepID') !== undefined));
}

function attrOrChild(node: XNode, name: string): string | undefined {
  const v = attr(node, name);
  if (v !== undefined) return v;
  const child = node.children.find((c) => c.name === name);
  return child ? child.text : undefined;
}

/** Chart rows of one step: header + series, or an attachment pair → nested `Chart` / `Attachment`. */
function chartNodes(rows: XNode[], file: string, where: string, warn: (m: string, line: number) => void): XNode[] {
  const out: XNode[] = [];
  const sorted = [...rows].sort((a, b) => Number(attr(a, 'idx') ?? 0) - Number(attr(b, 'idx') ?? 0));
  const isAttachment = sorted.some((r) => (attr(r, 'ChartType') ?? '').toUpperCase() === 'ATTACHMENT' || (attr(r, 'DataType') ?? '').toUpperCase() === 'ATTACHMENT');
  if (isAttachment) {
    const head = sorted.find((r) => (attr(r, 'ChartType') ?? '').toUpperCase() === 'ATTACHMENT');
    const body = sorted.find((r) => (attr(r, 'DataType') ?? '').toUpperCase() === 'ATTACHMENT');
    const keys: string[] = [];
    const vals: string[] = [];
    const label = head ? attr(head, 'Label') : undefined;
    if (label !== undefined) keys.push('Name'), vals.push(label);
    const plotName = body ? attr(body, 'PlotName') : undefined;
    if (plotName !== undefined) keys.push('ContentType'), vals.push(plotName);
    out.push(made('Attachment', keys, vals, [], body ? (attrOrChild(body, 'Data') ?? body.text) : '', (head ?? sorted[0])!.line));
    return out;
  }
  const head = sorted.find((r) => attr(r, 'PlotName') === undefined && attr(r, 'DataType') === undefined) ?? sorted[0]!;
  const chart = made('Chart', [], [], [], '', head.line);
  for (const k of ['ChartType', 'Label', 'XLabel', 'XUnit', 'YLabel', 'YUnit']) {
    const v = attr(head, k);
    if (v !== undefined) chart.keys.push(k), chart.vals.push(v);
  }
  for (const row of sorted) {
    if (row === head) continue;
    const series = made('Series', [], [], [], '', row.line);
    const plotName = attr(row, 'PlotName');
    if (plotName !== undefined) series.keys.push('Name'), series.vals.push(plotName);
    const dataType = attr(row, 'DataType');
    if (dataType !== undefined) series.keys.push('DataType'), series.vals.push(dataType);
    const data = (attrOrChild(row, 'Data') ?? row.text).replace(/\s+/g, '');
    const { x, y } = decodeSeries(data, file, `${where}/Chart[idx=${attr(row, 'idx') ?? '?'}]`, row.line);
    if (y.length === 0) warn(`${where}: chart series "${plotName ?? ''}" has no data`, row.line);
    series.children.push(made('ydata', [], [], [], y.join(';'), row.line));
    series.children.push(made('xdata', [], [], [], x.join(';'), row.line));
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
      const id = attr(child, 'StepID')?.trim();
      if (id === undefined || id === '') fail(child, 'a Step in a flat (WRML) report needs a StepID');
      if (steps.has(id!)) fail(child, `StepID ${id} is used twice`);
      const parentId = attr(child, 'ParentStepID');
      // `Id` first, then the other attributes in file order (an `Id` of its own keeps its value).
      const rest = attrsWithout(child, 'StepID', 'ParentStepID');
      const own = rest.keys.indexOf('Id');
      const ownId = own >= 0 ? rest.vals[own]! : id!;
      if (own >= 0) rest.keys.splice(own, 1), rest.vals.splice(own, 1);
      const step: XNode = { ...child, keys: ['Id', ...rest.keys], vals: [ownId, ...rest.vals], children: [...child.children] };
      steps.set(id!, step);
      const parent = parentId?.trim();
      if (parent === undefined || parent === '' || parent === '-1') out.children.push(step);
      else {
        const p = steps.get(parent) ?? fail(child, `ParentStepID ${parent} names no earlier Step`);
        p.children.push(step);
      }
    } else if (STEP_DATA.has(child.name)) {
      const id = attr(child, 'StepID')?.trim() ?? '';
      const step = steps.get(id) ?? fail(child, `StepID ${id || '(none)'} names no earlier Step`);
      const rest = attrsWithout(child, 'StepID');
      if (child.name === 'Chart') {
        const list = charts.get(id) ?? [];
        if (list.length === 0) {
          charts.set(id, list);
          // A placeholder keeps the chart where its first row was.
          step.children.push(made('#chart', ['StepID'], [id], [], '', child.line));
        }
        list.push({ ...child, keys: rest.keys, vals: rest.vals });
      } else {
        step.children.push({ ...child, keys: rest.keys, vals: rest.vals });
      }
    } else {
      out.children.push(child);
    }
  }
  for (const step of steps.values()) {
    const i = step.children.findIndex((c) => c.name === '#chart');
    if (i < 0) continue;
    const id = attr(step.children[i]!, 'StepID')!;
    step.children.splice(i, 1, ...chartNodes(charts.get(id)!, file, `${where}/Step[Id=${id}]`, warn));
  }
  return out;
}
