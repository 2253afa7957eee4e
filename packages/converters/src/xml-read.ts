/**
 * The fast pass every streaming XML reader runs before saxes (ATML, TestStand XML and the WATS
 * dump, WSXF/WRML, Seica VIVA).
 *
 * The rule is the same everywhere: the file is read with {@link FastXmlScanner}, whose events
 * drive the reader's own tree builder exactly as saxes' events would, and the items it completes
 * (units, reports, boards) are handed out as they complete. When the scanner meets anything
 * outside its subset, or anything goes wrong (a decoding error, or an error the builder raises,
 * e.g. a wrong root element), the fast pass stops without saying why and the reader reads the
 * file again with saxes from the start, skipping the items the fast pass handed out
 * ({@link skipFirst}). What is accepted, and every error with its message and position, is then
 * saxes' and the reader's, exactly as without the fast pass.
 */
import { isUtf8 } from 'node:buffer';
import type { InputFile } from './input.js';
import { FastXmlScanner, type FastXmlHandler } from './xml-fast.js';

/** How far the fast pass got. */
export interface FastPassProgress {
  /** Items handed out so far (the saxes pass skips as many). */
  handedOut: number;
  /** True when the whole file was read: the saxes pass is not needed. */
  complete: boolean;
}

/**
 * Reads `file` with the fast tokenizer, `handler` building items into `ready`; yields each item
 * once the chunk that completed it was read without a bail. `decode(chunk)` decodes the next
 * chunk (streaming), `decode(undefined)` flushes at the end; a fresh decoder for this pass only.
 */
export async function* fastPass<T>(
  file: InputFile,
  decode: (chunk: Uint8Array | undefined) => string,
  handler: FastXmlHandler,
  ready: T[],
  progress: FastPassProgress,
): AsyncGenerator<T> {
  const scanner = new FastXmlScanner(handler);
  const chunks = file.stream()[Symbol.asyncIterator]();
  try {
    for (;;) {
      let ok: boolean;
      let last = false;
      try {
        const next = await chunks.next();
        last = next.done === true;
        ok = last ? scanner.write(decode(undefined)) && scanner.end() : scanner.write(decode(next.value));
      } catch {
        return; // a read or decoding error, or one the builder raised: the saxes pass reports it
      }
      if (!ok) return;
      while (ready.length > 0) {
        const item = ready.shift()!;
        progress.handedOut++;
        yield item;
      }
      if (last) {
        progress.complete = true;
        return;
      }
    }
  } finally {
    await chunks.return?.();
  }
}

/** The items of `items` after the first `skip` (those the fast pass already handed out). */
export async function* skipFirst<T>(items: AsyncIterable<T>, skip: number): AsyncGenerator<T> {
  let left = skip;
  for await (const item of items) {
    if (left > 0) left--;
    else yield item;
  }
}

/** The part of TextDecoder the readers use (the DOM lib is not loaded). */
export interface StreamingDecoder {
  readonly encoding: string;
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}

const STREAM = { stream: true };

/**
 * The `decode` argument of {@link fastPass} for a fresh `decoder` of this pass only: what the
 * decoder would return, chunk by chunk. For UTF-8 (the usual case) a chunk that is whole, valid
 * UTF-8 is decoded by Buffer (several times as fast as a fatal TextDecoder); the first chunk
 * that is not (a character cut by the chunk boundary, or invalid bytes) goes to a TextDecoder,
 * which then decodes the rest (it may hold part of a character). A BOM is dropped at the start
 * only, as the decoder does; invalid bytes throw, as the decoder does.
 */
export function fastDecode(decoder: StreamingDecoder): (chunk: Uint8Array | undefined) => string {
  if (decoder.encoding !== 'utf-8') return (chunk) => (chunk ? decoder.decode(chunk, STREAM) : decoder.decode());
  let started = false;
  let slow: StreamingDecoder | undefined;
  return (chunk) => {
    if (slow) return chunk ? slow.decode(chunk, STREAM) : slow.decode();
    if (!chunk) return '';
    if (isUtf8(chunk)) {
      const bom = !started && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf;
      started = true;
      return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8', bom ? 3 : 0);
    }
    // From here on the decoder (it keeps what a cut character left over); past the start, a
    // BOM is a character like any other.
    slow = started ? new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }) : decoder;
    started = true;
    return slow.decode(chunk, STREAM);
  };
}
