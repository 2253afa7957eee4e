/**
 * Serial numbers as files (XML or CSV): what `Take` and the export answer, and what the upload
 * reads.
 *
 * XML: `<SerialNumbers type="T"><SN id="…" state="Taken" refSN="…" refPN="…" stationName="…"
 * generatedDate="…" takenDate="…"/></SerialNumbers>` (`<SN id>` is the shape clients of the real
 * server parse). CSV: a header line `SerialNumber,State,RefSN,RefPN,StationName,GeneratedDate,TakenDate`,
 * then one number a line. An upload needs only the numbers: in XML every `<SN>` (or
 * `<SerialNumber>`) element's `id` attribute or text, in CSV the first column of each line (a
 * header line is skipped).
 */
import { HttpError } from '../../errors.js';
import { attr, escapeXml, parseXml, XmlSyntaxError, type XmlElement } from '../product/xml-lite.js';
import type { SnEntry } from './serial-numbers.js';

export type SnFormat = 'XML' | 'CSV';

/** Reads a `format` parameter (either case), or 400 naming it. */
export function parseFormat(value: string | undefined, param: string, fallback?: SnFormat): SnFormat {
  if ((value === undefined || value.trim() === '') && fallback) return fallback;
  const upper = value?.trim().toUpperCase();
  if (upper === 'XML' || upper === 'CSV') return upper;
  throw new HttpError(400, `${param}: must be XML or CSV, got '${value ?? ''}'.`);
}

const COLUMNS = ['SerialNumber', 'State', 'RefSN', 'RefPN', 'StationName', 'GeneratedDate', 'TakenDate'];

function csvCell(value: string | undefined): string {
  if (value === undefined) return '';
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function cells(e: SnEntry): (string | undefined)[] {
  return [e.address, e.taken ? 'Taken' : 'Free', e.taken?.refSN, e.taken?.refPN, e.taken?.stationName, e.generatedDate, e.taken?.date];
}

/** Writes numbers as a file; answers the text and its content type. */
export function writeSerialNumbers(format: SnFormat, typeName: string, entries: SnEntry[]): { raw: string; contentType: string } {
  if (format === 'CSV') {
    const lines = [COLUMNS.join(','), ...entries.map((e) => cells(e).map(csvCell).join(','))];
    return { raw: `${lines.join('\r\n')}\r\n`, contentType: 'text/csv; charset=utf-8' };
  }
  const attrs = ['id', 'state', 'refSN', 'refPN', 'stationName', 'generatedDate', 'takenDate'];
  const rows = entries.map((e) => {
    const values = cells(e);
    const text = attrs.map((a, i) => (values[i] === undefined ? '' : ` ${a}="${escapeXml(values[i]!)}"`)).join('');
    return `  <SN${text} />`;
  });
  const raw = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<SerialNumbers type="${escapeXml(typeName)}">`,
    ...rows,
    '</SerialNumbers>',
    '',
  ].join('\r\n');
  return { raw, contentType: 'application/xml; charset=utf-8' };
}

/** The first CSV cell of a line (quotes understood). */
function firstCell(line: string): string {
  const m = /^\s*"((?:[^"]|"")*)"/.exec(line);
  if (m) return m[1]!.replace(/""/g, '"');
  const comma = line.search(/[,;\t]/);
  return (comma < 0 ? line : line.slice(0, comma)).trim();
}

const HEADER = /^(serial ?numbers?|sn|id|address|mac ?address|imei)$/i;

function collect(el: XmlElement, out: string[]): void {
  if (el.name === 'SN' || el.name === 'SerialNumber') {
    const value = attr(el, 'id') ?? el.text.trim();
    if (value !== '') out.push(value);
  }
  for (const child of el.children) collect(child, out);
}

/** The numbers of an uploaded file, with the line (CSV) or position (XML) of each. */
export function readSerialNumberFile(format: SnFormat, text: string): { value: string; where: string }[] {
  if (format === 'CSV') {
    const lines = text.split(/\r?\n/);
    const out: { value: string; where: string }[] = [];
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      const value = firstCell(line);
      if (out.length === 0 && HEADER.test(value)) return;
      if (value !== '') out.push({ value, where: `line ${i + 1}` });
    });
    return out;
  }
  let root: XmlElement;
  try {
    root = parseXml(text);
  } catch (err) {
    throw new HttpError(400, `The file is not well-formed XML: ${err instanceof XmlSyntaxError ? err.message : String(err)}.`);
  }
  const values: string[] = [];
  collect(root, values);
  return values.map((value, i) => ({ value, where: `<SN> ${i + 1}` }));
}
