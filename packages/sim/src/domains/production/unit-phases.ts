/**
 * Unit phases, as `PUT /api/Production/SetUnitPhase` documents them (ids are bit flags; the
 * queued phases add 4096). The names are what `Unit.unitPhase` shows and what a revision's
 * `PhaseFinalized` tag names.
 */
export interface UnitPhase {
  id: number;
  name: string;
  description: string;
}

export const UNIT_PHASES: readonly UnitPhase[] = [
  { id: 1, name: 'Unknown', description: 'Unknown unit phase' },
  { id: 2, name: 'Under production', description: 'Unit is under production' },
  { id: 4, name: 'Production repair', description: 'Unit is being repaired' },
  { id: 8, name: 'Service repair', description: 'Unit is being repaired for service (RMA)' },
  { id: 16, name: 'Finalized', description: 'Unit is finalized' },
  { id: 32, name: 'Scrapped', description: 'Unit is scrapped' },
  { id: 64, name: 'Extended test', description: 'Unit is under extended test' },
  { id: 128, name: 'Customization', description: 'Unit is under customization' },
  { id: 256, name: 'Repaired', description: 'Unit has been repaired' },
  { id: 512, name: 'Missing', description: 'Unit is marked as missing' },
  { id: 1024, name: 'In storage', description: 'Unit is in store (warehouse)' },
  { id: 2048, name: 'Shipped', description: 'Unit is shipped (out of factory)' },
  { id: 4098, name: 'Under production - Queued', description: 'Unit is under production in a queue' },
  { id: 4100, name: 'Production repair - Queued', description: 'Unit is waiting for production repair' },
  { id: 4104, name: 'Service repair - Queued', description: 'Unit is waiting for service repair (RMA)' },
];

export const PHASE_IDS: readonly number[] = UNIT_PHASES.map((p) => p.id);

/** A new unit's phase when none is given. */
export const DEFAULT_PHASE = 2;
export const FINALIZED_PHASE = 16;

export function phaseName(id: number): string {
  return UNIT_PHASES.find((p) => p.id === id)?.name ?? `Phase ${id}`;
}

/** True when `text` names the phase `id` (ignoring case, spaces, `-` and `_`). */
export function phaseNamed(id: number, text: string): boolean {
  const norm = (s: string) => s.replace(/[\s_-]+/g, '').toUpperCase();
  const phase = UNIT_PHASES.find((p) => p.id === id);
  return phase !== undefined && (norm(phase.name) === norm(text) || String(id) === text.trim());
}
