import { HttpError } from '../../errors.js';
import type { XmlElement } from './xml-tree.js';

/** The namespace of WSXF (WATS Standard XML Format) documents. */
export const WSXF_NAMESPACE = 'http://wats.virinco.com/schemas/WATS/Report/wsxf';

/** WSXF words ↔ WSJF letters for report results, step statuses and measurement statuses. */
const STATUS_BY_WORD: Record<string, string> = {
  passed: 'P',
  failed: 'F',
  skipped: 'S',
  done: 'D',
  error: 'E',
  terminated: 'T',
};
const WORD_BY_STATUS: Record<string, string> = {
  P: 'Passed',
  F: 'Failed',
  S: 'Skipped',
  D: 'Done',
  E: 'Error',
  T: 'Terminated',
};
const GROUP_BY_WORD: Record<string, string> = { main: 'M', setup: 'S', cleanup: 'C' };
const WORD_BY_GROUP: Record<string, string> = { M: 'Main', S: 'Setup', C: 'Cleanup' };

/** Where in the document a problem is, for 400 messages: `Report[1]/Step[Id=6]`. */
export type XmlPath = string;

export function fail(path: XmlPath, message: string): never {
  throw new HttpError(400, `WSXF ${path}: ${message}`);
}

/** `Passed` → `P` (the letters themselves are accepted too). */
export function statusLetter(word: string | undefined, path: XmlPath, attr: string): string | undefined {
  if (word === undefined || word === '') return undefined;
  const letter = STATUS_BY_WORD[word.toLowerCase()] ?? (WORD_BY_STATUS[word.toUpperCase()] ? word.toUpperCase() : undefined);
  return letter ?? fail(path, `${attr} '${word}' is not one of ${Object.values(WORD_BY_STATUS).join(', ')}`);
}

/** `P` → `Passed`; unknown values are written as they are. */
export function statusWord(letter: unknown): string | undefined {
  if (typeof letter !== 'string' || letter === '') return undefined;
  return WORD_BY_STATUS[letter.toUpperCase()] ?? letter;
}

export function groupLetter(word: string | undefined, path: XmlPath): string | undefined {
  if (word === undefined || word === '') return undefined;
  const letter = GROUP_BY_WORD[word.toLowerCase()] ?? (WORD_BY_GROUP[word.toUpperCase()] ? word.toUpperCase() : undefined);
  return letter ?? fail(path, `Group '${word}' is not one of Main, Setup, Cleanup`);
}

export function groupWord(letter: unknown): string | undefined {
  if (typeof letter !== 'string' || letter === '') return undefined;
  return WORD_BY_GROUP[letter.toUpperCase()] ?? letter;
}

/** An `xs:double` attribute: a number, or the strings `NaN`/`Infinity`/`-Infinity` kept as WSJF writes them. */
export function doubleAttr(el: XmlElement, name: string, path: XmlPath): number | string | undefined {
  const raw = el.attrs[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const text = raw.trim();
  if (/^(NaN|-?INF|-?Infinity)$/i.test(text)) {
    return /nan/i.test(text) ? 'NaN' : text.startsWith('-') ? '-Infinity' : 'Infinity';
  }
  const n = Number(text);
  return Number.isFinite(n) ? n : fail(path, `${name} '${raw}' is not a number`);
}

/** A number attribute that must be finite (times, counts). */
export function numberAttr(el: XmlElement, name: string, path: XmlPath): number | undefined {
  const value = doubleAttr(el, name, path);
  return typeof value === 'string' ? fail(path, `${name} must be a finite number`) : value;
}

export function intAttr(el: XmlElement, name: string, path: XmlPath): number | undefined {
  const raw = el.attrs[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  return /^[+-]?\d+$/.test(raw.trim()) ? Number(raw) : fail(path, `${name} '${raw}' is not an integer`);
}

export function boolAttr(el: XmlElement, name: string, path: XmlPath): boolean | undefined {
  const raw = el.attrs[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return undefined;
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false') return false;
  return fail(path, `${name} '${el.attrs[name]}' is not a boolean`);
}

/** A string attribute; empty strings are kept (they are values), absent ones are not. */
export function stringAttr(el: XmlElement, ...names: string[]): string | undefined {
  for (const name of names) if (el.attrs[name] !== undefined) return el.attrs[name];
  return undefined;
}

/** Writes a WSJF number (or its `"NaN"`-style string) as an attribute value. */
export function numberText(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : String(value).replace('Infinity', 'INF');
  if (typeof value === 'string' && value !== '') return /^-?Infinity$/.test(value) ? value.replace('Infinity', 'INF') : value;
  return undefined;
}

/** Copies the defined entries only, so absent data is never written as `null`. */
export function defined<T extends Record<string, unknown>>(entries: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entries)) if (v !== undefined) out[k] = v;
  return out as Partial<T>;
}
