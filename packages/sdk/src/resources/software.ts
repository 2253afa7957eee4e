import { APIResource } from '../core/resource.js';

/** Software distribution: packages, files, folders, status. */
export class SoftwareResource extends APIResource {}
