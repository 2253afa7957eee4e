/** One line of a generated PDF document. */
export interface PdfLine {
  text: string;
  /** Points. @default 10 */
  size?: number;
  bold?: boolean;
  /** Indent in points from the left margin. */
  indent?: number;
  /** Start a new page before this line. */
  newPage?: boolean;
}

export interface PdfDocument {
  /** The document title (Info dictionary). */
  title: string;
  lines: PdfLine[];
  /** @default now */
  created?: Date;
  /** Text at the bottom of every page, e.g. a document footer. */
  footer?: string;
}

// A4 portrait, in points.
const PAGE_WIDTH = 595;
const PAGE_HEIGHT = 842;
const MARGIN = 50;
/** Helvetica averages about half an em per character: keeps lines inside the margins. */
const MAX_CHARS_AT_10PT = 95;

/** PDF literal-string text in WinAnsi (Latin-1); characters outside it become `?`. */
function pdfString(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    const c = code < 0x20 || code > 0xff ? '?' : ch;
    out += c === '\\' || c === '(' || c === ')' ? `\\${c}` : c;
  }
  return `(${out})`;
}

function fit(text: string, size: number): string {
  const max = Math.floor((MAX_CHARS_AT_10PT * 10) / size);
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

function pdfDate(date: Date): string {
  const iso = date.toISOString();
  return `D:${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

/** Lays the lines out on pages (top to bottom) and returns one content stream per page. */
function layout(doc: PdfDocument): string[] {
  const pages: string[][] = [];
  let ops: string[] = [];
  let y = PAGE_HEIGHT - MARGIN;
  const finish = (): void => {
    if (doc.footer) ops.push(`BT /F1 8 Tf ${MARGIN} ${MARGIN / 2} Td ${pdfString(fit(doc.footer, 8))} Tj ET`);
    ops.push(`BT /F1 8 Tf ${PAGE_WIDTH - MARGIN - 40} ${MARGIN / 2} Td (Page ${pages.length + 1}) Tj ET`);
    pages.push(ops);
    ops = [];
    y = PAGE_HEIGHT - MARGIN;
  };
  for (const line of doc.lines) {
    const size = line.size ?? 10;
    const step = Math.ceil(size * 1.4);
    if ((line.newPage && y < PAGE_HEIGHT - MARGIN) || y - step < MARGIN) finish();
    y -= step;
    const font = line.bold ? '/F2' : '/F1';
    ops.push(`BT ${font} ${size} Tf ${MARGIN + (line.indent ?? 0)} ${y} Td ${pdfString(fit(line.text, size))} Tj ET`);
  }
  finish();
  return pages.map((p) => p.join('\n'));
}

/**
 * Writes a small, valid PDF 1.4 document: Helvetica text lines on A4 pages, uncompressed
 * content streams (so the text can be found in the bytes), and an exact cross-reference table.
 */
export function createPdf(doc: PdfDocument): Buffer {
  const contents = layout(doc);
  // Objects: 1 catalog, 2 pages, 3 font, 4 bold font, 5 info, then (page, content) pairs.
  const objects: string[] = [];
  const pageIds = contents.map((_, i) => 6 + i * 2);
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageIds.length} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';
  objects[4] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>';
  objects[5] = `<< /Title ${pdfString(doc.title)} /Producer (tswats-sim) /CreationDate (${pdfDate(doc.created ?? new Date())}) >>`;
  contents.forEach((stream, i) => {
    const pageId = pageIds[i]!;
    objects[pageId] =
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] ` +
      `/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${pageId + 1} 0 R >>`;
    objects[pageId + 1] = `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`;
  });

  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n', 'latin1')];
  let length = parts[0]!.length;
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = length;
    const chunk = Buffer.from(`${id} 0 obj\n${objects[id]}\nendobj\n`, 'latin1');
    parts.push(chunk);
    length += chunk.length;
  }
  // Each xref entry is exactly 20 bytes: 10-digit offset, 5-digit generation, type, CR LF.
  let xref = `xref\n0 ${objects.length}\n0000000000 65535 f\r\n`;
  for (let id = 1; id < objects.length; id++) xref += `${String(offsets[id]).padStart(10, '0')} 00000 n\r\n`;
  xref += `trailer\n<< /Size ${objects.length} /Root 1 0 R /Info 5 0 R >>\nstartxref\n${length}\n%%EOF\n`;
  parts.push(Buffer.from(xref, 'latin1'));
  return Buffer.concat(parts);
}
