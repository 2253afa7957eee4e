import { SimError } from '../errors.js';
import type { OperationRegistry } from '../openapi/registry.js';
import { appRoutes } from './app.js';
import { reportRoutes } from './report.js';
import { productionRoutes } from './production.js';
import { productRoutes } from './product.js';
import { assetRoutes } from './asset.js';
import { processRoutes } from './process.js';
import { analyticsRoutes } from './analytics.js';
import { softwareRoutes } from './software.js';
import { rootCauseRoutes } from './root-cause.js';
import { scimRoutes } from './scim.js';
import { barcodeRoutes } from './barcode.js';
import { exportRoutes } from './export.js';
import { systemManagerRoutes } from './system-manager.js';
import { workflowRoutes } from './workflow.js';
import { authRoutes } from './auth.js';
import { internalRoutes } from './internal.js';
import type { RouteDefinition } from './route-types.js';

/** Every implemented operation, one module per spec tag (domain). */
export const ALL_ROUTES: RouteDefinition[] = [
  ...appRoutes,
  ...reportRoutes,
  ...productionRoutes,
  ...productRoutes,
  ...assetRoutes,
  ...processRoutes,
  ...analyticsRoutes,
  ...softwareRoutes,
  ...rootCauseRoutes,
  ...scimRoutes,
  ...barcodeRoutes,
  ...exportRoutes,
  ...systemManagerRoutes,
  ...workflowRoutes,
  ...authRoutes,
  ...internalRoutes,
];

/**
 * Maps each route to its spec operation key (`"GET /api/Report/Wsjf/{id}"`). Throws when a
 * route names an operation the spec does not have, or one operation is implemented twice.
 */
export function bindRoutes(registry: OperationRegistry, routes: RouteDefinition[] = ALL_ROUTES): Map<string, RouteDefinition> {
  const bound = new Map<string, RouteDefinition>();
  for (const route of routes) {
    const ops = registry.byOperationId(route.operationId).filter(
      (op) => op.method === route.method.toUpperCase() && (route.path === undefined || op.path === route.path),
    );
    if (ops.length !== 1) {
      throw new SimError(
        'SIM_ERR_UNKNOWN_OPERATION',
        `Route ${route.method} ${route.operationId} matches ${ops.length} spec operations (expected exactly 1)`,
      );
    }
    const key = ops[0]!.key;
    if (bound.has(key)) throw new SimError('SIM_ERR_UNKNOWN_OPERATION', `${key} is implemented twice`);
    bound.set(key, route);
  }
  return bound;
}
