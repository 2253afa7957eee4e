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
  readonly children: XNode[];
  /** Character data directly inside the element (whitespace-only runs before any text dropped). */
  text: string;
  /** 1-based line of the start tag. */
  readonly line: number;
  readonly parent: XNode | undefined;
  /** 1-based position among the parent's children of the same name. */
  readonly index: number;
}

/** The local part of a qualified name. */
export function localName(qname: string): string {
  const i = qname.indexOf(':');
  return i < 0 ? qname : qname.slice(i + 1);
}

/** The first child with one of these local names. */
export function child(node: XNode | undefined, ...names: string[]): XNode | undefined {
  if (!node) return undefined;
  for (const c of node.children) if (names.includes(c.name)) return c;
  return undefined;
}

/** All children with this local name. */
export function childrenNamed(node: XNode | undefined, name: string): XNode[] {
  return node ? node.children.filter((c) => c.name === name) : [];
}

/** Follows a path of local names, first match at each level. */
export function path(node: XNode | undefined, ...names: string[]): XNode | undefined {
  let cur = node;
  for (const n of names) {
    cur = child(cur, n);
    if (!cur) return undefined;
  }
  return cur;
}

/** Trimmed text content of an element (its own text, not its descendants'). */
export function textOf(node: XNode | undefined): string | undefined {
  return node ? node.text.trim() : undefined;
}

/** Element path for messages: `TestResultsCollection/TestResults[2]/ResultSet/Test[14]`. */
export function nodePath(node: XNode): string {
  const parts: string[] = [];
  for (let n: XNode | undefined = node; n; n = n.parent) parts.push(n.index > 1 ? `${n.name}[${n.index}]` : n.name);
  return parts.reverse().join('/');
}
