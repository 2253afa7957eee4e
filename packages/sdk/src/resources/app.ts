import type { RequestOptions, WatsClient } from '../client.js';

/** Server-wide information (`/api/App/...`). */
export class AppResource {
  private readonly client: WatsClient;
  constructor(client: WatsClient) {
    this.client = client;
  }

  /** The server's version string (`GET /api/App/Version`). */
  async version(options?: RequestOptions): Promise<string> {
    const res = await this.client.request<unknown>({ method: 'GET', path: '/api/App/Version' }, options);
    return typeof res.data === 'string' ? res.data : JSON.stringify(res.data);
  }
}
