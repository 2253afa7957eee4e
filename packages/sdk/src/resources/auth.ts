import { APIResource } from '../core/resource.js';

/** Authentication tokens. */
export class AuthResource extends APIResource {}
