/**
 * Adding and updating products and revisions (`PUT /api/Product`, `/api/Product/Revision` and the
 * bulk `/api/Products`, `/api/Products/Revisions`). Bodies are read first, with every problem
 * reported in one 400; then applied. Fields a body leaves out (or sends as null) keep their
 * stored values, so a client may send only what changes. Renames (a new part number for a
 * `productId`, a new name for a `productRevisionId`) are collected so units can follow them.
 */
import { randomUUID } from 'node:crypto';
import { HttpError } from '../../errors.js';
import { derivedGuid } from '../../guid.js';
import { BodyReader, isObject, prop, sameName, type Json, type Problems } from './body.js';
import {
  findProduct,
  findProductById,
  findRevision,
  type ProductState,
  type StoredProduct,
  type StoredRevision,
} from './product-state.js';
import { checkXmlData, xmlDataFromTags } from './xml-tags.js';

const STATES = [0, 1] as const;

export interface RevisionInput {
  at: string;
  productRevisionId?: string;
  productId?: string;
  partNumber?: string;
  revision?: string;
  name?: string;
  description?: string;
  state?: number;
  xmlData?: string;
}

export interface ProductInput {
  at: string;
  productId?: string;
  partNumber?: string;
  name?: string;
  description?: string;
  nonSerial?: boolean;
  state?: number;
  xmlData?: string;
  productCategoryId?: string;
  productCategoryName?: string;
  revisions: RevisionInput[];
}

/** A part number or revision that an update renamed (units follow it). */
export interface Rename {
  partNumber: string;
  /** Set for a revision rename (`partNumber` is then the product's current part number). */
  revision?: { from: string; to: string };
  /** Set for a part-number rename. */
  from?: string;
}

/** `xmlData` when sent, else the document built from a `tags` list, else undefined. */
function readXmlData(r: BodyReader): string | undefined {
  const xml = r.string('xmlData');
  if (xml !== undefined) return checkXmlData(xml, `${r.at}xmlData`, r.problems);
  return xmlDataFromTags(prop(r.obj, 'tags'), `${r.at}tags`, r.problems);
}

/** Reads a `ProductRevision` body (`at` prefixes field names in messages). */
export function readRevision(value: unknown, at: string, problems: Problems): RevisionInput {
  if (!isObject(value)) {
    problems.add(at || '(body)', 'must be a ProductRevision object');
    return { at };
  }
  const r = new BodyReader(value, problems, at);
  return {
    at,
    productRevisionId: r.guid('productRevisionId'),
    productId: r.guid('productId'),
    partNumber: r.string('PartNumber'),
    revision: r.string('revision'),
    name: r.string('name'),
    description: r.string('description'),
    state: r.int('state', STATES),
    xmlData: readXmlData(r),
  };
}

/** Reads a `Product` body, nested revisions included. */
export function readProduct(value: unknown, at: string, problems: Problems): ProductInput {
  if (!isObject(value)) {
    problems.add(at || '(body)', 'must be a Product object');
    return { at, revisions: [] };
  }
  const r = new BodyReader(value, problems, at);
  const partNumber = r.string('partNumber');
  if (partNumber !== undefined && partNumber.trim() === '') problems.add(`${at}partNumber`, 'must not be empty');
  return {
    at,
    productId: r.guid('productId'),
    partNumber,
    name: r.string('name'),
    description: r.string('description'),
    nonSerial: r.boolean('nonSerial'),
    state: r.int('state', STATES),
    xmlData: readXmlData(r),
    productCategoryId: r.guid('productCategoryId'),
    productCategoryName: r.string('productCategoryName'),
    revisions: (r.objects('revisions') ?? []).map((rev: Json, i) => readRevision(rev, `${at}revisions[${i}].`, problems)),
  };
}

/** Sets the fields that were sent; leaves the others. */
function assign<T extends object>(target: T, changes: Partial<T>): void {
  for (const [k, v] of Object.entries(changes)) if (v !== undefined) (target as Json)[k] = v;
}

/** Adds or updates one revision of `product`. */
function applyRevisionTo(
  product: StoredProduct,
  input: RevisionInput,
  renames: Rename[],
): { revision: StoredRevision; inserted: boolean } {
  const { at } = input;
  let revision: StoredRevision | undefined;
  if (input.productRevisionId !== undefined) {
    revision = product.revisions.find((r) => r.productRevisionId === input.productRevisionId);
    if (!revision) {
      throw new HttpError(404, `${at}productRevisionId: product '${product.partNumber}' has no revision with id '${input.productRevisionId}'.`);
    }
    if (input.revision !== undefined && !sameName(input.revision, revision.revision)) {
      const clash = findRevision(product, input.revision);
      if (clash) throw new HttpError(400, `${at}revision: '${product.partNumber}' already has a revision '${clash.revision}'.`);
    }
  } else {
    if (input.revision === undefined || input.revision.trim() === '') {
      throw new HttpError(400, `${at}revision: required`);
    }
    revision = findRevision(product, input.revision);
  }
  const changes = { revision: input.revision, name: input.name, description: input.description, state: input.state, xmlData: input.xmlData };
  if (revision) {
    const before = revision.revision;
    assign(revision, changes);
    if (before !== revision.revision) renames.push({ partNumber: product.partNumber, revision: { from: before, to: revision.revision } });
    return { revision, inserted: false };
  }
  const created: StoredRevision = { productRevisionId: randomUUID(), revision: input.revision!, state: 1 };
  assign(created, changes);
  product.revisions.push(created);
  return { revision: created, inserted: true };
}

/** Adds or updates a revision named by `productId` or `PartNumber` in the body. */
export function applyRevision(
  state: ProductState,
  input: RevisionInput,
  renames: Rename[] = [],
): { product: StoredProduct; revision: StoredRevision; inserted: boolean } {
  const { at } = input;
  let product: StoredProduct | undefined;
  if (input.productId !== undefined) {
    product = findProductById(state, input.productId);
    if (!product) throw new HttpError(404, `${at}productId: no product has the id '${input.productId}'.`);
    if (input.partNumber !== undefined && input.partNumber !== '' && !sameName(input.partNumber, product.partNumber)) {
      throw new HttpError(400, `${at}PartNumber: '${input.partNumber}' is not the part number of product ${input.productId} ('${product.partNumber}').`);
    }
  } else if (input.partNumber !== undefined && input.partNumber.trim() !== '') {
    product = findProduct(state, input.partNumber);
    if (!product) throw new HttpError(404, `${at}PartNumber: Product '${input.partNumber}' was not found.`);
  } else {
    throw new HttpError(400, `${at}productId or PartNumber: one of them is required to name the product.`);
  }
  return { product, ...applyRevisionTo(product, input, renames) };
}

/** Adds or updates a product (by `productId` when given, else by part number) and its nested revisions. */
export function applyProduct(
  state: ProductState,
  input: ProductInput,
  renames: Rename[] = [],
): { product: StoredProduct; inserted: boolean } {
  const { at } = input;
  let product: StoredProduct | undefined;
  if (input.productId !== undefined) {
    product = findProductById(state, input.productId);
    if (!product) throw new HttpError(404, `${at}productId: no product has the id '${input.productId}'.`);
    if (input.partNumber !== undefined && !sameName(input.partNumber, product.partNumber)) {
      const clash = findProduct(state, input.partNumber);
      if (clash) throw new HttpError(400, `${at}partNumber: '${clash.partNumber}' is already the part number of another product.`);
    }
  } else {
    if (input.partNumber === undefined) throw new HttpError(400, `${at}partNumber: required`);
    product = findProduct(state, input.partNumber);
  }
  const changes = {
    partNumber: input.partNumber,
    name: input.name,
    description: input.description,
    nonSerial: input.nonSerial,
    state: input.state,
    xmlData: input.xmlData,
    // Categories are kept by internal routes only; a name sent alone gets a stable id.
    productCategoryId:
      input.productCategoryId ??
      (input.productCategoryName ? derivedGuid(`product-category/${input.productCategoryName.toUpperCase()}`) : undefined),
    productCategoryName: input.productCategoryName,
  };
  let inserted = false;
  if (product) {
    const before = product.partNumber;
    assign(product, changes);
    if (before !== product.partNumber) renames.push({ partNumber: product.partNumber, from: before });
  } else {
    product = { productId: randomUUID(), partNumber: input.partNumber!, nonSerial: false, state: 1, revisions: [] };
    assign(product, changes);
    state.products.push(product);
    inserted = true;
  }
  for (const revision of input.revisions) applyRevisionTo(product, revision, renames);
  return { product, inserted };
}
