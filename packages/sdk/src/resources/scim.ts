import { APIResource } from '../core/resource.js';

/** SCIM v2 users and tokens. */
export class ScimResource extends APIResource {}
