/**
 * Status severity and propagation.
 *
 * Modelled on the C# API's Active mode (sdk.md §2.13): a Failed, Error or Terminated step
 * raises its parent's status when the parent's is less severe, and at the root it raises the
 * report `result`. **Our order:** P < F < E < T. Done (D) and Skipped (S) are neutral: they
 * never raise a parent, and a parent is never "raised" to them.
 */
import type { ReportResult, StepStatus } from './types.js';

/** Severity used for propagation; higher wins. D and S are neutral (0, like P). */
export const STATUS_SEVERITY: Readonly<Record<StepStatus, number>> = Object.freeze({
  P: 0, D: 0, S: 0, F: 1, E: 2, T: 3,
});

/**
 * True when a child with this status raises its parent: F, E or T.
 * @param status - The child's status.
 */
export function raisesParent(status: StepStatus): status is 'F' | 'E' | 'T' {
  return STATUS_SEVERITY[status] > 0;
}

/**
 * Returns the parent's status after a child with `child` status propagated into it:
 * `current` unless `child` is F/E/T and more severe.
 * @param current - The parent's status so far.
 * @param child - The child's status.
 */
export function raiseStatus<S extends StepStatus | ReportResult>(current: S, child: StepStatus): S | 'F' | 'E' | 'T' {
  return raisesParent(child) && STATUS_SEVERITY[child] > STATUS_SEVERITY[current] ? child : current;
}
