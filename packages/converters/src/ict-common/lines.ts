/**
 * Line-by-line reading of a text input, streamed from `file.stream()` so large logs never sit
 * in memory whole. Shared by the in-circuit-test converters (teradyne-gr228x, teradyne-spectrum,
 * spea-ict3030, keysight-i3070).
 *
 * Each line is decoded on its own: UTF-8 when the bytes are valid UTF-8, else Latin-1 (Windows
 * testers write ANSI). A UTF-8 BOM at the start is dropped; `\r\n` and `\n` both end a line.
 * UTF-16 files (with a BOM) are decoded whole and split.
 */
import { ConversionError } from '../errors.js';
import { decodeText, type InputFile } from '../input.js';

/** One line of text and its 1-based number. */
export interface TextLine {
  text: string;
  line: number;
}

/** Lines longer than this are refused (a garbled file without line ends must not eat memory). */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

function decodeLine(bytes: Uint8Array): string {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === 0x0d) end--;
  const b = bytes.subarray(0, end);
  for (let i = 0; i < b.length; i++) {
    if (b[i]! >= 0x80) {
      try {
        return utf8.decode(b);
      } catch {
        return latin1.decode(b);
      }
    }
  }
  return latin1.decode(b); // pure ASCII: any decoder gives the same text
}

function concat(a: Uint8Array | undefined, b: Uint8Array): Uint8Array {
  if (!a || a.length === 0) return Uint8Array.from(b);
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Streams the lines of `file`. Throws ConversionError for a line longer than {@link MAX_LINE_BYTES}. */
export async function* readLines(file: InputFile, format: string): AsyncGenerator<TextLine> {
  const h = file.head;
  if ((h[0] === 0xff && h[1] === 0xfe) || (h[0] === 0xfe && h[1] === 0xff)) {
    const lines = decodeText(await file.bytes()).split(/\r?\n/);
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    for (let i = 0; i < lines.length; i++) yield { text: lines[i]!, line: i + 1 };
    return;
  }
  let carry: Uint8Array | undefined;
  let lineNo = 0;
  let first = true;
  for await (const raw of file.stream()) {
    let chunk = raw instanceof Uint8Array ? raw : new Uint8Array(raw as ArrayBuffer);
    if (first) {
      first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) {
        carry = concat(carry, chunk.subarray(start));
        if (carry.length > MAX_LINE_BYTES) {
          throw new ConversionError({ code: 'CONVERT_ERR_FORMAT', file: file.name, format, position: { line: lineNo + 1 }, reason: `line ${lineNo + 1} is longer than ${MAX_LINE_BYTES} bytes; not a ${format} log` });
        }
        break;
      }
      const piece = carry && carry.length ? concat(carry, chunk.subarray(start, nl)) : chunk.subarray(start, nl);
      carry = undefined;
      lineNo++;
      if (piece.length > MAX_LINE_BYTES) {
        throw new ConversionError({ code: 'CONVERT_ERR_FORMAT', file: file.name, format, position: { line: lineNo }, reason: `line ${lineNo} is longer than ${MAX_LINE_BYTES} bytes; not a ${format} log` });
      }
      yield { text: decodeLine(piece), line: lineNo };
      start = nl + 1;
    }
  }
  if (carry && carry.length) yield { text: decodeLine(carry), line: lineNo + 1 };
}

/** The lines of a short text (detection heads), without the `\r`. */
export function splitLines(text: string): string[] {
  return text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}
