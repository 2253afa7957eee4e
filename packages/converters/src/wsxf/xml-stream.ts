/**
 * Streams a WSXF/WRML document with `saxes` and hands over one `<Report>` element tree at a
 * time, so a file with many reports never sits in memory whole. Positions (line numbers) are
 * kept on every element for error messages.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { ConversionError } from '../errors.js';
import type { InputFile } from '../input.js';
import { assertSafeXml, headForXmlChecks } from '../xml.js';
import type { FastXmlHandler } from '../xml-fast.js';
import { fastDecode, fastPass, skipFirst, type FastPassProgress } from '../xml-read.js';

export const FORMAT = 'wsxf';
/** The namespace of WSXF, the WATS Standard XML Format. */
export const WSXF_NAMESPACE = 'http://wats.virinco.com/schemas/WATS/Report/wsxf';
/** The namespace of WRML, the WATS report markup the WATS client and older tools write. */
export const WRML_NAMESPACE = 'http://wats.virinco.com/schemas/WATS/Report';

/**
 * An element: local name, namespace, attributes (names as written: prefixed ones keep their
 * prefix; namespace declarations left out) in file order, `keys[i]` with the value `vals[i]`.
 * Two lists rather than an object by name: cheaper to build, and the mapping looks names up by
 * a short scan (the names are shared, internalized strings).
 */
export interface XNode {
  name: string;
  ns: string;
  keys: string[];
  vals: string[];
  children: XNode[];
  text: string;
  line: number;
}

/** The attribute `name` of `node` as written, undefined when absent. */
export function attr(node: XNode, name: string): string | undefined {
  const keys = node.keys;
  for (let i = 0; i < keys.length; i++) if (keys[i] === name) return node.vals[i];
  return undefined;
}

/**
 * The elements whose text the mapping reads (report.ts, steps.ts, flat.ts): the text of any
 * other element is never collected.
 */
const TEXT_ELEMENTS: ReadonlySet<string> = new Set(['Comment', 'ReportText', 'MiscInfo', 'StringValue', 'Data', 'Attachment', 'Chart', 'ydata', 'YData', 'xdata', 'XData']);

/** Deepest element nesting accepted (the converters recurse over steps). */
const MAX_DEPTH = 400;

function syntaxError(file: string, line: number | undefined, reason: string, code: 'CONVERT_ERR_SYNTAX' | 'CONVERT_ERR_TRUNCATED' | 'CONVERT_ERR_ENCODING' | 'CONVERT_ERR_FORMAT' = 'CONVERT_ERR_SYNTAX'): ConversionError {
  return new ConversionError({ code, file, format: FORMAT, position: line === undefined ? undefined : { line }, reason });
}

/** The text decoder the document asks for: a BOM, else the XML declaration, else UTF-8. */
/** The part of TextDecoder used here (the DOM lib is not loaded). */
interface Decoder {
  readonly encoding: string;
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}

function decoderFor(file: InputFile): Decoder {
  const h = file.head;
  let label = 'utf-8';
  if (h[0] === 0xff && h[1] === 0xfe) label = 'utf-16le';
  else if (h[0] === 0xfe && h[1] === 0xff) label = 'utf-16be';
  else if (!(h[0] === 0xef && h[1] === 0xbb && h[2] === 0xbf)) {
    const prolog = new TextDecoder('latin1').decode(h.subarray(0, 200));
    const declared = /^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']/.exec(prolog)?.[1];
    if (declared) label = declared.toLowerCase() === 'utf-16' ? 'utf-16le' : declared;
  }
  try {
    return new TextDecoder(label, { fatal: true });
  } catch {
    throw syntaxError(file.name, 1, `the XML declares the encoding "${label}", which is not supported`, 'CONVERT_ERR_ENCODING');
  }
}

export interface ReportElement {
  node: XNode;
  /** 0-based place among the document's reports. */
  index: number;
  /** The document's namespace (WSXF or WRML). */
  namespace: string;
}

const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

/**
 * Builds the report element trees from start tags (local name, namespace, attributes without
 * the namespace declarations), end tags and text, whichever tokenizer reads the file.
 */
class ReportTrees {
  readonly stack: XNode[] = [];
  readonly ready: ReportElement[] = [];
  rootName: string | undefined;
  namespace = '';
  count = 0;
  failure: ConversionError | undefined;
  private readonly file: InputFile;

  constructor(file: InputFile) {
    this.file = file;
  }

  open(local: string, uri: string, qname: string, keys: string[], vals: string[], line: number): void {
    if (this.failure) return;
    const stack = this.stack;
    const node: XNode = { name: local, ns: uri, keys, vals, children: [], text: '', line };
    if (stack.length === 0) {
      this.rootName = local;
      this.namespace = uri;
      if (uri !== WSXF_NAMESPACE && uri !== WRML_NAMESPACE) {
        this.failure = syntaxError(this.file.name, line, `the document is not in the WSXF namespace '${WSXF_NAMESPACE}' (or the WRML namespace '${WRML_NAMESPACE}'); found '${uri || 'none'}'`, 'CONVERT_ERR_FORMAT');
        return;
      }
      if (local !== 'Reports' && local !== 'Report') {
        this.failure = syntaxError(this.file.name, line, `the root element is <${qname}>; expected <Reports> or <Report>`, 'CONVERT_ERR_FORMAT');
        return;
      }
    }
    if (stack.length >= MAX_DEPTH) {
      this.failure = syntaxError(this.file.name, line, `elements are nested more than ${MAX_DEPTH} deep`, 'CONVERT_ERR_FORMAT');
      return;
    }
    const parent = stack[stack.length - 1];
    // Elements of the Reports root other than Report are not kept (nothing to convert in them).
    if (parent && !(stack.length === 1 && this.rootName === 'Reports' && node.name !== 'Report')) parent.children.push(node);
    stack.push(node);
  }

  /**
   * Whether text at this point is kept: inside an element whose text the mapping reads
   * ({@link TEXT_ELEMENTS}; the white space between all other elements is not collected).
   */
  wantsText(): boolean {
    const stack = this.stack;
    const n = stack.length;
    return (n > 1 || (n === 1 && this.rootName === 'Report')) && TEXT_ELEMENTS.has(stack[n - 1]!.name);
  }

  text(text: string): void {
    if (this.wantsText()) this.stack[this.stack.length - 1]!.text += text;
  }

  close(): void {
    if (this.failure) return;
    const stack = this.stack;
    const node = stack.pop();
    if (!node) return;
    const isReport = node.name === 'Report' && (stack.length === 0 ? this.rootName === 'Report' : stack.length === 1 && this.rootName === 'Reports');
    if (isReport) {
      this.ready.push({ node, index: this.count++, namespace: this.namespace });
      // Free the memory of reports already handed over.
      if (stack[0]) stack[0].children = [];
    }
  }
}

/** What the fast pass cannot read the way saxes (with namespaces) does: left to saxes. */
class LeftToSaxes extends Error {}

/**
 * The fast tokenizer's events with namespaces resolved as saxes resolves them (`xmlns: true`).
 * Anything unusual about namespaces (an unbound or reserved prefix, a name with two colons, an
 * undeclared default, two attributes with one expanded name...) is left to saxes.
 */
function namespaceHandler(trees: ReportTrees): FastXmlHandler {
  /** Per open element: the namespaces it declares, if any. */
  const scopes: Array<Record<string, string> | undefined> = [];
  /** Per open element: the default namespace in force inside it ('' when none). */
  const defaults: string[] = [];
  const resolve = (prefix: string): string | undefined => {
    for (let i = scopes.length - 1; i >= 0; i--) {
      const uri = scopes[i]?.[prefix];
      if (uri !== undefined) return uri;
    }
    return prefix === 'xml' ? XML_NAMESPACE : undefined;
  };
  return {
    open(qname, names, values, count, line) {
      let declared: Record<string, string> | undefined;
      // One pass: namespace declarations apart, the other attributes kept in file order.
      const keys: string[] = [];
      const vals: string[] = [];
      let prefixed = false;
      for (let i = 0; i < count; i++) {
        const k = names[i]!;
        if (k.charCodeAt(0) === 120 /* x */ && (k === 'xmlns' || k.startsWith('xmlns:'))) {
          const prefix = k === 'xmlns' ? '' : k.slice(6);
          const uri = values[i]!.trim();
          if (uri === '' || uri === XML_NAMESPACE || uri === XMLNS_NAMESPACE || (prefix === '' && k !== 'xmlns') || prefix === 'xml' || prefix === 'xmlns' || prefix.includes(':')) throw new LeftToSaxes();
          (declared ??= Object.create(null) as Record<string, string>)[prefix] = uri;
          continue;
        }
        if (k.indexOf(':') >= 0) prefixed = true; // checked below, once this element's declarations are in scope
        else if (k === '__proto__') throw new LeftToSaxes();
        keys.push(k);
        vals.push(values[i]!);
      }
      scopes.push(declared);
      const depth = defaults.length;
      const inherited = depth > 0 ? defaults[depth - 1]! : '';
      defaults.push(declared?.[''] ?? inherited);
      let local = qname;
      let uri: string;
      const colon = qname.indexOf(':');
      if (colon >= 0) {
        local = qname.slice(colon + 1);
        const prefix = qname.slice(0, colon);
        if (local === '' || local.includes(':') || prefix === 'xmlns' || prefix === 'xml') throw new LeftToSaxes();
        const bound = resolve(prefix);
        if (bound === undefined) throw new LeftToSaxes();
        uri = bound;
      } else uri = defaults[depth]!;
      if (prefixed) {
        // A prefixed attribute needs a bound prefix and one colon; two attributes with one
        // expanded name ({uri}local) are an error: saxes says so.
        const seen = new Set<string>();
        for (let i = 0; i < keys.length; i++) {
          const k = keys[i]!;
          const c = k.indexOf(':');
          if (c >= 0) {
            const local = k.slice(c + 1);
            if (local === '' || local.includes(':') || resolve(k.slice(0, c)) === undefined) throw new LeftToSaxes();
          }
          const expanded = c >= 0 ? `{${resolve(k.slice(0, c))!}}${k.slice(c + 1)}` : k;
          if (seen.has(expanded)) throw new LeftToSaxes();
          seen.add(expanded);
        }
      }
      trees.open(local, uri, qname, keys, vals, line);
      if (trees.failure) throw new LeftToSaxes();
      return false;
    },
    close() {
      scopes.pop();
      defaults.pop();
      trees.close();
    },
    wantsText: () => trees.wantsText(),
    text: (t) => trees.text(t),
  };
}

/**
 * Yields every `Report` element of a `Reports` document (or the single root `Report`), in
 * file order. The root must be in the WSXF or the WRML namespace. Throws ConversionError for
 * XML that is not well-formed (with the line), truncated, or not a WATS report document.
 * Read with the fast tokenizer first; anything it does not read is read again with saxes from
 * the start (see xml-read.ts), so what is accepted and every error are saxes'.
 */
export async function* readReportElements(file: InputFile): AsyncGenerator<ReportElement> {
  assertSafeXml(headForXmlChecks(file), file.name, FORMAT);
  const fast = new ReportTrees(file);
  const decoder = decoderFor(file);
  const progress: FastPassProgress = { handedOut: 0, complete: false };
  yield* fastPass(file, fastDecode(decoder), namespaceHandler(fast), fast.ready, progress);
  if (progress.complete) return;
  yield* skipFirst(readWithSaxes(file), progress.handedOut);
}

/** The reference pass with saxes. */
async function* readWithSaxes(file: InputFile): AsyncGenerator<ReportElement> {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const trees = new ReportTrees(file);
  const ready = trees.ready;

  parser.on('doctype', (doctype) => {
    // Any DOCTYPE that declares entities or points outside the document is refused.
    assertSafeXml(`<!DOCTYPE${doctype}>`, file.name, FORMAT);
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    if (trees.failure) return;
    const keys: string[] = [];
    const vals: string[] = [];
    const attributes = tag.attributes;
    for (const key in attributes) {
      const a = attributes[key]!;
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      const name = a.prefix ? `${a.prefix}:${a.local}` : a.local;
      // As a property name `__proto__` was never kept (an object by name held the attributes).
      if (name === '__proto__') continue;
      keys.push(name);
      vals.push(a.value);
    }
    trees.open(tag.local, tag.uri, tag.name, keys, vals, parser.line);
  });
  const onText = (text: string) => trees.text(text);
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => trees.close());

  const decoder = decoderFor(file);
  const feed = (text: string) => {
    try {
      parser.write(text);
    } catch (err) {
      if (err instanceof ConversionError) throw err;
      throw syntaxError(file.name, parser.line, `not well-formed XML: ${cleanSaxMessage((err as Error).message)}`);
    }
    if (trees.failure) throw trees.failure;
  };
  const stack = trees.stack;
  for await (const chunk of file.stream()) {
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      throw syntaxError(file.name, parser.line, `the bytes are not valid ${decoder.encoding} (declare the encoding in the XML declaration)`, 'CONVERT_ERR_ENCODING');
    }
    feed(text);
    while (ready.length > 0) yield ready.shift()!;
  }
  let tail: string;
  try {
    tail = decoder.decode();
  } catch {
    throw syntaxError(file.name, parser.line, `the document ends inside a ${decoder.encoding} character`, 'CONVERT_ERR_TRUNCATED');
  }
  feed(tail);
  if (stack.length > 0) {
    throw syntaxError(file.name, parser.line, `not well-formed XML: the document ends inside <${stack[stack.length - 1]!.name}> (line ${stack[stack.length - 1]!.line}); the file looks truncated`, 'CONVERT_ERR_TRUNCATED');
  }
  try {
    parser.close();
  } catch (err) {
    throw syntaxError(file.name, parser.line, `not well-formed XML: ${cleanSaxMessage((err as Error).message)}`);
  }
  if (trees.rootName === undefined) throw syntaxError(file.name, undefined, 'not well-formed XML: the document has no root element');
  while (ready.length > 0) yield ready.shift()!;
}

/** saxes prefixes messages with the position (`1:2: ...`); the position is reported separately. */
function cleanSaxMessage(message: string): string {
  return message.replace(/^[^:]*:\d+:\d+:\s*/, '');
}
