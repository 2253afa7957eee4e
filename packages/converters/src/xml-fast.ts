/**
 * A fast XML tokenizer for a strict, common subset of XML 1.0, meant to run *in front of*
 * saxes, never instead of it.
 *
 * It reads what test equipment writes (an XML declaration, processing instructions and comments
 * around one root element; ASCII names; quoted attribute values; text with the five predefined
 * entity references) by jumping between markup with `indexOf` instead of saxes' character-by-
 * character state machine and event calls (on the ATML samples it tokenizes about 1.4 times as
 * fast as saxes, and reading a unit's tree costs less than saxes alone did). Everything it
 * accepts is well-formed XML that saxes accepts too, read the same way: the same names,
 * attribute values, text and start-tag lines (test/xml-fast.test.ts checks this
 * differentially, on thousands of mutated documents). Anything else — a construct outside the
 * subset (DOCTYPE, CDATA, character references, non-ASCII names, a lone CR, `]]>` anywhere...),
 * anything not well-formed, or a file that ends early — makes it *bail* (`write`/`end` return
 * false) without saying why. The caller then reads the file again with saxes, which accepts or
 * reports it exactly as before: errors, their messages and positions always come from saxes.
 *
 * Input arrives in chunks (decoded text); a construct cut by a chunk boundary is carried over.
 */

/** What the tokenizer reports, in document order. */
export interface FastXmlHandler {
  /**
   * A start tag (a self-closing one is followed by {@link close}). Attributes in file order:
   * the first `count` entries of `names` and `values` (arrays reused between calls), values
   * normalised as XML requires (entities replaced, tab and line breaks as spaces). `line` is
   * the 1-based line of the tag's `>`, which is what saxes reports at the same event.
   * Returning true skips the element's content: nothing inside it is reported (it is still
   * checked), the next event for it is its own {@link close}.
   */
  open(name: string, names: string[], values: string[], count: number, line: number): boolean;
  close(): void;
  /** True when the text of the innermost open element is wanted. */
  wantsText(): boolean;
  /** Character data between two pieces of markup inside the root (entities replaced, CRLF as LF). */
  text(text: string): void;
}

const NAME_SLOTS = 4096;
const BAD = -1;
const INCOMPLETE = -2;
const COMMENT = /<!--([^]*?)-->/y;
const PI = /<\?([A-Za-z_][\w.-]*)(?:[ \t\r\n][^]*?)?\?>/y;
const DECLARATION =
  /<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(?:"1\.0"|'1\.0')(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(?:"[A-Za-z][A-Za-z0-9._-]*"|'[A-Za-z][A-Za-z0-9._-]*'))?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \t\r\n]*\?>/y;
/**
 * Characters left to saxes wherever they occur: those XML forbids, and surrogates (characters
 * beyond the BMP are rare in test results; saxes checks their pairing).
 */
// Written as the complement of what is allowed (the same set of code units: \x00-\x08, \x0B,
// \x0C, \x0E-\x1F, \uD800-\uDFFF, \uFFFE, \uFFFF): irregexp scans this form almost twice as fast.
const FORBIDDEN = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD]/;
/** A CR not followed by LF (saxes counts it as a line break of its own). */
const LONE_CR = /\r(?!\n)/;
const ENTITY = /&(?:amp|lt|gt|quot|apos);/y;
const NOT_SPACE = /[^ \t\r\n]/;
const ATTRIBUTE_NORMALISE = /\r\n|[\t\n]|&(amp|lt|gt|quot|apos);/g;
const TEXT_NORMALISE = /\r\n|&(amp|lt|gt|quot|apos);/g;
const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Position of the first LF at or after `from`, or MAX_SAFE_INTEGER. */
function breakAt(buf: string, from: number): number {
  const i = buf.indexOf('\n', from);
  return i < 0 ? Number.MAX_SAFE_INTEGER : i;
}

/** A construct longer than this that still does not parse is left to saxes (no unbounded carry). */
const MAX_CARRY = 1 << 20;

export class FastXmlScanner {
  private readonly handler: FastXmlHandler;
  /** Open element names (as written), for matching end tags. */
  private readonly open: string[] = [];
  private readonly names: string[] = [];
  private readonly values: string[] = [];
  /** Unprocessed text from the previous chunk. */
  private carry = '';
  /** Line of the next character not yet counted. */
  private line = 1;
  /** Position of the next LF not yet counted in the current buffer (-1: not looked for yet). */
  private nextBreak = -1;
  /** While content is skipped: the depth of the element whose content it is (else -1). */
  private skipAt = -1;
  private started = false;
  private rootClosed = false;
  private bailed = false;

  constructor(handler: FastXmlHandler) {
    this.handler = handler;
  }

  /** Reads the next chunk. False: bailed (the caller must read the file again with saxes). */
  write(chunk: string): boolean {
    return this.run(chunk, false);
  }

  /** The end of the input. True only when the document was complete and in the subset. */
  end(): boolean {
    return this.run('', true) && this.rootClosed && this.carry === '';
  }

  private bail(): false {
    this.bailed = true;
    return false;
  }

  /** 1-based line of position `p` of `buf` (positions only grow within one buffer). */
  private lineAt(buf: string, p: number): number {
    let nl = this.nextBreak;
    if (nl < 0) nl = breakAt(buf, 0);
    while (nl < p) {
      this.line++;
      nl = breakAt(buf, nl + 1);
    }
    this.nextBreak = nl;
    return this.line;
  }

  private run(chunk: string, final: boolean): boolean {
    if (this.bailed) return false;
    const buf = this.carry === '' ? chunk : this.carry + chunk;
    this.carry = '';
    // Only complete constructs are read: everything up to the last '>' (text ends at a '<').
    const limit = final ? buf.length : buf.lastIndexOf('>') + 1;
    if (limit === 0) return this.keep(buf, 0, final);
    if (!inSubset(limit === buf.length ? buf : buf.slice(0, limit))) return this.bail();
    const h = this.handler;
    const open = this.open;
    let pos = 0;
    if (!this.started) {
      this.started = true;
      if (buf.startsWith('<?xml', 0)) {
        DECLARATION.lastIndex = 0;
        if (!DECLARATION.test(buf)) return this.bail();
        pos = DECLARATION.lastIndex;
      }
    }
    while (pos < limit) {
      const lt = buf.indexOf('<', pos);
      if (lt < 0 || lt >= limit) {
        if (!final) break; // text that goes on in the next chunk
        if (!this.textRun(buf, pos, buf.length)) return this.bail();
        pos = buf.length;
        break;
      }
      if (lt > pos && !this.textRun(buf, pos, lt)) return this.bail();
      pos = lt;
      const c = buf.charCodeAt(pos + 1);
      if (c === 47 /* / */) {
        // `</name S* >` for the innermost open element only.
        const name = open[open.length - 1];
        if (name === undefined) return this.bail();
        let i = pos + 2 + name.length;
        if (i > buf.length) break;
        if (!sameAt(buf, pos + 2, name)) return this.bail();
        let c = buf.charCodeAt(i);
        while (c === 32 || c === 10 || c === 13 || c === 9) c = buf.charCodeAt(++i);
        if (c !== 62 /* > */) {
          if (i >= buf.length) break;
          return this.bail();
        }
        pos = i + 1;
        open.pop();
        if (this.skipAt < 0 || open.length === this.skipAt) {
          this.skipAt = -1;
          h.close();
        }
        if (open.length === 0) this.rootClosed = true;
      } else if (c === 33 /* ! */) {
        if (buf.length - pos < 4) break;
        if (!buf.startsWith('<!--', pos)) return this.bail(); // DOCTYPE, CDATA: saxes
        COMMENT.lastIndex = pos;
        const m = COMMENT.exec(buf);
        if (!m) break;
        const body = m[1]!;
        if (body.includes('--') || body.endsWith('-')) return this.bail();
        pos = COMMENT.lastIndex;
      } else if (c === 63 /* ? */) {
        PI.lastIndex = pos;
        const m = PI.exec(buf);
        if (!m) break;
        if (m[1]!.toLowerCase() === 'xml') return this.bail();
        pos = PI.lastIndex;
      } else {
        if (this.rootClosed) return this.bail(); // a second root element
        const end = this.startTag(buf, pos);
        if (end === INCOMPLETE) break;
        if (end === BAD) return this.bail();
        pos = end;
      }
    }
    return this.keep(buf, pos, final);
  }

  /** Carries the unread rest over to the next chunk (or bails at the end, or when it grows too long). */
  private keep(buf: string, pos: number, final: boolean): boolean {
    if (pos < buf.length && (final || buf.length - pos > MAX_CARRY)) return this.bail();
    // Count the line breaks before `pos`; the carried text is counted as part of the next buffer.
    this.lineAt(buf, Math.min(pos, buf.length));
    this.nextBreak = -1;
    if (pos < buf.length) this.carry = buf.slice(pos);
    return true;
  }

  /** Text between `from` and `to`: whitespace only outside the root; handed on when wanted. */
  private textRun(buf: string, from: number, to: number): boolean {
    if (this.open.length === 0) {
      // Outside the root only white space (saxes: "text data outside of root node").
      return !NOT_SPACE.test(buf.slice(from, to));
    }
    if (this.skipAt >= 0 || !this.handler.wantsText()) return true;
    let text = buf.slice(from, to);
    if (text.includes('\r') || text.includes('&')) text = text.replace(TEXT_NORMALISE, (_all, e: string | undefined) => (e ? ENTITIES[e]! : '\n'));
    this.handler.text(text);
    return true;
  }

  /**
   * Reads the start tag at `pos` (`<` then a name start character or not) and reports it:
   * the position after it, BAD when it is not one the subset reads, INCOMPLETE when the
   * buffer ends inside it.
   */
  private startTag(buf: string, pos: number): number {
    const len = buf.length;
    let i = nameEnd(buf, pos + 1);
    if (i === pos + 1) return pos + 1 >= len ? INCOMPLETE : BAD;
    if (i >= len) return INCOMPLETE;
    const name = intern(buf, pos + 1, i);
    const names = this.names;
    const values = this.values;
    const skipping = this.skipAt >= 0;
    let count = 0;
    let selfClosing = false;
    const seq = attributeOrder.get(name);
    let p = 0;
    let novel = false;
    for (;;) {
      let j = i;
      let c = buf.charCodeAt(j);
      while (c === 32 || c === 10 || c === 13 || c === 9) c = buf.charCodeAt(++j);
      if (c === 62 /* > */) {
        i = j + 1;
        break;
      }
      if (c === 47 /* / */) {
        if (j + 1 >= len) return INCOMPLETE;
        if (buf.charCodeAt(j + 1) !== 62) return BAD;
        selfClosing = true;
        i = j + 2;
        break;
      }
      if (j >= len) return INCOMPLETE;
      if (j === i) return BAD; // no white space before an attribute
      // Tags of one name mostly repeat their attribute names in one order: the next name of the
      // last such tag is tried first (checked in place, then that it ends there), else the name
      // is read and looked up as usual.
      // (The next three names are tried: tags often leave an optional attribute out.)
      let attr: string | undefined;
      let ne = 0;
      if (seq !== undefined) {
        const last = Math.min(p + 3, seq.length);
        for (let q = p; q < last; q++) {
          const guess = seq[q]!;
          ne = j + guess.length;
          if (ne < len && sameAt(buf, j, guess) && !isNameChar(buf.charCodeAt(ne))) {
            attr = guess;
            p = q + 1;
            break;
          }
        }
      }
      if (attr === undefined) {
        ne = nameEnd(buf, j);
        if (ne === j) return BAD;
        if (ne >= len) return INCOMPLETE;
        attr = intern(buf, j, ne);
        // Guessed names are distinct (ever later names of a valid tag); a name read here may
        // repeat any earlier one.
        for (let d = 0; d < count; d++) if (names[d] === attr) return BAD; // duplicate attribute
        const at = seq === undefined ? -1 : seq.indexOf(attr, p);
        if (at >= 0) p = at + 1;
        else if (seq === undefined || !seq.includes(attr)) novel = true;
      }
      let k = ne;
      c = buf.charCodeAt(k);
      while (c === 32 || c === 10 || c === 13 || c === 9) c = buf.charCodeAt(++k);
      if (c !== 61 /* = */) return k >= len ? INCOMPLETE : BAD;
      c = buf.charCodeAt(++k);
      while (c === 32 || c === 10 || c === 13 || c === 9) c = buf.charCodeAt(++k);
      if (c !== 34 && c !== 39) return k >= len ? INCOMPLETE : BAD;
      // The value, up to the closing quote: one pass that also notes what needs normalising
      // (tab, line breaks, '&') and refuses a '<' (cheaper than indexOf and a regex per value:
      // values are short).
      const quote = c;
      let close = k + 1;
      let plain = true;
      for (;;) {
        if (close >= len) return INCOMPLETE;
        c = buf.charCodeAt(close);
        if (c === quote) break;
        if (c <= 38) {
          if (c === 38 || c === 9 || c === 10 || c === 13) plain = false;
        } else if (c === 60 /* < */) return BAD; // '<' in an attribute value
        close++;
      }
      names[count] = attr;
      i = close + 1;
      if (skipping) {
        values[count++] = '';
        continue;
      }
      let value = buf.slice(k + 1, close);
      if (!plain) value = value.replace(ATTRIBUTE_NORMALISE, (_all, e: string | undefined) => (e ? ENTITIES[e]! : ' '));
      values[count++] = value;
    }
    if (novel) {
      // This tag's names in order, then those of the last order it left out.
      const order = names.slice(0, count);
      if (seq !== undefined) for (const n of seq) if (!order.includes(n)) order.push(n);
      if (attributeOrder.size >= MAX_ORDERS) attributeOrder.clear();
      attributeOrder.set(name, order);
    }
    if (skipping) {
      if (!selfClosing) this.open.push(name);
      return i;
    }
    const h = this.handler;
    const skip = h.open(name, names, values, count, this.lineAt(buf, i - 1));
    if (selfClosing) {
      h.close();
      if (this.open.length === 0) this.rootClosed = true;
    } else {
      if (skip) this.skipAt = this.open.length;
      this.open.push(name);
    }
    return i;
  }
}

/**
 * False when `text` holds something left to saxes wherever it occurs (also where XML allows it,
 * e.g. `]]>` in an attribute value): a forbidden character or a surrogate, a lone CR, `]]>`,
 * or an `&` that does not start one of the five predefined entity references.
 */
function inSubset(text: string): boolean {
  if (FORBIDDEN.test(text) || text.includes(']]>')) return false;
  if (text.includes('\r') && LONE_CR.test(text)) return false;
  for (let a = text.indexOf('&'); a >= 0; a = text.indexOf('&', a + 1)) {
    ENTITY.lastIndex = a;
    if (!ENTITY.test(text)) return false;
  }
  return true;
}

/**
 * Names seen, shared by all scanners: files repeat a few dozen names thousands of times, so a
 * lookup by the hash {@link nameEnd} computed, checked in place, saves slicing each one out
 * and hashing it again wherever it is used as a key. Two ways per slot, names up to 64
 * characters.
 */
const nameCache: Array<string | undefined> = new Array<string | undefined>(NAME_SLOTS).fill(undefined);
/** Hash of the name {@link nameEnd} read last. */
let nameHash = 0;

/** The name `buf[from, to)` (just read by {@link nameEnd}) as one shared, internalized string. */
function intern(buf: string, from: number, to: number): string {
  const len = to - from;
  if (len > 64) return buf.slice(from, to);
  const slot = (nameHash << 1) & (NAME_SLOTS - 2);
  let known = nameCache[slot];
  if (known !== undefined && known.length === len && sameAt(buf, from, known)) return known;
  known = nameCache[slot + 1];
  if (known !== undefined && known.length === len && sameAt(buf, from, known)) return known;
  const name = internalized(buf.slice(from, to));
  nameCache[slot + 1] = nameCache[slot];
  nameCache[slot] = name;
  return name;
}

/**
 * Per element name (shared by all scanners, like the names): the attribute names its start
 * tags were last seen with, in order, each once (the names of the last tag that brought a new
 * one, then the earlier ones it left out). Bounded: a file of ever-new names starts it afresh.
 */
const attributeOrder = new Map<string, string[]>();
const MAX_ORDERS = 4096;

/** True for the characters {@link nameEnd} reads on after a name's first one. */
function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 58) || c === 95 || c === 46 || c === 45;
}

/** True when `buf` holds `name` at `at` (what follows is the caller's to check). */
function sameAt(buf: string, at: number, name: string): boolean {
  const n = name.length;
  for (let i = 0; i < n; i++) if (buf.charCodeAt(at + i) !== name.charCodeAt(i)) return false;
  return true;
}

/** The internalized copy of `s` (property keys are internalized; this one detaches from the input, too). */
function internalized(s: string): string {
  return Object.keys({ [s]: 0 })[0]!;
}

/** End of the ASCII XML name starting at `from` (`from` itself when there is none); sets {@link nameHash}. */
function nameEnd(buf: string, from: number): number {
  let c = buf.charCodeAt(from);
  // Name start: A-Z a-z _
  if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95)) return from;
  let h = c;
  let i = from + 1;
  c = buf.charCodeAt(i);
  // Name characters: A-Z a-z 0-9 _ . : -
  while ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 58) || c === 95 || c === 46 || c === 45) {
    h = (h * 31 + c) | 0;
    c = buf.charCodeAt(++i);
  }
  nameHash = h ^ (h >>> 13);
  return i;
}
