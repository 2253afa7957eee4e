import type { WsjfReport } from '@tswats/sdk';
import { ConversionError } from '../errors.js';
import type { InputFile } from '../input.js';
import type { ConvertContext, Converter, Detection } from '../types.js';
import { xmlRoot } from '../xml.js';
import { readReport } from './report.js';
import { readReportElements, WRML_NAMESPACE, WSXF_NAMESPACE } from './xml-stream.js';

export { WRML_NAMESPACE, WSXF_NAMESPACE } from './xml-stream.js';

/**
 * WSXF, the WATS Standard XML Format (`<Reports xmlns=".../WATS/Report/wsxf">`), and WRML,
 * the WATS report markup (`xmlns=".../WATS/Report"`, nested like WSXF or flat with
 * `StepID`/`ParentStepID` as the WATS client writes it). Every `<Report>`, UUT or UUR, becomes
 * its own WSJF report, in file order; the report `ID` is kept. The document is streamed: one
 * report at a time is in memory.
 */
export const wsxfConverter: Converter = {
  name: 'wsxf',
  description: 'WATS Standard XML Format (WSXF) and WRML: every <Report>, UUT and UUR',
  extensions: ['.xml', '.wsxf'],
  keepsIds: true,
  detect(file: InputFile): Detection {
    const head = file.headText();
    const root = xmlRoot(head);
    if (!root || (root.localName !== 'Reports' && root.localName !== 'Report')) return { confidence: 0 };
    if (root.namespace !== WSXF_NAMESPACE && root.namespace !== WRML_NAMESPACE) return { confidence: 0 };
    const first = /<(?:\w+:)?Report\b([^>]*)>/.exec(root.localName === 'Report' ? head : head.slice(head.search(/<(?:\w+:)?Reports\b/) + 8));
    const attr = (name: string) => (first ? new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"`).exec(first[1]!)?.[1] : undefined);
    const whole = file.size <= file.head.length;
    const units = whole ? (head.match(/<(?:\w+:)?Report[\s>/]/g) ?? []).length : undefined;
    return {
      confidence: root.namespace === WSXF_NAMESPACE ? 0.98 : 0.95,
      preview: { serialNumber: attr('SN'), partNumber: attr('PN'), result: attr('Result'), start: attr('Start') ?? attr('Start_utc'), units },
    };
  },
  async *convert(file: InputFile, ctx: ConvertContext): AsyncIterable<WsjfReport> {
    let count = 0;
    const ids = new Map<string, number>();
    for await (const { node, index } of readReportElements(file)) {
      const report = readReport(ctx, file.name, node, index);
      if (typeof report.id === 'string') {
        const first = ids.get(report.id);
        if (first !== undefined) {
          // Two reports with one id: the second would overwrite the first on the server.
          throw new ConversionError({ code: 'CONVERT_ERR_VALUE', file: file.name, format: 'wsxf', position: { line: node.line, element: `Report[${index}]` }, reason: `ID ${report.id} is also the ID of Report[${first}]; every report needs its own` });
        }
        ids.set(report.id, index);
      }
      count++;
      yield report; // the registry validates it (and shortens over-long strings with a warning)
    }
    if (count === 0) {
      throw new ConversionError({ code: 'CONVERT_ERR_EMPTY', file: file.name, format: 'wsxf', position: { element: 'Reports' }, reason: 'the document holds no Report element' });
    }
  },
};
