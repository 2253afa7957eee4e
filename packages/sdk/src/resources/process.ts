import { APIResource } from '../core/resource.js';

/** Processes (test, repair and WIP operations), levels and product groups; with an optional offline cache. */
export class ProcessResource extends APIResource {}
