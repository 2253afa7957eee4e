/**
 * Writing XML for `GET /api/Report/Wsxf/{id}`. Reading WSXF is `@tswats/converters`'s job
 * (see `wsxf-read.ts`).
 */

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
