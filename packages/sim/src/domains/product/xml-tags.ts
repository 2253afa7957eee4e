/**
 * `xmlData` and `tags`: products, revisions and units carry user key/value pairs as an XML
 * document (`<Root><Site Value="01"/></Root>`), and the API shows the same pairs as JSON in
 * the read-only `tags` list. A WSBF `<BOM>` inside the root is not a tag.
 */
import type { Json, Problems } from './body.js';
import { attr, escapeXml, isXmlName, parseXml, XmlSyntaxError } from './xml-lite.js';

export interface Tag {
  key: string;
  value: string;
}

/** The tags of an `xmlData` document (stored documents were checked when they came in). */
export function tagsOf(xmlData: string | undefined): Tag[] {
  if (xmlData === undefined || xmlData.trim() === '') return [];
  try {
    const root = parseXml(xmlData);
    return root.children
      .filter((child) => child.name !== 'BOM')
      .map((child) => ({ key: child.name, value: attr(child, 'Value') ?? child.text.trim() }));
  } catch {
    return [];
  }
}

/** The value of one tag, by key ignoring case. */
export function tagValue(xmlData: string | undefined, key: string): string | undefined {
  return tagsOf(xmlData).find((t) => t.key.toLowerCase() === key.toLowerCase())?.value;
}

/** Checks an incoming `xmlData` document; returns it unchanged when it is well-formed. */
export function checkXmlData(xmlData: string | undefined, field: string, problems: Problems): string | undefined {
  if (xmlData === undefined || xmlData.trim() === '') return xmlData;
  try {
    parseXml(xmlData);
    return xmlData;
  } catch (err) {
    const reason = err instanceof XmlSyntaxError ? err.message : String(err);
    problems.add(field, `not a well-formed XML document (${reason})`);
    return undefined;
  }
}

/**
 * Builds `xmlData` from a `tags` list sent without `xmlData` (the list is read-only in the spec,
 * but clients that edit tags send it back). Undefined when there is no list.
 */
export function xmlDataFromTags(tags: unknown, field: string, problems: Problems): string | undefined {
  if (tags === undefined || tags === null) return undefined;
  if (!Array.isArray(tags)) {
    problems.add(field, 'must be an array of {key, value}');
    return undefined;
  }
  const parts: string[] = [];
  tags.forEach((tag, i) => {
    const t = (typeof tag === 'object' && tag !== null ? tag : {}) as Json;
    const key = t.key ?? t.Key;
    const value = t.value ?? t.Value ?? '';
    if (typeof key !== 'string' || !isXmlName(key)) {
      problems.add(`${field}[${i}].key`, 'must be a name usable as an XML element (letters, digits, _ . -)');
      return;
    }
    parts.push(`<${key} Value="${escapeXml(String(value))}" />`);
  });
  return `<Root>${parts.join('')}</Root>`;
}
