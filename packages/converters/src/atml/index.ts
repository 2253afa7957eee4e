import type { WsjfReport } from '@tswats/sdk';
import type { InputFile } from '../input.js';
import type { ConvertContext, Converter, Detection } from '../types.js';
import { xmlRoot } from '../xml.js';
import { unitToReport } from './map.js';
import { readUnits } from './stream.js';
import { atmlVersionOf } from './version.js';

export { atmlVersionOf, type AtmlVersionInfo } from './version.js';
export { DEFAULT_PROCESS_CODE as ATML_DEFAULT_PROCESS_CODE } from './map.js';

/**
 * The ATML version of a file from its head (the first KiB are enough): root element, namespace
 * and TestStand extension. Undefined when the root is not an ATML test results element.
 */
export function detectAtmlVersion(headText: string) {
  const root = xmlRoot(headText);
  if (!root || (root.localName !== 'TestResultsCollection' && root.localName !== 'TestResults')) return undefined;
  const at = headText.indexOf(`<${root.name}`);
  const end = at < 0 ? -1 : headText.indexOf('>', at);
  const attrs = at < 0 ? '' : headText.slice(at, end < 0 ? undefined : end);
  const info = atmlVersionOf(root.namespace, attrs);
  return info ? { ...info, root: root.localName } : undefined;
}

/** First capture of `re` after `from` in `text` (patterns here are linear: no nested quantifiers). */
function after(text: string, from: RegExp, re: RegExp): string | undefined {
  const m = from.exec(text);
  if (!m) return undefined;
  return re.exec(text.slice(m.index, m.index + 4000))?.[1]?.trim() || undefined;
}

/**
 * IEEE 1636.1 / 1671 ATML Test Results as written by NI TestStand (ATML 2.02, 5.00, 6.01),
 * including TestStand batch reports with several units. Streams: every `TestResults` element
 * becomes a report as soon as it has been read.
 */
export const atmlConverter: Converter = {
  name: 'atml',
  description: 'IEEE 1636.1 ATML Test Results (NI TestStand ATML 2.02, 5.00, 6.01; batch reports)',
  extensions: ['.xml', '.atml'],
  keepsIds: true,
  detect(file: InputFile): Detection {
    const text = file.headText();
    const info = detectAtmlVersion(text);
    if (!info) return { confidence: 0 };
    const units = file.size <= file.head.length ? (text.match(/<(?:[A-Za-z_][\w.-]*:)?TestResults[\s>/]/g)?.length ?? 0) : undefined;
    const preview: NonNullable<Detection['preview']> = {};
    const sn = after(text, /<(?:[\w.-]+:)?UUT[\s>]/, /<(?:[\w.-]+:)?SerialNumber>([^<]{1,200})</);
    const pn = after(text, /<(?:[\w.-]+:)?IdentificationNumber\s/, /\bnumber\s*=\s*["']([^"']{1,200})["']/);
    const result = after(text, /<(?:[\w.-]+:)?ResultSet\s/, /<(?:[\w.-]+:)?Outcome\s+value\s*=\s*["']([A-Za-z]{1,20})["']/);
    const start = after(text, /<(?:[\w.-]+:)?ResultSet\s/, /\bstartDateTime\s*=\s*["']([^"']{1,40})["']/);
    if (sn) preview.serialNumber = sn;
    if (pn) preview.partNumber = pn;
    if (result) preview.result = result;
    if (start) preview.start = start;
    if (units !== undefined) preview.units = units;
    return { confidence: info.testStandExtension ? 0.98 : 0.95, preview };
  },
  async *convert(file: InputFile, ctx: ConvertContext): AsyncIterable<WsjfReport> {
    const seenIds = new Set<string>();
    const once = new Set<string>();
    let ordinal = 0;
    for await (const unit of readUnits(file, ctx)) {
      ordinal++;
      yield unitToReport(unit, { file, ctx, ordinal, seenIds, once });
    }
  },
};
