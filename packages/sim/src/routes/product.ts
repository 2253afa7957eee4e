import { untypedJson } from './route-types.js';
import { HttpError } from '../errors.js';
import { arrayBody, atomically, BodyReader, isObject, Problems, sameName } from '../domains/product/body.js';
import { addGroupFilter, filtersOf, findGroup, groupsOf } from '../domains/product/product-groups.js';
import { queryProducts } from '../domains/product/product-query.js';
import {
  productState,
  productView,
  requireProduct,
  requireRevision,
  revisionView,
  saveProductState,
} from '../domains/product/product-state.js';
import { applyProduct, applyRevision, readProduct, readRevision, type Rename } from '../domains/product/product-upsert.js';
import { productionState, saveProductionState } from '../domains/production/production-state.js';
import { followRenames } from '../domains/production/units.js';
import { parseWsbf } from '../domains/product/wsbf.js';
import { decodeText } from '../domains/product/xml-lite.js';
import { jsonBody, type RouteContext, type RouteDefinition } from './route-types.js';

const str = (v: unknown): string => v as string;

/** Saves the product state, and the units that follow renamed part numbers or revisions. */
async function saveWithRenames(ctx: RouteContext, renames: Rename[]): Promise<void> {
  await saveProductState(ctx.sim);
  if (renames.length > 0 && followRenames(productionState(ctx.sim), renames)) await saveProductionState(ctx.sim);
}

/** `PUT /api/Product`: add (no productId) or update one product; answers the stored product. */
const putProduct: RouteDefinition = {
  method: 'PUT',
  operationId: 'Product_PublicPutProduct',
  async handle(ctx) {
    const problems = new Problems();
    const input = readProduct(jsonBody(ctx), '', problems);
    problems.throwIfAny();
    const state = productState(ctx.sim);
    const renames: Rename[] = [];
    const { product } = atomically(state, () => applyProduct(state, input, renames));
    await saveWithRenames(ctx, renames);
    return { body: productView(product) };
  },
};

/** `PUT /api/Products`: the bulk (ERP) form; all or nothing. */
const putProducts: RouteDefinition = {
  method: 'PUT',
  operationId: 'Product_PutProducts',
  async handle(ctx) {
    const problems = new Problems();
    const inputs = arrayBody(jsonBody(ctx), 'Product objects').map((p, i) => readProduct(p, `[${i}].`, problems));
    problems.throwIfAny();
    const state = productState(ctx.sim);
    const renames: Rename[] = [];
    const results = atomically(state, () => inputs.map((input) => applyProduct(state, input, renames)));
    await saveWithRenames(ctx, renames);
    const insertCount = results.filter((r) => r.inserted).length;
    return { body: { insertCount, updateCount: results.length - insertCount } };
  },
};

/** `PUT /api/Product/Revision`: add or update one revision, named by productId or PartNumber. */
const putRevision: RouteDefinition = {
  method: 'PUT',
  operationId: 'Product_PublicPutProductRevision',
  async handle(ctx) {
    const problems = new Problems();
    const input = readRevision(jsonBody(ctx), '', problems);
    problems.throwIfAny();
    const state = productState(ctx.sim);
    const renames: Rename[] = [];
    const { product, revision } = atomically(state, () => applyRevision(state, input, renames));
    await saveWithRenames(ctx, renames);
    return { body: revisionView(product, revision) };
  },
};

/** `PUT /api/Products/Revisions`: the bulk form; all or nothing. */
const putRevisions: RouteDefinition = {
  method: 'PUT',
  operationId: 'Product_PutProductRevisions',
  async handle(ctx) {
    const problems = new Problems();
    const inputs = arrayBody(jsonBody(ctx), 'ProductRevision objects').map((r, i) => readRevision(r, `[${i}].`, problems));
    problems.throwIfAny();
    const state = productState(ctx.sim);
    const renames: Rename[] = [];
    const results = atomically(state, () => inputs.map((input) => applyRevision(state, input, renames)));
    await saveWithRenames(ctx, renames);
    const insertCount = results.filter((r) => r.inserted).length;
    return { body: { insertCount, updateCount: results.length - insertCount } };
  },
};

const getProduct: RouteDefinition = {
  method: 'GET',
  operationId: 'Product_PublicGetProduct',
  handle(ctx) {
    return { body: productView(requireProduct(productState(ctx.sim), str(ctx.params.path.partNumber))) };
  },
};

const getRevision: RouteDefinition = {
  method: 'GET',
  operationId: 'Product_PublicGetProductRevision',
  handle(ctx) {
    const { partNumber, revision } = ctx.params.path as { partNumber: string; revision: string };
    const found = requireRevision(productState(ctx.sim), partNumber, revision);
    return { body: revisionView(found.product, found.revision) };
  },
};

const queryRoute: RouteDefinition = {
  method: 'GET',
  operationId: 'Product_PublicGetProducts',
  handle(ctx) {
    return { body: queryProducts(productState(ctx.sim).products, ctx.params.odata) };
  },
};

/** `PUT /api/Product/BOM`: a WSBF document for an existing product revision replaces its BOM. */
const putBom: RouteDefinition = {
  method: 'PUT',
  operationId: 'Product_BOM',
  async handle(ctx) {
    const text = decodeText(ctx.body);
    if (/^\s*[[{]/.test(text)) {
      throw new HttpError(400, 'The BOM must be a WSBF XML document (Content-Type: application/xml), not JSON.');
    }
    const bom = parseWsbf(text);
    const state = productState(ctx.sim);
    const { product, revision } = requireRevision(state, bom.partNumber, bom.revision, 'BOM: ');
    revision.bom = { components: bom.components, updated: new Date().toISOString() };
    if (bom.description !== undefined) revision.bom.description = bom.description;
    await saveProductState(ctx.sim);
    return {
      body: {
        partNumber: product.partNumber,
        revision: revision.revision,
        ...(bom.description !== undefined ? { description: bom.description } : {}),
        components: bom.components,
      },
    };
  },
};

function vendorNames(ctx: Parameters<RouteDefinition['handle']>[0]): string[] {
  const problems = new Problems();
  const names = arrayBody(jsonBody(ctx), 'Vendor objects ({"VendorName": "..."})').map((v, i) => {
    if (!isObject(v)) {
      problems.add(`[${i}]`, 'must be a Vendor object ({"VendorName": "..."})');
      return '';
    }
    return new BodyReader(v, problems, `[${i}].`).string('VendorName', { required: true })?.trim() ?? '';
  });
  problems.throwIfAny();
  return names;
}

const getVendors: RouteDefinition = {
  method: 'GET',
  operationId: 'Product_Vendors',
  handle(ctx) {
    const vendors = [...productState(ctx.sim).vendors].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' }));
    return untypedJson(ctx, vendors.map((VendorName) => ({ VendorName })));
  },
};

/** `PUT /api/Product/Vendors`: adds the vendors that do not exist yet (names ignore case). */
const putVendors: RouteDefinition = {
  method: 'PUT',
  operationId: 'Product_PutVendors',
  async handle(ctx) {
    const names = vendorNames(ctx);
    const state = productState(ctx.sim);
    let insertCount = 0;
    for (const name of names) {
      if (state.vendors.some((v) => sameName(v, name))) continue;
      state.vendors.push(name);
      insertCount++;
    }
    await saveProductState(ctx.sim);
    return { body: { insertCount, skipCount: names.length - insertCount } };
  },
};

/** `DELETE /api/Product/Vendors`: removes the vendors named; unknown names are skipped. */
const deleteVendors: RouteDefinition = {
  method: 'DELETE',
  operationId: 'Product_DeleteVendors',
  async handle(ctx) {
    const names = vendorNames(ctx);
    const state = productState(ctx.sim);
    const before = state.vendors.length;
    state.vendors = state.vendors.filter((v) => !names.some((n) => sameName(v, n)));
    const deleteCount = before - state.vendors.length;
    await saveProductState(ctx.sim);
    return { body: { deleteCount, skipCount: names.length - deleteCount } };
  },
};

/** `POST /api/Product/ProductGroupFilter`: adds an include or exclude filter to an existing group. */
const postGroupFilter: RouteDefinition = {
  method: 'POST',
  operationId: 'Product_ProductGroupFilter',
  async handle(ctx) {
    const q = ctx.params.query as { productGroup: string; partNumber: string; revision?: string; exclude?: boolean };
    if (q.productGroup.trim() === '') throw new HttpError(400, 'productGroup: required');
    if (q.partNumber.trim() === '') throw new HttpError(400, 'partNumber: required');
    const group = findGroup(ctx.sim, q.productGroup);
    if (!group) throw new HttpError(404, `productGroup: there is no product group named '${q.productGroup}'.`);
    await addGroupFilter(ctx.sim, group, { partNumber: q.partNumber, revision: q.revision, exclude: q.exclude ?? false });
    return {
      body: {
        productGroupId: group.productGroupId,
        productGroupName: group.productGroupName,
        partNumbers: group.partNumbers,
        filters: filtersOf(ctx.sim, group),
      },
    };
  },
};

/** `GET /api/Product/ProductGroupsByProduct`: the groups an existing product (revision) is in. */
const getGroupsByProduct: RouteDefinition = {
  method: 'GET',
  operationId: 'Product_GetProductGroupsByProduct',
  handle(ctx) {
    const q = ctx.params.query as { partNumber: string; revision?: string };
    const state = productState(ctx.sim);
    const revision = q.revision?.trim() ? q.revision : undefined;
    const product =
      revision === undefined ? requireProduct(state, q.partNumber) : requireRevision(state, q.partNumber, revision).product;
    const found = groupsOf(ctx.sim, product.partNumber, revision);
    return untypedJson(ctx, found.map((g) => ({ productGroupId: g.productGroupId, productGroupName: g.productGroupName })));
  },
};

export const productRoutes: RouteDefinition[] = [
  putProduct,
  putProducts,
  putRevision,
  putRevisions,
  getProduct,
  getRevision,
  queryRoute,
  putBom,
  getVendors,
  putVendors,
  deleteVendors,
  postGroupFilter,
  getGroupsByProduct,
];
