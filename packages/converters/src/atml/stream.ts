/**
 * Streaming reader for ATML test results: bytes → one element tree per `TestResults`, handed
 * out as soon as its end tag is read. Only the open `TestResults` element is ever held in
 * memory (minus its `TestProgram/Configuration`, the report options TestStand copies into every
 * unit); everything outside the units (the batch table of a batch report) is skipped.
 */
import { TextDecoder } from 'node:util';
import { SaxesParser } from 'saxes';
import { ConversionError, type ConversionErrorCode } from '../errors.js';
import type { InputFile } from '../input.js';
import type { ConvertContext } from '../types.js';
import { assertSafeXml } from '../xml.js';
import { localName, nodePath, type XNode } from './nodes.js';

const FORMAT = 'atml';

/** Root elements of an ATML test results document. */
export const ROOT_NAMES = ['TestResultsCollection', 'TestResults'] as const;

/** Sub-trees that are never needed for the report and can be large (report options). */
function skipped(name: string, parent: XNode | undefined): boolean {
  return name === 'Configuration' && parent?.name === 'TestProgram';
}

/**
 * A copy of `s` that does not keep the parser's input chunk alive. V8 represents substrings of
 * 13+ characters as slices of their parent string, so an attribute value kept in a report (or
 * in a set of ids) would otherwise retain the whole decoded 64 KiB chunk it came from.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (` ${s}`).slice(1);
}

interface Frame {
  node: XNode;
  /** Children seen so far per name (made on the first child: most elements are leaves). */
  counts: Map<string, number> | undefined;
}

/** The decoder for the bytes: BOM first, then the XML declaration, else UTF-8. */
export function decoderFor(head: Uint8Array, fileName: string): TextDecoder {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return new TextDecoder('utf-8', { fatal: true });
  if (head[0] === 0xff && head[1] === 0xfe) return new TextDecoder('utf-16le', { fatal: true });
  if (head[0] === 0xfe && head[1] === 0xff) return new TextDecoder('utf-16be', { fatal: true });
  const start = new TextDecoder('latin1').decode(head.subarray(0, 256));
  const label = /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']/.exec(start)?.[1]?.toLowerCase();
  if (!label || label === 'utf-8' || label === 'utf8') return new TextDecoder('utf-8', { fatal: true });
  if (/^(iso-?8859-1|latin-?1|l1|iso_8859-1|cp1252|windows-1252|us-ascii|ascii|cp819|ibm819)$/.test(label)) {
    // WHATWG maps all of these to windows-1252, a superset of Latin-1's printable range.
    return new TextDecoder('latin1');
  }
  try {
    return new TextDecoder(label, { fatal: true });
  } catch {
    throw new ConversionError({ code: 'CONVERT_ERR_ENCODING', file: fileName, format: FORMAT, position: { line: 1 }, reason: `the XML declares encoding "${label}", which is not supported` });
  }
}

/**
 * Reads the file as a stream and yields every `TestResults` element tree in file order.
 * Throws ConversionError for malformed XML (naming line and element), a wrong root element,
 * or a file that ends inside a unit. A batch report that ends after complete units but
 * without the collection's end tag (TestStand writes batch files incrementally) is accepted
 * with a warning.
 */
export async function* readUnits(file: InputFile, ctx: ConvertContext): AsyncGenerator<XNode> {
  const fail = (code: ConversionErrorCode, reason: string, position?: { line?: number; column?: number; element?: string }): never => {
    throw new ConversionError({ code, file: file.name, format: FORMAT, position, reason });
  };
  assertSafeXml(file.headText(), file.name, FORMAT);
  const decoder = decoderFor(file.head, file.name);
  const parser = new SaxesParser({ position: true });
  const stack: Frame[] = [];
  const done: XNode[] = [];
  let unitDepth = -1; // stack index of the open TestResults, -1 outside one
  let skipDepth = 0;
  let rootName: string | undefined;
  let rootClosed = false;
  let units = 0;

  const where = (): string | undefined => {
    const top = stack[stack.length - 1];
    return top ? nodePath(top.node) : undefined;
  };
  let lastClosed: XNode | undefined;
  parser.on('error', (err) => {
    const message = err.message.replace(/^\d+:\d+:\s*/, '');
    // saxes closes the open element before it reports a mismatched end tag: name that element.
    const element = message.startsWith('unexpected close tag') && lastClosed ? nodePath(lastClosed) : where();
    fail('CONVERT_ERR_SYNTAX', `not well-formed XML: ${message}${message.startsWith('unexpected close tag') && lastClosed ? ` (the open element is <${lastClosed.name}>)` : ''}`, { line: parser.line, column: parser.column + 1, element });
  });
  parser.on('doctype', () => {
    fail('CONVERT_ERR_UNSAFE_XML', 'the XML has a DOCTYPE; ATML test results never need one (refused: entity expansion / external references)', { line: parser.line });
  });
  parser.on('opentag', (tag) => {
    if (skipDepth > 0) {
      skipDepth++;
      return;
    }
    const name = localName(tag.name);
    const parentFrame = stack[stack.length - 1];
    if (!parentFrame) {
      if (rootName !== undefined) fail('CONVERT_ERR_SYNTAX', `a second root element <${tag.name}>`, { line: parser.line });
      if (!(ROOT_NAMES as readonly string[]).includes(name)) {
        fail('CONVERT_ERR_FORMAT', `the root element is <${tag.name}>, not an ATML <TestResultsCollection> or <TestResults>`, { line: parser.line, element: name });
      }
      rootName = name;
    }
    if (skipped(name, parentFrame?.node)) {
      skipDepth = 1;
      return;
    }
    let index = 1;
    if (parentFrame) {
      const counts = (parentFrame.counts ??= new Map());
      index = (counts.get(name) ?? 0) + 1;
      counts.set(name, index);
    }
    const attrs: Record<string, string> = {};
    const given = tag.attributes as Record<string, string>;
    for (const k in given) {
      if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
      attrs[localName(k)] = detach(given[k]!);
    }
    const node: XNode = { name, attrs, children: [], text: '', line: parser.line, parent: parentFrame?.node, index };
    if (unitDepth >= 0) parentFrame!.node.children.push(node);
    else if (name === 'TestResults' && stack.length <= 1) {
      // A unit: the root itself (2.02) or a child of the collection (5.00, 6.01).
      if (stack.length === 1 && rootName !== 'TestResultsCollection') {
        fail('CONVERT_ERR_FORMAT', '<TestResults> nested in <TestResults>', { line: parser.line, element: nodePath(node) });
      }
      unitDepth = stack.length;
    }
    stack.push({ node, counts: undefined });
  });
  const onText = (text: string) => {
    if (skipDepth > 0 || unitDepth < 0) return;
    const top = stack[stack.length - 1];
    if (!top) return;
    if (top.node.text === '' && text.trim() === '') return;
    top.node.text += text;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    if (skipDepth > 0) {
      skipDepth--;
      return;
    }
    const frame = stack.pop();
    if (!frame) return;
    if (frame.node.text) frame.node.text = detach(frame.node.text);
    lastClosed = frame.node;
    if (stack.length === unitDepth) {
      unitDepth = -1;
      units++;
      done.push(frame.node);
    }
    if (stack.length === 0) rootClosed = true;
  });

  const chunks = file.stream()[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await chunks.next();
      } catch (err) {
        fail('CONVERT_ERR_READ', `cannot read: ${(err as Error)?.message ?? String(err)}`, { line: parser.line });
      }
      if (next!.done) break;
      let text: string;
      try {
        text = decoder.decode(next!.value, { stream: true });
      } catch {
        fail('CONVERT_ERR_ENCODING', `the bytes after line ${parser.line} are not valid ${decoder.encoding.toUpperCase()} (the encoding the file declares or implies)`, { line: parser.line });
      }
      parser.write(text!);
      while (done.length) yield done.shift()!;
    }
    let rest: string;
    try {
      rest = decoder.decode();
    } catch {
      fail('CONVERT_ERR_ENCODING', `the file ends in the middle of a ${decoder.encoding.toUpperCase()} character`, { line: parser.line });
    }
    if (rest!) parser.write(rest!);
    while (done.length) yield done.shift()!;
  } finally {
    // Stopping early (an error, or a consumer that breaks off) must not leave the file open.
    await chunks.return?.();
  }

  if (rootName === undefined) fail('CONVERT_ERR_FORMAT', 'no XML element found: not an ATML test results file', { line: parser.line });
  if (rootClosed) {
    parser.close(); // reports anything but whitespace/comments after the root
    return;
  }
  const open = stack[stack.length - 1]!;
  if (stack.length === 1 && rootName === 'TestResultsCollection' && units > 0 && skipDepth === 0) {
    ctx.warn(`the file ends without </${open.node.name}> after ${units} complete TestResults; converted them (TestStand writes batch reports incrementally)`, { line: parser.line, element: open.node.name });
    return;
  }
  fail('CONVERT_ERR_TRUNCATED', `the file ends inside <${open.node.name}> (started at line ${open.node.line}): truncated`, { line: parser.line, element: nodePath(open.node) });
}
