import { crc32 } from '../files/crc32.js';
import { inflateRawSync } from 'node:zlib';

/** One entry of a zip archive, checked: its data inflated and its CRC-32 verified. */
export interface ZipEntry {
  /** The path inside the archive, `/`-separated, without a trailing slash. */
  path: string;
  isDirectory: boolean;
  /** Uncompressed size in bytes. */
  size: number;
  crc32: number;
}

/** Why a body is not a zip the simulator can read. */
export class ZipError extends Error {
  override readonly name = 'ZipError';
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function findEndOfCentralDirectory(buf: Buffer): number {
  // The record is 22 bytes plus a comment of up to 65535 bytes, at the very end.
  const stop = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= stop; i--) if (buf.readUInt32LE(i) === EOCD) return i;
  throw new ZipError('no end of central directory record (not a zip file)');
}

/** A safe relative path: forward slashes, no drive, no `..`, no leading slash. */
function entryPath(raw: string): string {
  const path = raw.replace(/\\/g, '/');
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.split('/').includes('..')) {
    throw new ZipError(`entry '${raw}' has an unsafe path`);
  }
  return path.replace(/\/+$/, '');
}

function inflate(method: number, data: Buffer, name: string): Buffer {
  if (method === 0) return data;
  if (method !== 8) throw new ZipError(`entry '${name}' uses compression method ${method}; only stored (0) and deflate (8) are supported`);
  try {
    return inflateRawSync(data);
  } catch (err) {
    throw new ZipError(`entry '${name}' cannot be inflated: ${(err as Error).message}`);
  }
}

/**
 * Reads a zip archive from its central directory: every entry's local header is located, its
 * data inflated and its CRC-32 and size compared with the directory's. ZIP64, encryption and
 * multi-disk archives are refused.
 */
export function readZip(buf: Buffer): ZipEntry[] {
  if (buf.length < 22) throw new ZipError('too short to be a zip file');
  const end = findEndOfCentralDirectory(buf);
  const count = buf.readUInt16LE(end + 10);
  const size = buf.readUInt32LE(end + 12);
  let offset = buf.readUInt32LE(end + 16);
  if (buf.readUInt16LE(end + 4) !== 0 || buf.readUInt16LE(end + 6) !== 0) throw new ZipError('multi-disk archives are not supported');
  if (count === 0xffff || offset === 0xffffffff || size === 0xffffffff) throw new ZipError('ZIP64 archives are not supported');
  if (offset + size > end) throw new ZipError('the central directory lies outside the file');
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (offset + 46 > end || buf.readUInt32LE(offset) !== CENTRAL) throw new ZipError(`central directory entry ${i} is damaged`);
    const flags = buf.readUInt16LE(offset + 8);
    const method = buf.readUInt16LE(offset + 10);
    const crc = buf.readUInt32LE(offset + 16);
    const compressed = buf.readUInt32LE(offset + 20);
    const uncompressed = buf.readUInt32LE(offset + 24);
    const nameLength = buf.readUInt16LE(offset + 28);
    const extraLength = buf.readUInt16LE(offset + 30);
    const commentLength = buf.readUInt16LE(offset + 32);
    const local = buf.readUInt32LE(offset + 42);
    const rawName = buf.subarray(offset + 46, offset + 46 + nameLength).toString(flags & 0x800 ? 'utf8' : 'latin1');
    offset += 46 + nameLength + extraLength + commentLength;
    if (flags & 0x1) throw new ZipError(`entry '${rawName}' is encrypted`);
    const isDirectory = rawName.endsWith('/') || rawName.endsWith('\\');
    const path = entryPath(rawName);
    if (path === '') continue;
    if (isDirectory) {
      entries.push({ path, isDirectory, size: 0, crc32: 0 });
      continue;
    }
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== LOCAL) throw new ZipError(`entry '${rawName}' has no local header`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    if (start + compressed > buf.length) throw new ZipError(`entry '${rawName}' is truncated`);
    const data = inflate(method, buf.subarray(start, start + compressed), rawName);
    if (data.length !== uncompressed) throw new ZipError(`entry '${rawName}' is ${data.length} bytes, the directory says ${uncompressed}`);
    if (crc32(data) !== crc) throw new ZipError(`entry '${rawName}' fails its CRC-32 check`);
    entries.push({ path, isDirectory, size: data.length, crc32: crc });
  }
  return entries;
}
