import { ConversionError } from './errors.js';
import type { InputFile } from './input.js';

/**
 * Refuses XML that declares entities or external resources: the classic XXE and
 * "billion laughs" attacks live in the DOCTYPE's internal subset. Test equipment never
 * needs one. Call before handing text to any XML parser.
 */
export function assertSafeXml(text: string, file: string, format?: string): void {
  // Only a '<!' can start one: find those first (fast), then read the first DOCTYPE as before.
  let at = text.indexOf('<!');
  while (at >= 0 && !/^<!doctype/i.test(text.slice(at, at + 9))) at = text.indexOf('<!', at + 2);
  if (at < 0) return;
  const doctype = /^<!DOCTYPE[\s\S]*?(\[|>)/i.exec(text.slice(at));
  if (!doctype) return;
  if (doctype[1] === '[' || /\bSYSTEM\b|\bPUBLIC\b/i.test(doctype[0])) {
    const line = text.slice(0, at).split('\n').length;
    throw new ConversionError({
      code: 'CONVERT_ERR_UNSAFE_XML',
      file,
      format,
      position: { line },
      reason: 'the XML declares a DOCTYPE with entities or an external reference; refused (XXE / entity expansion)',
    });
  }
}

/** The root element's local name and namespace, read from the head of an XML text (no full parse). */
export function xmlRoot(headText: string): { name: string; localName: string; namespace: string | undefined } | undefined {
  const start = headText.replace(/^\uFEFF/, '');
  // Skip the prolog: declaration, comments, processing instructions, doctype.
  const re = /<(?![?!])([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)([^>]*)>/g;
  const m = re.exec(start);
  if (!m) return undefined;
  const name = m[1]!;
  const prefix = name.includes(':') ? name.split(':')[0] : undefined;
  const attrs = m[2] ?? '';
  const nsAttr = prefix ? new RegExp(`xmlns:${prefix}\\s*=\\s*["']([^"']*)["']`) : /xmlns\s*=\s*["']([^"']*)["']/;
  return { name, localName: name.includes(':') ? name.split(':')[1]! : name, namespace: nsAttr.exec(attrs)?.[1] };
}

/**
 * The head of a file as text for {@link assertSafeXml}, which looks for ASCII markup only:
 * Latin-1 keeps every ASCII byte (and every line break) where it is, at a fraction of the cost
 * of decoding it properly (and without a second decode of a small file). UTF-16 heads are decoded.
 */
export function headForXmlChecks(file: InputFile): string {
  const h = file.head;
  if ((h[0] === 0xff && h[1] === 0xfe) || (h[0] === 0xfe && h[1] === 0xff)) return file.headText();
  return Buffer.from(h.buffer, h.byteOffset, h.byteLength).toString('latin1');
}
