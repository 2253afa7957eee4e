import { validateAgainstSpec } from '../openapi/contract.js';
import type { RouteContext, RouteResult } from '../routes/route-types.js';

/**
 * Answers a JSON list from an operation whose 200 schema in the public document is a single
 * object although the server returns a list: `GET /api/Software/Packages` ("Returns all
 * Packages", schema `Package`), `GET /api/Software/PackagesByTag` and `GET /api/Asset/SubAssets`
 * ("Return a list of sub assets", schema `object`). A list can never match those schemas, so the
 * answer goes out as raw JSON past the response check, and each item is checked against the
 * item schema instead; problems are recorded as contract violations, as the dispatcher would.
 */
export function listAnswer(ctx: RouteContext, items: unknown[], itemSchema: string): RouteResult {
  if (ctx.sim.contract.enabled) {
    items.forEach((item, i) => {
      for (const message of validateAgainstSpec({ schema: itemSchema }, item)) {
        ctx.sim.contract.record(ctx.operation, 'response', `/${i}${message.replace(/^\(root\)/, '')}`, 200);
      }
    });
  }
  return { raw: JSON.stringify(items), contentType: 'application/json; charset=utf-8' };
}
