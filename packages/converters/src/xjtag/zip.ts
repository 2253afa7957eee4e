import { inflateSync } from 'fflate';
import { ConversionError } from '../errors.js';

/** One entry of a ZIP archive's central directory. */
export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** Limits that keep a hostile archive from exhausting memory or time. */
export interface ZipLimits {
  /** Most bytes all extracted entries may inflate to together. */
  maxTotalBytes: number;
  /** Most central-directory entries read. */
  maxEntries: number;
}

/**
 * Reads a ZIP archive's central directory (no ZIP64, no encryption). Every offset and size
 * is bounds-checked; problems are `ConversionError`s naming the file.
 */
export function readZipDirectory(data: Uint8Array, file: string, format: string, limits: ZipLimits): ZipEntry[] {
  const bad = (reason: string, code: ConversionError['code'] = 'CONVERT_ERR_FORMAT'): never => {
    throw new ConversionError({ code, file, format, reason });
  };
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const u16 = (at: number) => (at + 2 <= data.length ? view.getUint16(at, true) : bad('the ZIP archive is cut short', 'CONVERT_ERR_TRUNCATED'));
  const u32 = (at: number) => (at + 4 <= data.length ? view.getUint32(at, true) : bad('the ZIP archive is cut short', 'CONVERT_ERR_TRUNCATED'));
  // End of central directory: 22 bytes plus a comment of at most 65535.
  let eocd = -1;
  for (let at = data.length - 22; at >= 0 && at >= data.length - 22 - 0xffff; at--) {
    if (data[at] === 0x50 && data[at + 1] === 0x4b && data[at + 2] === 0x05 && data[at + 3] === 0x06) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) bad('not a complete ZIP archive: its end-of-directory record is missing (truncated or corrupt)', 'CONVERT_ERR_TRUNCATED');
  const count = u16(eocd + 10);
  const dirSize = u32(eocd + 12);
  const dirOffset = u32(eocd + 16);
  if (count === 0xffff || dirOffset === 0xffffffff) bad('ZIP64 archives are not supported');
  if (count > limits.maxEntries) bad(`the ZIP archive lists ${count} entries (more than ${limits.maxEntries})`);
  if (dirOffset + dirSize > eocd) bad('the ZIP central directory lies outside the archive (corrupt)');
  const entries: ZipEntry[] = [];
  let at = dirOffset;
  for (let i = 0; i < count; i++) {
    if (u32(at) !== 0x02014b50) bad(`ZIP central directory entry ${i + 1} has a bad signature (corrupt archive)`);
    const nameLength = u16(at + 28);
    const nameStart = at + 46;
    if (nameStart + nameLength > data.length) bad('the ZIP archive is cut short', 'CONVERT_ERR_TRUNCATED');
    const flags = u16(at + 8);
    const nameBytes = data.subarray(nameStart, nameStart + nameLength);
    entries.push({
      name: new TextDecoder(flags & 0x800 ? 'utf-8' : 'latin1').decode(nameBytes),
      method: u16(at + 10),
      flags,
      crc: u32(at + 16),
      compressedSize: u32(at + 20),
      size: u32(at + 24),
      localOffset: u32(at + 42),
    });
    at = nameStart + nameLength + u16(at + 30) + u16(at + 32);
  }
  return entries;
}

/**
 * Extracts entries (stored or deflated), checking the declared sizes against the limit
 * before inflating anything and each entry's CRC-32 after.
 */
export function extractZipEntries(data: Uint8Array, entries: readonly ZipEntry[], file: string, format: string, limits: ZipLimits): Map<string, Uint8Array> {
  const bad = (reason: string, code: ConversionError['code'] = 'CONVERT_ERR_FORMAT', entry?: string): never => {
    throw new ConversionError({ code, file, format, position: entry ? { element: entry } : undefined, reason });
  };
  const total = entries.reduce((s, e) => s + e.size, 0);
  if (total > limits.maxTotalBytes) {
    bad(`${entries.map((e) => e.name).join(', ')}: the entries inflate to ${total} bytes, more than the ${limits.maxTotalBytes} allowed (a ZIP bomb?)`, 'CONVERT_ERR_VALUE');
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out = new Map<string, Uint8Array>();
  for (const e of entries) {
    if (e.flags & 0x1) bad(`${e.name}: the entry is encrypted`, 'CONVERT_ERR_FORMAT', e.name);
    const lh = e.localOffset;
    if (lh + 30 > data.length || view.getUint32(lh, true) !== 0x04034b50) bad(`${e.name}: the entry's local header is missing (corrupt archive)`, 'CONVERT_ERR_FORMAT', e.name);
    const start = lh + 30 + view.getUint16(lh + 26, true) + view.getUint16(lh + 28, true);
    if (start + e.compressedSize > data.length) bad(`${e.name}: the entry's data runs past the end of the archive`, 'CONVERT_ERR_TRUNCATED', e.name);
    const raw = data.subarray(start, start + e.compressedSize);
    let bytes: Uint8Array;
    if (e.method === 0) {
      if (e.compressedSize !== e.size) bad(`${e.name}: stored entry with differing sizes (corrupt archive)`, 'CONVERT_ERR_FORMAT', e.name);
      bytes = raw;
    } else if (e.method === 8) {
      try {
        bytes = inflateSync(raw, { out: new Uint8Array(e.size) });
      } catch (err) {
        return bad(`${e.name}: the compressed data is corrupt (${(err as Error).message})`, 'CONVERT_ERR_FORMAT', e.name);
      }
    } else {
      return bad(`${e.name}: compression method ${e.method} is not supported (only stored and deflate)`, 'CONVERT_ERR_FORMAT', e.name);
    }
    if (bytes.length !== e.size || crc32(bytes) !== e.crc) bad(`${e.name}: the data does not match the archive's checksum (corrupt archive)`, 'CONVERT_ERR_FORMAT', e.name);
    out.set(e.name, bytes);
  }
  return out;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (the ZIP polynomial). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
