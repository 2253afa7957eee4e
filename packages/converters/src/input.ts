import { createReadStream } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { ConversionError } from './errors.js';

/** How to name an input: a path, or bytes with a name (and optionally the folder it came with). */
export type InputSource = string | { path: string; folder?: string } | { bytes: Uint8Array; name: string; folder?: string };

const HEAD_BYTES = 64 * 1024;

/**
 * One input file as converters see it: its name, its first 64 KiB for detection, and
 * ways to read all of it (whole, as text, or streamed for large files).
 */
export interface InputFile {
  /** File name with extension (no directory). */
  readonly name: string;
  /** Full path when the input came from disk. */
  readonly path: string | undefined;
  /** Lower-case extension with the dot (`.xml`), or ''. */
  readonly extension: string;
  /** Size in bytes. */
  readonly size: number;
  /** The first 64 KiB (or the whole file when smaller). */
  readonly head: Uint8Array;
  /** The companion folder, for formats that keep data beside the file (Klippel). */
  readonly folder: string | undefined;
  /** All bytes. Avoid for formats that can be large: use `stream()`. */
  bytes(): Promise<Uint8Array>;
  /** All of it as text: UTF-8 (BOM removed) unless the bytes are not valid UTF-8, then Windows-1252. */
  text(): Promise<string>;
  /** The bytes in chunks, for streaming parsers. */
  stream(): AsyncIterable<Uint8Array>;
  /** The head as text (same decoding rule), for detection. */
  headText(): string;
}

/** Opens an input for converters. Throws ConversionError (`CONVERT_ERR_READ`) when it cannot be read. */
export async function openInput(source: InputSource): Promise<InputFile> {
  if (typeof source !== 'string' && 'bytes' in source) return fromBytes(source.bytes, source.name, source.folder);
  const path = typeof source === 'string' ? source : source.path;
  const folderOpt = typeof source === 'string' ? undefined : source.folder;
  let size: number;
  let head: Uint8Array;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new Error('not a regular file');
    size = st.size;
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.alloc(Math.min(HEAD_BYTES, size));
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      head = new Uint8Array(buf.buffer, buf.byteOffset, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw new ConversionError({ code: 'CONVERT_ERR_READ', file: path, reason: `cannot read: ${(err as Error).message}`, cause: err });
  }
  const name = basename(path);
  const folder = folderOpt ?? (await companionFolder(path));
  const bytes = async () => new Uint8Array(await readFile(path));
  return {
    name,
    path,
    extension: extname(name).toLowerCase(),
    size,
    head,
    folder,
    bytes,
    text: async () => decodeText(await bytes()),
    stream: () => createReadStream(path) as AsyncIterable<Uint8Array>,
    headText: () => decodeText(head, size > head.length),
  };
}

function fromBytes(data: Uint8Array, name: string, folder: string | undefined): InputFile {
  const head = data.subarray(0, HEAD_BYTES);
  return {
    name,
    path: undefined,
    extension: extname(name).toLowerCase(),
    size: data.length,
    head,
    folder,
    bytes: async () => data,
    text: async () => decodeText(data),
    stream: async function* () {
      for (let i = 0; i < data.length; i += HEAD_BYTES) yield data.subarray(i, i + HEAD_BYTES);
    },
    headText: () => decodeText(head, data.length > head.length),
  };
}

/** A folder named like the file without its extension, next to it (Klippel keeps curves there). */
async function companionFolder(path: string): Promise<string | undefined> {
  const candidate = join(dirname(path), basename(path, extname(path)));
  try {
    return (await stat(candidate)).isDirectory() ? candidate : undefined;
  } catch {
    return undefined;
  }
}

/** Files of a folder, sorted by name (for converters that read companions). */
export async function listFolder(folder: string): Promise<string[]> {
  return (await readdir(folder)).sort();
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Windows-1252 characters of bytes 0x80-0x9F (the five undefined bytes map to C1 controls, as browsers do). */
const CP1252 =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/**
 * Decodes Windows-1252 (what "ANSI", "latin1" and "iso-8859-1" mean on Windows testers and in
 * the WHATWG encoding standard). Node's TextDecoder decodes bytes 0x80-0x9F of those labels
 * as C1 control characters, losing €, curly quotes and dashes; this does not.
 */
export function decodeWindows1252(bytes: Uint8Array): string {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return /[\x80-\x9f]/.test(text) ? text.replace(/[\x80-\x9f]/g, (c) => CP1252[c.charCodeAt(0) - 0x80]!) : text;
}

/**
 * UTF-8 when valid (BOM dropped), else Windows-1252 (Windows testers write ANSI files).
 * `truncated` allows a multi-byte character cut at the end of a head.
 */
export function decodeText(bytes: Uint8Array, truncated = false): string {
  let b = bytes;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3);
  if (b[0] === 0xff && b[1] === 0xfe) return new TextDecoder('utf-16le').decode(b.subarray(2));
  if (b[0] === 0xfe && b[1] === 0xff) return new TextDecoder('utf-16be').decode(b.subarray(2));
  try {
    return utf8.decode(b);
  } catch {
    if (truncated) {
      for (let cut = 1; cut <= 3 && cut < b.length; cut++) {
        try {
          return utf8.decode(b.subarray(0, b.length - cut));
        } catch {
          // try a shorter cut
        }
      }
    }
    return decodeWindows1252(b);
  }
}

/** True when bytes look binary (NUL bytes or many control characters), i.e. not a text format. */
export function looksBinary(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return false;
  let control = 0;
  for (const b of head) {
    if (b === 0) return true;
    if (b < 9 || (b > 13 && b < 32)) control++;
  }
  return control / head.length > 0.1;
}
