import { SaxesParser } from 'saxes';
import { ConversionError } from './errors.js';
import { assertSafeXml } from './xml.js';

/**
 * A small element tree read with `saxes`, for XML converters that need random access to a
 * document of modest size (the text of every element is kept; mixed content is concatenated).
 * Every node knows its line, so errors and warnings can name it.
 */
export interface XmlNode {
  /** The qualified name as written (`tr:TestResults`). */
  readonly name: string;
  /** The name without its prefix (`TestResults`). */
  readonly local: string;
  /** `local` in lower case (the lookups below are case-insensitive). */
  readonly lower: string;
  /** Attributes as written (qualified names). */
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: XmlNode[];
  /** Text and CDATA directly inside this element, concatenated in order. */
  text: string;
  /** 1-based line of the start tag. */
  readonly line: number;
  readonly parent: XmlNode | undefined;
}

/** Deepest nesting accepted: deeper documents are refused (the walkers recurse). */
export const MAX_XML_DEPTH = 256;

/**
 * Parses a whole XML text into a tree. Refuses unsafe DOCTYPEs first. Throws
 * `ConversionError`: `CONVERT_ERR_TRUNCATED` when the document ends inside an element,
 * `CONVERT_ERR_SYNTAX` for anything else that is not well-formed (with the line).
 */
export function parseXmlTree(text: string, file: string, format: string, where?: string): XmlNode {
  assertSafeXml(text, file, format);
  const parser = new SaxesParser({ position: true });
  const stack: XmlNode[] = [];
  let root: XmlNode | undefined;
  const prefix = where ? `${where}: ` : '';
  parser.on('doctype', (doctype) => assertSafeXml(`<!DOCTYPE${doctype}>`, file, format));
  parser.on('opentag', (tag) => {
    if (stack.length >= MAX_XML_DEPTH) {
      throw new ConversionError({ code: 'CONVERT_ERR_FORMAT', file, format, position: { line: parser.line, element: where }, reason: `${prefix}elements nested deeper than ${MAX_XML_DEPTH} levels` });
    }
    const parent = stack[stack.length - 1];
    const colon = tag.name.indexOf(':');
    const local = colon >= 0 ? tag.name.slice(colon + 1) : tag.name;
    const node: XmlNode = {
      name: tag.name,
      local,
      lower: local.toLowerCase(),
      // saxes makes a fresh attribute object per tag and never touches it again: kept, not copied.
      attrs: tag.attributes as Record<string, string>,
      children: [],
      text: '',
      line: parser.line,
      parent,
    };
    if (parent) parent.children.push(node);
    else root = node;
    stack.push(node);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const addText = (t: string) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('error', (err) => {
    throw err;
  });
  let closing = false;
  try {
    parser.write(text);
    closing = true;
    parser.close();
  } catch (err) {
    if (err instanceof ConversionError) throw err;
    const message = String((err as Error)?.message ?? err).replace(/^\d+:\d+:\s*/, '');
    const truncated = closing && /unclosed|unexpected end|document must contain a root/i.test(message);
    throw new ConversionError({
      code: truncated ? 'CONVERT_ERR_TRUNCATED' : 'CONVERT_ERR_SYNTAX',
      file,
      format,
      position: { line: parser.line, element: where },
      reason: `${prefix}${truncated ? 'the XML ends before the document is complete' : 'not well-formed XML'}: ${message}`,
      cause: err,
    });
  }
  if (!root) {
    throw new ConversionError({ code: 'CONVERT_ERR_EMPTY', file, format, position: where ? { element: where } : undefined, reason: `${prefix}the XML has no root element` });
  }
  return root;
}

/** Direct children whose local name matches one of `names` (case-insensitive). */
export function childrenNamed(node: XmlNode, ...names: string[]): XmlNode[] {
  const wanted = names.map((n) => n.toLowerCase());
  return node.children.filter((c) => wanted.includes(c.lower));
}

/** The first direct child whose local name matches one of `names` (case-insensitive), tried in order. */
export function childNamed(node: XmlNode, ...names: string[]): XmlNode | undefined {
  for (const n of names) {
    const lower = n.toLowerCase();
    const hit = node.children.find((c) => c.lower === lower);
    if (hit) return hit;
  }
  return undefined;
}

/** An attribute by name, case-insensitive, prefixes ignored. */
export function attrOf(node: XmlNode, ...names: string[]): string | undefined {
  for (const n of names) {
    const lower = n.toLowerCase();
    const attrs = node.attrs;
    for (const k in attrs) {
      const colon = k.indexOf(':');
      const local = colon >= 0 ? k.slice(colon + 1) : k;
      if (local.toLowerCase() === lower) return attrs[k];
    }
  }
  return undefined;
}

/** `root/child[2]/leaf`: the element path of a node (indexes among same-named siblings, from 1, when there are several). */
export function pathOf(node: XmlNode): string {
  const parts: string[] = [];
  for (let n: XmlNode | undefined = node; n; n = n.parent) {
    const siblings = n.parent ? n.parent.children.filter((c) => c.name === n!.name) : [n];
    parts.push(siblings.length > 1 ? `${n.name}[${siblings.indexOf(n) + 1}]` : n.name);
  }
  return parts.reverse().join('/');
}
