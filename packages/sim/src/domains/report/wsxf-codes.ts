/** The namespace of WSXF (WATS Standard XML Format) documents. */
export const WSXF_NAMESPACE = 'http://wats.virinco.com/schemas/WATS/Report/wsxf';

/** WSJF letters → WSXF words for report results, step statuses and measurement statuses. */
const WORD_BY_STATUS: Record<string, string> = {
  P: 'Passed',
  F: 'Failed',
  S: 'Skipped',
  D: 'Done',
  E: 'Error',
  T: 'Terminated',
};
const WORD_BY_GROUP: Record<string, string> = { M: 'Main', S: 'Setup', C: 'Cleanup' };

/** `P` → `Passed`; unknown values are written as they are. */
export function statusWord(letter: unknown): string | undefined {
  if (typeof letter !== 'string' || letter === '') return undefined;
  return WORD_BY_STATUS[letter.toUpperCase()] ?? letter;
}

export function groupWord(letter: unknown): string | undefined {
  if (typeof letter !== 'string' || letter === '') return undefined;
  return WORD_BY_GROUP[letter.toUpperCase()] ?? letter;
}

/** Writes a WSJF number (or its `"NaN"`-style string) as an attribute value. */
export function numberText(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : String(value).replace('Infinity', 'INF');
  if (typeof value === 'string' && value !== '') return /^-?Infinity$/.test(value) ? value.replace('Infinity', 'INF') : value;
  return undefined;
}
