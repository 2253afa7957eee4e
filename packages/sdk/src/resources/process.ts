import type { RequestOptions } from '../client.js';
import { APIResource } from '../core/resource.js';
import type { operations } from '../generated/wats-api.js';
import { expectList } from './analytics-filter.js';

/** The flags of `GET /api/App/Processes` (spec names). */
export type ProcessListParams = NonNullable<operations['App_Processes']['parameters']['query']>;

/** A process (operation) as `GET /api/App/Processes` lists it. */
export interface ProcessInfo {
  /** The process code reports carry (`processCode`), e.g. 10 or 500. */
  code: number;
  name: string;
  description?: string;
  processId?: string;
  isTestOperation?: boolean;
  isRepairOperation?: boolean;
  isWipOperation?: boolean;
  processIndex?: number;
  /** 1 active, 0 inactive. */
  state?: number;
  /** Repair operations: 0 required, 1 optional, 2 never. */
  uutBinding?: number;
  bomBinding?: number;
  vendorBinding?: number;
  imageConstraint?: number;
  /** Default 0, AutomaticProcess 1, Scrapped 2, NoFailureFound 3, Component 4, Design 5, ManualProcess 6, Replaced 7. */
  repairType?: number;
  [key: string]: unknown;
}

/** A level (client group) of `GET /api/App/Levels`. */
export interface LevelInfo {
  levelId: number;
  levelName: string;
  /** The level above, when there is one. */
  parentId?: number;
  [key: string]: unknown;
}

/** A product group of `GET /api/App/ProductGroups`. */
export interface ProductGroupInfo {
  productGroupId: number;
  productGroupName: string;
  /** With `includeFilters: true`: what puts a product in the group. */
  filters?: Array<{ field: string; value: string }>;
  [key: string]: unknown;
}

/** Processes (test, repair and WIP operations), levels and product groups. */
export class ProcessResource extends APIResource {
  /**
   * The processes. Without flags the server lists the active test, repair and WIP operations;
   * set a flag to `true` to ask for that kind only (pyWATS sends no flags at all).
   * @operation GET /api/App/Processes
   */
  async list(params: ProcessListParams = {}, options?: RequestOptions): Promise<ProcessInfo[]> {
    const res = await this.client.request<unknown>(
      {
        method: 'GET',
        path: '/api/App/Processes',
        query: {
          includeTestOperations: params.includeTestOperations,
          includeRepairOperations: params.includeRepairOperations,
          includeWipOperations: params.includeWipOperations,
          includeInactiveProcesses: params.includeInactiveProcesses,
        },
      },
      options,
    );
    return expectList<ProcessInfo>(res.data, 'GET /api/App/Processes');
  }

  /**
   * The levels (client groups): sites, lines, labs.
   * @operation GET /api/App/Levels
   */
  async levels(options?: RequestOptions): Promise<LevelInfo[]> {
    const res = await this.client.request<unknown>({ method: 'GET', path: '/api/App/Levels' }, options);
    return expectList<LevelInfo>(res.data, 'GET /api/App/Levels');
  }

  /**
   * The product groups, with their filters when `includeFilters` is true.
   * @operation GET /api/App/ProductGroups
   */
  async productGroups(params: { includeFilters?: boolean } = {}, options?: RequestOptions): Promise<ProductGroupInfo[]> {
    const res = await this.client.request<unknown>(
      { method: 'GET', path: '/api/App/ProductGroups', query: { includeFilters: params.includeFilters } },
      options,
    );
    return expectList<ProductGroupInfo>(res.data, 'GET /api/App/ProductGroups');
  }
}
