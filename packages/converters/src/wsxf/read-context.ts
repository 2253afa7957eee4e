/**
 * What the WSXF mapping carries while it reads one `<Report>`: the file, the element path for
 * messages (`Report[0]/Step[Id=6]/NumericLimit[0]`), typed attribute readers that throw
 * ConversionError naming the element and line, and warnings about attributes it drops.
 */
import { ConversionError, type ConversionErrorCode } from '../errors.js';
import type { ConvertContext } from '../types.js';
import { parseWatsBool, parseWatsInt, parseWatsNumber, statusLetter, STATUS_WORDS } from './shared.js';
import { FORMAT, type XNode } from './xml-stream.js';
import type { StepStatus } from '@tswats/sdk';

/**
 * Attributes that carry nothing WSJF keeps: positional indexes WATS derives again, sizes of
 * data that is present, namespace housekeeping. Dropped without a warning.
 */
const SILENT: Readonly<Record<string, readonly string[]>> = {
  '*': ['xsi:schemaLocation', 'xsi:noNamespaceSchemaLocation', 'xsi:type', 'xsi:nil'],
  Report: ['Start_offset'],
  Step: ['StepIndex', 'Idx', 'InteractiveExeNum', 'InteractiveExeNumFormat'],
  SequenceCall: ['MeasIndex', 'Filename'],
  NumericLimit: ['MeasIndex', 'MeasOrderNumber'],
  PassFail: ['MeasIndex', 'MeasOrderNumber'],
  StringValue: ['MeasIndex', 'MeasOrderNumber'],
  MessagePopup: ['MeasIndex'],
  Callexe: ['MeasIndex'],
  CallExe: ['MeasIndex'],
  MiscInfo: ['idx', 'order_no'],
  Chart: ['idx'],
  Attachment: ['Size', 'size'],
  Binary: ['BinaryDataIndex'],
  Data: ['size', 'Size'],
  Failures: ['Idx'],
};

const SILENT_ANY = SILENT['*']!;

export class ReadContext {
  private readonly warned = new Set<string>();

  readonly ctx: ConvertContext;
  readonly file: string;
  /** `Report[0]`. */
  readonly reportPath: string;

  constructor(ctx: ConvertContext, file: string, reportPath: string) {
    this.ctx = ctx;
    this.file = file;
    this.reportPath = reportPath;
  }

  error(code: ConversionErrorCode, node: XNode | undefined, element: string, reason: string): never {
    throw new ConversionError({ code, file: this.file, format: FORMAT, position: { line: node?.line, element }, reason });
  }

  warn(message: string, node: XNode | undefined, element: string): void {
    this.ctx.warn(message, { line: node?.line, element });
  }

  /** Warns once per report about each attribute of `node` that `known` does not list. */
  unmapped(node: XNode, element: string, known: readonly string[]): void {
    const attrs = node.attrs;
    const silent = Object.hasOwn(SILENT, node.name) ? SILENT[node.name] : undefined;
    for (const k in attrs) {
      if (known.includes(k) || SILENT_ANY.includes(k)) continue;
      if (silent !== undefined && silent.includes(k)) continue;
      const v = attrs[k]!;
      if (k === 'Typedef' && v === '') continue;
      if (k === 'module_time' && (v.trim() === '' || Number(v) === 0)) continue;
      const key = `${node.name}@${k}`;
      if (this.warned.has(key)) continue;
      this.warned.add(key);
      this.warn(`attribute ${k} of ${node.name} has no WSJF field; dropped (first at ${element})`, node, element);
    }
  }

  /** Warns once per report about a child element the mapping does not read. */
  unmappedChild(child: XNode, element: string, why = 'has no WSJF mapping'): void {
    const key = `<${child.name}>`;
    if (this.warned.has(`${key}${why}`)) return;
    this.warned.add(`${key}${why}`);
    this.warn(`element ${child.name} ${why}; dropped (first at ${element})`, child, element);
  }

  /** The attribute as written (empty strings kept), undefined when absent. */
  str(node: XNode, ...names: string[]): string | undefined {
    const attrs = node.attrs;
    for (const n of names) {
      const v = attrs[n];
      if (v !== undefined) return v;
    }
    return undefined;
  }

  /** A non-empty attribute (trimmed), or undefined. */
  text(node: XNode, ...names: string[]): string | undefined {
    const v = this.str(node, ...names)?.trim();
    return v ? v : undefined;
  }

  num(node: XNode, name: string, element: string): number | undefined {
    const raw = node.attrs[name];
    const v = parseWatsNumber(raw);
    if (v === null) this.error('CONVERT_ERR_VALUE', node, element, `${name} '${raw}' is not a number`);
    if (typeof v === 'string') this.error('CONVERT_ERR_VALUE', node, element, `${name} '${raw}' must be a finite number`);
    return v;
  }

  /** A double: number, or the WSJF strings `NaN` / `Infinity` / `-Infinity`. */
  double(node: XNode, name: string, element: string): number | string | undefined {
    const raw = node.attrs[name];
    const v = parseWatsNumber(raw);
    if (v === null) this.error('CONVERT_ERR_VALUE', node, element, `${name} '${raw}' is not a number`);
    return v;
  }

  int(node: XNode, name: string, element: string): number | undefined {
    const raw = node.attrs[name];
    const v = parseWatsInt(raw);
    if (v === null) this.error('CONVERT_ERR_VALUE', node, element, `${name} '${raw}' is not an integer`);
    return v;
  }

  bool(node: XNode, name: string, element: string): boolean | undefined {
    const raw = node.attrs[name];
    const v = parseWatsBool(raw);
    if (v === null) this.error('CONVERT_ERR_VALUE', node, element, `${name} '${raw}' is not a boolean (0/1/true/false)`);
    return v;
  }

  status(node: XNode, name: string, element: string): StepStatus | undefined {
    const raw = node.attrs[name];
    const v = statusLetter(raw);
    if (v === null) this.error('CONVERT_ERR_VALUE', node, element, `${name} '${raw}' is not one of ${STATUS_WORDS}`);
    return v;
  }

  /** The first child element with one of the names. */
  child(node: XNode, ...names: string[]): XNode | undefined {
    return node.children.find((c) => names.includes(c.name));
  }

  children(node: XNode, ...names: string[]): XNode[] {
    return node.children.filter((c) => names.includes(c.name));
  }

  /** An attribute, or the text of a child element of that name (WSXF writes `Comment` both ways). */
  attrOrChildText(node: XNode, name: string): string | undefined {
    const child = this.child(node, name);
    return child ? child.text : this.str(node, name);
  }
}
