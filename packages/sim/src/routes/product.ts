import type { RouteDefinition } from './route-types.js';

export const productRoutes: RouteDefinition[] = [];
