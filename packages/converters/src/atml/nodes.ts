/**
 * A small element tree for one ATML `TestResults` element at a time (the streaming parser
 * builds it while the element is open and drops it once the report is made). Names are local
 * names: namespace prefixes are stripped, because the same elements appear under three
 * different namespace sets (2.02, 5.00, 6.01) and files may choose other prefixes.
 */

export interface XNode {
  /** Local name (`Test`, not `tr:Test`). */
  readonly name: string;
  /** Attributes by local name (`xsi:type` → `type`); namespace declarations are left out. */
  readonly attrs: Readonly<Record<string, string>>;
  /** Child elements in file order ({@link NO_CHILDREN} for a leaf: only the reader adds to it). */
  children: XNode[];
  /**
   * Character data directly inside the element (whitespace-only runs before any text dropped).
   * The reader collects it only for the elements the mapper reads text from (`TEXT_ELEMENTS`).
   */
  text: string;
  /** 1-based line of the start tag. */
  readonly line: number;
  readonly parent: XNode | undefined;
  /**
   * 1-based position among the parent's children of the same name, or 0 when not counted yet
   * (elements inside a unit: {@link indexOf} counts it when a message names the element).
   */
  index: number;
}

/** The shared child list of every leaf (never added to: the reader replaces it on a first child). */
export const NO_CHILDREN: XNode[] = Object.freeze([]) as unknown as XNode[];

/** 1-based position of an element among its parent's children of the same name. */
export function indexOf(node: XNode): number {
  if (node.index > 0 || !node.parent) return node.index || 1;
  let index = 0;
  for (const c of node.parent.children) {
    if (c.name === node.name) index++;
    if (c === node) break;
  }
  node.index = index;
  return index;
}

/** The local part of a qualified name. */
export function localName(qname: string): string {
  const i = qname.indexOf(':');
  return i < 0 ? qname : qname.slice(i + 1);
}

/** The first child with this local name (or, given a second name, with either). */
export function child(node: XNode | undefined, name: string, other?: string): XNode | undefined {
  if (!node) return undefined;
  const children = node.children;
  for (let i = 0; i < children.length; i++) {
    const c = children[i]!;
    if (c.name === name || (other !== undefined && c.name === other)) return c;
  }
  return undefined;
}

/** All children with this local name. */
export function childrenNamed(node: XNode | undefined, name: string): XNode[] {
  const out: XNode[] = [];
  if (!node) return out;
  const children = node.children;
  for (let i = 0; i < children.length; i++) if (children[i]!.name === name) out.push(children[i]!);
  return out;
}

/** Follows a path of local names, first match at each level. */
export function path(node: XNode | undefined, a: string, b?: string, c?: string, d?: string): XNode | undefined {
  let cur = child(node, a);
  if (b === undefined || !cur) return cur;
  cur = child(cur, b);
  if (c === undefined || !cur) return cur;
  cur = child(cur, c);
  if (d === undefined || !cur) return cur;
  return child(cur, d);
}

/** Trimmed text content of an element (its own text, not its descendants'). */
export function textOf(node: XNode | undefined): string | undefined {
  return node ? node.text.trim() : undefined;
}

/** Element path for messages: `TestResultsCollection/TestResults[2]/ResultSet/Test[14]`. */
export function nodePath(node: XNode): string {
  const parts: string[] = [];
  for (let n: XNode | undefined = node; n; n = n.parent) {
    const index = indexOf(n);
    parts.push(index > 1 ? `${n.name}[${index}]` : n.name);
  }
  return parts.reverse().join('/');
}
