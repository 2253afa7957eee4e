import { APIResource } from '../core/resource.js';

/** Production: units, serial numbers, batches, phases, child units, verification. */
export class ProductionResource extends APIResource {}
