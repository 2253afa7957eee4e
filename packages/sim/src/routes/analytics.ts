import { analyticsReportRoutes } from './analytics-reports.js';
import { analyticsStepRoutes } from './analytics-steps.js';
import { analyticsYieldRoutes } from './analytics-yield.js';
import type { RouteDefinition } from './route-types.js';

/**
 * The `/api/App/...` analytics operations. Every answer is computed from the reports stored
 * in the simulator (see `src/domains/analytics/`); nothing is canned.
 */
export const analyticsRoutes: RouteDefinition[] = [...analyticsYieldRoutes, ...analyticsStepRoutes, ...analyticsReportRoutes];
