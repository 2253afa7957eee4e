/** The two file formats of the serial-number routes. */
export type SerialNumberFormat = 'XML' | 'CSV';

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeXml(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') return String.fromCodePoint(ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10));
    return ENTITIES[ref] ?? whole;
  });
}

function firstCsvCell(line: string): string {
  const quoted = /^\s*"((?:[^"]|"")*)"/.exec(line);
  if (quoted) return quoted[1]!.replace(/""/g, '"');
  const end = line.search(/[,;\t]/);
  return (end < 0 ? line : line.slice(0, end)).trim();
}

/**
 * The serial numbers in a `Take` answer or an export: `<SN id="…"/>` elements of an XML
 * document, or the first column of a CSV file (its header line skipped).
 */
export function parseSerialNumberFile(text: string): string[] {
  const body = text.replace(/^\uFEFF/, '');
  if (/^\s*</.test(body)) {
    return [...body.matchAll(/<SN\b[^>]*?\bid\s*=\s*(?:"([^"]*)"|'([^']*)')/g)].map((m) => decodeXml(m[1] ?? m[2] ?? ''));
  }
  const cells = body
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map(firstCsvCell);
  if (cells.length > 0 && /^(serial ?numbers?|sn|id)$/i.test(cells[0]!)) cells.shift();
  return cells.filter((c) => c !== '');
}
