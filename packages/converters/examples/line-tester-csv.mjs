// A user converter for tswats, as a plain ES module: `tswats convert --converter ./line-tester-csv.mjs`.
//
// The format (an in-house end-of-line tester): a header line, then one line per measurement.
//   #LINE-TESTER v1;serial=SN-1001;part=PSU-200;rev=B;start=2026-03-01 08:15:02;operator=kari
//   step;value;low;high;unit
//   3V3 rail;3.31;3.2;3.4;V
//   Ripple;41.5;;50;mV
// Several units may follow each other: every '#LINE-TESTER' line starts a new unit.
import { ConversionError, parseLocalTimestamp } from '@tswats/converters';
import { createUutReport } from '@tswats/sdk';

const MAGIC = '#LINE-TESTER v1;';

/** @type {import('@tswats/converters').Converter} */
export const converter = {
  name: 'line-tester-csv',
  description: 'In-house line tester CSV (example user converter)',
  extensions: ['.csv'],
  detect(file) {
    // A signature, not an extension: the magic first line.
    return file.headText().startsWith(MAGIC) ? { confidence: 0.95 } : { confidence: 0 };
  },
  async *convert(file, ctx) {
    const lines = (await file.text()).split(/\r?\n/);
    let unit;
    const flush = () => (unit ? unit.build() : undefined);
    for (const [i, raw] of lines.entries()) {
      const line = raw.trim();
      if (!line || line === 'step;value;low;high;unit') continue;
      if (line.startsWith(MAGIC)) {
        const done = flush();
        if (done) yield done;
        const fields = Object.fromEntries(line.slice(MAGIC.length).split(';').map((kv) => kv.split('=')));
        const start = parseLocalTimestamp(fields.start ?? '', ctx.options.timeZone);
        if (!fields.serial || !fields.part || !start) {
          throw new ConversionError({ code: 'CONVERT_ERR_MISSING_FIELD', file: file.name, format: 'line-tester-csv', position: { line: i + 1 }, reason: 'the header needs serial, part and a start time' });
        }
        unit = createUutReport({
          serialNumber: fields.serial,
          partNumber: fields.part,
          revision: fields.rev ?? ctx.options.partRevision,
          processCode: ctx.options.processCode ?? 10,
          stationName: ctx.options.stationName,
          location: ctx.options.location,
          purpose: ctx.options.purpose,
          operator: fields.operator ?? ctx.options.operator,
          start: new Date(start),
          startOffsetMinutes: offsetOf(start),
        });
        continue;
      }
      if (!unit) {
        throw new ConversionError({ code: 'CONVERT_ERR_FORMAT', file: file.name, format: 'line-tester-csv', position: { line: i + 1 }, reason: 'a measurement before the first #LINE-TESTER header' });
      }
      const [name, value, low, high, measUnit] = line.split(';');
      const v = Number(value);
      if (!name || value === undefined || value.trim() === '' || !Number.isFinite(v)) {
        throw new ConversionError({ code: 'CONVERT_ERR_VALUE', file: file.name, format: 'line-tester-csv', position: { line: i + 1 }, reason: `not a measurement: "${line}"` });
      }
      const lo = low ? Number(low) : undefined;
      const hi = high ? Number(high) : undefined;
      // Both limits: inside the range; only a high limit: below it (WSJF single-limit ops use lowLimit).
      const limits =
        lo !== undefined && hi !== undefined ? { compOp: 'GELE', lowLimit: lo, highLimit: hi }
        : hi !== undefined ? { compOp: 'LE', lowLimit: hi }
        : lo !== undefined ? { compOp: 'GE', lowLimit: lo }
        : { compOp: 'LOG' };
      unit.root.addNumeric(name, { value: v, unit: measUnit || undefined, ...limits });
    }
    const last = flush();
    if (last) yield last;
  },
};

function offsetOf(iso) {
  const m = /([+-])(\d{2}):(\d{2})$/.exec(iso);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}
