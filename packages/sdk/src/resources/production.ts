import type { RequestOptions } from '../client.js';
import { WatsError } from '../core/errors.js';
import { APIResource } from '../core/resource.js';
import { listFrom, saveResult, type SaveResult } from './product.js';
import {
  UNIT_PHASES,
  type ChildUnitCheck,
  type ChildUnitParams,
  type DateParam,
  type ProductionBatch,
  type SerialNumberDates,
  type SerialNumberFormat,
  type SerialNumberInfo,
  type SerialNumberType,
  type TakeSerialNumbersParams,
  type Unit,
  type UnitChange,
  type UnitInput,
  type UnitPhaseName,
  type UnitVerificationGrade,
} from './production-types.js';
import { parseSerialNumberFile } from './serial-number-file.js';

/** Sends a date as ISO 8601; throws `WATS_ERR_ARGUMENT` for an invalid Date. */
function isoDate(value: DateParam | undefined, name: string): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  if (Number.isNaN(value.getTime())) throw new WatsError(`${name} is an invalid Date`, { code: 'WATS_ERR_ARGUMENT' });
  return value.toISOString();
}

function phaseId(phase: number | UnitPhaseName): number {
  if (typeof phase === 'number') return phase;
  const id = UNIT_PHASES[phase];
  if (id === undefined) throw new WatsError(`unknown unit phase '${String(phase)}'`, { code: 'WATS_ERR_ARGUMENT' });
  return id;
}

function unitBody(unit: UnitInput): Record<string, unknown> {
  return unit.serialDate === undefined ? { ...unit } : { ...unit, serialDate: isoDate(unit.serialDate, 'serialDate') };
}

/** Production: units, serial numbers, batches, phases, child units, verification. */
export class ProductionResource extends APIResource {
  /**
   * A unit with its product, revision and sub units (404 when unknown).
   * @operation GET /api/Production/Unit/{serialNumber}/{partNumber}
   */
  async getUnit(serialNumber: string, partNumber: string, options?: RequestOptions): Promise<Unit> {
    const path = `/api/Production/Unit/${encodeURIComponent(serialNumber)}/${encodeURIComponent(partNumber)}`;
    return (await this.client.request<Unit>({ method: 'GET', path }, options)).data;
  }

  /**
   * Adds or updates units (by serial number + part number). Each names an existing product
   * and revision. Dates go out as ISO 8601.
   * @operation PUT /api/Production/Units
   */
  async saveUnits(units: UnitInput[], options?: RequestOptions): Promise<SaveResult> {
    const body = units.map(unitBody);
    return saveResult((await this.client.request({ method: 'PUT', path: '/api/Production/Units', body }, options)).data);
  }

  /**
   * Sets a unit's phase, by id or by name (`'Finalized'`, see {@link UNIT_PHASES}).
   * @operation PUT /api/Production/SetUnitPhase
   */
  async setUnitPhase(
    params: { serialNumber: string; partNumber: string; phase: number | UnitPhaseName },
    options?: RequestOptions,
  ): Promise<void> {
    const query = { serialNumber: params.serialNumber, partNumber: params.partNumber, phase: phaseId(params.phase) };
    await this.client.request({ method: 'PUT', path: '/api/Production/SetUnitPhase', query }, options);
  }

  /**
   * Sets a unit's current process, by process **name** (the spec's `processName`).
   * @operation PUT /api/Production/SetUnitProcess
   */
  async setUnitProcess(params: { serialNumber: string; partNumber: string; processName: string }, options?: RequestOptions): Promise<void> {
    const query = { serialNumber: params.serialNumber, partNumber: params.partNumber, processName: params.processName };
    await this.client.request({ method: 'PUT', path: '/api/Production/SetUnitProcess', query }, options);
  }

  /**
   * Makes one unit the child of another. The child is validated against the parent's box
   * build, or against `checkPartNumber`/`checkRevision` when given (sent blank otherwise, as
   * the spec marks both required).
   * @operation POST /api/Production/AddChildUnit
   */
  async addChildUnit(params: ChildUnitParams & { checkPartNumber?: string; checkRevision?: string }, options?: RequestOptions): Promise<void> {
    const query = {
      parentSerialNumber: params.parentSerialNumber,
      parentPartNumber: params.parentPartNumber,
      childSerialNumber: params.childSerialNumber,
      childPartNumber: params.childPartNumber,
      checkPartNumber: params.checkPartNumber ?? '',
      checkRevision: params.checkRevision ?? '',
    };
    await this.client.request({ method: 'POST', path: '/api/Production/AddChildUnit', query }, options);
  }

  /**
   * Removes an existing parent/child relation.
   * @operation POST /api/Production/RemoveChildUnit
   */
  async removeChildUnit(params: ChildUnitParams, options?: RequestOptions): Promise<void> {
    const query = {
      parentSerialNumber: params.parentSerialNumber,
      parentPartNumber: params.parentPartNumber,
      childSerialNumber: params.childSerialNumber,
      childPartNumber: params.childPartNumber,
    };
    await this.client.request({ method: 'POST', path: '/api/Production/RemoveChildUnit', query }, options);
  }

  /**
   * Checks a unit's direct children against its box build (part numbers, revisions,
   * quantities, finalized phase).
   * @operation GET /api/Production/CheckChildUnits
   */
  async checkChildUnits(params: { parentSerialNumber: string; parentPartNumber: string }, options?: RequestOptions): Promise<ChildUnitCheck> {
    const query = { parentSerialNumber: params.parentSerialNumber, parentPartNumber: params.parentPartNumber };
    return (await this.client.request<ChildUnitCheck>({ method: 'GET', path: '/api/Production/CheckChildUnits', query }, options)).data;
  }

  /**
   * Adds or updates batches (by batch number).
   * @operation PUT /api/Production/Batches
   */
  async saveBatches(batches: ProductionBatch[], options?: RequestOptions): Promise<SaveResult> {
    return saveResult((await this.client.request({ method: 'PUT', path: '/api/Production/Batches', body: batches }, options)).data);
  }

  /**
   * The oldest `maxCount` entries of the unit-change queue (new units, and changes of parent,
   * part number, revision or phase). Delete each once handled.
   * @operation GET /api/Production/Units/Changes
   */
  async getUnitChanges(params: { maxCount: number }, options?: RequestOptions): Promise<UnitChange[]> {
    const res = await this.client.request<unknown>(
      { method: 'GET', path: '/api/Production/Units/Changes', query: { maxCount: params.maxCount } },
      options,
    );
    return listFrom<UnitChange>(res.data, 'changes', 'GET /api/Production/Units/Changes');
  }

  /**
   * Removes a handled change from the queue.
   * @operation DELETE /api/Production/Units/Changes/{id}
   */
  async deleteUnitChange(id: number, options?: RequestOptions): Promise<void> {
    await this.client.request({ method: 'DELETE', path: `/api/Production/Units/Changes/${encodeURIComponent(id)}` }, options);
  }

  /**
   * A unit's grade from its test and repair history.
   * @operation GET /api/Production/UnitVerification
   */
  async verifyUnit(params: { serialNumber: string; partNumber?: string }, options?: RequestOptions): Promise<UnitVerificationGrade> {
    const query = { serialNumber: params.serialNumber, partNumber: params.partNumber };
    return (await this.client.request<UnitVerificationGrade>({ method: 'GET', path: '/api/Production/UnitVerification', query }, options)).data;
  }

  /**
   * The serial-number types.
   * @operation GET /api/Production/SerialNumbers/Types
   */
  async getSerialNumberTypes(options?: RequestOptions): Promise<SerialNumberType[]> {
    const res = await this.client.request<unknown>({ method: 'GET', path: '/api/Production/SerialNumbers/Types' }, options);
    return listFrom<SerialNumberType>(res.data, 'types', 'GET /api/Production/SerialNumbers/Types');
  }

  /**
   * Takes free serial numbers and returns them (asked for as XML and parsed).
   * @operation POST /api/Production/SerialNumbers/Take
   */
  async takeSerialNumbers(params: TakeSerialNumbersParams, options?: RequestOptions): Promise<string[]> {
    const query = {
      serialNumberType: params.serialNumberType,
      quantity: params.quantity,
      refSN: params.refSN,
      refPN: params.refPN,
      stationName: params.stationName,
      onlyInSequence: params.onlyInSequence,
      format: 'XML',
    };
    const res = await this.client.request<string>(
      { method: 'POST', path: '/api/Production/SerialNumbers/Take', query, responseType: 'text' },
      options,
    );
    return parseSerialNumberFile(res.data);
  }

  /**
   * An export of a type's serial numbers as an XML or CSV file (the file's text).
   * @operation GET /api/Production/SerialNumbers
   */
  async exportSerialNumbers(
    params: { serialNumberType: string; format: SerialNumberFormat; startAddress?: string; endAddress?: string } & SerialNumberDates,
    options?: RequestOptions,
  ): Promise<string> {
    const query = {
      serialNumberType: params.serialNumberType,
      format: params.format,
      startAddress: params.startAddress,
      endAddress: params.endAddress,
      startDate: isoDate(params.startDate, 'startDate'),
      endDate: isoDate(params.endDate, 'endDate'),
    };
    const res = await this.client.request<string>({ method: 'GET', path: '/api/Production/SerialNumbers', query, responseType: 'text' }, options);
    return res.data;
  }

  /**
   * Serial numbers of a type from `startAddress` to `endAddress` (inclusive).
   * @operation GET /api/Production/SerialNumbers/ByRange
   */
  async getSerialNumbersByRange(
    params: { serialNumberType: string; startAddress: string; endAddress: string } & SerialNumberDates,
    options?: RequestOptions,
  ): Promise<SerialNumberInfo[]> {
    const query = {
      serialNumberType: params.serialNumberType,
      startAddress: params.startAddress,
      endAddress: params.endAddress,
      startDate: isoDate(params.startDate, 'startDate'),
      endDate: isoDate(params.endDate, 'endDate'),
    };
    const res = await this.client.request<unknown>({ method: 'GET', path: '/api/Production/SerialNumbers/ByRange', query }, options);
    return listFrom<SerialNumberInfo>(res.data, 'serialNumbers', 'GET /api/Production/SerialNumbers/ByRange');
  }

  /**
   * Taken serial numbers registered with a reference serial number and/or part number.
   * @operation GET /api/Production/SerialNumbers/ByReference
   */
  async getSerialNumbersByReference(
    params: { serialNumberType: string } & ({ refSN: string; refPN?: string } | { refSN?: string; refPN: string }) & SerialNumberDates,
    options?: RequestOptions,
  ): Promise<SerialNumberInfo[]> {
    const query = {
      serialNumberType: params.serialNumberType,
      refSN: params.refSN,
      refPN: params.refPN,
      startDate: isoDate(params.startDate, 'startDate'),
      endDate: isoDate(params.endDate, 'endDate'),
    };
    const res = await this.client.request<unknown>({ method: 'GET', path: '/api/Production/SerialNumbers/ByReference', query }, options);
    return listFrom<SerialNumberInfo>(res.data, 'serialNumbers', 'GET /api/Production/SerialNumbers/ByReference');
  }

  /**
   * Uploads an XML or CSV file of serial numbers to a type, as multipart form data (field `file`).
   * @operation PUT /api/Production/SerialNumbers
   */
  async uploadSerialNumbers(
    params: { serialNumberType: string; format: SerialNumberFormat; file: string | Uint8Array | Blob; fileName?: string },
    options?: RequestOptions,
  ): Promise<SaveResult> {
    const type = params.format === 'CSV' ? 'text/csv' : 'application/xml';
    const blob = params.file instanceof Blob ? params.file : new Blob([params.file as string | Uint8Array<ArrayBuffer>], { type });
    const form = new FormData();
    form.append('file', blob, params.fileName ?? `serial-numbers.${params.format.toLowerCase()}`);
    const query = { serialNumberType: params.serialNumberType, format: params.format };
    return saveResult((await this.client.request({ method: 'PUT', path: '/api/Production/SerialNumbers', query, body: form }, options)).data);
  }
}
