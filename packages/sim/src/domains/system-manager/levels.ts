import type { SimContext } from '../../context.js';
import { HttpError } from '../../errors.js';
import { addLevel, listLevels, type SimLevel } from '../process/levels.js';

/**
 * The system manager's view of the level hierarchy. Levels are the one hierarchy the
 * simulator keeps (`domains/process/levels.ts`): what `GET /api/App/Levels` lists, what
 * analytics filters by, and what clients belong to.
 */

/** Level names compare ignoring case and surrounding spaces, as SQL Server would. */
function sameName(a: string, b: string): boolean {
  return a.trim().toUpperCase() === b.trim().toUpperCase();
}

function checkHierarchy(hierarchy: unknown): string[] {
  if (!Array.isArray(hierarchy) || hierarchy.length === 0) {
    throw new HttpError(400, 'hierarchy: give at least one level name, topmost first.');
  }
  hierarchy.forEach((name, i) => {
    if (typeof name !== 'string' || name.trim() === '') throw new HttpError(400, `hierarchy[${i}]: a level name must be a non-empty string.`);
  });
  return hierarchy as string[];
}

function childOf(levels: SimLevel[], parentId: number | undefined, name: string): SimLevel | undefined {
  return levels.find((l) => l.parentId === parentId && sameName(l.levelName, name));
}

export function levelById(sim: SimContext, id: number): SimLevel | undefined {
  return listLevels(sim).find((l) => l.levelId === id);
}

/** The names from the top level down to a level (`['Acme', 'Norway', 'Line 1']`). */
export function levelPath(sim: SimContext, id: number): string[] {
  const levels = listLevels(sim);
  const path: string[] = [];
  for (let level = levels.find((l) => l.levelId === id); level && path.length < 100; ) {
    path.unshift(level.levelName);
    const parentId = level.parentId;
    level = parentId === undefined ? undefined : levels.find((l) => l.levelId === parentId);
  }
  return path;
}

/** `GET /api/SystemManager/Level`: the leaf level's id, or null when some level is missing. */
export function findLevelByHierarchy(sim: SimContext, hierarchy: unknown): number | null {
  const names = checkHierarchy(hierarchy);
  const levels = listLevels(sim);
  let parentId: number | undefined;
  for (const name of names) {
    const level = childOf(levels, parentId, name);
    if (!level) return null;
    parentId = level.levelId;
  }
  return parentId ?? null;
}

/** `POST /api/SystemManager/Level`: creates the levels that are missing; answers the leaf's id. */
export async function createLevelByHierarchy(sim: SimContext, hierarchy: unknown): Promise<number> {
  const names = checkHierarchy(hierarchy);
  let parentId: number | undefined;
  for (const name of names) {
    let level = childOf(listLevels(sim), parentId, name);
    if (!level) {
      const input: { levelName: string; parentId?: number } = { levelName: name.trim() };
      if (parentId !== undefined) input.parentId = parentId;
      level = await addLevel(sim, input);
    }
    parentId = level.levelId;
  }
  return parentId!;
}
