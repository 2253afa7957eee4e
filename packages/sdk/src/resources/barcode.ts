import { APIResource } from '../core/resource.js';

/** Barcode identifiers. */
export class BarcodeResource extends APIResource {}
