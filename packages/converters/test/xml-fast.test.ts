import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SaxesParser } from 'saxes';
import { openInput, type InputFile } from '../src/input.js';
import { createContext } from '../src/context.js';
import { readUnitsFast, readUnitsWithSaxes } from '../src/atml/stream.js';
import type { XNode } from '../src/atml/nodes.js';
import { FastXmlScanner } from '../src/xml-fast.js';
import { listFixtures, rng } from './helpers.js';

/**
 * The fast XML tokenizer must never accept what saxes refuses, and must read what it accepts
 * exactly as saxes does (names, attributes, text, start-tag lines). Checked differentially:
 * events of both on the same input, on hand-written documents, the ATML fixtures, every chunking,
 * and thousands of random mutations.
 */

type Event = string;

/** Events of the fast tokenizer, or 'bail'. Text is wanted everywhere. */
function fastEvents(doc: string, chunk = doc.length || 1, skip?: (name: string) => boolean): Event[] | 'bail' {
  const events: Event[] = [];
  const scanner = new FastXmlScanner({
    open: (name, names, values, count, line) => {
      const attrs = Array.from({ length: count }, (_, i) => `${names[i]}=${JSON.stringify(values[i])}`);
      events.push(`open ${name} [${attrs.join(' ')}] @${line}`);
      return skip?.(name) ?? false;
    },
    close: () => events.push('close'),
    wantsText: () => true,
    text: (t) => events.push(`text ${JSON.stringify(t)}`),
  });
  for (let i = 0; i < doc.length; i += chunk) if (!scanner.write(doc.slice(i, i + chunk))) return 'bail';
  return scanner.end() ? mergeText(events) : 'bail';
}

/** Events of saxes (text inside the root only), or 'error'. */
function saxesEvents(doc: string): Event[] | 'error' {
  const events: Event[] = [];
  const parser = new SaxesParser({ position: true });
  let depth = 0;
  let failed = false;
  parser.on('error', () => {
    failed = true;
  });
  parser.on('opentag', (tag) => {
    const attrs = Object.entries(tag.attributes as Record<string, string>).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
    events.push(`open ${tag.name} [${attrs.join(' ')}] @${parser.line}`);
    depth++;
  });
  parser.on('closetag', () => {
    events.push('close');
    depth--;
  });
  parser.on('text', (t) => {
    if (depth > 0) events.push(`text ${JSON.stringify(t)}`);
  });
  parser.on('cdata', (t) => {
    if (depth > 0) events.push(`text ${JSON.stringify(t)}`);
  });
  try {
    parser.write(doc).close();
  } catch {
    failed = true;
  }
  return failed ? 'error' : mergeText(events);
}

/** Adjacent text events as one (where a chunk boundary splits a run is not part of the contract). */
function mergeText(events: Event[]): Event[] {
  const out: Event[] = [];
  for (const e of events) {
    const last = out[out.length - 1];
    if (e.startsWith('text ') && last?.startsWith('text ')) out[out.length - 1] = `text ${JSON.stringify(JSON.parse(last.slice(5)) + JSON.parse(e.slice(5)))}`;
    else out.push(e);
  }
  return out;
}

/** Fast events equal saxes' whenever the fast tokenizer does not bail; skipping content changes neither. */
function agrees(doc: string, chunk?: number): 'bail' | 'same' {
  const fast = fastEvents(doc, chunk);
  const skipping = fastEvents(doc, chunk, (name) => name.length % 3 === 0);
  expect(skipping === 'bail', 'bails the same when content is skipped').toBe(fast === 'bail');
  if (fast === 'bail') return 'bail';
  expect(saxesEvents(doc), `saxes on ${JSON.stringify(doc.slice(0, 200))}`).toEqual(fast);
  return 'same';
}

const strip = (n: XNode): unknown => ({ name: n.name, attrs: n.attrs, text: n.text, line: n.line, children: n.children.map(strip) });

async function unitsBoth(file: InputFile) {
  const progress = { handedOut: 0, complete: false };
  const fast: unknown[] = [];
  for await (const u of readUnitsFast(file, progress)) fast.push(strip(u));
  const { ctx } = createContext({ timeZone: 'Europe/Oslo' });
  const slow: unknown[] = [];
  let error: unknown;
  try {
    for await (const u of readUnitsWithSaxes(file, ctx, 0)) slow.push(strip(u));
  } catch (err) {
    error = err;
  }
  return { progress, fast, slow, error };
}

function chunked(bytes: Uint8Array, name: string, size: number): InputFile {
  return {
    name, path: undefined, extension: '.xml', size: bytes.length, head: bytes.subarray(0, 65536), folder: undefined,
    bytes: async () => bytes, text: async () => Buffer.from(bytes).toString('latin1'), headText: () => Buffer.from(bytes.subarray(0, 65536)).toString('latin1'),
    stream: async function* () {
      for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
    },
  };
}

describe('fast XML tokenizer: reads what it accepts exactly as saxes does', () => {
  it.each([
    ['declaration, PI, comments', '<?xml version="1.0" encoding="iso-8859-1" ?><?xml-stylesheet type="text/xsl" href="a.xsl"?>\n<!-- c -->\n<r a="1"/>\n<!-- after -->\n'],
    ['attributes with spaces around =, both quotes, > inside', `<r  a = "x>y"\tb='it"s'\r\nc="&amp;&lt;&gt;&quot;&apos;"/>`],
    ['attribute white space normalised', '<r a="l1\nl2\r\nl3\tl4"/>'],
    ['text with entities and CRLF', '<r>\r\n  <s>a &amp; b\r\nc</s><t/>x<!-- c -->y</r>'],
    ['prefixed names and xmlns', '<p:r xmlns:p="urn:x" p:a="1"><p:s.t-u_v>1</p:s.t-u_v ></p:r>'],
    ['lines of multi-line start tags', '<r>\n<s\n a="1"\n/>\n<t>\n</t></r>'],
    ['no declaration', '<r/>'],
  ])('%s', (_label, doc) => {
    expect(agrees(doc)).toBe('same');
    for (const chunk of [1, 2, 3, 5, 8]) expect(agrees(doc, chunk)).toBe('same');
  });

  it.each([
    ['DOCTYPE', '<!DOCTYPE r><r/>'],
    ['CDATA', '<r><![CDATA[x]]></r>'],
    ['character reference', '<r>&#65;</r>'],
    ['undefined entity', '<r>&x;</r>'],
    ['lone CR', '<r>a\rb</r>'],
    [']]> in text', '<r>]]></r>'],
    ['mismatched end tag', '<r><s></t></r>'],
    ['double dash in a comment', '<r><!-- a -- b --></r>'],
    ['text after the root', '<r/>x'],
    ['second root', '<r/><s/>'],
    ['truncated', '<r><s>'],
    ['duplicate attribute', '<r a="1" a="2"/>'],
    ['< in an attribute value', '<r a="<"/>'],
    ['unquoted attribute', '<r a=1/>'],
    ['no space between attributes', '<r a="1"b="2"/>'],
    ['non-ASCII name', '<r><nå/></r>'],
    ['control character', '<r>\u0001</r>'],
    ['xml declaration not first', ' <?xml version="1.0"?><r/>'],
    ['empty', ''],
    ['only a declaration', '<?xml version="1.0"?>'],
  ])('bails on %s', (_label, doc) => {
    expect(fastEvents(doc)).toBe('bail');
  });

  it('reports nothing inside an element whose content the handler skips, and then its close', () => {
    const doc = '<r><s a="1"><t b="2">x</t><u/></s><v>y</v></r>';
    expect(fastEvents(doc, undefined, (name) => name === 's')).toEqual(['open r [] @1', 'open s [a="1"] @1', 'close', 'open v [] @1', 'text "y"', 'close', 'close']);
  });

  const atml = listFixtures().filter((f) => f.format === 'atml');

  it.each(atml.map((f) => [f.name, f] as const))('ATML fixture %s: read completely, the same trees as with saxes, in any chunking', async (_name, f) => {
    const bytes = new Uint8Array(readFileSync(f.path));
    const whole = await unitsBoth(await openInput({ bytes, name: f.name }));
    expect(whole.progress.complete).toBe(true);
    expect(whole.error).toBeUndefined();
    expect(whole.fast).toEqual(whole.slow);
    for (const size of [1000, 4093, 65536]) {
      const part = await unitsBoth(chunked(bytes, f.name, size));
      expect(part.progress.complete, `chunks of ${size}`).toBe(true);
      expect(part.fast).toEqual(whole.slow);
    }
    const crlf = Buffer.from(Buffer.from(bytes).toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
    const windows = await unitsBoth(chunked(crlf, f.name, 777));
    expect(windows.progress.complete).toBe(true);
    expect(windows.fast).toEqual(windows.slow);
  });

  it('never accepts a mutated document saxes refuses, nor reads one differently', () => {
    const random = rng(0x5eed);
    const docs = atml.map((f) => readFileSync(f.path, 'latin1')).filter((d) => d.length < 100_000);
    const specials = ['<', '>', '&', '"', "'", '/', '=', ' ', '\r', '\n', '\t', '\u0001', ']', '!', '?', '-', ':', 'x', '&amp;', '&#1;', '<!--', '-->', ']]>', '</', '/>', '\uFFFE', '\uD800'];
    let same = 0;
    for (let n = 0; n < 2000; n++) {
      let doc = docs[n % docs.length]!;
      for (let k = 1 + Math.floor(random() * 3); k > 0; k--) {
        const at = Math.floor(random() * doc.length);
        const op = random();
        if (op < 0.4) doc = doc.slice(0, at) + specials[Math.floor(random() * specials.length)]! + doc.slice(at + 1);
        else if (op < 0.7) doc = doc.slice(0, at) + specials[Math.floor(random() * specials.length)]! + doc.slice(at);
        else doc = doc.slice(0, at) + doc.slice(at + 1 + Math.floor(random() * 20));
      }
      if (agrees(doc, 1 + Math.floor(random() * 3000)) === 'same') same++;
    }
    expect(same).toBeGreaterThan(200); // the check is not vacuous
  });
});
