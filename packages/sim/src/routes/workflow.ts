import { endTest, startTest, type DefinitionStatus, type WorkflowCall } from '../domains/workflow/workflow.js';
import { untypedJson, type RouteContext, type RouteDefinition, type RouteResult } from './route-types.js';

function callOf(ctx: RouteContext): WorkflowCall {
  const q = ctx.params.query;
  const call: WorkflowCall = {
    serialNumber: q.serialNumber as string,
    partNumber: q.partNumber as string,
    status: (q.status as DefinitionStatus | undefined) ?? 2,
  };
  if (typeof q.operatorName === 'string') call.operatorName = q.operatorName;
  if (typeof q.stationName === 'string') call.stationName = q.stationName;
  return call;
}

/** `GET /api/Workflow/StartTest`. */
const start: RouteDefinition = {
  method: 'GET',
  operationId: 'Workflow_PublicStartTest',
  handle: async (ctx) => untypedJson(ctx, await startTest(ctx.sim, callOf(ctx))),
};

/** `GET /api/Workflow/EndTest` (`passed` defaults to true). */
const end: RouteDefinition = {
  method: 'GET',
  operationId: 'Workflow_PublicEndTest',
  handle: async (ctx) =>
    untypedJson(ctx, await endTest(ctx.sim, { ...callOf(ctx), passed: (ctx.params.query.passed as boolean | undefined) ?? true })),
};

export const workflowRoutes: RouteDefinition[] = [start, end];
