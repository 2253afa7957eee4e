import type { RequestOptions } from '../client.js';
import { APIResource } from '../core/resource.js';
import type { components } from '../generated/wats-api.js';

/** A user's WATS settings (`CommonUserSettings`): name, culture, e-mail, roles, level and product group restrictions. */
export type CommonUserSettings = components['schemas']['Virinco.WATS.Configuration.CommonUserSettings'];

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

  /**
   * The settings WATS keeps for a user (sent as the spec's `UserName`, capital U).
   * @operation GET /api/App/CommonUserSettings
   */
  async getCommonUserSettings(userName: string, options?: RequestOptions): Promise<CommonUserSettings> {
    const res = await this.client.request<CommonUserSettings>(
      { method: 'GET', path: '/api/App/CommonUserSettings', query: { UserName: userName } },
      options,
    );
    return res.data;
  }
}
