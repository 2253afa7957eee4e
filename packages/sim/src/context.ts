import type { FastifyInstance } from 'fastify';
import type { FaultController } from './faults/fault-controller.js';
import type { ContractRecorder } from './openapi/contract.js';
import type { OperationRegistry, RouteMatch } from './openapi/registry.js';
import type { SimConfig } from './options.js';
import type { StatsCounter } from './stats.js';
import type { DomainStates } from './store/domain-state.js';
import type { ReportStore } from './store/report-store.js';

/** Everything a route handler may use; one per simulator instance. */
export interface SimContext {
  config: SimConfig;
  registry: OperationRegistry;
  store: ReportStore;
  /** State of the stateful domains (products, units, assets, ...). */
  state: DomainStates;
  faults: FaultController;
  stats: StatsCounter;
  contract: ContractRecorder;
  /** When this simulator instance was built (for uptime in `GET /api/SystemStatus`). */
  startedAt: Date;
}

/** What the hooks learn about one `/api` request. */
export interface RequestState {
  /** Path without the query string, still percent-encoded. */
  pathname: string;
  match: RouteMatch;
  /** Handle the request, then destroy the connection instead of answering. */
  dropAfter: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the simulator's onRequest hook for `/api` requests; undefined elsewhere. */
    simState: RequestState | undefined;
  }
}

/** The fastify instance `buildSimServer` returns, with the simulator's state on `sim`. */
export type SimServer = FastifyInstance & { readonly sim: SimContext };

/** True for paths under `/api` (ASP.NET routing ignores case). */
export function isApiPath(pathname: string): boolean {
  return /^\/api(\/|$)/i.test(pathname);
}

export function pathnameOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}
