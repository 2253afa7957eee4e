import type { RouteDefinition } from './route-types.js';

export const processRoutes: RouteDefinition[] = [];
