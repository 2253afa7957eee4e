/**
 * A small XML reader and writer for the flat documents the product and production routes take:
 * WSBF BOMs, `xmlData` key/value documents and serial-number files. Elements, attributes, text,
 * CDATA, comments, processing instructions and the five named entities plus numeric ones; no
 * DTDs. Namespace prefixes are dropped from names (`wsbf:BOM` reads as `BOM`).
 */

export interface XmlElement {
  /** Local name (any `prefix:` removed). */
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (children's text not included), entities decoded. */
  text: string;
}

/** A document that is not well-formed; `message` says where. */
export class XmlSyntaxError extends Error {
  override name = 'XmlSyntaxError';
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string, at: number): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);|&/gi, (whole, ref: string | undefined) => {
    if (ref === undefined) throw new XmlSyntaxError(`a bare '&' near offset ${at}; write &amp;`);
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!Number.isFinite(code) || code > 0x10ffff) throw new XmlSyntaxError(`bad character reference ${whole}`);
      return String.fromCodePoint(code);
    }
    const named = NAMED[ref];
    if (named === undefined) throw new XmlSyntaxError(`unknown entity ${whole} near offset ${at}`);
    return named;
  });
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

const ATTRIBUTE = /([^\s=/>"']+)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;
const NAME = /[^\s/>]+/y;

/** Parses a document and returns its root element. */
export function parseXml(source: string): XmlElement {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let i = 0;
  const skipTo = (end: string, what: string): void => {
    const j = text.indexOf(end, i);
    if (j < 0) throw new XmlSyntaxError(`unterminated ${what} at offset ${i}`);
    i = j + end.length;
  };
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = text.slice(i, lt < 0 ? text.length : lt);
    const open = stack[stack.length - 1];
    if (chunk.trim() !== '') {
      if (!open) throw new XmlSyntaxError(`text outside the root element at offset ${i}`);
      open.text += decodeEntities(chunk, i);
    }
    if (lt < 0) break;
    i = lt;
    if (text.startsWith('<?', i)) skipTo('?>', 'processing instruction');
    else if (text.startsWith('<!--', i)) skipTo('-->', 'comment');
    else if (text.startsWith('<![CDATA[', i)) {
      const start = i + 9;
      skipTo(']]>', 'CDATA section');
      if (!open) throw new XmlSyntaxError(`CDATA outside the root element at offset ${start}`);
      open.text += text.slice(start, i - 3);
    } else if (text.startsWith('<!', i)) skipTo('>', 'declaration');
    else if (text.startsWith('</', i)) {
      const end = text.indexOf('>', i);
      if (end < 0) throw new XmlSyntaxError(`unterminated end tag at offset ${i}`);
      const name = localName(text.slice(i + 2, end).trim());
      const top = stack.pop();
      if (!top || top.name !== name) {
        throw new XmlSyntaxError(`end tag </${name}> at offset ${i} does not match <${top?.name ?? '(none)'}>`);
      }
      i = end + 1;
    } else {
      NAME.lastIndex = i + 1;
      const m = NAME.exec(text);
      if (!m) throw new XmlSyntaxError(`a tag without a name at offset ${i}`);
      const element: XmlElement = { name: localName(m[0]), attributes: {}, children: [], text: '' };
      i = NAME.lastIndex;
      for (;;) {
        while (/\s/.test(text[i] ?? '')) i++;
        if (text.startsWith('/>', i) || text[i] === '>') break;
        ATTRIBUTE.lastIndex = i;
        const a = ATTRIBUTE.exec(text);
        if (!a) throw new XmlSyntaxError(`malformed attribute in <${element.name}> at offset ${i}`);
        element.attributes[localName(a[1]!)] = decodeEntities(a[2] ?? a[3] ?? '', i);
        i = ATTRIBUTE.lastIndex;
      }
      const selfClosing = text[i] === '/';
      i += selfClosing ? 2 : 1;
      if (open) open.children.push(element);
      else if (root) throw new XmlSyntaxError(`a second root element <${element.name}> at offset ${lt}`);
      else root = element;
      if (!selfClosing) stack.push(element);
    }
  }
  if (stack.length > 0) throw new XmlSyntaxError(`<${stack[stack.length - 1]!.name}> is never closed`);
  if (!root) throw new XmlSyntaxError('the document has no root element');
  return root;
}

/** An attribute looked up ignoring case (`Partnumber` and `PartNumber` both occur in WSBF). */
export function attr(element: XmlElement, name: string): string | undefined {
  if (element.attributes[name] !== undefined) return element.attributes[name];
  const key = Object.keys(element.attributes).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : element.attributes[key];
}

/** Escapes text for an attribute value or element content. */
export function escapeXml(value: string): string {
  return value.replace(/[<>&"']/g, (c) => `&${Object.keys(NAMED).find((k) => NAMED[k] === c)};`);
}

/** True for a string usable as an element name. */
export function isXmlName(name: string): boolean {
  return /^[A-Za-z_][\w.-]*$/.test(name) && !/^xml/i.test(name);
}

/** Decodes a request body: UTF-16 when it starts with a UTF-16 byte order mark, else UTF-8. */
export function decodeText(body: Buffer): string {
  if (body[0] === 0xff && body[1] === 0xfe) return body.subarray(2).toString('utf16le');
  if (body[0] === 0xfe && body[1] === 0xff) {
    const swapped = Buffer.from(body.subarray(2, 2 + ((body.length - 2) & ~1)));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  const text = body.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
