import { APIResource } from '../core/resource.js';

/** Exports: queue a certificate export, list and download exported files. */
export class ExportResource extends APIResource {}
