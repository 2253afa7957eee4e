import type { DomainStates } from '../../store/domain-state.js';
import { likeMatcher, splitList } from './wildcard.js';

/**
 * Product groups: named sets of products, defined (as in WATS) by filters on the part
 * number. A part number may be in several groups. The analytics `productGroup` /
 * `productGroupId` filters and the `productGroup` dimension use these definitions.
 */
export interface SimProductGroup {
  productGroupId: number;
  productGroupName: string;
  /** Part-number patterns (`%` and `_` wildcards, case ignored) that put a product in the group. */
  partNumbers: string[];
}

interface ProductGroupState {
  groups: SimProductGroup[];
  nextId: number;
}

/** The domain-state name (`<dataDir>/state/product-groups.json`). */
export const PRODUCT_GROUP_STATE = 'product-groups';

type States = { state: DomainStates };

function defaults(): ProductGroupState {
  return {
    groups: [
      { productGroupId: 1, productGroupName: 'Power supplies', partNumbers: ['PSU-%'] },
      { productGroupId: 2, productGroupName: 'Controllers', partNumbers: ['CTRL-%'] },
      { productGroupId: 3, productGroupName: 'Sensors', partNumbers: ['SNS-%'] },
    ],
    nextId: 4,
  };
}

function groupState(sim: States): ProductGroupState {
  return sim.state.get<ProductGroupState>(PRODUCT_GROUP_STATE, defaults);
}

/** Every product group, by id: the live objects (after changing one, `await sim.state.save(PRODUCT_GROUP_STATE)`). */
export function listProductGroups(sim: States): SimProductGroup[] {
  return [...groupState(sim).groups].sort((a, b) => a.productGroupId - b.productGroupId);
}

/** Adds a product group and persists it. */
export async function addProductGroup(
  sim: States,
  input: { productGroupName: string; partNumbers: string[] },
): Promise<SimProductGroup> {
  const state = groupState(sim);
  const group: SimProductGroup = { productGroupId: state.nextId++, ...input };
  state.groups.push(group);
  await sim.state.save(PRODUCT_GROUP_STATE);
  return group;
}

/** The groups a part number belongs to, by id. */
export function productGroupsOf(sim: States, partNumber: string | undefined): SimProductGroup[] {
  if (!partNumber) return [];
  return listProductGroups(sim).filter((g) => g.partNumbers.some((p) => likeMatcher(p)(partNumber)));
}

/**
 * Whether a part number is in the groups named by a filter value: a `;` list of group ids (the
 * GET operations' `productGroupId`) or names (the POST filters' `productGroup`, wildcards
 * allowed). An empty value matches everything.
 */
export function partNumberInGroups(sim: States, partNumber: string | undefined, spec: string | undefined): boolean {
  const entries = splitList(spec);
  if (entries.length === 0) return true;
  const groups = productGroupsOf(sim, partNumber);
  return entries.some((entry) =>
    groups.some((g) => String(g.productGroupId) === entry || likeMatcher(entry)(g.productGroupName)),
  );
}
