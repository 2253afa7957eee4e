import { APIResource } from '../core/resource.js';

/** Products: products, revisions, BOM, vendors, product groups. */
export class ProductResource extends APIResource {}
