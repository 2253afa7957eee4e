/**
 * Reader for the Keysight (Agilent) i3070 log record format: nested `{@NAME|field|field ...}`
 * records, children written inside their parent before its closing `}`:
 *
 *     {@BATCH|...                 ← one batch (board type, fixture, controller, ...)
 *     {@BTEST|...                 ← one board test (serial, status, start, duration, board number)
 *     {@BLOCK|3%c201|01
 *     {@A-CAP|1|+4.446183E-06{@LIM3|+3.700000E-06|+4.440000E-06|+2.775000E-06}}
 *     }
 *     }}
 *
 * Fed one line at a time (streamed); line ends inside a record are dropped, as the tester
 * writes them only for layout. A record's head is its text outside its children. Linear in
 * the input; unbalanced, too deep or truncated input gives a ConversionError naming the line.
 */
import { ConversionError } from '../errors.js';

/** One `{@...}` record. */
export interface KRecord {
  /** Record name without `@`: `BTEST`, `A-CAP`, `LIM2`, or a user-defined name. */
  name: string;
  /** The fields after the name (split at `|`). */
  fields: string[];
  /** The head text after `@NAME|`, unsplit (report messages keep their `|` and `\`). */
  rest: string;
  line: number;
  children: KRecord[];
}

interface Open {
  rec: KRecord;
  parts: string[];
  size: number;
}

export const MAX_DEPTH = 64;
const MAX_HEAD = 1024 * 1024;
const BRACES = /[{}]/g;

/** A record that closed, with the records still open around it (outermost first). */
export interface Closed {
  rec: KRecord;
  ancestors: readonly KRecord[];
}

export class I3070Reader {
  private readonly stack: Open[] = [];

  private readonly file: string;
  private readonly format: string;

  constructor(file: string, format: string) {
    this.file = file;
    this.format = format;
  }

  private error(line: number, reason: string, code: 'CONVERT_ERR_SYNTAX' | 'CONVERT_ERR_TRUNCATED' = 'CONVERT_ERR_SYNTAX'): never {
    throw new ConversionError({ code, file: this.file, format: this.format, position: { line }, reason });
  }

  /** Parses a record's head once its first child starts or it closes (then text after the children joins it). */
  private finishHead(o: Open, closing = false): void {
    if (o.rec.name !== '') {
      const tail = o.parts.join('');
      o.parts = [];
      if (closing && tail.trim() !== '') {
        o.rec.rest += tail;
        o.rec.fields.push(...tail.replace(/^\|/, '').split('|').map((f) => f.trim()));
      }
      return;
    }
    const head = o.parts.join('');
    o.parts = [];
    if (!head.startsWith('@')) this.error(o.rec.line, `a record must start with "{@NAME", got "{${head.slice(0, 30)}"`);
    const bar = head.indexOf('|');
    const first = bar < 0 ? head.slice(1) : head.slice(1, bar);
    const rest = bar < 0 ? '' : head.slice(bar + 1);
    // "{@NAME\list}": a backslash right after the name starts a list field.
    const slash = first.indexOf('\\');
    const name = (slash < 0 ? first : first.slice(0, slash)).trim();
    if (!name) this.error(o.rec.line, 'a record without a name ("{@|...")');
    const fields = bar < 0 ? [] : rest.split('|');
    if (slash >= 0) fields.unshift(first.slice(slash + 1));
    o.rec.name = name;
    o.rec.fields = fields.map((f) => f.trim());
    o.rec.rest = slash >= 0 ? first.slice(slash + 1) + (bar < 0 ? '' : `|${rest}`) : rest;
  }

  /** Feeds one line; returns the records it closed, innermost first, in file order. */
  feed(text: string, line: number): Closed[] {
    const closed: Closed[] = [];
    let i = 0;
    const n = text.length;
    while (i < n) {
      BRACES.lastIndex = i;
      const m = BRACES.exec(text);
      const j = m ? m.index : n;
      const top = this.stack[this.stack.length - 1];
      if (j > i) {
        const plain = text.slice(i, j);
        if (top) {
          top.parts.push(plain);
          top.size += plain.length;
          if (top.size > MAX_HEAD) this.error(line, `the record started at line ${top.rec.line} is longer than ${MAX_HEAD} characters`);
        } else if (plain.trim() !== '') {
          this.error(line, `unexpected text "${plain.trim().slice(0, 40)}" outside a {@...} record`);
        }
      }
      if (!m) break;
      i = j + 1;
      if (m[0] === '{') {
        if (this.stack.length >= MAX_DEPTH) this.error(line, `records nested deeper than ${MAX_DEPTH}`);
        if (top) this.finishHead(top);
        this.stack.push({ rec: { name: '', fields: [], rest: '', line, children: [] }, parts: [], size: 0 });
      } else {
        if (!top) this.error(line, 'unbalanced "}": no record is open');
        this.finishHead(top, true);
        this.stack.pop();
        const parent = this.stack[this.stack.length - 1];
        if (parent) parent.rec.children.push(top.rec);
        closed.push({ rec: top.rec, ancestors: this.stack.map((o) => o.rec) });
      }
    }
    return closed;
  }

  /** Call at the end of the input: throws when a record is still open. */
  end(lastLine: number): void {
    const top = this.stack[this.stack.length - 1];
    if (!top) return;
    this.finishHead(top);
    const outer = this.stack[0]!;
    this.finishHead(outer);
    this.error(top.rec.line, `the file ends (line ${lastLine}) inside {@${top.rec.name} started at line ${top.rec.line}${outer !== top ? ` (within {@${outer.rec.name} of line ${outer.rec.line})` : ''}: truncated`, 'CONVERT_ERR_TRUNCATED');
  }
}
