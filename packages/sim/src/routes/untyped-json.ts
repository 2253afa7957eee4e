import type { RouteResult } from './route-types.js';

/**
 * Most `/api/App/...` operations document their answer as `{"type": "object"}`: that is what
 * Swashbuckle writes for an untyped `IHttpActionResult`, not a statement about the JSON. The
 * real server answers lists with JSON arrays (pyWATS reads them as lists), so the simulator
 * does too, and sends them as raw JSON text because a schema-checked `body` must be an object.
 */
export function jsonList(value: unknown[]): RouteResult {
  return { raw: JSON.stringify(value), contentType: 'application/json; charset=utf-8' };
}
