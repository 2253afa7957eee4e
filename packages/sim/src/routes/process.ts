import { untypedJson } from './route-types.js';
import { listLevels } from '../domains/process/levels.js';
import { listProductGroups } from '../domains/process/product-groups.js';
import { BUILT_IN_PROCESSES, type SimProcess } from '../processes.js';
import type { RouteDefinition } from './route-types.js';

/** A process as `GET /api/App/Processes` answers it (repair operations add their settings). */
function processInfo(p: SimProcess): Record<string, unknown> {
  return {
    code: p.code,
    name: p.name,
    description: p.description,
    processId: p.processId,
    isTestOperation: p.kind === 'test',
    isRepairOperation: p.kind === 'repair',
    isWipOperation: p.kind === 'wip',
    processIndex: p.processIndex,
    state: p.state,
    ...(p.repair ?? {}),
  };
}

/**
 * `GET /api/App/Processes`. Without flags: the active test, repair and WIP operations. With
 * flags, a kind is listed when its flag is true; an unset flag counts as true only when no
 * kind flag is true. `includeInactiveProcesses=true` adds inactive ones.
 */
const processes: RouteDefinition = {
  method: 'GET',
  operationId: 'App_Processes',
  handle(ctx) {
    const q = ctx.params.query;
    const flags = {
      test: q.includeTestOperations as boolean | undefined,
      repair: q.includeRepairOperations as boolean | undefined,
      wip: q.includeWipOperations as boolean | undefined,
    };
    const anyTrue = Object.values(flags).some((v) => v === true);
    const wanted = (kind: SimProcess['kind']): boolean => flags[kind] ?? !anyTrue;
    const inactive = q.includeInactiveProcesses === true;
    const list = BUILT_IN_PROCESSES.filter((p) => wanted(p.kind) && (p.state === 1 || inactive));
    return untypedJson(ctx, list.map(processInfo));
  },
};

/** `GET /api/App/Levels`: the level hierarchy (ids, names, parents). */
const levels: RouteDefinition = {
  method: 'GET',
  operationId: 'App_Levels',
  handle(ctx) {
    return untypedJson(ctx, 
      listLevels(ctx.sim).map((l) => ({ levelId: l.levelId, levelName: l.levelName, ...(l.parentId !== undefined ? { parentId: l.parentId } : {}) })),
    );
  },
};

/** `GET /api/App/ProductGroups[?includeFilters=true]`: groups, with their part-number filters on request. */
const productGroups: RouteDefinition = {
  method: 'GET',
  operationId: 'App_ProductGroups',
  handle(ctx) {
    const withFilters = ctx.params.query.includeFilters === true;
    return untypedJson(ctx, 
      listProductGroups(ctx.sim).map((g) => ({
        productGroupId: g.productGroupId,
        productGroupName: g.productGroupName,
        ...(withFilters ? { filters: g.partNumbers.map((value) => ({ field: 'partNumber', value })) } : {}),
      })),
    );
  },
};

export const processRoutes: RouteDefinition[] = [processes, levels, productGroups];
