import { APIResource } from '../core/resource.js';

/** Root cause: tickets and their attachments. */
export class RootCauseResource extends APIResource {}
