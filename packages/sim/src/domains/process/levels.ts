import type { DomainStates } from '../../store/domain-state.js';
import { likeMatcher, splitList } from './wildcard.js';

/**
 * Levels (WATS "client groups"): a hierarchy of sites, lines and labs that stations belong to.
 * The simulator has no station registry of its own, so a report is placed by its `location`:
 * it belongs to every level that lists that location (or is named like it), and to all of
 * their ancestors. Filtering analytics by a level therefore includes the levels below it.
 */
export interface SimLevel {
  levelId: number;
  levelName: string;
  /** The level above; absent for a root. */
  parentId?: number;
  /** Report locations that belong to this level (compared ignoring case). */
  locations: string[];
}

interface LevelState {
  levels: SimLevel[];
  nextId: number;
}

/** The domain-state name (`<dataDir>/state/levels.json`). */
export const LEVEL_STATE = 'levels';

type States = { state: DomainStates };

/** A small company: one site with three lines, and a lab. */
function defaults(): LevelState {
  return {
    levels: [
      { levelId: 1, levelName: 'Acme', locations: [] },
      { levelId: 2, levelName: 'Norway', parentId: 1, locations: [] },
      { levelId: 3, levelName: 'Line 1', parentId: 2, locations: ['Line 1'] },
      { levelId: 4, levelName: 'Line 2', parentId: 2, locations: ['Line 2'] },
      { levelId: 5, levelName: 'Line 3', parentId: 2, locations: ['Line 3'] },
      { levelId: 6, levelName: 'Lab', parentId: 1, locations: ['Lab', 'Development'] },
    ],
    nextId: 7,
  };
}

function levelState(sim: States): LevelState {
  return sim.state.get<LevelState>(LEVEL_STATE, defaults);
}

/** Every level, by id: the live objects (after changing one, `await sim.state.save(LEVEL_STATE)`). */
export function listLevels(sim: States): SimLevel[] {
  return [...levelState(sim).levels].sort((a, b) => a.levelId - b.levelId);
}

/** Adds a level and persists it. */
export async function addLevel(
  sim: States,
  input: { levelName: string; parentId?: number; locations?: string[] },
): Promise<SimLevel> {
  const state = levelState(sim);
  const level: SimLevel = { levelId: state.nextId++, levelName: input.levelName, locations: input.locations ?? [] };
  if (input.parentId !== undefined) level.parentId = input.parentId;
  state.levels.push(level);
  await sim.state.save(LEVEL_STATE);
  return level;
}

/** The levels a report location belongs to: the matching levels and all their ancestors. */
export function levelsOfLocation(sim: States, location: string | undefined): SimLevel[] {
  if (!location) return [];
  const levels = levelState(sim).levels;
  const wanted = location.trim().toLowerCase();
  const found = new Map<number, SimLevel>();
  for (const level of levels) {
    const names = [level.levelName, ...level.locations].map((n) => n.trim().toLowerCase());
    if (!names.includes(wanted)) continue;
    // Walk up; the guard stops a cycle someone saved by hand.
    for (let l: SimLevel | undefined = level; l && !found.has(l.levelId); ) {
      found.set(l.levelId, l);
      const parentId: number | undefined = l.parentId;
      l = parentId === undefined ? undefined : levels.find((p) => p.levelId === parentId);
    }
  }
  return [...found.values()];
}

/** The most specific level of a location (the deepest match), for a `level` dimension. */
export function levelOfLocation(sim: States, location: string | undefined): SimLevel | undefined {
  const found = levelsOfLocation(sim, location);
  const depth = (l: SimLevel): number => {
    let d = 0;
    for (let p = l.parentId; p !== undefined && d < 50; d++) p = found.find((x) => x.levelId === p)?.parentId;
    return d;
  };
  return found.sort((a, b) => depth(b) - depth(a))[0];
}

/**
 * Whether a report location is inside the levels named by a filter value: a `;` list of level
 * ids (`"3;6"`, what the GET operations send as `levelId`) or names (the POST filters' `level`,
 * `%`/`_` wildcards allowed). An empty value matches everything.
 */
export function locationInLevels(sim: States, location: string | undefined, spec: string | undefined): boolean {
  const entries = splitList(spec);
  if (entries.length === 0) return true;
  const levels = levelsOfLocation(sim, location);
  return entries.some((entry) =>
    levels.some((l) => String(l.levelId) === entry || likeMatcher(entry)(l.levelName)),
  );
}
