import { APIResource } from '../core/resource.js';

/** System manager: clients (stations), client logs, levels, system status. */
export class SystemManagerResource extends APIResource {}
