import { HttpError } from '../../errors.js';

/** The details `POST /api/Export/Certificate` documents for `dimensions` (its description's list). */
export const EXPORT_DIMENSIONS = [
  'stationData', 'miscInfo', 'subUnitInfo', 'asset', 'batchNumber', 'executionTime', 'testSocketIndex',
  'operator', 'errorCode', 'errorMessage', 'fixtureId', 'testOperation', 'reportStatus', 'comment',
  'swFilename', 'swVersion', 'stepStatus', 'stepTime', 'measurement', 'units', 'compOperator', 'lowLimit',
  'highLimit', 'viewStepHierarchy', 'signCertificate', 'xyGraph', 'pageNumbers',
] as const;

const BY_LOWER = new Map(EXPORT_DIMENSIONS.map((d) => [d.toLowerCase(), d]));

/**
 * Reads `dimensions` ("stationData;miscInfo;…", from the query and/or the filter body) into
 * lower-cased names; undefined when neither gives any (= every detail). An unknown name is a 400.
 */
export function parseExportDimensions(...texts: Array<string | undefined>): string[] | undefined {
  const names = texts.flatMap((t) => (t ?? '').split(/[;,]/)).map((n) => n.trim()).filter((n) => n !== '');
  if (names.length === 0) return undefined;
  for (const name of names) {
    if (!BY_LOWER.has(name.toLowerCase())) {
      throw new HttpError(400, `dimensions: '${name}' is not one of ${EXPORT_DIMENSIONS.join(', ')}`);
    }
  }
  return [...new Set(names.map((n) => n.toLowerCase()))];
}

/** The numeric formats the operation documents for `numericFormat`. */
export const NUMERIC_FORMATS = ['default', 'integer', 'decimal', 'scientific', 'general', 'hexadecimal', 'binary'] as const;
export type NumericFormat = (typeof NUMERIC_FORMATS)[number];

export function parseNumericFormat(text: string | undefined): NumericFormat {
  if (text === undefined || text.trim() === '') return 'default';
  const found = NUMERIC_FORMATS.find((f) => f === text.trim().toLowerCase());
  if (!found) throw new HttpError(400, `numericFormat: '${text}' is not one of ${NUMERIC_FORMATS.join(', ')}`);
  return found;
}

/**
 * How a number is written in an exported certificate: `integer` rounds, `decimal` has three
 * decimals, `scientific` three significant decimals in exponent form, `general` up to six
 * significant digits, `hexadecimal`/`binary` the rounded integer (`0x…`, `0b…`).
 */
export function numberFormatter(format: NumericFormat): (value: number) => string {
  switch (format) {
    case 'integer':
      return (v) => String(Math.round(v));
    case 'decimal':
      return (v) => v.toFixed(3);
    case 'scientific':
      return (v) => v.toExponential(3).toUpperCase();
    case 'general':
      return (v) => String(Number(v.toPrecision(6)));
    case 'hexadecimal':
      return (v) => (v < 0 ? '-' : '') + `0x${Math.abs(Math.round(v)).toString(16).toUpperCase()}`;
    case 'binary':
      return (v) => (v < 0 ? '-' : '') + `0b${Math.abs(Math.round(v)).toString(2)}`;
    default:
      return String;
  }
}
