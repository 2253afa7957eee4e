import { ConversionError } from './errors.js';

/**
 * Refuses XML that declares entities or external resources: the classic XXE and
 * "billion laughs" attacks live in the DOCTYPE's internal subset. Test equipment never
 * needs one. Call before handing text to any XML parser.
 */
export function assertSafeXml(text: string, file: string, format?: string): void {
  const doctype = /<!DOCTYPE[\s\S]*?(\[|>)/i.exec(text);
  if (!doctype) return;
  if (doctype[1] === '[' || /\bSYSTEM\b|\bPUBLIC\b/i.test(doctype[0])) {
    const line = text.slice(0, doctype.index).split('\n').length;
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
