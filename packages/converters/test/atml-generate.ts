import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** What {@link generateLargeAtmlBatch} wrote. */
export interface GeneratedAtmlBatch {
  /** Path of the generated file (the `outPath` given). */
  path: string;
  /** Size of the file in bytes (at least `targetBytes`, unless the sample has no TestResults). */
  bytes: number;
  /** Number of `TestResults` elements written = number of reports the file converts to. */
  units: number;
}

const OPEN = /<(?:[A-Za-z_][\w.-]*:)?TestResults[\s>]/g;

/**
 * Writes a large ATML batch file by repeating the `TestResults` elements of a real sample
 * (for the memory test and the benchmark). The sample's prolog and collection-level extension
 * (everything before its first `TestResults`) and its tail (after the last one) are kept; the
 * units are written in a cycle until the file reaches `targetBytes`. Each copy gets its own
 * deterministic `uuid` (so every report id differs) and a serial number made unique with the
 * copy's number (`NONE` → `NONE-000123`), so the output is the same on every run.
 *
 * @param samplePath - An ATML `TestResultsCollection` file, e.g. the TestStand batch report fixture.
 * @param targetBytes - Minimum size of the output in bytes.
 * @param outPath - Where to write it (overwritten).
 */
export async function generateLargeAtmlBatch(samplePath: string, targetBytes: number, outPath: string): Promise<GeneratedAtmlBatch> {
  // Latin-1 keeps every byte as one char, so the sample's bytes and encoding are preserved.
  const text = (await readFile(samplePath)).toString('latin1');
  const starts = [...text.matchAll(OPEN)].map((m) => m.index);
  if (starts.length === 0) throw new Error(`${samplePath}: no TestResults element to repeat`);
  const closeRe = /<\/(?:[A-Za-z_][\w.-]*:)?TestResults>/g;
  const blocks: string[] = [];
  let tailFrom = 0;
  for (const s of starts) {
    closeRe.lastIndex = s;
    const m = closeRe.exec(text);
    if (!m) throw new Error(`${samplePath}: a TestResults element has no end tag`);
    tailFrom = m.index + m[0].length;
    blocks.push(text.slice(s, tailFrom));
  }
  const head = text.slice(0, starts[0]);
  const tail = text.slice(tailFrom);
  const out = createWriteStream(outPath);
  let bytes = 0;
  const write = async (s: string) => {
    bytes += s.length;
    if (!out.write(Buffer.from(s, 'latin1'))) await once(out, 'drain');
  };
  let units = 0;
  await write(head);
  while (bytes + tail.length < targetBytes) {
    const block = blocks[units % blocks.length]!;
    units++;
    const n = String(units).padStart(6, '0');
    await write(`${uniqueSerial(block.replace(/\buuid\s*=\s*"[^"]*"/, `uuid="${uuidFor(units)}"`), n)}\n`);
  }
  await write(tail);
  out.end();
  await once(out, 'finish');
  return { path: outPath, bytes, units };
}

/** Appends `-<n>` to the UUT serial number (`<UUT …> … <SerialNumber>sn</SerialNumber>`). */
function uniqueSerial(block: string, n: string): string {
  const uut = /<(?:[\w.-]+:)?UUT[\s>]/.exec(block);
  if (!uut) return block;
  const rest = block.slice(uut.index);
  const sn = /(<(?:[\w.-]+:)?SerialNumber>)([^<]*)</.exec(rest);
  if (!sn) return block;
  const at = uut.index + sn.index + sn[1]!.length;
  return `${block.slice(0, at)}${sn[2]!.trim()}-${n}${block.slice(at + sn[2]!.length)}`;
}

/** A deterministic v8-style UUID for copy `n`. */
function uuidFor(n: number): string {
  const h = createHash('sha256').update(`atml-large:${n}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
