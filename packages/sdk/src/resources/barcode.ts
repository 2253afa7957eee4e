import type { RequestOptions } from '../client.js';
import { APIResource } from '../core/resource.js';
import { WatsError } from '../core/errors.js';
import type { components } from '../generated/wats-api.js';

/**
 * A barcode identifier (`BarcodeIdentifier`): `pattern` recognises a barcode; `serialNumber`,
 * `partNumber`, `revision`, `batchNumber` and `process` are regular expressions (.NET syntax)
 * that find each value in it; `order` says which identifier is tried first. In the answer of
 * {@link BarcodeResource.identify} the same fields carry the values found.
 */
export type BarcodeIdentifier = components['schemas']['Virinco.WATS.Web.Dashboard.Models.Tdm.BarcodeIdentifier'];

/** Barcode identifiers (`/api/BarcodeIdentifiers/...`). */
export class BarcodeResource extends APIResource {
  /**
   * Every barcode identifier.
   * @operation GET /api/BarcodeIdentifiers/BarcodeIdentifiers
   */
  async listIdentifiers(options?: RequestOptions): Promise<BarcodeIdentifier[]> {
    const res = await this.client.request<BarcodeIdentifier[]>(
      { method: 'GET', path: '/api/BarcodeIdentifiers/BarcodeIdentifiers' },
      options,
    );
    if (!Array.isArray(res.data)) {
      throw new WatsError('GET /api/BarcodeIdentifiers/BarcodeIdentifiers did not return a list', { code: 'WATS_ERR_RESPONSE' });
    }
    return res.data;
  }

  /**
   * Adds an identifier (leave `id` out) or updates the one with that `id`; returns it as stored.
   * @operation PUT /api/BarcodeIdentifiers/BarcodeIdentifier
   */
  async saveIdentifier(identifier: BarcodeIdentifier, options?: RequestOptions): Promise<BarcodeIdentifier> {
    const res = await this.client.request<BarcodeIdentifier>(
      { method: 'PUT', path: '/api/BarcodeIdentifiers/BarcodeIdentifier', body: identifier },
      options,
    );
    return res.data;
  }

  /**
   * Deletes an identifier.
   * @operation DELETE /api/BarcodeIdentifiers/BarcodeIdentifier/{id}
   */
  async deleteIdentifier(id: number, options?: RequestOptions): Promise<void> {
    if (!Number.isInteger(id)) throw new WatsError(`id must be an integer, got ${id}`, { code: 'WATS_ERR_ARGUMENT' });
    await this.client.request<unknown>(
      { method: 'DELETE', path: `/api/BarcodeIdentifiers/BarcodeIdentifier/${id}` },
      options,
    );
  }

  /**
   * Identifies a barcode with the stored identifiers; without a match the server reads the
   * default format `SerialNumber/PartNumber/Revision/BatchNumber/Process`.
   * @operation GET /api/BarcodeIdentifiers/IdentifyBarcode
   */
  async identify(code: string, options?: RequestOptions): Promise<BarcodeIdentifier> {
    const res = await this.client.request<BarcodeIdentifier>(
      { method: 'GET', path: '/api/BarcodeIdentifiers/IdentifyBarcode', query: { code } },
      options,
    );
    return res.data;
  }
}
