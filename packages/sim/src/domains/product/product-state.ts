/**
 * The product domain's state (products, their revisions and BOMs, vendors) and the views the
 * API answers with. Other domains (production) look products up here, so a unit can only name
 * a product and revision that exist.
 */
import type { SimContext } from '../../context.js';
import { HttpError } from '../../errors.js';
import { defined, sameName } from './body.js';
import { tagsOf, type Tag } from './xml-tags.js';

/** One `<Component>` of a WSBF BOM. */
export interface BomComponent {
  /** Component part number (`Number`). */
  number: string;
  /** Revision or revision mask (`Rev`); absent = any revision. */
  rev?: string;
  /** `Qty`; default 1. */
  qty: number;
  desc?: string;
  /** Reference designators (`Ref`, `;`-separated). */
  ref?: string;
  functionBlock?: string;
}

export interface StoredBom {
  description?: string;
  components: BomComponent[];
  /** When it was last put (ISO). */
  updated: string;
}

export interface StoredRevision {
  productRevisionId: string;
  revision: string;
  name?: string;
  description?: string;
  /** 1 active, 0 inactive. */
  state: number;
  xmlData?: string;
  bom?: StoredBom;
}

export interface StoredProduct {
  productId: string;
  partNumber: string;
  name?: string;
  description?: string;
  nonSerial: boolean;
  state: number;
  xmlData?: string;
  productCategoryId?: string;
  productCategoryName?: string;
  revisions: StoredRevision[];
}

export interface ProductState {
  products: StoredProduct[];
  /** Vendor names, in the order they were added. */
  vendors: string[];
}

export const PRODUCT_STATE = 'product';

/** The live product state of a simulator. */
export function productState(sim: SimContext): ProductState {
  return sim.state.get<ProductState>(PRODUCT_STATE, () => ({ products: [], vendors: [] }));
}

export function saveProductState(sim: SimContext): Promise<void> {
  return sim.state.save(PRODUCT_STATE);
}

export function findProduct(state: ProductState, partNumber: string): StoredProduct | undefined {
  return state.products.find((p) => sameName(p.partNumber, partNumber));
}

export function findProductById(state: ProductState, productId: string): StoredProduct | undefined {
  return state.products.find((p) => p.productId === productId);
}

export function findRevision(product: StoredProduct, revision: string): StoredRevision | undefined {
  return product.revisions.find((r) => sameName(r.revision, revision));
}

/** The product, or 404 naming it. */
export function requireProduct(state: ProductState, partNumber: string, where = ''): StoredProduct {
  const product = findProduct(state, partNumber);
  if (!product) throw new HttpError(404, `${where}Product '${partNumber}' was not found.`);
  return product;
}

/** The product revision, or 404 naming what is missing. */
export function requireRevision(
  state: ProductState,
  partNumber: string,
  revision: string,
  where = '',
): { product: StoredProduct; revision: StoredRevision } {
  const product = requireProduct(state, partNumber, where);
  const found = findRevision(product, revision);
  if (!found) throw new HttpError(404, `${where}Product '${product.partNumber}' has no revision '${revision}'.`);
  return { product, revision: found };
}

/** The public `ProductRevision` of a stored revision. */
export function revisionView(product: StoredProduct, r: StoredRevision): Record<string, unknown> {
  return defined({
    productRevisionId: r.productRevisionId,
    productId: product.productId,
    revision: r.revision,
    name: r.name,
    description: r.description,
    state: r.state,
    xmlData: r.xmlData,
    PartNumber: product.partNumber,
    tags: tagsOf(r.xmlData) satisfies Tag[],
  });
}

/** The public `Product`; `withRevisions: false` leaves the revision list out (units embed it so). */
export function productView(p: StoredProduct, withRevisions = true): Record<string, unknown> {
  return defined({
    productId: p.productId,
    nonSerial: p.nonSerial,
    partNumber: p.partNumber,
    name: p.name,
    description: p.description,
    state: p.state,
    xmlData: p.xmlData,
    productCategoryId: p.productCategoryId,
    productCategoryName: p.productCategoryName,
    revisions: withRevisions ? p.revisions.map((r) => revisionView(p, r)) : undefined,
    tags: tagsOf(p.xmlData),
  });
}

/** The `ProductView` row of `GET /api/Product/Query`. */
export function productListView(p: StoredProduct): Record<string, unknown> {
  return defined({
    partNumber: p.partNumber,
    name: p.name,
    category: p.productCategoryName,
    nonSerial: p.nonSerial,
    state: p.state,
  });
}
