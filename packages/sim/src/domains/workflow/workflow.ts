import type { SimContext } from '../../context.js';
import { HttpError } from '../../errors.js';
import { findUnit, productionState } from '../production/production-state.js';

/** Workflow definition status: 0 Draft, 1 Pending, 2 Released (the default), 3 Revoked. */
export type DefinitionStatus = 0 | 1 | 2 | 3;

/** A test started with StartTest and not yet ended. */
interface RunningTest {
  startedUtc: string;
  operatorName?: string;
  stationName?: string;
}

/** A test ended with EndTest. */
interface FinishedTest extends RunningTest {
  endedUtc: string;
  passed: boolean;
  endOperatorName?: string;
  endStationName?: string;
}

/** The workflow of one unit, created by its first StartTest. */
interface UnitWorkflow {
  serialNumber: string;
  partNumber: string;
  /** The definition status the workflow was initialised with; later calls must use the same. */
  status: DefinitionStatus;
  running: RunningTest | null;
  runs: FinishedTest[];
}

interface WorkflowState {
  units: Record<string, UnitWorkflow>;
}

const STATE = 'workflow';

function state(sim: SimContext): WorkflowState {
  return sim.state.get<WorkflowState>(STATE, () => ({ units: {} }));
}

/** Serial and part numbers are compared ignoring case, as SQL Server's collation does. */
function unitKey(serialNumber: string, partNumber: string): string {
  return `${serialNumber.toLowerCase()}\u0000${partNumber.toLowerCase()}`;
}

/**
 * "Unit must exist in WATS MES": a unit exists once it was created through the Production API,
 * or a report for it was received (that is how WATS registers units).
 */
function unitExists(sim: SimContext, serialNumber: string, partNumber: string): boolean {
  if (findUnit(productionState(sim), serialNumber, partNumber)) return true;
  const sn = serialNumber.toLowerCase();
  const pn = partNumber.toLowerCase();
  return sim.store.list().some((r) => {
    const f = r.summary.fields;
    return String(f.serialNumber ?? '').toLowerCase() === sn && String(f.partNumber ?? '').toLowerCase() === pn;
  });
}

export interface WorkflowCall {
  serialNumber: string;
  partNumber: string;
  operatorName?: string;
  stationName?: string;
  status: DefinitionStatus;
}

function requireUnit(sim: SimContext, call: WorkflowCall): void {
  if (call.serialNumber.trim() === '' || call.partNumber.trim() === '') {
    throw new HttpError(400, 'serialNumber and partNumber must not be empty.');
  }
  if (!state(sim).units[unitKey(call.serialNumber, call.partNumber)] && !unitExists(sim, call.serialNumber, call.partNumber)) {
    throw new HttpError(404, `Unit '${call.serialNumber}' with part number '${call.partNumber}' was not found.`);
  }
}

/**
 * StartTest: true when the unit's current activity is Test and no test is running. The first
 * call initialises the unit's workflow with the given definition status; a call with another
 * status, or while a test is already running, answers false (as the real server does when the
 * activity is not Test).
 */
export async function startTest(sim: SimContext, call: WorkflowCall): Promise<boolean> {
  requireUnit(sim, call);
  const s = state(sim);
  const key = unitKey(call.serialNumber, call.partNumber);
  let wf = s.units[key];
  if (!wf) {
    wf = { serialNumber: call.serialNumber, partNumber: call.partNumber, status: call.status, running: null, runs: [] };
    s.units[key] = wf;
  } else if (wf.status !== call.status || wf.running) {
    return false;
  }
  wf.running = { startedUtc: new Date().toISOString(), ...optional(call.operatorName, call.stationName) };
  await sim.state.save(STATE);
  return true;
}

/** EndTest: true when a test started with the same status is running; records the result. */
export async function endTest(sim: SimContext, call: WorkflowCall & { passed: boolean }): Promise<boolean> {
  requireUnit(sim, call);
  const wf = state(sim).units[unitKey(call.serialNumber, call.partNumber)];
  if (!wf || !wf.running || wf.status !== call.status) return false;
  const finished: FinishedTest = { ...wf.running, endedUtc: new Date().toISOString(), passed: call.passed };
  if (call.operatorName !== undefined) finished.endOperatorName = call.operatorName;
  if (call.stationName !== undefined) finished.endStationName = call.stationName;
  wf.runs.push(finished);
  wf.running = null;
  await sim.state.save(STATE);
  return true;
}

function optional(operatorName: string | undefined, stationName: string | undefined): Partial<RunningTest> {
  const out: Partial<RunningTest> = {};
  if (operatorName !== undefined) out.operatorName = operatorName;
  if (stationName !== undefined) out.stationName = stationName;
  return out;
}
