import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { HttpError } from '../../errors.js';

/** An XML element with its attributes, child elements and text, names without prefix. */
export interface XmlElement {
  /** Local name (a `w:` prefix removed). */
  name: string;
  /** Namespace URI the element's prefix (or the default) is bound to on the element itself, if any. */
  namespace: string | undefined;
  /** Attribute values, entities decoded; names without prefix (`xmlns` declarations dropped). */
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Concatenated text and CDATA content, entities decoded. */
  text: string;
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Decodes the five predefined entities and character references, nothing else. The parser
 * runs with entity processing off, and documents with a DTD are refused before parsing, so no
 * entity can expand into more text or reach outside the document.
 */
function decodeEntities(text: string): string {
  return text.replace(/&([^;&\s]*);?/g, (match, name: string) => {
    if (!match.endsWith(';')) throw new HttpError(400, `The XML has a bare '&' near '${match}'.`);
    const lower = name.toLowerCase();
    if (PREDEFINED[name] !== undefined) return PREDEFINED[name]!;
    const code = lower.startsWith('#x') ? parseInt(lower.slice(2), 16) : lower.startsWith('#') ? parseInt(lower.slice(1), 10) : NaN;
    if (!Number.isInteger(code) || code < 0 || code > 0x10ffff) throw new HttpError(400, `The XML uses the undefined entity '${match}'.`);
    return String.fromCodePoint(code);
  });
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

type OrderedNode = Record<string, unknown>;

function toElement(node: OrderedNode): XmlElement | undefined {
  const tag = Object.keys(node).find((k) => k !== ':@');
  if (!tag || tag.startsWith('#') || tag.startsWith('?')) return undefined;
  const rawAttrs = (node[':@'] ?? {}) as Record<string, string>;
  const prefix = tag.includes(':') ? tag.slice(0, tag.indexOf(':')) : undefined;
  const element: XmlElement = {
    name: localName(tag),
    namespace: rawAttrs[prefix ? `xmlns:${prefix}` : 'xmlns'],
    attrs: {},
    children: [],
    text: '',
  };
  for (const [name, value] of Object.entries(rawAttrs)) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
    element.attrs[localName(name)] = decodeEntities(String(value));
  }
  for (const child of (node[tag] ?? []) as OrderedNode[]) {
    if ('#text' in child) element.text += decodeEntities(String(child['#text']));
    else if ('#cdata' in child) {
      for (const part of child['#cdata'] as OrderedNode[]) element.text += String(part['#text'] ?? '');
    } else {
      const sub = toElement(child);
      if (sub) element.children.push(sub);
    }
  }
  return element;
}

/**
 * Parses an XML document into a plain element tree with fast-xml-parser: well-formedness
 * checked first (400 with line and column), DTDs refused (no internal or external entities),
 * entity processing off. Returns the root element.
 */
export function parseXmlDocument(text: string): XmlElement {
  const body = text.replace(/^\uFEFF/, '');
  if (/<!DOCTYPE/i.test(body) || /<!ENTITY/i.test(body)) {
    throw new HttpError(400, 'The XML document has a DTD (<!DOCTYPE> or <!ENTITY>); DTDs and entities are not accepted.');
  }
  if (body.trim() === '') throw new HttpError(400, 'The request body is empty; expected an XML document.');
  const valid = XMLValidator.validate(body);
  if (valid !== true) {
    throw new HttpError(400, `The request body is not well-formed XML (line ${valid.err.line}, column ${valid.err.col}): ${valid.err.msg}`);
  }
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
    processEntities: false,
    htmlEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    cdataPropName: '#cdata',
    maxNestedTags: 1000,
  });
  let nodes: OrderedNode[];
  try {
    nodes = parser.parse(body) as OrderedNode[];
  } catch (err) {
    throw new HttpError(400, `The request body is not well-formed XML: ${(err as Error).message}`);
  }
  const roots = nodes.map(toElement).filter((e): e is XmlElement => e !== undefined);
  if (roots.length !== 1) throw new HttpError(400, `The XML document has ${roots.length} root elements; expected 1.`);
  return roots[0]!;
}

/** Child elements with a given local name. */
export function childrenNamed(element: XmlElement, ...names: string[]): XmlElement[] {
  return element.children.filter((c) => names.includes(c.name));
}

/** The first child element with one of the names, if any. */
export function childNamed(element: XmlElement, ...names: string[]): XmlElement | undefined {
  return element.children.find((c) => names.includes(c.name));
}

// ---- writing ---------------------------------------------------------------------------------

/** An element to write: attributes with `undefined` values are left out. */
export interface XmlOut {
  name: string;
  attrs?: Record<string, string | number | boolean | undefined | null>;
  children?: XmlOut[];
  text?: string;
}

/** Characters XML 1.0 cannot carry at all are dropped. */
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

function escapeText(text: string): string {
  return text.replace(XML_INVALID, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttr(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

function write(el: XmlOut, indent: string, out: string[]): void {
  const attrs = Object.entries(el.attrs ?? {})
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => ` ${k}="${escapeAttr(String(v))}"`)
    .join('');
  const children = el.children ?? [];
  if (children.length === 0 && (el.text === undefined || el.text === '')) {
    out.push(`${indent}<${el.name}${attrs} />`);
  } else if (children.length === 0) {
    out.push(`${indent}<${el.name}${attrs}>${escapeText(el.text!)}</${el.name}>`);
  } else {
    out.push(`${indent}<${el.name}${attrs}>${el.text ? escapeText(el.text) : ''}`);
    for (const child of children) write(child, `${indent}  `, out);
    out.push(`${indent}</${el.name}>`);
  }
}

/** Renders an element tree as an indented UTF-8 XML document with a declaration. */
export function renderXmlDocument(root: XmlOut): string {
  const out = ['<?xml version="1.0" encoding="utf-8"?>'];
  write(root, '', out);
  return `${out.join('\n')}\n`;
}
