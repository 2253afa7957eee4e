export { startSim, type SimHandle } from './start-sim.js';
export { buildSimServer } from './build-server.js';
export type { SimServer, SimContext } from './context.js';
export { resolveSimConfig, DEFAULT_BODY_LIMIT, type SimOptions, type SimConfig } from './options.js';
export { FaultController, type FaultDecision, type FaultTarget } from './faults/fault-controller.js';
export {
  normalizeFaultOptions,
  type FaultOptions,
  type FaultState,
  type FaultScope,
  type LatencyFault,
  type ErrorRateFault,
  type FailNextFault,
  type DropNextFault,
  type OutageFault,
} from './faults/fault-options.js';
export type { SimStats, FaultKind } from './stats.js';
export {
  validateAgainstSpec,
  resolveOperation,
  type ContractViolation,
  type SpecTarget,
} from './openapi/contract.js';
export { listSpecOperations, type SpecOperation } from './openapi/registry.js';
export { validateWsjfReport, REPORT_RESULTS, type WsjfReport } from './wsjf/validate-report.js';
export { parseWsjfDate } from './wsjf/dates.js';
export { BUILT_IN_PROCESSES, processName, type SimProcess } from './processes.js';
export { SIM_VERSION_STRING, WATS_SERVER_VERSION } from './routes/app.js';
export { ADMIN_PREFIX } from './admin/admin-routes.js';
export { SimError, type SimErrorCode } from './errors.js';
