/**
 * Tokenizer for the Teradyne Spectrum CTRD text export: nested `(KEY: value ...)` records.
 *
 * Fed one line at a time (so the file is streamed), it hands back every completed top-level
 * record. A `(` starts a record only when a `KEY:` follows it; other parentheses are part of
 * the text (`C:\Program Files (x86)\...`). A value that starts with `"` is quoted text up to a
 * `"` that is followed by `)`, `(` or the end of the line, so quotes inside text survive.
 * Linear in the input; no regular expression can backtrack. Unbalanced, too deep or truncated
 * input gives a ConversionError naming the line.
 */
import { ConversionError } from '../errors.js';

/** One `(KEY: ...)` record. */
export interface SNode {
  key: string;
  /** Line where the record starts. */
  line: number;
  /** The record's own text (outside its child records), whitespace-collapsed. */
  text: string;
  /** The quoted value, when the value was a quoted string. */
  quoted?: string;
  children: SNode[];
}

interface Open {
  node: SNode;
  parts: string[];
  size: number;
  /** Depth of plain parentheses inside the text. */
  paren: number;
}

const KEY_RE = /[A-Za-z_][A-Za-z0-9_]*[ \t]*:/y;
const SPECIAL_RE = /[()"]/g;
/** Records may nest this deep (real exports use 6). */
export const MAX_DEPTH = 64;
const MAX_TEXT = 1024 * 1024;

export class SpectrumTokenizer {
  private readonly stack: Open[] = [];
  private quote: { open: Open; line: number; parts: string[]; size: number } | undefined;

  private readonly file: string;
  private readonly format: string;

  constructor(file: string, format: string) {
    this.file = file;
    this.format = format;
  }

  private error(line: number, reason: string, code: 'CONVERT_ERR_SYNTAX' | 'CONVERT_ERR_TRUNCATED' = 'CONVERT_ERR_SYNTAX'): never {
    throw new ConversionError({ code, file: this.file, format: this.format, position: { line }, reason });
  }

  private addText(open: Open, text: string, line: number): void {
    if (!text) return;
    open.parts.push(text);
    open.size += text.length;
    if (open.size > MAX_TEXT) this.error(line, `the text of (${open.node.key}: started at line ${open.node.line} is longer than ${MAX_TEXT} characters`);
  }

  /** Feeds one line; returns the top-level records it completed. */
  feed(text: string, line: number): SNode[] {
    const done: SNode[] = [];
    let i = 0;
    const n = text.length;
    while (i < n) {
      if (this.quote) {
        const q = this.quote;
        let j = text.indexOf('"', i);
        while (j >= 0 && !closesQuote(text, j + 1)) j = text.indexOf('"', j + 1);
        if (j < 0) {
          q.parts.push(text.slice(i));
          q.size += n - i;
          if (q.size > MAX_TEXT) this.error(q.line, `quoted text started at line ${q.line} does not end`);
          i = n;
          break;
        }
        q.parts.push(text.slice(i, j));
        q.open.node.quoted = q.parts.join('\n');
        this.quote = undefined;
        i = j + 1;
        continue;
      }
      SPECIAL_RE.lastIndex = i;
      const m = SPECIAL_RE.exec(text);
      const j = m ? m.index : n;
      const top = this.stack[this.stack.length - 1];
      if (j > i) {
        const plain = text.slice(i, j);
        if (top) this.addText(top, plain, line);
        else if (plain.trim() !== '') this.error(line, `unexpected text "${plain.trim().slice(0, 40)}" outside a (KEY: ...) record`);
      }
      if (!m) break;
      const c = m[0];
      i = j + 1;
      if (c === '(') {
        KEY_RE.lastIndex = i;
        const k = KEY_RE.exec(text);
        if (k) {
          if (this.stack.length >= MAX_DEPTH) this.error(line, `records nested deeper than ${MAX_DEPTH}`);
          const key = k[0].slice(0, k[0].indexOf(':')).trim();
          const open: Open = { node: { key, line, text: '', children: [] }, parts: [], size: 0, paren: 0 };
          this.stack.push(open);
          i = KEY_RE.lastIndex;
          while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
          if (text[i] === '"') {
            this.quote = { open, line, parts: [], size: 0 };
            i++;
          }
        } else if (top) {
          top.paren++;
          this.addText(top, '(', line);
        } else {
          this.error(line, 'a "(" that does not start a (KEY: ...) record');
        }
      } else if (c === ')') {
        if (!top) this.error(line, 'unbalanced ")": no record is open');
        if (top.paren > 0) {
          top.paren--;
          this.addText(top, ')', line);
          continue;
        }
        this.stack.pop();
        top.node.text = top.parts.join('').replace(/\s+/g, ' ').trim();
        const parent = this.stack[this.stack.length - 1];
        if (parent) parent.node.children.push(top.node);
        else done.push(top.node);
      } else if (top) {
        this.addText(top, '"', line); // a quote inside unquoted text
      } else {
        this.error(line, 'a quote outside a (KEY: ...) record');
      }
    }
    if (this.quote) {
      this.quote.size++;
    } else {
      const top = this.stack[this.stack.length - 1];
      if (top) this.addText(top, ' ', line);
    }
    return done;
  }

  /** Call at the end of the input: throws when a record or quote is still open. */
  end(lastLine: number): void {
    if (this.quote) this.error(this.quote.line, `the file ends inside quoted text started at line ${this.quote.line} (truncated?)`, 'CONVERT_ERR_TRUNCATED');
    const top = this.stack[this.stack.length - 1];
    if (top) {
      const outer = this.stack[0]!.node;
      this.error(top.node.line, `the file ends (line ${lastLine}) inside (${top.node.key}: started at line ${top.node.line}${outer !== top.node ? `, within (${outer.key}: of line ${outer.line}` : ''}): truncated`, 'CONVERT_ERR_TRUNCATED');
    }
  }
}

/** A quote closes the value when `)`, `(` or the end of the line follows (after blanks). */
function closesQuote(text: string, from: number): boolean {
  let k = from;
  while (k < text.length && (text[k] === ' ' || text[k] === '\t')) k++;
  return k >= text.length || text[k] === ')' || text[k] === '(';
}

/** The value of a record: its quoted string, else its text. */
export function valueOf(node: SNode | undefined): string | undefined {
  if (!node) return undefined;
  return node.quoted ?? node.text;
}

/** The first child with `key`. */
export function child(node: SNode | undefined, key: string): SNode | undefined {
  return node?.children.find((c) => c.key === key);
}

/** Every child with `key`. */
export function childrenOf(node: SNode | undefined, key: string): SNode[] {
  return node ? node.children.filter((c) => c.key === key) : [];
}
