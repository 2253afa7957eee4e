import { convert, ConversionError } from '@tswats/converters';
import { HttpError } from '../../errors.js';
import { BUILT_IN_PROCESSES } from '../../processes.js';
import type { WsjfReport } from '../../wsjf/validate-report.js';

/** Process names the simulator knows, for WSXF documents that name a process without a code. */
const PROCESS_CODES: Record<string, number> = Object.fromEntries(BUILT_IN_PROCESSES.map((p) => [p.name, p.code]));

/**
 * Reads a WSXF (or WRML) document into WSJF reports with the project's one WSXF reader,
 * `@tswats/converters`: every `Report`, UUT and UUR, in document order, ids kept. As a server
 * does, timestamps are stored as written (no offset is added), and nothing is taken from the
 * simulator's machine. Problems are 400s naming where they are, e.g.
 * `WSXF Report[0]/Step[Id=6]/NumericLimit[0]: NumericValue 'five' is not a number`.
 */
export async function readWsxf(body: Buffer): Promise<WsjfReport[]> {
  try {
    const result = await convert(
      { bytes: new Uint8Array(body.buffer, body.byteOffset, body.byteLength), name: 'WSXF' },
      {
        format: 'wsxf',
        validate: false,
        timeZone: 'UTC',
        stationName: 'unknown',
        formats: { wsxf: { keepTimestamps: true, processCodes: PROCESS_CODES } },
      },
    );
    return result.reports as unknown as WsjfReport[];
  } catch (err) {
    if (!(err instanceof ConversionError)) throw err;
    if (err.code === 'CONVERT_ERR_UNSAFE_XML') {
      throw new HttpError(400, 'The XML document has a DTD with entities or an external reference (<!DOCTYPE ... [ ] / SYSTEM / PUBLIC); DTDs and entities are not accepted.');
    }
    if (err.code === 'CONVERT_ERR_EMPTY' && body.length === 0) throw new HttpError(400, 'The request body is empty; expected an XML document.');
    const where = err.position?.element ?? (err.position?.line !== undefined ? `line ${err.position.line}` : 'document');
    throw new HttpError(400, `WSXF ${where}: ${err.reason}`);
  }
}
