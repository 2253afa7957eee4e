/**
 * Streams a TestStand XML file (stock report or WATS add-on dump) and hands out one
 * unit (`<Report>` / `<TSReport>`) at a time as a {@link PropNode} tree. A file with many
 * reports is never held in memory whole: each unit is yielded as soon as its element closes.
 */
import { SaxesParser } from 'saxes';
import { ConversionError } from '../errors.js';
import { decodeWindows1252, type InputFile } from '../input.js';
import { assertSafeXml, headForXmlChecks } from '../xml.js';
import { fastPass, skipFirst, type FastPassProgress } from '../xml-read.js';
import { newProp, type ArrayItem, type PropNode, type Source } from './prop-tree.js';

/** One `<Report>` (or `<TSReport>`) element, read. */
export interface RawUnit {
  /** 1-based position among the unit elements of the file. */
  readonly index: number;
  /** Element path, e.g. `Reports/Report[2]` or `TSReport`. */
  readonly element: string;
  readonly line: number;
  /** The element's attributes (`Type`, `UUTResult`, `StepCount`, ...). */
  readonly attrs: Record<string, string>;
  /** Its top-level `<Prop>` children (minus skipped ones). */
  readonly props: PropNode[];
  /** `<ReportInfo key value type>` children (WATS dump), by key. */
  readonly reportInfo: Map<string, { value: string; type: string | undefined; line: number }>;
  /** Text of an `<ErrorText>` child, when present. */
  errorText: string | undefined;
}

/** What the file must look like. */
export interface Shape {
  /** Allowed root elements: a container of units, or a unit itself. */
  readonly roots: Readonly<Record<string, 'container' | 'unit'>>;
  /** Name of the unit elements inside a container root. */
  readonly unitName: string;
  /** Top-level `<Prop Name>`s not built (large and not needed, e.g. `ReportOptions`). */
  readonly skipProps: ReadonlySet<string>;
}

type Frame =
  | { k: 'skip' }
  | { k: 'container' }
  | { k: 'unit'; unit: RawUnit }
  | { k: 'prop'; node: PropNode }
  | { k: 'value'; node: PropNode }
  | { k: 'item'; item: ArrayItem }
  | { k: 'errortext'; unit: RawUnit };

const SKIP: Frame = { k: 'skip' };

/**
 * Builds the units from start tags, end tags and text, whichever tokenizer reads the file (the
 * fast one or saxes). Completed units wait in `ready`.
 */
class UnitBuilder {
  readonly stack: Frame[] = [];
  readonly ready: RawUnit[] = [];
  rootSeen = false;
  rootName = '';
  unitCount = 0;
  private readonly file: InputFile;
  private readonly src: Source;
  private readonly shape: Shape;

  constructor(file: InputFile, src: Source, shape: Shape) {
    this.file = file;
    this.src = src;
    this.shape = shape;
  }

  private startUnit(attrs: Record<string, string>, line: number, element: string): RawUnit {
    this.unitCount++;
    return { index: this.unitCount, element, line, attrs, props: [], reportInfo: new Map(), errorText: undefined };
  }

  /** A start tag; true when its content is not needed (a skipped element). */
  open(name: string, attrs: Record<string, string>, line: number): boolean {
    const stack = this.stack;
    const shape = this.shape;
    const top = stack[stack.length - 1];
    if (!top) {
      if (this.rootSeen) {
        stack.push(SKIP);
        return true;
      }
      this.rootSeen = true;
      this.rootName = name;
      const role = Object.prototype.hasOwnProperty.call(shape.roots, name) ? shape.roots[name] : undefined;
      if (!role) {
        const expected = Object.keys(shape.roots).map((r) => `<${r}>`).join(' or ');
        throw new ConversionError({ code: 'CONVERT_ERR_FORMAT', file: this.file.name, format: this.src.format, position: { line, element: name }, reason: `the root element is <${name}>, not ${expected}` });
      }
      stack.push(role === 'container' ? { k: 'container' } : { k: 'unit', unit: this.startUnit(attrs, line, name) });
      return false;
    }
    switch (top.k) {
      case 'skip':
      case 'value':
      case 'errortext':
        stack.push(SKIP);
        return true;
      case 'container':
        if (name !== shape.unitName) {
          stack.push(SKIP);
          return true;
        }
        stack.push({ k: 'unit', unit: this.startUnit(attrs, line, `${this.rootName}/${name}[${this.unitCount + 1}]`) });
        return false;
      case 'unit': {
        const unit = top.unit;
        if (name === 'Prop') {
          if (attrs.Name !== undefined && shape.skipProps.has(attrs.Name)) {
            stack.push(SKIP);
            return true;
          }
          const node = newProp(attrs, line, undefined, unit.element);
          unit.props.push(node);
          stack.push({ k: 'prop', node });
          return false;
        }
        if (name === 'ReportInfo') {
          if (attrs.key !== undefined && !unit.reportInfo.has(attrs.key)) {
            unit.reportInfo.set(attrs.key, { value: attrs.value ?? '', type: attrs.type, line });
          }
          stack.push(SKIP);
          return true;
        }
        if (name === 'ErrorText') {
          unit.errorText = unit.errorText ?? '';
          stack.push({ k: 'errortext', unit });
          return false;
        }
        stack.push(SKIP);
        return true;
      }
      case 'prop': {
        const node = top.node;
        if (name === 'Prop') {
          const c = newProp(attrs, line, node, '');
          node.props.push(c);
          stack.push({ k: 'prop', node: c });
          return false;
        }
        if (name === 'Value') {
          if (attrs.ID !== undefined) {
            const item: ArrayItem = { kind: 'item', id: attrs.ID, text: undefined, props: [], line, parent: node };
            node.items.push(item);
            stack.push({ k: 'item', item });
          } else {
            node.value = node.value ?? '';
            stack.push({ k: 'value', node });
          }
          return false;
        }
        stack.push(SKIP); // ArrayElementPrototype, Attributes, Comment
        return true;
      }
      case 'item': {
        if (name === 'Prop') {
          const c = newProp(attrs, line, top.item, '');
          top.item.props.push(c);
          stack.push({ k: 'prop', node: c });
          return false;
        }
        stack.push(SKIP);
        return true;
      }
    }
  }

  /** Whether the text of the innermost open element is kept. */
  wantsText(): boolean {
    const top = this.stack[this.stack.length - 1];
    return top !== undefined && (top.k === 'value' || top.k === 'item' || top.k === 'errortext');
  }

  text(t: string): void {
    const top = this.stack[this.stack.length - 1];
    if (!top) return;
    if (top.k === 'value') top.node.value += t;
    else if (top.k === 'item') {
      if (top.item.props.length === 0) top.item.text = (top.item.text ?? '') + t;
    } else if (top.k === 'errortext') top.unit.errorText += t;
  }

  close(): void {
    const top = this.stack.pop();
    if (!top) return;
    if (top.k === 'item') {
      if (top.item.props.length > 0) top.item.text = undefined; // whitespace before a <Prop>
      else if (top.item.text === undefined) top.item.text = '';
    } else if (top.k === 'unit') this.ready.push(top.unit);
  }

  /** What the end of the file asks for once every unit is handed out. */
  finish(): void {
    if (this.unitCount === 0 && this.rootSeen && this.shape.roots[this.rootName] === 'container') {
      throw new ConversionError({ code: 'CONVERT_ERR_EMPTY', file: this.file.name, format: this.src.format, position: { element: this.rootName }, reason: `<${this.rootName}> holds no <${this.shape.unitName}> element` });
    }
  }
}

/**
 * Yields the units of the file in order. Throws ConversionError for malformed XML.
 * Read with the fast tokenizer first; anything it does not read is read again with saxes from
 * the start (see xml-read.ts), so what is accepted and every error are saxes'.
 */
export async function* readUnits(file: InputFile, src: Source, shape: Shape): AsyncGenerator<RawUnit> {
  assertSafeXml(headForXmlChecks(file), file.name, src.format);
  const newDecoder = chooseDecoder(file, src);
  const progress: FastPassProgress = { handedOut: 0, complete: false };
  const fast = new UnitBuilder(file, src, shape);
  const d = newDecoder();
  const decodeFast = (chunk: Uint8Array | undefined) => decode(d, chunk ?? new Uint8Array(0), chunk === undefined, file, src);
  yield* fastPass(file, decodeFast, {
    open(name, names, values, count, line) {
      // saxes makes an object without a prototype; a plain one reads the same here (only named
      // attributes are read, none an Object.prototype member), except `__proto__`: left to saxes.
      const attrs: Record<string, string> = {};
      for (let i = 0; i < count; i++) {
        const k = names[i]!;
        if (k === '__proto__') throw new Error('left to saxes');
        attrs[k] = values[i]!;
      }
      return fast.open(name, attrs, line);
    },
    close: () => fast.close(),
    wantsText: () => fast.wantsText(),
    text: (t) => fast.text(t),
  }, fast.ready, progress);
  if (progress.complete) {
    fast.finish();
    return;
  }
  yield* skipFirst(readUnitsWithSaxes(file, src, shape, newDecoder()), progress.handedOut);
}

/** The reference pass with saxes. */
async function* readUnitsWithSaxes(file: InputFile, src: Source, shape: Shape, decoder: Decoder): AsyncGenerator<RawUnit> {
  const b = new UnitBuilder(file, src, shape);
  const ready = b.ready;
  const parser = new SaxesParser<{ xmlns: false; position: true }>({ xmlns: false, position: true });
  parser.on('doctype', (doctype) => {
    if (/\[|\bSYSTEM\b|\bPUBLIC\b/i.test(doctype)) {
      throw new ConversionError({ code: 'CONVERT_ERR_UNSAFE_XML', file: file.name, format: src.format, position: { line: parser.line }, reason: 'the XML declares a DOCTYPE with entities or an external reference; refused (XXE / entity expansion)' });
    }
  });
  parser.on('opentag', (tag) => {
    b.open(tag.name, tag.attributes, parser.line);
  });
  const text = (t: string) => b.text(t);
  parser.on('text', text);
  parser.on('cdata', text);
  parser.on('closetag', () => b.close());

  const feed = (t: string, end: boolean): void => {
    try {
      if (t) parser.write(t);
      if (end) parser.close();
    } catch (err) {
      if (err instanceof ConversionError) throw err;
      throw syntaxError(err as Error, file, src, end);
    }
  };

  try {
    for await (const chunk of file.stream()) {
      feed(decode(decoder, chunk, false, file, src), false);
      while (ready.length) yield ready.shift()!;
    }
    feed(decode(decoder, new Uint8Array(0), true, file, src), true);
  } catch (err) {
    if (err instanceof ConversionError) throw err;
    throw new ConversionError({ code: 'CONVERT_ERR_READ', file: file.name, format: src.format, reason: `cannot read: ${(err as Error).message}`, cause: err });
  }
  while (ready.length) yield ready.shift()!;
  b.finish();
}

function syntaxError(err: Error, file: InputFile, src: Source, atEnd: boolean): ConversionError {
  const m = /^(?:[^:]*:)?(\d+):(\d+): (.*)$/s.exec(err.message);
  const line = m ? Number(m[1]) : undefined;
  const column = m ? Number(m[2]) : undefined;
  const reason = m ? m[3]! : err.message;
  const truncated = atEnd && /unclosed tag|must contain a root element|unexpected end/i.test(reason);
  return new ConversionError({
    code: truncated ? 'CONVERT_ERR_TRUNCATED' : 'CONVERT_ERR_SYNTAX',
    file: file.name,
    format: src.format,
    position: line !== undefined ? { line, column } : undefined,
    reason: truncated ? `the XML ends early (${reason})` : `not well-formed XML: ${reason}`,
    cause: err,
  });
}

interface Decoder {
  /** undefined: Windows-1252, decoded by hand (byte-per-character; much faster than TextDecoder's). */
  decoder: InstanceType<typeof TextDecoder> | undefined;
  /** Bytes of a BOM to drop from the first chunk. */
  bom: number;
  started: boolean;
  label: string;
}

/**
 * The text encoding: a BOM wins, then the XML declaration (TestStand writes
 * `encoding="iso-8859-1"`, which is decoded as Windows-1252 like every browser does), then
 * UTF-8 when the head is valid UTF-8, else Windows-1252 (with a warning).
 */
function chooseDecoder(file: InputFile, src: Source): () => Decoder {
  const h = file.head;
  if (h[0] === 0xef && h[1] === 0xbb && h[2] === 0xbf) return maker('utf-8', 3);
  if (h[0] === 0xff && h[1] === 0xfe) return maker('utf-16le', 2);
  if (h[0] === 0xfe && h[1] === 0xff) return maker('utf-16be', 2);
  const prolog = Buffer.from(h.subarray(0, 200)).toString('latin1');
  const declared = /^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(prolog)?.[1]?.toLowerCase();
  if (declared && declared !== 'utf-8' && declared !== 'utf8') {
    try {
      return maker(declared, 0);
    } catch {
      throw new ConversionError({ code: 'CONVERT_ERR_ENCODING', file: file.name, format: src.format, position: { line: 1 }, reason: `unsupported encoding "${declared}" in the XML declaration` });
    }
  }
  if (!validUtf8Head(h, file.size > h.length)) {
    src.warn(`the file is not valid UTF-8${declared ? ' although the XML declaration says so' : ''}; read as Windows-1252`, { line: 1 });
    return maker('windows-1252', 0);
  }
  return maker('utf-8', 0, true);
}

/** A decoder factory (one decoder per pass: they keep state between chunks); throws for an unknown label. */
function maker(label: string, bom: number, fatal = false): () => Decoder {
  mk(label, bom, fatal);
  return () => mk(label, bom, fatal);
}

function mk(label: string, bom: number, fatal = false): Decoder {
  const decoder = new TextDecoder(label, { fatal });
  // iso-8859-1, latin1, us-ascii, cp1252 ... all mean Windows-1252 in the WHATWG encoding standard.
  return { decoder: decoder.encoding === 'windows-1252' ? undefined : decoder, bom, started: false, label: decoder.encoding };
}

function validUtf8Head(h: Uint8Array, truncated: boolean): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(h, { stream: truncated });
    return true;
  } catch {
    return false;
  }
}

function decode(d: Decoder, chunk: Uint8Array, end: boolean, file: InputFile, src: Source): string {
  let bytes = chunk;
  if (!d.started && chunk.length > 0) {
    d.started = true;
    if (d.bom) bytes = chunk.subarray(d.bom);
  }
  if (!d.decoder) return decodeWindows1252(bytes);
  try {
    return d.decoder.decode(bytes, { stream: !end });
  } catch (err) {
    throw new ConversionError({ code: 'CONVERT_ERR_ENCODING', file: file.name, format: src.format, reason: `the file is not valid ${d.label.toUpperCase()}: ${(err as Error).message}`, cause: err });
  }
}
