/**
 * Streams a WSXF/WRML document with `saxes` and hands over one `<Report>` element tree at a
 * time, so a file with many reports never sits in memory whole. Positions (line numbers) are
 * kept on every element for error messages.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { ConversionError } from '../errors.js';
import type { InputFile } from '../input.js';
import { assertSafeXml } from '../xml.js';

export const FORMAT = 'wsxf';
/** The namespace of WSXF, the WATS Standard XML Format. */
export const WSXF_NAMESPACE = 'http://wats.virinco.com/schemas/WATS/Report/wsxf';
/** The namespace of WRML, the WATS report markup the WATS client and older tools write. */
export const WRML_NAMESPACE = 'http://wats.virinco.com/schemas/WATS/Report';

/** An element: local name, namespace, attributes by name (prefixed ones keep their prefix). */
export interface XNode {
  name: string;
  ns: string;
  attrs: Record<string, string>;
  children: XNode[];
  text: string;
  line: number;
}

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

/**
 * Yields every `Report` element of a `Reports` document (or the single root `Report`), in
 * file order. The root must be in the WSXF or the WRML namespace. Throws ConversionError for
 * XML that is not well-formed (with the line), truncated, or not a WATS report document.
 */
export async function* readReportElements(file: InputFile): AsyncGenerator<ReportElement> {
  assertSafeXml(file.headText(), file.name, FORMAT);
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XNode[] = [];
  const ready: ReportElement[] = [];
  let rootName: string | undefined;
  let namespace = '';
  let count = 0;
  let failure: ConversionError | undefined;

  parser.on('doctype', (doctype) => {
    // Any DOCTYPE that declares entities or points outside the document is refused.
    assertSafeXml(`<!DOCTYPE${doctype}>`, file.name, FORMAT);
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    if (failure) return;
    const node: XNode = { name: tag.local, ns: tag.uri, attrs: {}, children: [], text: '', line: parser.line };
    const attributes = tag.attributes;
    for (const key in attributes) {
      const a = attributes[key]!;
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      node.attrs[a.prefix ? `${a.prefix}:${a.local}` : a.local] = a.value;
    }
    if (stack.length === 0) {
      rootName = tag.local;
      namespace = tag.uri;
      if (namespace !== WSXF_NAMESPACE && namespace !== WRML_NAMESPACE) {
        failure = syntaxError(file.name, parser.line, `the document is not in the WSXF namespace '${WSXF_NAMESPACE}' (or the WRML namespace '${WRML_NAMESPACE}'); found '${namespace || 'none'}'`, 'CONVERT_ERR_FORMAT');
        return;
      }
      if (rootName !== 'Reports' && rootName !== 'Report') {
        failure = syntaxError(file.name, parser.line, `the root element is <${tag.name}>; expected <Reports> or <Report>`, 'CONVERT_ERR_FORMAT');
        return;
      }
    }
    if (stack.length >= MAX_DEPTH) {
      failure = syntaxError(file.name, parser.line, `elements are nested more than ${MAX_DEPTH} deep`, 'CONVERT_ERR_FORMAT');
      return;
    }
    const parent = stack[stack.length - 1];
    // Elements of the Reports root other than Report are not kept (nothing to convert in them).
    if (parent && !(stack.length === 1 && rootName === 'Reports' && node.name !== 'Report')) parent.children.push(node);
    stack.push(node);
  });
  const onText = (text: string) => {
    const top = stack[stack.length - 1];
    if (top && stack.length > 1) top.text += text;
    else if (top && rootName === 'Report') top.text += text;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    if (failure) return;
    const node = stack.pop();
    if (!node) return;
    const isReport = node.name === 'Report' && (stack.length === 0 ? rootName === 'Report' : stack.length === 1 && rootName === 'Reports');
    if (isReport) {
      ready.push({ node, index: count++, namespace });
      // Free the memory of reports already handed over.
      if (stack[0]) stack[0].children = [];
    }
  });

  const decoder = decoderFor(file);
  const feed = (text: string) => {
    try {
      parser.write(text);
    } catch (err) {
      if (err instanceof ConversionError) throw err;
      throw syntaxError(file.name, parser.line, `not well-formed XML: ${cleanSaxMessage((err as Error).message)}`);
    }
    if (failure) throw failure;
  };
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
  if (rootName === undefined) throw syntaxError(file.name, undefined, 'not well-formed XML: the document has no root element');
  while (ready.length > 0) yield ready.shift()!;
}

/** saxes prefixes messages with the position (`1:2: ...`); the position is reported separately. */
function cleanSaxMessage(message: string): string {
  return message.replace(/^[^:]*:\d+:\d+:\s*/, '');
}
