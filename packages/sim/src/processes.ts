/**
 * The processes (test and repair operations) the simulator knows by code. A report that names
 * its own `processName` keeps it; otherwise the header query looks the code up here. This is
 * the one place to extend when more operations are needed.
 */
export interface SimProcess {
  code: number;
  name: string;
  /** Test operations run UUT reports; repair operations run UUR reports. */
  kind: 'test' | 'repair';
}

export const BUILT_IN_PROCESSES: readonly SimProcess[] = [
  { code: 10, name: 'SW Debug', kind: 'test' },
  { code: 500, name: 'Repair', kind: 'repair' },
];

/** The name of a process code, or undefined when the simulator does not know it. */
export function processName(code: number): string | undefined {
  return BUILT_IN_PROCESSES.find((p) => p.code === code)?.name;
}
