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
import { localName, NO_CHILDREN, nodePath, type XNode } from './nodes.js';

const FORMAT = 'atml';

/** Root elements of an ATML test results document. */
export const ROOT_NAMES = ['TestResultsCollection', 'TestResults'] as const;

/** The TestStand step properties the mapper reads (`Index`, `BlockLevel`, `ModuleTime`… are not). */
const STEP_PROPERTIES_READ: ReadonlySet<string> = new Set(['StepType', 'StepGroup', 'TotalTime', 'StepCausedSequenceFailure']);

/**
 * Sub-trees that are never needed for the report: the report options (large), and the step
 * properties the mapper does not read (a fifth of a TestStand file's elements).
 */
function skipped(name: string, parent: XNode | undefined): boolean {
  if (parent === undefined) return false;
  const p = parent.name;
  return (p === 'TSStepProperties' && !STEP_PROPERTIES_READ.has(name)) || (name === 'Configuration' && p === 'TestProgram');
}

/**
 * Elements whose character data the mapper reads (identity, TestStand step properties, limit
 * properties, `c:Value`). The text of every other element is never collected: saxes then does
 * not even slice it out of the input.
 */
export const TEXT_ELEMENTS: ReadonlySet<string> = new Set([
  'SerialNumber', 'BatchSerialNumber', 'TestSocketIndex', 'TotalTime', 'StepGroup', 'StepCausedSequenceFailure',
  'StepType', 'ThresholdType', 'Nominal', 'Low', 'High', 'IsComparisonTypeLog', 'Value',
]);

/**
 * A copy of `s` that does not keep the parser's input chunk alive. V8 represents substrings of
 * 13+ characters as slices of their parent string, so an attribute value kept in a report (or
 * in a set of ids) would otherwise retain the whole decoded 64 KiB chunk it came from.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (` ${s}`).slice(1);
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
  /** Open elements, root first. */
  const stack: XNode[] = [];
  /** Children seen so far per name, for the open elements outside a unit (a unit's nodes count lazily). */
  const outerCounts: Array<Map<string, number> | undefined> = [];
  const done: XNode[] = [];
  let unitDepth = -1; // stack index of the open TestResults, -1 outside one
  let skipDepth = 0;
  let rootName: string | undefined;
  let rootClosed = false;
  let units = 0;
  /** Attributes of the start tag being read (saxes reports them before the tag). */
  let attrs: Record<string, string> = {};

  const where = (): string | undefined => {
    const top = stack[stack.length - 1];
    return top ? nodePath(top) : undefined;
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
  parser.on('attribute', (attr) => {
    if (skipDepth > 0) return;
    const k = attr.name;
    if (k.charCodeAt(0) === 120 /* x */ && (k === 'xmlns' || k.startsWith('xmlns:'))) return;
    attrs[localName(k)] = detach(attr.value);
  });

  // Text is collected only inside a unit, for the elements in TEXT_ELEMENTS: the handler is set
  // while such an element is the innermost open one (saxes emits character data before the
  // event of the tag that ends it, so the innermost open element is the one it belongs to).
  const onText = (text: string) => {
    const top = stack[stack.length - 1]!;
    if (top.text === '' && text.trim() === '') return;
    top.text += text;
  };
  let collecting = false;
  /** Per open element: whether its text is collected. */
  const wants: boolean[] = [];
  const collect = (want: boolean) => {
    if (want === collecting) return;
    collecting = want;
    if (want) {
      parser.on('text', onText);
      parser.on('cdata', onText);
    } else {
      parser.off('text');
      parser.off('cdata');
    }
  };

  parser.on('opentag', (tag) => {
    if (skipDepth > 0) {
      skipDepth++;
      return;
    }
    const own = attrs;
    attrs = {};
    const name = localName(tag.name);
    const depth = stack.length;
    const parent = depth > 0 ? stack[depth - 1] : undefined;
    if (!parent) {
      if (rootName !== undefined) fail('CONVERT_ERR_SYNTAX', `a second root element <${tag.name}>`, { line: parser.line });
      if (!(ROOT_NAMES as readonly string[]).includes(name)) {
        fail('CONVERT_ERR_FORMAT', `the root element is <${tag.name}>, not an ATML <TestResultsCollection> or <TestResults>`, { line: parser.line, element: name });
      }
      rootName = name;
    }
    if (skipped(name, parent)) {
      skipDepth = 1;
      collect(false);
      return;
    }
    const node: XNode = { name, attrs: own, children: NO_CHILDREN, text: '', line: parser.line, parent, index: 0 };
    if (unitDepth >= 0) {
      // Inside a unit: the index among same-name siblings is counted only if a message needs it.
      if (parent!.children === NO_CHILDREN) parent!.children = [node];
      else parent!.children.push(node);
    } else {
      let index = 1;
      if (parent) {
        const counts = (outerCounts[depth - 1] ??= new Map());
        index = (counts.get(name) ?? 0) + 1;
        counts.set(name, index);
      }
      node.index = index;
      if (name === 'TestResults' && depth <= 1) {
        // A unit: the root itself (2.02) or a child of the collection (5.00, 6.01).
        if (depth === 1 && rootName !== 'TestResultsCollection') {
          fail('CONVERT_ERR_FORMAT', '<TestResults> nested in <TestResults>', { line: parser.line, element: nodePath(node) });
        }
        unitDepth = depth;
      }
    }
    stack.push(node);
    outerCounts[depth] = undefined;
    const want = unitDepth >= 0 && TEXT_ELEMENTS.has(name);
    wants[depth] = want;
    collect(want);
  });
  parser.on('closetag', () => {
    if (skipDepth > 0) {
      if (--skipDepth === 0) collect(stack.length > 0 && wants[stack.length - 1]!);
      return;
    }
    const node = stack.pop();
    if (!node) return;
    if (node.text) node.text = detach(node.text);
    lastClosed = node;
    if (stack.length === unitDepth) {
      unitDepth = -1;
      units++;
      done.push(node);
    }
    if (stack.length === 0) rootClosed = true;
    collect(unitDepth >= 0 && wants[stack.length - 1]!);
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
    ctx.warn(`the file ends without </${open.name}> after ${units} complete TestResults; converted them (TestStand writes batch reports incrementally)`, { line: parser.line, element: open.name });
    return;
  }
  fail('CONVERT_ERR_TRUNCATED', `the file ends inside <${open.name}> (started at line ${open.line}): truncated`, { line: parser.line, element: nodePath(open) });
}
