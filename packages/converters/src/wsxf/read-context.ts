/**
 * What the WSXF mapping carries while it reads one `<Report>`: the file, the element path for
 * messages (`Report[0]/Step[Id=6]/NumericLimit[0]`), typed attribute readers that throw
 * ConversionError naming the element and line, and warnings about attributes it drops.
 */
import { ConversionError, type ConversionErrorCode } from '../errors.js';
import type { ConvertContext } from '../types.js';
import { parseWatsBool, parseWatsInt, parseWatsNumber, statusLetter, STATUS_WORDS } from './shared.js';
import { attr, FORMAT, type XNode } from './xml-stream.js';
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

  /**
   * Warns once per report about each attribute of `node` that `known` does not list. `known`
   * is a constant list (the caller's module holds it): nothing is built per call.
   */
  unmapped(node: XNode, element: string, known: readonly string[]): void {
    const keys = node.keys;
    let silent: readonly string[] | undefined | null = null;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if (known.includes(k) || SILENT_ANY.includes(k)) continue;
      if (silent === null) silent = Object.hasOwn(SILENT, node.name) ? SILENT[node.name] : undefined;
      if (silent !== undefined && silent.includes(k)) continue;
      const v = node.vals[i]!;
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
  str(node: XNode, name: string): string | undefined {
    return attr(node, name);
  }

  /** The first of two attributes that is present, as written. */
  str2(node: XNode, name: string, other: string): string | undefined {
    const v = attr(node, name);
    return v !== undefined ? v : attr(node, other);
  }

  /** A non-empty attribute (trimmed), or undefined. */
  text(node: XNode, name: string): string | undefined {
    const v = attr(node, name);
    if (v === undefined) return undefined;
    const t = v.trim();
    return t ? t : undefined;
  }

  num(node: XNode, name: string, element: string): number | undefined {
    const raw = attr(node, name);
    const v = parseWatsNumber(raw);
    if (v === null) this.error('CONVERT_ERR_VALUE', node, element, `${name} '${raw}' is not a number`);
    if (typeof v === 'string') this.error('CONVERT_ERR_VALUE', node, element, `${name} '${raw}' must be a finite number`);
    return v;
  }

  /** A double: number, or the WSJF strings `NaN` / `Infinity` / `-Infinity`. */
  double(node: XNode, name: string, element: string): number | string | undefined {
    const raw = attr(node, name);
    const v = parseWatsNumber(raw);
    if (v === null) this.error('CONVERT_ERR_VALUE', node, element, `${name} '${raw}' is not a number`);
    return v;
  }

  int(node: XNode, name: string, element: string): number | undefined {
    const raw = attr(node, name);
    const v = parseWatsInt(raw);
    if (v === null) this.error('CONVERT_ERR_VALUE', node, element, `${name} '${raw}' is not an integer`);
    return v;
  }

  bool(node: XNode, name: string, element: string): boolean | undefined {
    const raw = attr(node, name);
    const v = parseWatsBool(raw);
    if (v === null) this.error('CONVERT_ERR_VALUE', node, element, `${name} '${raw}' is not a boolean (0/1/true/false)`);
    return v;
  }

  status(node: XNode, name: string, element: string): StepStatus | undefined {
    const raw = attr(node, name);
    const v = statusLetter(raw);
    if (v === null) this.error('CONVERT_ERR_VALUE', node, element, `${name} '${raw}' is not one of ${STATUS_WORDS}`);
    return v;
  }

  /** The first child element with the name (or, given a second name, with either). */
  child(node: XNode, name: string, other?: string): XNode | undefined {
    const children = node.children;
    for (let i = 0; i < children.length; i++) {
      const c = children[i]!;
      if (c.name === name || (other !== undefined && c.name === other)) return c;
    }
    return undefined;
  }

  /** The child elements with the name (or, given a second name, with either), in file order. */
  children(node: XNode, name: string, other?: string): XNode[] {
    const out: XNode[] = [];
    const children = node.children;
    for (let i = 0; i < children.length; i++) {
      const c = children[i]!;
      if (c.name === name || (other !== undefined && c.name === other)) out.push(c);
    }
    return out;
  }

  /** An attribute, or the text of a child element of that name (WSXF writes `Comment` both ways). */
  attrOrChildText(node: XNode, name: string): string | undefined {
    const child = this.child(node, name);
    return child ? child.text : this.str(node, name);
  }
}
