import type { WatsClient } from '../client.js';

/**
 * Base of every API resource (`client.asset`, `client.production`, ...). A resource method
 * maps its camelCase parameters to the spec's names on the wire and calls
 * `this.client.request(...)`; it never throws for HTTP reasons itself. Each public method
 * carries an `@operation METHOD /path` JSDoc tag naming the spec operation it calls:
 * `npm run api-coverage` reads those tags.
 */
export abstract class APIResource {
  protected readonly client: WatsClient;
  constructor(client: WatsClient) {
    this.client = client;
  }
}
