import { crc32, inflateRawSync } from 'node:zlib';

// Readers for the files the simulator produces (zip archives, PDF documents), written from the
// format specifications so the tests check the bytes themselves, not the simulator's own code.

/** The files in a zip archive (PKWARE APPNOTE), by name; each CRC-32 is verified. */
export function readZip(bytes: Uint8Array): Map<string, Buffer> {
  const buf = Buffer.from(bytes);
  let end = -1;
  for (let i = buf.length - 22; i >= 0; i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('not a zip archive: no end of central directory');
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory entry ${n}`);
    const method = buf.readUInt16LE(at + 10);
    const crc = buf.readUInt32LE(at + 16);
    const compressed = buf.readUInt32LE(at + 20);
    const size = buf.readUInt32LE(at + 24);
    const nameLength = buf.readUInt16LE(at + 28);
    const extra = buf.readUInt16LE(at + 30);
    const comment = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    if (buf.readUInt32LE(local) !== 0x04034b50) throw new Error(`bad local header for ${name}`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + compressed);
    const data = method === 0 ? Buffer.from(raw) : method === 8 ? inflateRawSync(raw) : undefined;
    if (!data) throw new Error(`${name}: unsupported method ${method}`);
    if (data.length !== size || crc32(data) !== crc) throw new Error(`${name}: size or CRC-32 does not match`);
    files.set(name, data);
    at += 46 + nameLength + extra + comment;
  }
  return files;
}

/**
 * Checks the structure of a PDF (header, `%%EOF`, `startxref` pointing at the cross-reference
 * table, every in-use entry pointing at its `N 0 obj`) and returns the document as Latin-1 text.
 */
export function readPdf(bytes: Uint8Array): string {
  const text = Buffer.from(bytes).toString('latin1');
  if (!text.startsWith('%PDF-1.')) throw new Error('no %PDF header');
  if (!/%%EOF\s*$/.test(text)) throw new Error('no %%EOF trailer');
  const startxref = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(text);
  if (!startxref) throw new Error('no startxref');
  const xrefAt = Number(startxref[1]);
  if (!text.startsWith('xref', xrefAt)) throw new Error(`startxref ${xrefAt} does not point at the xref table`);
  const table = /^xref\s+0\s+(\d+)\s+/.exec(text.slice(xrefAt));
  if (!table) throw new Error('malformed xref table');
  const entries = Number(table[1]);
  const body = text.slice(xrefAt + table[0].length);
  for (let id = 1; id < entries; id++) {
    const entry = body.slice(id * 20, id * 20 + 20);
    const offset = Number(entry.slice(0, 10));
    if (entry[17] !== 'n') throw new Error(`xref entry ${id} is not in use`);
    if (!text.startsWith(`${id} 0 obj`, offset)) throw new Error(`xref entry ${id} points at ${offset}, not at its object`);
  }
  return text;
}

/** The text drawn by `(…) Tj` operators, one string per operator, in order. */
export function pdfTextLines(pdf: string): string[] {
  return [...pdf.matchAll(/\(((?:[^()\\]|\\.)*)\) Tj/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1'));
}
