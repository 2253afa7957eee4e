import { untypedJson } from './route-types.js';
import { HttpError } from '../errors.js';
import { Problems } from '../domains/product/body.js';
import { decodeText } from '../domains/product/xml-lite.js';
import { parseFormat, readSerialNumberFile, writeSerialNumbers } from '../domains/production/serial-number-files.js';
import {
  addAddresses,
  addressValue,
  entryView,
  filterEntries,
  normalizeAddress,
  queryAddress,
  requirePool,
  saveSerialNumberState,
  SERIAL_NUMBER_TYPES,
  serialNumberState,
  takeNumbers,
  type EntryFilter,
  type SerialNumberTypeDef,
} from '../domains/production/serial-numbers.js';
import type { RouteContext, RouteDefinition } from './route-types.js';

type Query = Record<string, string | number | boolean | undefined>;

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/** Address and date bounds of a query, checked (400 naming the parameter). */
function bounds(type: SerialNumberTypeDef, q: Query): EntryFilter {
  const f: EntryFilter = {};
  const start = text(q.startAddress);
  const end = text(q.endAddress);
  if (start !== undefined) f.start = queryAddress(type, start, 'startAddress');
  if (end !== undefined) f.end = queryAddress(type, end, 'endAddress');
  const startDate = text(q.startDate);
  const endDate = text(q.endDate);
  if (startDate !== undefined) f.startDate = startDate;
  if (endDate !== undefined) f.endDate = endDate;
  if (f.start !== undefined && f.end !== undefined && addressValue(type, f.start) > addressValue(type, f.end)) {
    throw new HttpError(400, `endAddress: '${f.end}' comes before startAddress '${f.start}'.`);
  }
  if (startDate !== undefined && endDate !== undefined && Date.parse(startDate) > Date.parse(endDate)) {
    throw new HttpError(400, 'endDate: comes before startDate.');
  }
  return f;
}

const getTypes: RouteDefinition = {
  method: 'GET',
  operationId: 'Production_GetSerialNumberTypesPublic',
  handle() {
    return {
      body: SERIAL_NUMBER_TYPES.map(({ name, description, format, regEx, identifier, identifierName }) => ({
        name,
        description,
        format,
        regEx,
        identifier,
        identifierName,
      })),
    };
  },
};

/** `POST .../Take`: takes free numbers for a reference and answers them as XML (default) or CSV. */
const take: RouteDefinition = {
  method: 'POST',
  operationId: 'Production_TakeSerialNumbers',
  async handle(ctx) {
    const q = ctx.params.query as Query;
    const format = parseFormat(text(q.format), 'format', 'XML');
    const quantity = q.quantity as number;
    if (quantity < 1) throw new HttpError(400, `quantity: must be at least 1, got ${quantity}.`);
    const state = serialNumberState(ctx.sim);
    const { type, pool } = requirePool(state, q.serialNumberType as string);
    const taken = takeNumbers(type, pool, {
      quantity,
      onlyInSequence: q.onlyInSequence === true,
      refSN: text(q.refSN),
      refPN: text(q.refPN),
      stationName: text(q.stationName),
    });
    await saveSerialNumberState(ctx.sim);
    return writeSerialNumbers(format, type.name, taken);
  },
};

/** `GET /api/Production/SerialNumbers`: every number of a type (free and taken) as a file. */
const exportNumbers: RouteDefinition = {
  method: 'GET',
  operationId: 'Production_ExportSerialNumbers',
  handle(ctx) {
    const q = ctx.params.query as Query;
    const format = parseFormat(q.format as string, 'format');
    const { type, pool } = requirePool(serialNumberState(ctx.sim), q.serialNumberType as string);
    const file = writeSerialNumbers(format, type.name, filterEntries(type, pool, bounds(type, q)));
    const name = `${type.name}.${format.toLowerCase()}`;
    return { ...file, headers: { 'content-disposition': `attachment; filename="${name}"` } };
  },
};

const byRange: RouteDefinition = {
  method: 'GET',
  operationId: 'Production_GetSerialNumbersByRange',
  handle(ctx) {
    const q = ctx.params.query as Query;
    const { type, pool } = requirePool(serialNumberState(ctx.sim), q.serialNumberType as string);
    for (const p of ['startAddress', 'endAddress']) if (text(q[p]) === undefined) throw new HttpError(400, `${p}: required`);
    const found = filterEntries(type, pool, bounds(type, q));
    return untypedJson(ctx, found.map(entryView));
  },
};

const byReference: RouteDefinition = {
  method: 'GET',
  operationId: 'Production_GetSerialNumbersByReference',
  handle(ctx) {
    const q = ctx.params.query as Query;
    const { type, pool } = requirePool(serialNumberState(ctx.sim), q.serialNumberType as string);
    const refSN = text(q.refSN);
    const refPN = text(q.refPN);
    if (refSN === undefined && refPN === undefined) throw new HttpError(400, 'refSN, refPN: give one of them (or both).');
    const f: EntryFilter = { ...bounds(type, q), takenOnly: true };
    if (refSN !== undefined) f.refSN = refSN;
    if (refPN !== undefined) f.refPN = refPN;
    return untypedJson(ctx, filterEntries(type, pool, f).map(entryView));
  },
};

/** The uploaded file of a multipart body: the first file part, else the first text part. */
async function uploadedText(ctx: RouteContext): Promise<string> {
  const contentType = String(ctx.request.headers['content-type'] ?? '');
  if (!/^multipart\/form-data/i.test(contentType)) {
    throw new HttpError(400, 'The file must be sent as multipart/form-data.');
  }
  let form: FormData;
  try {
    form = await new Response(ctx.body, { headers: { 'content-type': contentType } }).formData();
  } catch (err) {
    throw new HttpError(400, `The multipart body could not be read: ${(err as Error).message}`);
  }
  const parts = [...form.values()];
  const file = parts.find((v) => typeof v !== 'string') as Blob | undefined;
  if (file) return decodeText(Buffer.from(await file.arrayBuffer()));
  const first = parts.find((v): v is string => typeof v === 'string');
  if (first === undefined) throw new HttpError(400, 'The multipart body has no file.');
  return first;
}

/** `PUT /api/Production/SerialNumbers`: adds the numbers of an XML or CSV file as free numbers. */
const upload: RouteDefinition = {
  method: 'PUT',
  operationId: 'Production_UploadSerialNumbers',
  async handle(ctx) {
    const q = ctx.params.query as Query;
    const format = parseFormat(q.format as string, 'format');
    const state = serialNumberState(ctx.sim);
    const { type, pool } = requirePool(state, q.serialNumberType as string);
    const problems = new Problems();
    const addresses: string[] = [];
    for (const { value, where } of readSerialNumberFile(format, await uploadedText(ctx))) {
      const address = normalizeAddress(type, value);
      if (address === undefined) problems.add(where, `'${value}' is not a ${type.name} (pattern ${type.regEx})`);
      else addresses.push(address);
    }
    problems.throwIfAny();
    const counts = addAddresses(type, pool, addresses);
    await saveSerialNumberState(ctx.sim);
    return { body: counts };
  },
};

export const serialNumberRoutes: RouteDefinition[] = [getTypes, take, exportNumbers, byRange, byReference, upload];
