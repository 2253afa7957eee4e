/**
 * Streaming reader for ATML test results: bytes → one element tree per `TestResults`, handed
 * out as soon as its end tag is read. Only the open `TestResults` element is ever held in
 * memory (minus its `TestProgram/Configuration`, the report options TestStand copies into every
 * unit); everything outside the units (the batch table of a batch report) is skipped.
 *
 * Tokenizing: the fast tokenizer (xml-fast.ts, via xml-read.ts) first, saxes from the start of the file when the fast
 * tokenizer meets anything outside its subset (see {@link readUnits}).
 */
import { TextDecoder } from 'node:util';
import { SaxesParser } from 'saxes';
import { ConversionError, type ConversionErrorCode } from '../errors.js';
import type { InputFile } from '../input.js';
import type { ConvertContext } from '../types.js';
import { assertSafeXml, headForXmlChecks } from '../xml.js';
import { fastPass } from '../xml-read.js';
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

/** What the readers need of a TextDecoder. */
export interface ChunkDecoder {
  readonly encoding: string;
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}

/**
 * Node's TextDecoder for the Latin-1 labels: one byte, one character (U+0000-U+00FF), exactly
 * what Node's own `TextDecoder('latin1')` gives (bytes 0x80-0x9F stay C1 controls), without
 * creating an ICU converter per file. Never fails, and has no state between chunks.
 */
class Latin1Decoder implements ChunkDecoder {
  readonly encoding = 'windows-1252';
  decode(input?: Uint8Array): string {
    return input ? Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1') : '';
  }
}

/** The decoder for the bytes: BOM first, then the XML declaration, else UTF-8. */
export function decoderFor(head: Uint8Array, fileName: string): ChunkDecoder {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return new TextDecoder('utf-8', { fatal: true });
  if (head[0] === 0xff && head[1] === 0xfe) return new TextDecoder('utf-16le', { fatal: true });
  if (head[0] === 0xfe && head[1] === 0xff) return new TextDecoder('utf-16be', { fatal: true });
  const start = new TextDecoder('latin1').decode(head.subarray(0, 256));
  const label = /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']/.exec(start)?.[1]?.toLowerCase();
  if (!label || label === 'utf-8' || label === 'utf8') return new TextDecoder('utf-8', { fatal: true });
  if (/^(iso-?8859-1|latin-?1|l1|iso_8859-1|cp1252|windows-1252|us-ascii|ascii|cp819|ibm819)$/.test(label)) {
    // WHATWG maps all of these to windows-1252, a superset of Latin-1's printable range.
    return new Latin1Decoder();
  }
  try {
    return new TextDecoder(label, { fatal: true });
  } catch {
    throw new ConversionError({ code: 'CONVERT_ERR_ENCODING', file: fileName, format: FORMAT, position: { line: 1 }, reason: `the XML declares encoding "${label}", which is not supported` });
  }
}

/** The attributes of every element that has none (never written to). */
const NO_ATTRIBUTES: Readonly<Record<string, string>> = Object.freeze({});

/** Where a builder error points. */
type Fail = (code: ConversionErrorCode, reason: string, position?: { line?: number; column?: number; element?: string }) => never;

/**
 * Builds the element tree of each `TestResults` from start tags, end tags and text, whichever
 * tokenizer reads the file (the fast one or saxes). Completed units wait in `done`.
 */
class UnitTrees {
  /** Open elements, root first. */
  readonly stack: XNode[] = [];
  readonly done: XNode[] = [];
  /** Children seen so far per name, for the open elements outside a unit (a unit's nodes count lazily). */
  private readonly outerCounts: Array<Map<string, number> | undefined> = [];
  /** Per open element: whether its text is collected. */
  private readonly wants: boolean[] = [];
  /**
   * Local names by qualified name: one string per element name for the whole file (no slicing
   * per element, and set lookups and comparisons on it reuse its cached hash).
   */
  private readonly localNames = new Map<string, string>();
  private readonly fail: Fail;
  /** Units read so far that are not handed out (a re-read after the fast tokenizer bailed). */
  private skipUnits: number;
  unitDepth = -1; // stack index of the open TestResults, -1 outside one
  skipDepth = 0;
  rootName: string | undefined;
  rootClosed = false;
  units = 0;
  lastClosed: XNode | undefined;
  /** Whether the text of the innermost open element is collected. */
  collecting = false;

  constructor(fail: Fail, skipUnits: number) {
    this.fail = fail;
    this.skipUnits = skipUnits;
  }

  /**
   * A start tag with its attributes (the first `count` of `names`/`values`) at `line`.
   * Attributes become the node's, by local name, values detached from the input chunk;
   * namespace declarations are left out; nothing is kept inside skipped sub-trees.
   * True when the element's content is skipped (the fast tokenizer then reports none of it).
   */
  open(qname: string, names: readonly string[], values: readonly string[], count: number, line: number): boolean {
    if (this.skipDepth > 0) {
      this.skipDepth++;
      return true;
    }
    let name = this.localNames.get(qname);
    if (name === undefined) {
      name = detach(localName(qname));
      if (this.localNames.size >= 4096) this.localNames.clear(); // a file of ever-new names stays bounded
      this.localNames.set(detach(qname), name);
    }
    const stack = this.stack;
    const depth = stack.length;
    const parent = depth > 0 ? stack[depth - 1] : undefined;
    if (!parent) {
      if (this.rootName !== undefined) this.fail('CONVERT_ERR_SYNTAX', `a second root element <${qname}>`, { line });
      if (!(ROOT_NAMES as readonly string[]).includes(name)) {
        this.fail('CONVERT_ERR_FORMAT', `the root element is <${qname}>, not an ATML <TestResultsCollection> or <TestResults>`, { line, element: name });
      }
      this.rootName = name;
    }
    if (skipped(name, parent)) {
      this.skipDepth = 1;
      this.collecting = false;
      return true;
    }
    const attrs: Record<string, string> = count === 0 ? NO_ATTRIBUTES : {};
    for (let i = 0; i < count; i++) {
      const k = names[i]!;
      if (k.charCodeAt(0) === 120 /* x */ && (k === 'xmlns' || k.startsWith('xmlns:'))) continue;
      attrs[localName(k)] = detach(values[i]!);
    }
    const node: XNode = { name, attrs, children: NO_CHILDREN, text: '', line, parent, index: 0 };
    if (this.unitDepth >= 0) {
      // Inside a unit: the index among same-name siblings is counted only if a message needs it.
      if (parent!.children === NO_CHILDREN) parent!.children = [node];
      else parent!.children.push(node);
    } else {
      let index = 1;
      if (parent) {
        const counts = (this.outerCounts[depth - 1] ??= new Map());
        index = (counts.get(name) ?? 0) + 1;
        counts.set(name, index);
      }
      node.index = index;
      if (name === 'TestResults' && depth <= 1) {
        // A unit: the root itself (2.02) or a child of the collection (5.00, 6.01).
        if (depth === 1 && this.rootName !== 'TestResultsCollection') {
          this.fail('CONVERT_ERR_FORMAT', '<TestResults> nested in <TestResults>', { line, element: nodePath(node) });
        }
        this.unitDepth = depth;
      }
    }
    stack.push(node);
    this.outerCounts[depth] = undefined;
    const want = this.unitDepth >= 0 && TEXT_ELEMENTS.has(name);
    this.wants[depth] = want;
    this.collecting = want;
    return false;
  }

  close(): void {
    const stack = this.stack;
    if (this.skipDepth > 0) {
      if (--this.skipDepth === 0) this.collecting = stack.length > 0 && this.wants[stack.length - 1]!;
      return;
    }
    const node = stack.pop();
    if (!node) return;
    if (node.text) node.text = detach(node.text);
    this.lastClosed = node;
    if (stack.length === this.unitDepth) {
      this.unitDepth = -1;
      this.units++;
      if (this.skipUnits > 0) this.skipUnits--;
      else this.done.push(node);
    }
    if (stack.length === 0) this.rootClosed = true;
    this.collecting = this.unitDepth >= 0 && this.wants[stack.length - 1]!;
  }

  /**
   * Character data of the innermost open element, while it is collected: only inside a unit, for
   * the elements in TEXT_ELEMENTS (whitespace-only runs before any text are dropped).
   */
  text(text: string): void {
    const top = this.stack[this.stack.length - 1]!;
    if (top.text === '' && text.trim() === '') return;
    top.text += text;
  }
}

/**
 * Reads the file as a stream and yields every `TestResults` element tree in file order.
 * Throws ConversionError for malformed XML (naming line and element), a wrong root element,
 * or a file that ends inside a unit. A batch report that ends after complete units but
 * without the collection's end tag (TestStand writes batch files incrementally) is accepted
 * with a warning.
 *
 * The file is first read with the fast tokenizer (xml-fast.ts), which reads the XML TestStand writes
 * faster than saxes (and without saxes' event calls). When it meets anything else (including
 * every error), the file is read again with saxes from the start, without handing out the
 * units already handed out: what is accepted, and every error, its message and position, are
 * saxes'.
 */
export async function* readUnits(file: InputFile, ctx: ConvertContext): AsyncGenerator<XNode> {
  assertSafeXml(headForXmlChecks(file), file.name, FORMAT);
  const progress = { handedOut: 0, complete: false };
  yield* readUnitsFast(file, progress);
  if (progress.complete) return;
  yield* readUnitsWithSaxes(file, ctx, progress.handedOut);
}

/** The fast pass: sets `complete` when it read the whole file; on anything unusual it stops early (exported for tests). */
export async function* readUnitsFast(file: InputFile, progress: { handedOut: number; complete: boolean }): AsyncGenerator<XNode> {
  const fail: Fail = () => {
    throw new Error('left to saxes');
  };
  let decoder: ChunkDecoder;
  try {
    decoder = decoderFor(file.head, file.name);
  } catch {
    return; // saxes' pass reports it
  }
  const trees = new UnitTrees(fail, 0);
  yield* fastPass(
    file,
    (chunk) => (chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode()),
    {
      open: (name, names, values, count, line) => trees.open(name, names, values, count, line),
      close: () => trees.close(),
      wantsText: () => trees.collecting,
      text: (text) => trees.text(text),
    },
    trees.done,
    progress,
  );
}

/** The reference pass with saxes; the first `skipUnits` units are read but not handed out (exported for tests). */
export async function* readUnitsWithSaxes(file: InputFile, ctx: ConvertContext, skipUnits: number): AsyncGenerator<XNode> {
  const fail: Fail = (code, reason, position) => {
    throw new ConversionError({ code, file: file.name, format: FORMAT, position, reason });
  };
  const decoder = decoderFor(file.head, file.name);
  const parser = new SaxesParser({ position: true });
  const trees = new UnitTrees(fail, skipUnits);
  const stack = trees.stack;
  const done = trees.done;

  const where = (): string | undefined => {
    const top = stack[stack.length - 1];
    return top ? nodePath(top) : undefined;
  };
  parser.on('error', (err) => {
    const message = err.message.replace(/^\d+:\d+:\s*/, '');
    const lastClosed = trees.lastClosed;
    // saxes closes the open element before it reports a mismatched end tag: name that element.
    const element = message.startsWith('unexpected close tag') && lastClosed ? nodePath(lastClosed) : where();
    fail('CONVERT_ERR_SYNTAX', `not well-formed XML: ${message}${message.startsWith('unexpected close tag') && lastClosed ? ` (the open element is <${lastClosed.name}>)` : ''}`, { line: parser.line, column: parser.column + 1, element });
  });
  parser.on('doctype', () => {
    fail('CONVERT_ERR_UNSAFE_XML', 'the XML has a DOCTYPE; ATML test results never need one (refused: entity expansion / external references)', { line: parser.line });
  });
  // Attributes arrive before their start tag: names and values are kept in two arrays (cheaper
  // than reading saxes' attribute dictionary back) until the tag opens.
  const attrNames: string[] = [];
  const attrValues: string[] = [];
  let attrCount = 0;
  parser.on('attribute', (attr) => {
    if (trees.skipDepth > 0) return;
    attrNames[attrCount] = attr.name;
    attrValues[attrCount++] = attr.value;
  });

  // The text handler is set while the innermost open element's text is collected (saxes emits
  // character data before the event of the tag that ends it, so the innermost open element is
  // the one it belongs to); saxes does not even slice out the text of the others.
  const onText = (text: string) => trees.text(text);
  let collecting = false;
  const collect = () => {
    const want = trees.collecting;
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
    const count = attrCount;
    attrCount = 0;
    trees.open(tag.name, attrNames, attrValues, count, parser.line);
    collect();
  });
  parser.on('closetag', () => {
    trees.close();
    collect();
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

  if (trees.rootName === undefined) fail('CONVERT_ERR_FORMAT', 'no XML element found: not an ATML test results file', { line: parser.line });
  if (trees.rootClosed) {
    parser.close(); // reports anything but whitespace/comments after the root
    return;
  }
  const open = stack[stack.length - 1]!;
  if (stack.length === 1 && trees.rootName === 'TestResultsCollection' && trees.units > 0 && trees.skipDepth === 0) {
    ctx.warn(`the file ends without </${open.name}> after ${trees.units} complete TestResults; converted them (TestStand writes batch reports incrementally)`, { line: parser.line, element: open.name });
    return;
  }
  fail('CONVERT_ERR_TRUNCATED', `the file ends inside <${open.name}> (started at line ${open.line}): truncated`, { line: parser.line, element: nodePath(open) });
}
