/**
 * Product-group filters (`POST /api/Product/ProductGroupFilter`) and group lookup by product
 * (`GET /api/Product/ProductGroupsByProduct`), on the product groups the process domain keeps
 * (`domains/process/product-groups.ts`: the groups of `GET /api/App/ProductGroups` and of the
 * analytics `productGroup` filters). The public API cannot create a group, only add filters to
 * an existing one.
 *
 * A group there is a list of part-number patterns (SQL `LIKE`: `%`, `_`, case ignored). A filter
 * added here is kept in order in this domain's own state, and:
 * - an include filter without a revision is also added to the group's patterns, so the group
 *   list and analytics see the product at once;
 * - an exclude filter without a revision whose pattern is one of the group's patterns removes it.
 * Membership here: the group's patterns decide first, then the filters in the order they were
 * added, the last matching one winning (include or exclude). Excludes of a narrower pattern,
 * and revision filters, apply here only (the shared model has no place for them).
 */
import type { SimContext } from '../../context.js';
import { listProductGroups, PRODUCT_GROUP_STATE, type SimProductGroup } from '../process/product-groups.js';
import { likeMatcher } from '../process/wildcard.js';
import { sameName } from './body.js';

export interface GroupFilter {
  id: number;
  productGroupId: number;
  partNumber: string;
  revision?: string;
  exclude: boolean;
  orderNo: number;
}

interface FilterState {
  filters: GroupFilter[];
  nextId: number;
}

export const GROUP_FILTER_STATE = 'product-group-filters';

function filterState(sim: SimContext): FilterState {
  return sim.state.get<FilterState>(GROUP_FILTER_STATE, () => ({ filters: [], nextId: 1 }));
}

/** The group with this name (case ignored), as the process domain keeps it (a live object). */
export function findGroup(sim: SimContext, name: string): SimProductGroup | undefined {
  return listProductGroups(sim).find((g) => sameName(g.productGroupName, name));
}

/** The filters added to a group, in order. */
export function filtersOf(sim: SimContext, group: SimProductGroup): GroupFilter[] {
  return filterState(sim)
    .filters.filter((f) => f.productGroupId === group.productGroupId)
    .sort((a, b) => a.orderNo - b.orderNo);
}

/** Adds a filter (the same filter twice is kept once) and updates the group's patterns. */
export async function addGroupFilter(
  sim: SimContext,
  group: SimProductGroup,
  input: { partNumber: string; revision?: string; exclude: boolean },
): Promise<GroupFilter> {
  const state = filterState(sim);
  const partNumber = input.partNumber.trim();
  const revision = input.revision?.trim() ? input.revision.trim() : undefined;
  const mine = filtersOf(sim, group);
  let filter = mine.find((f) => sameName(f.partNumber, partNumber) && sameName(f.revision, revision) && f.exclude === input.exclude);
  if (!filter) {
    filter = { id: state.nextId++, productGroupId: group.productGroupId, partNumber, exclude: input.exclude, orderNo: (mine.at(-1)?.orderNo ?? 0) + 1 };
    if (revision !== undefined) filter.revision = revision;
    state.filters.push(filter);
    await sim.state.save(GROUP_FILTER_STATE);
  }
  if (revision === undefined) {
    const at = group.partNumbers.findIndex((p) => sameName(p, partNumber));
    if (!input.exclude && at < 0) group.partNumbers.push(partNumber);
    if (input.exclude && at >= 0) group.partNumbers.splice(at, 1);
    await sim.state.save(PRODUCT_GROUP_STATE);
  }
  return filter;
}

function filterMatches(f: GroupFilter, partNumber: string, revision: string | undefined): boolean {
  if (!likeMatcher(f.partNumber)(partNumber)) return false;
  if (f.revision === undefined) return true;
  // Asked about a whole product: a revision-specific include puts part of it in the group,
  // a revision-specific exclude does not take all of it out.
  if (revision === undefined) return !f.exclude;
  return likeMatcher(f.revision)(revision);
}

/** True when the product (or one revision of it) is in the group. */
export function isInGroup(sim: SimContext, group: SimProductGroup, partNumber: string, revision?: string): boolean {
  let member = group.partNumbers.some((p) => likeMatcher(p)(partNumber));
  for (const f of filtersOf(sim, group)) if (filterMatches(f, partNumber, revision)) member = !f.exclude;
  return member;
}

/** The groups a product (or one revision of it) is in, by id. */
export function groupsOf(sim: SimContext, partNumber: string, revision?: string): SimProductGroup[] {
  return listProductGroups(sim).filter((g) => isInGroup(sim, g, partNumber, revision));
}
