import type { RequestOptions } from '../client.js';
import { WatsError } from '../core/errors.js';
import { PagedQuery } from '../core/pagination.js';
import { APIResource } from '../core/resource.js';
import type { components } from '../generated/wats-api.js';
import type { Filter } from '../odata/filter.js';
import { toWsbf, type Bom } from './product-bom.js';

type Schemas = components['schemas'];

/** A product (part number) with its revisions (`Mes.Product.Public.Product`). */
export type Product = Schemas['Virinco.WATS.Web.Dashboard.Models.Mes.Product.Public.Product'];
/** A product revision (`Mes.Product.Public.ProductRevision`); note the spec's capital `PartNumber`. */
export type ProductRevision = Schemas['Virinco.WATS.Web.Dashboard.Models.Mes.Product.Public.ProductRevision'];
/** A row of the product list (`Mes.Product.ProductView`). */
export type ProductView = Schemas['Virinco.WATS.Web.Dashboard.Models.Mes.Product.ProductView'];
/** One key/value pair of `xmlData`, as the read-only `tags` list shows it. */
export type ProductTag = Schemas['Virinco.WATS.Web.Dashboard.Models.Mes.Product.Setting'];
/** A vendor (`Mes.ERP.Vendor`): `{ VendorName }`. */
export type Vendor = Schemas['Virinco.WATS.Web.Dashboard.Models.Mes.ERP.Vendor'];

/**
 * What a bulk call answered. The spec documents no body for these calls; the simulator
 * answers counts (`insertCount`/`updateCount`, `deleteCount`, `skipCount`), and whatever a
 * server sends is passed through.
 */
export interface SaveResult {
  insertCount?: number;
  updateCount?: number;
  deleteCount?: number;
  skipCount?: number;
  [key: string]: unknown;
}

/** `PUT /api/Product` input: name the product by `partNumber` (add or update) or `productId` (update). */
export type ProductInput = Omit<Product, 'tags' | 'revisions'> & {
  revisions?: ProductRevisionInput[];
  /** Used only when `xmlData` is absent: the pairs become `xmlData`. */
  tags?: ProductTag[];
} & ({ partNumber: string } | { productId: string });

/**
 * `PUT /api/Product/Revision` input: name the product by `partNumber` (sent as the spec's
 * `PartNumber`) or `productId`, and the revision by `revision` or `productRevisionId`.
 */
export type ProductRevisionInput = Omit<ProductRevision, 'tags' | 'PartNumber'> & {
  partNumber?: string;
  PartNumber?: string;
  tags?: ProductTag[];
};

/** A product group a product belongs to (the fields of `GET /api/App/ProductGroups`). */
export interface ProductGroupRef {
  productGroupId: number;
  productGroupName: string;
  [key: string]: unknown;
}

type ProductOrderField = 'partNumber' | 'name' | 'category' | 'state';
type ProductOrderBy = ProductOrderField | `${ProductOrderField} asc` | `${ProductOrderField} desc`;

/** Options for {@link ProductResource.query} (OData on `GET /api/Product/Query`). */
export interface ProductQueryParams {
  /** `$filter` over `partNumber`, `name`, `category`, `nonSerial`, `state`. */
  filter?: Filter | string;
  /** `$orderby`. @default 'partNumber' */
  orderBy?: ProductOrderBy | ProductOrderBy[];
  /** `$top` of the awaited page; always sent. Max 10000. @default pageSize */
  top?: number;
  /** `$skip`. @default 0 */
  skip?: number;
  /** `$select`. */
  select?: (keyof ProductView)[];
  /** Page size when iterating. Max 10000. @default 1000 */
  pageSize?: number;
  /** Stop iterating after this many products. */
  limit?: number;
}

const MAX_TOP = 10_000;

/** Checks `$top`-style paging arguments; throws `WATS_ERR_ARGUMENT`. */
export function checkPaging(values: Record<string, number>, max = MAX_TOP): void {
  for (const [name, v] of Object.entries(values)) {
    const min = name === 'skip' ? 0 : 1;
    if (!Number.isInteger(v) || v < min || v > (name === 'skip' ? Number.MAX_SAFE_INTEGER : max)) {
      throw new WatsError(`${name} must be a whole number from ${min}${name === 'skip' ? '' : ` to ${max}`}, got ${v}`, {
        code: 'WATS_ERR_ARGUMENT',
      });
    }
  }
}

/** A list from an answer that is a list, or an object holding one under `key` (the spec types many as `object`). */
export function listFrom<T>(data: unknown, key: string, what: string): T[] {
  if (Array.isArray(data)) return data as T[];
  const inner = data && typeof data === 'object' ? (data as Record<string, unknown>)[key] : undefined;
  if (Array.isArray(inner)) return inner as T[];
  throw new WatsError(`${what} did not return a list`, { code: 'WATS_ERR_RESPONSE' });
}

/** The answer of a bulk call as a {@link SaveResult}. */
export function saveResult(data: unknown): SaveResult {
  return data && typeof data === 'object' && !Array.isArray(data) ? (data as SaveResult) : {};
}

/** A revision body with `partNumber` sent under the spec's name `PartNumber`. */
function revisionBody(input: ProductRevisionInput): Record<string, unknown> {
  const { partNumber, ...rest } = input;
  return partNumber === undefined || rest.PartNumber !== undefined ? rest : { ...rest, PartNumber: partNumber };
}

function productBody(input: ProductInput): Record<string, unknown> {
  return input.revisions ? { ...input, revisions: input.revisions.map(revisionBody) } : { ...input };
}

function vendorBody(vendors: readonly (string | Vendor)[]): Vendor[] {
  return vendors.map((v) => (typeof v === 'string' ? { VendorName: v } : v));
}

/** Products: products, revisions, BOM, vendors, product groups. */
export class ProductResource extends APIResource {
  /**
   * A product with its revisions, by part number (404 `NotFoundError` when unknown).
   * @operation GET /api/Product/{partNumber}
   */
  async get(partNumber: string, options?: RequestOptions): Promise<Product> {
    const path = `/api/Product/${encodeURIComponent(partNumber)}`;
    return (await this.client.request<Product>({ method: 'GET', path }, options)).data;
  }

  /**
   * One revision of a product.
   * @operation GET /api/Product/{partNumber}/{revision}
   */
  async getRevision(partNumber: string, revision: string, options?: RequestOptions): Promise<ProductRevision> {
    const path = `/api/Product/${encodeURIComponent(partNumber)}/${encodeURIComponent(revision)}`;
    return (await this.client.request<ProductRevision>({ method: 'GET', path }, options)).data;
  }

  /**
   * Adds a product (no `productId`) or updates one; answers the stored product.
   * @operation PUT /api/Product
   */
  async save(product: ProductInput, options?: RequestOptions): Promise<Product> {
    const res = await this.client.request<Product>({ method: 'PUT', path: '/api/Product', body: productBody(product) }, options);
    return res.data;
  }

  /**
   * Adds or updates many products at once (the ERP-integration route).
   * @operation PUT /api/Products
   */
  async saveMany(products: ProductInput[], options?: RequestOptions): Promise<SaveResult> {
    const body = products.map(productBody);
    return saveResult((await this.client.request({ method: 'PUT', path: '/api/Products', body }, options)).data);
  }

  /**
   * Adds a revision (no `productRevisionId`) or updates one; answers the stored revision.
   * @operation PUT /api/Product/Revision
   */
  async saveRevision(revision: ProductRevisionInput, options?: RequestOptions): Promise<ProductRevision> {
    const body = revisionBody(revision);
    return (await this.client.request<ProductRevision>({ method: 'PUT', path: '/api/Product/Revision', body }, options)).data;
  }

  /**
   * Adds or updates many revisions at once (the ERP-integration route).
   * @operation PUT /api/Products/Revisions
   */
  async saveRevisions(revisions: ProductRevisionInput[], options?: RequestOptions): Promise<SaveResult> {
    const body = revisions.map(revisionBody);
    return saveResult((await this.client.request({ method: 'PUT', path: '/api/Products/Revisions', body }, options)).data);
  }

  /**
   * Products matching an OData query: await it for one page, or iterate it with `for await`.
   * @operation GET /api/Product/Query
   */
  query(params: ProductQueryParams = {}, options?: RequestOptions): PagedQuery<ProductView> {
    const pageSize = params.pageSize ?? 1000;
    const top = params.top ?? pageSize;
    const skip = params.skip ?? 0;
    checkPaging({ pageSize, top, skip });
    const orderBy = [params.orderBy ?? 'partNumber'].flat();
    const filter = params.filter === undefined ? undefined : String(params.filter);
    const fetchPage = async (pageSkip: number, pageTop: number): Promise<ProductView[]> => {
      const query = {
        $filter: filter,
        $orderby: orderBy.join(','),
        $top: pageTop,
        $skip: pageSkip || undefined,
        $select: params.select?.join(','),
      };
      const res = await this.client.request<unknown>({ method: 'GET', path: '/api/Product/Query', query }, options);
      return listFrom<ProductView>(res.data, 'products', 'GET /api/Product/Query');
    };
    const keyOf = params.select && !params.select.includes('partNumber') ? undefined : (p: ProductView) => p.partNumber?.toUpperCase();
    return new PagedQuery(fetchPage, { skip, top }, pageSize, keyOf, params.limit);
  }

  /**
   * Inserts or replaces the BOM of a product revision. Takes a {@link Bom} (written as WSBF
   * XML) or a WSBF document as a string; sent as `application/xml`.
   * @operation PUT /api/Product/BOM
   */
  async saveBom(bom: Bom | string, options?: RequestOptions): Promise<void> {
    const body = typeof bom === 'string' ? bom : toWsbf(bom);
    await this.client.request({ method: 'PUT', path: '/api/Product/BOM', body, contentType: 'application/xml' }, options);
  }

  /**
   * Every vendor.
   * @operation GET /api/Product/Vendors
   */
  async listVendors(options?: RequestOptions): Promise<Vendor[]> {
    const res = await this.client.request<unknown>({ method: 'GET', path: '/api/Product/Vendors' }, options);
    return listFrom<Vendor>(res.data, 'vendors', 'GET /api/Product/Vendors');
  }

  /**
   * Adds the vendors that do not exist yet; sent as `[{ "VendorName": … }]`.
   * @operation PUT /api/Product/Vendors
   */
  async addVendors(vendors: readonly (string | Vendor)[], options?: RequestOptions): Promise<SaveResult> {
    const body = vendorBody(vendors);
    return saveResult((await this.client.request({ method: 'PUT', path: '/api/Product/Vendors', body }, options)).data);
  }

  /**
   * Deletes vendors; the names go in the body as `[{ "VendorName": … }]`.
   * @operation DELETE /api/Product/Vendors
   */
  async deleteVendors(vendors: readonly (string | Vendor)[], options?: RequestOptions): Promise<SaveResult> {
    const body = vendorBody(vendors);
    return saveResult((await this.client.request({ method: 'DELETE', path: '/api/Product/Vendors', body }, options)).data);
  }

  /**
   * Adds an include (or `exclude: true`) filter for a part number (and revision) to an
   * existing product group. Part numbers may use the `%` and `_` wildcards.
   * @operation POST /api/Product/ProductGroupFilter
   */
  async addGroupFilter(
    params: { productGroup: string; partNumber: string; revision?: string; exclude?: boolean },
    options?: RequestOptions,
  ): Promise<void> {
    const query = { productGroup: params.productGroup, partNumber: params.partNumber, revision: params.revision, exclude: params.exclude };
    await this.client.request({ method: 'POST', path: '/api/Product/ProductGroupFilter', query }, options);
  }

  /**
   * The product groups a product (or one revision of it) belongs to.
   * @operation GET /api/Product/ProductGroupsByProduct
   */
  async getGroupsByProduct(params: { partNumber: string; revision?: string }, options?: RequestOptions): Promise<ProductGroupRef[]> {
    const query = { partNumber: params.partNumber, revision: params.revision };
    const res = await this.client.request<unknown>({ method: 'GET', path: '/api/Product/ProductGroupsByProduct', query }, options);
    return listFrom<ProductGroupRef>(res.data, 'productGroups', 'GET /api/Product/ProductGroupsByProduct');
  }
}
