import type { RequestOptions } from '../client.js';
import { APIResource } from '../core/resource.js';

/** Server-wide information (`/api/App/...`). */
export class AppResource extends APIResource {
  /**
   * The server's version string.
   * @operation GET /api/App/Version
   */
  async version(options?: RequestOptions): Promise<string> {
    const res = await this.client.request<unknown>({ method: 'GET', path: '/api/App/Version' }, options);
    return typeof res.data === 'string' ? res.data : JSON.stringify(res.data);
  }
}
