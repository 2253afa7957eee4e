import { createUutReport, type NumericInput, type StepOptions, type StepStatus, type WsjfReport } from '@tswats/sdk';
import { SaxesParser } from 'saxes';
import { ConversionError } from '../errors.js';
import type { InputFile } from '../input.js';
import { fieldLimit, fitText, startFromIso } from '../report-helpers.js';
import { localToIso, validLocal } from '../time.js';
import type { ConvertContext, Converter, Detection } from '../types.js';
import { assertSafeXml, headForXmlChecks, xmlRoot } from '../xml.js';
import { fastPass, type FastPassProgress } from '../xml-read.js';

const FORMAT = 'seica-viva';
/** Default process code (the file names none). */
export const SEICA_DEFAULT_PROCESS_CODE = 10;

type Attrs = Record<string, string>;

interface Board {
  attrs: Attrs;
  line: number;
  /** 1-based position of the BI block in the file. */
  position: number;
  tests: TestRow[];
  closed: boolean;
}

/**
 * One TEST element, read when its tag is parsed (so the large attribute object is not kept):
 * what the step needs, and the warnings the reading gave, told when the board is built.
 */
interface TestRow {
  line: number;
  name: string;
  family: string;
  input: NumericInput & StepOptions;
  status: StepStatus | undefined;
  /** TT in milliseconds. */
  ms: number | undefined;
  text: string | undefined;
  warnings: string[] | undefined;
}

/**
 * Seica flying-probe VIVA XML report: `<R>` with `<PrgC>` (program settings), `<ST>` (station
 * and program), one `<BI>` block per board holding its `<TEST>` elements, and `<ET>` (end).
 * Every `BI` block becomes its own report (pyWATS keeps the first board only). The file is
 * parsed as a stream; a board's report is built when the next board starts or the file ends.
 */
export const seicaVivaConverter: Converter = {
  name: FORMAT,
  description: 'Seica flying probe VIVA XML report (one report per BI board block)',
  extensions: ['.xml'],
  detect(file: InputFile): Detection {
    const head = file.headText();
    const root = xmlRoot(head);
    if (!root || root.name !== 'R') return { confidence: 0 };
    const markers = [/<ST\s[^>]{0,4000}?\bNM="/, /<BI\s[^>]{0,4000}?\bBCP?="/, /<TEST\s[^>]{0,4000}?\bMR="/, /<PrgC[\s>/]/, /<ET[\s>/]/]
      .filter((re) => re.test(head)).length;
    if (markers === 0) return { confidence: 0 };
    const confidence = markers >= 3 ? 0.95 : markers === 2 ? 0.8 : 0.4;
    const bi = /<BI\s([^>]{0,4000})>/.exec(head)?.[1] ?? '';
    const st = /<ST\s([^>]{0,4000})>/.exec(head)?.[1] ?? '';
    const attr = (s: string, k: string) => new RegExp(`\\b${k}="([^"]*)"`).exec(s)?.[1]?.trim() || undefined;
    return {
      confidence,
      preview: { serialNumber: attr(bi, 'BC') ?? attr(bi, 'BCP'), partNumber: attr(st, 'NM') },
    };
  },
  async *convert(file: InputFile, ctx: ConvertContext): AsyncIterable<WsjfReport> {
    const fail = (code: ConversionError['code'], reason: string, line?: number, element?: string): never => {
      throw new ConversionError({ code, file: file.name, format: FORMAT, position: line !== undefined || element ? { line, element } : undefined, reason });
    };
    assertSafeXml(headForXmlChecks(file), file.name, FORMAT);
    const newDecoder = textDecoderFor(file.head, ctx, file.name);

    /**
     * One reading of the file (the fast pass, or saxes'): its state, and what start and end tags
     * do to it. Reports are built when the next board starts (as they always were); `warn` is
     * where their warnings go.
     */
    const newPass = (warnTo: (message: string, position: { line?: number; element?: string }) => void) => {
      let st: Attrs | undefined;
      let current: Board | undefined;
      let boards = 0;
      let depth = 0;
      let warnedPn = false;
      const ready: WsjfReport[] = [];
      const finish = (board: Board, multi: boolean) => {
        if (!board.closed) fail('CONVERT_ERR_TRUNCATED', 'the board block (BI) is not closed', board.line, `BI[${board.position}]`);
        ready.push(buildBoard(board, multi));
      };

      const buildBoard = (board: Board, multi: boolean): WsjfReport => {
        const b = board.attrs;
        const where = `BI[${board.position}]`;
        const warn = (message: string, line = board.line) => warnTo(message, { line, element: where });
        // Serial: the board's own barcode (BC), else the panel barcode (BCP, with the board index
        // when the file holds several boards), else the station block's barcode.
        const bc = b.BC?.trim();
        const bcp = b.BCP?.trim() || st?.BC?.trim();
        let sn: string;
        if (bc) sn = bc;
        else if (bcp && multi) {
          const index = b.ID?.trim() || String(board.position);
          sn = `${bcp}-${index}`;
          warn(`board ${board.position} has no barcode of its own (BC empty): serial "${sn}" made from the panel barcode and the board index`);
        } else if (bcp) sn = bcp;
        else return fail('CONVERT_ERR_MISSING_FIELD', 'no serial number: the board has no barcode (BI@BC, BI@BCP) and the station block none (ST@BC)', board.line, where);
        sn = fitText(sn, fieldLimit('sn'), 'serial number', (m) => warn(m));

        const program = st?.NM?.trim() || st?.NMP?.trim();
        let pn = ctx.options.partNumber;
        if (pn === undefined) {
          if (!program) return fail('CONVERT_ERR_MISSING_FIELD', 'no part number: the station block has no program name (ST@NM) and no partNumber option was given', board.line, where);
          pn = program;
          if (!warnedPn) {
            warnedPn = true;
            warnTo(`the file names no part number: the program name "${program}" (ST@NM) is used (give partNumber to set one)`, { element: 'ST' });
          }
        }
        pn = fitText(pn, fieldLimit('pn'), 'part number', (m) => warn(m));

        const when = b.SD?.trim() || st?.SD?.trim();
        if (!when) return fail('CONVERT_ERR_MISSING_FIELD', 'no start time (BI@SD, ST@SD)', board.line, where);
        const startIso = parseSeicaDate(when, ctx.options.timeZone);
        if (!startIso) return fail('CONVERT_ERR_VALUE', `start time "${when}" is not dd-MM-yyyy HH:mm:ss`, board.line, where);

        const execTime = number(b.TT);
        const operator = st?.OP?.trim() || ctx.options.operator;
        const steps = board.tests;
        let failed = 0;
        for (const t of steps) {
          if (t.warnings) for (const m of t.warnings) warn(m, t.line);
          if (t.status === 'F') failed++;
        }
        const nf = number(b.NF);
        const nt = number(b.NT);
        if (nt !== undefined && nt > board.tests.length) {
          warn(`the board ran ${nt} tests (BI@NT) but the file lists ${board.tests.length}: the others are not in the file (a failures-only report lists only failed tests)`);
        }
        if (nf !== undefined && nf !== failed) {
          warn(`the board counts ${nf} failed tests (BI@NF) but ${failed} failed TEST elements are in the file; the result counts both`);
        }
        const builder = createUutReport({
          partNumber: pn,
          serialNumber: sn,
          revision: ctx.options.partRevision,
          processCode: ctx.options.processCode ?? SEICA_DEFAULT_PROCESS_CODE,
          stationName: ctx.options.stationName,
          location: ctx.options.location,
          purpose: ctx.options.purpose,
          ...(operator ? { operator: fitText(operator, fieldLimit('uut.user'), 'operator', (m) => warn(m)) } : {}),
          ...startFromIso(startIso),
          ...(execTime !== undefined ? { execTime } : {}),
          // The board fails when a test failed or the board counts failures (NF); BI@TR is not used.
          result: failed > 0 || (nf !== undefined && nf > 0) ? 'F' : 'P',
        });
        const misc = (description: string, value: string | undefined) => {
          const v = value?.trim();
          if (v) builder.addMiscInfo(description, fitText(v, fieldLimit('miscInfo.text'), `miscInfo ${description}`, (m) => warn(m)));
        };
        if (ctx.options.partNumber !== undefined) misc('Program', program);
        misc('Tester', st?.TN);
        misc('Test mode', st?.TS);
        misc('Lot', st?.LT);
        if (multi || (bc && b.BCP?.trim() && b.BCP.trim() !== bc)) misc('Panel barcode', b.BCP);
        if (multi) misc('Board index', b.ID);

        let group: string | undefined;
        let seq: ReturnType<typeof builder.root.addSequence> | undefined;
        const nameLimit = fieldLimit('step.name');
        let line = board.line;
        const warnAtLine = (m: string) => warn(m, line);
        for (const t of steps) {
          line = t.line;
          const family = t.family;
          if (!seq || family !== group) {
            group = family;
            seq = builder.root.addSequence(fitText(family, nameLimit, 'sequence name', warnAtLine));
          }
          const input = t.input;
          input.status = t.status;
          // TT is in milliseconds; rounded to the microsecond (no binary-fraction noise).
          input.totTime = t.ms !== undefined ? Math.round(t.ms * 1000) / 1e6 : undefined;
          input.reportText = t.text;
          seq.addNumeric(fitText(t.name, nameLimit, `step name "${t.name}"`, warnAtLine), input);
        }
        return builder.build({ consume: true });
      };

      return {
        ready,
        open(name: string, attrs: Attrs, line: number): void {
          depth++;
          if (depth === 1) {
            if (name !== 'R') fail('CONVERT_ERR_FORMAT', `the root element is <${name}>, not the VIVA report's <R>`, line, name);
            return;
          }
          switch (name) {
            case 'ST':
              st = attrs;
              break;
            case 'BI':
              if (current && !current.closed) fail('CONVERT_ERR_FORMAT', 'a board block (BI) inside another one', line, `BI[${boards + 1}]`);
              if (current) finish(current, true);
              boards++;
              current = { attrs, line, position: boards, tests: [], closed: false };
              break;
            case 'TEST':
              if (!current || current.closed) fail('CONVERT_ERR_FORMAT', 'a TEST element outside a board block (BI)', line, 'TEST');
              current!.tests.push(testRow(attrs, current!.tests.length + 1, line));
              break;
            default:
              break;
          }
        },
        close(name: string): void {
          depth--;
          if (name === 'BI' && current) current.closed = true;
        },
        /** After the end of the file: the last board. */
        end(): void {
          if (!current) fail('CONVERT_ERR_EMPTY', 'the report holds no board block (BI)', undefined, 'R');
          finish(current!, boards > 1);
        },
      };
    };

    // The fast pass (see xml-read.ts): the warnings of the boards it builds wait until their
    // reports are handed out (all of a chunk's before its first report, as when the builds
    // happened while saxes read that chunk), and are dropped with them when it bails.
    const held: Array<[string, { line?: number; element?: string }]> = [];
    const fast = newPass((message, position) => held.push([message, position]));
    const names: string[] = [];
    const progress: FastPassProgress = { handedOut: 0, complete: false };
    const fastDecoder = newDecoder();
    const boards = fastPass(
      file,
      (chunk) => (chunk ? fastDecoder.decode(chunk, { stream: true }) : fastDecoder.decode()),
      {
        open(name, keys, values, count, line) {
          // saxes gives a fresh object per tag; a plain one reads the same (only named attributes
          // are read, none an Object.prototype member). A TEST keeps only what testRow reads, in
          // an object of one fixed shape (a TEST has some thirty attributes, thousands of times).
          let attrs: Attrs;
          if (name === 'TEST') {
            const t = newTestAttrs();
            for (let i = 0; i < count; i++) {
              const k = keys[i]!;
              if (TEST_ATTRS.has(k)) t[k as TestAttr] = values[i]!;
            }
            attrs = t as Attrs;
          } else {
            attrs = {};
            for (let i = 0; i < count; i++) {
              const k = keys[i]!;
              if (k === '__proto__') throw new Error('left to saxes');
              attrs[k] = values[i]!;
            }
          }
          names.push(name);
          fast.open(name, attrs, line);
          return false;
        },
        close() {
          fast.close(names.pop()!);
        },
        wantsText: () => false,
        text() {},
      },
      fast.ready,
      progress,
    );
    for await (const report of boards) {
      for (const [message, position] of held.splice(0)) ctx.warn(message, position);
      yield report;
    }
    if (progress.complete) {
      fast.end();
      for (const [message, position] of held.splice(0)) ctx.warn(message, position);
      yield* fast.ready.splice(0);
      return;
    }

    // saxes, from the start: the boards the fast pass handed out are built again (their warnings
    // not told twice) but not handed out.
    const skip = progress.handedOut;
    const pass = newPass((message, position) => {
      if (pass.ready.length + handed >= skip) ctx.warn(message, position);
    });
    let handed = 0;
    const decoder = newDecoder();
    const parser = new SaxesParser({ position: true });
    parser.on('doctype', (doctype) => assertSafeXml(`<!DOCTYPE${doctype}>`, file.name, FORMAT));
    // saxes makes a fresh attribute object for every tag (and never touches it again), so it
    // is kept as it is (copying it took about half as long again as the tokenize itself).
    parser.on('opentag', (tag) => pass.open(tag.name, tag.attributes as Attrs, parser.line));
    parser.on('closetag', (tag) => pass.close(tag.name));
    parser.on('error', (err) => {
      throw err;
    });

    const feed = (text: string, closing: boolean) => {
      try {
        if (closing) {
          parser.write(text);
          parser.close();
        } else parser.write(text);
      } catch (err) {
        if (err instanceof ConversionError) throw err;
        const message = String((err as Error)?.message ?? err).replace(/^\d+:\d+:\s*/, '');
        const truncated = closing && /unclosed|unexpected end|document must contain a root/i.test(message);
        fail(truncated ? 'CONVERT_ERR_TRUNCATED' : 'CONVERT_ERR_SYNTAX', `${truncated ? 'the XML ends before the document is complete' : 'not well-formed XML'}: ${message}`, parser.line);
      }
    };
    const handOut = function* () {
      for (const report of pass.ready.splice(0)) {
        if (handed++ >= skip) yield report;
      }
    };

    for await (const chunk of file.stream()) {
      feed(decoder.decode(chunk, { stream: true }), false);
      yield* handOut();
    }
    feed(decoder.decode(), true);
    yield* handOut();
    pass.end();
    yield* handOut();
  },
};

/** The TEST attributes {@link testRow} and {@link details} read (and nothing else of a TEST is kept). */
const TEST_ATTR_NAMES = ['F', 'FT', 'NM', 'IN', 'MR', 'ML', 'MH', 'MU', 'MK', 'TR', 'TT', 'MM', 'MP', 'DN', 'SG1', 'SG2', 'PD1', 'PD2', 'AL'] as const;
type TestAttr = (typeof TEST_ATTR_NAMES)[number];
const TEST_ATTRS: ReadonlySet<string> = new Set(TEST_ATTR_NAMES);

/** A TEST's attributes, all absent (one object shape for every TEST). */
function newTestAttrs(): Record<TestAttr, string | undefined> {
  return {
    F: undefined, FT: undefined, NM: undefined, IN: undefined, MR: undefined, ML: undefined, MH: undefined, MU: undefined, MK: undefined, TR: undefined,
    TT: undefined, MM: undefined, MP: undefined, DN: undefined, SG1: undefined, SG2: undefined, PD1: undefined, PD2: undefined, AL: undefined,
  };
}

type StepInput = NumericInput & StepOptions;

/** One TEST element as a numeric step: name, measurement, status and details, read at once. */
function testRow(a: Attrs, n: number, line: number): TestRow {
  // No closures here: one per TEST costs (the dev runner wraps every closure it makes).
  let warnings: string[] | undefined;
  const f = a.F?.trim();
  const nm = a.NM?.trim();
  const pin = a.IN?.trim();
  let name = nm ? (pin ? `${nm} (${pin})` : nm) : '';
  if (!name) {
    name = `${f || 'TEST'} ${n}`;
    (warnings ??= []).push(`TEST ${n} has no name (NM): named "${name}"`);
  }
  const value = number(a.MR);
  if (value === undefined) (warnings ??= []).push(`${name}: measured value MR="${a.MR ?? ''}" is not a number: written as NaN`);
  const mlRaw = a.ML;
  const mhRaw = a.MH;
  const lo = number(mlRaw);
  const hi = number(mhRaw);
  if (mlRaw?.trim() && lo === undefined) (warnings ??= []).push(`${name}: low limit ML="${mlRaw}" is not a number: dropped`);
  if (mhRaw?.trim() && hi === undefined) (warnings ??= []).push(`${name}: high limit MH="${mhRaw}" is not a number: dropped`);
  const mu = a.MU?.trim();
  const unit = mu || undefined;
  // Isolation (short) tests: the measure kind MK (NOTMOUNTED tests are isolation tests too).
  const isolation = (a.MK ?? a.F ?? '').trim().toUpperCase() === 'ISOLATION';
  const input: StepInput = { value: value ?? Number.NaN, unit, compOp: 'LOG', lowLimit: undefined, highLimit: undefined, status: undefined, totTime: undefined, reportText: undefined };
  if (isolation) {
    // Isolation passes above the threshold ML (ML = MM; MH is ML + 20 %, not an upper bound:
    // every passing isolation test in the sample measures far above MH).
    if (lo !== undefined) {
      input.compOp = 'GE';
      input.lowLimit = lo;
    }
  } else if (lo !== undefined && hi !== undefined) {
    input.compOp = 'GELE';
    input.lowLimit = lo;
    input.highLimit = hi;
  } else if (lo !== undefined) {
    input.compOp = 'GE';
    input.lowLimit = lo;
  } else if (hi !== undefined) {
    input.compOp = 'LE';
    input.lowLimit = hi;
  }
  const tr = a.TR?.trim();
  let status: StepStatus | undefined;
  if (tr === '0') status = 'P';
  else if (tr === '1') status = 'F';
  else (warnings ??= []).push(`${name}: result code TR="${tr ?? ''}" is not 0 (pass) or 1 (fail): status computed from the limits`);
  return {
    line,
    name,
    family: f || a.FT?.trim() || 'Tests',
    input,
    status,
    ms: number(a.TT),
    text: details(a, mu, mhRaw, isolation),
    warnings,
  };
}

/** What a TEST tells beyond the measurement: nominal and deviation, device, nets, pads, parallel parts. */
function details(a: Attrs, mu: string | undefined, mhRaw: string | undefined, isolation: boolean): string | undefined {
  let out = '';
  const mm = a.MM?.trim();
  const unit = mu ? ` ${mu}` : '';
  if (mm) {
    const mp = a.MP?.trim();
    out = `nominal ${mm}${unit}${mp ? ` (deviation ${mp})` : ''}`;
  }
  // Isolation tests are compared with ML only; MH (ML + 20 %) is kept here.
  if (isolation) {
    const mh = mhRaw?.trim();
    if (mh) out = joinPart(out, `MH ${mh}${unit}`);
  }
  const dn = a.DN?.trim();
  if (dn) out = joinPart(out, `device ${dn}`);
  const sg1 = a.SG1?.trim();
  const sg2 = a.SG2?.trim();
  if (sg1 || sg2) out = joinPart(out, `nets ${sg1 ?? ''} / ${sg2 ?? ''}`);
  const pd1 = a.PD1?.trim();
  const pd2 = a.PD2?.trim();
  if (pd1 || pd2) out = joinPart(out, `pads ${pd1 ?? ''} / ${pd2 ?? ''}`);
  const al = a.AL?.trim();
  if (al) out = joinPart(out, `parallel ${al}`);
  return out || undefined;
}

function joinPart(out: string, part: string): string {
  return out ? `${out}; ${part}` : part;
}

/** A decimal number (`1e+11`, `-0.5`), or undefined for anything else. */
function number(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(t)) return undefined;
  const v = Number(t);
  return Number.isFinite(v) ? v : undefined;
}

/** `dd-MM-yyyy HH:mm:ss` (also with `/` or `.`) read in `timeZone`, as ISO 8601 with its offset. */
export function parseSeicaDate(text: string, timeZone: string): string | undefined {
  const m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (!m) return undefined;
  const local = { year: +m[3]!, month: +m[2]!, day: +m[1]!, hour: +m[4]!, minute: +m[5]!, second: m[6] ? +m[6] : 0 };
  return validLocal(local) ? localToIso(local, timeZone) : undefined;
}

/** A streaming decoder for the encoding the XML declaration names (Seica writes Windows-1252). */
function textDecoderFor(head: Uint8Array, ctx: ConvertContext, fileName: string): () => InstanceType<typeof TextDecoder> {
  const of = (label: string) => () => new TextDecoder(label);
  if (head[0] === 0xff && head[1] === 0xfe) return of('utf-16le');
  if (head[0] === 0xfe && head[1] === 0xff) return of('utf-16be');
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return of('utf-8');
  const decl = new TextDecoder('latin1').decode(head.subarray(0, 200));
  const label = /^<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']/.exec(decl)?.[1];
  if (!label) return of('utf-8');
  try {
    new TextDecoder(label);
    return of(label);
  } catch {
    ctx.warn(`${fileName}: unknown encoding "${label}" in the XML declaration: read as UTF-8`, { line: 1 });
    return of('utf-8');
  }
}
