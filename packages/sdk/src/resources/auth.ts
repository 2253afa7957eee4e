import type { RequestOptions } from '../client.js';
import { APIResource } from '../core/resource.js';
import { WatsError } from '../core/errors.js';

/** Query of the token calls. */
export interface GetTokenParams {
  /** Replace the existing token: the old one stops working. Without it, asking again fails. */
  reset?: boolean;
}

/**
 * The server answers with the token as a JSON string (its docs: "remove leading and trailing
 * `"` from the result"); the spec's `object` is a generator placeholder. An object with a
 * `token` field is accepted too.
 */
function toToken(data: unknown, op: string): string {
  if (typeof data === 'string' && data !== '') return data;
  const field = typeof data === 'object' && data !== null ? (data as Record<string, unknown>).token ?? (data as Record<string, unknown>).Token : undefined;
  if (typeof field === 'string' && field !== '') return field;
  throw new WatsError(`${op} did not return a token`, { code: 'WATS_ERR_RESPONSE' });
}

/**
 * Machine access tokens (`/api/Auth/...`). A token is shown once; use it as the client's
 * `token` (sent as `Authorization: Basic <token>`). WATS recommends managing tokens in the
 * Control Panel; these calls are the API way.
 */
export class AuthResource extends APIResource {
  /**
   * Creates a token identified by the calling user.
   * @operation GET /api/Auth/GetToken
   */
  async getToken(params: GetTokenParams = {}, options?: RequestOptions): Promise<string> {
    const res = await this.client.request<unknown>(
      { method: 'GET', path: '/api/Auth/GetToken', query: { reset: params.reset } },
      options,
    );
    return toToken(res.data, 'GET /api/Auth/GetToken');
  }

  /**
   * Creates a token with an identifier describing its purpose (e.g. the station's name).
   * @operation GET /api/Auth/GetToken/{identifier}
   */
  async getTokenForIdentifier(identifier: string, params: GetTokenParams = {}, options?: RequestOptions): Promise<string> {
    if (identifier === '') throw new WatsError('identifier must not be empty', { code: 'WATS_ERR_ARGUMENT' });
    const res = await this.client.request<unknown>(
      { method: 'GET', path: `/api/Auth/GetToken/${encodeURIComponent(identifier)}`, query: { reset: params.reset } },
      options,
    );
    return toToken(res.data, 'GET /api/Auth/GetToken/{identifier}');
  }
}
