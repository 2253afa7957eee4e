import { APIResource } from '../core/resource.js';

/** Internal (`/api/internal/...`) routes: not a stable contract; used only where public routes cannot do the job. */
export class InternalResource extends APIResource {}
